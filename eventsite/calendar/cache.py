"""Public VEVENTs kept between requests: what keeps a subscribed feed cheap.

icalendar takes about a quarter of a millisecond to write a VEVENT, and a public feed
of 1,000 sessions is fetched again and again by every calendar subscribed to it. So
each session's VEVENT text is kept (per app, in memory) together with everything it
was made from:

* the session's feed row (`PublicSession`: the session's, event's, organisation's and
  venue's columns that the entry shows), and
* the context around it: EVENTSITE_BASE_URL (UIDs and links), the default sender
  (ORGANIZER of an organisation without its own address), the language and the
  script root the links are made under.

A request uses a kept VEVENT only when its row and context are equal to the ones it
was made from, so any change that changes the text (a moved or cancelled session, an
edited event, a renamed venue or organisation, a new sender address) makes it anew;
nothing has to remember to invalidate. A session keeps one VEVENT per context, and
the cache holds at most MAX_ENTRIES of them, dropping the least recently used.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale

from eventsite.calendar.entries import PublicSession, public_entries
from eventsite.calendar.ical import serialize_events

#: Kept VEVENTs per app: a few feeds of a few thousand sessions, at about 2.5 KiB
#: each with its row (25 MiB when full). A feed larger than this is written anew on
#: every request.
MAX_ENTRIES = 10_000

_EXTENSION = "eventsite.calendar.events"

#: (EVENTSITE_BASE_URL, default sender, language, script root)
Context = tuple[str, str, str, str]
_Key = tuple[Context, int]


class EventCache:
    """Serialized VEVENTs by (context, session id), each with the row it was made from.

    Thread-safe; bounded to `max_entries`, least recently used out first.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[_Key, tuple[PublicSession, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, context: Context, rows: Sequence[PublicSession]) -> list[bytes | None]:
        """The kept VEVENT of each row, or None where there is none or its row has changed."""
        found: list[bytes | None] = []
        with self._lock:
            entries = self._entries
            for row in rows:
                key = (context, row.session_id)
                kept = entries.get(key)
                if kept is not None and kept[0] == row:
                    entries.move_to_end(key)
                    found.append(kept[1])
                else:
                    found.append(None)
        return found

    def store(self, context: Context, made: Sequence[tuple[PublicSession, bytes]]) -> None:
        """Keep VEVENTs with the rows they were made from (replacing older versions)."""
        with self._lock:
            entries = self._entries
            for row, event in made:
                key = (context, row.session_id)
                entries[key] = (row, event)
                entries.move_to_end(key)
            while len(entries) > self.max_entries:
                entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def event_cache(app: Flask | None = None) -> EventCache:
    """The app's cache of public VEVENTs (made on first use)."""
    extensions = (app if app is not None else current_app).extensions
    cache = extensions.get(_EXTENSION)
    if cache is None:
        cache = extensions.setdefault(_EXTENSION, EventCache())
    assert isinstance(cache, EventCache)
    return cache


def clear(app: Flask) -> None:
    """Forget every kept VEVENT (benchmarks measure a cold feed so)."""
    event_cache(app).clear()


def context() -> Context:
    """What a public VEVENT shows besides its row (see the module docstring)."""
    config = current_app.config
    return (
        str(config["BASE_URL"]),
        str(config["MAIL_DEFAULT_SENDER"]),
        str(get_locale()),
        request.script_root if has_request_context() else "",
    )


def public_events(rows: Sequence[PublicSession]) -> list[bytes]:
    """The VEVENT of each row for a public feed: kept ones where nothing has changed,
    the others made now (and kept)."""
    cache = event_cache()
    here = context()
    found = cache.lookup(here, rows)
    missing = [row for row, event in zip(rows, found) if event is None]
    if not missing:
        return [event for event in found if event is not None]
    made = list(zip(missing, serialize_events(public_entries(missing))))
    cache.store(here, made)
    new = iter(event for _, event in made)
    return [event if event is not None else next(new) for event in found]
