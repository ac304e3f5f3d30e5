"""Bad input in the back office gets a clear Danish message and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsite.accounts.models import User
from eventsite.audit import AuditEntry
from eventsite.clock import utcnow
from eventsite.events.models import LOCAL_TZ, Event, EventSession
from eventsite.extensions import db
from tests.helpers import form_token, visible_text
from tests.organiser.test_events import EVENT_FORM, make_venue, session_form

NEXT_YEAR = utcnow().astimezone(LOCAL_TZ).year + 1


# The `organiser` fixture, logged in as an admin here: two tests make accounts.
pytestmark = pytest.mark.parametrize("organiser", ["admin"], indirect=True)


def post(client, url, **data):
    data["csrf_token"] = form_token(client, url)
    return client.post(url, data=data)


def rows(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def audit_count(app) -> int:
    return rows(app, AuditEntry)


def new_session(client, app, organiser, create_event, **changes):
    event = create_event(organisation_id=organiser, sessions=[])
    venue = make_venue(app, organiser)
    before = (rows(app, EventSession), audit_count(app))
    response = post(client, f"/arrangoer/arrangementer/{event.id}/sessioner/ny", **session_form(venue, **changes))
    assert (rows(app, EventSession), audit_count(app)) == before, "nothing may be saved"
    return response


def test_a_session_that_ends_before_it_starts_is_refused(app, client, organiser, create_event):
    response = new_session(client, app, organiser, create_event, start="15:00", end="13:00")
    assert response.status_code == 422
    assert "Holdet skal slutte, efter det er begyndt." in visible_text(response.data)


def test_empty_dates_and_times_are_refused(app, client, organiser, create_event):
    response = new_session(client, app, organiser, create_event, day="", start="", end="")
    assert response.status_code == 422
    text = visible_text(response.data)
    assert "Angiv en dato." in text
    assert "Angiv et starttidspunkt." in text


def test_a_nonsensical_date_is_refused(app, client, organiser, create_event):
    response = new_session(client, app, organiser, create_event, day=f"{NEXT_YEAR}-02-31")
    assert response.status_code == 422
    assert "Angiv en gyldig dato." in visible_text(response.data)


def test_a_session_in_the_past_is_refused(app, client, organiser, create_event):
    yesterday = (utcnow().astimezone(LOCAL_TZ) - timedelta(days=1)).date().isoformat()
    response = new_session(client, app, organiser, create_event, day=yesterday)
    assert response.status_code == 422
    assert "Holdet kan ikke begynde i fortiden." in visible_text(response.data)


def test_a_negative_capacity_is_refused(app, client, organiser, create_event):
    response = new_session(client, app, organiser, create_event, capacity="-5")
    assert response.status_code == 422
    assert "Antallet af pladser kan ikke være negativt." in visible_text(response.data)


def test_a_venue_of_another_organisation_cannot_be_chosen(app, client, organiser, create_organisation, create_event):
    other = make_venue(app, create_organisation(slug="andre", name="Andre"))
    event = create_event(organisation_id=organiser, sessions=[])
    response = post(client, f"/arrangoer/arrangementer/{event.id}/sessioner/ny", **session_form(other))
    assert response.status_code == 422
    assert rows(app, EventSession) == 0


def test_an_over_long_title_is_refused(app, client, organiser):
    before = audit_count(app)
    response = post(
        client, "/arrangoer/arrangementer/ny", **dict(EVENT_FORM, organisation_id=organiser, title="x" * 201)
    )
    assert response.status_code == 422
    assert "Højst 200 tegn." in visible_text(response.data)
    assert rows(app, Event) == 0 and audit_count(app) == before


def test_an_empty_title_is_refused(app, client, organiser):
    response = post(client, "/arrangoer/arrangementer/ny", **dict(EVENT_FORM, organisation_id=organiser, title="   "))
    assert response.status_code == 422
    assert "Skriv en titel." in visible_text(response.data)
    assert rows(app, Event) == 0


def test_a_sign_up_deadline_before_sign_up_opens_is_refused(app, client, organiser):
    response = post(
        client,
        "/arrangoer/arrangementer/ny",
        **dict(
            EVENT_FORM,
            organisation_id=organiser,
            registration_opens_at=f"{NEXT_YEAR}-06-01T09:00",
            registration_closes_at=f"{NEXT_YEAR}-05-01T09:00",
        ),
    )
    assert response.status_code == 422
    assert "Tilmeldingsfristen skal ligge efter, at tilmeldingen åbner." in visible_text(response.data)
    assert rows(app, Event) == 0


def test_a_nonsensical_datetime_is_refused(app, client, organiser):
    response = post(
        client,
        "/arrangoer/arrangementer/ny",
        **dict(
            EVENT_FORM,
            organisation_id=organiser,
            registration_closes_at="i morgen",
        ),
    )
    assert response.status_code == 422
    assert "Angiv en gyldig dato og et gyldigt klokkeslæt." in visible_text(response.data)
    assert rows(app, Event) == 0


def test_a_capacity_that_is_not_a_number_is_refused(app, client, organiser, create_event):
    response = new_session(client, app, organiser, create_event, capacity="tyve")
    assert response.status_code == 422
    assert "Skriv et helt tal." in visible_text(response.data)


def test_an_event_cannot_be_created_for_another_organisation(app, client, organiser, create_organisation):
    other = create_organisation(slug="andre", name="Andre")
    response = post(client, "/arrangoer/arrangementer/ny", **dict(EVENT_FORM, organisation_id=other))
    assert response.status_code == 422
    assert rows(app, Event) == 0


def test_a_duplicate_organiser_email_is_refused(app, client, organiser, create_user):
    create_user(organiser, "organiser", email="mette@lederne.dk")
    users_before = rows(app, User)
    response = post(
        client,
        "/arrangoer/brugere/ny",
        organisation_id=organiser,
        email="Mette@Lederne.dk",
        name="Mette",
        role="organiser",
    )
    assert response.status_code == 422
    assert "Der findes allerede en konto med denne e-mailadresse." in visible_text(response.data)
    assert rows(app, User) == users_before


def test_editing_a_session_in_a_bad_way_changes_nothing(app, client, organiser, create_event):
    event = create_event(organisation_id=organiser)
    with app.app_context():
        before = db.session.get(EventSession, event.session_id)
        snapshot = (before.starts_at, before.ends_at, before.capacity, before.sequence)
    url = f"/arrangoer/sessioner/{event.session_id}/rediger"
    audit_before = audit_count(app)
    for bad in ({"start": "15:00", "end": "14:00"}, {"capacity": "-1"}, {"day": "2000-01-01"}):
        response = post(client, url, **session_form(make_venue(app, organiser), **bad))
        assert response.status_code == 422, bad
    with app.app_context():
        after = db.session.get(EventSession, event.session_id)
        assert (after.starts_at, after.ends_at, after.capacity, after.sequence) == snapshot
    assert audit_count(app) == audit_before
