"""The delivery worker's loop: claim due outbox rows, render them, send them, mark them.

The parts live beside it: `claims` (claim, mark, release), `render` (the renderer
registry), `transport` (SMTP) and `jobs` (periodic work such as reminders).

Delivery guarantee: at least once, duplicates confined to one message per crash
    Sending over SMTP and marking the row SENT cannot be one atomic step. We mark
    *after* the server accepted the message (250 to DATA), committing each row on
    its own, so:
    * a worker killed before a message was accepted leaves the row SENDING; when
      the lease ends another worker claims it again and sends it: nothing is lost;
    * rows claimed but not yet attempted are simply sent later, once;
    * only a worker killed in the instant between the server's 250 and our
      commit causes a repeat, of that single message; likewise a database that
      goes away in that instant (the mark fails and the batch ends; the batch
      prepared meanwhile waits until the database answers again, so no second
      message follows it). The repeat carries the same
      Message-ID (fixed when the row was queued), which mail systems use to
      recognise a duplicate, and the same iCal UID and SEQUENCE, so the calendar
      entry is updated in place, never doubled.
    The alternative, marking before sending (at most once), would lose an email
    whenever a worker dies mid-send; a lost confirmation or cancellation is worse
    than a repeated one, so we chose at least once.
    Every mark is conditional on still holding the claim (see `claims`), and a
    worker stops sending when its own lease is about to run out.

Failures
    A 5xx refusal of the recipient or the message is permanent: the row becomes
    FAILED and organisers see the address (eventsite.mail.outbox.undeliverable).
    Anything else (server down, 4xx, timeouts) is retried with exponential
    back-off from MAIL_RETRY_SECONDS, doubling up to an hour, until
    MAIL_MAX_ATTEMPTS.

Locks
    Rendering reads only, inside `eventsite.web.reading()`: on SQLite its
    transaction begins deferred and never holds the write lock, so web requests
    keep writing while a batch renders. Claims and marks are short units of work
    of their own (BEGIN IMMEDIATE on SQLite).
"""

from __future__ import annotations

import logging
import queue
import smtplib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import event, literal, select

from eventsite import metrics
from eventsite.clock import utcnow
from eventsite.extensions import db
from eventsite.mail import claims, transport
from eventsite.mail.jobs import Heartbeat, Schedule, registered_jobs
from eventsite.mail.message import Email
from eventsite.mail.models import OutboxMessage, OutboxStatus
from eventsite.mail.render import Skip, link_context, render_batch
from eventsite.web import reading

log = logging.getLogger("eventsite.mail")


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.skipped += other.skipped
        self.errors.extend(other.errors)

    def count_retry(self, outcome: OutboxStatus) -> None:
        if outcome is OutboxStatus.FAILED:
            self.failed += 1
        else:
            self.retried += 1


class Throttle:
    """At most `rate` sends per second (0: no limit)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self.next_at = 0.0

    def wait(self, stop: threading.Event | None = None) -> None:
        if not self.interval:
            return
        delay = self.next_at - time.monotonic()
        if delay > 0:
            if stop is not None:
                stop.wait(delay)
            else:
                time.sleep(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval


@dataclass
class PreparedBatch:
    """Claimed rows, each rendered to an email (or a Skip, or the error it raised)."""

    token: str
    lease_end: datetime
    #: (row id, attempts so far, outcome) in sending order.
    messages: list[tuple[int, int, Email | Skip | Exception]]
    #: Row id -> its mail kind (the metrics' label).
    kinds: dict[int, str] = field(default_factory=dict)


def prepare_batch(limit: int | None = None) -> PreparedBatch | None:
    """Claim due rows and render their emails from the newest data; None if none is due."""
    config = current_app.config
    now = utcnow()
    token, ids = claims.claim(limit or config["MAIL_BATCH_SIZE"], now)
    if not ids:
        return None
    with link_context(), reading():
        rows = list(
            db.session.execute(
                select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.due_at, OutboxMessage.id)
            ).scalars()
        )
        outcomes = render_batch(rows, utcnow())
        messages = [(row.id, row.attempts, outcome) for row, outcome in zip(rows, outcomes)]
        kinds = {row.id: row.kind.value for row in rows}
        # End the read transaction before any write, and let go of the loaded rows:
        # every commit would otherwise expire them all again.
        db.session.rollback()
        db.session.expunge_all()
        del rows, outcomes
    return PreparedBatch(token, now + timedelta(seconds=config["MAIL_LEASE_SECONDS"]), messages, kinds)


class _ConnectionLost(Exception):
    pass


def send_batch(
    batch: PreparedBatch, *, throttle: Throttle | None = None, stop: threading.Event | None = None
) -> DeliveryReport:
    """Send a prepared batch and commit each row's outcome as soon as it is known."""
    report = DeliveryReport()
    token = batch.token
    # Stop early enough to mark the last message well inside the lease.
    safety = timedelta(seconds=min(30, current_app.config["MAIL_LEASE_SECONDS"] / 5))
    try:
        with transport.connection() as connection:
            for index, (row_id, attempts, outcome) in enumerate(batch.messages):
                if stop is not None and stop.is_set():
                    break
                if utcnow() > batch.lease_end - safety:
                    log.warning("lease nearly over: giving back %d rows", len(batch.messages) - index)
                    break
                if isinstance(outcome, Skip):
                    claims.mark(row_id, token, status=OutboxStatus.SKIPPED, last_error=outcome.reason[:500])
                    report.skipped += 1
                    continue
                if isinstance(outcome, Exception):
                    retried = claims.retry_or_fail(row_id, token, attempts, transport.describe(outcome), utcnow())
                    report.count_retry(retried)
                    _count_failure(batch, row_id, retried)
                    continue
                if throttle is not None:
                    throttle.wait(stop)
                try:
                    connection.send(outcome, envelope_from=transport.envelope_sender())
                except Exception as error:
                    kind = transport.classify(error)
                    description = transport.describe(error)
                    report.errors.append(description)
                    if kind == "permanent":
                        log.warning("outbox row %s failed permanently: %s", row_id, transport.for_log(description))
                        claims.mark(
                            row_id, token, status=OutboxStatus.FAILED, failed_at=utcnow(), last_error=description[:500]
                        )
                        report.failed += 1
                        _count_failure(batch, row_id, OutboxStatus.FAILED)
                        continue
                    retried = claims.retry_or_fail(row_id, token, attempts, description, utcnow())
                    report.count_retry(retried)
                    _count_failure(batch, row_id, retried)
                    if kind == "connection":
                        raise _ConnectionLost(description) from error
                    continue
                if claims.mark(row_id, token, status=OutboxStatus.SENT, sent_at=utcnow(), last_error=""):
                    report.sent += 1
                    metrics.MAIL_DELIVERED.labels(batch.kinds.get(row_id, "unknown")).inc()
    except _ConnectionLost:
        pass
    except (smtplib.SMTPException, OSError) as error:
        # The server could not be reached at all: every row of the batch waits and retries.
        description = transport.describe(error)
        report.errors.append(description)
        log.warning("SMTP server unavailable: %s", transport.for_log(description))
        db.session.rollback()
        for row_id, attempts, _outcome in batch.messages:
            retried = claims.retry_or_fail(row_id, token, attempts, description, utcnow())
            report.count_retry(retried)
            _count_failure(batch, row_id, retried)
    finally:
        db.session.rollback()
        claims.release(token)  # rows we never reached go back, untouched
    return report


def _count_failure(batch: PreparedBatch, row_id: int, outcome: OutboxStatus) -> None:
    """A failed attempt in the metrics: permanent when the row is given up, else temporary."""
    failure = "permanent" if outcome is OutboxStatus.FAILED else "temporary"
    metrics.MAIL_FAILURES.labels(batch.kinds.get(row_id, "unknown"), failure).inc()


def deliver_batch(
    *, limit: int | None = None, throttle: Throttle | None = None, stop: threading.Event | None = None
) -> DeliveryReport:
    """Claim one batch of due rows and deliver it; every outcome is committed row by row."""
    batch = prepare_batch(limit)
    return send_batch(batch, throttle=throttle, stop=stop) if batch is not None else DeliveryReport()


class _Preparer(threading.Thread):
    """Claims and renders the next batch while the worker sends the current one.

    Sending is mostly waiting for the SMTP server; rendering and the database are
    mostly CPU. Overlapping them keeps one worker busy. At most two batches are
    claimed at a time: the one being sent and the one waiting here. `None` in the
    queue means: nothing was due (the preparer then waits MAIL_POLL_SECONDS).
    """

    def __init__(self, app: Flask, stop: threading.Event) -> None:
        super().__init__(name="mail-preparer", daemon=True)
        self.app = app
        self.stop = stop
        self.batches: queue.Queue[PreparedBatch | None] = queue.Queue(maxsize=1)

    def run(self) -> None:
        with self.app.app_context():
            while not self.stop.is_set():
                try:
                    batch = prepare_batch()
                except Exception:  # the database went away, say: log, wait, try again
                    log.exception("preparing a batch failed")
                    db.session.rollback()
                    batch = None
                if not self._hand_over(batch):
                    if batch is not None:
                        claims.release(batch.token)
                    return
                if batch is None:
                    self.stop.wait(self.app.config["MAIL_POLL_SECONDS"])

    def _hand_over(self, batch: PreparedBatch | None) -> bool:
        while not self.stop.is_set():
            try:
                self.batches.put(batch, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def next_batch(self) -> PreparedBatch | None:
        """The next prepared batch; None when nothing was due (or on stop)."""
        while not self.stop.is_set():
            try:
                return self.batches.get(timeout=0.2)
            except queue.Empty:
                continue
        return None

    def release_waiting(self) -> None:
        """Give back a batch prepared but never sent (called after stop)."""
        self.join(timeout=10)
        while True:
            try:
                batch = self.batches.get_nowait()
            except queue.Empty:
                return
            if batch is not None:
                claims.release(batch.token)


def deliver_all(*, max_batches: int | None = None) -> DeliveryReport:
    """Deliver everything due now, batch after batch (for tests and `worker --once`)."""
    total = DeliveryReport()
    throttle = Throttle(current_app.config["MAIL_RATE"])
    batches = 0
    while max_batches is None or batches < max_batches:
        report = deliver_batch(throttle=throttle)
        batches += 1
        total.add(report)
        if report.handled == 0 or (report.retried and not report.sent):
            break  # nothing due, or the server is down and the rows wait for their back-off
    return total


def _commit_without_waiting_for_disk() -> None:
    """PostgreSQL: this process's commits return before the WAL reaches the disk.

    The worker commits once per message. A killed worker cannot lose a commit (the
    server has it); only a crash of the database server itself could lose the last
    few, and then those rows are sent again with the same Message-ID: the
    at-least-once direction we chose anyway. (SQLite in WAL mode with
    synchronous=NORMAL already behaves like this.)
    """
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _asynchronous_commit(dbapi_connection, connection_record) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
        dbapi_connection.commit()

    engine.dispose()  # connections opened before this point are replaced


def _database_answers() -> bool:
    try:
        with db.engine.connect() as connection:
            connection.execute(select(literal(1)))
    except Exception:
        return False
    return True


def _give_back(batch: PreparedBatch) -> None:
    """Give back a batch's claims if the database takes it; else its rows wait for their lease."""
    try:
        claims.release(batch.token)
    except Exception:
        log.warning("a prepared batch could not be given back: its rows wait for their lease to end")
        db.session.rollback()


def run_worker(stop: threading.Event, *, once: bool = False) -> DeliveryReport:
    """Deliver until `stop` is set (or, with once, until nothing is due)."""
    config = current_app.config
    total = DeliveryReport()
    throttle = Throttle(config["MAIL_RATE"])
    _commit_without_waiting_for_disk()
    log.info("mail worker started (backend %s, %s msg/s)", config["MAIL_BACKEND"], config["MAIL_RATE"] or "unlimited")
    # The scheduled jobs first, so that `worker --once` also sends the reminders due now.
    schedule = Schedule(registered_jobs())
    heartbeat = Heartbeat()
    _look_after_jobs(heartbeat, schedule)
    preparer = _Preparer(current_app._get_current_object(), stop)
    preparer.start()
    suspect = False
    try:
        while not stop.is_set():
            _look_after_jobs(heartbeat, schedule)
            batch = preparer.next_batch()
            if batch is None:
                if once:
                    break
                continue  # the preparer waits before it looks again
            if suspect:
                # The last batch failed (the database went away, say). A batch prepared
                # meanwhile is sent only once the database answers again: sent now, its
                # first message's mark could fail too, and the message would go twice.
                if not _database_answers():
                    _give_back(batch)
                    stop.wait(config["MAIL_POLL_SECONDS"])
                    continue
                suspect = False
            try:
                report = send_batch(batch, throttle=throttle, stop=stop)
            except Exception:  # the database went away, say: log, wait, try again
                log.exception("delivery batch failed")
                db.session.rollback()
                suspect = True
                report = DeliveryReport(errors=["batch failed"])
            total.add(report)
            log.info(
                "sent %d, retried %d, failed %d, skipped %d", report.sent, report.retried, report.failed, report.skipped
            )
            if report.retried and not report.sent:
                stop.wait(config["MAIL_POLL_SECONDS"])  # the server is down: the rows wait for their back-off
    finally:
        stop.set()
        preparer.release_waiting()
        try:
            heartbeat.stop()
        except Exception:
            log.exception("could not remove the heartbeat row")
            db.session.rollback()
    return total


def _look_after_jobs(heartbeat: Heartbeat, schedule: Schedule) -> None:
    """Say that this worker is alive (for /readyz) and run the jobs that are due."""
    try:
        heartbeat.beat()
        schedule.run_due()
    except Exception:  # the database went away, say: log, carry on delivering
        log.exception("scheduled jobs could not be looked at")
        db.session.rollback()
