"""Accounts and roles: the create-organiser command, administrators' pages, the audit trail."""

from __future__ import annotations

from sqlalchemy import func, select

from eventsite.accounts.models import Membership, Role, User
from eventsite.audit import AuditEntry
from eventsite.events.models import Organisation
from eventsite.extensions import db
from tests.helpers import PASSWORD, form_token, log_in, visible_text
from tests.mail.conftest import deliver, smtp  # noqa: F401 (fixtures)


def run_cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["create-organiser", *args], input=input)


def account(app, email: str):
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if user is None:
            return None
        return user.email, [(m.organisation.slug, m.role) for m in user.memberships]


# --- the command line ----------------------------------------------------------------


def test_the_command_creates_an_organiser_who_can_log_in(app, client, create_organisation):
    create_organisation(slug="lederne")
    result = run_cli(app, "Mette@Lederne.dk", "--org", "lederne", "--role", "organiser", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert account(app, "mette@lederne.dk") == ("mette@lederne.dk", [("lederne", Role.ORGANISER)])
    assert log_in(client, "mette@lederne.dk").status_code == 303


def test_the_command_asks_for_the_password_when_not_given(app, create_organisation):
    create_organisation(slug="lederne")
    result = run_cli(app, "mette@lederne.dk", "--org", "lederne", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert account(app, "mette@lederne.dk")[1] == [("lederne", Role.ADMIN)]
    assert PASSWORD not in result.output


def test_the_command_creates_the_organisation_when_asked(app):
    result = run_cli(
        app,
        "anne@ny.dk",
        "--org",
        "ny-forening",
        "--role",
        "admin",
        "--password",
        PASSWORD,
        "--create-org",
        "Ny Forening",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert (
            db.session.execute(select(Organisation.name).where(Organisation.slug == "ny-forening")).scalar_one()
            == "Ny Forening"
        )
    assert account(app, "anne@ny.dk")[1] == [("ny-forening", Role.ADMIN)]


def test_the_command_refuses_an_unknown_organisation(app):
    result = run_cli(app, "anne@ny.dk", "--org", "findes-ikke", "--role", "admin", "--password", PASSWORD)
    assert result.exit_code != 0
    assert "No organisation with the slug 'findes-ikke'" in result.output
    assert account(app, "anne@ny.dk") is None


def test_the_command_refuses_a_duplicate_email(app, create_organisation):
    create_organisation(slug="lederne")
    assert (
        run_cli(app, "mette@lederne.dk", "--org", "lederne", "--role", "organiser", "--password", PASSWORD).exit_code
        == 0
    )
    again = run_cli(app, "METTE@lederne.dk", "--org", "lederne", "--role", "admin", "--password", PASSWORD)
    assert again.exit_code != 0
    assert "already exists" in again.output
    with app.app_context():
        assert db.session.execute(select(func.count(User.id))).scalar_one() == 1


def test_the_command_refuses_a_short_password_and_an_unknown_role(app, create_organisation):
    create_organisation(slug="lederne")
    short = run_cli(app, "mette@lederne.dk", "--org", "lederne", "--role", "organiser", "--password", "kort")
    assert short.exit_code != 0 and "10-200 characters" in short.output
    bad_role = run_cli(app, "mette@lederne.dk", "--org", "lederne", "--role", "boss", "--password", PASSWORD)
    assert bad_role.exit_code != 0 and "boss" in bad_role.output
    assert account(app, "mette@lederne.dk") is None


# --- roles --------------------------------------------------------------------------


def test_an_organiser_cannot_see_accounts_or_the_change_log(client, create_organisation, login_as):
    login_as(create_organisation(), "organiser")
    assert client.get("/arrangoer/brugere").status_code == 404
    assert client.get("/arrangoer/log").status_code == 404
    assert client.get("/arrangoer/arrangementer").status_code == 200


def test_a_checkin_helper_sees_neither_events_nor_venues(client, create_organisation, login_as, create_event):
    org = create_organisation()
    event = create_event(organisation_id=org)
    login_as(org, "checkin")
    for url in (
        "/arrangoer/arrangementer",
        f"/arrangoer/arrangementer/{event.id}",
        "/arrangoer/steder",
        "/arrangoer/arrangementer/ny",
        f"/arrangoer/sessioner/{event.session_id}/rediger",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/arrangoer/adgangskode").status_code == 200


def test_an_account_in_two_organisations_has_a_role_in_each(
    app, client, create_organisation, create_user, create_event
):
    a, b = create_organisation(slug="a", name="A"), create_organisation(slug="b", name="B")
    event_a, event_b = create_event(organisation_id=a), create_event(organisation_id=b)
    create_user(a, "organiser", email="to@roller.dk")
    create_user(b, "checkin", email="to@roller.dk")
    assert log_in(client, "to@roller.dk").status_code == 303
    assert client.get(f"/arrangoer/arrangementer/{event_a.id}").status_code == 200
    assert client.get(f"/arrangoer/arrangementer/{event_b.id}").status_code == 404


# --- administrators' account pages ---------------------------------------------------


def test_an_administrator_invites_an_account_that_can_log_in(app, client, smtp, deliver, create_organisation, login_as):
    """Admins no longer invent passwords: the invitee chooses one through the emailed link."""
    from tests.organiser.test_account_links import NEW_PASSWORD, choose_password, emailed_links, invite

    org = create_organisation()
    login_as(org, "admin")
    assert invite(client, org).status_code == 303
    assert "ny@lederne.dk" in visible_text(client.get("/arrangoer/brugere").data)
    ((_, path),) = emailed_links(smtp, deliver)
    assert choose_password(app.test_client(), path).status_code == 303
    assert log_in(app.test_client(), "ny@lederne.dk", NEW_PASSWORD).status_code == 303
    with app.app_context():
        entry = (
            db.session.execute(
                select(AuditEntry)
                .where(AuditEntry.object_type == "user", AuditEntry.action == "invited")
                .order_by(AuditEntry.id.desc())
            )
            .scalars()
            .first()
        )
        assert '"role": "checkin"' in entry.after


def test_an_administrator_changes_a_role_and_removes_a_member_but_keeps_an_administrator(
    app, client, create_organisation, login_as, create_user
):
    org = create_organisation()
    me = login_as(org, "admin")
    other = create_user(org, "organiser")
    url = f"/arrangoer/brugere/{other}"
    token = form_token(client, url)
    assert (
        client.post(
            url, data={"csrf_token": token, "organisation_id": org, "role": "checkin", "submit": "x"}
        ).status_code
        == 303
    )
    with app.app_context():
        assert (
            db.session.execute(select(Membership.role).where(Membership.user_id == other)).scalar_one() is Role.CHECKIN
        )
    assert (
        client.post(
            url, data={"csrf_token": token, "organisation_id": org, "role": "checkin", "remove": "x"}
        ).status_code
        == 303
    )
    with app.app_context():
        assert (
            db.session.execute(select(func.count(Membership.id)).where(Membership.user_id == other)).scalar_one() == 0
        )
    # The only administrator cannot demote themself.
    mine = f"/arrangoer/brugere/{me}"
    refused = client.post(mine, data={"csrf_token": token, "organisation_id": org, "role": "organiser", "submit": "x"})
    assert "mindst én administrator" in visible_text(client.get(refused.headers["Location"]).data)
    with app.app_context():
        assert db.session.execute(select(Membership.role).where(Membership.user_id == me)).scalar_one() is Role.ADMIN


# --- the audit trail page ------------------------------------------------------------


def test_the_change_log_shows_who_changed_what_in_the_own_organisation_only(
    app, client, create_organisation, login_as, create_event
):
    from eventsite.audit import record_audit

    mine, theirs = create_organisation(slug="a", name="A"), create_organisation(slug="b", name="B")
    event = create_event(organisation_id=mine, title="Gammel titel")
    with app.test_request_context():
        record_audit(theirs, "event", 999, "updated", before={"title": "B's hemmelighed"}, after={"title": "x"})
        db.session.commit()
    user_id = login_as(mine, "admin")
    client.post(
        f"/arrangoer/arrangementer/{event.id}/skjul",
        data={"csrf_token": form_token(client, f"/arrangoer/arrangementer/{event.id}")},
    )
    text = visible_text(client.get("/arrangoer/log").data)
    assert "Ændringslog" in text
    # The event by its title (eventsite.audit.readable), not by its number.
    assert "Arrangement Gammel titel: skjult" in text
    with app.app_context():
        assert db.session.get(User, user_id).email in text
    assert "hemmelighed" not in text


def test_record_audit_stores_json_summaries_and_the_acting_user(app, create_organisation, create_user):
    from eventsite.audit import decoded, record_audit

    org = create_organisation()
    user_id = create_user(org, "organiser", email="anne@lederne.dk")
    with app.test_request_context():
        user = db.session.get(User, user_id)
        entry = record_audit(
            org, "registration", 7, "moved", before={"session_id": 1}, after={"session_id": 2}, user=user
        )
        db.session.commit()
        assert (entry.actor, entry.user_id) == ("anne@lederne.dk", user_id)
        assert decoded(entry) == ({"session_id": 1}, {"session_id": 2})
