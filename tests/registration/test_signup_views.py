"""Signing up through the public event page, on both databases."""

from sqlalchemy import func, select

from eventsite.extensions import db
from eventsite.registration.models import Registration, RegistrationStatus
from tests.helpers import csrf_token, sign_up, visible_text


def count_registrations(app, **filters) -> int:
    with app.app_context():
        query = select(func.count(Registration.id))
        for name, value in filters.items():
            query = query.where(getattr(Registration, name) == value)
        return db.session.execute(query).scalar_one()


def test_a_leader_signs_up_and_sees_a_receipt_with_a_manage_link(app, client, create_event):
    event = create_event(
        sessions=[
            {"city": "Næstved", "capacity": 17},
            {"city": "Silkeborg", "municipality_code": "0740", "capacity": 31},
        ]
    )
    response = sign_up(
        client, event.id, session_id=event.session_ids[1], name="Lars Østergaard", email="Lars@Silkeborg.dk"
    )
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"])
    text = visible_text(receipt.data)
    assert receipt.status_code == 200
    assert "Din plads er bekræftet" in text
    assert "Silkeborg" in text
    assert "/tilmelding/" in text
    with app.app_context():
        registration = db.session.execute(select(Registration)).scalar_one()
        assert registration.session_id == event.session_ids[1]
        assert registration.person.email == "lars@silkeborg.dk"
        assert registration.status is RegistrationStatus.CONFIRMED


def test_a_full_session_puts_the_next_person_on_the_waiting_list_with_a_number(
    app, client, create_event, register_person
):
    event = create_event(sessions=[{"capacity": 1}])
    register_person(event.session_id)
    register_person(event.session_id)
    response = sign_up(client, event.id, session_id=event.session_id, email="tredje@example.dk")
    text = visible_text(client.get(response.headers["Location"]).data)
    assert "nummer 2 på ventelisten" in text


def test_the_event_page_shows_seats_left_and_full(app, client, create_event, register_person):
    event = create_event(
        sessions=[
            {"city": "Næstved", "capacity": 12},
            {"city": "Silkeborg", "municipality_code": "0740", "capacity": 1},
        ]
    )
    register_person(event.session_ids[1])
    text = visible_text(client.get(f"/arrangementer/{event.id}").data)
    assert "12 ledige pladser" in text
    assert "Fuldt – venteliste" in text


def test_the_form_has_danish_labels_and_a_tilmeld_button(client, create_event):
    event = create_event()
    html = client.get(f"/arrangementer/{event.id}").data.decode()
    assert ">Navn</label>" in html
    assert ">E-mail</label>" in html
    assert 'value="Tilmeld"' in html


def test_a_duplicate_signup_is_refused_without_saying_so_on_the_page(app, client, create_event):
    """By design (issue 13): the anonymous form answers a duplicate like any sign-up
    (no "Du er allerede tilmeldt" on the page); no second place is made."""
    event = create_event(sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}])
    assert sign_up(client, event.id, session_id=event.session_ids[0], email="a@example.dk").status_code == 303
    again = sign_up(client, event.id, session_id=event.session_ids[1], email="A@example.dk")
    assert again.status_code == 303 and again.headers["Location"].endswith("/tjek-din-email")
    assert "Du er allerede tilmeldt" not in visible_text(client.get(again.headers["Location"]).data)
    assert count_registrations(app) == 1


def test_posting_without_csrf_token_is_refused(app, client, create_event):
    event = create_event()
    response = client.post(
        f"/arrangementer/{event.id}/tilmeld",
        data={"session_id": event.session_id, "name": "X", "email": "x@example.dk"},
    )
    assert response.status_code == 400
    assert count_registrations(app) == 0


def test_a_form_shown_again_with_errors_carries_a_token_that_signs_up(app, client, create_event):
    # The CSRF token is signed when a form is rendered, not when it is built: the
    # page shown again after an error must still carry one that works.
    event = create_event()
    page = client.get(f"/arrangementer/{event.id}").data
    refused = client.post(
        f"/arrangementer/{event.id}/tilmeld",
        data={"session_id": event.session_id, "name": "", "email": "x@example.dk", "csrf_token": csrf_token(page)},
    )
    assert refused.status_code == 422
    assert count_registrations(app) == 0
    again = client.post(
        f"/arrangementer/{event.id}/tilmeld",
        data={
            "session_id": event.session_id,
            "name": "Xenia",
            "email": "x@example.dk",
            "csrf_token": csrf_token(refused.data),
        },
    )
    assert again.status_code == 303
    assert count_registrations(app) == 1
