"""Register, cancel, move and promote.

Each function locks the affected session row, reads the counts, lets
`capacity` decide, and flushes. None of them commits: the request does, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, or_, select, text

from eventsite import metrics
from eventsite.db import as_loaded, start_writing, utcnow
from eventsite.events.models import Event, EventSession
from eventsite.extensions import db
from eventsite.registration import capacity
from eventsite.registration.capacity import SeatCounts
from eventsite.registration.models import DietaryNote, Person, Registration, RegistrationStatus, new_token_key
from eventsite.web import UserError

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class RegistrationError(UserError):
    """A sign-up or change that is refused, with a message for the person."""


class AlreadySignedUp(RegistrationError):
    """The person already holds a place on the event (`register` refuses a second)."""

    def __init__(self) -> None:
        super().__init__(_l("You are already signed up for this event."))


class SeatWouldBeLost(RegistrationError):
    """Moving a confirmed place to a session with no free seat: the person must say yes first.

    `position` is the number on the target's waiting list the person would get.
    """

    def __init__(self, position: int) -> None:
        super().__init__(_l("The session you chose is full: you would lose your seat."))
        self.position = position


def deadline_passed(event: Event, now: datetime) -> bool:
    """Self-service cancel and move end at the event's cancellation deadline."""
    return event.cancellation_deadline is not None and now > event.cancellation_deadline


def _check_self_service(event: Event, now: datetime, by_organiser: bool) -> None:
    if not by_organiser and deadline_passed(event, now):
        raise RegistrationError(
            _l("The deadline for cancelling or changing your registration has passed. Contact the organiser.")
        )


@dataclass
class PersonDetails:
    name: str
    email: str
    job_title: str = ""
    workplace: str = ""
    municipality_code: str | None = None

    @classmethod
    def from_form(cls, form) -> PersonDetails:
        """The person fields of a sign-up form (the public one or the organiser's)."""
        return cls(
            name=form.name.data,
            email=form.email.data,
            job_title=form.job_title.data or "",
            workplace=form.workplace.data or "",
            municipality_code=form.municipality_code.data or None,
        )


@dataclass(frozen=True)
class DetailChanges:
    """Corrections to a person's details and one registration's dietary needs."""

    name: str
    job_title: str = ""
    workplace: str = ""
    municipality_code: str | None = None
    #: None leaves the dietary note as it is (e.g. after the event).
    dietary_needs: str | None = None

    @classmethod
    def from_form(cls, form, *, with_dietary: bool) -> DetailChanges:
        return cls(
            name=form.name.data,
            job_title=form.job_title.data or "",
            workplace=form.workplace.data or "",
            municipality_code=form.municipality_code.data or None,
            dietary_needs=(form.dietary_needs.data or "") if with_dietary else None,
        )


PERSON_FIELDS = ("name", "job_title", "workplace", "municipality_code")


def correct_details(registration: Registration, changes: DetailChanges, now: datetime | None = None) -> bool:
    """Correct the person's name, job title, workplace and municipality, and this
    registration's dietary needs. The email address is the person's identity and is
    not changed here. Returns whether anything changed."""
    now = now or utcnow()
    changed = correct_details_of(registration.person, changes, now)
    if changes.dietary_needs is not None:
        note = registration.dietary_note
        wanted = changes.dietary_needs.strip()
        if note is not None and not wanted:
            db.session.delete(note)
            changed = True
        elif note is None and wanted:
            db.session.add(DietaryNote(registration_id=registration.id, text=wanted))
            changed = True
        elif note is not None and note.text != wanted:
            note.text = wanted
            changed = True
    db.session.flush()
    return changed


def correct_person(person: Person, changes: DetailChanges, upcoming: list[Registration], now: datetime) -> bool:
    """The person's own corrections from their page: their details, and the dietary
    needs of each upcoming registration given (None in `changes` leaves those as they are).
    Returns whether anything changed."""
    changed = False
    for registration in upcoming:
        if registration.person_id != person.id:
            raise ValueError("a registration of someone else")
        changed = correct_details(registration, changes, now) or changed
    if not upcoming:
        changed = correct_details_of(person, changes, now)
        db.session.flush()
    return changed


def correct_details_of(person: Person, changes: DetailChanges, now: datetime) -> bool:
    changed = False
    for field in PERSON_FIELDS:
        value = getattr(changes, field)
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed = True
    if changed:
        person.updated_at = now
    return changed


def lock_session(session_id: int) -> EventSession | None:
    """Load a session with its row locked until the transaction ends.

    PostgreSQL takes a row lock (FOR UPDATE); SQLite's writing transactions hold
    the database write lock from BEGIN IMMEDIATE (see eventsite.db; a lock="late"
    view's transaction takes it here).
    """
    start_writing(db.session)
    return db.session.execute(_LOCK_SESSION, {"session_id": session_id}).scalar_one_or_none()


# The statements of every sign-up are built once: SQLAlchemy then reuses their cache
# keys, which it would otherwise work out again for each new statement object.
_LOCK_SESSION = (
    select(EventSession)
    .where(EventSession.id == bindparam("session_id"))
    .with_for_update()
    # The row may already be in the identity map from before the lock (the event
    # page's session list); without this its capacity would be that older read.
    .execution_options(populate_existing=True)
)
# What a sign-up decides on, read under the lock: plain columns, no ORM object to refresh.
_LOCK_SEATS = (
    select(EventSession.capacity, EventSession.starts_at, EventSession.cancelled_at)
    .where(EventSession.id == bindparam("session_id"))
    .with_for_update()
)
_SEAT_COUNTS = select(
    func.count().filter(Registration.status == RegistrationStatus.CONFIRMED),
    func.count().filter(Registration.status == RegistrationStatus.WAITLISTED),
).where(Registration.session_id == bindparam("session_id"))


# The rest of what a sign-up decides on, in one query under that lock (one round
# trip on PostgreSQL): the confirmed count, whether anyone waits (not how many: the waiting
# list may be long, the confirmed count is at most the capacity), and whether the
# person already holds a place on the event. Unlimited sessions need only the last.
_HELD = (
    select(Registration.id)
    .where(
        Registration.person_id == bindparam("person_id"),
        Registration.event_id == bindparam("event_id"),
        Registration.active_slot == bindparam("slot"),
    )
    .exists()
)
_SIGNUP_FACTS = select(
    select(func.count())
    .where(Registration.session_id == bindparam("session_id"), Registration.status == RegistrationStatus.CONFIRMED)
    .scalar_subquery(),
    select(Registration.id)
    .where(Registration.session_id == bindparam("session_id"), Registration.status == RegistrationStatus.WAITLISTED)
    .exists(),
    _HELD,
)
_SIGNUP_FACTS_UNLIMITED = select(_HELD)


def _person_upsert(update: bool = True):
    """INSERT ... ON CONFLICT (organisation, email) DO UPDATE ... RETURNING the row.

    With update=False an existing person keeps what is stored (the no-op SET only
    makes the row come back, still in one statement): an anonymous sign-up must
    never rewrite a member's record.

    The same SQL on SQLite (3.35+) and PostgreSQL. Written as text because
    SQLAlchemy cannot cache its dialects' ON CONFLICT constructs (it would compile
    the statement again for every sign-up); bound and returned columns carry the
    table's types all the same.
    """
    people = Person.__table__
    given = (
        "organisation_id",
        "email",
        "name",
        "job_title",
        "workplace",
        "municipality_code",
        "created_at",
        "updated_at",
        "feed_key",
    )
    # onupdate defaults do not apply to ON CONFLICT: updated_at is among the values.
    updated = ("name", "job_title", "workplace", "municipality_code", "updated_at")
    assignments = ", ".join(f"{name} = excluded.{name}" for name in updated) if update else "email = people.email"
    return (
        text(
            f"INSERT INTO people ({', '.join(given)}) VALUES ({', '.join(':' + name for name in given)}) "
            f"ON CONFLICT (organisation_id, email) DO UPDATE SET {assignments} "
            f"RETURNING {', '.join(column.name for column in people.c)}"
        )
        .bindparams(*(bindparam(name, type_=people.c[name].type) for name in given))
        .columns(*people.c)
    )


_PERSON_UPSERT = _person_upsert()
_PERSON_INSERT_OR_KEEP = _person_upsert(update=False)
_INSERT_REGISTRATION = Registration.__table__.insert().returning(*Registration.__table__.c)


def seat_counts(session: EventSession) -> SeatCounts:
    """Confirmed and waiting counts of one session, read now."""
    confirmed, waitlisted = db.session.execute(_SEAT_COUNTS, {"session_id": session.id}).one()
    return SeatCounts(session.capacity, confirmed, waitlisted)


def seat_counts_for(session_ids: list[int]) -> dict[int, SeatCounts]:
    """Counts for many sessions in one query (for listings; not for decisions)."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(
            EventSession.id,
            EventSession.capacity,
            func.count(Registration.id).filter(Registration.status == RegistrationStatus.CONFIRMED),
            func.count(Registration.id).filter(Registration.status == RegistrationStatus.WAITLISTED),
            func.count(Registration.id).filter(Registration.status.in_(ACTIVE), Registration.held_until.is_not(None)),
        )
        .outerjoin(Registration, Registration.session_id == EventSession.id)
        .where(EventSession.id.in_(session_ids))
        .group_by(EventSession.id, EventSession.capacity)
    ).all()
    return {sid: SeatCounts(cap, conf, wait, held) for sid, cap, conf, wait, held in rows}


def _slot_for(event: Event, session: EventSession) -> int:
    return session.id if event.allows_multiple_sessions else 0


def check_session_open_for_signup(session: EventSession, now: datetime, *, by_organiser: bool = False) -> None:
    """Refuse sign-ups for cancelled, started or closed sessions.

    An organiser (a phone sign-up) may add people outside the sign-up window.
    """
    _check_open(session.event, session.starts_at, session.is_cancelled, now, by_organiser)


def open_for_signup(event: Event, now: datetime) -> bool:
    """Whether a visitor could sign up for any session of the event right now."""
    for session in event.active_sessions:
        try:
            check_session_open_for_signup(session, now)
        except RegistrationError:
            continue
        return True
    return False


def _check_open(event: Event, starts_at: datetime, session_cancelled: bool, now: datetime, by_organiser: bool) -> None:
    if session_cancelled or event.is_cancelled or not event.published:
        raise RegistrationError(_l("This event has been cancelled or is not open for sign-up."))
    if starts_at <= now:
        raise RegistrationError(_l("This session has already taken place."))
    if by_organiser:
        return
    if event.registration_opens_at and now < event.registration_opens_at:
        raise RegistrationError(_l("Sign-up has not opened yet."))
    if event.registration_closes_at and now > event.registration_closes_at:
        raise RegistrationError(_l("The sign-up deadline has passed."))


def _upsert_person(organisation_id: int, details: PersonDetails, now: datetime, update: bool) -> Person:
    """The organisation's person with this email, added (or updated, if `update`) in one statement."""
    values = {
        "organisation_id": organisation_id,
        "email": details.email.strip().lower(),
        "name": details.name,
        "job_title": details.job_title,
        "workplace": details.workplace,
        "municipality_code": details.municipality_code or None,
        "created_at": now,
        "updated_at": now,
        "feed_key": new_token_key(),
    }
    row = db.session.connection().execute(_PERSON_UPSERT if update else _PERSON_INSERT_OR_KEEP, values).one()
    return as_loaded(db.session, Person, row._mapping)


def register(
    session_id: int,
    details: PersonDetails,
    *,
    comment: str = "",
    dietary_needs: str = "",
    now: datetime | None = None,
    by_organiser: bool = False,
    update_person: bool | None = None,
    held_until: datetime | None = None,
    held_details: str | None = None,
) -> Registration:
    """Sign a person up for a session: a seat if one is free, else the waiting list.

    The stored details of a person who exists already are updated only when the
    sign-up is identified (`update_person`; by default only an organiser's): an
    anonymous form must not rewrite someone else's name, job title or workplace.

    The person and the registration are written with one Core statement each
    (RETURNING the row, which becomes the ORM object without another query). A place
    already held is refused with the seat counts' query; between two simultaneous
    sign-ups of one person for different sessions, the unique constraint on
    registrations refuses the second (IntegrityError).

    Finding the person comes before the session is locked, so concurrent sign-ups
    for the session wait for each other as briefly as possible; the seat decision
    reads capacity and counts under the lock.

    `held_until`: the place is held for an anonymous sign-up until then (see
    eventsite.registration.holds), with the typed `held_details`; it is decided
    (seat or waiting list) now, under the same lock, and in the same INSERT.
    """
    now = now or utcnow()
    # SQLite: the write lock, before anything is changed (see eventsite.db; it
    # refuses a lock="late" unit of work that changed rows before this point).
    start_writing(db.session)
    # The statements below run on the connection, past the ORM's autoflush: changes
    # a caller made before must be in the database before the counts are read.
    db.session.flush()
    # Usually already loaded with the event page; only the locked read below decides.
    unlocked = db.session.get(EventSession, session_id)
    if unlocked is None:
        raise LookupError(session_id)
    event = unlocked.event
    person = _upsert_person(
        event.organisation_id, details, now, by_organiser if update_person is None else update_person
    )

    connection = db.session.connection()
    capacity_now, starts_at, cancelled_at = connection.execute(_LOCK_SEATS, {"session_id": session_id}).one()
    _check_open(event, starts_at, cancelled_at is not None, now, by_organiser)
    slot = _slot_for(event, unlocked)
    params = {"session_id": session_id, "person_id": person.id, "event_id": event.id, "slot": slot}
    if capacity_now is None:
        confirmed, anyone_waiting = 0, False
        held = connection.execute(_SIGNUP_FACTS_UNLIMITED, params).scalar_one()
    else:
        confirmed, anyone_waiting, held = connection.execute(_SIGNUP_FACTS, params).one()
    if held:
        raise AlreadySignedUp()
    status = capacity.seat_for_newcomer(capacity_now, confirmed, anyone_waiting)
    values = {
        "event_id": event.id,
        "session_id": session_id,
        "person_id": person.id,
        "status": status,
        "active_slot": slot,
        "comment": comment,
        "created_at": now,
        "updated_at": now,
        "confirmed_at": now if status is RegistrationStatus.CONFIRMED else None,
        "waitlisted_at": now if status is RegistrationStatus.WAITLISTED else None,
        "held_until": held_until,
        "hold_key": new_token_key() if held_until is not None else None,
        "held_details": held_details,
    }
    # A place taken meanwhile by the same person's sign-up for another session of
    # the event fails here, on the unique constraint (IntegrityError).
    row = connection.execute(_INSERT_REGISTRATION, values).one()
    registration = as_loaded(
        db.session, Registration, row._mapping, related={"event": event, "session": unlocked, "person": person}
    )
    if dietary_needs:
        db.session.add(DietaryNote(registration_id=registration.id, text=dietary_needs))
        db.session.flush()
    outcome = "held" if held_until is not None else status.value
    metrics.count_on_commit(db.session, metrics.SIGNUPS.labels(outcome))
    return registration


def promote_waitlisted(session: EventSession, now: datetime | None = None) -> list[Registration]:
    """Give free seats to the head of the waiting list, in order. Session must be locked."""
    now = now or utcnow()
    count = capacity.promotions_available(seat_counts(session))
    if count == 0:
        return []
    promoted = list(
        db.session.execute(
            select(Registration)
            .where(
                Registration.session_id == session.id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.waitlisted_at, Registration.id)
            .limit(count)
        ).scalars()
    )
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
    db.session.flush()
    return promoted


def cancel(
    registration: Registration,
    now: datetime | None = None,
    *,
    fill_seat: bool = True,
    by_organiser: bool = False,
) -> list[Registration]:
    """Cancel a place; a freed seat goes to the first on the waiting list.

    With fill_seat=False (organisers only) the seat is kept free, to be given to
    someone chosen from the waiting list. After the event's cancellation deadline
    only an organiser may cancel.
    """
    now = now or utcnow()
    session = lock_session(registration.session_id)
    db.session.refresh(registration)
    if registration.status is RegistrationStatus.CANCELLED:
        return []
    _check_self_service(registration.event, now, by_organiser)
    registration.status = RegistrationStatus.CANCELLED
    registration.active_slot = None
    registration.cancelled_at = now
    db.session.flush()
    metrics.count_on_commit(db.session, metrics.CANCELLATIONS.labels("organiser" if by_organiser else "participant"))
    return promote_waitlisted(session, now) if fill_seat else []


def reinstate(registration: Registration, now: datetime | None = None) -> Registration:
    """Give a cancelled place back, as a newcomer would get one: a seat if one is free and
    nobody waits, else the end of the waiting list (the session locked while deciding; flushes).

    For a cancellation that is taken back (a meeting's afbud withdrawn before it starts);
    refused if the person holds another place on the event meanwhile.
    """
    now = now or utcnow()
    session = lock_session(registration.session_id)
    db.session.refresh(registration)
    if session is None:
        raise LookupError(registration.session_id)
    if registration.status is not RegistrationStatus.CANCELLED:
        return registration
    event = registration.event
    slot = _slot_for(event, session)
    held = db.session.execute(
        select(Registration.id).where(
            Registration.person_id == registration.person_id,
            Registration.event_id == event.id,
            Registration.active_slot == slot,
        )
    ).first()
    if held is not None:
        raise AlreadySignedUp()
    status = capacity.status_for_new_signup(seat_counts(session))
    registration.status = status
    registration.active_slot = slot
    registration.cancelled_at = None
    registration.confirmed_at = now if status is RegistrationStatus.CONFIRMED else None
    registration.waitlisted_at = now if status is RegistrationStatus.WAITLISTED else None
    registration.updated_at = now
    db.session.flush()
    return registration


def move(
    registration: Registration,
    target_session_id: int,
    now: datetime | None = None,
    *,
    by_organiser: bool = False,
    give_up_seat: bool = False,
) -> list[Registration]:
    """Move a place to another session of the same event.

    The person keeps a seat if the target has one free; otherwise they join its
    waiting list at the place their original sign-up time gives them (the list is
    ordered by when people signed up for the event, ties by registration id), so a
    move never sends someone to the back of the queue. A confirmed place is given up
    for a waiting-list place only with `give_up_seat` (the person said yes to it);
    without it, SeatWouldBeLost says which number they would be. The seat left
    behind goes to that session's waiting list. Sessions are locked in id order so
    two opposite moves cannot deadlock.
    """
    now = now or utcnow()
    if target_session_id == registration.session_id:
        raise RegistrationError(_l("You are already signed up for this session."))
    locked = {}
    for sid in sorted({registration.session_id, target_session_id}):
        locked[sid] = lock_session(sid)
    target = locked[target_session_id]
    source = locked[registration.session_id]
    db.session.refresh(registration)
    if target is None or target.event_id != registration.event_id:
        raise RegistrationError(_l("That session does not belong to this event."))
    if registration.status is RegistrationStatus.CANCELLED:
        raise RegistrationError(_l("This registration has been cancelled."))
    check_session_open_for_signup(target, now, by_organiser=by_organiser)
    event = registration.event
    _check_self_service(event, now, by_organiser)
    if event.allows_multiple_sessions:
        clash = db.session.execute(
            select(Registration.id).where(
                Registration.person_id == registration.person_id,
                Registration.event_id == event.id,
                Registration.active_slot == target.id,
            )
        ).first()
        if clash:
            raise RegistrationError(_l("You are already signed up for this session."))

    status = capacity.status_for_new_signup(seat_counts(target))
    if (
        status is RegistrationStatus.WAITLISTED
        and registration.status is RegistrationStatus.CONFIRMED
        and not give_up_seat
    ):
        raise SeatWouldBeLost(position_if_moved(registration, target))
    registration.session_id = target.id
    registration.session = target
    registration.active_slot = _slot_for(event, target)
    registration.status = status
    if status is RegistrationStatus.CONFIRMED:
        registration.confirmed_at = now
        registration.waitlisted_at = None
    else:
        registration.waitlisted_at = queue_time(registration)
    db.session.flush()
    return promote_waitlisted(source, now)


def queue_time(registration: Registration) -> datetime:
    """Where a registration stands in a waiting list: when the person signed up for the event."""
    return registration.created_at


def position_if_moved(registration: Registration, target: EventSession) -> int:
    """The number on `target`'s waiting list this registration would get if moved there."""
    return _position(target.id, queue_time(registration), registration.id)


def _position(session_id: int, queued_at: datetime, registration_id: int) -> int:
    ahead = db.session.execute(
        select(func.count()).where(
            Registration.session_id == session_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.id != registration_id,
            or_(
                Registration.waitlisted_at < queued_at,
                and_(Registration.waitlisted_at == queued_at, Registration.id < registration_id),
            ),
        )
    ).scalar_one()
    return ahead + 1


def waitlist_position(registration: Registration) -> int | None:
    """1-based place in the session's waiting list, or None if not waiting."""
    if registration.status is not RegistrationStatus.WAITLISTED or registration.waitlisted_at is None:
        return None
    return _position(registration.session_id, registration.waitlisted_at, registration.id)
