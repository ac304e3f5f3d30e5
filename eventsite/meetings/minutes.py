"""Writing the minutes (referat): per agenda item a summary and a decision, plus who took part.

Deltagere, afbud and partial attendance are not typed: they come from the meeting's
list (eventsite.meetings.afbud) and the check-in (eventsite.meetings.presence) when
a version is frozen (`snapshot`). Approval by email is eventsite.meetings.approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsite.audit import record_audit
from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.formatting import format_span, location_text
from eventsite.meetings.afbud import meeting_list
from eventsite.meetings.agenda import agenda_for
from eventsite.meetings.minutes_models import NAME_MAX, TEXT_MAX, Minutes, MinutesItem, MinutesState
from eventsite.meetings.presence import phrases
from eventsite.registration.models import Attendance
from eventsite.web import UserError


class MinutesError(UserError):
    """A change to the minutes that is refused, with a message for the organiser."""


def erased_name() -> str:
    """How an erased person is named in minutes ("Slettet deltager"; see eventsite.meetings.privacy)."""
    return _("Erased participant")


def _name(person: Any) -> str:
    return erased_name() if person.is_erased else str(person.name)


def minutes_for(session: EventSession) -> Minutes | None:
    return db.session.execute(select(Minutes).where(Minutes.session_id == session.id)).scalar_one_or_none()


def start(session: EventSession, *, now: datetime | None = None) -> Minutes:
    """The session's minutes, begun now if there are none (flushes)."""
    found = minutes_for(session)
    if found is not None:
        return found
    now = now or utcnow()
    minutes = Minutes(session_id=session.id, state=MinutesState.DRAFT, created_at=now, updated_at=now)
    db.session.add(minutes)
    db.session.flush()
    return minutes


@dataclass(frozen=True)
class ItemText:
    summary: str = ""
    decision: str = ""


@dataclass(frozen=True)
class Draft:
    chair: str
    secretary: str
    preamble: str
    #: agenda item id -> its text
    items: dict[int, ItemText]


def save_draft(minutes: Minutes, draft: Draft, *, user: Any = None, now: datetime | None = None) -> None:
    """Save the working text (flushes). Approved minutes are final and refuse changes."""
    now = now or utcnow()
    if minutes.state in (MinutesState.APPROVED, MinutesState.PUBLISHED):
        raise MinutesError(_l("Approved minutes can no longer be changed."))
    for value in (draft.chair, draft.secretary):
        if len(value) > NAME_MAX:
            raise MinutesError(_l("At most %(max)d characters.", max=NAME_MAX))
    ids = {numbered.item.id for numbered in agenda_for(minutes.session)}
    existing = {row.agenda_item_id: row for row in minutes.items}
    for item_id, text in draft.items.items():
        if item_id not in ids:
            raise MinutesError(_l("Choose an item of this meeting's agenda."))
        if len(text.summary) > TEXT_MAX or len(text.decision) > TEXT_MAX:
            raise MinutesError(_l("At most %(max)d characters.", max=TEXT_MAX))
        row = existing.get(item_id)
        if row is None:
            row = MinutesItem(minutes_id=minutes.id, agenda_item_id=item_id)
            minutes.items.append(row)
        row.summary = text.summary.strip()
        row.decision = text.decision.strip()
    minutes.chair = draft.chair.strip()
    minutes.secretary = draft.secretary.strip()
    minutes.preamble = draft.preamble.strip()
    minutes.updated_at = now
    db.session.flush()
    record_audit(minutes.session.event.organisation_id, "minutes", minutes.id, "draft_saved", user=user)


def snapshot(minutes: Minutes) -> dict[str, Any]:
    """The whole text of the minutes now, as a version freezes it (JSON-safe)."""
    session = minutes.session
    event = session.event
    texts = {row.agenda_item_id: row for row in minutes.items}
    listing = meeting_list(session)
    partial = phrases(session)
    attending = []
    for row in listing.attending:
        registration = row.registration
        if registration.attendance is Attendance.NO_SHOW:
            continue
        attending.append({"name": _name(registration.person), "note": partial.get(registration.id, "")})
    items = []
    for numbered in agenda_for(session):
        item = numbered.item
        text = texts.get(item.id)
        items.append(
            {
                "number": numbered.number,
                "depth": numbered.depth,
                "title": item.title,
                "case_number": item.case_number,
                "presenter": item.presenter,
                "summary": text.summary if text else "",
                "decision": text.decision if text else "",
            }
        )
    return {
        "title": event.title,
        "organisation": event.organisation.name,
        "when": format_span(session.starts_at, session.ends_at),
        "where": location_text(session.venue) if session.venue else "",
        "online": bool(session.online_url),
        "chair": minutes.chair,
        "secretary": minutes.secretary,
        "preamble": minutes.preamble,
        "attending": attending,
        "afbud": [_name(row.registration.person) for row in listing.afbud],
        "absent": [
            _name(row.registration.person)
            for row in listing.attending
            if row.registration.attendance is Attendance.NO_SHOW
        ],
        "items": items,
    }
