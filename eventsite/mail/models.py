"""The outbox: one row per email, written in the transaction that causes it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsite.db import Base, UTCDateTime, utcnow
from eventsite.events.models import EventSession, Organisation, _enum_column


class MailKind(str, enum.Enum):
    """What an email is about; each kind has a template pair in templates/emails/.

    The area that queues a kind renders it (see eventsite.mail.render.add_renderer).
    """

    CONFIRMATION = "confirmation"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"
    MOVED = "moved"
    CANCELLED = "cancelled"
    CANCELLED_BY_ORGANISER = "cancelled_by_organiser"
    SESSION_CHANGED = "session_changed"
    SESSION_CANCELLED = "session_cancelled"
    REMINDER = "reminder"
    #: A subsidy application approved or declined (eventsite.payments).
    SUBSIDY_DECISION = "subsidy_decision"
    #: A personal invitation (or reminder) from the member directory, about a member
    #: rather than a registration: rendered by eventsite.invitations.email.
    INVITATION = "invitation"
    #: "Send mig mit link igen": the person's personal links for the organisation's
    #: events, asked for with just an email address (eventsite.registration.recovery).
    LINKS = "links"
    #: "Bekræft din tilmelding": the link that confirms a pending sign-up
    #: (eventsite.registration.verification); about no registration yet.
    CONFIRM_SIGNUP = "confirm_signup"
    #: "Bekræft din plads": the link that confirms a place held for an anonymous
    #: sign-up (eventsite.registration.holds).
    CONFIRM_HOLD = "confirm_hold"
    #: To an address that already holds a place and was signed up again anonymously:
    #: no new place, the manage link instead (eventsite.registration.holds).
    ALREADY_SIGNED_UP = "already_signed_up"
    #: A back-office account's invitation or password-reset link (eventsite.organiser.account_email).
    ACCOUNT_INVITATION = "account_invitation"
    PASSWORD_RESET = "password_reset"
    #: A closed meeting's summons ("Indkaldelse") to a person on its fixed list, with
    #: their personal link to answer or send afbud (eventsite.meetings.roster).
    MEETING_SUMMONS = "meeting_summons"
    #: Minutes sent for approval, with the recipient's personal approval link
    #: (eventsite.meetings.approval); about a person, not a registration.
    MINUTES_APPROVAL = "minutes_approval"
    #: Afbud received, to a person who had the meeting in their calendar: the entry's
    #: CANCEL (eventsite.meetings.afbud).
    AFBUD_RECEIVED = "afbud_received"
    #: Afbud withdrawn before the meeting: a seat again (with a new REQUEST) or a place
    #: on the waiting list (eventsite.meetings.afbud).
    AFBUD_WITHDRAWN = "afbud_withdrawn"


class OutboxStatus(str, enum.Enum):
    QUEUED = "queued"
    #: Claimed by a worker; `lease_expires_at` says when others may take it over.
    SENDING = "sending"
    SENT = "sent"
    #: Permanently refused (5xx) or given up after MAIL_MAX_ATTEMPTS.
    FAILED = "failed"
    #: Not sent because it no longer describes the truth (e.g. a waiting-list
    #: notice for someone already promoted); a later email tells the news.
    SKIPPED = "skipped"


class OutboxMessage(Base):
    """An email to one person, rendered from the newest data when it is sent."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_due_at", "status", "due_at"),
        # A person's emails are found by address (export, erasure, "send my links again").
        Index("ix_outbox_messages_organisation_recipient", "organisation_id", "recipient"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[MailKind] = mapped_column(_enum_column(MailKind, 30))
    #: Address at the time of queuing (people are keyed by address, so it does not drift).
    recipient: Mapped[str] = mapped_column(String(254))
    #: The registration the email is about; NULL once the registration has been deleted.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"), index=True)
    #: The session the news is about (a changed or cancelled session, a reminder).
    session_id: Mapped[int | None] = mapped_column(ForeignKey("event_sessions.id", ondelete="SET NULL"))
    status: Mapped[OutboxStatus] = mapped_column(_enum_column(OutboxStatus, 20), default=OutboxStatus.QUEUED)
    #: Claims so far (each claim is one delivery attempt, including a worker's death).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Not to be tried before this instant (back-off after a failure).
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: While SENDING: when the claim lapses and another worker may retry the row.
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Random token of the current claim; only its holder may mark the row sent.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    #: Message-ID header, fixed at queuing: a retry of the same row carries the same
    #: id, so a receiver can recognise a repeat after a worker died mid-send.
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    #: Makes an email idempotent where needed (one reminder per registration and session).
    dedupe_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    #: The Registration (or None), named rather than imported: eventsite.registration
    #: sits above mail.
    registration: Mapped[Any] = relationship("Registration")
    session: Mapped[EventSession | None] = relationship()


class JobRun(Base):
    """One row per scheduled job (eventsite.mail.jobs): its lease and its last run.

    A worker runs a job only after taking the lease with one conditional UPDATE, so
    with several workers each run happens once. No personal data: `last_line` is the
    job's count line ("queued 3 reminders").
    """

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: "ok" or "failed"; empty before the first run has finished.
    last_outcome: Mapped[str] = mapped_column(String(10), default="")
    last_line: Mapped[str] = mapped_column(String(200), default="")
    #: While a worker runs the job: until when no other worker may take it.
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Random token of the current lease; only its holder records the outcome.
    lease_token: Mapped[str | None] = mapped_column(String(32))
    #: The next run is due at this instant (the last finish plus the job's interval).
    next_due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkerHeartbeat(Base):
    """Each running mail worker's latest sign of life, for `/readyz`."""

    __tablename__ = "worker_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: host:pid of the worker process.
    worker: Mapped[str] = mapped_column(String(120), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
