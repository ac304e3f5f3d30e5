""" "Send mig mit link igen": one neutral answer for every address; the links by email."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from eventsite import clock
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from tests.conftest import SUITE_NOW
from tests.helpers import csrf_token, visible_text
from tests.mail.conftest import deliver, smtp  # noqa: F401 (fixtures)

SILKEBORG = {"city": "Silkeborg", "municipality_code": "0740"}


def ask(client, event_id: int, email: str):
    page = client.get(f"/arrangementer/{event_id}")
    return client.post(
        f"/arrangementer/{event_id}/send-mit-link", data={"csrf_token": csrf_token(page.data), "link-email": email}
    )


def links_rows(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.execute(
                select(OutboxMessage.recipient).where(OutboxMessage.kind == MailKind.LINKS).order_by(OutboxMessage.id)
            ).scalars()
        )


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", html)


def test_every_event_page_offers_the_form(client, create_event):
    event = create_event()
    html = client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    assert "Send mig mit link igen" in visible_text(html)
    assert 'id="link-email"' in html and 'id="email"' in html  # two forms, distinct fields


def test_known_and_unknown_addresses_get_the_same_answer_and_only_a_known_one_gets_mail(
    app, client, create_event, register_person
):
    event = create_event()
    register_person(event.session_id, email="kendt@example.dk")

    known = ask(client, event.id, "Kendt@Example.dk ")
    unknown = ask(client, event.id, "ukendt@example.dk")

    assert known.status_code == unknown.status_code == 200
    assert visible_text(known.data) == visible_text(unknown.data)
    assert without_tokens(known.get_data(as_text=True)) == without_tokens(unknown.get_data(as_text=True))
    assert "Hvis adressen er tilmeldt et af" in visible_text(known.data)
    assert links_rows(app) == ["kendt@example.dk"]


def test_a_person_of_another_organisation_gets_nothing(app, client, create_event, register_person):
    ours, theirs = create_event(), create_event()
    register_person(theirs.session_id, email="anden@example.dk")
    assert ask(client, ours.id, "anden@example.dk").status_code == 200
    assert links_rows(app) == []


def test_asking_again_within_ten_minutes_sends_nothing_more(app, client, create_event, register_person):
    event = create_event()
    register_person(event.session_id, email="kendt@example.dk")
    with clock.travelled(SUITE_NOW):
        ask(client, event.id, "kendt@example.dk")
        ask(client, event.id, "kendt@example.dk")
    assert links_rows(app) == ["kendt@example.dk"]
    with clock.travelled(SUITE_NOW + timedelta(minutes=11)):
        ask(client, event.id, "kendt@example.dk")
    assert links_rows(app) == ["kendt@example.dk"] * 2


def test_an_invalid_address_is_explained_in_danish_and_sends_nothing(app, client, create_event):
    event = create_event()
    response = ask(client, event.id, "ikke en adresse")
    assert response.status_code == 422
    assert "Skriv en gyldig e-mailadresse" in visible_text(response.data)
    assert links_rows(app) == []


def test_already_signed_up_is_told_by_email_not_on_the_page(app, client, create_event, register_person):
    """By design (issue 13): the anonymous form no longer says "already signed up" (nor
    offers the links) on the page; the address's owner gets the manage link by email."""
    from tests.helpers import sign_up

    event = create_event()
    sign_up(client, event.id, session_id=event.session_id, email="igen@example.dk")
    again = sign_up(client, event.id, session_id=event.session_id, email="igen@example.dk")
    assert again.status_code == 303 and again.headers["Location"].endswith("/tjek-din-email")
    with app.app_context():
        kinds = db.session.execute(select(OutboxMessage.kind).order_by(OutboxMessage.id)).scalars().all()
    assert kinds[-1] is MailKind.ALREADY_SIGNED_UP


def test_the_email_lists_every_working_link_and_each_opens_its_registration(
    app, client, smtp, deliver, create_event, register_person
):
    theme_day = create_event(title="Temadag om trivsel", sessions=[{}, SILKEBORG])
    annual = create_event(title="Årsmøde 2026", organisation_id=theme_day.organisation_id)
    register_person(theme_day.session_ids[1], email="lone@example.dk", name="Lone Ravn")
    register_person(annual.session_id, email="lone@example.dk", name="Lone Ravn")
    ask(client, theme_day.id, "lone@example.dk")
    with app.app_context():
        db.session.execute(
            OutboxMessage.__table__.update().where(OutboxMessage.kind != MailKind.LINKS).values(status="sent")
        )
        db.session.commit()

    deliver()

    (received,) = smtp.received
    message = received.message()
    assert received.rcpt_tos == ["lone@example.dk"]
    assert message["Subject"].startswith("Dine tilmeldinger hos")
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    assert "Temadag om trivsel" in text and "Årsmøde 2026" in text and "Silkeborg" in text
    links = re.findall(r"http://localhost(/tilmelding/[^\s]+)", text)
    assert len(links) == 2
    for link in links:
        page = client.get(link)
        assert page.status_code == 200 and "Lone Ravn" in visible_text(page.data)
