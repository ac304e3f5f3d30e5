"""Retention of the meetings' personal data: afbud reasons and comments on minutes go by
themselves after the meeting, and a person anonymised by the participant step is named
"Slettet deltager" in the minutes (the version sent and the audit trail). Both databases."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from eventsite import clock
from eventsite.audit import AuditEntry
from eventsite.extensions import db
from eventsite.meetings import afbud, approval
from eventsite.meetings.minutes import Draft, ItemText, save_draft, start
from eventsite.meetings.minutes_models import Minutes, MinutesApproval, MinutesVersion
from eventsite.meetings.models import AgendaItem, AgendaKind
from eventsite.meetings.participation_models import Apology
from eventsite.privacy.retention import months_before, run_retention
from eventsite.registration.models import Person, Registration
from tests.conftest import FUTURE
from tests.helpers import csrf_token, visible_text

REASON = "Indlagt på Odense Universitetshospital"
COMMENT = "Min bemærkning om fusionen mangler"


def _run(app, when, **options):
    with clock.travelled(when), app.app_context():
        return {run.step: run.count for run in run_retention(clock.utcnow(), **options)}


def _meeting(app, create_event, register_person, *, approve: bool = True):
    """A board meeting: Ib sends afbud with a reason, Anne Quist attends and objects to the minutes."""
    event = create_event(title="Bestyrelsesmøde", sessions=[{"start": FUTURE, "hours": 3, "capacity": None}])
    ib = register_person(event.session_id, email="ib@example.dk", name="Ib Afbud")
    anne = register_person(event.session_id, email="anne@example.dk", name="Anne Quist")
    with app.test_request_context(method="POST"):
        db.session.add(
            AgendaItem(session_id=event.session_id, position=1, title="Fusionen", kind=AgendaKind.DROEFTELSE)
        )
        afbud.send_afbud(db.session.get(Registration, ib.id), REASON)
        db.session.commit()
    with clock.travelled(FUTURE + timedelta(hours=4)), app.test_request_context(method="POST"):
        registration = db.session.get(Registration, anne.id)
        minutes = start(registration.session)
        item = db.session.execute(select(AgendaItem)).scalar_one()
        save_draft(minutes, Draft("Anne Quist", "", "", {item.id: ItemText("Anne Quist fremlagde.", "Vedtaget.")}))
        version = approval.send_for_approval(minutes, [registration.person])
        approval.respond(version.approvals[0], False, COMMENT)
        if approve:
            approval.approve(minutes)
        db.session.commit()
    return event


def test_afbud_reasons_go_30_days_after_the_meeting_and_the_afbud_stays(app, create_event, register_person):
    _meeting(app, create_event, register_person)
    ends = FUTURE + timedelta(hours=3)
    assert _run(app, ends + timedelta(days=29, hours=23))["afbud_reasons"] == 0
    with app.app_context():
        assert db.session.execute(select(Apology.reason)).scalar_one() == REASON
    assert _run(app, ends + timedelta(days=30, hours=1))["afbud_reasons"] == 1
    with app.app_context():
        apology = db.session.execute(select(Apology)).scalar_one()
        assert apology.reason == "" and apology.channel.value == "self"
    # Nothing more to do the next time.
    assert _run(app, ends + timedelta(days=31))["afbud_reasons"] == 0


def test_comments_on_approved_minutes_go_after_6_months_but_not_while_they_are_out(app, create_event, register_person):
    _meeting(app, create_event, register_person, approve=False)
    ends = FUTURE + timedelta(hours=3)
    later = months_before(ends, -6) + timedelta(hours=1)
    # Still out for approval: the objection is needed.
    assert _run(app, later)["minutes_comments"] == 0
    with app.app_context():
        minutes = db.session.execute(select(Minutes)).scalar_one()
        approval.approve(minutes)
        db.session.commit()
    assert _run(app, months_before(ends, -6) - timedelta(hours=1))["minutes_comments"] == 0
    assert _run(app, later)["minutes_comments"] == 1
    with app.app_context():
        answer = db.session.execute(select(MinutesApproval)).scalar_one()
        assert answer.comment == "" and answer.response.value == "objected"


def test_an_organisation_sets_its_own_period_for_afbud_reasons(app, client, create_event, register_person, login_as):
    event = _meeting(app, create_event, register_person)
    login_as(event.organisation_id, "admin")
    url = f"/arrangoer/organisationer/{event.organisation_id}/databeskyttelse"
    page = client.get(url)
    text = visible_text(page.data)
    assert "Begrundelser for afbud" in text and "Standard: 30 dage." in text
    assert "En begrundelse for afbud kan fortælle om sygdom" in text
    assert "Kommentarer til referater" in text and "Standard: 6 måneder." in text
    fields = {"csrf_token": csrf_token(page.data), "participants": "24", "dietary_notes": "1"}
    fields.update({"delivered_emails": "30", "unanswered_invitations": "12", "minutes_comments": "6"})
    fields["member_page_links"] = "30"
    refused = client.post(url, data=dict(fields, afbud_reasons="400"))
    assert refused.status_code == 422 and "Vælg mellem 0 og 365." in visible_text(refused.data)
    assert client.post(url, data=dict(fields, afbud_reasons="7")).status_code == 303
    ends = FUTURE + timedelta(hours=3)
    assert _run(app, ends + timedelta(days=6, hours=23))["afbud_reasons"] == 0
    assert _run(app, ends + timedelta(days=7, hours=1))["afbud_reasons"] == 1


def test_the_participant_step_names_an_anonymised_person_erased_participant_in_the_minutes(
    app, create_event, register_person
):
    _meeting(app, create_event, register_person)
    ends = FUTURE + timedelta(hours=3)
    counts = _run(app, months_before(ends, -24) + timedelta(hours=1))
    assert counts["participants"] == 2
    with app.app_context():
        assert db.session.execute(select(Person.name)).scalars().all() == ["", ""]
        version = db.session.execute(select(MinutesVersion)).scalar_one()
        data = version.data
        assert data["attending"] == [{"name": "Slettet deltager", "note": ""}]
        assert data["afbud"] == ["Slettet deltager"] and data["chair"] == "Slettet deltager"
        assert data["items"][0]["summary"] == "Slettet deltager fremlagde."
        assert data["items"][0]["decision"] == "Vedtaget."
        entry = db.session.execute(
            select(AuditEntry).where(AuditEntry.object_type == "minutes", AuditEntry.action == "version_sent")
        ).scalar_one()
        sent = json.loads(json.loads(entry.after)["content"])
        assert sent["attending"] == data["attending"] and "Quist" not in entry.after and "Ib Afbud" not in entry.after
        minutes = db.session.execute(select(Minutes)).scalar_one()
        assert minutes.chair == "Slettet deltager" and minutes.items[0].summary == "Slettet deltager fremlagde."
        # The afbud and the answer stay as facts.
        assert db.session.execute(select(Apology.reason)).scalar_one() == ""
        assert db.session.execute(select(MinutesApproval.response)).scalar_one().value == "objected"
