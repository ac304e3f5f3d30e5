"""Rate limits (eventsite/limits.py): per client on the public forms, per address on public emails.

The suite runs with limits off; these tests use `rate_limited_app`, the app with the small
limits of tests.conftest.TEST_RATE_LIMITS (3 POSTs a minute per form, 2 emails an hour
per address). Sharing the counts between gunicorn workers: tests/test_limits_live.py.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsite import clock
from eventsite.events.models import Visibility
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.registration.models import PendingSignup
from tests.conftest import SUITE_NOW, TEST_RATE_LIMITS, _make_app
from tests.helpers import csrf_token, log_in, sign_up, user_email, visible_text
from tests.invitations.conftest import create_member  # noqa: F401 (fixtures)
from tests.live_server import ROOT

LIMIT = 3  # TEST_RATE_LIMITS: POSTs a minute per client and form


def _post_form(client, path: str, event_id: int, **data):
    """POST like a browser, with a CSRF token from the event page."""
    token = csrf_token(client.get(f"/arrangementer/{event_id}").data)
    return client.post(path, data={"csrf_token": token, **data})


def _assert_limited_page(response) -> None:
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    text = visible_text(response.data)
    assert "For mange forsøg" in text and "Vent lidt, og prøv igen" in text
    html = response.get_data(as_text=True)
    assert '<html lang="da">' in html and "Tilbage til arrangementerne" in html  # the site's layout


def _forms(event_id: int, organisation_id: int) -> dict[str, str]:
    return {
        "signup": f"/arrangementer/{event_id}/tilmeld",
        "send_link": f"/arrangementer/{event_id}/send-mit-link",
        "login": "/arrangoer/log-ind",
        "decline": "/invitation/ikke-et-token/afbud",
        "unsubscribe": "/invitation/ikke-et-token/afmeld",
        "member_import": f"/arrangoer/organisationer/{organisation_id}/medlemmer/import",
    }


@pytest.mark.parametrize("form", ["signup", "send_link", "login", "decline", "unsubscribe", "member_import"])
def test_each_public_form_answers_429_after_the_limit_for_that_client_only(
    app, rate_limited_app, create_event, create_user, form
):
    event = create_event()
    client = rate_limited_app.test_client()
    if form == "member_import":  # behind the login: an organiser's client
        user_id = create_user(event.organisation_id)
        assert log_in(client, user_email(app, user_id)).status_code == 303
    path = _forms(event.id, event.organisation_id)[form]

    answers = [
        _post_form(client, path, event.id, email="x@example.dk", password="forkert").status_code for _ in range(LIMIT)
    ]
    limited = _post_form(client, path, event.id, email="x@example.dk", password="forkert")

    assert 429 not in answers and 500 not in answers
    _assert_limited_page(limited)
    # Pages are not limited, and another client is counted on its own.
    assert client.get(f"/arrangementer/{event.id}").status_code == 200
    other = rate_limited_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    if form == "member_import":
        assert log_in(other, user_email(app, user_id)).status_code == 303
    assert _post_form(other, path, event.id, email="x@example.dk", password="forkert").status_code != 429


def test_the_login_keeps_its_per_account_lockout_beside_the_per_client_limit(app, rate_limited_app, create_user):
    """Five wrong passwords lock the account (the database counts, whoever tries)."""
    email = user_email(app, create_user(_organisation(app)))
    answers = []
    for number in range(6):
        client = rate_limited_app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number + 1}"  # a new client each time
        answers.append(log_in(client, email, "forkert").status_code)
    assert answers[0] == 401 and answers[-1] == 429
    assert 302 not in answers and 303 not in answers


def _organisation(app) -> int:
    from eventsite.events.models import Organisation

    with app.app_context():
        organisation = Organisation(slug="lederne", name="Lederne Sjælland")
        db.session.add(organisation)
        db.session.commit()
        return organisation.id


def test_behind_the_proxy_each_forwarded_client_is_counted_on_its_own(app, database_url):
    behind_proxy = _make_app(database_url, PROXY_HOPS=1, **TEST_RATE_LIMITS)
    client = behind_proxy.test_client()
    for _ in range(LIMIT):
        client.post("/invitation/x/afmeld", headers={"X-Forwarded-For": "198.51.100.1"})
    assert client.post("/invitation/x/afmeld", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    assert client.post("/invitation/x/afmeld", headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 404
    with behind_proxy.app_context():
        db.engine.dispose()


def _rows(app, kind: MailKind) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(OutboxMessage.recipient).where(OutboxMessage.kind == kind)).scalars())


def test_one_address_gets_only_a_few_link_emails_and_the_page_never_tells(
    app, rate_limited_app, create_event, register_person
):
    event = create_event()
    register_person(event.session_id, email="kendt@example.dk")
    pages = []
    for step in range(3):  # 11 minutes apart: the per-person "asked just now" rule stays out of it
        with clock.travelled(SUITE_NOW + timedelta(minutes=11 * step)):
            client = rate_limited_app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"192.0.2.{step + 1}"
            response = _post_form(
                client, f"/arrangementer/{event.id}/send-mit-link", event.id, **{"link-email": "kendt@example.dk"}
            )
            pages.append((response.status_code, visible_text(response.data)))

    assert pages[0] == pages[1] == pages[2]
    assert pages[2][0] == 200
    assert _rows(app, MailKind.LINKS) == ["kendt@example.dk"] * 2  # the third was not queued


def test_one_address_gets_only_a_few_sign_up_confirmations_and_the_page_never_tells(
    app, rate_limited_app, create_event, create_member
):
    event = create_event(visibility=Visibility.MEMBERS)
    create_member(event.organisation_id, "Mette Medlem", email="medlem@kommune.dk")
    answers = []
    for step in range(3):
        client = rate_limited_app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{step + 1}"
        response = sign_up(client, event.id, session_id=event.session_id, email="medlem@kommune.dk")
        answers.append((response.status_code, response.headers.get("Location")))

    assert answers == [(303, f"/arrangementer/{event.id}/tjek-din-email")] * 3
    assert _rows(app, MailKind.CONFIRM_SIGNUP) == ["medlem@kommune.dk"] * 2
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(PendingSignup)).scalar_one() == 2
    # Another address is counted on its own.
    client = rate_limited_app.test_client()
    sign_up(client, event.id, session_id=event.session_id, email="anden@kommune.dk")
    assert _rows(app, MailKind.CONFIRM_SIGNUP).count("anden@kommune.dk") == 1


def test_production_with_per_process_storage_warns_at_start_up(database_url, caplog):
    caplog.set_level(logging.WARNING, logger="eventsite.limits")
    production = _make_app(
        database_url, ENV_NAME="production", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://"
    )
    with production.app_context():
        db.engine.dispose()
    warnings = [record.getMessage() for record in caplog.records if record.name == "eventsite.limits"]
    assert len(warnings) == 1
    assert "per-process storage" in warnings[0] and "EVENTSITE_RATELIMIT_STORAGE_URI" in warnings[0]


def test_without_settings_limits_are_on_and_need_no_redis():
    """`make run`: memory:// storage, nothing to install."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("EVENTSITE_RATELIMIT_")}
    code = "import config; print(config.Config.RATELIMIT_ENABLED, config.Config.RATELIMIT_STORAGE_URI)"
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert output.stdout.split() == ["True", "memory://"]
