"""Danish display of dates, times and seat counts (Babel), as Jinja filters."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_datetime, format_time
from flask import Flask
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from eventsite.clock import LOCAL_TZ
from eventsite.geo.municipalities import municipality
from eventsite.text import render_markdown


def _locale() -> str:
    return str(get_locale() or "da")


# Babel parses the pattern and walks the locale data on every call; the same few
# dates and times recur on every page and in every email about an event.
@lru_cache(maxsize=4096)
def _babel_datetime(value: datetime, pattern: str, locale: str) -> str:
    return format_datetime(value, pattern, tzinfo=LOCAL_TZ, locale=locale)


@lru_cache(maxsize=4096)
def _babel_time(value, pattern: str, locale: str) -> str:
    return format_time(value, pattern, locale=locale)


def format_day_time(value: datetime) -> str:
    """'tirsdag den 29. august 2023 kl. 13.00'."""
    return _babel_datetime(value, _("EEEE, MMMM d, y 'at' HH:mm"), _locale())


def format_day(value: datetime) -> str:
    """'tirsdag den 29. august 2023'."""
    return _babel_datetime(value, _("EEEE, MMMM d, y"), _locale())


def format_clock(value) -> str:
    """'13.00'."""
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TZ)
    return _babel_time(value, _("HH:mm"), _locale())


#: The parts of a calendar-leaf date block (event cards): "29", "aug.", "2023".
DATE_PARTS = {"day": "d", "month": "MMM", "year": "y"}


def format_date_part(value: datetime, part: str) -> str:
    """One part of a date for a calendar-leaf date block: 'day', 'month' or 'year'."""
    return _babel_datetime(value, DATE_PARTS[part], _locale())


def format_span(start: datetime, end: datetime) -> str:
    """'tirsdag den 29. august 2023 kl. 13.00–15.00', or both days if it spans days."""
    local_start, local_end = start.astimezone(LOCAL_TZ), end.astimezone(LOCAL_TZ)
    if local_start.date() == local_end.date():
        return f"{format_day_time(start)}\u2013{format_clock(end)}"
    return f"{format_day_time(start)} \u2013 {format_day_time(end)}"


def location_text(venue: Any) -> str:
    """Where a session is held: the venue with its address, or "Online"."""
    if venue is None:
        return _("Online")
    return venue.full_address


def seats_text(counts) -> str:
    """'12 ledige pladser', 'Fuldt – venteliste' or 'Ubegrænset antal pladser'."""
    if counts.seats_left is None:
        return _("Unlimited seats")
    if counts.is_full or counts.waitlisted:
        return _("Full \u2013 waiting list")
    return ngettext("%(num)d seat left", "%(num)d seats left", counts.seats_left)


def municipality_name(code: str | None) -> str:
    """A municipality's name for display ("0370" -> "Næstved"); the code if unknown."""
    found = municipality(code)
    return found.name if found is not None else (code or "")


def init_app(app: Flask) -> None:
    app.add_template_filter(municipality_name, "municipality_name")
    app.add_template_filter(format_span, "span")
    app.add_template_filter(format_day_time, "day_time")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_date_part, "date_part")
    app.add_template_filter(format_clock, "clock")
    app.add_template_filter(seats_text, "seats_text")
    app.add_template_filter(render_markdown, "markdown")
