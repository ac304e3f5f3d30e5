"""Account invitations and password resets by email: single-use, expiring links."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from eventsite import clock
from eventsite.audit import AuditEntry
from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from tests.helpers import csrf_token, form_token, log_in, visible_text
from tests.mail.conftest import deliver, smtp  # noqa: F401 (fixtures)

NEW_PASSWORD = "mit-eget-lange-kodeord"


def invite(client, org: int, email: str = "Ny@Lederne.dk", role: str = "checkin", name: str = "Ny Hjælper"):
    token = form_token(client, "/arrangoer/brugere/ny")
    return client.post(
        "/arrangoer/brugere/ny",
        data={"csrf_token": token, "organisation_id": org, "email": email, "name": name, "role": role},
    )


def emailed_links(smtp, deliver) -> list[tuple[str, str]]:
    """(subject, path of the link) of each email delivered now."""
    before = len(smtp.received)
    deliver()
    found = []
    for received in smtp.received[before:]:
        message = received.message()
        text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
        found.append((message["Subject"], re.search(r"http://localhost(/arrangoer/\S+)", text).group(1)))
    return found


def choose_password(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    page = client.get(path)
    assert page.status_code == 200, path
    return client.post(
        path, data={"csrf_token": csrf_token(page.data), "password": password, "confirm": confirm or password}
    )


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.execute(
                select(AuditEntry.action).where(AuditEntry.object_type == "user").order_by(AuditEntry.id)
            ).scalars()
        )


def outbox_kinds(app) -> list[MailKind]:
    with app.app_context():
        return list(db.session.execute(select(OutboxMessage.kind).order_by(OutboxMessage.id)).scalars())


# --- invitations -----------------------------------------------------------------------


def test_an_invitee_chooses_their_own_password_through_the_emailed_link(
    app, client, smtp, deliver, create_organisation, login_as
):
    org = create_organisation()
    login_as(org, "admin")
    response = invite(client, org)
    assert response.status_code == 303
    assert "Invitationen er sendt til ny@lederne.dk" in visible_text(client.get(response.headers["Location"]).data)
    assert "ny@lederne.dk (inviteret)" in visible_text(client.get("/arrangoer/brugere").data)
    # No password works before the invitation is answered.
    assert log_in(app.test_client(), "ny@lederne.dk", "!").status_code == 401

    ((subject, path),) = emailed_links(smtp, deliver)
    assert subject == "Du er inviteret til arrangørsiderne for Lederne Sjælland"
    invitee = app.test_client()
    page = invitee.get(path)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert "ny@lederne.dk" in visible_text(page.data)
    response = choose_password(invitee, path)
    assert response.status_code == 303
    # Logged in at once, as a check-in helper.
    assert invitee.get("/arrangoer/adgangskode").status_code == 200
    assert log_in(app.test_client(), "ny@lederne.dk", NEW_PASSWORD).status_code == 303
    # The link works once.
    used = app.test_client().get(path)
    assert used.status_code == 404 and "Linket virker ikke" in visible_text(used.data)
    assert audit_actions(app)[-2:] == ["invited", "invitation_accepted"]


def test_an_invitation_expires_after_72_hours(app, client, smtp, deliver, create_organisation, login_as):
    org = create_organisation()
    login_as(org, "admin")
    invite(client, org)
    ((_, path),) = emailed_links(smtp, deliver)
    with clock.travelled(utcnow() + timedelta(hours=72, minutes=1)):
        assert app.test_client().get(path).status_code == 404
    assert app.test_client().get(path).status_code == 200


def test_a_forged_or_mangled_link_is_refused(app, client, create_organisation):
    assert client.get("/arrangoer/invitation/WzEsImFiYyJd.forged").status_code == 404
    assert client.get("/arrangoer/invitation/x").status_code == 404


def test_a_new_invitation_replaces_the_old_link(app, client, smtp, deliver, create_organisation, login_as):
    org = create_organisation()
    login_as(org, "admin")
    invite(client, org)
    ((_, old),) = emailed_links(smtp, deliver)
    with app.app_context():
        from eventsite.accounts.models import User

        user_id = db.session.execute(select(User.id).where(User.email == "ny@lederne.dk")).scalar_one()
    page = client.get(f"/arrangoer/brugere/{user_id}")
    assert "Send invitationen igen" in visible_text(page.data)
    response = client.post(f"/arrangoer/brugere/{user_id}/inviter-igen", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 303
    ((_, new),) = emailed_links(smtp, deliver)
    assert app.test_client().get(old).status_code == 404
    assert choose_password(app.test_client(), new).status_code == 303
    # Once the password is chosen there is nothing to invite again.
    page = client.get(f"/arrangoer/brugere/{user_id}")
    assert "Send invitationen igen" not in visible_text(page.data)


def test_a_too_short_or_mismatched_password_is_refused_and_the_link_still_works(
    app, client, smtp, deliver, create_organisation, login_as
):
    org = create_organisation()
    login_as(org, "admin")
    invite(client, org)
    ((_, path),) = emailed_links(smtp, deliver)
    invitee = app.test_client()
    short = choose_password(invitee, path, "kort")
    assert short.status_code == 422 and "mindst 10 tegn" in visible_text(short.data)
    mismatch = choose_password(invitee, path, NEW_PASSWORD, "noget-helt-andet")
    assert mismatch.status_code == 422
    assert choose_password(invitee, path).status_code == 303


def test_inviting_an_account_of_another_organisation_gives_it_the_role_without_an_email(
    app, client, create_organisation, login_as, create_user
):
    a, b = create_organisation(slug="a", name="Forening A"), create_organisation(slug="b", name="Forening B")
    login_as(a, "admin")
    create_user(b, "organiser", email="delt@example.org")
    response = invite(client, a, email="Delt@Example.org", role="organiser")
    assert response.status_code == 303
    assert "har nu rollen i Forening A" in visible_text(client.get(response.headers["Location"]).data)
    assert outbox_kinds(app) == []
    assert log_in(app.test_client(), "delt@example.org").status_code == 303
    assert "added" in audit_actions(app)


def test_only_administrators_invite(client, create_organisation, login_as):
    org = create_organisation()
    login_as(org, "organiser")
    assert client.get("/arrangoer/brugere/ny").status_code == 404


# --- password reset ----------------------------------------------------------------------


def ask_for_reset(client, email: str):
    page = client.get("/arrangoer/glemt-adgangskode")
    return client.post("/arrangoer/glemt-adgangskode", data={"csrf_token": csrf_token(page.data), "email": email})


def without_csrf(html: bytes) -> str:
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", html.decode())


def test_the_login_page_links_to_the_forgotten_password_page(client):
    page = client.get("/arrangoer/log-ind")
    assert "Glemt adgangskode?" in visible_text(page.data)
    assert 'href="/arrangoer/glemt-adgangskode"' in page.get_data(as_text=True)


def test_known_and_unknown_addresses_get_the_same_answer_and_only_an_account_gets_an_email(
    app, smtp, deliver, create_organisation, create_user
):
    org = create_organisation()
    create_user(org, "organiser", email="kendt@lederne.dk")
    known = ask_for_reset(app.test_client(), "Kendt@Lederne.dk")
    unknown = ask_for_reset(app.test_client(), "ukendt@lederne.dk")
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known.data) == without_csrf(unknown.data)
    assert "er en e-mail med et link" in visible_text(known.data)
    ((subject, path),) = emailed_links(smtp, deliver)
    assert subject == "Vælg en ny adgangskode til Lederne Sjælland"
    assert path.startswith("/arrangoer/ny-adgangskode/")


def test_a_new_password_by_link_ends_every_session_and_the_link_works_once(
    app, client, smtp, deliver, create_organisation, login_as
):
    org = create_organisation()
    user_id = login_as(org, "organiser", email="glemsom@lederne.dk")
    assert client.get("/arrangoer/adgangskode").status_code == 200
    ask_for_reset(app.test_client(), "glemsom@lederne.dk")
    ((_, path),) = emailed_links(smtp, deliver)
    page = app.test_client().get(path)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    response = choose_password(app.test_client(), path)
    assert response.status_code == 303 and response.headers["Location"] == "/arrangoer/log-ind"
    # The browser that was logged in is logged out; only the new password works.
    assert client.get("/arrangoer/adgangskode").status_code == 302
    assert log_in(app.test_client(), "glemsom@lederne.dk").status_code == 401
    assert log_in(app.test_client(), "glemsom@lederne.dk", NEW_PASSWORD).status_code == 303
    assert app.test_client().get(path).status_code == 404
    with app.app_context():
        assert (
            db.session.execute(
                select(AuditEntry.action).where(AuditEntry.object_id == user_id).order_by(AuditEntry.id.desc())
            )
            .scalars()
            .first()
            == "password_reset"
        )


def test_a_reset_link_expires_after_an_hour_and_an_older_link_dies_with_a_newer_one(
    app, smtp, deliver, create_organisation, create_user
):
    org = create_organisation()
    create_user(org, "organiser", email="glemsom@lederne.dk")
    ask_for_reset(app.test_client(), "glemsom@lederne.dk")
    ask_for_reset(app.test_client(), "glemsom@lederne.dk")
    (_, first), (_, second) = emailed_links(smtp, deliver)
    with clock.travelled(utcnow() + timedelta(minutes=61)):
        assert app.test_client().get(first).status_code == 404
    assert choose_password(app.test_client(), second).status_code == 303
    assert app.test_client().get(first).status_code == 404


def test_a_closed_account_gets_no_reset_email(app, smtp, deliver, create_organisation, create_user):
    org = create_organisation()
    create_user(org, "organiser", email="lukket@lederne.dk", active=False)
    assert ask_for_reset(app.test_client(), "lukket@lederne.dk").status_code == 200
    assert emailed_links(smtp, deliver) == []


def test_an_invited_organiser_sets_up_the_second_factor_right_after_the_password(
    app, client, smtp, deliver, create_organisation, login_as
):
    org = create_organisation()
    login_as(org, "admin")
    invite(client, org, email="arr@lederne.dk", role="organiser")
    ((_, path),) = emailed_links(smtp, deliver)
    invitee = app.test_client()
    response = choose_password(invitee, path)
    assert response.headers["Location"] == "/arrangoer/log-ind/tofaktor"
    assert invitee.get("/arrangoer/arrangementer").status_code == 302
    assert "Sæt tofaktor op" in visible_text(invitee.get("/arrangoer/log-ind/tofaktor").data)
