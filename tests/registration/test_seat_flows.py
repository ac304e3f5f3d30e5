"""Seats that never change silently: confirm before cancelling, queue place kept on a
move, an explicit yes before a seat is given up, the cancellation deadline, and a
button that says what will happen."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from eventsite import clock
from eventsite.db import utcnow
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.mail.models import OutboxMessage
from eventsite.registration.models import Registration
from tests.conftest import SUITE_NOW
from tests.helpers import csrf_token, form_token, visible_text

SILKEBORG = {"city": "Silkeborg", "municipality_code": "0740"}


def state(app, registration_id: int) -> tuple[str, int]:
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        return registration.status.value, registration.session_id


def emails(app) -> list[str]:
    with app.app_context():
        return [
            kind.value for kind in db.session.execute(select(OutboxMessage.kind).order_by(OutboxMessage.id)).scalars()
        ]


def signed_up_at(register_person, minutes: int, session_id: int, **kwargs):
    """A sign-up at SUITE_NOW + minutes, so that the order of sign-ups is explicit."""
    with clock.travelled(SUITE_NOW + timedelta(minutes=minutes)):
        return register_person(session_id, **kwargs)


def manage_page(client, token: str):
    page = client.get(f"/tilmelding/{token}")
    assert page.status_code == 200
    return page


# --- cancelling asks first ------------------------------------------------------------


def test_afmeld_shows_a_confirmation_page_and_changes_nothing_until_confirmed(
    app, client, create_event, register_person
):
    event = create_event(sessions=[{"capacity": 1}])
    me = register_person(event.session_id, email="mette@example.dk")
    waiting = register_person(event.session_id)
    before = emails(app)
    page = manage_page(client, me.token)

    asked = client.post(f"/tilmelding/{me.token}/afmeld", data={"csrf_token": csrf_token(page.data)})

    assert asked.status_code == 200
    text = visible_text(asked.data)
    assert "Vil du afmelde dig?" in text and "Din plads går videre til den første på ventelisten." in text
    assert 'value="Ja, afmeld mig"' in asked.get_data(as_text=True)
    assert state(app, me.id)[0] == "confirmed" and state(app, waiting.id)[0] == "waitlisted"
    assert emails(app) == before

    done = client.post(
        f"/tilmelding/{me.token}/afmeld", data={"csrf_token": csrf_token(asked.data), "confirmed": "yes"}
    )
    assert done.status_code == 303
    after = visible_text(client.get(done.headers["Location"]).data)
    assert "Din tilmelding er afmeldt." in after
    assert "Tilmeld dig igen" in after  # the event is still open
    assert state(app, me.id)[0] == "cancelled" and state(app, waiting.id)[0] == "confirmed"
    assert emails(app) == before + ["cancelled", "promoted"]


def test_a_replayed_confirmation_says_so_and_sends_no_second_email(app, client, create_event, register_person):
    event = create_event()
    me = register_person(event.session_id)
    page = manage_page(client, me.token)
    data = {"csrf_token": csrf_token(page.data), "confirmed": "yes"}
    client.post(f"/tilmelding/{me.token}/afmeld", data=data)
    count = len(emails(app))

    again = client.post(f"/tilmelding/{me.token}/afmeld", data=data)

    assert again.status_code == 303
    assert "Tilmeldingen er allerede afmeldt." in visible_text(client.get(again.headers["Location"]).data)
    assert len(emails(app)) == count


def test_a_forged_confirmation_is_refused_in_danish_and_changes_nothing(app, client, create_event, register_person):
    event = create_event()
    me = register_person(event.session_id)

    forged = client.post(f"/tilmelding/{me.token}/afmeld", data={"csrf_token": "forged", "confirmed": "yes"})

    assert forged.status_code == 400
    assert "Formularen kan være udløbet." in visible_text(forged.data)
    assert state(app, me.id)[0] == "confirmed"


def test_no_sign_up_again_offer_once_the_event_is_closed(app, client, create_event, register_person):
    event = create_event()
    me = register_person(event.session_id)
    page = manage_page(client, me.token)
    client.post(f"/tilmelding/{me.token}/afmeld", data={"csrf_token": csrf_token(page.data), "confirmed": "yes"})
    with app.app_context():
        db.session.get(Event, event.id).registration_closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()

    assert "Tilmeld dig igen" not in visible_text(manage_page(client, me.token).data)


def test_the_organiser_is_asked_to_confirm_a_cancellation_too(app, client, create_event, register_person, login_as):
    event = create_event()
    login_as(event.organisation_id)
    person = register_person(event.session_id, name="Søren Æbelø")
    url = f"/arrangoer/tilmeldinger/{person.id}"
    token = form_token(client, url)

    asked = client.post(f"{url}/afmeld", data={"csrf_token": token})

    assert asked.status_code == 200
    assert "Afmeld Søren Æbelø?" in visible_text(asked.data)
    assert state(app, person.id)[0] == "confirmed"
    done = client.post(f"{url}/afmeld", data={"csrf_token": csrf_token(asked.data), "confirmed": "yes"})
    assert done.status_code == 303
    assert state(app, person.id)[0] == "cancelled"


# --- moving keeps the place in the queue ---------------------------------------------------


def test_a_waitlisted_person_who_moves_keeps_their_place_by_sign_up_time(app, client, create_event, register_person):
    event = create_event(sessions=[{"capacity": 1}, {"capacity": 1, **SILKEBORG}])
    naestved, silkeborg = event.session_ids
    signed_up_at(register_person, 0, naestved)
    signed_up_at(register_person, 1, silkeborg)
    early = signed_up_at(register_person, 2, naestved, email="tidlig@example.dk")  # no. 1 in Næstved
    late = signed_up_at(register_person, 3, silkeborg, email="sen@example.dk")  # no. 1 in Silkeborg
    page = manage_page(client, early.token)

    moved = client.post(
        f"/tilmelding/{early.token}/flyt", data={"csrf_token": csrf_token(page.data), "session_id": silkeborg}
    )

    assert moved.status_code == 303
    assert "Du er nr. 1 på ventelisten." in visible_text(client.get(moved.headers["Location"]).data)
    assert state(app, early.id) == ("waitlisted", silkeborg)
    assert "Nummer 1 på ventelisten" in visible_text(manage_page(client, early.token).data)
    assert "Nummer 2 på ventelisten" in visible_text(manage_page(client, late.token).data)


def test_two_people_moving_to_the_same_list_are_ordered_by_when_they_signed_up(
    app, client, create_event, register_person
):
    event = create_event(sessions=[{"capacity": 1}, {"capacity": 1, **SILKEBORG}])
    naestved, silkeborg = event.session_ids
    signed_up_at(register_person, 0, naestved)
    signed_up_at(register_person, 1, silkeborg)
    first = signed_up_at(register_person, 2, naestved, email="foerst@example.dk")
    second = signed_up_at(register_person, 3, naestved, email="anden@example.dk")

    # The later sign-up moves first; it must not overtake the earlier one.
    for person in (second, first):
        page = manage_page(client, person.token)
        client.post(
            f"/tilmelding/{person.token}/flyt", data={"csrf_token": csrf_token(page.data), "session_id": silkeborg}
        )

    assert "Nummer 1 på ventelisten" in visible_text(manage_page(client, first.token).data)
    assert "Nummer 2 på ventelisten" in visible_text(manage_page(client, second.token).data)


def test_equal_sign_up_times_are_ordered_by_registration_number(app, create_event, register_person):
    from eventsite.registration.operations import waitlist_position

    event = create_event(sessions=[{"capacity": 0}])
    a = register_person(event.session_id)
    b = register_person(event.session_id)
    with app.app_context():
        same = datetime(2026, 5, 4, 8, 0, tzinfo=timezone.utc)
        for rid in (b.id, a.id):
            db.session.get(Registration, rid).waitlisted_at = same
        db.session.commit()
        assert [waitlist_position(db.session.get(Registration, r.id)) for r in (a, b)] == [1, 2]


# --- an explicit yes before a seat is given up -------------------------------------------------


def test_moving_a_seat_to_a_full_session_says_what_is_lost_and_changes_nothing_without_a_yes(
    app, client, create_event, register_person
):
    event = create_event(sessions=[{"capacity": 5}, {"capacity": 1, **SILKEBORG}])
    naestved, silkeborg = event.session_ids
    seated = signed_up_at(register_person, 0, silkeborg)
    waiting = signed_up_at(register_person, 1, silkeborg)  # signed up before me: stays ahead
    me = signed_up_at(register_person, 2, naestved, email="mig@example.dk")
    assert state(app, seated.id)[0] == "confirmed" and state(app, waiting.id)[0] == "waitlisted"
    before = emails(app)
    page = manage_page(client, me.token)

    asked = client.post(
        f"/tilmelding/{me.token}/flyt", data={"csrf_token": csrf_token(page.data), "session_id": silkeborg}
    )

    assert asked.status_code == 200
    text = visible_text(asked.data)
    assert "Du vil miste din plads" in text
    assert "giver du din bekræftede plads i Næstved fra dig og bliver nr. 2 på ventelisten" in text
    assert state(app, me.id) == ("confirmed", naestved)
    assert emails(app) == before

    # "Nej": back to the manage page, still confirmed.
    assert "Bekræftet" in visible_text(manage_page(client, me.token).data)

    done = client.post(
        f"/tilmelding/{me.token}/flyt",
        data={"csrf_token": csrf_token(asked.data), "session_id": silkeborg, "give_up_seat": "yes"},
    )
    assert done.status_code == 303
    assert "Du er nr. 2 på ventelisten." in visible_text(client.get(done.headers["Location"]).data)
    assert state(app, me.id) == ("waitlisted", silkeborg)


def test_a_move_to_a_session_of_another_event_is_refused_and_changes_nothing(
    app, client, create_event, register_person
):
    event = create_event(sessions=[{}, SILKEBORG])
    other = create_event(organisation_id=event.organisation_id)
    me = register_person(event.session_ids[0])
    page = manage_page(client, me.token)

    response = client.post(
        f"/tilmelding/{me.token}/flyt", data={"csrf_token": csrf_token(page.data), "session_id": other.session_id}
    )

    assert response.status_code == 422
    assert "Ikke et gyldigt valg." in visible_text(response.data)
    assert state(app, me.id) == ("confirmed", event.session_ids[0])


# --- the cancellation deadline --------------------------------------------------------------


def test_after_the_deadline_the_page_says_whom_to_contact_and_self_service_is_refused(
    app, client, create_event, register_person, login_as
):
    event = create_event(sessions=[{}, SILKEBORG], cancellation_deadline=utcnow() + timedelta(days=1))
    me = register_person(event.session_ids[0])
    page = manage_page(client, me.token)
    token = csrf_token(page.data)
    with app.app_context():
        db.session.get(Event, event.id).cancellation_deadline = utcnow() - timedelta(hours=1)
        db.session.commit()

    text = visible_text(manage_page(client, me.token).data)
    assert "Fristen for at afmelde eller ændre din tilmelding var" in text
    assert "kontakt" in text and "@example.org" in text
    assert 'value="Afmeld"' not in manage_page(client, me.token).get_data(as_text=True)

    for path, data in (("afmeld", {"confirmed": "yes"}), ("flyt", {"session_id": event.session_ids[1]})):
        refused = client.post(f"/tilmelding/{me.token}/{path}", data={"csrf_token": token, **data})
        assert refused.status_code == 303
        assert "Fristen for at afmelde eller ændre din tilmelding er overskredet." in visible_text(
            client.get(refused.headers["Location"]).data
        )
    assert state(app, me.id) == ("confirmed", event.session_ids[0])
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind != "confirmation")
            )
            == 0
        )

    # An organiser can still cancel.
    login_as(event.organisation_id)
    url = f"/arrangoer/tilmeldinger/{me.id}"
    done = client.post(f"{url}/afmeld", data={"csrf_token": form_token(client, url), "confirmed": "yes"})
    assert done.status_code == 303
    assert state(app, me.id)[0] == "cancelled"


# --- the button says what will happen -------------------------------------------------------


def test_the_button_says_waiting_list_when_the_only_session_is_full(client, create_event, register_person):
    event = create_event(sessions=[{"capacity": 1}])
    html = client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    assert 'value="Tilmeld"' in html
    register_person(event.session_id)

    html = client.get(f"/arrangementer/{event.id}").get_data(as_text=True)

    assert 'value="Skriv mig på venteliste"' in html


def test_with_several_sessions_only_the_full_ones_are_marked_for_the_script(client, create_event, register_person):
    event = create_event(sessions=[{"capacity": 1}, {"capacity": 3, **SILKEBORG}])
    register_person(event.session_ids[0])

    html = client.get(f"/arrangementer/{event.id}").get_data(as_text=True)

    assert f'value="{event.session_ids[0]}" data-waitlist' in html
    assert f'value="{event.session_ids[1]}" data-waitlist' not in html
    assert 'value="Tilmeld"' in html  # nothing chosen yet, and one session has seats


def test_a_single_session_event_offers_no_change_of_venue(client, create_event, register_person):
    event = create_event()
    me = register_person(event.session_id)
    assert "Skift sted eller dato" not in visible_text(manage_page(client, me.token).data)
