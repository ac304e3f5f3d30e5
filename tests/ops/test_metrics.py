"""/metrics: a token guards it; real sign-ups and a real delivery run show up in it.

The live test runs gunicorn (two workers, eventsite.gunicorn_conf) and a mail worker
as separate processes sharing one PROMETHEUS_MULTIPROC_DIR, signs people up over
HTTP, has the worker deliver over real SMTP, and scrapes over HTTP.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from eventsite.gunicorn_conf import prepare_metrics_directory
from tests.helpers import csrf_token, hold_link, sign_up
from tests.live_server import ROOT, live_server
from tests.mail.smtp_sink import SMTPSink, WorkerProcess

TOKEN = "scrape-token-for-tests-0123456789"


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """{(sample name, frozenset of label pairs): value} of an exposition."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(parsed: dict, name: str, **labels: str) -> float:
    return parsed.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def with_token(app):
    app.config["METRICS_TOKEN"] = TOKEN
    yield app
    app.config["METRICS_TOKEN"] = None


def test_without_a_configured_token_there_is_no_metrics_page(app, client):
    app.config["METRICS_TOKEN"] = None
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


def test_a_missing_or_wrong_token_is_refused(with_token, client):
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
    ):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert b"eventsite_" not in response.data


def test_committed_signups_count_and_refused_ones_do_not(with_token, client, create_event):
    event = create_event(sessions=[{"capacity": 1}])

    def signups(outcome: str) -> float:
        return REGISTRY.get_sample_value("eventsite_signups_total", {"outcome": outcome}) or 0.0

    before = {outcome: signups(outcome) for outcome in ("held", "confirmed", "waitlisted")}
    session = str(event.session_id)
    assert sign_up(client, event.id, confirm=False, session_id=session, email="a@example.dk").status_code == 303
    assert sign_up(client, event.id, confirm=False, session_id=session, email="b@example.dk").status_code == 303
    # A form error: the view refuses, nothing is committed, nothing counted.
    assert sign_up(client, event.id, confirm=False, session_id=session, email="not an address").status_code == 422
    assert signups("held") - before["held"] == 2
    assert signups("confirmed") == before["confirmed"] and signups("waitlisted") == before["waitlisted"]

    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    parsed = samples(response.get_data(as_text=True))
    assert value(parsed, "eventsite_signups_total", outcome="held") == signups("held")
    # Two held places wait for their "Bekræft din plads" emails: the backlog, read at scrape time.
    assert value(parsed, "eventsite_outbox_backlog", status="queued") == 2
    assert value(parsed, "eventsite_database_up") == 1
    assert value(parsed, "eventsite_request_duration_seconds_count", endpoint="registration.signup", method="POST") >= 3


def test_the_directory_cleanup_keeps_running_processes_and_drops_ended_ones(tmp_path):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(ended.stdout)
    (tmp_path / f"counter_{dead_pid}.db").write_bytes(b"x")
    (tmp_path / f"histogram_{os.getpid()}.db").write_bytes(b"x")
    prepare_metrics_directory(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"histogram_{os.getpid()}.db"]
    prepare_metrics_directory(str(tmp_path / "new"))
    assert (tmp_path / "new").is_dir()


def test_a_scrape_over_http_adds_up_every_web_worker_and_the_mail_worker(app, database_url, create_event, tmp_path):
    event = create_event(sessions=[{"capacity": 2}])
    directory = str(tmp_path / "metrics")
    env = {"PROMETHEUS_MULTIPROC_DIR": directory, "EVENTSITE_METRICS_TOKEN": TOKEN}
    people = [(f"Leder Nummer{n}", f"leder{n}@kommune{n}.dk") for n in range(4)]
    sink = SMTPSink().start()
    try:
        with live_server(
            database_url,
            workers=2,
            config="python:eventsite.gunicorn_conf",
            env=env,
            secret_key=app.config["SECRET_KEY"],
        ) as server:
            for name, email in people:
                visitor = requests.Session()
                page = visitor.get(f"{server.url}/arrangementer/{event.id}", timeout=30)
                response = visitor.post(
                    f"{server.url}/arrangementer/{event.id}/tilmeld",
                    data={
                        "csrf_token": csrf_token(page.text),
                        "session_id": str(event.session_id),
                        "name": name,
                        "email": email,
                    },
                    allow_redirects=False,
                    timeout=30,
                )
                assert response.status_code == 303, response.text[:300]
            # A personal link, token in the path: its label must be the endpoint's name.
            link = hold_link(app, people[0][1])
            assert requests.get(server.url + link, timeout=30).status_code == 200

            worker = WorkerProcess(database_url, sink.port, server.secret_key, PROMETHEUS_MULTIPROC_DIR=directory)
            try:
                worker.wait_until_started()
                sink.wait_for(len(people))
            finally:
                worker.terminate()
            assert "Traceback" not in worker.log(), worker.log()

            assert requests.get(server.url + "/metrics", timeout=30).status_code == 401
            response = requests.get(server.url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
            assert response.status_code == 200, response.text[:300]
            text = response.text
            assert "Traceback" not in server.log(), server.log()
    finally:
        sink.stop()

    parsed = samples(text)
    assert value(parsed, "eventsite_signups_total", outcome="held") == len(people)
    # The worker's own counts, read by the web process from the shared directory.
    assert value(parsed, "eventsite_mail_delivered_total", kind="confirm_hold") == len(people)
    assert value(parsed, "eventsite_mail_failures_total", kind="confirm_hold", failure="temporary") == 0
    assert any(name == "eventsite_job_runs_total" and value > 0 for (name, _labels), value in parsed.items())
    assert value(parsed, "eventsite_outbox_backlog", status="queued") == 0
    assert value(parsed, "eventsite_outbox_oldest_unsent_seconds") == 0
    # Both web workers' requests, added up: 4 GETs and 4 POSTs, whichever worker served them.
    assert value(parsed, "eventsite_request_duration_seconds_count", endpoint="events.event_page", method="GET") == 4
    assert value(parsed, "eventsite_request_duration_seconds_count", endpoint="registration.signup", method="POST") == 4
    assert (
        value(parsed, "eventsite_request_duration_seconds_count", endpoint="registration.confirm_hold", method="GET")
        == 1
    )
    assert value(parsed, "eventsite_responses_total", endpoint="registration.signup", status="3xx") == 4

    # No personal data: no names, addresses or tokens, only endpoint names.
    for name, email in people:
        assert name not in text and email not in text and email.split("@")[1] not in text
    assert link.rsplit("/", 1)[1] not in text
    assert "/arrangementer" not in text and "/tilmelding" not in text
    assert ROOT not in text
