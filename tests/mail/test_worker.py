"""The delivery worker as a real process: SMTP outages, a SIGKILL mid-batch, two at once."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.mail.models import OutboxMessage, OutboxStatus
from tests.mail.smtp_sink import SMTPSink, WorkerProcess

pytestmark = pytest.mark.slow


def queue_confirmations(app, create_event, count: int, capacity: int | None = None) -> set[str]:
    """Sign `count` people up (one commit) and return their emails' Message-IDs."""
    from eventsite.registration.notifications import notify_signup
    from eventsite.registration.operations import PersonDetails, register

    event = create_event(sessions=[{"capacity": capacity}])
    with app.test_request_context(method="POST"):
        for number in range(count):
            registration = register(
                event.session_id,
                PersonDetails(name=f"Deltager {number}", email=f"d{number}-{uuid.uuid4().hex[:6]}@example.dk"),
            )
            notify_signup(registration)
        db.session.commit()
    return message_ids(app)


def message_ids(app) -> set[str]:
    with app.app_context():
        return set(db.session.execute(select(OutboxMessage.message_id)).scalars())


def statuses(app) -> Counter:
    with app.app_context():
        return Counter(
            dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
        )


def wait_until(condition, timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def worker(app, database_url: str, sink: SMTPSink, **env) -> WorkerProcess:
    return WorkerProcess(database_url, sink.port, app.config["SECRET_KEY"], **env)


def test_while_the_smtp_server_is_down_mail_waits_and_is_then_delivered_exactly_once(app, database_url, create_event):
    expected = queue_confirmations(app, create_event, 15)
    sink = SMTPSink()  # port chosen, nothing listening yet: the server is down
    process = worker(app, database_url, sink, EVENTSITE_MAIL_RETRY_SECONDS="1")
    try:
        process.wait_until_started()
        wait_until(lambda: _all_attempted(app), what="a first failed attempt")
        assert statuses(app)[OutboxStatus.QUEUED] == 15
        with app.app_context():
            errors = set(db.session.execute(select(OutboxMessage.last_error)).scalars())
        assert any("Connection refused" in error or "ConnectionRefused" in error for error in errors), errors

        sink.start()  # the server is back
        sink.wait_for(15, timeout=60)
        wait_until(lambda: statuses(app)[OutboxStatus.SENT] == 15, what="all rows marked sent")
        time.sleep(1.5)  # long enough for a duplicate to show up, if there were one
    finally:
        process.terminate()
        sink.stop()

    assert sink.message_ids() == Counter({message_id: 1 for message_id in expected})
    with app.app_context():
        attempts = list(db.session.execute(select(OutboxMessage.attempts)).scalars())
    assert min(attempts) >= 2


def _all_attempted(app) -> bool:
    """Every row has failed once and is waiting (none held by the worker right now)."""
    with app.app_context():
        untried = db.session.execute(select(func.count()).where(OutboxMessage.attempts == 0)).scalar_one()
        held = db.session.execute(select(func.count()).where(OutboxMessage.status == OutboxStatus.SENDING)).scalar_one()
        return untried == 0 and held == 0


def test_a_worker_killed_before_the_server_accepted_a_message_loses_nothing_and_doubles_nothing(
    app, database_url, create_event
):
    expected = queue_confirmations(app, create_event, 30)
    sink = SMTPSink().start()
    first = worker(app, database_url, sink, EVENTSITE_MAIL_BATCH_SIZE="10", EVENTSITE_MAIL_LEASE_SECONDS="3")
    # SIGKILL while the 13th message is being handed over (at RCPT TO): mid-batch,
    # with rows claimed and not yet sent, one of them in flight.
    sink.handler.on_rcpt = lambda number: os.kill(first.pid, signal.SIGKILL) if number == 13 else None
    try:
        wait_until(lambda: first.process.poll() is not None, what="the first worker to be killed")
        assert first.process.returncode == -signal.SIGKILL
        assert len(sink.received) == 12
        assert statuses(app)[OutboxStatus.SENDING] > 0  # its claim is left behind

        sink.handler.on_rcpt = None
        second = worker(app, database_url, sink, EVENTSITE_MAIL_BATCH_SIZE="10", EVENTSITE_MAIL_LEASE_SECONDS="3")
        try:
            sink.wait_for(30, timeout=60)
            wait_until(lambda: statuses(app)[OutboxStatus.SENT] == 30, what="all rows marked sent")
            time.sleep(1.0)
        finally:
            second.terminate()
    finally:
        first.kill()
        sink.stop()

    assert sink.message_ids() == Counter({message_id: 1 for message_id in expected})


def test_a_worker_killed_after_the_server_accepted_a_message_repeats_only_that_one_with_its_message_id(
    app, database_url, create_event
):
    """The window no outbox can close: the server took the message, the worker died before marking it.

    We deliver at least once: nothing is lost, and the single repeat carries the same
    Message-ID (and iCal UID and SEQUENCE), so mail systems and calendars see one email.
    """
    expected = queue_confirmations(app, create_event, 30)
    sink = SMTPSink().start()
    first = worker(app, database_url, sink, EVENTSITE_MAIL_BATCH_SIZE="10", EVENTSITE_MAIL_LEASE_SECONDS="3")
    sink.handler.on_data = lambda number: os.kill(first.pid, signal.SIGKILL) if number == 13 else None
    try:
        wait_until(lambda: first.process.poll() is not None, what="the first worker to be killed")
        sink.handler.on_data = None
        second = worker(app, database_url, sink, EVENTSITE_MAIL_BATCH_SIZE="10", EVENTSITE_MAIL_LEASE_SECONDS="3")
        try:
            wait_until(lambda: statuses(app)[OutboxStatus.SENT] == 30, what="all rows marked sent")
            time.sleep(1.0)
        finally:
            second.terminate()
    finally:
        first.kill()
        sink.stop()

    arrivals = sink.message_ids()
    assert set(arrivals) == expected  # nothing lost
    repeated = [message_id for message_id, count in arrivals.items() if count > 1]
    in_flight = sink.received[12].message_id  # the 13th message, accepted as the worker died
    assert repeated == [in_flight]
    assert arrivals[in_flight] == 2
    copies = [item.data for item in sink.received if item.message_id == in_flight]
    assert _calendar(copies[0]) == _calendar(copies[1])  # same UID, same SEQUENCE


def _calendar(data: bytes) -> bytes:
    import email
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.default)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    # DTSTAMP says when the copy was made; everything else must be identical.
    return b"\n".join(line for line in part.get_content().encode().splitlines() if not line.startswith(b"DTSTAMP"))


def test_two_workers_at_once_never_send_the_same_email_twice(app, database_url, create_event):
    sink = SMTPSink().start()
    # Throttled so that the queue lasts long enough for both to take part.
    settings = dict(EVENTSITE_MAIL_BATCH_SIZE="5", EVENTSITE_MAIL_RATE="60")
    workers = [worker(app, database_url, sink, **settings) for _ in range(2)]
    try:
        for process in workers:
            process.wait_until_started()
        expected = queue_confirmations(app, create_event, 120)
        sink.wait_for(120, timeout=90)
        wait_until(lambda: statuses(app)[OutboxStatus.SENT] == 120, what="all rows marked sent")
        time.sleep(1.0)
    finally:
        for process in workers:
            process.terminate()
        sink.stop()

    assert sink.message_ids() == Counter({message_id: 1 for message_id in expected})
    reports = [process.log() for process in workers]
    sent_by = [_sent_count(log) for log in reports]
    assert sum(sent_by) == 120, reports
    assert all(count > 0 for count in sent_by), sent_by  # both really worked


def _sent_count(log: str) -> int:
    line = next(line for line in log.splitlines() if line.startswith("worker stopped: sent "))
    return int(line.split("sent ", 1)[1].split(",", 1)[0])


def test_a_lapsed_claim_is_taken_over_and_the_old_claim_can_no_longer_mark_the_row(app, smtp, create_event, deliver):
    from eventsite.mail import claims

    queue_confirmations(app, create_event, 3)
    with app.app_context():
        token, ids = claims.claim(10, utcnow())  # a worker that then hangs or dies
        assert len(ids) == 3
        assert claims.claim(10, utcnow())[1] == []  # claimed rows are not handed out twice
        db.session.execute(update(OutboxMessage).values(lease_expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()

    assert deliver().sent == 3
    with app.app_context():
        assert claims.mark(ids[0], token, status=OutboxStatus.FAILED) is False
        assert {row.status for row in db.session.execute(select(OutboxMessage)).scalars()} == {OutboxStatus.SENT}
    assert len(smtp.received) == 3
