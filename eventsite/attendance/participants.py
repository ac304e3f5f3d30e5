"""Participant lists and the changes organisers make on someone's behalf.

Lists are read per event (a few hundred rows at most), then searched and sorted in
Python, so that "ø" and "Å" match and sort the Danish way on SQLite and PostgreSQL
alike. Every change reuses the sign-up operations and writes an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsite.audit import changed_only, record_audit, snapshot
from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.registration import operations
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.registration.operations import PersonDetails, RegistrationError
from eventsite.registration.signup import sign_up
from eventsite.sorting import Sort, danish_sort_key

#: Longest reason for an out-of-order promotion.
REASON_MAX = 500

_AUDITED = ("session_id", "status")

#: How the audit actions on a registration read in the back office.
REGISTRATION_ACTION_LABELS = {
    "added_by_hand": _l("Added by an organiser"),
    "moved": _l("Moved"),
    "cancelled": _l("Cancelled by an organiser"),
    "promoted": _l("Got a seat from the waiting list"),
    "promoted_out_of_order": _l("Got a seat out of turn"),
    "checked_in": _l("Checked in"),
    "marked_absent_notified": _l("Absent, notified"),
    "marked_no_show": _l("No-show"),
    "attendance_undone": _l("Attendance mark removed"),
    "attendance_note": _l("Attendance note"),
    "details_corrected": _l("Details corrected"),
    "confirmation_resent": _l("Confirmation sent again"),
}


def _folded(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def matches(registration: Registration, query: str) -> bool:
    """True if every word of the query occurs in the name, e-mail, workplace or job title."""
    words = _folded(query).split()
    person = registration.person
    haystack = _folded(" ".join((person.name, person.email, person.workplace, person.job_title)))
    return all(word in haystack for word in words)


STATUS_FILTERS = {
    "active": (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
    "confirmed": (RegistrationStatus.CONFIRMED,),
    "waitlisted": (RegistrationStatus.WAITLISTED,),
    "cancelled": (RegistrationStatus.CANCELLED,),
    "all": tuple(RegistrationStatus),
}

_STATUS_ORDER = {RegistrationStatus.CONFIRMED: 0, RegistrationStatus.WAITLISTED: 1, RegistrationStatus.CANCELLED: 2}

#: Sort keys offered in the list; anything else falls back to "name".
SORT_KEYS = {
    "name": lambda r: danish_sort_key(r.person.name),
    "workplace": lambda r: danish_sort_key(r.person.workplace),
    "job_title": lambda r: danish_sort_key(r.person.job_title),
    "registered": lambda r: r.created_at,
    "status": lambda r: (_STATUS_ORDER[r.status], r.waitlisted_at or r.created_at),
    "session": lambda r: (r.session.starts_at, r.session_id),
    "attendance": lambda r: r.attendance.value,
}


@dataclass(frozen=True)
class ListQuery:
    """What the organiser asked for in the list's search form (all from the URL)."""

    q: str = ""
    status: str = "active"
    sort: str = "name"
    descending: bool = False

    @property
    def order(self) -> Sort:
        """The order as the table headers show it (templates/_macros/tables.html)."""
        return Sort(self.sort, self.descending)

    @classmethod
    def from_args(cls, args) -> ListQuery:
        status = args.get("status", "active")
        sort = args.get("sort", "name")
        return cls(
            q=(args.get("q") or "")[:200],
            status=status if status in STATUS_FILTERS else "active",
            sort=sort if sort in SORT_KEYS else "name",
            descending=args.get("dir") == "desc",
        )


def participants(event_id: int, query: ListQuery, session_id: int | None = None) -> list[Registration]:
    """The event's (or one session's) registrations, filtered, searched and sorted."""
    statement = (
        select(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.status.in_(STATUS_FILTERS[query.status]),
            # Places held for an unconfirmed anonymous sign-up are nobody's yet: counted apart.
            Registration.held_until.is_(None),
        )
        .options(
            selectinload(Registration.person),
            selectinload(Registration.session).selectinload(EventSession.venue),
            selectinload(Registration.dietary_note),
        )
    )
    if session_id is not None:
        statement = statement.where(Registration.session_id == session_id)
    found = [r for r in db.session.execute(statement).scalars() if matches(r, query.q)]
    primary = SORT_KEYS[query.sort]
    # Ties broken by name, so the order is stable whatever the key.
    found.sort(key=lambda r: (danish_sort_key(r.person.name), r.id))
    found.sort(key=primary, reverse=query.descending)
    return found


def waitlist_positions(registrations: list[Registration]) -> dict[int, int]:
    """1-based queue place of each waiting registration among those given, per session."""
    waiting = sorted(
        (r for r in registrations if r.status is RegistrationStatus.WAITLISTED),
        key=lambda r: (r.waitlisted_at, r.id),
    )
    positions: dict[int, int] = {}
    seen: dict[int, int] = {}
    for registration in waiting:
        seen[registration.session_id] = seen.get(registration.session_id, 0) + 1
        positions[registration.id] = seen[registration.session_id]
    return positions


def _audit(registration: Registration, action: str, before: dict | None, user, **extra) -> None:
    after = {**snapshot(registration, _AUDITED), **extra}
    record_audit(
        registration.event.organisation_id,
        "registration",
        registration.id,
        action,
        before=before,
        after=after,
        user=user,
    )


def _audit_promotions(promoted: list[Registration], user) -> None:
    for registration in promoted:
        _audit(registration, "promoted", {"status": RegistrationStatus.WAITLISTED.value}, user)


def add_by_hand(
    session_id: int,
    details: PersonDetails,
    *,
    comment: str = "",
    dietary_needs: str = "",
    user=None,
    now: datetime | None = None,
) -> Registration:
    """Sign someone up on their behalf (a phone sign-up), also after the sign-up deadline."""
    registration = sign_up(
        session_id, details, comment=comment, dietary_needs=dietary_needs, now=now, by_organiser=True
    )
    _audit(registration, "added_by_hand", None, user)
    db.session.flush()
    return registration


def correct_on_behalf(registration: Registration, changes: operations.DetailChanges, *, user=None) -> bool:
    """Correct a participant's details; the change log keeps what changed (not the
    dietary text itself, which is for the caterer only)."""
    person = registration.person
    before = snapshot(person, operations.PERSON_FIELDS)
    had_note = registration.dietary_note.text if registration.dietary_note else ""
    if not operations.correct_details(registration, changes):
        return False
    before, after = changed_only(before, snapshot(person, operations.PERSON_FIELDS))
    if changes.dietary_needs is not None and changes.dietary_needs.strip() != had_note:
        after["dietary_needs_changed"] = True
    record_audit(
        registration.event.organisation_id,
        "registration",
        registration.id,
        "details_corrected",
        before=before,
        after=after,
        user=user,
    )
    db.session.flush()
    return True


def record_resent(registration: Registration, *, user=None) -> None:
    _audit(registration, "confirmation_resent", None, user)
    db.session.flush()


def _locked_and_fresh(registration: Registration) -> None:
    """Lock the registration's session and re-read it, so the audit's "before" is true."""
    operations.lock_session(registration.session_id)
    db.session.refresh(registration)


def move_on_behalf(
    registration: Registration, target_session_id: int, *, user=None, now: datetime | None = None
) -> list[Registration]:
    """Move someone to another session of the same event; returns those promoted behind them."""
    _locked_and_fresh(registration)
    before = snapshot(registration, _AUDITED)
    # The organiser sees the seat counts when choosing; a full target means the waiting list.
    promoted = operations.move(registration, target_session_id, now=now, by_organiser=True, give_up_seat=True)
    _audit(registration, "moved", before, user)
    _audit_promotions(promoted, user)
    db.session.flush()
    return promoted


def cancel_on_behalf(
    registration: Registration, *, fill_seat: bool = True, user=None, now: datetime | None = None
) -> list[Registration]:
    """Cancel someone's place; the seat goes to the waiting list unless it is to be kept free."""
    _locked_and_fresh(registration)
    if registration.status is RegistrationStatus.CANCELLED:
        raise RegistrationError(_l("This registration has been cancelled."))
    before = snapshot(registration, _AUDITED)
    promoted = operations.cancel(registration, now=now, fill_seat=fill_seat, by_organiser=True)
    _audit(registration, "cancelled", before, user, **({} if fill_seat else {"seat_kept_free": True}))
    _audit_promotions(promoted, user)
    db.session.flush()
    return promoted


def promote_out_of_order(registration: Registration, reason: str, *, user=None, now: datetime | None = None) -> None:
    """Give a free seat to someone chosen from the waiting list, not the first in line.

    The session row is locked before the seats are counted, and a full session is
    refused: the seat must be freed first (cancel with the seat kept free, or raise
    the capacity).
    """
    now = now or utcnow()
    reason = " ".join((reason or "").split())
    if not reason:
        raise RegistrationError(_l("Give a reason for letting this person skip the waiting list."))
    if len(reason) > REASON_MAX:
        raise RegistrationError(_l("At most %(max)d characters.", max=REASON_MAX))
    session = operations.lock_session(registration.session_id)
    db.session.refresh(registration)
    if registration.status is not RegistrationStatus.WAITLISTED:
        raise RegistrationError(_l("This person is not on the waiting list."))
    if session.is_cancelled:
        raise RegistrationError(_l("This session has been cancelled."))
    counts = operations.seat_counts(session)
    if counts.is_full:
        raise RegistrationError(
            _l("The session is full. Free a seat first: cancel a place and keep the seat free, or raise the capacity.")
        )
    position = operations.waitlist_position(registration)
    before = snapshot(registration, _AUDITED)
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    db.session.flush()
    _audit(registration, "promoted_out_of_order", before, user, reason=reason, waitlist_position=position)
    db.session.flush()
