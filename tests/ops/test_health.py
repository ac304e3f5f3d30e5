"""/healthz and /readyz: for the proxy and monitoring, without login, cache or personal data."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import text

from config import TestConfig
from eventsite import clock, create_app
from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.mail.jobs import Heartbeat
from tests.mail.smtp_sink import SMTPSink, WorkerProcess


def beat(app) -> None:
    """A mail worker's sign of life, now."""
    with app.app_context():
        Heartbeat().beat()


def ready(client):
    response = client.get("/readyz")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "application/json"
    return response.status_code, response.get_json()


def test_healthz_answers_ok_without_asking_the_database():
    class Unreachable(TestConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql://nobody@127.0.0.1:1/nothing"

    app = create_app(Unreachable)
    client = app.test_client()
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok\n")
    assert response.headers["Cache-Control"] == "no-store"

    status, body = ready(client)
    assert status == 503
    assert body["failed"] == ["database", "migrations", "mail", "worker"]
    assert body["checks"]["database"] == {"ok": False}
    with app.app_context():
        db.engine.dispose()


def test_readyz_is_ready_with_a_migrated_database_no_old_mail_and_a_worker_alive(app, client):
    beat(app)
    status, body = ready(client)
    assert status == 200, body
    assert body["status"] == "ready" and body["failed"] == []
    assert (
        body["checks"]["migrations"]["ok"]
        and body["checks"]["migrations"]["current"] == body["checks"]["migrations"]["head"]
    )
    assert body["checks"]["mail"] == {"ok": True, "oldest_unsent_seconds": 0, "limit_seconds": 15 * 60}
    assert body["checks"]["worker"]["ok"] and body["checks"]["worker"]["last_heartbeat_seconds"] < 5


def test_readyz_fails_without_a_recent_worker_heartbeat(app, client, monkeypatch):
    status, body = ready(client)
    assert (status, body["failed"]) == (503, ["worker"])  # no worker ever started

    monkeypatch.setitem(app.config, "READY_MAX_HEARTBEAT_MINUTES", 2)
    beat(app)
    with clock.travelled(utcnow() + timedelta(minutes=3)):
        status, body = ready(client)
    assert (status, body["failed"]) == (503, ["worker"])
    assert body["checks"]["worker"]["last_heartbeat_seconds"] >= 180


def test_readyz_fails_when_the_oldest_unsent_email_is_older_than_the_threshold(
    app, client, create_event, register_person, monkeypatch
):
    monkeypatch.setitem(app.config, "READY_MAX_MAIL_AGE_MINUTES", 10)
    event = create_event()
    register_person(event.session_id, "mette@example.dk", notify=True)
    beat(app)
    assert ready(client)[0] == 200  # queued just now

    with clock.travelled(utcnow() + timedelta(minutes=11)):
        beat(app)
        status, body = ready(client)
    assert (status, body["failed"]) == (503, ["mail"])
    assert body["checks"]["mail"]["oldest_unsent_seconds"] >= 660
    assert "mette" not in str(body) and "example.dk" not in str(body)  # no personal data


def test_readyz_fails_when_the_database_is_not_at_the_migrations_head(app, client):
    beat(app)
    with app.app_context():
        head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        db.session.execute(text("UPDATE alembic_version SET version_num = '0013'"))
        db.session.commit()
    try:
        status, body = ready(client)
    finally:
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
            db.session.commit()
    assert (status, body["failed"]) == (503, ["migrations"])
    assert body["checks"]["migrations"] == {"ok": False, "current": "0013", "head": head}


def test_health_checks_are_never_rate_limited(app, rate_limited_app):
    beat(app)
    client = rate_limited_app.test_client()
    answers = {client.get(path).status_code for path in ("/healthz", "/readyz") for _ in range(30)}
    assert answers == {200}


@pytest.mark.slow
def test_readyz_sees_a_real_worker_come_and_go(app, client, database_url):
    assert ready(client)[1]["failed"] == ["worker"]
    sink = SMTPSink().start()
    process = WorkerProcess(database_url, sink.port, app.config["SECRET_KEY"])
    try:
        process.wait_until_started()
        deadline = time.monotonic() + 20
        while ready(client)[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert ready(client)[0] == 200
    finally:
        process.terminate()
        sink.stop()
    assert ready(client)[1]["failed"] == ["worker"]  # a worker stopped on purpose takes its heartbeat away
