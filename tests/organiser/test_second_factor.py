"""The TOTP second factor: enrolment, the second login step, recovery codes, an administrator's reset."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from sqlalchemy import select

from eventsite import clock
from eventsite.accounts import second_factor
from eventsite.accounts.models import FailedLogin, RecoveryCode, User
from eventsite.audit import AuditEntry
from eventsite.db import utcnow
from eventsite.extensions import db
from tests.helpers import PASSWORD, TOTP_SECRET, csrf_token, log_in, totp_code, visible_text


def without_second_factor(app, user_id: int) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
        db.session.commit()


def password_step(client, email: str):
    page = client.get("/arrangoer/log-ind")
    return client.post(
        "/arrangoer/log-ind", data={"csrf_token": csrf_token(page.data), "email": email, "password": PASSWORD}
    )


def post_code(client, url: str, code: str):
    page = client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(page.data), "code": code})


def secret_on(page) -> str:
    return re.search(r'data-secret="([A-Z2-7]+)"', page.get_data(as_text=True)).group(1)


def test_an_organiser_without_a_second_factor_sets_it_up_before_getting_in(app, create_organisation, create_user):
    org = create_organisation()
    user_id = create_user(org, "organiser", email="ny@lederne.dk")
    without_second_factor(app, user_id)
    client = app.test_client()
    response = password_step(client, "ny@lederne.dk")
    assert response.headers["Location"] == "/arrangoer/log-ind/tofaktor"
    # Half logged in: nothing of the back office opens yet.
    assert client.get("/arrangoer/arrangementer").status_code == 302
    page = client.get("/arrangoer/log-ind/tofaktor")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "<svg" in body and "QR-kode til godkendelsesappen" in body
    secret = secret_on(page)
    assert secret_on(client.get("/arrangoer/log-ind/tofaktor")) == secret, "a reload shows the same key"
    wrong = post_code(client, "/arrangoer/log-ind/tofaktor", "000000")
    assert wrong.status_code == 422 and "Koden er forkert" in visible_text(wrong.data)
    response = post_code(client, "/arrangoer/log-ind/tofaktor", pyotp.TOTP(secret).at(clock.utcnow()))
    assert response.headers["Location"] == "/arrangoer/tofaktor/gendannelseskoder"
    codes_page = client.get("/arrangoer/tofaktor/gendannelseskoder")
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", codes_page.get_data(as_text=True))
    assert len(codes) == 10
    # Shown once; only digests are kept.
    assert client.get("/arrangoer/tofaktor/gendannelseskoder").status_code == 303
    with app.app_context():
        stored = list(db.session.execute(select(RecoveryCode.code_hash)).scalars())
        assert len(stored) == 10 and not set(codes) & set(stored)
    assert client.get("/arrangoer/arrangementer").status_code == 200
    # From now on the login asks for the code.
    assert password_step(app.test_client(), "ny@lederne.dk").headers["Location"] == "/arrangoer/log-ind/kode"


def test_the_second_step_wants_a_fresh_code_and_counts_wrong_ones(app, create_organisation, create_user):
    org = create_organisation()
    create_user(org, "admin", email="chef@lederne.dk")
    client = app.test_client()
    password_step(client, "chef@lederne.dk")
    wrong = post_code(client, "/arrangoer/log-ind/kode", "123456")
    assert wrong.status_code == 401 and "Koden er forkert" in visible_text(wrong.data)
    with app.app_context():
        assert db.session.execute(select(FailedLogin.email)).scalars().all() == ["chef@lederne.dk"]
    code = totp_code()
    assert post_code(client, "/arrangoer/log-ind/kode", code).status_code == 303
    assert client.get("/arrangoer/brugere").status_code == 200
    # The same code does not open a second session.
    other = app.test_client()
    password_step(other, "chef@lederne.dk")
    assert post_code(other, "/arrangoer/log-ind/kode", code).status_code == 401


def test_five_wrong_codes_lock_the_login(app, create_organisation, create_user):
    org = create_organisation()
    create_user(org, "organiser", email="anne@lederne.dk")
    client = app.test_client()
    password_step(client, "anne@lederne.dk")
    for _ in range(5):
        post_code(client, "/arrangoer/log-ind/kode", "000000")
    assert post_code(client, "/arrangoer/log-ind/kode", totp_code()).status_code == 429


def test_the_right_password_again_does_not_wipe_the_count_of_wrong_codes(app, create_organisation, create_user):
    # Someone who knows the password must not get unlimited guesses at the code by
    # typing the password again between guesses.
    org = create_organisation()
    user_id = create_user(org, "organiser", email="anne@lederne.dk")
    client = app.test_client()
    for _ in range(5):
        assert password_step(client, "anne@lederne.dk").headers["Location"] == "/arrangoer/log-ind/kode"
        assert post_code(client, "/arrangoer/log-ind/kode", "000000").status_code == 401
    password_step(client, "anne@lederne.dk")
    assert post_code(client, "/arrangoer/log-ind/kode", totp_code()).status_code == 429
    with app.app_context():
        assert db.session.get(User, user_id).last_login_at is None  # never got in


def test_a_complete_login_clears_the_count_and_is_recorded(app, create_organisation, create_user):
    org = create_organisation()
    user_id = create_user(org, "organiser", email="anne@lederne.dk")
    client = app.test_client()
    password_step(client, "anne@lederne.dk")
    post_code(client, "/arrangoer/log-ind/kode", "000000")
    with app.app_context():
        assert db.session.get(User, user_id).last_login_at is None  # the password alone is no login
    assert post_code(client, "/arrangoer/log-ind/kode", totp_code()).status_code == 303
    with app.app_context():
        assert db.session.execute(select(FailedLogin.id)).first() is None
        assert utcnow() - db.session.get(User, user_id).last_login_at < timedelta(minutes=1)


def test_the_half_logged_in_state_lapses_after_ten_minutes(app, create_organisation, create_user):
    org = create_organisation()
    create_user(org, "organiser", email="anne@lederne.dk")
    client = app.test_client()
    password_step(client, "anne@lederne.dk")
    token = csrf_token(client.get("/arrangoer/log-ind/kode").data)
    with clock.travelled(utcnow() + timedelta(minutes=11)):
        assert client.get("/arrangoer/log-ind/kode").headers["Location"] == "/arrangoer/log-ind"
        response = client.post("/arrangoer/log-ind/kode", data={"csrf_token": token, "code": totp_code()})
        assert response.headers["Location"] == "/arrangoer/log-ind"
        assert client.get("/arrangoer/arrangementer").status_code == 302


def test_a_recovery_code_works_once_and_new_codes_replace_the_old(app, client, create_organisation, login_as):
    org = create_organisation()
    login_as(org, "organiser", email="anne@lederne.dk")
    page = client.get("/arrangoer/tofaktor")
    assert "0 ubrugte gendannelseskoder" in visible_text(page.data)
    client.post("/arrangoer/tofaktor/nye-koder", data={"csrf_token": csrf_token(page.data)})
    codes = re.findall(
        r"<code>([a-z2-9-]{11})</code>", client.get("/arrangoer/tofaktor/gendannelseskoder").get_data(as_text=True)
    )
    assert len(codes) == 10
    other = app.test_client()
    password_step(other, "anne@lederne.dk")
    assert post_code(other, "/arrangoer/log-ind/kode", codes[0].upper()).status_code == 303
    third = app.test_client()
    password_step(third, "anne@lederne.dk")
    assert post_code(third, "/arrangoer/log-ind/kode", codes[0]).status_code == 401
    assert "9 ubrugte gendannelseskoder" in visible_text(client.get("/arrangoer/tofaktor").data)


def test_a_checkin_helper_may_log_in_without_and_set_it_up_by_choice(app, create_organisation, create_user):
    org = create_organisation()
    user_id = create_user(org, "checkin", email="dorte@lederne.dk")
    without_second_factor(app, user_id)
    client = app.test_client()
    response = password_step(client, "dorte@lederne.dk")
    assert response.headers["Location"] != "/arrangoer/log-ind/tofaktor"
    assert "valgfri" in visible_text(client.get("/arrangoer/tofaktor").data)
    page = client.get("/arrangoer/tofaktor/opsaet")
    response = post_code(client, "/arrangoer/tofaktor/opsaet", pyotp.TOTP(secret_on(page)).at(clock.utcnow()))
    assert response.headers["Location"] == "/arrangoer/tofaktor/gendannelseskoder"
    assert password_step(app.test_client(), "dorte@lederne.dk").headers["Location"] == "/arrangoer/log-ind/kode"


def test_an_administrator_resets_a_lost_second_factor(app, client, create_organisation, login_as, create_user):
    org = create_organisation()
    login_as(org, "admin")
    other = create_user(org, "organiser", email="mistet@lederne.dk")
    elsewhere = app.test_client()
    assert log_in(elsewhere, "mistet@lederne.dk").status_code == 303
    page = client.get(f"/arrangoer/brugere/{other}")
    assert "Nulstil tofaktor" in visible_text(page.data)
    response = client.post(f"/arrangoer/brugere/{other}/nulstil-tofaktor", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 303
    assert "Tofaktor er nulstillet" in visible_text(client.get(response.headers["Location"]).data)
    assert elsewhere.get("/arrangoer/adgangskode").status_code == 302, "the account is logged out everywhere"
    assert password_step(app.test_client(), "mistet@lederne.dk").headers["Location"] == "/arrangoer/log-ind/tofaktor"
    with app.app_context():
        assert "second_factor_reset" in db.session.execute(select(AuditEntry.action)).scalars().all()
        assert db.session.get(User, other).totp_secret is None


def test_only_the_demo_accounts_skip_it_and_only_in_development_mode(
    app, monkeypatch, create_organisation, create_user
):
    org = create_organisation()
    user_id = create_user(org, "admin", email="demo@lederne.dk")
    without_second_factor(app, user_id)
    with app.app_context():
        db.session.get(User, user_id).second_factor_exempt = True
        db.session.commit()
    # Not in testing or production mode.
    assert password_step(app.test_client(), "demo@lederne.dk").headers["Location"] == "/arrangoer/log-ind/tofaktor"
    assert "Udviklingstilstand" not in visible_text(app.test_client().get("/arrangoer/log-ind").data)
    monkeypatch.setitem(app.config, "ENV_NAME", "development")
    client = app.test_client()
    assert "demokontiene" in visible_text(client.get("/arrangoer/log-ind").data)
    assert password_step(client, "demo@lederne.dk").headers["Location"] != "/arrangoer/log-ind/tofaktor"
    assert client.get("/arrangoer/brugere").status_code == 200


def test_the_test_accounts_use_the_known_secret(app, create_organisation, create_user):
    user_id = create_user(create_organisation(), "organiser")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.totp_secret != TOTP_SECRET and TOTP_SECRET not in user.totp_secret  # stored sealed
        assert second_factor.unseal(user) == TOTP_SECRET


def test_a_new_secret_key_with_the_old_one_as_fallback_keeps_the_codes_working_and_reseals(
    app, create_organisation, create_user, monkeypatch
):
    org = create_organisation()
    user_id = create_user(org, "organiser", email="anne@lederne.dk")
    with app.app_context():
        sealed_before = db.session.get(User, user_id).totp_secret
    old_key = app.config["SECRET_KEY"]
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key-after-a-leak")
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old_key])
    client = app.test_client()
    password_step(client, "anne@lederne.dk")
    assert post_code(client, "/arrangoer/log-ind/kode", totp_code()).status_code == 303
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.totp_secret != sealed_before  # sealed anew, under the new key
    # Now the old key can go: the secret opens with the new key alone.
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    with app.app_context():
        assert second_factor.unseal(db.session.get(User, user_id)) == TOTP_SECRET


def test_a_new_secret_key_without_the_old_one_refuses_the_code_plainly_and_a_recovery_code_still_works(
    app, create_organisation, create_user, monkeypatch, caplog
):
    org = create_organisation()
    user_id = create_user(org, "organiser", email="anne@lederne.dk")
    with app.app_context():
        codes = second_factor.new_recovery_codes(db.session.get(User, user_id), utcnow())
        db.session.commit()
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key-without-fallback")
    client = app.test_client()
    password_step(client, "anne@lederne.dk")
    wrong = post_code(client, "/arrangoer/log-ind/kode", totp_code())
    assert wrong.status_code == 401 and "Koden er forkert" in visible_text(wrong.data)
    assert any("EVENTSITE_SECRET_KEY_FALLBACKS" in record.getMessage() for record in caplog.records)
    assert TOTP_SECRET not in caplog.text
    assert post_code(client, "/arrangoer/log-ind/kode", codes[0]).status_code == 303
