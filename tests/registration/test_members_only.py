"""Members-only events: only members get a place, and the page never tells a stranger
whether an address belongs to a member (the answer goes to the address itself)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from eventsite import clock
from eventsite.db import utcnow
from eventsite.events.models import Visibility
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.registration.models import PendingSignup, Registration
from tests.helpers import csrf_token, sign_up, visible_text
from tests.invitations.conftest import create_member, invitation_tokens, send_round  # noqa: F401 (fixtures)
from tests.mail.conftest import deliver, smtp  # noqa: F401 (fixtures)


def members_event(create_event, create_member):
    event = create_event(title="Lederforum for medlemmer", visibility=Visibility.MEMBERS)
    create_member(event.organisation_id, "Mette Medlem", email="medlem@kommune.dk")
    return event


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def confirmation_links(app) -> dict[str, str]:
    """recipient -> the confirmation link of their queued email, as the email would carry it."""
    from eventsite.registration import verification

    with app.test_request_context():
        rows = db.session.execute(select(OutboxMessage).where(OutboxMessage.kind == MailKind.CONFIRM_SIGNUP)).scalars()
        return {
            row.recipient: "/tilmelding/bekraeft/" + verification.token_for(verification.pending_for_email(row))
            for row in rows
        }


def confirm(client, link: str):
    page = client.get(link)
    assert page.status_code == 200
    return client.post(link, data={"csrf_token": csrf_token(page.data)})


def test_member_and_stranger_get_the_same_answer_and_nobody_is_signed_up_yet(app, client, create_event, create_member):
    event = members_event(create_event, create_member)

    member = sign_up(client, event.id, session_id=event.session_id, email="medlem@kommune.dk", name="Mette Medlem")
    stranger = sign_up(client, event.id, session_id=event.session_id, email="fremmed@example.dk", name="Frede Fremmed")

    assert member.status_code == stranger.status_code == 303
    assert member.headers["Location"] == stranger.headers["Location"] == f"/arrangementer/{event.id}/tjek-din-email"
    page = visible_text(client.get(member.headers["Location"]).data)
    assert "Vi har sendt et link til den adresse, du har skrevet" in page
    assert count(app, Registration) == 0
    assert count(app, PendingSignup) == 2
    assert set(confirmation_links(app)) == {"medlem@kommune.dk", "fremmed@example.dk"}


def test_a_member_confirms_through_the_link_and_gets_a_place(app, client, create_event, create_member):
    event = members_event(create_event, create_member)
    sign_up(client, event.id, session_id=event.session_id, email="Medlem@Kommune.dk", name="Mette Medlem")
    link = confirmation_links(app)["medlem@kommune.dk"]

    page = client.get(link)
    assert "Bekræft din tilmelding" in visible_text(page.data)
    assert count(app, Registration) == 0  # following the link alone changes nothing
    done = client.post(link, data={"csrf_token": csrf_token(page.data)})

    assert done.status_code == 303 and "/kvittering" in done.headers["Location"]
    assert "Du er tilmeldt" in visible_text(client.get(done.headers["Location"]).data)
    assert count(app, Registration) == 1
    assert count(app, PendingSignup) == 0
    again = client.get(link)
    assert again.status_code == 410 and "Linket virker ikke længere" in visible_text(again.data)


def test_a_stranger_who_confirms_learns_how_to_become_a_member_and_is_not_signed_up(
    app, client, create_event, create_member
):
    event = members_event(create_event, create_member)
    sign_up(client, event.id, session_id=event.session_id, email="fremmed@example.dk", name="Frede Fremmed")

    response = confirm(client, confirmation_links(app)["fremmed@example.dk"])

    assert response.status_code == 403
    text = visible_text(response.data)
    assert "Kun for medlemmer" in text and "Du er ikke blevet tilmeldt." in text
    assert "Vil du være medlem" in text and "@example.org" in text
    assert count(app, Registration) == 0 and count(app, PendingSignup) == 0


def test_a_personal_invitation_link_signs_a_member_up_at_once(app, client, create_event, create_member, send_round):
    event = members_event(create_event, create_member)
    token = invitation_tokens(app, send_round(event.id))["medlem@kommune.dk"]
    page = client.get(f"/arrangementer/{event.id}?invitation={token}")
    response = client.post(
        f"/arrangementer/{event.id}/tilmeld?invitation={token}",
        data={
            "csrf_token": csrf_token(page.data),
            "session_id": event.session_id,
            "name": "Mette Medlem",
            "email": "medlem@kommune.dk",
        },
    )
    assert response.status_code == 303 and "/kvittering" in response.headers["Location"]
    assert count(app, Registration) == 1 and count(app, PendingSignup) == 0


def test_bad_input_is_explained_and_nothing_is_kept(app, client, create_event, create_member):
    event = members_event(create_event, create_member)
    response = sign_up(client, event.id, session_id=event.session_id, email="medlem@kommune.dk", name="")
    assert response.status_code == 422
    assert "Ret venligst de markerede felter nedenfor." in visible_text(response.data)
    assert count(app, PendingSignup) == 0 and count(app, OutboxMessage) == 0


def test_an_expired_or_forged_link_changes_nothing_and_old_pending_sign_ups_are_deleted(
    app, client, create_event, create_member
):
    event = members_event(create_event, create_member)
    sign_up(client, event.id, session_id=event.session_id, email="medlem@kommune.dk", name="Mette Medlem")
    link = confirmation_links(app)["medlem@kommune.dk"]

    assert client.get(link[:-3] + "abc").status_code == 404
    with clock.travelled(utcnow() + timedelta(hours=25)):
        assert client.get(link).status_code == 410
        # The next pending sign-up clears the expired one away.
        sign_up(client, event.id, session_id=event.session_id, email="fremmed@example.dk", name="Frede Fremmed")
    assert count(app, Registration) == 0
    with app.app_context():
        assert db.session.execute(select(PendingSignup.email)).scalars().all() == ["fremmed@example.dk"]


def test_the_confirmation_email_arrives_and_its_link_works(app, client, smtp, deliver, create_event, create_member):
    event = members_event(create_event, create_member)
    sign_up(client, event.id, session_id=event.session_id, email="medlem@kommune.dk", name="Mette Medlem")

    deliver()

    (received,) = smtp.received
    message = received.message()
    assert message["Subject"].startswith("Bekræft din tilmelding: Lederforum for medlemmer")
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    assert "Kære Mette Medlem" in text and "virker i 24 timer" in text
    link = re.search(r"http://localhost(/tilmelding/bekraeft/\S+)", text).group(1)
    assert confirm(client, link).status_code == 303
    assert count(app, Registration) == 1


def test_public_events_still_sign_up_at_once(app, client, create_event):
    event = create_event()
    response = sign_up(client, event.id, session_id=event.session_id, email="alle@example.dk")
    assert response.status_code == 303 and "/kvittering" in response.headers["Location"]
    assert count(app, PendingSignup) == 0
