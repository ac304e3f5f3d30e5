"""The agenda of a session: numbered items ("1", "1.1", ...), in order."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.meetings.models import AgendaItem, Meeting, ShownTo


@dataclass(frozen=True)
class NumberedItem:
    """An agenda item with its number as shown: "3" for a top-level item, "3.2" for a sub-item."""

    number: str
    item: AgendaItem
    depth: int


def agenda_for(session: EventSession) -> list[NumberedItem]:
    """The session's agenda in order, each item followed by its sub-items; [] without one."""
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.session_id == session.id)
        .order_by(AgendaItem.parent_id.is_not(None), AgendaItem.position, AgendaItem.id)
    ).all()
    top = [item for item in items if item.parent_id is None]
    children: dict[int, list[AgendaItem]] = {}
    for item in items:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    numbered: list[NumberedItem] = []
    for index, item in enumerate(top, start=1):
        numbered.append(NumberedItem(str(index), item, 0))
        for sub_index, sub in enumerate(children.get(item.id, []), start=1):
            numbered.append(NumberedItem(f"{index}.{sub_index}", sub, 1))
    return numbered


def meeting_of(session: EventSession) -> Meeting | None:
    """The session's meeting settings, if any were saved."""
    return db.session.get(Meeting, session.id)


def agenda_shown_to(session: EventSession) -> ShownTo:
    """Who may see the session's agenda (public unless the organiser chose otherwise)."""
    meeting = meeting_of(session)
    return meeting.agenda_shown_to if meeting else ShownTo.PUBLIC
