"""Logging in and out of the back office, the rate limit, and password changes."""

from __future__ import annotations

from sqlalchemy import func, select

from eventsite.accounts.models import FailedLogin
from eventsite.extensions import db
from tests.helpers import PASSWORD, csrf_token, finish_login, form_token, log_in, user_email, visible_text


def test_the_login_page_is_in_danish(client):
    html = client.get("/arrangoer/log-ind").data.decode()
    assert ">E-mail</label>" in html
    assert ">Adgangskode</label>" in html
    assert 'value="Log ind"' in html


def test_every_public_page_links_to_the_login_in_its_footer(client, create_event):
    event = create_event()
    for url in ("/", f"/arrangementer/{event.id}"):
        html = client.get(url).data.decode()
        footer = html[html.index("<footer") :]
        assert 'href="/arrangoer/log-ind"' in footer
        assert "Log ind" in visible_text(footer)


def test_an_organiser_logs_in_and_reaches_the_back_office(app, client, create_organisation, create_user):
    org = create_organisation()
    user_id = create_user(org, "organiser", email="Anne@Lederne.dk")
    response = log_in(client, "anne@lederne.dk")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/arrangoer/")
    assert client.get("/arrangoer/arrangementer").status_code == 200
    assert client.get("/arrangoer/adgangskode").status_code == 200
    assert user_email(app, user_id) == "anne@lederne.dk"


def test_login_follows_a_local_next_url_but_never_an_outside_one(client, create_organisation, create_user):
    org = create_organisation()
    create_user(org, email="anne@lederne.dk")
    page = client.get("/arrangoer/log-ind?next=//evil.example/x")
    response = finish_login(
        client,
        client.post(
            "/arrangoer/log-ind",
            data={
                "csrf_token": csrf_token(page.data),
                "email": "anne@lederne.dk",
                "password": PASSWORD,
                "next": "https://evil.example/",
            },
        ),
        "anne@lederne.dk",
    )
    assert response.status_code == 303
    assert "evil" not in response.headers["Location"]
    client.post("/arrangoer/log-ud", data={"csrf_token": form_token(client, "/arrangoer/adgangskode")})
    page = client.get("/arrangoer/log-ind")
    response = finish_login(
        client,
        client.post(
            "/arrangoer/log-ind",
            data={
                "csrf_token": csrf_token(page.data),
                "email": "anne@lederne.dk",
                "password": PASSWORD,
                "next": "/arrangoer/adgangskode",
            },
        ),
        "anne@lederne.dk",
    )
    assert response.headers["Location"] == "/arrangoer/adgangskode"


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/arrangoer/adgangskode")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/arrangoer/log-ind?next=/arrangoer/adgangskode")


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(client, create_organisation, create_user):
    org = create_organisation()
    create_user(org, email="anne@lederne.dk")
    wrong = log_in(client, "anne@lederne.dk", "forkert-kodeord-123")
    unknown = log_in(client, "ingen@lederne.dk", "forkert-kodeord-123")
    assert wrong.status_code == unknown.status_code == 401
    assert "Forkert e-mail eller adgangskode." in visible_text(wrong.data)
    assert visible_text(wrong.data).replace("anne@", "X@") == visible_text(unknown.data).replace("ingen@", "X@")


def test_an_inactive_account_cannot_log_in(client, create_organisation, create_user):
    org = create_organisation()
    create_user(org, email="gammel@lederne.dk", active=False)
    response = log_in(client, "gammel@lederne.dk")
    assert response.status_code == 401
    assert client.get("/arrangoer/adgangskode").status_code == 302


def test_five_failures_lock_the_account_out_even_with_the_right_password(app, client, create_organisation, create_user):
    org = create_organisation()
    create_user(org, email="anne@lederne.dk")
    for _ in range(5):
        assert log_in(client, "anne@lederne.dk", "gaet-et-kodeord").status_code == 401
    blocked = log_in(client, "anne@lederne.dk", PASSWORD)
    assert blocked.status_code == 429
    assert "For mange mislykkede forsøg" in visible_text(blocked.data)
    assert client.get("/arrangoer/adgangskode").status_code == 302


def test_the_lockout_looks_the_same_for_accounts_that_do_not_exist(client, create_organisation, create_user):
    org = create_organisation()
    create_user(org, email="anne@lederne.dk")
    answers = {}
    for email in ("anne@lederne.dk", "findes-ikke@lederne.dk"):
        for _ in range(5):
            log_in(client, email, "gaet-et-kodeord")
        answers[email] = log_in(client, email, "gaet-et-kodeord")
    known, unknown = answers.values()
    assert known.status_code == unknown.status_code == 429
    assert visible_text(known.data).replace("anne@", "X@") == visible_text(unknown.data).replace("findes-ikke@", "X@")


def test_many_failures_from_one_ip_address_lock_out_every_account_from_it(
    app, client, create_organisation, create_user
):
    org = create_organisation()
    create_user(org, email="anne@lederne.dk")
    for n in range(20):
        log_in(client, f"gaet{n}@lederne.dk", "gaet-et-kodeord")
    assert log_in(client, "anne@lederne.dk", PASSWORD).status_code == 429
    other_ip = client.application.test_client()
    page = other_ip.get("/arrangoer/log-ind", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    response = other_ip.post(
        "/arrangoer/log-ind",
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
        data={
            "csrf_token": csrf_token(page.data),
            "email": "anne@lederne.dk",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 303


def test_failed_logins_are_stored_in_the_database_for_every_worker(app, client):
    log_in(client, "ingen@lederne.dk", "gaet-et-kodeord")
    with app.app_context():
        assert (
            db.session.execute(
                select(func.count(FailedLogin.id)).where(FailedLogin.email == "ingen@lederne.dk")
            ).scalar_one()
            == 1
        )


def test_a_successful_login_clears_the_accounts_failures(app, client, create_organisation, create_user):
    org = create_organisation()
    create_user(org, email="anne@lederne.dk")
    for _ in range(4):
        log_in(client, "anne@lederne.dk", "gaet-et-kodeord")
    assert log_in(client, "anne@lederne.dk").status_code == 303
    with app.app_context():
        assert db.session.execute(select(func.count(FailedLogin.id))).scalar_one() == 0


def test_logout_needs_a_post_with_a_csrf_token(client, create_organisation, login_as):
    login_as(create_organisation())
    assert client.get("/arrangoer/log-ud").status_code == 405
    assert client.post("/arrangoer/log-ud").status_code == 400
    assert client.get("/arrangoer/adgangskode").status_code == 200
    response = client.post("/arrangoer/log-ud", data={"csrf_token": form_token(client, "/arrangoer/adgangskode")})
    assert response.status_code == 303
    assert client.get("/arrangoer/adgangskode").status_code == 302


def test_changing_the_password_logs_out_other_browsers(app, client, create_organisation, login_as):
    user_id = login_as(create_organisation())
    email = user_email(app, user_id)
    other = app.test_client()
    assert log_in(other, email).status_code == 303
    response = client.post(
        "/arrangoer/adgangskode",
        data={
            "csrf_token": form_token(client, "/arrangoer/adgangskode"),
            "current_password": PASSWORD,
            "password": "nyt-og-langt-kodeord",
            "confirm": "nyt-og-langt-kodeord",
        },
    )
    assert response.status_code == 303
    assert client.get("/arrangoer/adgangskode").status_code == 200
    assert other.get("/arrangoer/adgangskode").status_code == 302
    assert log_in(other, email, "nyt-og-langt-kodeord").status_code == 303


def test_a_password_change_with_a_wrong_current_password_or_a_short_new_one_is_refused(
    app, client, create_organisation, login_as
):
    user_id = login_as(create_organisation())
    token = form_token(client, "/arrangoer/adgangskode")
    wrong = client.post(
        "/arrangoer/adgangskode",
        data={
            "csrf_token": token,
            "current_password": "ikke-mit-kodeord",
            "password": "nyt-og-langt-kodeord",
            "confirm": "nyt-og-langt-kodeord",
        },
    )
    assert wrong.status_code == 422
    assert "Den nuværende adgangskode er forkert." in visible_text(wrong.data)
    short = client.post(
        "/arrangoer/adgangskode",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "password": "kort",
            "confirm": "kort",
        },
    )
    assert short.status_code == 422
    assert "mindst 10 tegn" in visible_text(short.data)
    other = app.test_client()
    assert log_in(other, user_email(app, user_id)).status_code == 303


def test_the_login_cookie_is_http_only_and_same_site(client, create_organisation, create_user):
    org = create_organisation()
    create_user(org, email="anne@lederne.dk")
    response = log_in(client, "anne@lederne.dk")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_passwords_are_stored_as_scrypt_hashes_by_default(app, create_organisation, create_user):
    from eventsite.accounts.models import User

    app.config.pop("ORGANISER_PASSWORD_METHOD")
    user_id = create_user(create_organisation())
    with app.app_context():
        stored = db.session.get(User, user_id).password_hash
    assert stored.startswith("scrypt:")
    assert PASSWORD not in stored


def _log_in_from(client, forwarded_for: str, email: str, password: str):
    return log_in(client, email, password, headers={"X-Forwarded-For": forwarded_for})


def test_behind_a_trusted_proxy_the_rate_limit_counts_per_client_address(app, create_organisation, create_user):
    from eventsite import create_app

    org = create_organisation()
    create_user(org, email="anne@lederne.dk")

    # The same configuration and database as the test app, behind one proxy.
    behind = create_app(type("BehindNginx", (), dict(app.config, PROXY_HOPS=1)))
    try:
        client = behind.test_client()
        for n in range(20):
            _log_in_from(client, "203.0.113.7", f"gaet{n}@lederne.dk", "gaet-et-kodeord")
        # Everyone reaches the app from the proxy's address; only the guesser is shut out.
        assert _log_in_from(client, "203.0.113.7", "anne@lederne.dk", PASSWORD).status_code == 429
        assert _log_in_from(client, "198.51.100.9", "anne@lederne.dk", PASSWORD).status_code == 303
        with behind.app_context():
            addresses = set(db.session.execute(select(FailedLogin.ip)).scalars())
        assert addresses == {"203.0.113.7"}
    finally:
        with behind.app_context():
            db.engine.dispose()


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(app, client, create_organisation, create_user):
    org = create_organisation()
    create_user(org, email="anne@lederne.dk")
    # A guesser cannot dodge the limit by inventing a new X-Forwarded-For each time.
    for n in range(20):
        _log_in_from(client, f"203.0.113.{n}", f"gaet{n}@lederne.dk", "gaet-et-kodeord")
    assert _log_in_from(client, "198.51.100.9", "anne@lederne.dk", PASSWORD).status_code == 429


def copy_session(app, source):
    """Another browser with a copy of `source`'s session cookie (as a thief would have)."""
    cookie = source.get_cookie("session")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value, domain=cookie.domain or "localhost")
    return thief


def test_logging_out_ends_every_session_of_the_account_also_a_copied_cookie(app, client, create_organisation, login_as):
    login_as(create_organisation())
    thief = copy_session(app, client)
    assert thief.get("/arrangoer/adgangskode").status_code == 200  # the copy works while logged in

    response = client.post("/arrangoer/log-ud", data={"csrf_token": form_token(client, "/arrangoer/adgangskode")})

    assert response.status_code == 303
    assert thief.get("/arrangoer/adgangskode").status_code == 302
    assert client.get("/arrangoer/adgangskode").status_code == 302


def test_logging_in_starts_a_fresh_session(app, client, create_organisation, create_user):
    user_id = create_user(create_organisation())
    client.get("/arrangoer/log-ind")
    before = copy_session(app, client)  # a cookie planted before the login
    with client.session_transaction() as session:
        session["planted"] = "by someone else"

    assert log_in(client, user_email(app, user_id)).status_code == 303

    with client.session_transaction() as session:
        assert "planted" not in session
    assert before.get("/arrangoer/adgangskode").status_code == 302
