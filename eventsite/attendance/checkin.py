"""Check-in on the day: record who came, who sent apologies and who stayed away.

Each function changes one registration, writes an audit entry and flushes; the
request commits. Recording the same state twice (a double tap at the door) changes
nothing and writes no entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from eventsite.audit import changed_only, record_audit, snapshot
from eventsite.db import utcnow
from eventsite.events.models import LOCAL_TZ, EventSession
from eventsite.extensions import db
from eventsite.registration.models import (
    ATTENDANCE_NOTE_MAX,
    Attendance,
    Registration,
    RegistrationStatus,
)
from eventsite.web import UserError

_AUDITED = ("attendance", "checked_in_at", "attendance_note")


class CheckInError(UserError):
    """An attendance change that is refused, with a message for the door staff."""


def attendance_opens_at(session: EventSession) -> datetime:
    """Attendance can be recorded from midnight (local time) on the session's day."""
    day = session.local_start.date()
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)


def _check_can_record(registration: Registration, now: datetime) -> None:
    if registration.is_held:
        raise CheckInError(_l("%(name)s has not confirmed the registration yet.", name=registration.person.name))
    if registration.status is not RegistrationStatus.CONFIRMED:
        if registration.status is RegistrationStatus.WAITLISTED:
            raise CheckInError(_l("%(name)s is on the waiting list, not confirmed.", name=registration.person.name))
        raise CheckInError(_l("%(name)s's registration has been cancelled.", name=registration.person.name))
    if registration.session.is_cancelled:
        raise CheckInError(_l("This session has been cancelled."))
    if now < attendance_opens_at(registration.session):
        raise CheckInError(_l("Attendance can only be recorded from the day of the session."))


def _record(registration: Registration, action: str, user, change) -> bool:
    before = snapshot(registration, _AUDITED)
    change()
    old, new = changed_only(before, snapshot(registration, _AUDITED))
    if not new:
        return False
    record_audit(
        registration.event.organisation_id, "registration", registration.id, action, before=old, after=new, user=user
    )
    db.session.flush()
    return True


def check_in(registration: Registration, *, user=None, now: datetime | None = None) -> bool:
    """Mark a confirmed person as present; False if they already were."""
    now = now or utcnow()
    _check_can_record(registration, now)
    if registration.attendance is Attendance.ATTENDED:
        return False

    def change() -> None:
        registration.attendance = Attendance.ATTENDED
        registration.checked_in_at = now
        registration.checked_in_by_id = user.id if user is not None else None

    return _record(registration, "checked_in", user, change)


def mark_absent(registration: Registration, kind: Attendance, *, user=None, now: datetime | None = None) -> bool:
    """Mark a confirmed person as absent: "Afbud" (notified) or "Udeblevet" (no-show)."""
    if kind not in (Attendance.ABSENT_NOTIFIED, Attendance.NO_SHOW):
        raise CheckInError(_l("Choose whether the person sent apologies or did not show up."))
    now = now or utcnow()
    _check_can_record(registration, now)

    def change() -> None:
        registration.attendance = kind
        registration.checked_in_at = None
        registration.checked_in_by_id = None

    return _record(registration, "marked_" + kind.value, user, change)


def undo_attendance(registration: Registration, *, user=None, now: datetime | None = None) -> bool:
    """Take back a check-in or an absence mark (a wrong tap at the door)."""
    if registration.attendance is Attendance.NONE:
        return False

    def change() -> None:
        registration.attendance = Attendance.NONE
        registration.checked_in_at = None
        registration.checked_in_by_id = None

    return _record(registration, "attendance_undone", user, change)


def set_attendance_note(registration: Registration, note: str, *, user=None, now: datetime | None = None) -> bool:
    """Note partial attendance, e.g. "deltog i pkt. 1–3"; an empty note removes it."""
    note = " ".join((note or "").split())
    if len(note) > ATTENDANCE_NOTE_MAX:
        raise CheckInError(_l("At most %(max)d characters.", max=ATTENDANCE_NOTE_MAX))
    _check_can_record(registration, now or utcnow())

    def change() -> None:
        registration.attendance_note = note

    return _record(registration, "attendance_note", user, change)


@dataclass(frozen=True)
class DoorCounts:
    """The figures at the top of the check-in screen."""

    confirmed: int
    checked_in: int
    absent_notified: int
    no_shows: int
    #: Not shown at the door (no seat), but worth knowing when someone turns up anyway.
    waitlisted: int = 0

    @property
    def expected(self) -> int:
        """Confirmed people not yet checked in and not marked absent."""
        return self.confirmed - self.checked_in - self.absent_notified - self.no_shows


def door_counts(session_id: int) -> DoorCounts:
    """Attendance figures of one session, read now (one query)."""
    # A place held for an unconfirmed sign-up is nobody's at the door.
    confirmed = and_(Registration.status == RegistrationStatus.CONFIRMED, Registration.held_until.is_(None))
    row = db.session.execute(
        select(
            func.count().filter(confirmed),
            func.count().filter(confirmed, Registration.attendance == Attendance.ATTENDED),
            func.count().filter(confirmed, Registration.attendance == Attendance.ABSENT_NOTIFIED),
            func.count().filter(confirmed, Registration.attendance == Attendance.NO_SHOW),
            func.count().filter(Registration.status == RegistrationStatus.WAITLISTED),
        ).where(Registration.session_id == session_id, Registration.held_until.is_(None))
    ).one()
    return DoorCounts(*row)
