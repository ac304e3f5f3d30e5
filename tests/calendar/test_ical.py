"""The iCal builder, read back with the icalendar package: instants, not strings."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest

from eventsite.calendar.ical import (
    CANCEL,
    CANCELLED,
    REQUEST,
    CalendarEntry,
    Party,
    build_calendar,
    google_calendar_link,
    outlook_calendar_link,
)

CPH = ZoneInfo("Europe/Copenhagen")
UTC = timezone.utc
STAMP = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def entry(**overrides) -> CalendarEntry:
    values = dict(
        uid="session-7@eventsite.example",
        sequence=3,
        summary="Temadag for mellemledere – Næstved",
        starts_at=datetime(2026, 5, 12, 9, 0, tzinfo=CPH),
        ends_at=datetime(2026, 5, 12, 15, 30, tzinfo=CPH),
        stamp=STAMP,
        location="Næstved Sportscenter, Rolighedsvej 20, 4700 Næstved",
        description="Temadag · For mellemledere\n\nhttps://eventsite.example/arrangementer/7",
        url="https://eventsite.example/arrangementer/7",
        organizer=Party("Lederforeningen – sektion for ledere", "arrangementer@lederforeningen.example"),
    )
    values.update(overrides)
    return CalendarEntry(**values)


def instant(component, name: str) -> datetime:
    """A DTSTART/DTEND/DTSTAMP as a UTC instant.

    Compared in UTC because Python calls two aware datetimes unequal when one is a
    wall-clock time in the repeated autumn hour (PEP 495), whatever their instants.
    """
    return component.decoded(name).astimezone(UTC)


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    (event,) = calendar.walk("VEVENT")
    return event


def test_a_session_reads_back_as_the_same_instants_uid_and_sequence():
    event = only_event(parse(build_calendar([entry()])))
    assert instant(event, "dtstart") == datetime(2026, 5, 12, 7, 0, tzinfo=UTC)
    assert instant(event, "dtend") == datetime(2026, 5, 12, 13, 30, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert str(event["UID"]) == "session-7@eventsite.example"
    assert event.decoded("sequence") == 3
    assert instant(event, "dtstamp") == STAMP
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "Næstved Sportscenter, Rolighedsvej 20, 4700 Næstved"
    assert str(event["URL"]) == "https://eventsite.example/arrangementer/7"
    assert str(event["ORGANIZER"]) == "mailto:arrangementer@lederforeningen.example"
    assert event["ORGANIZER"].params["CN"] == "Lederforeningen – sektion for ledere"


def test_text_with_commas_semicolons_newlines_and_danish_letters_survives_the_round_trip():
    tricky = "Kaffe, kage; og æøå ÆØÅ\nlinje 2 med \\ skråstreg\r\nlinje 3"
    event = only_event(parse(build_calendar([entry(summary=tricky, description=tricky * 20)])))
    expected = tricky.replace("\r\n", "\n")
    assert str(event["SUMMARY"]) == expected
    assert str(event["DESCRIPTION"]) == expected * 20


def test_every_line_is_at_most_75_octets_and_ends_with_crlf():
    data = build_calendar([entry(description="Lang beskrivelse med æøå " * 40, summary="Ø" * 80)])
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in data.replace(b"\r\n", b"")
    # Folding never splits a UTF-8 character: every line decodes on its own.
    for line in lines:
        line.decode("utf-8")


def test_a_header_or_parameter_injection_attempt_stays_inside_its_value():
    evil = 'Mette"\r\nATTENDEE:mailto:evil@example.com;X="'
    event = only_event(parse(build_calendar([entry(summary=evil, attendee=Party(evil, "mette@example.dk"))])))
    assert not isinstance(event["ATTENDEE"], list)  # one attendee, not a smuggled second
    assert str(event["ATTENDEE"]) == "mailto:mette@example.dk"
    assert "evil@example.com" in str(event["SUMMARY"])  # as text, not as a property


def test_an_invitation_has_method_request_an_attendee_without_rsvp_and_a_cancel_outranks_it():
    attendee = Party("Mette Hansen", "mette@example.dk")
    invitation = parse(build_calendar([entry(attendee=attendee, sequence=4)], method=REQUEST))
    cancel = parse(build_calendar([entry(attendee=attendee, sequence=5, status=CANCELLED)], method=CANCEL))
    assert str(invitation["METHOD"]) == "REQUEST"
    assert str(cancel["METHOD"]) == "CANCEL"
    sent, cancelled = only_event(invitation), only_event(cancel)
    assert sent["ATTENDEE"].params["RSVP"] == "FALSE"
    assert sent["ATTENDEE"].params["CN"] == "Mette Hansen"
    assert str(sent["ATTENDEE"]) == "mailto:mette@example.dk"
    assert str(cancelled["UID"]) == str(sent["UID"])
    assert cancelled.decoded("sequence") > sent.decoded("sequence")
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_a_feed_has_a_name_and_a_refresh_hint():
    calendar = parse(build_calendar([entry()], name="Lederforeningen – arrangementer", refresh=timedelta(hours=1)))
    assert str(calendar["X-WR-CALNAME"]) == "Lederforeningen – arrangementer"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"


# --- summer time --------------------------------------------------------------------

LAST_SUNDAY_OF_OCTOBER = date(2026, 10, 25)


def test_a_session_on_the_last_sunday_of_october_keeps_its_instants():
    start = datetime(2026, 10, 25, 10, 0, tzinfo=CPH)  # after the shift: CET, UTC+1
    saturday = datetime(2026, 10, 24, 10, 0, tzinfo=CPH)  # before it: CEST, UTC+2
    events = parse(
        build_calendar(
            [
                entry(uid="a@x", starts_at=start, ends_at=start + timedelta(hours=6)),
                entry(uid="b@x", starts_at=saturday, ends_at=saturday + timedelta(hours=6)),
            ]
        )
    ).walk("VEVENT")
    assert instant(events[0], "dtstart") == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert instant(events[0], "dtend") == datetime(2026, 10, 25, 15, 0, tzinfo=UTC)
    assert instant(events[1], "dtstart") == datetime(2026, 10, 24, 8, 0, tzinfo=UTC)


def test_a_night_session_across_the_shift_lasts_its_real_five_hours():
    # 00:30 CEST to 04:30 CET local, with the hour 02:00-03:00 lived twice: five hours.
    start = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)
    end = datetime(2026, 10, 25, 3, 30, tzinfo=UTC)
    event = only_event(parse(build_calendar([entry(starts_at=start, ends_at=end)])))
    assert instant(event, "dtstart") == start
    assert instant(event, "dtend") == end
    duration = instant(event, "dtend") - instant(event, "dtstart")
    assert duration == timedelta(hours=5)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 CEST, the first 02:30
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 02:30 CET, the repeated 02:30
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC),  # 03:30 CEST, just after the skipped hour
    ],
)
def test_instants_in_the_repeated_or_skipped_hour_are_not_misread(moment):
    event = only_event(parse(build_calendar([entry(starts_at=moment, ends_at=moment + timedelta(hours=1))])))
    assert instant(event, "dtstart") == moment


def test_the_vtimezone_gives_the_offsets_of_the_tz_database_across_years():
    calendar = parse(build_calendar([entry()]))
    (vtimezone,) = calendar.walk("VTIMEZONE")
    ours = vtimezone.to_tz()
    for year in range(2025, 2036):
        for day in (date(year, 3, 31), date(year, 10, 31)):
            # Every hour of the last week of March and of October.
            for hour in range(0, 24 * 8):
                instant = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=hour)
                assert instant.astimezone(ours).utcoffset() == instant.astimezone(CPH).utcoffset(), instant


# --- "add to calendar" links ----------------------------------------------------------


def test_the_google_link_carries_utc_times_and_the_outlook_link_local_times_with_offset():
    start = datetime(2026, 10, 25, 10, 0, tzinfo=CPH)
    session = entry(starts_at=start, ends_at=start + timedelta(hours=2))
    google = parse_qs(urlsplit(google_calendar_link(session)).query)
    outlook = parse_qs(urlsplit(outlook_calendar_link(session)).query)
    assert google["dates"] == ["20261025T090000Z/20261025T110000Z"]
    assert google["text"] == ["Temadag for mellemledere – Næstved"]
    assert google["location"] == ["Næstved Sportscenter, Rolighedsvej 20, 4700 Næstved"]
    assert datetime.fromisoformat(outlook["startdt"][0]) == start
    assert outlook["startdt"][0].endswith("+01:00")
    assert outlook["subject"] == ["Temadag for mellemledere – Næstved"]
