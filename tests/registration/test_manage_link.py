"""The personal manage link: see, cancel, move; forged or expired links change nothing."""

from datetime import timedelta

from sqlalchemy import select

from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.registration.models import Registration, RegistrationStatus
from tests.helpers import csrf_token, visible_text


def status_of(app, registration_id: int) -> tuple[str, int]:
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        return registration.status.value, registration.session_id


def test_the_manage_page_shows_the_registration_and_an_afmeld_button(client, create_event, register_person):
    event = create_event(sessions=[{"city": "Næstved"}])
    registration = register_person(event.session_id, name="Mette Kjær")
    page = client.get(f"/tilmelding/{registration.token}")
    assert page.status_code == 200
    text = visible_text(page.data)
    assert "Mette Kjær" in text and "Næstved" in text and "Bekræftet" in text
    assert 'value="Afmeld"' in page.data.decode()


def test_cancelling_through_the_link_frees_the_seat_for_the_waiting_list(app, client, create_event, register_person):
    event = create_event(sessions=[{"capacity": 1}])
    first = register_person(event.session_id)
    waiting = register_person(event.session_id)
    assert waiting.status == "waitlisted"
    page = client.get(f"/tilmelding/{first.token}")
    response = client.post(
        f"/tilmelding/{first.token}/afmeld", data={"csrf_token": csrf_token(page.data), "confirmed": "yes"}
    )
    assert response.status_code == 303
    assert "Din tilmelding er afmeldt." in visible_text(client.get(response.headers["Location"]).data)
    assert status_of(app, first.id)[0] == "cancelled"
    assert status_of(app, waiting.id)[0] == "confirmed"


def test_moving_through_the_link_changes_venue(app, client, create_event, register_person):
    event = create_event(sessions=[{"city": "Næstved"}, {"city": "Silkeborg", "municipality_code": "0740"}])
    registration = register_person(event.session_ids[0])
    page = client.get(f"/tilmelding/{registration.token}")
    assert "Silkeborg" in visible_text(page.data)
    response = client.post(
        f"/tilmelding/{registration.token}/flyt",
        data={"csrf_token": csrf_token(page.data), "session_id": event.session_ids[1]},
    )
    assert response.status_code == 303
    assert status_of(app, registration.id) == ("confirmed", event.session_ids[1])


def test_a_tampered_link_is_404_and_changes_nothing(app, client, create_event, register_person):
    event = create_event()
    registration = register_person(event.session_id)
    forged = registration.token[:-2] + ("AA" if not registration.token.endswith("AA") else "BB")
    assert client.get(f"/tilmelding/{forged}").status_code == 404
    assert client.post(f"/tilmelding/{forged}/afmeld").status_code in (400, 404)
    assert status_of(app, registration.id)[0] == "confirmed"


def test_a_link_to_another_registration_cannot_be_built_by_changing_the_id(app, client, create_event, register_person):
    event = create_event()
    mine = register_person(event.session_id)
    register_person(event.session_id)
    from itsdangerous import URLSafeSerializer

    payload = URLSafeSerializer("guess", salt="eventsite.manage-link").dumps([mine.id + 1, "x"])
    assert client.get(f"/tilmelding/{payload}").status_code == 404


def test_an_expired_link_says_so_in_danish_and_changes_nothing(app, client, create_event, register_person):
    event = create_event()
    registration = register_person(event.session_id)
    with app.app_context():
        session = db.session.get(EventSession, event.session_id)
        session.starts_at = utcnow() - timedelta(days=5)
        session.ends_at = utcnow() - timedelta(days=4)
        db.session.commit()
    page = client.get(f"/tilmelding/{registration.token}")
    assert page.status_code == 410
    assert "Linket er udløbet" in visible_text(page.data)
    assert status_of(app, registration.id)[0] == "confirmed"


def test_the_online_link_is_shown_only_to_confirmed_people(app, client, create_event, register_person):
    event = create_event(sessions=[{"online": True, "capacity": 1, "online_url": "https://meet.example.org/hemmelig"}])
    confirmed = register_person(event.session_id)
    waiting = register_person(event.session_id)
    assert b"meet.example.org/hemmelig" not in client.get(f"/arrangementer/{event.id}").data
    assert b"meet.example.org/hemmelig" in client.get(f"/tilmelding/{confirmed.token}").data
    assert b"meet.example.org/hemmelig" not in client.get(f"/tilmelding/{waiting.token}").data
    with app.app_context():
        assert (
            db.session.execute(select(Registration.status).where(Registration.id == waiting.id)).scalar_one()
            is RegistrationStatus.WAITLISTED
        )
