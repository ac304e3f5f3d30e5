"""The change log reads in plain Danish: field labels, object names, local times, Ja/Nej and "–"."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from eventsite.audit import record_audit, snapshot
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.invitations.directory import MemberData, create_member
from eventsite.invitations.models import JobLevel
from tests.helpers import visible_text


@pytest.fixture
def admin(create_organisation, login_as) -> int:
    organisation = create_organisation(slug="lederne", name="Lederne Sjælland")
    login_as(organisation, "admin")
    return organisation


def _log(client) -> str:
    response = client.get("/arrangoer/log")
    assert response.status_code == 200
    return visible_text(response.data)


def test_a_new_member_reads_with_labels_names_and_dashes(app, client, admin):
    with app.test_request_context():
        create_member(
            admin,
            MemberData(name="Karen Blixen", email="karen@example.dk", job_level=JobLevel.MELLEMLEDER),
        )
        db.session.commit()
    text = _log(client)
    assert "Medlem Karen Blixen: oprettet" in text
    assert "Ledelsesniveau: Mellemleder" in text
    assert "Medlemsnummer: –" in text
    # Nothing of the stored codes shows: no column names, no None, no enum values.
    for code in ("job_level", "opted_out_at", "member_number", "None", "mellemleder"):
        assert code not in text


def test_event_changes_show_local_times_booleans_and_the_events_title(app, client, admin, create_event):
    event = create_event(organisation_id=admin, title="Temadag om trivsel")
    with app.test_request_context():
        row = db.session.get(Event, event.id)
        before = snapshot(row, ("registration_closes_at", "allows_multiple_sessions", "kind"))
        # 07:00 UTC on 3 June is 09:00 in Copenhagen (summer time).
        after = {
            "registration_closes_at": datetime(2026, 6, 3, 7, 0, tzinfo=timezone.utc),
            "allows_multiple_sessions": True,
            "kind": "webinar",
        }
        record_audit(admin, "event", event.id, "updated", before=before, after=after)
        db.session.commit()
    text = _log(client)
    assert "Arrangement Temadag om trivsel: ændret" in text
    assert "Tilmeldingsfrist: – → 03.06.2026 kl. 09.00" in text
    assert "Man kan tilmelde sig flere hold: Nej → Ja" in text
    assert "Temadag → Webinar" in text
    for code in ("registration_closes_at", "allows_multiple_sessions", "07:00", "True", "False", "None"):
        assert code not in text


def test_the_brand_form_leaves_a_danish_line(app, client, admin):
    from tests.organiser.test_brand import post_brand

    assert post_brand(client, admin, primary_colour="#6a1b4d", display_name="Lederne").status_code == 303
    text = _log(client)
    assert "Organisationens profil Lederne Sjælland: ændret" in text
    assert "Primær farve: – → #6a1b4d" in text and "Visningsnavn: – → Lederne" in text


def test_an_object_that_is_gone_is_shown_by_its_number(app, client, admin):
    with app.test_request_context():
        record_audit(admin, "venue", 999, "deleted", before={"name": "Det gamle sted"})
        db.session.commit()
    text = _log(client)
    assert "Sted #999: slettet" in text and "Navn: Det gamle sted → –" in text
