"""Bad input on the sign-up form: a clear Danish message, never a 500, never a seat."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.registration.models import Person, Registration
from tests.helpers import sign_up, visible_text


def nothing_saved(app) -> bool:
    with app.app_context():
        return (
            db.session.execute(select(func.count(Registration.id))).scalar_one() == 0
            and db.session.execute(select(func.count(Person.id))).scalar_one() == 0
        )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email": "ikke-en-adresse"}, "Skriv en gyldig e-mailadresse"),
        ({"email": ""}, "Skriv din e-mailadresse."),
        ({"name": "   "}, "Skriv dit navn."),
        ({"name": "x" * 201}, "Højst 200 tegn."),
        ({"email": "a" * 250 + "@example.dk"}, "Højst 254 tegn."),
        ({"email": "mette@example.dk\r\nBcc: alle@example.dk"}, "Linjeskift er ikke tilladt"),
        ({"name": "Mette\r\nBcc: alle@example.dk"}, "Linjeskift er ikke tilladt"),
        ({"comment": "x" * 1001}, "Højst 1000 tegn."),
        ({"dietary_needs": "x" * 501}, "Højst 500 tegn."),
        ({"municipality_code": "9999"}, "Ikke et gyldigt valg"),
    ],
)
def test_invalid_fields_get_a_danish_message_and_save_nothing(app, client, create_event, fields, message):
    event = create_event()
    response = sign_up(client, event.id, session_id=event.session_id, **fields)
    assert response.status_code == 422
    assert message in visible_text(response.data)
    assert nothing_saved(app)


def test_a_missing_session_choice_is_explained(app, client, create_event):
    event = create_event(sessions=[{}, {"city": "Silkeborg", "municipality_code": "0740"}])
    response = sign_up(client, event.id)
    assert response.status_code == 422
    assert "Vælg et sted og en dato." in visible_text(response.data)
    assert nothing_saved(app)


def test_a_session_of_another_event_or_an_unknown_session_gets_no_seat(app, client, create_event):
    event, other = create_event(), create_event()
    for session_id in (other.session_id, 999999, "abc"):
        response = sign_up(client, event.id, session_id=session_id)
        assert response.status_code == 422
    assert nothing_saved(app)


def test_a_past_session_cannot_be_chosen(app, client, create_event):
    event = create_event(sessions=[{"start": utcnow() - timedelta(days=2)}, {}])
    response = sign_up(client, event.id, session_id=event.session_ids[0])
    assert response.status_code == 422
    assert nothing_saved(app)


def test_signup_after_the_deadline_is_refused_and_the_page_says_so(app, client, create_event):
    event = create_event(registration_closes_at=utcnow() - timedelta(minutes=1))
    page = client.get(f"/arrangementer/{event.id}")
    assert "Der er lukket for tilmelding" in visible_text(page.data)
    signup_form = f'action="/arrangementer/{event.id}/tilmeld'.encode()
    response = sign_up(client, event.id, session_id=event.session_id) if signup_form in page.data else None
    if response is None:
        # No form is offered; a hand-made POST is refused all the same.
        with client.session_transaction():
            pass
        response = client.post(
            f"/arrangementer/{event.id}/tilmeld",
            data={"session_id": event.session_id, "name": "A", "email": "a@example.dk"},
        )
        assert response.status_code == 400  # no CSRF token without the form
    assert nothing_saved(app)


def test_unknown_or_unpublished_events_are_404(client, create_event):
    draft = create_event(published=False)
    assert client.get("/arrangementer/424242").status_code == 404
    assert client.get(f"/arrangementer/{draft.id}").status_code == 404
    assert client.post("/arrangementer/424242/tilmeld").status_code in (400, 404)


def test_html_in_fields_is_shown_as_text(app, client, create_event):
    event = create_event()
    response = sign_up(client, event.id, session_id=event.session_id, name="<script>alert(1)</script>Mette")
    receipt = client.get(response.headers["Location"])
    assert b"<script>alert(1)</script>" not in receipt.data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;Mette" in receipt.data
