"""What goes into the public and personal calendar feeds, and their validators.

A feed lists published public events' sessions that have not ended more than
CALENDAR_KEEP_DAYS ago. Cancelled sessions stay for CALENDAR_KEEP_DAYS after the
cancellation, as STATUS:CANCELLED, so subscribed calendars remove them.

The fingerprint (for ETag and Last-Modified) is one aggregate query, so a client
polling an unchanged feed gets its 304 without the feed being built.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import BindParameter, ColumnElement, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload
from werkzeug.datastructures import MultiDict

from eventsite.calendar.entries import PublicSession
from eventsite.events.models import Event, EventKind, EventSession, Organisation, Venue, Visibility
from eventsite.extensions import db
from eventsite.registration.models import Person, Registration, RegistrationStatus

#: Query-string values longer than this cannot be a kind or a region.
FILTER_MAX = 100


@dataclass(frozen=True)
class FeedFilter:
    """`?type=` and `?region=`; a value that names nothing yields an empty feed."""

    kinds: tuple[EventKind, ...] | None = None
    regions: tuple[str, ...] | None = None
    #: True when some value named no kind: nothing can match.
    impossible: bool = False

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> FeedFilter:
        raw_kinds = [value for value in args.getlist("type") if value]
        raw_regions = [value.strip().casefold() for value in args.getlist("region") if value.strip()]
        kinds: list[EventKind] = []
        for value in raw_kinds:
            try:
                kinds.append(EventKind(value.strip().lower()))
            except ValueError:
                pass
        impossible = bool(raw_kinds) and not kinds
        if any(len(value) > FILTER_MAX for value in raw_regions):
            impossible = True
        return cls(
            kinds=tuple(kinds) or None,
            regions=tuple(raw_regions) or None,
            impossible=impossible,
        )

    def key(self) -> str:
        kinds = ",".join(sorted(k.value for k in self.kinds or ()))
        regions = ",".join(sorted(self.regions or ()))
        return f"{kinds}|{regions}|{self.impossible}"


def cutoff(now: datetime) -> datetime:
    """Start of today (UTC) minus the keep period: the feed changes at most daily by itself."""
    day = now.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=current_app.config["CALENDAR_KEEP_DAYS"])


def _public_conditions(by_organisation: bool, by_kind: bool) -> list[ColumnElement[bool]]:
    """WHERE clauses with bind parameters: since, and organisation_id / kinds if used."""
    since: BindParameter[datetime] = bindparam("since")
    cancelled_at = func.coalesce(EventSession.cancelled_at, Event.cancelled_at)
    conditions = [
        Event.published.is_(True),
        Event.visibility == Visibility.PUBLIC,
        EventSession.ends_at > since,
        or_(and_(EventSession.cancelled_at.is_(None), Event.cancelled_at.is_(None)), cancelled_at > since),
    ]
    if by_organisation:
        conditions.append(Event.organisation_id == bindparam("organisation_id"))
    if by_kind:
        conditions.append(Event.kind.in_(bindparam("kinds", expanding=True)))
    return conditions


# The statements are built once per shape and reused: SQLAlchemy then compiles them
# once and skips rebuilding them per request, which is most of a 304's cost.


@lru_cache(maxsize=None)
def _sessions_statement(by_organisation: bool, by_kind: bool) -> Select[Any]:
    return (
        select(
            EventSession.id,
            EventSession.starts_at,
            EventSession.ends_at,
            EventSession.sequence,
            EventSession.cancelled_at,
            EventSession.updated_at,
            Event.id,
            Event.title,
            Event.kind,
            Event.description,
            Event.target_group,
            Event.updated_at,
            Event.cancelled_at,
            Organisation.name,
            Organisation.sender_email,
            Venue.name,
            Venue.address,
            Venue.postcode,
            Venue.city,
            Venue.municipality_code,
        )
        .join(Event, Event.id == EventSession.event_id)
        .join(Organisation, Organisation.id == Event.organisation_id)
        .outerjoin(Venue, Venue.id == EventSession.venue_id)
        .where(*_public_conditions(by_organisation, by_kind))
        .order_by(EventSession.starts_at, EventSession.id)
    )


@lru_cache(maxsize=None)
def _fingerprint_statement(by_organisation: bool, by_kind: bool) -> Select[Any]:
    return (
        select(
            func.count(EventSession.id),
            func.coalesce(func.sum(EventSession.sequence), 0),
            func.max(EventSession.id),
            func.max(EventSession.updated_at),
            func.max(Event.updated_at),
            func.max(EventSession.cancelled_at),
            func.max(Event.cancelled_at),
        )
        .join(Event, Event.id == EventSession.event_id)
        .where(*_public_conditions(by_organisation, by_kind))
    )


def _parameters(organisation_id: int | None, feed_filter: FeedFilter, now: datetime) -> dict[str, Any]:
    parameters: dict[str, Any] = {"since": cutoff(now)}
    if organisation_id is not None:
        parameters["organisation_id"] = organisation_id
    if feed_filter.kinds:
        parameters["kinds"] = list(feed_filter.kinds)
    return parameters


def public_sessions(organisation_id: int | None, feed_filter: FeedFilter, now: datetime) -> list[PublicSession]:
    """Sessions of an organisation's (or every organisation's) public feed, by start."""
    if feed_filter.impossible:
        return []
    statement = _sessions_statement(organisation_id is not None, bool(feed_filter.kinds))
    rows = db.session.execute(statement, _parameters(organisation_id, feed_filter, now))
    sessions = [PublicSession(*row) for row in rows]
    if feed_filter.regions:
        wanted = set(feed_filter.regions)
        sessions = [s for s in sessions if s.region and s.region.casefold() in wanted]
    return sessions


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime


class FeedOrganisation(Protocol):
    """What a feed needs of its organisation: a row of the slug query, or the model."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def sender_email(self) -> str | None: ...


#: Every organisation's ORGANIZER (name and sender address): what the site-wide feed
#: shows of them, so a rename changes its ETag. Organisations are few.
_ORGANIZERS = select(Organisation.id, Organisation.name, Organisation.sender_email).order_by(Organisation.id)


def public_validators(organisation: FeedOrganisation | None, feed_filter: FeedFilter, now: datetime) -> Validators:
    """ETag and Last-Modified of a public feed, from one aggregate query.

    `organisation` has id, name, created_at and sender_email (a row or the model), or is
    None for the site-wide feed, whose ETag then covers every organisation's ORGANIZER.
    """
    organisation_id = organisation.id if organisation else None
    statement = _fingerprint_statement(organisation_id is not None, bool(feed_filter.kinds))
    parameters = _parameters(organisation_id, feed_filter, now)
    count, sequences, max_id, *changed = db.session.execute(statement, parameters).one()
    changes = [value for value in changed if value is not None]
    if organisation is not None:
        changes.append(organisation.created_at)
    last_modified = max(changes) if changes else datetime(2020, 1, 1, tzinfo=timezone.utc)
    identity = (
        count,
        sequences,
        max_id,
        [c.isoformat() for c in changes],
        parameters["since"].isoformat(),
        feed_filter.key(),
        (organisation.name, organisation.sender_email)
        if organisation
        else [tuple(row) for row in db.session.execute(_ORGANIZERS)],
        current_app.config["BASE_URL"],
    )
    digest = hashlib.sha1(repr(identity).encode("utf-8")).hexdigest()[:24]
    return Validators(etag=digest, last_modified=last_modified)


def personal_registrations(person: Person, now: datetime) -> list[Registration]:
    """A person's active registrations for the personal feed (cancelled sessions for a while)."""
    since = cutoff(now)
    cancelled_at = func.coalesce(EventSession.cancelled_at, Event.cancelled_at)
    query = (
        select(Registration)
        .join(Registration.session)
        .join(Registration.event)
        .where(
            Registration.person_id == person.id,
            Registration.status.in_((RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)),
            EventSession.ends_at > since,
            or_(and_(EventSession.cancelled_at.is_(None), Event.cancelled_at.is_(None)), cancelled_at > since),
        )
        .options(
            contains_eager(Registration.session).selectinload(EventSession.venue),
            contains_eager(Registration.session).selectinload(EventSession.programme),
            contains_eager(Registration.event).selectinload(Event.organisation),
            selectinload(Registration.person),
        )
        .order_by(EventSession.starts_at, Registration.id)
    )
    return list(db.session.execute(query).unique().scalars())
