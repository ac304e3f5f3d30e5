"""Afbud, attendance by agenda item and the minutes' approval, through the domain functions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsite import clock
from eventsite.calendar.entries import description_texts
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.meetings import afbud, approval, minutes, presence
from eventsite.meetings.minutes_models import ApprovalResponse, MinutesState
from eventsite.meetings.participation_models import Apology
from eventsite.registration.models import Attendance, Person, Registration, RegistrationStatus
from eventsite.registration.tokens import manage_token
from tests.conftest import FUTURE, SUITE_NOW
from tests.helpers import csrf_token, visible_text
from tests.meetings.board_fixtures import create_board  # noqa: F401  (fixture)


@pytest.fixture
def full_meeting(app, create_event, register_person):
    """A meeting with 2 seats, both taken, and one person waiting; one agenda item (a meeting)."""
    from eventsite.meetings.models import AgendaItem

    created = create_event(title="Lederforum", sessions=[{"capacity": 2}])
    with app.app_context():
        db.session.add(AgendaItem(session_id=created.session_id, position=1, title="Velkomst"))
        db.session.commit()
    seated = [register_person(created.session_id, f"leder{i}@example.dk", f"Leder {i}") for i in (1, 2)]
    waiting = register_person(created.session_id, "venter@example.dk", "Venter")
    assert waiting.status == "waitlisted"
    return created, seated, waiting


def test_afbud_on_a_full_meeting_releases_the_place_and_promotes_the_waiting_list(app, full_meeting):
    created, seated, waiting = full_meeting
    with app.test_request_context():
        registration = db.session.get(Registration, seated[0].id)
        afbud.send_afbud(registration, "  Sygdom  ")
        db.session.commit()
        assert registration.status is RegistrationStatus.CANCELLED
        assert registration.attendance is Attendance.ABSENT_NOTIFIED
        assert db.session.get(Apology, registration.id).reason == "Sygdom"
        assert db.session.get(Registration, waiting.id).status is RegistrationStatus.CONFIRMED
        promoted = db.session.execute(select(OutboxMessage).where(OutboxMessage.kind == MailKind.PROMOTED)).scalar_one()
        assert promoted.registration_id == waiting.id
        # Still on the meeting's list, as Afbud: distinct from a cancellation.
        listing = afbud.meeting_list(registration.session)
        assert [row.registration.person.name for row in listing.afbud] == ["Leder 1"]
        assert sorted(row.registration.person.name for row in listing.attending) == ["Leder 2", "Venter"]


def test_a_second_afbud_and_an_afbud_after_the_start_are_refused(app, full_meeting):
    created, seated, _waiting = full_meeting
    with app.test_request_context():
        registration = db.session.get(Registration, seated[1].id)
        clock.travel_to(FUTURE + timedelta(minutes=1))
        try:
            with pytest.raises(afbud.AfbudError):
                afbud.send_afbud(registration, "")
        finally:
            clock.travel_to(SUITE_NOW)
        db.session.rollback()
        assert db.session.get(Apology, registration.id) is None
        assert db.session.get(Registration, seated[1].id).status is RegistrationStatus.CONFIRMED


def test_afbud_through_the_manage_link_and_its_refusals(app, client, full_meeting):
    _created, seated, _waiting = full_meeting
    url = f"/tilmelding/{seated[1].token}"
    page = client.get(url)
    assert 'value="Meld afbud"' in page.get_data(as_text=True)
    too_long = client.post(url + "/afbud", data={"csrf_token": csrf_token(page.data), "reason": "x" * 501})
    assert too_long.status_code == 303
    assert "500" in visible_text(client.get(url).data)
    with app.app_context():
        assert db.session.get(Apology, seated[1].id) is None
    assert client.post("/tilmelding/forfalsket/afbud", data={"csrf_token": csrf_token(page.data)}).status_code == 404
    done = client.post(url + "/afbud", data={"csrf_token": csrf_token(client.get(url).data), "reason": "Ferie"})
    assert done.status_code == 303
    assert "Du meldte afbud" in visible_text(client.get(url).data)


def test_presence_by_item_refuses_foreign_items_and_leaving_before_arriving(app, create_board, register_person):
    board = create_board(members=0)
    person = register_person(board.session_id, "a@example.dk", "Anna")
    with app.test_request_context():
        registration = db.session.get(Registration, person.id)
        with pytest.raises(presence.PresenceError):
            presence.record(registration, presence.PresenceChoice(arrived_item_id=999999))
        with pytest.raises(presence.PresenceError):
            presence.record(
                registration,
                presence.PresenceChoice(arrived_item_id=board.item_ids[3], left_item_id=board.item_ids[1]),
            )
        text = presence.record(
            registration,
            presence.PresenceChoice(arrived_item_id=board.item_ids[1], left_item_id=board.item_ids[3], online=True),
        )
        assert text == "deltog i pkt. 2-4 (online)"
        assert presence.phrases(registration.session) == {registration.id: "deltog i pkt. 2-4 (online)"}
        # Back to the whole meeting in the room: no record, no sentence.
        assert presence.record(registration, presence.PresenceChoice()) == ""
        assert presence.phrases(registration.session) == {}


def _sent_minutes(app, board, register_person, count=3):
    people = [register_person(board.session_id, f"m{i}@example.dk", f"Medlem {i}") for i in range(count)]
    with app.test_request_context():
        from eventsite.events.models import EventSession

        session = db.session.get(EventSession, board.session_id)
        found = minutes.start(session)
        minutes.save_draft(
            found,
            minutes.Draft("Formand", "Sekretær", "", {board.item_ids[2]: minutes.ItemText("Drøftet.", "Vedtaget.")}),
        )
        persons = list(db.session.execute(select(Person).order_by(Person.id)).scalars())
        version = approval.send_for_approval(found, persons)
        db.session.commit()
        return found.id, version.id, people


def test_an_open_objection_keeps_the_minutes_from_approval_at_the_deadline(app, create_board, register_person):
    board = create_board(members=0)
    minutes_id, version_id, _people = _sent_minutes(app, board, register_person)
    with app.test_request_context():
        from eventsite.meetings.minutes_models import Minutes, MinutesVersion

        version = db.session.get(MinutesVersion, version_id)
        first, second, _third = version.approvals
        approval.respond(first, approve=True)
        with pytest.raises(approval.ApprovalRefused):
            approval.respond(second, approve=False, comment="")
        approval.respond(second, approve=False, comment="Pkt. 3 er forkert")
        db.session.commit()
        assert approval.approve_due(version.deadline + timedelta(minutes=1)) == 0
        assert db.session.get(Minutes, minutes_id).state is MinutesState.SENT
        # Past the deadline, answers are refused.
        clock.travel_to(version.deadline + timedelta(minutes=1))
        try:
            with pytest.raises(approval.ApprovalRefused):
                approval.respond(first, approve=False, comment="For sent")
        finally:
            clock.travel_to(SUITE_NOW)
        # The organiser may approve by hand, and then publish.
        found = db.session.get(Minutes, minutes_id)
        approval.approve(found)
        approval.publish(found)
        db.session.commit()
        assert found.state is MinutesState.PUBLISHED and first.response is ApprovalResponse.APPROVED
        text = description_texts([board.session_id], False)[board.session_id]
        assert "Pkt. 3. Budget 2027 – beslutning: Vedtaget." in text
        assert f"/referater/{board.session_id}.pdf" in text


def test_approval_links_are_personal_and_signed(app, create_board, register_person):
    board = create_board(members=0)
    _minutes_id, version_id, _people = _sent_minutes(app, board, register_person, count=2)
    with app.test_request_context():
        from eventsite.meetings.minutes_models import MinutesVersion

        one, other = db.session.get(MinutesVersion, version_id).approvals
        token = approval.approval_token(one)
        assert approval.approval_from_token(token).id == one.id
        assert approval.approval_from_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert approval.approval_from_token(manage_token(db.session.get(Registration, 1))) is None
        # A revoked key: the old link no longer works.
        other.token_key = "nyt"
        db.session.flush()
        assert approval.approval_from_token(approval.approval_token(one)) is not None
        assert approval.approval_from_token(token.replace(token, approval.approval_token(other))).id == other.id
