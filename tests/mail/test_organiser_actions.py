"""What an organiser does to someone's place in the back office is emailed to them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsite.extensions import db
from eventsite.mail.models import OutboxMessage
from tests.helpers import csrf_token


def queued(app) -> list[tuple[str, str]]:
    """(kind, recipient) of every queued email, oldest first."""
    with app.app_context():
        return [
            (row.kind.value, row.recipient)
            for row in db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
        ]


@pytest.fixture
def full_session(create_event, register_person):
    """Næstved with one seat (Mette) and one waiting (Åse); Silkeborg has room."""
    event = create_event(
        sessions=[{"city": "Næstved", "capacity": 1}, {"city": "Silkeborg", "municipality_code": "0740"}]
    )
    mette = register_person(event.session_ids[0], "mette@example.dk", name="Mette Hansen", notify=True).id
    aase = register_person(event.session_ids[0], "aase@example.dk", name="Åse Ørum", notify=True).id
    return event, mette, aase


def test_cancelling_on_someones_behalf_tells_them_and_the_person_who_gets_the_seat(app, full_session, client, login_as):
    event, mette, _aase = full_session
    login_as(event.organisation_id)
    token = csrf_token(client.get(f"/arrangoer/tilmeldinger/{mette}").data)
    assert (
        client.post(
            f"/arrangoer/tilmeldinger/{mette}/afmeld", data={"csrf_token": token, "confirmed": "yes"}
        ).status_code
        == 303
    )
    assert queued(app)[2:] == [("cancelled_by_organiser", "mette@example.dk"), ("promoted", "aase@example.dk")]


def test_moving_someone_tells_them_and_the_person_who_gets_their_seat(app, full_session, client, login_as):
    event, mette, _aase = full_session
    login_as(event.organisation_id)
    token = csrf_token(client.get(f"/arrangoer/tilmeldinger/{mette}").data)
    response = client.post(
        f"/arrangoer/tilmeldinger/{mette}/flyt", data={"csrf_token": token, "session_id": event.session_ids[1]}
    )
    assert response.status_code == 303
    assert queued(app)[2:] == [("moved", "mette@example.dk"), ("promoted", "aase@example.dk")]


def test_a_seat_given_out_of_order_is_an_invitation(app, full_session, client, login_as):
    event, mette, aase = full_session
    login_as(event.organisation_id)
    token = csrf_token(client.get(f"/arrangoer/tilmeldinger/{mette}").data)
    client.post(
        f"/arrangoer/tilmeldinger/{mette}/afmeld", data={"csrf_token": token, "keep_seat_free": "y", "confirmed": "yes"}
    )
    response = client.post(
        f"/arrangoer/tilmeldinger/{aase}/ryk-op", data={"csrf_token": token, "reason": "Bestyrelsen"}
    )
    assert response.status_code == 303
    assert queued(app)[2:] == [("cancelled_by_organiser", "mette@example.dk"), ("promoted", "aase@example.dk")]


def test_a_phone_sign_up_gets_the_same_confirmation_as_an_online_one(app, create_event, client, login_as):
    event = create_event()
    login_as(event.organisation_id)
    url = f"/arrangoer/arrangementer/{event.id}/deltagere/tilfoej"
    token = csrf_token(client.get(url).data)
    response = client.post(
        url,
        data={"csrf_token": token, "session_id": event.session_id, "name": "Birgitte Lund", "email": "b@example.dk"},
    )
    assert response.status_code == 303
    assert queued(app) == [("confirmation", "b@example.dk")]
