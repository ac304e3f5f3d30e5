"""Check-in on the day: one tap per person, undo, absence marks, notes, all audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from eventsite.accounts.models import User
from eventsite.attendance.checkin import (
    CheckInError,
    attendance_opens_at,
    check_in,
    door_counts,
    mark_absent,
    set_attendance_note,
    undo_attendance,
)
from eventsite.audit import AuditEntry
from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.registration.models import Attendance, Registration, RegistrationStatus
from tests.helpers import csrf_token, form_token, visible_text


def _start_now(app, session_id: int, started_minutes_ago: int = 30) -> None:
    """Move a session (signed up for while in the future) to have just begun."""
    with app.app_context():
        start = utcnow() - timedelta(minutes=started_minutes_ago)
        db.session.execute(
            update(EventSession)
            .where(EventSession.id == session_id)
            .values(starts_at=start, ends_at=start + timedelta(hours=6))
        )
        db.session.commit()


@pytest.fixture
def door(app, create_event, register_person, create_user):
    """A session under way with three confirmed people and one on the waiting list."""
    event = create_event(sessions=[{"city": "Næstved", "capacity": 3}])
    people = {
        name: register_person(event.session_id, name=name)
        for name in ("Mette Hansen", "Søren Æbelø", "Åse Ørum", "Venter Venteliste")
    }
    _start_now(app, event.session_id)
    user_id = create_user(event.organisation_id, "checkin", email="doer@example.org")
    return event, {name: created.id for name, created in people.items()}, user_id


def _load(registration_id: int) -> Registration:
    return db.session.get(Registration, registration_id)


def test_checking_in_records_time_and_who_and_writes_an_audit_entry(app, door):
    event, people, user_id = door
    with app.test_request_context(method="POST"):
        user = db.session.get(User, user_id)
        registration = _load(people["Mette Hansen"])
        assert check_in(registration, user=user) is True
        db.session.commit()
        registration = _load(people["Mette Hansen"])
        assert registration.attendance is Attendance.ATTENDED
        assert registration.checked_in_by_id == user_id
        assert utcnow() - registration.checked_in_at < timedelta(minutes=1)
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.object_type == "registration")).scalar_one()
        assert (entry.action, entry.object_id, entry.actor) == ("checked_in", registration.id, "doer@example.org")
        assert '"attendance": "attended"' in entry.after


def test_a_double_tap_checks_in_once(app, door):
    event, people, user_id = door
    with app.test_request_context(method="POST"):
        registration = _load(people["Mette Hansen"])
        assert check_in(registration) is True
        first_time = registration.checked_in_at
        assert check_in(registration, now=first_time + timedelta(seconds=2)) is False
        db.session.commit()
        assert _load(people["Mette Hansen"]).checked_in_at == first_time
        assert (
            len(db.session.execute(select(AuditEntry).where(AuditEntry.object_type == "registration")).scalars().all())
            == 1
        )


def test_undo_takes_back_a_check_in(app, door):
    event, people, user_id = door
    with app.test_request_context(method="POST"):
        registration = _load(people["Mette Hansen"])
        check_in(registration)
        assert undo_attendance(registration) is True
        db.session.commit()
        registration = _load(people["Mette Hansen"])
        assert registration.attendance is Attendance.NONE
        assert registration.checked_in_at is None and registration.checked_in_by_id is None
        actions = (
            db.session.execute(
                select(AuditEntry.action).where(AuditEntry.object_type == "registration").order_by(AuditEntry.id)
            )
            .scalars()
            .all()
        )
        assert actions == ["checked_in", "attendance_undone"]


def test_absence_is_recorded_as_afbud_or_udeblevet_and_counted(app, door):
    event, people, user_id = door
    with app.test_request_context(method="POST"):
        check_in(_load(people["Mette Hansen"]))
        mark_absent(_load(people["Søren Æbelø"]), Attendance.ABSENT_NOTIFIED)
        mark_absent(_load(people["Åse Ørum"]), Attendance.NO_SHOW)
        db.session.commit()
        counts = door_counts(event.session_id)
        assert (counts.confirmed, counts.checked_in, counts.absent_notified, counts.no_shows) == (3, 1, 1, 1)
        assert counts.expected == 0
        assert _load(people["Søren Æbelø"]).attendance.label == "Afbud"
        assert _load(people["Åse Ørum"]).attendance.label == "Udeblevet"


def test_marking_someone_absent_after_a_wrong_check_in_clears_the_check_in(app, door):
    event, people, user_id = door
    with app.test_request_context(method="POST"):
        registration = _load(people["Mette Hansen"])
        check_in(registration)
        mark_absent(registration, Attendance.NO_SHOW)
        assert registration.checked_in_at is None
        assert door_counts(event.session_id).checked_in == 0


def test_absence_needs_a_kind_of_absence(app, door):
    event, people, user_id = door
    with app.test_request_context(method="POST"):
        with pytest.raises(CheckInError):
            mark_absent(_load(people["Mette Hansen"]), Attendance.ATTENDED)


def test_a_partial_attendance_note_is_kept_and_audited(app, door):
    event, people, user_id = door
    with app.test_request_context(method="POST"):
        registration = _load(people["Mette Hansen"])
        check_in(registration)
        assert set_attendance_note(registration, "  deltog i pkt. 1–3 ") is True
        db.session.commit()
        assert _load(people["Mette Hansen"]).attendance_note == "deltog i pkt. 1–3"
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "attendance_note")).scalar_one()
        assert "deltog i pkt. 1–3" in entry.after


def test_an_over_long_note_is_refused_and_changes_nothing(app, door):
    event, people, user_id = door
    with app.test_request_context(method="POST"):
        registration = _load(people["Mette Hansen"])
        with pytest.raises(CheckInError):
            set_attendance_note(registration, "x" * 201)
        assert registration.attendance_note == ""


def test_people_on_the_waiting_list_cannot_be_checked_in(app, door):
    event, people, user_id = door
    with app.test_request_context(method="POST"):
        registration = _load(people["Venter Venteliste"])
        assert registration.status is RegistrationStatus.WAITLISTED
        with pytest.raises(CheckInError) as refused:
            check_in(registration)
        assert "venteliste" in str(refused.value.message)
        assert registration.attendance is Attendance.NONE


def test_attendance_cannot_be_recorded_days_before_the_session(app, create_event, register_person):
    event = create_event()  # a month ahead
    created = register_person(event.session_id)
    with app.test_request_context(method="POST"):
        registration = _load(created.id)
        with pytest.raises(CheckInError):
            check_in(registration)
        with pytest.raises(CheckInError):
            mark_absent(registration, Attendance.NO_SHOW)
        # From midnight on the day itself (before the doors open) it can.
        assert check_in(registration, now=attendance_opens_at(registration.session)) is True


# --- the screen at the door ---------------------------------------------------------


def _screen(client, session_id: int, q: str = ""):
    return client.get(f"/arrangoer/sessioner/{session_id}/indtjekning", query_string={"q": q} if q else None)


def _form_for(html: str, action: str) -> bool:
    return f'action="{action}"' in html


def test_a_check_in_helper_sees_the_people_and_the_counts(app, client, door, login_as):
    event, people, user_id = door
    login_as(event.organisation_id, "checkin")
    page = _screen(client, event.session_id)
    assert page.status_code == 200
    text = visible_text(page.data)
    assert "Mette Hansen" in text and "Søren Æbelø" in text
    assert "Venter Venteliste" not in text  # not confirmed: not expected at the door
    assert re.search(r"Tjekket ind\s*0\s*af\s*3", text), text


def test_searching_by_name_works_without_javascript(app, client, door, login_as):
    event, people, user_id = door
    login_as(event.organisation_id, "checkin")
    text = visible_text(_screen(client, event.session_id, q="søren").data)
    assert "Søren Æbelø" in text and "Mette Hansen" not in text


def test_one_tap_checks_in_and_the_screen_says_so(app, client, door, login_as):
    event, people, user_id = door
    login_as(event.organisation_id, "checkin")
    page = _screen(client, event.session_id, q="mette")
    action = f"/arrangoer/tilmeldinger/{people['Mette Hansen']}/indtjek"
    assert _form_for(page.data.decode(), action)
    response = client.post(action, data={"csrf_token": csrf_token(page.data), "q": "mette"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/arrangoer/sessioner/{event.session_id}/indtjekning?q=mette#r{people['Mette Hansen']}"
    )
    text = visible_text(client.get(response.headers["Location"]).data)
    assert "Mette Hansen er tjekket ind." in text
    assert re.search(r"Tjekket ind\s*1\s*af\s*3", text)
    with app.app_context():
        assert _load(people["Mette Hansen"]).attendance is Attendance.ATTENDED


def test_undo_afbud_and_note_through_the_screen(app, client, door, login_as):
    event, people, user_id = door
    login_as(event.organisation_id, "checkin")
    token = csrf_token(_screen(client, event.session_id).data)
    mette, soeren = people["Mette Hansen"], people["Søren Æbelø"]
    client.post(f"/arrangoer/tilmeldinger/{mette}/indtjek", data={"csrf_token": token})
    client.post(
        f"/arrangoer/tilmeldinger/{mette}/fremmoede-note", data={"csrf_token": token, "note": "deltog i pkt. 1–3"}
    )
    client.post(f"/arrangoer/tilmeldinger/{soeren}/fravaer", data={"csrf_token": token, "kind": "absent_notified"})
    with app.app_context():
        assert _load(mette).attendance_note == "deltog i pkt. 1–3"
        assert _load(soeren).attendance is Attendance.ABSENT_NOTIFIED
    client.post(f"/arrangoer/tilmeldinger/{mette}/indtjek/fortryd", data={"csrf_token": token})
    with app.app_context():
        assert _load(mette).attendance is Attendance.NONE


def test_a_refused_check_in_gives_a_danish_message_and_changes_nothing(app, client, door, login_as):
    event, people, user_id = door
    login_as(event.organisation_id, "checkin")
    token = csrf_token(_screen(client, event.session_id).data)
    waiting = people["Venter Venteliste"]
    response = client.post(f"/arrangoer/tilmeldinger/{waiting}/indtjek", data={"csrf_token": token})
    assert response.status_code == 303
    assert "venteliste" in visible_text(client.get(response.headers["Location"]).data)
    with app.app_context():
        assert _load(waiting).attendance is Attendance.NONE


def test_nonsense_absence_kind_is_refused(app, client, door, login_as):
    event, people, user_id = door
    login_as(event.organisation_id, "checkin")
    token = csrf_token(_screen(client, event.session_id).data)
    response = client.post(
        f"/arrangoer/tilmeldinger/{people['Mette Hansen']}/fravaer", data={"csrf_token": token, "kind": "attended"}
    )
    assert response.status_code == 303
    with app.app_context():
        assert _load(people["Mette Hansen"]).attendance is Attendance.NONE


def test_check_in_without_a_csrf_token_is_refused(app, client, door, login_as):
    event, people, user_id = door
    login_as(event.organisation_id, "checkin")
    response = client.post(f"/arrangoer/tilmeldinger/{people['Mette Hansen']}/indtjek", data={})
    assert response.status_code == 400
    with app.app_context():
        assert _load(people["Mette Hansen"]).attendance is Attendance.NONE


def test_the_check_in_home_lists_todays_sessions(app, client, door, login_as):
    event, people, user_id = door
    login_as(event.organisation_id, "checkin")
    home = client.get("/arrangoer/")
    assert home.status_code == 303 and home.headers["Location"].endswith("/arrangoer/indtjekning")
    page = client.get("/arrangoer/indtjekning")
    assert f'href="/arrangoer/sessioner/{event.session_id}/indtjekning"' in page.data.decode()


def test_a_check_in_helper_can_neither_export_nor_edit(app, client, door, login_as):
    event, people, user_id = door
    login_as(event.organisation_id, "checkin")
    token = csrf_token(_screen(client, event.session_id).data)
    assert client.get(f"/arrangoer/arrangementer/{event.id}/eksport?type=full&format=csv").status_code == 404
    assert client.get(f"/arrangoer/arrangementer/{event.id}/deltagere").status_code == 404
    assert client.get("/arrangoer/oversigt").status_code == 404
    response = client.post(
        f"/arrangoer/tilmeldinger/{people['Mette Hansen']}/afmeld", data={"csrf_token": token, "confirmed": "yes"}
    )
    assert response.status_code == 404
    with app.app_context():
        assert _load(people["Mette Hansen"]).status is RegistrationStatus.CONFIRMED


def test_another_organisations_helper_gets_404(app, client, door, login_as, create_organisation):
    event, people, user_id = door
    other = create_organisation(slug="andre")
    login_as(other, "checkin")
    assert _screen(client, event.session_id).status_code == 404
    token = csrf_token(client.get("/arrangoer/indtjekning").data)
    response = client.post(f"/arrangoer/tilmeldinger/{people['Mette Hansen']}/indtjek", data={"csrf_token": token})
    assert response.status_code == 404
    with app.app_context():
        assert _load(people["Mette Hansen"]).attendance is Attendance.NONE


def test_nobody_is_checked_in_to_a_cancelled_session(app, door):
    event, people, user_id = door
    with app.test_request_context(method="POST"):
        registration = _load(people["Mette Hansen"])
        registration.session.cancelled_at = utcnow()
        with pytest.raises(CheckInError) as refused:
            check_in(registration)
        assert str(refused.value.message) == "Dette hold er aflyst."


def test_a_checkin_helper_reaches_a_door_list_only_around_its_session(
    app, client, create_event, register_person, login_as
):
    event = create_event(sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}])
    today, later = event.session_ids
    soon = register_person(today, name="Mette Hansen")
    far = register_person(later, name="Søren Æbelø")
    _start_now(app, today)  # began half an hour ago; the other is weeks away
    login_as(event.organisation_id, "checkin")

    home = visible_text(client.get("/arrangoer/indtjekning").data)
    assert client.get(f"/arrangoer/sessioner/{today}/indtjekning").status_code == 200
    assert client.get(f"/arrangoer/sessioner/{later}/indtjekning").status_code == 404
    token = form_token(client, f"/arrangoer/sessioner/{today}/indtjekning")
    assert client.post(f"/arrangoer/tilmeldinger/{far.id}/indtjek", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/arrangoer/tilmeldinger/{soon.id}/indtjek", data={"csrf_token": token}).status_code == 303
    assert "Næstved" in home and "Silkeborg" not in home
    with app.app_context():
        assert _load(far.id).attendance is Attendance.NONE


def test_an_organiser_reaches_every_door_list(app, client, create_event, login_as):
    event = create_event(sessions=[{}])
    login_as(event.organisation_id, "organiser")
    assert client.get(f"/arrangoer/sessioner/{event.session_id}/indtjekning").status_code == 200
