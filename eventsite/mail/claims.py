"""Claims on outbox rows: who may send a row now, and the outcome marked on it.

A worker claims a batch in one short unit of work: on PostgreSQL with
`SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint rows
without waiting; on SQLite the unit of work begins with BEGIN IMMEDIATE (lock
"now", see eventsite.web), which makes the claim a single writer's. Claimed rows
become SENDING with a random claim token and a lease; the attempt count goes up.

Every mark is its own unit of work, committed at once, and conditional on still
holding the claim: a worker that stalls past its lease (and whose rows were
claimed again) cannot overwrite the newer claim's outcome.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, bindparam, or_, select, update

from eventsite import db as database
from eventsite.extensions import db
from eventsite.mail.models import OutboxMessage, OutboxStatus
from eventsite.web import unit_of_work

log = logging.getLogger("eventsite.mail")

#: Longest wait between retries.
MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """Wait before the next try after `attempts` failed tries: base, 2×base, 4×base, …, ≤ 1 h."""
    seconds = base_seconds * (2 ** max(0, attempts - 1))
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def claim(limit: int, now: datetime) -> tuple[str, list[int]]:
    """Claim up to `limit` due rows (queued and due, or sending with a lapsed lease); commits."""
    token = secrets.token_hex(16)
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    due = or_(
        and_(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.due_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_expires_at <= now),
    )
    with unit_of_work() as session:
        ids = list(
            session.execute(
                select(OutboxMessage.id)
                .where(due)
                .order_by(OutboxMessage.due_at, OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).scalars()
        )
        if ids:
            session.execute(
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
    return token, ids


_OUTBOX = OutboxMessage.__table__
#: Built once: the SET columns come with each execution's parameters.
_MARK = _OUTBOX.update().where(
    _OUTBOX.c.id == bindparam("mark_id"),
    _OUTBOX.c.claim_token == bindparam("mark_token"),
    _OUTBOX.c.status == OutboxStatus.SENDING,
)


def mark(row_id: int, token: str, **values: Any) -> bool:
    """Update a row we hold the claim on, and commit; False if the claim was lost.

    One statement and its commit on a connection of its own, past the ORM session
    (which has nothing to flush here): the worker marks every message, and the
    session's machinery cost about as much as the statement. On SQLite the
    transaction still begins with BEGIN IMMEDIATE (lock "now", see eventsite.web).
    """
    lock = database.set_lock_mode("now")
    try:
        with db.engine.begin() as connection:
            result = connection.execute(
                _MARK,
                {"mark_id": row_id, "mark_token": token, "claim_token": None, "lease_expires_at": None, **values},
            )
    finally:
        database.reset_lock_mode(lock)
    if result.rowcount != 1:
        log.warning("outbox row %s: claim lost before it could be marked %s", row_id, values.get("status"))
        return False
    return True


def retry_or_fail(row_id: int, token: str, attempts: int, error: str, now: datetime) -> OutboxStatus:
    """After a failed try: back to QUEUED with back-off, or FAILED after MAIL_MAX_ATTEMPTS."""
    config = current_app.config
    if attempts >= config["MAIL_MAX_ATTEMPTS"]:
        mark(row_id, token, status=OutboxStatus.FAILED, failed_at=now, last_error=f"gave up: {error}"[:500])
        return OutboxStatus.FAILED
    due = now + backoff(attempts, config["MAIL_RETRY_SECONDS"])
    mark(row_id, token, status=OutboxStatus.QUEUED, due_at=due, last_error=error[:500])
    return OutboxStatus.QUEUED


def release(token: str) -> int:
    """Give back rows still held under a claim (a worker stopping early); commits."""
    with unit_of_work() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.claim_token == token, OutboxMessage.status == OutboxStatus.SENDING)
            .values(
                status=OutboxStatus.QUEUED, claim_token=None, lease_expires_at=None, attempts=OutboxMessage.attempts - 1
            )
            .execution_options(synchronize_session=False)
        )
    return result.rowcount
