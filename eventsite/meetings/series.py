"""Meeting series: a board or forum that meets several times a year.

Each meeting of a series is an event of its own with one session (its own sign-up
list, agenda, bilag and minutes), made with the series' venue or virtual link and its
agenda template: a built-in agenda, or the agenda of the series' latest meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsite.audit import record_audit
from eventsite.events.models import LOCAL_TZ, Event, EventKind, EventSession, Venue, Visibility
from eventsite.extensions import db
from eventsite.meetings.agenda import TEMPLATES, apply_template, copy_agenda
from eventsite.meetings.models import TITLE_MAX, Meeting, MeetingSeries, ShownTo
from eventsite.web import UserError


class SeriesError(UserError):
    """A refused series, with a message for the organiser."""


#: The most meetings one series form may create at once.
MAX_DATES = 24


@dataclass(frozen=True)
class SeriesData:
    organisation_id: int
    title: str
    kind: EventKind
    venue_id: int | None
    online_url: str | None
    dates: list[date]
    start_time: time
    end_time: time
    capacity: int | None
    #: "" (no agenda), a key of TEMPLATES, or "session:<id>" (copy that meeting's agenda).
    template: str = ""


_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")


def parse_dates(text: str) -> list[date]:
    """Dates one per line (or separated by commas), as 12.03.2027 or 2027-03-12; sorted, no repeats."""
    found: set[date] = set()
    for raw in re.split(r"[\n,;]+", text or ""):
        value = raw.strip()
        if not value:
            continue
        try:
            match = _DATE.match(value)
            found.add(
                date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
                if match
                else date.fromisoformat(value)
            )
        except ValueError:
            raise SeriesError(_l("“%(value)s” is not a date. Write e.g. 12.03.2027.", value=value), "dates")
    if len(found) > MAX_DATES:
        raise SeriesError(_l("At most %(max)d dates at a time.", max=MAX_DATES), "dates")
    return sorted(found)


def _meeting_title(title: str, day: date) -> str:
    return f"{title} {day:%d.%m.%Y}"[:TITLE_MAX]


def _add_meeting(
    series: MeetingSeries, kind: EventKind, day: date, start: time, end: time, capacity: int | None
) -> EventSession:
    starts_at = datetime.combine(day, start, tzinfo=LOCAL_TZ)
    ends_at = datetime.combine(day, end, tzinfo=LOCAL_TZ)
    if ends_at <= starts_at:
        raise SeriesError(_l("The meeting must end after it starts."), "end_time")
    event = Event(
        organisation_id=series.organisation_id,
        title=_meeting_title(series.title, day),
        kind=kind,
        # A board or forum meets as a closed group: participants come by invitation.
        visibility=Visibility.INVITATION,
        published=False,
    )
    session = EventSession(
        event=event,
        venue_id=series.venue_id,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        online_url=series.online_url,
    )
    db.session.add_all([event, session])
    db.session.flush()
    db.session.add(Meeting(session_id=session.id, series_id=series.id, agenda_shown_to=ShownTo.PARTICIPANTS))
    db.session.flush()
    record_audit(
        series.organisation_id,
        "event",
        event.id,
        "created",
        after={"title": event.title, "series_id": series.id, "session_id": session.id},
    )
    return session


def _template_source(template: str, organisation_id: int) -> EventSession | None:
    if not template.startswith("session:"):
        return None
    try:
        session = db.session.get(EventSession, int(template.split(":", 1)[1]))
    except ValueError:
        session = None
    if session is None or session.event.organisation_id != organisation_id:
        raise SeriesError(_l("Choose a meeting of your own organisation to copy from."), "template")
    return session


def _fill_agenda(session: EventSession, template: str, source: EventSession | None) -> None:
    if source is not None:
        copy_agenda(source, session)
    elif template in TEMPLATES:
        apply_template(session, TEMPLATES[template])


def create_series(data: SeriesData) -> MeetingSeries:
    """The series and one unpublished, invitation-only meeting per date. Flushes."""
    if not data.dates:
        raise SeriesError(_l("Enter at least one date."), "dates")
    venue = db.session.get(Venue, data.venue_id) if data.venue_id else None
    if data.venue_id and (venue is None or venue.organisation_id != data.organisation_id):
        raise SeriesError(_l("Choose one of your organisation's venues."), "venue_id")
    if venue is None and not data.online_url:
        raise SeriesError(_l("Give a venue or a virtual meeting link."), "online_url")
    source = _template_source(data.template, data.organisation_id)
    if data.template and source is None and data.template not in TEMPLATES:
        raise SeriesError(_l("Choose one of the agendas offered."), "template")
    series = MeetingSeries(
        organisation_id=data.organisation_id,
        title=data.title.strip(),
        venue_id=venue.id if venue else None,
        online_url=data.online_url or None,
    )
    db.session.add(series)
    db.session.flush()
    record_audit(
        data.organisation_id,
        "meeting_series",
        series.id,
        "created",
        after={"title": series.title, "venue_id": series.venue_id, "meetings": len(data.dates)},
    )
    for day in data.dates:
        session = _add_meeting(series, data.kind, day, data.start_time, data.end_time, data.capacity)
        _fill_agenda(session, data.template, source)
    return series


def meetings_of(series: MeetingSeries, year: int | None = None) -> list[EventSession]:
    """The series' meetings (sessions) in time order, those of one year if given."""
    query = (
        select(EventSession)
        .join(Meeting, Meeting.session_id == EventSession.id)
        .where(Meeting.series_id == series.id)
        .order_by(EventSession.starts_at)
    )
    sessions = list(db.session.scalars(query))
    if year is not None:
        sessions = [s for s in sessions if s.local_start.year == year]
    return sessions


def years_of(series: MeetingSeries) -> list[int]:
    return sorted({s.local_start.year for s in meetings_of(series)})


def add_meeting(series: MeetingSeries, day: date, start: time, end: time) -> EventSession:
    """One more meeting of the series, with its venue or link and the latest meeting's agenda."""
    earlier = meetings_of(series)
    latest = earlier[-1] if earlier else None
    kind: EventKind = latest.event.kind if latest else EventKind.NETVAERKSMOEDE
    capacity = latest.capacity if latest else None
    session = _add_meeting(series, kind, day, start, end, capacity)
    if latest is not None:
        copy_agenda(latest, session)
    return session


def series_of(session: EventSession) -> MeetingSeries | None:
    meeting = db.session.get(Meeting, session.id)
    return meeting.series if meeting else None
