"""Writing to the outbox, and what organisers can see of it.

Rows are added to the caller's transaction and never committed here: an email
exists exactly when the change that causes it is committed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventsite.events.models import Event, EventSession
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus


def new_message_id() -> str:
    """A Message-ID for a new row; it stays the same on every retry of that row.

    On EVENTSITE_BASE_URL's host, like the calendar UIDs.
    """
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"<{uuid.uuid4().hex}.outbox@{host}>"


class _Person(Protocol):
    email: str


class AboutRegistration(Protocol):
    """What `enqueue` reads of a registration (eventsite.registration's, which sits above)."""

    id: int | None
    session_id: int

    @property
    def event(self) -> Event: ...

    @property
    def person(self) -> _Person: ...


_OUTBOX = OutboxMessage.__table__
# Built once, so SQLAlchemy keeps its cache key (every sign-up runs it).
_INSERT = _OUTBOX.insert()


def enqueue(
    kind: MailKind,
    registration: AboutRegistration,
    *,
    session: EventSession | None = None,
    dedupe_key: str | None = None,
) -> None:
    """Add an email about a (flushed) registration to the current transaction.

    One Core INSERT, at once: every sign-up writes a row here, and the ORM's unit
    of work would cost more than the statement.
    """
    if registration.id is None:
        db.session.flush()
    # On the connection: a plain INSERT needs none of the ORM session's machinery.
    db.session.connection().execute(
        _INSERT,
        {
            "organisation_id": registration.event.organisation_id,
            "kind": kind,
            "recipient": registration.person.email,
            "registration_id": registration.id,
            "session_id": session.id if session is not None else registration.session_id,
            "status": OutboxStatus.QUEUED,
            "attempts": 0,
            "message_id": new_message_id(),
            "dedupe_key": dedupe_key,
            "last_error": "",
        },
    )


@dataclass(frozen=True)
class Undeliverable:
    """An address that refused our email permanently (for organisers)."""

    recipient: str
    failed_at: datetime
    error: str
    kind: MailKind
    event_title: str | None
    registration_id: int | None


def undeliverable(organisation_ids: list[int], limit: int = 200) -> list[Undeliverable]:
    """Failed emails of these organisations, newest first (one line per email)."""
    if not organisation_ids:
        return []
    rows = db.session.execute(
        select(OutboxMessage)
        .where(OutboxMessage.organisation_id.in_(organisation_ids), OutboxMessage.status == OutboxStatus.FAILED)
        # The event through the session the email names (a registration's own session,
        # or the one its news is about: always of the registration's event).
        .options(selectinload(OutboxMessage.session).selectinload(EventSession.event))
        .order_by(OutboxMessage.failed_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ).scalars()
    return [
        Undeliverable(
            recipient=row.recipient,
            failed_at=row.failed_at or row.created_at,
            error=row.last_error,
            kind=row.kind,
            event_title=row.session.event.title if row.registration_id is not None and row.session else None,
            registration_id=row.registration_id,
        )
        for row in rows
    ]


def undeliverable_addresses(organisation_id: int) -> set[str]:
    """Addresses with a permanently failed email, e.g. to flag them in participant lists."""
    return set(
        db.session.execute(
            select(OutboxMessage.recipient).where(
                OutboxMessage.organisation_id == organisation_id,
                OutboxMessage.status == OutboxStatus.FAILED,
            )
        ).scalars()
    )


def queue_counts(organisation_ids: list[int]) -> dict[OutboxStatus, int]:
    """How many emails are in each state, for a dashboard line such as "3 waiting"."""
    counts = {status: 0 for status in OutboxStatus}
    if not organisation_ids:
        return counts
    for status, count in db.session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.organisation_id.in_(organisation_ids))
        .group_by(OutboxMessage.status)
    ):
        counts[status] = count
    return counts
