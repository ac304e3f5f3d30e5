"""Back-office changes to events, sessions, programme items and venues.

Each function checks the change, applies it, writes an audit entry and flushes;
none commits (the request does, once). Refusals raise EditError with a message
for the organiser and, where it belongs to one field, that field's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from eventsite.audit import changed_only, record_audit, snapshot
from eventsite.db import utcnow
from eventsite.events import programme
from eventsite.events.models import Event, EventKind, EventSession, ProgrammeItem, Venue, Visibility
from eventsite.extensions import db
from eventsite.formatting import format_clock
from eventsite.geo import municipality
from eventsite.meetings.files import delete_files_of_session
from eventsite.registration.capacity import capacity_change_allowed
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.registration.operations import ACTIVE, lock_session, promote_waitlisted, seat_counts
from eventsite.web import UserError

TITLE_MAX = 200


class EditError(UserError):
    """A refused change, with a message for the organiser."""


class ConfirmationNeeded(Exception):
    """Time or venue of a session with registrations changes: ask before telling them."""

    def __init__(self, affected: int, changes: dict[str, tuple[Any, Any]]) -> None:
        super().__init__(f"{affected} registrations affected")
        self.affected = affected
        self.changes = changes


# --- events -----------------------------------------------------------------------

EVENT_FIELDS = (
    "title",
    "kind",
    "description",
    "target_group",
    "visibility",
    "registration_opens_at",
    "registration_closes_at",
    "cancellation_deadline",
    "allows_multiple_sessions",
    "colleague_limit",
    "participant_list",
)


@dataclass
class EventData:
    title: str
    kind: EventKind
    description: str = ""
    target_group: str = ""
    visibility: Visibility = Visibility.PUBLIC
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    cancellation_deadline: datetime | None = None
    allows_multiple_sessions: bool = False
    colleague_limit: int | None = None
    #: "Deltagerliste for deltagere": consenting participants see each other (registration.consent).
    participant_list: bool = False


def _check_event(data: EventData) -> None:
    title = (data.title or "").strip()
    if not title:
        raise EditError(_l("Enter a title."), "title")
    if len(title) > TITLE_MAX:
        raise EditError(_l("At most %(max)d characters.", max=TITLE_MAX), "title")
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if opens and closes and closes <= opens:
        raise EditError(_l("The sign-up deadline must be after sign-up opens."), "registration_closes_at")


def active_registration_count(*, event_id: int | None = None, session_id: int | None = None) -> int:
    query = select(func.count(Registration.id)).where(Registration.status.in_(ACTIVE))
    if event_id is not None:
        query = query.where(Registration.event_id == event_id)
    if session_id is not None:
        query = query.where(Registration.session_id == session_id)
    return db.session.execute(query).scalar_one()


def create_event(organisation_id: int, data: EventData) -> Event:
    """A new, unpublished event."""
    _check_event(data)
    event = Event(
        organisation_id=organisation_id, published=False, **{name: getattr(data, name) for name in EVENT_FIELDS}
    )
    event.title = event.title.strip()
    db.session.add(event)
    db.session.flush()
    record_audit(organisation_id, "event", event.id, "created", after=snapshot(event, EVENT_FIELDS))
    return event


def update_event(event: Event, data: EventData) -> dict[str, Any]:
    """Change an event's details; returns the changed fields' new values."""
    _check_event(data)
    if data.allows_multiple_sessions != event.allows_multiple_sessions and active_registration_count(event_id=event.id):
        # The one-place-per-person guarantee (active_slot) is stored per registration.
        raise EditError(
            _l("Whether people may sign up for several sessions cannot be changed once people have signed up."),
            "allows_multiple_sessions",
        )
    before = snapshot(event, EVENT_FIELDS)
    for name in EVENT_FIELDS:
        setattr(event, name, getattr(data, name))
    event.title = event.title.strip()
    db.session.flush()
    old, new = changed_only(before, snapshot(event, EVENT_FIELDS))
    if new:
        record_audit(event.organisation_id, "event", event.id, "updated", before=old, after=new)
    return new


def publish_event(event: Event) -> None:
    """Make the event visible (and open for sign-up, within its dates)."""
    if event.is_cancelled:
        raise EditError(_l("A cancelled event cannot be published."))
    if not event.active_sessions:
        raise EditError(_l("Add at least one session before publishing the event."))
    if event.published:
        return
    event.published = True
    db.session.flush()
    record_audit(
        event.organisation_id, "event", event.id, "published", before={"published": False}, after={"published": True}
    )


def unpublish_event(event: Event) -> None:
    """Hide the event from the public pages; registrations are kept."""
    if not event.published:
        return
    event.published = False
    db.session.flush()
    record_audit(
        event.organisation_id, "event", event.id, "unpublished", before={"published": True}, after={"published": False}
    )


def cancel_event(event: Event, now: datetime | None = None) -> list[EventSession]:
    """Cancel the whole event; returns the sessions whose calendar entries change."""
    now = now or utcnow()
    if event.is_cancelled:
        raise EditError(_l("The event is already cancelled."))
    event.cancelled_at = now
    changed = []
    for session in event.sessions:
        if not session.is_cancelled:
            session.sequence += 1
            changed.append(session)
    db.session.flush()
    record_audit(event.organisation_id, "event", event.id, "cancelled", after={"cancelled_at": now})
    return changed


# --- sessions ---------------------------------------------------------------------

SESSION_FIELDS = ("venue_id", "starts_at", "ends_at", "capacity", "online_url")
#: Changes the registered people must be told about (and that raise the iCal SEQUENCE):
#: time, venue, and the meeting link, which is the place of an online session.
TIME_OR_PLACE = ("venue_id", "starts_at", "ends_at", "online_url")


@dataclass
class SessionData:
    venue_id: int | None
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    online_url: str | None = None


@dataclass
class SessionUpdate:
    """What update_session changed, for the view and for notifications."""

    session: EventSession
    #: field -> (old, new), only for fields that changed.
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    #: Waiting-list registrations that got a seat because capacity was raised.
    promoted: list[Registration] = field(default_factory=list)
    #: Active registrations at the time of the change (who must be told).
    affected: int = 0

    @property
    def time_or_place_changed(self) -> bool:
        return any(name in self.changes for name in TIME_OR_PLACE)


def _check_session(event: Event, data: SessionData, now: datetime, *, check_past: bool) -> None:
    if event.is_cancelled:
        raise EditError(_l("The event is cancelled; its sessions can no longer be changed."))
    if data.starts_at is None or data.ends_at is None:
        raise EditError(_l("Enter a date and a start and end time."), "day")
    if data.ends_at <= data.starts_at:
        raise EditError(_l("The session must end after it starts."), "end_time")
    if check_past and data.starts_at <= now:
        raise EditError(_l("The session cannot start in the past."), "day")
    if data.capacity is not None and data.capacity < 0:
        raise EditError(_l("The number of seats cannot be negative."), "capacity")
    if data.venue_id is not None:
        venue = db.session.get(Venue, data.venue_id)
        if venue is None or venue.organisation_id != event.organisation_id:
            raise EditError(_l("Choose one of the organisation's venues."), "venue_id")


def add_session(event: Event, data: SessionData, now: datetime | None = None) -> EventSession:
    """A new session (holding) of the event."""
    now = now or utcnow()
    _check_session(event, data, now, check_past=True)
    session = EventSession(event=event, sequence=0, **{name: getattr(data, name) for name in SESSION_FIELDS})
    db.session.add(session)
    db.session.flush()
    record_audit(
        event.organisation_id,
        "session",
        session.id,
        "created",
        after=snapshot(session, SESSION_FIELDS) | {"event_id": event.id},
    )
    return session


def update_session(
    session_id: int, data: SessionData, *, confirmed: bool = False, now: datetime | None = None
) -> SessionUpdate:
    """Change time, venue, capacity or link of a session, under its row lock.

    Raising capacity gives seats to the waiting list in order; lowering it below the
    confirmed count is refused. A new time, venue or meeting link for a session with
    registrations raises ConfirmationNeeded unless `confirmed`; when applied it raises
    the session's iCal SEQUENCE and is recorded, so the people can be told (the caller
    queues that with notifications.notify_session_changed).
    """
    now = now or utcnow()
    session = lock_session(session_id)
    if session is None:
        raise LookupError(session_id)
    if session.is_cancelled:
        raise EditError(_l("The session is cancelled and can no longer be changed."))
    before = snapshot(session, SESSION_FIELDS)
    proposed = {name: getattr(data, name) for name in SESSION_FIELDS}
    changes = {
        name: (getattr(session, name), value) for name, value in proposed.items() if getattr(session, name) != value
    }
    time_changed = "starts_at" in changes or "ends_at" in changes
    _check_session(session.event, data, now, check_past=time_changed)
    counts = seat_counts(session)
    if "capacity" in changes and not capacity_change_allowed(data.capacity, counts):
        raise EditError(
            _l(
                "%(num)d people already have a confirmed seat, so the session cannot have fewer seats. "
                "Cancel or move registrations first.",
                num=counts.confirmed,
            ),
            "capacity",
        )
    affected = counts.confirmed + counts.waitlisted
    update = SessionUpdate(session=session, changes=changes, affected=affected)
    if update.time_or_place_changed and affected and not confirmed:
        raise ConfirmationNeeded(affected, changes)
    for name, (_old, new) in changes.items():
        setattr(session, name, new)
    if update.time_or_place_changed:
        session.sequence += 1
    db.session.flush()
    if changes:
        old, new = changed_only(before, snapshot(session, SESSION_FIELDS))
        if update.time_or_place_changed:
            new["sequence"] = session.sequence
            new["affected_registrations"] = affected
        record_audit(session.event.organisation_id, "session", session.id, "updated", before=old, after=new)
    update.promoted = promote_waitlisted(session, now)
    for registration in update.promoted:
        record_audit(
            session.event.organisation_id,
            "registration",
            registration.id,
            "promoted",
            before={"status": RegistrationStatus.WAITLISTED.value},
            after={"status": RegistrationStatus.CONFIRMED.value, "reason": "capacity raised"},
        )
    return update


def cancel_session(session_id: int, now: datetime | None = None) -> EventSession:
    """Cancel one session; its registrations stay, so the people can be told."""
    now = now or utcnow()
    session = lock_session(session_id)
    if session is None:
        raise LookupError(session_id)
    if session.is_cancelled:
        raise EditError(_l("The session is already cancelled."))
    session.cancelled_at = now
    session.sequence += 1
    db.session.flush()
    record_audit(
        session.event.organisation_id,
        "session",
        session.id,
        "cancelled",
        after={
            "cancelled_at": now,
            "sequence": session.sequence,
            "affected_registrations": active_registration_count(session_id=session.id),
        },
    )
    return session


def delete_session(session: EventSession) -> None:
    """Delete a session that nobody ever signed up for (otherwise: cancel it)."""
    has_registrations = db.session.execute(
        select(Registration.id).where(Registration.session_id == session.id).limit(1)
    ).first()
    if has_registrations:
        raise EditError(_l("People have signed up for this session, so it cannot be deleted. Cancel it instead."))
    record_audit(
        session.event.organisation_id, "session", session.id, "deleted", before=snapshot(session, SESSION_FIELDS)
    )
    for item in list(session.programme):
        db.session.delete(item)
    # Its bilag's rows go with the session (ON DELETE CASCADE); their files after the commit.
    delete_files_of_session(session)
    db.session.delete(session)
    db.session.flush()


# --- programme items ----------------------------------------------------------------

ITEM_FIELDS = ("starts_at", "ends_at", "title", "speaker", "description")


@dataclass(frozen=True)
class ItemData:
    """A programme item as the organiser typed it (local wall-clock times)."""

    starts_at: time
    title: str
    ends_at: time | None = None
    speaker: str = ""
    description: str = ""


def _session_window(session: EventSession) -> str:
    return f"{format_clock(session.local_start)}–{format_clock(session.local_end)}"


def _check_item(session: EventSession, data: ItemData) -> None:
    if not (data.title or "").strip():
        raise EditError(_l("Enter a title."), "title")
    if len(data.title.strip()) > TITLE_MAX:
        raise EditError(_l("At most %(max)d characters.", max=TITLE_MAX), "title")
    start, end = session.local_start, session.local_end
    outside = _l("The item must lie within the session's time (%(window)s).", window=_session_window(session))
    if not programme.fits(start, end, data.starts_at, None):
        raise EditError(outside, "starts_at")
    if data.ends_at is None:
        return
    crosses_midnight = start.date() != end.date()
    if data.ends_at == data.starts_at or (not crosses_midnight and data.ends_at < data.starts_at):
        raise EditError(_l("The end must be after the start."), "ends_at")
    if not programme.fits(start, end, data.starts_at, data.ends_at):
        raise EditError(outside, "ends_at")


def _apply_item(item: ProgrammeItem, data: ItemData) -> None:
    item.starts_at, item.ends_at = data.starts_at, data.ends_at
    item.title, item.speaker = data.title.strip(), (data.speaker or "").strip()
    item.description = (data.description or "").strip()


def add_programme_item(session: EventSession, data: ItemData) -> ProgrammeItem:
    """A programme point of a session, at local wall-clock times within the session."""
    _check_item(session, data)
    item = ProgrammeItem(session=session)
    _apply_item(item, data)
    db.session.add(item)
    db.session.flush()
    record_audit(
        session.event.organisation_id,
        "programme_item",
        item.id,
        "created",
        after=snapshot(item, ITEM_FIELDS) | {"session_id": session.id},
    )
    return item


def update_programme_item(item: ProgrammeItem, data: ItemData) -> None:
    _check_item(item.session, data)
    before = snapshot(item, ITEM_FIELDS)
    _apply_item(item, data)
    db.session.flush()
    old, new = changed_only(before, snapshot(item, ITEM_FIELDS))
    if new:
        record_audit(item.session.event.organisation_id, "programme_item", item.id, "updated", before=old, after=new)


def delete_programme_item(item: ProgrammeItem) -> None:
    record_audit(
        item.session.event.organisation_id,
        "programme_item",
        item.id,
        "deleted",
        before=snapshot(item, ITEM_FIELDS) | {"session_id": item.session_id},
    )
    db.session.delete(item)
    db.session.flush()


@dataclass(frozen=True)
class CopyResult:
    sessions: int
    #: Items that did not fit a shorter session, as (session, item title).
    left_out: list[tuple[EventSession, str]]


def copy_programme(source: EventSession) -> CopyResult:
    """Copy a session's programme to the event's other active sessions.

    Their own programme is replaced. Times follow each session's start: an item 30
    minutes after the start stays 30 minutes after it. An item that would end after
    a shorter session is left out and reported.
    """
    targets = [s for s in source.event.active_sessions if s.id != source.id]
    left_out: list[tuple[EventSession, str]] = []
    for target in targets:
        for item in list(target.programme):
            delete_programme_item(item)
        delta = target.local_start.replace(tzinfo=None) - source.local_start.replace(tzinfo=None)
        # The date part of delta is irrelevant for wall-clock times: keep the time of day.
        delta = timedelta(seconds=delta.seconds)
        for item in source.programme:
            data = ItemData(
                starts_at=programme.shift(item.starts_at, delta),
                ends_at=programme.shift(item.ends_at, delta),
                title=item.title,
                speaker=item.speaker,
                description=item.description,
            )
            try:
                add_programme_item(target, data)
            except EditError:
                left_out.append((target, item.title))
    db.session.flush()
    return CopyResult(len(targets), left_out)


def items_outside(session: EventSession) -> list[ProgrammeItem]:
    """Programme items that no longer lie within the session's time (after it moved)."""
    return [
        item
        for item in session.programme
        if not programme.fits(session.local_start, session.local_end, item.starts_at, item.ends_at)
    ]


# --- venues -------------------------------------------------------------------------

VENUE_FIELDS = ("name", "address", "postcode", "city", "municipality_code")


@dataclass
class VenueData:
    name: str
    address: str
    postcode: str
    city: str
    municipality_code: str


def _check_venue(data: VenueData) -> None:
    for name in VENUE_FIELDS:
        if not (getattr(data, name) or "").strip():
            raise EditError(_l("Fill in every field."), name)
    if municipality(data.municipality_code) is None:
        raise EditError(_l("Choose a municipality."), "municipality_code")


def create_venue(organisation_id: int, data: VenueData) -> Venue:
    """A venue the organisation can hold sessions at."""
    _check_venue(data)
    venue = Venue(organisation_id=organisation_id, **{name: getattr(data, name).strip() for name in VENUE_FIELDS})
    db.session.add(venue)
    db.session.flush()
    record_audit(organisation_id, "venue", venue.id, "created", after=snapshot(venue, VENUE_FIELDS))
    return venue


def update_venue(venue: Venue, data: VenueData) -> dict[str, Any]:
    """Change a venue's details; returns the changed fields' new values."""
    _check_venue(data)
    before = snapshot(venue, VENUE_FIELDS)
    for name in VENUE_FIELDS:
        setattr(venue, name, getattr(data, name).strip())
    db.session.flush()
    old, new = changed_only(before, snapshot(venue, VENUE_FIELDS))
    if new:
        record_audit(venue.organisation_id, "venue", venue.id, "updated", before=old, after=new)
        # The sessions held there now show another place: their change stamp moves, so
        # calendar feeds stop answering 304 with the old location (their ETag and
        # Last-Modified are made from the sessions' stamps).
        db.session.execute(
            update(EventSession)
            .where(EventSession.venue_id == venue.id)
            .values(updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return new
