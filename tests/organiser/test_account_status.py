"""Closing and reopening accounts: audited, logged out everywhere, never the last administrator."""

from __future__ import annotations

from sqlalchemy import select

from eventsite.accounts.models import User
from eventsite.audit import AuditEntry
from eventsite.extensions import db
from tests.helpers import form_token, log_in, user_email, visible_text


def close(client, user_id: int):
    token = form_token(client, f"/arrangoer/brugere/{user_id}")
    return client.post(f"/arrangoer/brugere/{user_id}/luk", data={"csrf_token": token})


def reopen(client, user_id: int):
    token = form_token(client, f"/arrangoer/brugere/{user_id}")
    return client.post(f"/arrangoer/brugere/{user_id}/genaabn", data={"csrf_token": token})


def actions_on(app, user_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return [
            (e.organisation_id, e.action)
            for e in db.session.execute(
                select(AuditEntry)
                .where(AuditEntry.object_type == "user", AuditEntry.object_id == user_id)
                .order_by(AuditEntry.id)
            ).scalars()
        ]


def is_active(app, user_id: int) -> bool:
    with app.app_context():
        return db.session.get(User, user_id).active


def test_a_closed_account_is_logged_out_everywhere_and_can_be_reopened(
    app, client, create_organisation, login_as, create_user
):
    org = create_organisation()
    login_as(org, "admin")
    other = create_user(org, "organiser")
    elsewhere = app.test_client()
    assert log_in(elsewhere, user_email(app, other)).status_code == 303
    assert elsewhere.get("/arrangoer/adgangskode").status_code == 200

    response = close(client, other)
    assert response.status_code == 303
    assert "lukket" in visible_text(client.get(response.headers["Location"]).data)
    assert not is_active(app, other)
    # The open session ended at once, and the password no longer lets anyone in.
    assert elsewhere.get("/arrangoer/adgangskode").status_code == 302
    assert log_in(app.test_client(), user_email(app, other)).status_code == 401
    assert "(inaktiv)" in visible_text(client.get("/arrangoer/brugere").data)

    assert reopen(client, other).status_code == 303
    assert is_active(app, other)
    assert log_in(app.test_client(), user_email(app, other)).status_code == 303
    assert actions_on(app, other)[-2:] == [(org, "deactivated"), (org, "reactivated")]


def test_the_last_administrator_cannot_close_their_own_account(app, client, create_organisation, login_as):
    org = create_organisation()
    me = login_as(org, "admin")
    response = close(client, me)
    assert response.status_code == 303
    assert "mindst én administrator" in visible_text(client.get(response.headers["Location"]).data)
    assert is_active(app, me)
    assert "deactivated" not in [action for _, action in actions_on(app, me)]


def test_an_administrator_who_is_not_the_last_may_close_their_own_account(
    app, client, create_organisation, login_as, create_user
):
    org = create_organisation()
    me = login_as(org, "admin")
    create_user(org, "admin")
    assert close(client, me).status_code == 303
    assert not is_active(app, me)
    assert client.get("/arrangoer/brugere").status_code == 302


def test_an_account_of_another_organisation_too_is_only_removed_not_closed(
    app, client, create_organisation, login_as, create_user
):
    a, b = create_organisation(slug="a", name="Forening A"), create_organisation(slug="b", name="Forening B")
    login_as(a, "admin")
    shared = create_user(a, "organiser", email="delt@example.org")
    create_user(b, "checkin", email="delt@example.org")
    page = visible_text(client.get(f"/arrangoer/brugere/{shared}").data)
    assert "1 anden organisation" in page
    response = close(client, shared)
    assert "organisationer, du ikke administrerer" in visible_text(client.get(response.headers["Location"]).data)
    assert is_active(app, shared)


def test_an_administrator_of_both_organisations_sees_both_roles_and_may_close_the_account(
    app, client, create_organisation, login_as, create_user
):
    a, b = create_organisation(slug="a", name="Forening A"), create_organisation(slug="b", name="Forening B")
    login_as(a, "admin", email="chef@example.org")
    create_user(b, "admin", email="chef@example.org")
    shared = create_user(a, "organiser", email="delt@example.org")
    create_user(b, "checkin", email="delt@example.org")
    listing = visible_text(client.get("/arrangoer/brugere").data)
    assert "Forening A: Arrangør" in listing and "Forening B: Indtjekningshjælper" in listing
    assert close(client, shared).status_code == 303
    assert not is_active(app, shared)
    assert sorted(o for o, action in actions_on(app, shared) if action == "deactivated") == sorted([a, b])
