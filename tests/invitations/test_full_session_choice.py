"""The pre-selected session on an invitation page, and a session that fills before the click.

The last invitation storm put 50 people on Næstved's waiting list while Aarhus kept
100 seats: their pages were opened while Næstved still had seats and the clicks came
after it had filled. The page pre-selects the nearest session with a free seat (all
full: the nearest, marked as the waiting list); a person who lands on a waiting list
while another session of the event has seats is told so on the receipt, on their
page and in the waiting-list email, with a one-click move.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from eventsite import clock
from eventsite.extensions import db
from eventsite.registration.models import Registration
from tests.conftest import FUTURE
from tests.helpers import csrf_token, visible_text
from tests.invitations.test_links import field_value, invited

#: Aarhus first (it starts earlier), Næstved (the member's region) second.
SESSIONS = [
    {"city": "Aarhus", "municipality_code": "0751", "capacity": 5},
    {"city": "Næstved", "municipality_code": "0370", "capacity": 1},
]


def click_signup(client, html: str):
    """Press "Tilmeld" on the page as it was shown (not as it would be now)."""
    action = re.search(r'<form method="post" action="([^"]+)"', html).group(1).replace("&amp;", "&")
    data = {name: field_value(html, name) or "" for name in ("name", "email", "job_title", "workplace")}
    data.update({"csrf_token": csrf_token(html), "municipality_code": "0370"})
    checked = re.search(r'name="session_id" value="(\d+)"[^>]* checked', html)
    if checked:
        data["session_id"] = checked.group(1)
    return client.post(action, data=data)


def _status(app, email: str) -> tuple[str, int]:
    from eventsite.registration.models import Person

    with app.app_context():
        registration = db.session.execute(
            select(Registration).join(Registration.person).where(Person.email == email)
        ).scalar_one()
        return registration.status.value, registration.session_id


def test_with_every_session_full_the_nearest_is_chosen_and_marked_as_the_waiting_list(
    app, client, create_event, create_member, send_round, register_person
):
    event, token = invited(
        app,
        create_event,
        create_member,
        send_round,
        sessions=[dict(SESSIONS[0], capacity=1), SESSIONS[1]],
    )
    aarhus, naestved = event.session_ids
    register_person(aarhus)
    register_person(naestved)
    html = client.get(f"/arrangementer/{event.id}?invitation={token}").get_data(as_text=True)
    # Næstved (in the member's region), marked as the waiting list, and the button says so.
    assert re.search(rf'name="session_id" value="{naestved}" data-waitlist checked', html)
    assert f'value="{aarhus}" data-waitlist checked' not in html
    assert re.search(r'<input[^>]*type="submit"[^>]*value="Skriv mig på venteliste"', html) or re.search(
        r'value="Skriv mig på venteliste"[^>]*type="submit"', html
    )


def test_a_session_that_fills_before_the_click_offers_the_free_one_on_the_receipt(
    app, client, create_event, create_member, send_round, register_person
):
    event, token = invited(app, create_event, create_member, send_round, sessions=SESSIONS)
    aarhus, naestved = event.session_ids
    url = f"/arrangementer/{event.id}?invitation={token}"
    page = client.get(url).get_data(as_text=True)
    assert re.search(rf'name="session_id" value="{naestved}" checked', page)  # a seat left when the page opened

    register_person(naestved)  # someone else takes the last seat before the click
    response = click_signup(client, page)
    assert response.status_code == 303
    assert _status(app, "soren@naestved.dk") == ("waitlisted", naestved)

    receipt = client.get(response.headers["Location"])
    text = visible_text(receipt.data)
    assert "Du er på ventelisten" in text
    assert "Der er ledige pladser et andet sted" in text
    assert "Et andet sted til samme arrangement har stadig ledige pladser" in text
    button = re.search(r"Flyt mig til Aarhus, [^<]+", receipt.get_data(as_text=True))
    assert button is not None

    # One click: the form as it came, with its CSRF token and the free session.
    html = receipt.get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+)" class="free-elsewhere-move">(.*?)</form>', html, re.S)
    assert form is not None
    session_field = re.search(r'name="session_id" value="(\d+)"', form.group(2)).group(1)
    assert session_field == str(aarhus)
    moved = client.post(form.group(1), data={"csrf_token": csrf_token(form.group(2)), "session_id": session_field})
    assert moved.status_code == 303
    assert _status(app, "soren@naestved.dk") == ("confirmed", aarhus)
    manage = visible_text(client.get(moved.headers["Location"]).data)
    assert "Din tilmelding er flyttet" in manage
    assert "Der er ledige pladser et andet sted" not in manage


def test_no_offer_when_every_session_is_full_or_changes_are_over(
    app, client, create_event, create_member, send_round, register_person
):
    event, token = invited(
        app,
        create_event,
        create_member,
        send_round,
        sessions=[dict(SESSIONS[0], capacity=1), SESSIONS[1]],
        cancellation_deadline=FUTURE - timedelta(days=10),
    )
    aarhus, naestved = event.session_ids
    url = f"/arrangementer/{event.id}?invitation={token}"
    page = client.get(url).get_data(as_text=True)
    register_person(naestved)
    response = click_signup(client, page)
    receipt_url = response.headers["Location"]
    assert "Der er ledige pladser et andet sted" in visible_text(client.get(receipt_url).data)

    # Past the cancellation deadline the person can no longer move themselves: no offer.
    with clock.travelled(FUTURE - timedelta(days=9)):
        assert "Der er ledige pladser et andet sted" not in visible_text(client.get(receipt_url).data)

    # Aarhus fills too: nothing free to offer.
    register_person(aarhus)
    assert "Der er ledige pladser et andet sted" not in visible_text(client.get(receipt_url).data)


def test_the_waiting_list_email_says_where_seats_are_free_over_real_smtp(
    app, client, create_event, create_member, send_round, register_person, smtp, deliver
):
    event, token = invited(app, create_event, create_member, send_round, sessions=SESSIONS)
    aarhus, naestved = event.session_ids
    url = f"/arrangementer/{event.id}?invitation={token}"
    page = client.get(url).get_data(as_text=True)
    register_person(naestved)
    assert click_signup(client, page).status_code == 303
    deliver()

    mails = [r.message() for r in smtp.received if "soren@naestved.dk" in r.rcpt_tos]
    waitlisted = [m for m in mails if m["Subject"].startswith("Venteliste")]
    assert len(waitlisted) == 1, [m["Subject"] for m in mails]
    plain = waitlisted[0].get_body(preferencelist=("plain",)).get_content()
    assert "Et andet sted til samme arrangement har stadig ledige pladser:" in plain
    assert "- Aarhus, " in plain
    manage = re.search(r"med ét klik: (\S+)", plain).group(1)
    assert "/tilmelding/" in manage
    html = waitlisted[0].get_body(preferencelist=("html",)).get_content()
    assert "Åbn din side, og flyt din tilmelding dertil med ét klik" in html

    # The link leads to the person's page, where the one-click move waits.
    page = client.get(urlsplit(manage).path)
    assert page.status_code == 200
    assert "Flyt mig til Aarhus" in visible_text(page.data)


def test_a_waiting_list_email_without_seats_elsewhere_says_nothing_of_the_kind(
    app, create_event, register_person, smtp, deliver
):
    event = create_event(sessions=[dict(SESSIONS[0], capacity=1), SESSIONS[1]])
    aarhus, naestved = event.session_ids
    register_person(aarhus)
    register_person(naestved)
    register_person(naestved, "venter@example.dk", notify=True)
    deliver()
    (mail,) = [r.message() for r in smtp.received if "venter@example.dk" in r.rcpt_tos]
    plain = mail.get_body(preferencelist=("plain",)).get_content()
    assert "venteliste" in plain.lower()
    assert "ledige pladser" not in plain
