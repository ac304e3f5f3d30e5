"""The app's one clock.

Everything in eventsite that asks "what time is it?" calls `utcnow()`. Tests move
this clock with `travel_to()`: the clock keeps running from the new instant (an
offset, not a frozen time), so leases, timeouts and "a second later" still work, and
the suite behaves the same on any real date. A separate process (a live test server)
takes the same setting from `EVENTSITE_CLOCK_START`, which production refuses.

Cookie lifetimes, CSRF tokens and other library timers keep the real clock; none of
them is compared with this one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

#: The associations' own time zone: "today" is a Danish day, not a UTC one.
LOCAL_TZ = ZoneInfo("Europe/Copenhagen")

_offset = timedelta(0)


def utcnow() -> datetime:
    """The current instant, aware, in UTC (moved by `travel_to` in tests)."""
    return datetime.now(timezone.utc) + _offset


def local_today() -> date:
    """Today's date in Copenhagen (after midnight there, though still the day before in UTC)."""
    return utcnow().astimezone(LOCAL_TZ).date()


def travel_to(instant: datetime) -> None:
    """Set the clock so that it reads `instant` now and runs on from there."""
    global _offset
    if instant.tzinfo is None:
        raise ValueError("travel_to needs an aware datetime")
    _offset = instant - datetime.now(timezone.utc)


def reset() -> None:
    """Back to the real clock."""
    global _offset
    _offset = timedelta(0)


@contextlib.contextmanager
def travelled(instant: datetime) -> Iterator[None]:
    """`travel_to(instant)` for the duration of a `with` block, then back again."""
    global _offset
    saved = _offset
    travel_to(instant)
    try:
        yield
    finally:
        _offset = saved


def parse_start(value: str) -> datetime:
    """EVENTSITE_CLOCK_START: an ISO 8601 instant with its offset."""
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise ValueError("EVENTSITE_CLOCK_START needs a UTC offset, e.g. 2026-05-04T08:00:00+00:00")
    return instant
