"""Faults, with real processes: Redis unreachable, a slow SMTP server, PostgreSQL restarting.

* Redis unreachable: the site keeps serving; the rate limits fail open to counting
  in each web process's memory (eventsite.limits), so a client is still limited.
* SMTP at one second per message: the backlog grows, /readyz and /metrics say so,
  and every email arrives, once.
* PostgreSQL stopped and started under a stream of sign-ups (a throwaway cluster of
  our own, `pg_ctl` as the postgres user): every request answers 303 or a Danish 503,
  never a 500; no sign-up is half-written; the site and the mail worker carry on.
"""

from __future__ import annotations

import http.client
import shutil
import threading
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from eventsite import clock
from eventsite.clock import utcnow
from eventsite.events.models import Event, EventKind, EventSession, Organisation, Venue
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.registration.models import Person, Registration
from tests.conftest import _make_app, skip_or_fail
from tests.helpers import csrf_token
from tests.live_server import free_port, live_server
from tests.mail.smtp_sink import SMTPSink, WorkerProcess

pytestmark = pytest.mark.slow

UNAVAILABLE = "Siden er midlertidigt utilgængelig"


def post(port: int, path: str, client_address: str = "198.51.100.7") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", path, headers={"X-Forwarded-For": client_address, "Content-Length": "0"})
    status = connection.getresponse().status
    connection.close()
    return status


def sign_up_over_http(base_url: str, event_id: int, session_id: int, email: str) -> tuple[int, str]:
    """Open the event page and post the sign-up form: (status, body) of the last answer."""
    visitor = requests.Session()
    page = visitor.get(f"{base_url}/arrangementer/{event_id}", timeout=30)
    if page.status_code != 200:
        return page.status_code, page.text
    response = visitor.post(
        f"{base_url}/arrangementer/{event_id}/tilmeld",
        data={"csrf_token": csrf_token(page.text), "session_id": str(session_id), "name": "Leder", "email": email},
        allow_redirects=False,
        timeout=30,
    )
    return response.status_code, response.text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_with_redis_unreachable_the_site_serves_and_each_process_still_limits(app, database_url, create_event):
    event = create_event()
    nobody_listens = f"redis://127.0.0.1:{free_port()}/0"
    env = {
        "EVENTSITE_RATELIMIT_ENABLED": "1",
        "EVENTSITE_RATELIMIT_STORAGE_URI": nobody_listens,
        "EVENTSITE_RATELIMIT_INVITATION_ANSWER": "3 per minute",
        "EVENTSITE_PROXY_HOPS": "1",
    }
    with live_server(database_url, workers=1, env=env) as server:
        began = time.monotonic()
        assert requests.get(f"{server.url}/arrangementer/{event.id}", timeout=30).status_code == 200
        status, _body = sign_up_over_http(server.url, event.id, event.session_id, "mette@example.dk")
        assert status == 303
        # Fails open, not unguarded: the one process counts in its memory.
        answers = [post(server.port, "/invitation/ikke-et-token/afmeld") for _ in range(5)]
        assert answers == [404, 404, 404, 429, 429]
        assert post(server.port, "/invitation/ikke-et-token/afmeld", "198.51.100.8") == 404
        assert time.monotonic() - began < 15  # no request waited long for Redis
        log = server.log()
    assert "Traceback" not in log


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_slow_smtp_server_grows_the_backlog_readyz_says_so_and_nothing_is_lost(
    app, client, database_url, create_event, register_person, monkeypatch
):
    monkeypatch.setitem(app.config, "READY_MAX_MAIL_AGE_MINUTES", 1)
    monkeypatch.setitem(app.config, "READY_MAX_HEARTBEAT_MINUTES", 60)
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "t" * 32)
    event = create_event()
    people = 5
    for n in range(people):
        register_person(event.session_id, f"leder{n}@kommune{n}.dk", notify=True)
    sink = SMTPSink().start()
    sink.handler.on_data = lambda number: time.sleep(1.0)  # one second per message
    worker = WorkerProcess(database_url, sink.port, app.config["SECRET_KEY"], EVENTSITE_MAIL_BATCH_SIZE="2")
    try:
        worker.wait_until_started()
        sink.wait_for(1, timeout=20)
        # Two minutes on, most emails still wait: /readyz fails on the mail check alone.
        with clock.travelled(utcnow() + timedelta(minutes=2)):
            response = client.get("/readyz")
            scrape = client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 32}).get_data(as_text=True)
        body = response.get_json()
        assert (response.status_code, body["failed"]) == (503, ["mail"])
        assert body["checks"]["mail"]["oldest_unsent_seconds"] >= 120
        assert body["checks"]["mail"]["limit_seconds"] == 60
        backlog = [
            float(line.rsplit(" ", 1)[1])
            for line in scrape.splitlines()
            if line.startswith("eventsite_outbox_backlog{")
        ]
        assert sum(backlog) >= 2

        sink.wait_for(people, timeout=30)
        assert sorted(sink.message_ids().values()) == [1] * people  # every email, once
        deadline = time.monotonic() + 10
        while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert client.get("/readyz").status_code == 200
    finally:
        worker.terminate()
        sink.stop()
    assert "Traceback" not in worker.log(), worker.log()


@pytest.fixture
def own_postgres():
    """A throwaway PostgreSQL cluster on its own port (ours to stop and start), migrated."""
    # Imported here: the benchmark harness owns the cluster helper; only this test uses it.
    from bench.harness import ThrowawayCluster, migrate

    if shutil.which("runuser") is None and shutil.which("pg_ctl") is None:
        skip_or_fail("the restart test needs the PostgreSQL server binaries")
    try:
        cluster = ThrowawayCluster()
        server_url = cluster.start()
    except Exception as error:  # noqa: BLE001 - no binaries, or not allowed here
        skip_or_fail(f"could not start a PostgreSQL cluster: {error}")
    try:
        admin = create_engine(
            server_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE eventsite"))
        admin.dispose()
        url = server_url.rsplit("/", 1)[0] + "/eventsite"
        migrate(url)
        yield cluster, url
    finally:
        cluster.stop()


def test_a_database_restart_answers_503_in_danish_writes_nothing_by_halves_and_the_worker_resumes(own_postgres):
    cluster, url = own_postgres
    app = _make_app(url)
    with app.app_context():
        organisation = Organisation(slug="lederne", name="Lederne")
        venue = Venue(
            organisation=organisation,
            name="Mødecenter",
            address="Torvet 1",
            postcode="4700",
            city="Næstved",
            municipality_code="0370",
        )
        start = utcnow() + timedelta(days=30)
        event = Event(organisation=organisation, title="Temadag", kind=EventKind.TEMADAG, published=True)
        session = EventSession(
            event=event, venue=venue, starts_at=start, ends_at=start + timedelta(hours=6), capacity=500
        )
        db.session.add_all([organisation, venue, event, session])
        db.session.commit()
        event_id, session_id = event.id, session.id
        db.session.remove()
        db.engine.dispose()

    sink = SMTPSink().start()
    worker = WorkerProcess(url, sink.port, app.config["SECRET_KEY"], EVENTSITE_MAIL_LEASE_SECONDS="5")
    answers: list[tuple[int, str]] = []
    stop = threading.Event()
    try:
        with live_server(url, workers=2, secret_key=app.config["SECRET_KEY"]) as server:
            worker.wait_until_started()

            def sign_ups(thread: int) -> None:
                n = 0
                while not stop.is_set():
                    email = f"leder{thread}-{n}@kommune.dk"
                    try:
                        answers.append(sign_up_over_http(server.url, event_id, session_id, email))
                    except requests.RequestException as error:
                        answers.append((0, repr(error)))
                    n += 1

            threads = [threading.Thread(target=sign_ups, args=(n,)) for n in range(3)]
            for thread in threads:
                thread.start()
            time.sleep(1.5)
            cluster.stop_server()
            time.sleep(1.5)
            cluster.start_server()
            time.sleep(2.0)
            stop.set()
            for thread in threads:
                thread.join(60)
            # After the restart the site works as before.
            status, _body = sign_up_over_http(server.url, event_id, session_id, "efter@kommune.dk")
            assert status == 303
            # Only the database's own refusals during the restart may be logged (they are the
            # 503s); anything else that broke is a bug.
            for chunk in server.log().split("Traceback")[1:]:
                assert any(
                    refusal in chunk for refusal in ("OperationalError", "InvalidatePoolError", "AdminShutdown")
                ), chunk[:3000]

        statuses = [status for status, _body in answers]
        # Every answer is a sign-up (303) or a clean refusal (503); never a 500.
        assert set(statuses) <= {303, 503}, statuses
        assert statuses.count(503) >= 1 and statuses.count(303) >= 2
        refusal = next(body for status, body in answers if status == 503)
        assert UNAVAILABLE in refusal and '<html lang="da">' in refusal

        # Nothing by halves: one registration per 303, each with its person and its email.
        with app.app_context():
            registrations = db.session.execute(select(func.count(Registration.id))).scalar_one()
            people = db.session.execute(select(func.count(Person.id))).scalar_one()
            emails = db.session.execute(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == MailKind.CONFIRM_HOLD)
            ).scalar_one()
            db.session.remove()
            db.engine.dispose()
        assert registrations == statuses.count(303) + 1 == people == emails
        # The worker lived through it and delivered every one: at least once, a repeat
        # only for a message accepted just as the database went (it could not be marked).
        sink.wait_for(registrations, timeout=30)
        with app.app_context():
            queued = set(db.session.execute(select(OutboxMessage.message_id)).scalars())
            db.session.remove()
            db.engine.dispose()
        deadline = time.monotonic() + 30
        while set(sink.message_ids()) != queued and time.monotonic() < deadline:
            time.sleep(0.2)
        arrived = sink.message_ids()
        assert set(arrived) == queued
        assert sum(n - 1 for n in arrived.values()) <= 1
    finally:
        stop.set()
        worker.terminate()
        sink.stop()
    assert worker.process.returncode == 0, worker.log()
