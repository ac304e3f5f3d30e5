"""Logs: one JSON line per request with a request id, and no personal data or tokens in any line."""

from __future__ import annotations

import json
import logging
import re
import sys
import time

import pytest
import requests
from sqlalchemy import text

from config import TestConfig
from eventsite import create_app
from eventsite.extensions import db
from eventsite.logs import JsonFormatter, TextFormatter, describe, scrub_message, scrubbed_traceback
from eventsite.mail.jobs import counts, registered_jobs, run_job
from tests.helpers import csrf_token
from tests.live_server import live_server

pytestmark = pytest.mark.slow

NAME = "Kirsten Bøgelund"
EMAIL = "kirsten.bogelund@example.dk"


def _json_lines(log: str) -> list[dict]:
    return [json.loads(line) for line in log.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_live_server_logs_one_json_line_per_request_by_endpoint_without_names_emails_or_tokens(
    app, database_url, create_event, register_person
):
    event = create_event()
    registration = register_person(event.session_id, email="mette.hansen@example.dk", name="Mette Hansen")
    token = registration.token
    env = {"EVENTSITE_LOG_FORMAT": "json"}
    with live_server(
        database_url, workers=1, config="python:eventsite.gunicorn_conf", secret_key=app.secret_key, env=env
    ) as server:
        web = requests.Session()
        manage = web.get(f"{server.url}/tilmelding/{token}", headers={"X-Request-ID": "nginx-0123456789abcdef"})
        page = web.get(f"{server.url}/arrangementer/{event.id}?invitation={token}&email={EMAIL}")
        signup = web.post(
            f"{server.url}/arrangementer/{event.id}/tilmeld",
            data={"csrf_token": csrf_token(page.text), "session_id": event.session_id, "name": NAME, "email": EMAIL},
            headers={"X-Request-ID": f"<{EMAIL}>"},  # not a sane id: replaced
            allow_redirects=False,
        )
        missing = web.get(f"{server.url}/tilmelding/{EMAIL}/x")
        time.sleep(0.3)  # the line is written as the response goes out
        log = server.log()
    web.close()

    assert (manage.status_code, page.status_code, signup.status_code, missing.status_code) == (200, 200, 303, 404)
    assert manage.headers["X-Request-ID"] == "nginx-0123456789abcdef"  # the proxy's id, echoed
    assert re.fullmatch(r"[0-9a-f]{32}", signup.headers["X-Request-ID"])  # a fresh one instead of the address

    lines = [line for line in _json_lines(log) if line.get("event") == "request"]
    seen = {(line["method"], line["endpoint"], line["status"]) for line in lines}
    manage_line = next(line for line in lines if line["request_id"] == "nginx-0123456789abcdef")
    assert (manage_line["method"], manage_line["status"]) == ("GET", 200)
    assert manage_line["endpoint"].endswith("manage") and "<" in manage_line["rule"]  # the rule, not the path
    assert ("POST", "registration.signup", 303) in seen or any(
        m == "POST" and s == 303 and e and "signup" in e for m, e, s in seen
    ), seen
    assert any(line["status"] == 404 and line["endpoint"] is None for line in lines)
    assert all(isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0 for line in lines)
    assert {line["request_id"] for line in lines} >= {signup.headers["X-Request-ID"], "nginx-0123456789abcdef"}

    # Nothing personal anywhere in the log: not in request lines, nor gunicorn's own.
    for secret in (token, EMAIL, "kirsten", "Bøgelund", "mette.hansen@example.dk", "Mette Hansen", "invitation="):
        assert secret.lower() not in log.lower(), (secret, log)
    assert "GET /" not in log  # gunicorn's access log is off with JSON logs: one line per request


def test_scrub_message_keeps_what_went_wrong_and_drops_values():
    error = ValueError(f"no person {EMAIL!r} with key 9f8e7d6c5b4a39281706abcdef12 and phone 20304050")
    assert scrub_message(error) == "no person '…' with key [token] and phone [number]"
    assert describe(KeyError(EMAIL)) == "KeyError: '…'"
    assert describe(RuntimeError()) == "RuntimeError"
    assert EMAIL not in describe(RuntimeError(f"mail to {EMAIL} failed"))


def test_a_traceback_names_each_frame_and_the_chain_but_no_values(app):
    person = {"name": NAME, "email": EMAIL}
    with app.app_context():
        try:
            try:
                db.session.execute(text("SELECT id FROM people_nowhere WHERE email = :email"), person)
            except Exception as error:
                raise LookupError(f"lookup of {NAME} failed") from error
        except LookupError as error:
            caught = error
        finally:
            db.session.rollback()
    trace = scrubbed_traceback(caught)
    assert "direct cause" in trace and "LookupError: lookup of [name] [name] failed" in trace
    assert "test_a_traceback_names_each_frame_and_the_chain_but_no_values" in trace
    assert EMAIL not in trace and "[parameters" not in trace and "Kirsten" not in trace
    record = logging.LogRecord("eventsite.x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    record.exc_info = (type(caught), caught, caught.__traceback__)
    for formatter in (JsonFormatter(), TextFormatter()):
        assert EMAIL not in formatter.format(record)


def test_a_job_run_logs_its_name_counts_duration_and_outcome_as_json(app, caplog):
    [holds] = [job for job in registered_jobs_of(app) if job.name == "signup_holds"]
    with app.app_context(), caplog.at_level(logging.INFO, logger="eventsite.mail"):
        assert run_job(holds) is True
    [record] = [r for r in caplog.records if getattr(r, "fields", {}).get("event") == "job"]
    line = json.loads(JsonFormatter().format(record))
    assert (line["job"], line["outcome"]) == ("signup_holds", "ok")
    assert isinstance(line["counts"], dict) and all(isinstance(n, int) for n in line["counts"].values())
    assert line["duration_ms"] >= 0 and line["level"] == "info"
    assert "job=signup_holds" in TextFormatter().format(record)


def test_counts_are_read_from_a_jobs_line():
    assert counts("deleted 4 dietary notes") == {"dietary_notes": 4}
    assert counts("queued 3 reminders, released 2 held places") == {"reminders": 3, "held_places": 2}
    assert counts("") == {}


def registered_jobs_of(app):
    with app.app_context():
        return registered_jobs()


def test_an_unhandled_exception_is_logged_by_endpoint_and_scrubbed_never_by_path(caplog):
    class Config(TestConfig):
        PROPAGATE_EXCEPTIONS = False  # answer 500 and log, as production does

    app = create_app(Config)

    def broken(token):
        raise ValueError(f"no registration for {EMAIL} with {token}")

    app.add_url_rule("/proevefejl/<token>", "broken_page", broken)
    token = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    with caplog.at_level(logging.ERROR, logger="eventsite.errors"):
        response = app.test_client().get(f"/proevefejl/{token}?email={EMAIL}", headers={"X-Request-ID": "req-12345678"})
    assert response.status_code == 500
    [record] = caplog.records
    for formatter in (JsonFormatter(), TextFormatter()):
        line = formatter.format(record)
        assert token not in line and EMAIL not in line and "proevefejl" not in line.split("Traceback")[0], line
        assert "broken_page" in line and "ValueError: no registration for [address] with [token]" in line
    # Flask's own line ("Exception on /proevefejl/<the token> [GET]") is not written.
    assert not [r for r in caplog.records if r.name == app.logger.name]


def test_the_development_servers_request_lines_name_no_token(app, create_event, register_person, caplog):
    """werkzeug's server (`make run`'s `flask run`, the tests' threaded servers) logs the
    request line; its path goes through the same redaction as gunicorn's access log."""
    import threading

    from werkzeug.serving import make_server

    event = create_event()
    token = register_person(event.session_id, email="mette.hansen@example.dk").token
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            statuses = (
                requests.get(f"{base}/tilmelding/{token}", timeout=30).status_code,
                requests.get(f"{base}/arrangementer/{event.id}?invitation={token}", timeout=30).status_code,
                requests.get(f"{base}/tilmelding/{EMAIL}/x", timeout=30).status_code,
            )
            deadline = time.monotonic() + 5
            while len([r for r in caplog.records if r.name == "werkzeug"]) < 3 and time.monotonic() < deadline:
                time.sleep(0.05)  # the line is written after the response has gone out
    finally:
        server.shutdown()
        thread.join(10)
    assert statuses == (200, 200, 404)
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert len(lines) >= 3, lines
    assert any("GET /tilmelding/[token] HTTP/1.1" in line for line in lines), lines
    assert any(f"GET /arrangementer/{event.id}?[...] HTTP/1.1" in line for line in lines), lines
    for secret in (token, EMAIL, "invitation="):
        assert all(secret not in line for line in lines), (secret, lines)


def test_gunicorns_access_and_error_lines_name_no_token(app, database_url, create_event, register_person, capfd):
    """The shipped gunicorn configuration with text logs: the access log is on, paths redacted."""
    from gunicorn.config import Config

    from eventsite.gunicorn_conf import RedactingLogger

    event = create_event()
    token = register_person(event.session_id).token
    env = {"EVENTSITE_LOG_FORMAT": "text"}
    with live_server(
        database_url, workers=1, config="python:eventsite.gunicorn_conf", secret_key=app.secret_key, env=env
    ) as server:
        assert requests.get(f"{server.url}/tilmelding/{token}/kvittering", timeout=30).status_code == 200
        assert requests.get(f"{server.url}/arrangementer/{event.id}?invitation={token}", timeout=30).status_code == 200
        time.sleep(0.3)  # the line is written as the response goes out
        log = server.log()
    assert '"GET /tilmelding/[token]/kvittering HTTP/1.1" 200' in log, log
    assert f'"GET /arrangementer/{event.id}?[...] HTTP/1.1" 200' in log, log
    assert token not in log

    # gunicorn's error log names the path of a request that failed: redacted too.
    RedactingLogger(Config()).error("Error handling request %s", f"/tilmelding/{token}?email={EMAIL}")
    err = capfd.readouterr().err
    assert "Error handling request /tilmelding/[token]?[...]" in err, err
    assert token not in err and EMAIL not in err
