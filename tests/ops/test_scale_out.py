"""Scale-out on PostgreSQL with Redis: two web nodes and two mail workers, for real.

Two gunicorn masters on their own ports (2 sync workers each) share one PostgreSQL
database and one Redis for the rate limits; two `flask --app wsgi worker`
processes deliver to an aiosmtpd server on 127.0.0.1. Skipped without PostgreSQL
or Redis (a failure under EVENTSITE_TEST_REQUIRE_ALL=1).
"""

from __future__ import annotations

import http.client
import os
import signal
import time
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, insert, select

from eventsite.extensions import db
from eventsite.invitations.audience import AudienceSpec
from eventsite.invitations.models import Member
from eventsite.invitations.sending import send_round
from eventsite.mail.models import OutboxMessage, OutboxStatus
from eventsite.registration.models import Registration, RegistrationStatus
from tests.live_server import live_server
from tests.mail.smtp_sink import SMTPSink, WorkerProcess
from tests.registration.test_concurrent_signups import in_a_burst, signup_job
from tests.test_limits_live import redis_url  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("database_url", ["postgres"], indirect=True)]

SEATS = 8
PEOPLE = 20
ROUND = 160
LIMIT = 3


def node_env(redis: str, prefix: str) -> dict[str, str]:
    return {
        "EVENTSITE_RATELIMIT_ENABLED": "1",
        "EVENTSITE_RATELIMIT_STORAGE_URI": redis,
        "EVENTSITE_RATELIMIT_KEY_PREFIX": prefix,
        # Behind one trusted proxy: each client is told apart by X-Forwarded-For.
        "EVENTSITE_PROXY_HOPS": "1",
        "EVENTSITE_RATELIMIT_INVITATION_ANSWER": f"{LIMIT} per minute",
        "EVENTSITE_RATELIMIT_SIGNUP": "1000 per minute",
    }


def post(port: int, path: str, client_address: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", path, headers={"X-Forwarded-For": client_address, "Content-Length": "0"})
    status = connection.getresponse().status
    connection.close()
    return status


def queue_round(app, organisation_id: int, event_id: int) -> None:
    """ROUND members and an invitation round to all of them (due at once)."""
    with app.test_request_context(method="POST"):
        db.session.execute(
            insert(Member),
            [
                {"organisation_id": organisation_id, "email": f"medlem{n}@kommune{n}.dk", "name": f"Medlem {n}"}
                for n in range(ROUND)
            ],
        )
        rate = app.config["MAIL_RATE"]
        app.config["MAIL_RATE"] = 0  # every invitation due now, not spread out at the relay's rate
        try:
            assert send_round(event_id, AudienceSpec(), uuid.uuid4().hex).count == ROUND
        finally:
            app.config["MAIL_RATE"] = rate
        db.session.commit()


def claims_held(app) -> set[str]:
    """The claim tokens of rows being sent now."""
    with app.app_context():
        tokens = set(
            db.session.execute(
                select(OutboxMessage.claim_token).where(OutboxMessage.status == OutboxStatus.SENDING)
            ).scalars()
        )
        db.session.rollback()
    return tokens - {None}


def outbox(app) -> dict[str, OutboxStatus]:
    with app.app_context():
        rows = dict(db.session.execute(select(OutboxMessage.message_id, OutboxMessage.status)).all())
        db.session.rollback()
        return rows


def test_two_nodes_and_two_workers_share_seats_limits_and_mail_and_a_killed_worker_loses_nothing(
    app, database_url, redis_url, create_event
):
    event = create_event(sessions=[{"capacity": SEATS}])
    env = node_env(redis_url, f"scale-{uuid.uuid4().hex}")
    sink = SMTPSink().start()
    workers: list[WorkerProcess] = []
    try:
        with live_server(database_url, workers=2, env=env) as one, live_server(database_url, workers=2, env=env) as two:
            nodes = [one, two]
            # Concurrent sign-ups, every other one on each node: never more than SEATS confirmed.
            jobs = [
                signup_job(nodes[n % 2].url, event.id, event.session_id, f"leder{n}@kommune{n}.dk")
                for n in range(PEOPLE)
            ]
            responses = in_a_burst(jobs)
            assert [r.status_code for r in responses] == [303] * PEOPLE

            # The rate limit counts one client across both nodes (in Redis).
            statuses = [post(nodes[n % 2].port, "/invitation/ikke-et-token/afmeld", "198.51.100.7") for n in range(6)]
            assert statuses[:LIMIT] == [404] * LIMIT and statuses[LIMIT:] == [429] * 3
            # Another client has its own count.
            assert post(two.port, "/invitation/ikke-et-token/afmeld", "198.51.100.8") == 404
            assert "Traceback" not in one.log() + two.log()

        with app.app_context():
            places = Counter(
                db.session.execute(select(Registration.status).where(Registration.session_id == event.session_id))
                .scalars()
                .all()
            )
            db.session.rollback()
        assert places == {RegistrationStatus.CONFIRMED: SEATS, RegistrationStatus.WAITLISTED: PEOPLE - SEATS}

        # Two workers deliver the sign-ups' emails: each exactly once.
        worker_env = {"EVENTSITE_MAIL_BATCH_SIZE": "15", "EVENTSITE_MAIL_LEASE_SECONDS": "4"}
        workers = [WorkerProcess(database_url, sink.port, app.secret_key, **worker_env) for _ in range(2)]
        for worker in workers:
            worker.wait_until_started()
        sink.wait_for(PEOPLE, timeout=60)
        assert sorted(sink.message_ids().values()) == [1] * PEOPLE

        # The blast: the round is queued, and one worker is killed (SIGKILL) mid-way.
        with app.app_context():
            organisation_id = event.organisation_id
        queue_round(app, organisation_id, event.id)
        sink.wait_for(PEOPLE + ROUND // 4, timeout=60)
        # Kill the first worker while it certainly holds claims: with the second one
        # paused, a claim that appears is the first one's; then kill it and go on.
        os.kill(workers[1].pid, signal.SIGSTOP)
        try:
            held_before = claims_held(app)
            deadline = time.monotonic() + 30
            while not claims_held(app) - held_before and time.monotonic() < deadline:
                time.sleep(0.02)
            assert claims_held(app) - held_before, "the first worker never claimed a batch"
            os.kill(workers[0].pid, signal.SIGKILL)
            workers[0].wait(10)
        finally:
            os.kill(workers[1].pid, signal.SIGCONT)
        # The survivor sends the rest and, once their lease lapses, the rows the dead one held.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rows = outbox(app)
            if all(status is OutboxStatus.SENT for status in rows.values()):
                break
            time.sleep(0.2)
        rows = outbox(app)
        assert len(rows) == PEOPLE + ROUND
        assert Counter(rows.values()) == {OutboxStatus.SENT: PEOPLE + ROUND}
        arrived = sink.message_ids()
        # Nothing lost: every email arrived.
        assert set(arrived) == set(rows)
        # At least once, and a repeat only for the one message the server had accepted
        # when the worker died before it could mark it (see eventsite.mail.worker).
        assert sum(n - 1 for n in arrived.values()) <= 1
        assert "Traceback" not in workers[1].log(), workers[1].log()
        # The dead worker held claims (the batch it was sending, maybe the one it had
        # ready): they were claimed again after the lease, which the attempt counts show.
        with app.app_context():
            retaken = db.session.execute(select(func.count()).where(OutboxMessage.attempts > 1)).scalar_one()
            db.session.rollback()
        assert retaken >= 1
    finally:
        for worker in workers:
            worker.kill()
        sink.stop()
