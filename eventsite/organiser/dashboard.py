"""The organiser's home: attendance per event and venue, with breakdowns.

Everything is read in a fixed number of queries (events with their sessions and
venues, the counts per session, the attendees grouped by municipality and by job
title), however many events an organisation has; Python then folds the rows
together. Regions are derived from the person's municipality on the day of the
session (the 2027 reform), job levels from the job title (see `job_level`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, contains_eager

from eventsite.db import utcnow
from eventsite.events.models import Event, EventSession
from eventsite.extensions import db
from eventsite.geo import region_for

# The member directory's levels, so the dashboard and invitations speak of the same groups.
from eventsite.invitations.models import JobLevel
from eventsite.payments.models import SubsidyRequest, SubsidyStatus
from eventsite.registration.models import Attendance, Person, Registration, RegistrationStatus

#: Job title words, checked in this order; the first that occurs in the title wins.
#: Titles that contain "chef" or "leder" without leading people come first
#: (a chefkonsulent advises, a projektleder leads a project). "souschef" is a deputy
#: and "teamleder"/"afdelingsleder" lead under another leader, so they are middle
#: managers and are tested before "chef" and "leder".
_JOB_LEVEL_WORDS: tuple[tuple[JobLevel, tuple[str, ...]], ...] = (
    (JobLevel.OTHER, ("chefkonsulent", "chefsekretær", "projektleder")),
    (JobLevel.DIREKTOER, ("direktør", "direktor", "director")),
    (
        JobLevel.MELLEMLEDER,
        (
            "mellemleder",
            "souschef",
            "teamleder",
            "afdelingsleder",
            "sektionsleder",
            "funktionsleder",
            "teamkoordinator",
        ),
    ),
    (JobLevel.CHEF, ("chef",)),
    (JobLevel.LEDER, ("leder", "manager", "forstander")),
)


@lru_cache(maxsize=4096)
def job_level(title: str | None) -> JobLevel:
    """The job level a free-text job title belongs to ("Teamleder" → mellemleder)."""
    text = re.sub(r"\s+", " ", (title or "").casefold())
    for level, words in _JOB_LEVEL_WORDS:
        if any(word in text for word in words):
            return level
    return JobLevel.OTHER


#: Bucket for attendees whose municipality we do not know.
UNKNOWN_REGION = _l("Unknown region")


@dataclass
class SessionFigures:
    """One session's numbers (`subsidised`: active registrations with an approved subsidy)."""

    session: EventSession
    capacity: int | None
    confirmed: int = 0
    waitlisted: int = 0
    #: Places held for anonymous sign-ups awaiting their email confirmation (seats or
    #: waiting-list places); `held_seats` of them take a seat.
    held: int = 0
    held_seats: int = 0
    cancelled: int = 0
    checked_in: int = 0
    absent_notified: int = 0
    no_shows: int = 0
    subsidised: int | None = None

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.confirmed - self.held_seats)


@dataclass
class EventFigures:
    event: Event
    sessions: list[SessionFigures]
    is_past: bool
    #: Attendee counts per region and per job level, largest first.
    regions: list[tuple[str, int]] = field(default_factory=list)
    job_levels: list[tuple[JobLevel, int]] = field(default_factory=list)

    def total(self, name: str) -> int | None:
        """Sum of one column over the sessions that are not cancelled (None: unlimited/unknown)."""
        values = [getattr(s, name) for s in self.sessions if not s.session.is_cancelled]
        if any(v is None for v in values):
            return None
        return sum(values)

    @property
    def starts_at(self) -> datetime | None:
        return min((s.session.starts_at for s in self.sessions), default=None)


@dataclass
class Dashboard:
    upcoming: list[EventFigures]
    past: list[EventFigures]


def _counts_by_session(session_ids: list[int]) -> dict[int, dict[str, int]]:
    """Status and attendance counts for many sessions in one grouped query."""
    if not session_ids:
        return {}
    # A place held for an anonymous sign-up counts apart until its email link confirms it.
    held = Registration.held_until.is_not(None)
    not_held = Registration.held_until.is_(None)
    confirmed = and_(Registration.status == RegistrationStatus.CONFIRMED, not_held)
    rows = db.session.execute(
        select(
            Registration.session_id,
            func.count().filter(confirmed),
            func.count().filter(Registration.status == RegistrationStatus.WAITLISTED, not_held),
            func.count().filter(Registration.status != RegistrationStatus.CANCELLED, held),
            func.count().filter(Registration.status == RegistrationStatus.CONFIRMED, held),
            func.count().filter(Registration.status == RegistrationStatus.CANCELLED),
            func.count().filter(confirmed, Registration.attendance == Attendance.ATTENDED),
            func.count().filter(confirmed, Registration.attendance == Attendance.ABSENT_NOTIFIED),
            func.count().filter(confirmed, Registration.attendance == Attendance.NO_SHOW),
            # Active registrations with an approved subsidy (at most one request per registration).
            func.count(SubsidyRequest.id).filter(Registration.status != RegistrationStatus.CANCELLED),
        )
        .outerjoin(
            SubsidyRequest,
            and_(SubsidyRequest.registration_id == Registration.id, SubsidyRequest.status == SubsidyStatus.APPROVED),
        )
        .where(Registration.session_id.in_(session_ids))
        .group_by(Registration.session_id)
    ).all()
    names = (
        "confirmed",
        "waitlisted",
        "held",
        "held_seats",
        "cancelled",
        "checked_in",
        "absent_notified",
        "no_shows",
        "subsidised",
    )
    return {row[0]: dict(zip(names, row[1:])) for row in rows}


def _attendees():
    """Attendees: confirmed registrations not marked absent ("Afbud"/"Udeblevet").

    Before the day that is everyone expected, afterwards everyone who came.
    """
    return (
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.held_until.is_(None),
        Registration.attendance.not_in((Attendance.ABSENT_NOTIFIED, Attendance.NO_SHOW)),
    )


def _attendees_by_municipality(session_ids: list[int]):
    """(session id, municipality code, count): per session, since regions are dated."""
    return db.session.execute(
        select(Registration.session_id, Person.municipality_code, func.count())
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.session_id.in_(session_ids), *_attendees())
        .group_by(Registration.session_id, Person.municipality_code)
    ).all()


def _attendees_by_job_title(event_ids: list[int]):
    """(event id, job title, count): per event, as job titles do not depend on the day."""
    return db.session.execute(
        select(Registration.event_id, Person.job_title, func.count())
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.event_id.in_(event_ids), *_attendees())
        .group_by(Registration.event_id, Person.job_title)
    ).all()


#: Past events stay on the dashboard this long after their last session.
PAST_EVENTS_SHOWN = timedelta(days=365)


def build_dashboard(organisation_ids: list[int], now: datetime | None = None) -> Dashboard:
    """Attendance figures for the events of these organisations: upcoming first, then the past year's."""
    now = now or utcnow()
    if not organisation_ids:
        return Dashboard([], [])
    other = aliased(EventSession)
    recent = select(other.id).where(other.event_id == Event.id, other.ends_at > now - PAST_EVENTS_SHOWN)
    any_session = select(other.id).where(other.event_id == Event.id)
    # One query for events, sessions and venues, loaded into the relationships (which
    # also keeps them in the session's identity map while the page renders).
    loaded = (
        db.session.execute(
            select(Event)
            .outerjoin(Event.sessions)
            .outerjoin(EventSession.venue)
            .where(
                Event.organisation_id.in_(organisation_ids),
                # Drafts without sessions, and events not long over.
                or_(recent.exists(), ~any_session.exists()),
            )
            .options(contains_eager(Event.sessions).contains_eager(EventSession.venue))
            .order_by(Event.id, EventSession.starts_at, EventSession.id)
        )
        .unique()
        .scalars()
        .all()
    )
    events = {event.id: event for event in loaded}
    sessions_of = {event.id: list(event.sessions) for event in loaded}
    session_ids = [s.id for group in sessions_of.values() for s in group]
    counts = _counts_by_session(session_ids)

    session_by_id = {s.id: s for group in sessions_of.values() for s in group}
    regions: dict[int, Counter] = {event_id: Counter() for event_id in events}
    levels: dict[int, Counter] = {event_id: Counter() for event_id in events}
    unknown = str(UNKNOWN_REGION)
    days = {s.id: s.local_start.date() for s in session_by_id.values()}
    if session_ids:
        for session_id, municipality_code, count in _attendees_by_municipality(session_ids):
            region = region_for(municipality_code, days[session_id]) or unknown
            regions[session_by_id[session_id].event_id][region] += count
    if events:
        for event_id, job_title, count in _attendees_by_job_title(list(events)):
            levels[event_id][job_level(job_title)] += count

    upcoming: list[EventFigures] = []
    past: list[EventFigures] = []
    for event_id, event in events.items():
        figures = EventFigures(
            event=event,
            sessions=[
                SessionFigures(session=s, capacity=s.capacity, **counts.get(s.id, {"subsidised": 0}))
                for s in sessions_of[event_id]
            ],
            is_past=bool(sessions_of[event_id]) and all(s.ends_at <= now for s in sessions_of[event_id]),
            regions=sorted(regions[event_id].items(), key=lambda item: (-item[1], item[0])),
            job_levels=sorted(levels[event_id].items(), key=lambda item: (-item[1], list(JobLevel).index(item[0]))),
        )
        (past if figures.is_past else upcoming).append(figures)
    # Upcoming: soonest first (drafts without sessions last); past: most recent first.
    upcoming.sort(key=lambda f: (f.starts_at is None, f.starts_at or now, f.event.id))
    past.sort(key=lambda f: (f.starts_at, f.event.id), reverse=True)
    return Dashboard(upcoming, past)
