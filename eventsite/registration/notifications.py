"""notify_*: the emails a change causes, written to the outbox in the same transaction.

Call them after the domain function and before the single commit. They never
send: the delivery worker does, rendering each email from the newest data when it
goes out (eventsite.registration.email).

Every email that carries a calendar entry, after the first invitation (sent at 0,
RFC 5545's first SEQUENCE), raises the registration's `calendar_sequence`, so the
person's entry (one UID per registration) gets a strictly higher SEQUENCE each
time: a CANCEL outranks the invitation before it, and an invitation after a move
back or a promotion outranks that CANCEL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from eventsite.events.models import Event, EventSession
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
from eventsite.mail.outbox import enqueue, new_message_id
from eventsite.registration.models import Person, Registration, RegistrationStatus

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def _bump(registration: Registration) -> None:
    registration.calendar_sequence = (registration.calendar_sequence or 0) + 1


def _queue(kind: MailKind, registration: Registration, *, calendar: bool, session: EventSession | None = None) -> None:
    if calendar:
        _bump(registration)
    enqueue(kind, registration, session=session)


def notify_signup(registration: Registration) -> None:
    """Sign-up: a confirmation with the invitation, or a waiting-list notice.

    The invitation is the new registration's first calendar email: it goes out at
    calendar_sequence 0, and every later one raises it.
    """
    if registration.status is RegistrationStatus.CONFIRMED:
        enqueue(MailKind.CONFIRMATION, registration)
    elif registration.status is RegistrationStatus.WAITLISTED:
        enqueue(MailKind.WAITLISTED, registration)


def notify_resent(registration: Registration) -> None:
    """The confirmation again (an organiser's "send again", e.g. after a correction).

    A confirmed place gets a fresh calendar invitation with a higher SEQUENCE, so
    the calendar takes the newest details; a waiting place gets its notice again.
    """
    if registration.status is RegistrationStatus.CONFIRMED:
        _queue(MailKind.CONFIRMATION, registration, calendar=True)
    elif registration.status is RegistrationStatus.WAITLISTED:
        enqueue(MailKind.WAITLISTED, registration)
    db.session.flush()


def notify_promoted(registrations: Iterable[Registration]) -> None:
    """People who got a seat from the waiting list: each gets the invitation."""
    for registration in registrations:
        if registration.is_held:
            # Not confirmed yet: the confirmation sent when the link is followed tells them.
            continue
        _queue(MailKind.PROMOTED, registration, calendar=True)
    db.session.flush()


def notify_cancelled(registration: Registration, *, by_organiser: bool = False) -> None:
    """A place given up (by the person, or by an organiser on their behalf): CANCEL."""
    kind = MailKind.CANCELLED_BY_ORGANISER if by_organiser else MailKind.CANCELLED
    # A place is cancelled once; a second click (or a concurrent request, which the
    # session lock in operations.cancel orders after this one) must not email again.
    already = db.session.execute(
        select(OutboxMessage.id).where(
            OutboxMessage.registration_id == registration.id,
            OutboxMessage.kind.in_((MailKind.CANCELLED, MailKind.CANCELLED_BY_ORGANISER)),
        )
    ).first()
    if already or registration.status is not RegistrationStatus.CANCELLED:
        return
    _queue(kind, registration, calendar=True)
    db.session.flush()


def notify_moved(registration: Registration, from_session: EventSession) -> None:
    """A place moved to another session: the entry moves (or goes, if now waitlisted)."""
    to_session = registration.session
    # The SEQUENCE of the person's entry is session.sequence + calendar_sequence; a
    # move changes the session part, so make up for a target with a lower sequence.
    shortfall = (from_session.sequence or 0) - (to_session.sequence or 0)
    if shortfall > 0:
        registration.calendar_sequence = (registration.calendar_sequence or 0) + shortfall
    _queue(MailKind.MOVED, registration, calendar=True)
    db.session.flush()


def _active_registrations(session_ids: list[int]) -> list[Registration]:
    if not session_ids:
        return []
    return list(
        db.session.execute(
            select(Registration)
            .where(Registration.session_id.in_(session_ids), Registration.status.in_(ACTIVE))
            .options(selectinload(Registration.person), selectinload(Registration.event))
            .order_by(Registration.id)
        ).scalars()
    )


def notify_session_changed(session: EventSession) -> int:
    """Time, venue or online link changed: an updated invitation to everyone registered.

    The caller raises `session.sequence` with the change (it also versions the public
    feeds); people on the waiting list get the news without a calendar entry.
    """
    registrations = _active_registrations([session.id])
    for registration in registrations:
        confirmed = registration.status is RegistrationStatus.CONFIRMED
        _queue(MailKind.SESSION_CHANGED, registration, calendar=confirmed, session=session)
    db.session.flush()
    return len(registrations)


def notify_session_cancelled(session: EventSession) -> int:
    """A session was cancelled: CANCEL to everyone, waiting list included."""
    registrations = _active_registrations([session.id])
    for registration in registrations:
        _queue(MailKind.SESSION_CANCELLED, registration, calendar=True, session=session)
    db.session.flush()
    return len(registrations)


def notify_event_cancelled(event: Event) -> int:
    """The whole event was cancelled: CANCEL to everyone on every session."""
    # Sessions cancelled earlier have had their own cancellation already.
    registrations = _active_registrations([s.id for s in event.sessions if s.cancelled_at is None])
    for registration in registrations:
        _queue(MailKind.SESSION_CANCELLED, registration, calendar=True, session=registration.session)
    db.session.flush()
    return len(registrations)


def reminder_key(registration_id: int, session_id: int) -> str:
    return f"reminder:{registration_id}:{session_id}"


def notify_reminders_due(now: datetime, days: int | None = None) -> int:
    """Queue a reminder for every confirmed place whose session starts within `days`.

    Idempotent: one reminder per registration and session, guaranteed by a unique
    key (INSERT ... ON CONFLICT DO NOTHING), even with several workers at once.
    People who signed up inside the reminder window are left out: their
    confirmation arrived just now. Returns the number of reminders queued.
    """
    days = current_app.config["REMINDER_DAYS"] if days is None else days
    horizon = now + timedelta(days=days)
    already = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.registration_id == Registration.id,
            OutboxMessage.session_id == Registration.session_id,
            OutboxMessage.kind == MailKind.REMINDER,
        )
        .exists()
    )
    candidates = db.session.execute(
        select(
            Registration.id,
            Registration.session_id,
            Person.email,
            Event.organisation_id,
            EventSession.starts_at,
            Registration.confirmed_at,
        )
        .join(EventSession, EventSession.id == Registration.session_id)
        .join(Event, Event.id == Registration.event_id)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            EventSession.cancelled_at.is_(None),
            Event.cancelled_at.is_(None),
            EventSession.starts_at > now,
            EventSession.starts_at <= horizon,
            ~already,
        )
    ).all()
    queued = 0
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for registration_id, session_id, recipient, organisation_id, starts_at, confirmed_at in candidates:
        if confirmed_at is not None and confirmed_at > starts_at - timedelta(days=days):
            continue
        statement = (
            insert(OutboxMessage)
            .values(
                organisation_id=organisation_id,
                kind=MailKind.REMINDER,
                recipient=recipient,
                registration_id=registration_id,
                session_id=session_id,
                status=OutboxStatus.QUEUED,
                attempts=0,
                due_at=now,
                message_id=new_message_id(),
                dedupe_key=reminder_key(registration_id, session_id),
                last_error="",
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxMessage.id)
        )
        queued += len(db.session.execute(statement).all())
    return queued
