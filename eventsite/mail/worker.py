"""The delivery worker: claim due outbox rows, send them, mark them.

Claiming
    A worker claims a batch in one short transaction: on PostgreSQL with
    `SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint rows
    without waiting; on SQLite the transaction starts with BEGIN IMMEDIATE (see
    eventsite.db), which makes the claim a single writer's. Claimed rows become
    SENDING with a random claim token and a lease; the attempt count goes up.

Delivery guarantee: at least once, duplicates confined to one message per crash
    Sending over SMTP and marking the row SENT cannot be one atomic step. We mark
    *after* the server accepted the message (250 to DATA), committing each row on
    its own, so:
    * a worker killed before a message was accepted leaves the row SENDING; when
      the lease ends another worker claims it again and sends it: nothing is lost;
    * rows claimed but not yet attempted are simply sent later, once;
    * only a worker killed in the instant between the server's 250 and our
      commit causes a repeat, of that single message. The repeat carries the same
      Message-ID (fixed when the row was queued), which mail systems use to
      recognise a duplicate, and the same iCal UID and SEQUENCE, so the calendar
      entry is updated in place, never doubled.
    The alternative, marking before sending (at most once), would lose an email
    whenever a worker dies mid-send; a lost confirmation or cancellation is worse
    than a repeated one, so we chose at least once.
    The claim token makes every mark conditional on still holding the claim: a
    worker that stalls past its lease (and whose rows were re-claimed) cannot
    overwrite the newer claim's outcome, and a worker stops sending when its own
    lease is about to run out.

Failures
    A 5xx refusal of the recipient or the message is permanent: the row becomes
    FAILED and organisers see the address (eventsite.mail.outbox.undeliverable).
    Anything else (server down, 4xx, timeouts) is retried with exponential
    back-off from MAIL_RETRY_SECONDS, doubling up to an hour, until
    MAIL_MAX_ATTEMPTS.
"""
from __future__ import annotations

import logging
import queue
import secrets
import smtplib
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from flask_mail import BadHeaderError, Connection, Mail
from sqlalchemy import and_, bindparam, event, or_, select, update
from sqlalchemy.orm import selectinload

from eventsite.db import utcnow
from eventsite.events.models import Event, EventSession
from eventsite.extensions import db
from eventsite.mail.models import OutboxMessage, OutboxStatus
from eventsite.mail.render import Skip, email_context_for, envelope_sender, render
from eventsite.registration.models import Registration

log = logging.getLogger("eventsite.mail")

#: Longest wait between retries.
MAX_BACKOFF = timedelta(hours=1)
#: Seconds to wait for the SMTP server before treating it as down.
SMTP_TIMEOUT = 30
#: How often the worker queues due reminders.
REMINDER_INTERVAL = 600


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


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """Wait before the next try after `attempts` failed tries: base, 2×base, 4×base, …, ≤ 1 h."""
    seconds = base_seconds * (2 ** max(0, attempts - 1))
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


# --- claiming and marking ------------------------------------------------------------

def claim(limit: int, now: datetime) -> tuple[str, list[int]]:
    """Claim up to `limit` due rows (queued and due, or sending with a lapsed lease); commits."""
    token = secrets.token_hex(16)
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    due = or_(
        and_(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.due_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_expires_at <= now),
    )
    ids = list(
        db.session.execute(
            select(OutboxMessage.id)
            .where(due)
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(
                status=OutboxStatus.SENDING,
                claim_token=token,
                lease_expires_at=now + lease,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return token, ids


_OUTBOX = OutboxMessage.__table__
#: Built once: the SET columns come with each execution's parameters.
_MARK = _OUTBOX.update().where(
    _OUTBOX.c.id == bindparam("mark_id"),
    _OUTBOX.c.claim_token == bindparam("mark_token"),
    _OUTBOX.c.status == OutboxStatus.SENDING,
)


def _mark(row_id: int, token: str, **values) -> bool:
    """Update a row we hold the claim on, and commit; False if the claim was lost."""
    result = db.session.execute(
        _MARK, {"mark_id": row_id, "mark_token": token, "claim_token": None, "lease_expires_at": None, **values}
    )
    db.session.commit()
    if result.rowcount != 1:
        log.warning("outbox row %s: claim lost before it could be marked %s", row_id, values.get("status"))
        return False
    return True


def _retry_or_fail(row_id: int, token: str, attempts: int, error: str, now: datetime, report: DeliveryReport) -> None:
    config = current_app.config
    if attempts >= config["MAIL_MAX_ATTEMPTS"]:
        _mark(row_id, token, status=OutboxStatus.FAILED, failed_at=now, last_error=f"gave up: {error}"[:500])
        report.failed += 1
        return
    due = now + backoff(attempts, config["MAIL_RETRY_SECONDS"])
    _mark(row_id, token, status=OutboxStatus.QUEUED, due_at=due, last_error=error[:500])
    report.retried += 1


def release(token: str) -> int:
    """Give back rows still held under a claim (a worker stopping early); commits."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.claim_token == token, OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.QUEUED, claim_token=None, lease_expires_at=None,
                attempts=OutboxMessage.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


# --- sending ----------------------------------------------------------------------------

class _SMTPConnection(Connection):
    """Flask-Mail's connection with a timeout, so a hung server cannot outlive the lease."""

    def configure_host(self):
        mail = self.mail
        if mail.use_ssl:
            host = smtplib.SMTP_SSL(mail.server, mail.port, timeout=SMTP_TIMEOUT)
        else:
            host = smtplib.SMTP(mail.server, mail.port, timeout=SMTP_TIMEOUT)
        if mail.use_tls:
            host.starttls()
        if mail.username and mail.password:
            host.login(mail.username, mail.password)
        return host

    def __exit__(self, exc_type, exc_value, tb):
        try:
            super().__exit__(exc_type, exc_value, tb)
        except (smtplib.SMTPException, OSError):
            pass  # the messages are marked already; a failed QUIT changes nothing


class _LogConnection:
    """EVENTSITE_MAIL_BACKEND=log: print each email instead of sending it (development)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def send(self, message, envelope_from=None) -> None:
        calendar = message.alts.get("calendar")
        lines = [
            "=" * 72,
            "Email (EVENTSITE_MAIL_BACKEND=log: printed, not sent)",
            f"From: {message.sender}",
            "To: " + ", ".join(f"{name} <{address}>" for name, address in message.recipients),
            f"Subject: {message.subject}",
            f"Message-ID: {message.msgId}",
            "",
            message.body or "",
        ]
        if calendar:
            lines += ["", f"[calendar invitation: METHOD:{message.calendar_method}, attached as invitation.ics]"]
        lines.append("=" * 72)
        log.info("\n".join(lines))


def _connection():
    config = current_app.config
    if config["MAIL_BACKEND"] == "log":
        return _LogConnection()
    state = Mail().init_mail(config)
    state.suppress = False  # Flask-Mail suppresses when TESTING; the backend setting decides here
    return _SMTPConnection(state)


class _ConnectionLost(Exception):
    pass


def _classify(error: Exception) -> str:
    """'permanent' (5xx about this message), 'temporary', or 'connection' (server unusable)."""
    if isinstance(error, BadHeaderError):
        return "permanent"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return "permanent" if codes and all(500 <= code < 600 for code in codes) else "temporary"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return "temporary"  # our own sender address is refused: not the recipient's fault
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "connection"
    if isinstance(error, smtplib.SMTPResponseException):
        if 500 <= error.smtp_code < 600:
            return "permanent"
        if error.smtp_code in (421,):
            return "connection"
        return "temporary"
    return "connection"


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{parseaddr(address)[1] or address}: {code} "
            f"{message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for address, (code, message) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return f"{error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}"


@contextmanager
def link_context():
    """A request context on EVENTSITE_BASE_URL, for url_for while rendering outside a request.

    A GET context: transactions begun in it are plain (deferred) reads on SQLite.
    Every write the worker does happens outside it, where SQLite's BEGIN IMMEDIATE
    applies.
    """
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        yield


def _load(ids: list[int]) -> list[OutboxMessage]:
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .options(
                selectinload(OutboxMessage.registration).options(
                    selectinload(Registration.person),
                    selectinload(Registration.event).selectinload(Event.organisation),
                    selectinload(Registration.session).options(
                        selectinload(EventSession.venue),
                        selectinload(EventSession.programme),
                        selectinload(EventSession.event),
                    ),
                )
            )
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
        ).scalars()
    )


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
    messages: list[tuple[int, int, object]]


def prepare_batch(limit: int | None = None) -> PreparedBatch | None:
    """Claim due rows and render their emails from the newest data; None if none is due."""
    config = current_app.config
    now = utcnow()
    token, ids = claim(limit or config["MAIL_BATCH_SIZE"], now)
    if not ids:
        return None
    messages: list[tuple[int, int, object]] = []
    with link_context():
        rows = _load(ids)
        # The feed links in the emails need each person's key: one query for the batch.
        # The values other areas add (the price of each place): a few queries for the batch.
        registrations = [row.registration for row in rows if row.registration is not None]
        added = email_context_for(registrations)
        render_time = utcnow()
        for row in rows:
            try:
                outcome = render(row, render_time, added.get(row.registration_id))
            except Exception as error:  # a template or data bug: keep the row, tell the log
                log.exception("outbox row %s could not be rendered", row.id)
                outcome = error
            messages.append((row.id, row.attempts, outcome))
        # End the read transaction before any write, and let go of the loaded rows:
        # every commit would otherwise expire them all again.
        db.session.rollback()
        db.session.expunge_all()
        del rows, registrations, added
    return PreparedBatch(token, now + timedelta(seconds=config["MAIL_LEASE_SECONDS"]), messages)


def send_batch(
    batch: PreparedBatch, *, throttle: Throttle | None = None, stop: threading.Event | None = None
) -> DeliveryReport:
    """Send a prepared batch and commit each row's outcome as soon as it is known."""
    report = DeliveryReport()
    token = batch.token
    # Stop early enough to mark the last message well inside the lease.
    safety = timedelta(seconds=min(30, current_app.config["MAIL_LEASE_SECONDS"] / 5))
    try:
        with _connection() as connection:
            for index, (row_id, attempts, outcome) in enumerate(batch.messages):
                if stop is not None and stop.is_set():
                    break
                if utcnow() > batch.lease_end - safety:
                    log.warning("lease nearly over: giving back %d rows", len(batch.messages) - index)
                    break
                if isinstance(outcome, Skip):
                    _mark(row_id, token, status=OutboxStatus.SKIPPED, last_error=outcome.reason[:500])
                    report.skipped += 1
                    continue
                if isinstance(outcome, Exception):
                    _retry_or_fail(row_id, token, attempts, _describe(outcome), utcnow(), report)
                    continue
                if throttle is not None:
                    throttle.wait(stop)
                try:
                    connection.send(outcome, envelope_from=envelope_sender())
                except Exception as error:
                    kind = _classify(error)
                    description = _describe(error)
                    report.errors.append(description)
                    if kind == "permanent":
                        log.warning("outbox row %s failed permanently: %s", row_id, description)
                        _mark(row_id, token, status=OutboxStatus.FAILED, failed_at=utcnow(),
                              last_error=description[:500])
                        report.failed += 1
                        continue
                    _retry_or_fail(row_id, token, attempts, description, utcnow(), report)
                    if kind == "connection":
                        raise _ConnectionLost(description) from error
                    continue
                if _mark(row_id, token, status=OutboxStatus.SENT, sent_at=utcnow(), last_error=""):
                    report.sent += 1
    except _ConnectionLost:
        pass
    except (smtplib.SMTPException, OSError) as error:
        # The server could not be reached at all: every row of the batch waits and retries.
        description = _describe(error)
        report.errors.append(description)
        log.warning("SMTP server unavailable: %s", description)
        db.session.rollback()
        for row_id, attempts, _outcome in batch.messages:
            _retry_or_fail(row_id, token, attempts, description, utcnow(), report)
    finally:
        db.session.rollback()
        release(token)  # rows we never reached go back, untouched
    return report


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

    def __init__(self, app, stop: threading.Event) -> None:
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
                        release(batch.token)
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
                release(batch.token)


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


def run_worker(stop: threading.Event, *, once: bool = False) -> DeliveryReport:
    """Deliver until `stop` is set (or, with once, until nothing is due)."""
    from eventsite.registration.notifications import notify_reminders_due

    config = current_app.config
    total = DeliveryReport()
    throttle = Throttle(config["MAIL_RATE"])
    next_reminders = 0.0
    _commit_without_waiting_for_disk()
    log.info("mail worker started (backend %s, %s msg/s)", config["MAIL_BACKEND"], config["MAIL_RATE"] or "unlimited")
    # Reminders first, so that `worker --once` also sends the ones due now.
    _queue_reminders(notify_reminders_due)
    next_reminders = time.monotonic() + REMINDER_INTERVAL
    preparer = _Preparer(current_app._get_current_object(), stop)
    preparer.start()
    try:
        while not stop.is_set():
            if time.monotonic() >= next_reminders:
                _queue_reminders(notify_reminders_due)
                next_reminders = time.monotonic() + REMINDER_INTERVAL
            batch = preparer.next_batch()
            if batch is None:
                if once:
                    break
                continue  # the preparer waits before it looks again
            try:
                report = send_batch(batch, throttle=throttle, stop=stop)
            except Exception:  # the database went away, say: log, wait, try again
                log.exception("delivery batch failed")
                db.session.rollback()
                report = DeliveryReport(errors=["batch failed"])
            total.add(report)
            log.info("sent %d, retried %d, failed %d, skipped %d", report.sent, report.retried, report.failed, report.skipped)
            if report.retried and not report.sent:
                stop.wait(config["MAIL_POLL_SECONDS"])  # the server is down: the rows wait for their back-off
    finally:
        stop.set()
        preparer.release_waiting()
    return total


def _queue_reminders(notify_reminders_due) -> None:
    try:
        count = notify_reminders_due(utcnow())
        db.session.commit()
        if count:
            log.info("queued %d reminders", count)
    except Exception:
        db.session.rollback()
        log.exception("queuing reminders failed")
