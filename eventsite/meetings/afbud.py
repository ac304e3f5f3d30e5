"""Afbud before the day, and the meeting's list: Deltagere / Afbud / Ikke svaret.

`send_afbud` is the one way to afbud: the personal manage link, the member page and
the organiser's "afbud modtaget pr. telefon" all go through it; `withdraw_afbud` takes
it back before the meeting (the person or an organiser). A person who had the meeting
in their calendar (a REQUEST emailed) gets its CANCEL with the afbud, and a new REQUEST
when the afbud is withdrawn and they have a seat again. See
eventsite.meetings.participation_models for the model (an Apology row; the place
released only when the session has a capacity). Like every domain function it
flushes and never commits.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from eventsite.audit import record_audit
from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
from eventsite.mail.outbox import enqueue
from eventsite.meetings.models import AgendaItem, Meeting
from eventsite.meetings.participation_models import REASON_MAX, Apology, ApologyChannel, RosterEntry
from eventsite.registration import operations
from eventsite.registration.models import Attendance, Registration, RegistrationStatus
from eventsite.registration.notifications import notify_promoted
from eventsite.web import UserError


class AfbudError(UserError):
    """An afbud that is refused, with a message for the person or the organiser."""


#: Emails that put the meeting in the person's calendar (they carry an iTIP REQUEST).
INVITING_KINDS = (
    MailKind.CONFIRMATION,
    MailKind.PROMOTED,
    MailKind.MOVED,
    MailKind.SESSION_CHANGED,
    MailKind.AFBUD_WITHDRAWN,
)


def had_invitation(registration: Registration) -> bool:
    """Whether a calendar invitation for the place was sent (or is on its way)."""
    return (
        db.session.execute(
            select(OutboxMessage.id).where(
                OutboxMessage.registration_id == registration.id,
                OutboxMessage.kind.in_(INVITING_KINDS),
                OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.SENT)),
            )
        ).first()
        is not None
    )


def _queue_calendar(kind: MailKind, registration: Registration) -> None:
    """Queue an email carrying the person's calendar entry, with a higher SEQUENCE than the last."""
    registration.calendar_sequence = (registration.calendar_sequence or 0) + 1
    # Registration.id is typed int, the outbox's protocol allows None (unflushed rows).
    enqueue(kind, registration)  # type: ignore[arg-type]
    db.session.flush()


def is_meeting(session: EventSession) -> bool:
    """Whether the session is run as a meeting (settings, an agenda or a fixed list)."""
    return bool(
        db.session.execute(
            select(
                or_(
                    exists().where(Meeting.session_id == session.id),
                    exists().where(AgendaItem.session_id == session.id),
                    exists().where(RosterEntry.session_id == session.id),
                )
            )
        ).scalar()
    )


def apology_for(registration: Registration) -> Apology | None:
    return db.session.get(Apology, registration.id)


def check_can_send(registration: Registration, now: datetime) -> None:
    """Refuse afbud for a place that is not confirmed, or once the meeting has started."""
    session = registration.session
    if session.is_cancelled or registration.event.is_cancelled:
        raise AfbudError(_l("The meeting has been cancelled."))
    if session.starts_at <= now:
        raise AfbudError(
            _l("The meeting has already started: afbud can no longer be sent here. Contact the organiser.")
        )
    if registration.is_held or registration.status is not RegistrationStatus.CONFIRMED:
        raise AfbudError(_l("Only a confirmed place can send afbud."))


def send_afbud(
    registration: Registration,
    reason: str = "",
    *,
    by_user: Any = None,
    now: datetime | None = None,
) -> Apology:
    """Record afbud for a confirmed place before the meeting starts (flushes).

    The person stays on the meeting's list as "Afbud". When the session has a
    capacity the place is released and the waiting list moves up (the promoted
    are told by email); otherwise the place is kept, marked absent. `by_user`: the
    organiser recording an afbud received by phone. A second afbud is refused.
    """
    now = now or utcnow()
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        raise AfbudError(_l("At most %(max)d characters.", max=REASON_MAX), "reason")
    session = operations.lock_session(registration.session_id)
    db.session.refresh(registration)
    if session is None:
        raise LookupError(registration.session_id)
    if apology_for(registration) is not None:
        raise AfbudError(_l("Afbud has already been sent for this meeting."))
    check_can_send(registration, now)
    apology = Apology(
        registration_id=registration.id,
        session_id=session.id,
        reason=reason,
        channel=ApologyChannel.ORGANISER if by_user is not None else ApologyChannel.SELF,
        created_at=now,
        recorded_by_id=by_user.id if by_user is not None else None,
    )
    db.session.add(apology)
    registration.attendance = Attendance.ABSENT_NOTIFIED
    roster = db.session.execute(
        select(RosterEntry).where(RosterEntry.registration_id == registration.id)
    ).scalar_one_or_none()
    if roster is not None:
        roster.accepted_at = None
    db.session.flush()
    # Before the place is released: the calendar invitation belongs to it.
    if had_invitation(registration):
        # The CANCEL removes the meeting from the person's calendar (Outlook, Gmail).
        _queue_calendar(MailKind.AFBUD_RECEIVED, registration)
    released = session.capacity is not None
    if released:
        # Afbud is open until the meeting starts, past any cancellation deadline: the
        # deadline governs self-service cancelling (and its fees), not apologies.
        promoted = operations.cancel(registration, now, by_organiser=True)
        notify_promoted(promoted)
    record_audit(
        registration.event.organisation_id,
        "registration",
        registration.id,
        "afbud",
        after={"channel": apology.channel.value, "released": released},
        user=by_user,
    )
    return apology


class Withdrawn(str, enum.Enum):
    """Where a withdrawn afbud leaves the person."""

    SEAT = "seat"
    WAITLIST = "waitlist"


def withdraw_afbud(registration: Registration, *, by_user: Any = None, now: datetime | None = None) -> Withdrawn:
    """Take afbud back before the meeting starts (flushes): the person is on the list again.

    A place released by the afbud is given back as to a newcomer (a seat if one is
    free and nobody waits, else the waiting list), decided under the session lock by
    the registration area. The person is told by email; with a seat the email carries
    the calendar entry again (REQUEST). `by_user`: an organiser doing it for them.
    """
    now = now or utcnow()
    session = operations.lock_session(registration.session_id)
    db.session.refresh(registration)
    if session is None:
        raise LookupError(registration.session_id)
    apology = apology_for(registration)
    if apology is None:
        raise AfbudError(_l("No afbud has been sent for this meeting."))
    if session.is_cancelled or registration.event.is_cancelled:
        raise AfbudError(_l("The meeting has been cancelled."))
    if session.starts_at <= now:
        raise AfbudError(_l("The meeting has already started: afbud can no longer be withdrawn here."))
    if registration.status is RegistrationStatus.CANCELLED:
        try:
            operations.reinstate(registration, now)
        except operations.AlreadySignedUp:
            raise AfbudError(
                _l("The person has another place on this event now, so the afbud cannot be withdrawn.")
            ) from None
    db.session.delete(apology)
    registration.attendance = Attendance.NONE
    roster = db.session.execute(
        select(RosterEntry).where(RosterEntry.registration_id == registration.id)
    ).scalar_one_or_none()
    if roster is not None:
        # Taking afbud back is saying "Jeg deltager".
        roster.accepted_at = now
    db.session.flush()
    outcome = Withdrawn.SEAT if registration.status is RegistrationStatus.CONFIRMED else Withdrawn.WAITLIST
    _queue_calendar(MailKind.AFBUD_WITHDRAWN, registration)
    record_audit(
        registration.event.organisation_id,
        "registration",
        registration.id,
        "afbud_withdrawn",
        after={"outcome": outcome.value},
        user=by_user,
    )
    return outcome


def accept(registration: Registration, *, now: datetime | None = None) -> bool:
    """A closed meeting's "Jeg deltager"; False if already answered so."""
    now = now or utcnow()
    check_can_send(registration, now)
    roster = db.session.execute(
        select(RosterEntry).where(RosterEntry.registration_id == registration.id)
    ).scalar_one_or_none()
    if roster is None or roster.accepted_at is not None or apology_for(registration) is not None:
        return False
    roster.accepted_at = now
    db.session.flush()
    return True


def awaiting_answer(registration: Registration) -> bool:
    """Whether a person on a closed meeting's fixed list has neither answered nor sent afbud."""
    roster = db.session.execute(
        select(RosterEntry).where(RosterEntry.registration_id == registration.id)
    ).scalar_one_or_none()
    return roster is not None and roster.accepted_at is None and apology_for(registration) is None


class ListState(str, enum.Enum):
    ATTENDING = "attending"
    AFBUD = "afbud"
    NO_ANSWER = "no_answer"

    @property
    def label(self) -> str:
        return str(LIST_STATE_LABELS[self])


LIST_STATE_LABELS = {
    ListState.ATTENDING: _l("Attending"),
    ListState.AFBUD: _l("Afbud"),
    ListState.NO_ANSWER: _l("Not answered"),
}


@dataclass(frozen=True)
class ListRow:
    registration: Registration
    state: ListState
    apology: Apology | None
    on_roster: bool


@dataclass(frozen=True)
class MeetingList:
    """The meeting's list at a glance: Deltagere / Afbud / Ikke svaret."""

    rows: list[ListRow]
    closed: bool

    def of(self, state: ListState) -> list[ListRow]:
        return [row for row in self.rows if row.state is state]

    @property
    def attending(self) -> list[ListRow]:
        return self.of(ListState.ATTENDING)

    @property
    def afbud(self) -> list[ListRow]:
        return self.of(ListState.AFBUD)

    @property
    def no_answer(self) -> list[ListRow]:
        return self.of(ListState.NO_ANSWER)


def meeting_list(session: EventSession) -> MeetingList:
    """Everyone with a confirmed place or afbud, by state, in name order.

    On a closed meeting (a fixed list) a person who has neither answered "Jeg
    deltager" nor sent afbud is "Ikke svaret"; on an open meeting signing up is the answer.
    """
    apologies = {
        a.registration_id: a
        for a in db.session.execute(select(Apology).where(Apology.session_id == session.id)).scalars()
    }
    roster = {
        r.registration_id: r
        for r in db.session.execute(select(RosterEntry).where(RosterEntry.session_id == session.id)).scalars()
        if r.registration_id is not None
    }
    registrations = (
        db.session.execute(
            select(Registration)
            .where(
                Registration.session_id == session.id,
                Registration.held_until.is_(None),
                or_(
                    Registration.status == RegistrationStatus.CONFIRMED,
                    Registration.id.in_(list(apologies) or [0]),
                ),
            )
            .options(selectinload(Registration.person))
        )
        .scalars()
        .all()
    )
    rows = []
    for registration in sorted(registrations, key=lambda r: (r.person.name.lower(), r.id)):
        apology = apologies.get(registration.id)
        entry = roster.get(registration.id)
        if apology is not None:
            state = ListState.AFBUD
        elif entry is not None and entry.accepted_at is None:
            state = ListState.NO_ANSWER
        else:
            state = ListState.ATTENDING
        rows.append(ListRow(registration, state, apology, entry is not None))
    return MeetingList(rows, closed=bool(roster))
