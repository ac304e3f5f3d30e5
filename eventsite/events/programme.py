"""Programme times: pure arithmetic on wall-clock times within a session (no database).

A programme item's times are local wall-clock times on the session's day; a session
that runs past midnight continues on the next day, so an item at 00.30 in a session
from 20.00 to 02.00 lies inside it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta


def on_session_day(session_start: datetime, clock: time) -> datetime:
    """The local datetime of a wall-clock time within a session that starts at session_start."""
    moment = datetime.combine(session_start.date(), clock, tzinfo=session_start.tzinfo)
    return moment + timedelta(days=1) if moment < session_start else moment


def fits(session_start: datetime, session_end: datetime, starts_at: time, ends_at: time | None) -> bool:
    """Whether an item from starts_at (to ends_at) lies within the session's time."""
    start = on_session_day(session_start, starts_at)
    if start > session_end:
        return False
    if ends_at is None:
        return True
    end = on_session_day(session_start, ends_at)
    return start < end <= session_end


def shift(clock: time | None, delta: timedelta) -> time | None:
    """A wall-clock time moved by delta (wrapping at midnight), for copying a programme."""
    if clock is None:
        return None
    moved = datetime.combine(datetime(2000, 1, 1).date(), clock) + delta
    return moved.time()
