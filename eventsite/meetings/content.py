"""Which sessions have meeting content at all: one query per page instead of six per session.

An event page asks, per session, for its agenda (calendar links and the agenda list),
its bilag, its meeting settings and its published minutes. Most events are not
meetings (a temadag, a course) and have none of these, yet each question was a query
of its own: on a two-session invitation page twelve of its twenty-two queries.

`with_content(session_ids, kind)` answers first, for the whole of the sessions'
events at once (a page asks about one session at a time), and keeps the answer for
the rest of the request. Only reading requests (GET, HEAD) keep it: a request that
writes may add an agenda item and then ask again. Outside a request (the mail
worker, the CLI) nothing is kept and nothing is filtered out.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import g, has_request_context, request
from sqlalchemy import literal, select, union_all

from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.meetings.minutes_models import Minutes
from eventsite.meetings.models import AgendaItem, MeetingFile

#: The kinds of content asked about.
AGENDA = "agenda"
FILES = "files"
MINUTES = "minutes"

_KNOWN = "meeting_content"


def _known() -> dict[int, set[str]] | None:
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return None
    known: dict[int, set[str]] = g.setdefault(_KNOWN, {})
    return known


def _look_up(session_ids: list[int]) -> dict[int, set[str]]:
    """The content kinds of every session of the events these sessions belong to."""
    events = select(EventSession.event_id).where(EventSession.id.in_(session_ids))
    sessions = select(EventSession.id).where(EventSession.event_id.in_(events.scalar_subquery()))
    query = union_all(
        select(EventSession.id, literal("")).where(EventSession.id.in_(sessions.scalar_subquery())),
        select(AgendaItem.session_id, literal(AGENDA))
        .where(AgendaItem.session_id.in_(sessions.scalar_subquery()))
        .distinct(),
        select(MeetingFile.session_id, literal(FILES))
        .where(MeetingFile.session_id.in_(sessions.scalar_subquery()))
        .distinct(),
        select(Minutes.session_id, literal(MINUTES)).where(Minutes.session_id.in_(sessions.scalar_subquery())),
    )
    found: dict[int, set[str]] = {session_id: set() for session_id in session_ids}
    for session_id, kind in db.session.execute(query):
        kinds = found.setdefault(session_id, set())
        if kind:
            kinds.add(kind)
    return found


def with_content(session_ids: Iterable[int], *kinds: str) -> list[int]:
    """The sessions among these that may have any of these kinds of content.

    Within a reading request, those known to have none are left out (one query for
    all the sessions of their events, the first time); elsewhere all are returned.
    """
    ids = list(session_ids)
    known = _known()
    if known is None or not ids:
        return ids
    missing = [session_id for session_id in ids if session_id not in known]
    if missing:
        known.update(_look_up(missing))
    return [session_id for session_id in ids if known[session_id] & set(kinds)]
