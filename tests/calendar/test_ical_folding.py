"""`ical._ical` writes what icalendar's own `to_ical()` writes, byte for byte.

`_ical` folds icalendar's content lines itself (from their UTF-8 bytes, instead of
icalendar's character-by-character `_foldline`) because that was half the time of a
feed written cold. These tests compare it with the unchanged library for many random
lines and components, and fail loudly when an icalendar upgrade changes what `_fold`
copies.
"""

from __future__ import annotations

import inspect
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.cal.component import Component
from icalendar.parser.content_line import Contentline, Contentlines
from icalendar.parser.string import _foldline

from eventsite.calendar import ical
from eventsite.calendar.ical import CANCELLED, REQUEST, CalendarEntry, Party

#: Lines made of what makes folding interesting: one-, two-, three- and four-octet
#: characters and the escape starts a fold must not end a part with.
tricky = st.text(st.sampled_from(["a", "\\", "^", ",", " ", "æ", "–", "€", "😀", "\r", "\t"]), max_size=400)
anything = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\n"), max_size=400)


def test_the_icalendar_internals_that_fold_copies_are_as_they_were():
    """An icalendar upgrade that changes how a line is folded or joined fails here
    first: check `_fold` against the new version's `_foldline` before changing these."""
    assert icalendar.__version__ == "7.3.2"
    assert str(inspect.signature(_foldline)) == "(line: str, limit: int = 75, fold_sep: str = '\\r\\n ') -> str"
    assert ical._FOLD_AT == inspect.signature(_foldline).parameters["limit"].default
    assert ical._FOLD == inspect.signature(_foldline).parameters["fold_sep"].default.encode()
    assert "_foldline(self).encode(DEFAULT_ENCODING)" in inspect.getsource(Contentline.to_ical)
    assert 'b"\\r\\n".join(line.to_ical() for line in self if line) + b"\\r\\n"' in inspect.getsource(
        Contentlines.to_ical
    )
    assert "self.content_lines(sorted=sorted)" in inspect.getsource(Component.to_ical)
    content_lines = inspect.getsource(Component.content_lines)
    assert "for name, value in self.property_items(sorted=sorted):" in content_lines
    assert "cl = self.content_line(name, value, sorted=sorted)" in content_lines
    content_line = inspect.getsource(Component.content_line)
    assert 'params = getattr(value, "params", Parameters())' in content_line
    assert "return Contentline.from_parts(name, params, value, sorted=sorted)" in content_line


@settings(max_examples=500, deadline=None)
@given(line=st.one_of(tricky, anything))
def test_a_line_is_folded_as_icalendar_folds_it(line):
    assert ical._fold(line.encode()) == Contentline(line).to_ical()


@pytest.mark.parametrize("length", range(70, 80))
@pytest.mark.parametrize("ending", ["", "\\", "^", "ø", "😀", "\\\\"])
def test_lines_around_the_limit_are_folded_as_icalendar_folds_them(length, ending):
    for filler in ("a", "ø"):
        line = (filler * length)[: length - len(ending)] + ending + "b" * 80
        for cut in range(length - 3, len(line) + 1):
            assert ical._fold(line[:cut].encode()) == Contentline(line[:cut]).to_ical()


text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)


@settings(max_examples=150, deadline=None)
@given(
    summary=st.one_of(text, tricky),
    description=st.one_of(text, tricky),
    location=text,
    name=text,
    email=text,
    url=st.sampled_from([None, "https://eventsite.example/arrangementer/7", "https://eventsite.example/" + "x" * 90]),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 400),
    cancelled=st.booleans(),
    method=st.sampled_from([None, REQUEST]),
    calendar_name=st.one_of(st.none(), text),
)
def test_a_calendar_is_written_as_icalendar_writes_it(
    summary, description, location, name, email, url, minutes, cancelled, method, calendar_name
):
    start = datetime(2026, 3, 1, 8, tzinfo=timezone.utc) + timedelta(minutes=minutes)
    entry = CalendarEntry(
        uid=f"registration-{minutes}@eventsite.example",
        sequence=minutes % 7,
        summary=summary,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        stamp=start,
        status=CANCELLED if cancelled else "CONFIRMED",
        location=location,
        description=description,
        url=url or None,
        organizer=Party(name, email),
        attendee=Party(name, email),
        last_modified=start,
        categories=summary,
    )
    event = ical.vevent(entry)
    assert ical.serialize_event(entry) == event.to_ical()
    whole = ical.calendar([entry], method=method, name=calendar_name, refresh=timedelta(hours=1))
    assert ical.build_calendar([entry], method=method, name=calendar_name, refresh=timedelta(hours=1)) == (
        whole.to_ical()
    )


@settings(max_examples=100, deadline=None)
@given(
    texts=st.lists(st.one_of(text, tricky), min_size=1, max_size=3),
    choices=st.lists(st.tuples(*[st.integers(min_value=0, max_value=2)] * 6), min_size=1, max_size=8),
)
def test_vevents_written_together_are_each_what_icalendar_writes_alone(texts, choices):
    """`serialize_events` shares equal values between VEVENTs and writes each once."""
    stamps = [datetime(2026, 3, 1, 8, tzinfo=timezone.utc), datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)]
    entries = []
    for number, (a, b, c, d, e, f) in enumerate(choices):
        pick = texts[a % len(texts)], texts[b % len(texts)], texts[c % len(texts)]
        entries.append(
            CalendarEntry(
                uid=f"session-{number}@eventsite.example",
                sequence=d,
                summary=pick[0],
                starts_at=stamps[e % 2] + timedelta(days=number),
                ends_at=stamps[e % 2] + timedelta(days=number, hours=2),
                stamp=stamps[f % 2],
                status=CANCELLED if d == 2 else "CONFIRMED",
                location=pick[1],
                description=pick[2],
                url=None if e == 2 else "https://eventsite.example/arrangementer/7",
                organizer=Party(pick[0], pick[1]),
                last_modified=stamps[(f + 1) % 2] if f else None,
                categories=pick[2],
            )
        )
    assert ical.serialize_events(entries) == [ical.vevent(entry).to_ical() for entry in entries]
