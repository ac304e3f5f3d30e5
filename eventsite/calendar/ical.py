"""iCalendar (RFC 5545): the one builder behind downloads, feeds and emails.

Everything calendar-shaped that eventsite hands out is a `CalendarEntry` turned into
components of the `icalendar` package: `vevent()` makes the VEVENT, `calendar()` the
VCALENDAR around it with its VTIMEZONE, and icalendar writes the text (escaping,
parameter quoting, 75-octet folding). The functions here are pure: they take plain
values (no database, no request), so the download, the public and personal feeds and
the email invitations cannot drift apart.

UIDs are stable, so a calendar app updates an entry instead of adding a second one
(see `public_uid` and `invitation_uid`). SEQUENCE only ever grows for a UID: for the
public entry it is `EventSession.sequence`; for a person's invitation it is that plus
`Registration.calendar_sequence`, which the notifications raise on each cancel or
move so that a CANCEL outranks the REQUEST before it, and a later REQUEST (after a
move back or a promotion) outranks that CANCEL.

Times are written as local wall-clock times with TZID=Europe/Copenhagen and the
zone's VTIMEZONE. The one local time that cannot be written that way is the repeated
hour on the last Sunday of October (02:00-03:00 happens twice, and RFC 5545 reads an
ambiguous local time as the first one); such instants, and any in the skipped spring
hour, are written in UTC instead, which is equally valid.

Speed: icalendar takes about a quarter of a millisecond per VEVENT, so a feed of
1,000 sessions cannot be written from scratch on every request. Feeds keep each
session's serialized VEVENT (`serialize_event`) between requests
(eventsite.calendar.cache) and put them into the calendar with `join_calendar`,
which gives the same bytes as `build_calendar` (a test holds them equal). A cold
feed (nothing kept) is written with `serialize_events`, which makes and writes each
property value that several sessions share once (`SharedValues`), and `_ical` folds
icalendar's content lines from their bytes instead of character by character: the
same bytes as icalendar's `to_ical()` (tests/calendar/test_ical_folding.py), in well
under half the time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import TypeVar, cast
from urllib.parse import urlencode

from icalendar import (
    Calendar,
    Event,
    Parameters,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vCategory,
    vDatetime,
    vDuration,
    vInt,
    vRecur,
    vText,
    vUri,
    vUTCOffset,
)
from icalendar.parser import Contentline

from eventsite.events.models import LOCAL_TZ

PRODID = "-//eventsite//eventsite//DA"
TZID = "Europe/Copenhagen"

PUBLISH = "PUBLISH"
REQUEST = "REQUEST"
CANCEL = "CANCEL"

CONFIRMED = "CONFIRMED"
TENTATIVE = "TENTATIVE"
CANCELLED = "CANCELLED"

UTC = timezone.utc


@dataclass(frozen=True, slots=True)
class Party:
    """An ORGANIZER or ATTENDEE: a display name and an email address."""

    name: str
    email: str


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One VEVENT."""

    uid: str
    sequence: int
    summary: str
    starts_at: datetime
    ends_at: datetime
    #: DTSTAMP: when this version was made (send time for emails, last change for feeds).
    stamp: datetime
    status: str = CONFIRMED
    location: str = ""
    description: str = ""
    url: str | None = None
    organizer: Party | None = None
    attendee: Party | None = None
    last_modified: datetime | None = None
    categories: str = ""


def public_uid(session_id: int, host: str) -> str:
    """The UID of a session in downloads and public feeds."""
    return f"session-{session_id}@{host}"


def invitation_uid(registration_id: int, host: str) -> str:
    """The UID of a person's own entry: invitations and the personal feed.

    It names the registration, not the session, so a move to another venue updates
    the entry in the person's calendar instead of leaving a stale one behind.
    """
    return f"registration-{registration_id}@{host}"


# --- components -------------------------------------------------------------------


def vtimezone() -> Timezone:
    """Europe/Copenhagen under the EU rule in force since 1996 (last Sunday of March and
    of October, 01:00 UTC), in the RRULE form Outlook, Google and Apple all read."""
    summer = TimezoneDaylight()
    summer["TZOFFSETFROM"] = vUTCOffset(timedelta(hours=1))
    summer["TZOFFSETTO"] = vUTCOffset(timedelta(hours=2))
    summer["TZNAME"] = vText("CEST")
    summer["DTSTART"] = vDatetime(datetime(1970, 3, 29, 2, 0))
    summer["RRULE"] = vRecur(freq="YEARLY", bymonth=3, byday="-1SU")
    winter = TimezoneStandard()
    winter["TZOFFSETFROM"] = vUTCOffset(timedelta(hours=2))
    winter["TZOFFSETTO"] = vUTCOffset(timedelta(hours=1))
    winter["TZNAME"] = vText("CET")
    winter["DTSTART"] = vDatetime(datetime(1970, 10, 25, 3, 0))
    winter["RRULE"] = vRecur(freq="YEARLY", bymonth=10, byday="-1SU")
    zone = Timezone()
    zone["TZID"] = vText(TZID)
    zone["X-LIC-LOCATION"] = vText(TZID)
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


_V = TypeVar("_V")


class SharedValues:
    """Property values that several VEVENTs written together share, each made once
    and written once.

    The sessions of a feed repeat much of what they show: an event's sessions share
    its description, link and category, a venue's its location, an organisation's
    its organiser. `vevent` takes such a value from here (the same icalendar object
    for equal inputs, put into each VEVENT) and `_ical` writes the content line of an
    object it has written before only once. A property value's line depends only on
    its name and the value, so the bytes are those of writing each VEVENT alone.
    """

    __slots__ = ("_lines", "_values")

    def __init__(self) -> None:
        self._values: dict[tuple[str, object], object] = {}
        #: (name, id of a value kept in _values) -> its content line, folded
        self._lines: dict[tuple[str, int], bytes] = {}

    def value(self, name: str, key: object, make: Callable[[], _V]) -> _V:
        found = self._values.get((name, key))
        if found is None:
            found = self._values[(name, key)] = make()
            self._lines[(name, id(found))] = b""
        return cast(_V, found)


def vevent(entry: CalendarEntry, shared: SharedValues | None = None) -> Event:
    """The VEVENT of one entry (with `shared` values for what other entries written
    with it repeat)."""
    if shared is None:
        shared = SharedValues()
    event = Event()
    event["UID"] = vText(_text(entry.uid))
    sequence, stamp = entry.sequence, _utc(entry.stamp)
    event["SEQUENCE"] = shared.value("SEQUENCE", sequence, lambda: vInt(sequence))
    event["DTSTAMP"] = shared.value("DTSTAMP", stamp, lambda: vDatetime(stamp))
    event["DTSTART"] = vDatetime(_local_or_utc(entry.starts_at))
    event["DTEND"] = vDatetime(_local_or_utc(entry.ends_at))
    event["SUMMARY"] = vText(_text(entry.summary))
    status = entry.status
    event["STATUS"] = shared.value("STATUS", status, lambda: vText(status))
    if entry.location:
        location = entry.location
        event["LOCATION"] = shared.value("LOCATION", location, lambda: vText(_text(location)))
    if entry.description:
        description = entry.description
        event["DESCRIPTION"] = shared.value("DESCRIPTION", description, lambda: vText(_text(description)))
    if entry.url:
        url = entry.url
        event["URL"] = shared.value("URL", url, lambda: vUri(_text(url), params={"VALUE": "URI"}))
    if entry.categories:
        categories = entry.categories
        event["CATEGORIES"] = shared.value("CATEGORIES", categories, lambda: vCategory([_text(categories)]))
    if entry.organizer:
        organizer = entry.organizer
        event["ORGANIZER"] = shared.value("ORGANIZER", organizer, lambda: _address(organizer, {}))
    if entry.attendee:
        # RSVP=FALSE: calendar apps must not send acceptance replies to the organiser.
        event["ATTENDEE"] = _address(
            entry.attendee,
            {
                "CUTYPE": "INDIVIDUAL",
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "DECLINED" if entry.status == CANCELLED else "ACCEPTED",
                "RSVP": "FALSE",
            },
        )
    if entry.last_modified:
        modified = _utc(entry.last_modified)
        event["LAST-MODIFIED"] = shared.value("LAST-MODIFIED", modified, lambda: vDatetime(modified))
    transparency = "TRANSPARENT" if status == CANCELLED else "OPAQUE"
    event["TRANSP"] = shared.value("TRANSP", transparency, lambda: vText(transparency))
    return event


def calendar(
    entries: Iterable[CalendarEntry] = (),
    *,
    method: str | None = None,
    name: str | None = None,
    refresh: timedelta | None = None,
) -> Calendar:
    """A VCALENDAR with the VTIMEZONE and one VEVENT per entry.

    `method` is the iTIP method of an email (REQUEST, CANCEL) or PUBLISH for a
    download; `name` and `refresh` are what a subscribed feed shows and how often it
    is fetched again.
    """
    result = Calendar()
    result["VERSION"] = vText("2.0")
    result["PRODID"] = vText(PRODID)
    result["CALSCALE"] = vText("GREGORIAN")
    if method:
        result["METHOD"] = vText(method)
    if name:
        result["X-WR-CALNAME"] = vText(_text(name))
        result["X-WR-TIMEZONE"] = vText(TZID)
    if refresh:
        interval = max(timedelta(minutes=1), timedelta(minutes=refresh // timedelta(minutes=1)))
        result["REFRESH-INTERVAL"] = vDuration(interval, params={"VALUE": "DURATION"})
        result["X-PUBLISHED-TTL"] = vDuration(interval)
    result.add_component(vtimezone())
    for entry in entries:
        result.add_component(vevent(entry))
    return result


def build_calendar(
    entries: Iterable[CalendarEntry],
    *,
    method: str | None = None,
    name: str | None = None,
    refresh: timedelta | None = None,
) -> bytes:
    """A VCALENDAR with the VTIMEZONE and one VEVENT per entry, as UTF-8 bytes."""
    return _ical(calendar(entries, method=method, name=name, refresh=refresh))


def serialize_event(entry: CalendarEntry) -> bytes:
    """One entry's VEVENT as icalendar writes it inside a calendar (for `join_calendar`)."""
    return _ical(vevent(entry))


def serialize_events(entries: Iterable[CalendarEntry]) -> list[bytes]:
    """`serialize_event` of each entry; what they share is made and written once."""
    shared = SharedValues()
    return [_ical(vevent(entry, shared), shared) for entry in entries]


def join_calendar(
    events: Iterable[bytes],
    *,
    method: str | None = None,
    name: str | None = None,
    refresh: timedelta | None = None,
) -> bytes:
    """`build_calendar` for VEVENTs already serialized by `serialize_event`.

    The VCALENDAR and its VTIMEZONE are icalendar's text too; the VEVENTs go where
    icalendar puts its subcomponents, after the VTIMEZONE and before the calendar's
    closing line, so the result is byte for byte what `build_calendar` gives.
    """
    # str(): a lazily translated name must not be kept as the key of another language.
    opening, closing = _calendar_frame(method, None if name is None else str(name), refresh)
    return opening + b"".join(events) + closing


@lru_cache(maxsize=256)
def _calendar_frame(method: str | None, name: str | None, refresh: timedelta | None) -> tuple[bytes, bytes]:
    """An empty calendar (properties and VTIMEZONE) as icalendar writes it, split
    before its closing line. Kept per (method, name, refresh): it depends on nothing
    else, and a feed request would otherwise write the constant VTIMEZONE again."""
    whole = _ical(calendar(method=method, name=name, refresh=refresh))
    closing = _closing_line()
    if not whole.endswith(closing):
        raise AssertionError("icalendar no longer ends a calendar with its END line")
    return whole[: -len(closing)], closing


@lru_cache(maxsize=1)
def _closing_line() -> bytes:
    """The END line icalendar writes for a VCALENDAR (an empty one is BEGIN and END)."""
    empty = _ical(Calendar())
    return empty[empty.index(b"\r\n") + 2 :]


# --- values -----------------------------------------------------------------------

#: Control characters are not allowed in iCalendar text (RFC 5545 3.3.11); line
#: breaks are (as LF here), and icalendar escapes them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: What may not be part of a mailto: address (it would end the value or the line).
_NOT_IN_ADDRESS = re.compile(r'[\s:;,"<>\x00-\x1f\x7f]')


def _text(value: str) -> str:
    """Text as iCalendar may hold it: line breaks as LF, no other control characters."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", value)


def _parameter(value: str) -> str:
    """A parameter value (CN) without line breaks or double quotes. icalendar could
    keep them (RFC 6868 writes them as ^n and ^'), but Outlook shows those literally."""
    return _text(value).replace("\n", " ").replace('"', "'")


def _address(party: Party, parameters: dict[str, str]) -> vCalAddress:
    return vCalAddress(
        "mailto:" + _NOT_IN_ADDRESS.sub("", party.email),
        params={"CN": _parameter(party.name), **parameters},
    )


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _local_or_utc(value: datetime) -> datetime:
    """The local wall-clock time (written with TZID), or UTC when a reader would take
    that wall-clock time for another instant (the repeated or the skipped hour)."""
    local = value.astimezone(LOCAL_TZ)
    # A reader takes the first of two equal wall-clock times (fold=0).
    if local.replace(fold=0).astimezone(UTC) != value.astimezone(UTC):
        return value.astimezone(UTC)
    return local


#: icalendar folds a content line before the octet that would make a part this long
#: (`_foldline`'s limit: a part has at most 74 octets); tests/calendar/test_ical_folding.py
#: holds this module to it.
_FOLD_AT = 75
_FOLD = b"\r\n "
#: icalendar does not end a part with a backslash or caret (the start of an escape,
#: icalendar issue 1501) but moves it to the next part.
_ESCAPE_STARTS = frozenset(b"\\^")
#: The parameters of a line whose value has none (BEGIN and END): read, never changed.
_NO_PARAMETERS = Parameters()


def _ical(component: Calendar | Event, shared: SharedValues | None = None) -> bytes:
    """`component.to_ical()`, byte for byte, in about half the time.

    icalendar writes a component as its content lines (`content_lines()`: each
    property made a line by `Contentline.from_parts`), folds each with `_foldline` and
    joins them with CRLF (`Contentlines.to_ical`). `_foldline` walks a line character
    by character and encodes each one: that was half the time of a feed written cold.
    Here icalendar still makes every line, from the same properties in the same order
    (`property_items()`); `_fold` folds it at the same places from its UTF-8 bytes, and
    most lines are shorter than the limit and are only encoded. (`content_lines()`
    also makes a new empty `Parameters` for every property, even one that has its
    own; here only the BEGIN and END lines have none and share one that is never
    changed.) tests/calendar/test_ical_folding.py compares the result with
    `to_ical()` for many random components and lines.
    """
    make = Contentline.from_parts
    written = shared._lines if shared is not None else {}
    lines = []
    for name, value in component.property_items():
        line = written.get((name, id(value)))
        if not line:
            parameters = cast(Parameters, getattr(value, "params", _NO_PARAMETERS))
            line = _fold(make(name, parameters, value).encode())
            if (name, id(value)) in written:
                written[(name, id(value))] = line
        lines.append(line)
    lines.append(b"")
    return b"\r\n".join(lines)


def _fold(line: bytes) -> bytes:
    """One encoded content line folded as icalendar's `_foldline` folds it.

    A part ends before the character that holds its 75th octet (never inside a UTF-8
    character), one character earlier when it would end with a backslash or caret.
    """
    if len(line) < _FOLD_AT:
        return line
    parts = []
    start = 0
    while len(line) - start >= _FOLD_AT:
        end = start + _FOLD_AT - 1
        while line[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            end -= 1
        if line[end - 1] in _ESCAPE_STARTS:
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return _FOLD.join(parts)


# --- "add to calendar" links --------------------------------------------------------


def google_calendar_link(entry: CalendarEntry) -> str:
    """A Google Calendar link that opens a filled-in new event."""
    query = {
        "action": "TEMPLATE",
        "text": entry.summary,
        "dates": f"{_google_time(entry.starts_at)}/{_google_time(entry.ends_at)}",
        "details": entry.description,
        "location": entry.location,
        "ctz": TZID,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def _google_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def outlook_calendar_link(entry: CalendarEntry) -> str:
    """An Outlook.com link that opens a filled-in new event."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": entry.summary,
        "startdt": entry.starts_at.astimezone(LOCAL_TZ).isoformat(),
        "enddt": entry.ends_at.astimezone(LOCAL_TZ).isoformat(),
        "body": entry.description,
        "location": entry.location,
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)
