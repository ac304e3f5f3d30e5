"""Consent-gated participant lists: only those who said yes, only for confirmed participants of the session."""

from __future__ import annotations

import re

from sqlalchemy import select

from eventsite.extensions import db
from eventsite.registration.models import ListConsent, Registration
from tests.helpers import csrf_token, follow_hold_link, hold_link, sign_up, visible_text
from tests.privacy.member_helpers import member_session  # noqa: F401 (fixture)


def manage_token_of(response) -> str:
    return re.search(r"/tilmelding/([^/]+)/kvittering", response.headers["Location"]).group(1)


def names_on_list(client, token: str) -> list[str]:
    page = client.get(f"/tilmelding/{token}/deltagerliste")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    return [visible_text(cell) for cell in re.findall(r"<tr><td>(.*?)</td>", html)]


def answer(client, token: str, given: str):
    page = client.get(f"/tilmelding/{token}")
    return client.post(f"/tilmelding/{token}/samtykke", data={"csrf_token": csrf_token(page.data), "given": given})


def test_the_box_is_offered_unticked_only_when_the_organiser_offers_a_list(client, create_event):
    plain = create_event()
    offered = create_event(participant_list=True)
    assert 'name="list_consent"' not in client.get(f"/arrangementer/{plain.id}").get_data(as_text=True)
    html = client.get(f"/arrangementer/{offered.id}").get_data(as_text=True)
    box = re.search(r"<input[^>]*name=\"list_consent\"[^>]*>", html).group(0)
    assert "checked" not in box
    assert "Vis mit navn, min stilling og arbejdsplads på den deltagerliste" in visible_text(html)


def test_the_list_shows_exactly_the_consenting_confirmed_participants_of_the_session(
    app, client, create_event, register_person
):
    event = create_event(participant_list=True, sessions=[{"capacity": 3}, {"city": "Silkeborg"}])
    first, other_session = event.session_ids
    # Anne says yes on the sign-up form; Bo later on his manage page; Carl never.
    anne = manage_token_of(
        sign_up(client, event.id, session_id=first, name="Anne Ahl", email="anne@example.dk", list_consent="y")
    )
    bo = register_person(first, email="bo@example.dk", name="Bo Bech").token
    carl = register_person(first, email="carl@example.dk", name="Carl Carlsen").token
    # Dorte is on the waiting list and Erik at the other venue: both say yes.
    dorte = register_person(first, email="dorte@example.dk", name="Dorte Dahl")
    erik = register_person(other_session, email="erik@example.dk", name="Erik Eg").token
    assert dorte.status == "waitlisted"
    assert answer(client, bo, "yes").status_code == 303
    assert answer(client, dorte.token, "yes").status_code == 303
    assert answer(client, erik, "yes").status_code == 303

    assert names_on_list(client, carl) == ["Anne Ahl", "Bo Bech"]
    assert names_on_list(client, anne) == ["Anne Ahl", "Bo Bech"]
    assert names_on_list(client, erik) == ["Erik Eg"]
    refused = client.get(f"/tilmelding/{dorte.token}/deltagerliste")
    assert refused.status_code == 403
    assert "kun for bekræftede deltagere" in visible_text(refused.data)
    assert "Anne" not in visible_text(refused.data)

    # Withdrawn: gone at once.
    assert answer(client, bo, "no").status_code == 303
    assert names_on_list(client, carl) == ["Anne Ahl"]

    with app.app_context():
        rows = db.session.execute(select(ListConsent).join(Registration).order_by(ListConsent.id)).scalars().all()
        anne_row = rows[0]
        assert anne_row.given and anne_row.wording.startswith("Vis mit navn, min stilling og arbejdsplads")
        assert [r.given for r in rows if r.registration.person.email == "bo@example.dk"] == [True, False]
        assert all(r.at is not None for r in rows)


def test_an_event_without_a_list_refuses_answers_and_shows_no_list(app, client, create_event, register_person):
    event = create_event()
    token = register_person(event.session_id, email="anne@example.dk").token
    assert answer(client, token, "yes").status_code == 400
    assert client.get(f"/tilmelding/{token}/deltagerliste").status_code == 403
    with app.app_context():
        assert db.session.execute(select(ListConsent)).first() is None


def test_a_forged_link_changes_no_consent(app, client, create_event, register_person):
    event = create_event(participant_list=True)
    token = register_person(event.session_id, email="anne@example.dk").token
    page = client.get(f"/tilmelding/{token}")
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.post(f"/tilmelding/{forged}/samtykke", data={"csrf_token": csrf_token(page.data), "given": "yes"})
    assert response.status_code == 404
    assert client.get(f"/tilmelding/{forged}/deltagerliste").status_code == 404
    with app.app_context():
        assert db.session.execute(select(ListConsent)).first() is None


def test_the_member_page_shows_the_list_and_the_toggle(app, client, member_session, create_event, register_person):
    event = create_event(participant_list=True)
    mine = register_person(event.session_id, email="lone@example.dk", name="Lone Ravn")
    page = member_session(event.id, "lone@example.dk")
    assert "Du vises ikke på deltagerlisten" in visible_text(page.data)
    shown = client.post(
        f"/mine-tilmeldinger/tilmelding/{mine.id}/samtykke", data={"csrf_token": csrf_token(page.data), "given": "yes"}
    )
    assert shown.status_code == 303
    listed = client.get(f"/mine-tilmeldinger/tilmelding/{mine.id}/deltagerliste")
    assert listed.status_code == 200 and "Lone Ravn" in visible_text(listed.data)


def test_a_box_ticked_on_the_anonymous_form_counts_only_once_the_addresses_owner_confirms(app, client, create_event):
    event = create_event(participant_list=True)
    held = sign_up(
        client,
        event.id,
        confirm=False,
        session_id=event.session_id,
        name="Anne Ahl",
        email="anne@example.dk",
        list_consent="y",
    )
    assert held.status_code == 303 and "/tjek-din-email" in held.headers["Location"]
    with app.app_context():
        assert db.session.execute(select(ListConsent)).first() is None  # a stranger may have typed the address
    url = hold_link(app, "anne@example.dk")
    page = client.get(url)
    assert "Ja, vis mig på deltagerlisten" in visible_text(page.data)  # the owner sees what was ticked
    follow_hold_link(client, url)
    with app.app_context():
        (answer,) = db.session.execute(select(ListConsent)).scalars().all()
        assert answer.given and answer.wording.startswith("Vis mit navn")
