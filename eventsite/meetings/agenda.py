"""The agenda of a session: numbered items ("1", "1.1", ...), in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any, Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsite.audit import changed_only, record_audit, snapshot
from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.meetings.files import delete_file, files_of_items
from eventsite.meetings.models import TITLE_MAX, AgendaItem, AgendaKind, Meeting, ShownTo
from eventsite.web import UserError


@dataclass(frozen=True)
class NumberedItem:
    """An agenda item with its number as shown: "3" for a top-level item, "3.2" for a sub-item."""

    number: str
    item: AgendaItem
    depth: int


def agenda_for(session: EventSession) -> list[NumberedItem]:
    """The session's agenda in order, each item followed by its sub-items; [] without one."""
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.session_id == session.id)).all()
    return number_items(items)


def number_items(items: Sequence[AgendaItem]) -> list[NumberedItem]:
    """One session's items (any order) numbered and in order: 1, 1.1, 1.2, 2, ..."""
    items = sorted(items, key=lambda item: (item.position, item.id))
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


# --- editing ------------------------------------------------------------------------------


class AgendaError(UserError):
    """A refused change to an agenda, with a message for the organiser."""


ITEM_FIELDS = (
    "title",
    "case_number",
    "presenter",
    "starts_at",
    "ends_at",
    "description",
    "kind",
    "proposed_decision",
)


@dataclass(frozen=True)
class ItemData:
    """An agenda item as the organiser typed it (times are local wall-clock times)."""

    title: str
    kind: AgendaKind = AgendaKind.ORIENTERING
    case_number: str = ""
    presenter: str = ""
    starts_at: time | None = None
    ends_at: time | None = None
    description: str = ""
    proposed_decision: str = ""


def _check(data: ItemData) -> None:
    if not data.title.strip():
        raise AgendaError(_l("Enter a title."), "title")
    if len(data.title) > TITLE_MAX:
        raise AgendaError(_l("At most %(max)d characters.", max=TITLE_MAX), "title")
    if data.ends_at is not None and data.starts_at is None:
        raise AgendaError(_l("Give a start time with the end time."), "starts_at")
    if data.starts_at is not None and data.ends_at is not None and data.ends_at <= data.starts_at:
        raise AgendaError(_l("The item must end after it starts."), "ends_at")


def _apply(item: AgendaItem, data: ItemData) -> None:
    item.title = data.title.strip()
    item.kind = data.kind
    item.case_number = data.case_number.strip()
    item.presenter = data.presenter.strip()
    item.starts_at = data.starts_at
    item.ends_at = data.ends_at
    item.description = data.description
    item.proposed_decision = data.proposed_decision.strip()


def _siblings(session_id: int, parent_id: int | None) -> list[AgendaItem]:
    parent_condition = AgendaItem.parent_id.is_(None) if parent_id is None else AgendaItem.parent_id == parent_id
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.session_id == session_id, parent_condition)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def _changed(session: EventSession) -> None:
    """The session's agenda changed: its calendar entries show it, so they are remade
    (the public feeds' cache and validators follow the session's updated_at)."""
    session.updated_at = utcnow()


def _organisation_id(session: EventSession) -> int:
    return session.event.organisation_id


def add_item(session: EventSession, data: ItemData, parent: AgendaItem | None = None) -> AgendaItem:
    """A new item at the end of the agenda (or of `parent`'s sub-items). Flushes."""
    _check(data)
    if parent is not None and (parent.session_id != session.id or parent.parent_id is not None):
        raise AgendaError(_l("Sub-items go under a top-level item of the same meeting."))
    siblings = _siblings(session.id, parent.id if parent else None)
    item = AgendaItem(session_id=session.id, parent_id=parent.id if parent else None, position=len(siblings) + 1)
    _apply(item, data)
    db.session.add(item)
    db.session.flush()
    _changed(session)
    record_audit(
        _organisation_id(session),
        "agenda_item",
        item.id,
        "created",
        after=snapshot(item, ITEM_FIELDS) | {"session_id": session.id, "parent_id": item.parent_id},
    )
    return item


def update_item(item: AgendaItem, data: ItemData) -> bool:
    """Save an item's fields; True if anything changed. Flushes."""
    _check(data)
    before = snapshot(item, ITEM_FIELDS)
    _apply(item, data)
    db.session.flush()
    old, new = changed_only(before, snapshot(item, ITEM_FIELDS))
    if new:
        _changed(item.session)
        record_audit(_organisation_id(item.session), "agenda_item", item.id, "updated", before=old, after=new)
    return bool(new)


def delete_item(item: AgendaItem) -> None:
    """Delete an item with its sub-items and their bilag (files too); the rest close up."""
    session = item.session
    for file in files_of_items([item.id] + [child.id for child in item.children]):
        delete_file(file)
    record_audit(
        _organisation_id(session),
        "agenda_item",
        item.id,
        "deleted",
        before=snapshot(item, ITEM_FIELDS) | {"session_id": session.id, "sub_items": len(item.children)},
    )
    parent_id = item.parent_id
    db.session.delete(item)
    db.session.flush()
    for position, sibling in enumerate(_siblings(session.id, parent_id), start=1):
        sibling.position = position
    _changed(session)
    db.session.flush()


def move_item(item: AgendaItem, step: int) -> bool:
    """Move an item one place up (-1) or down (+1) among its siblings; False at either end."""
    siblings = _siblings(item.session_id, item.parent_id)
    index = siblings.index(item)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    before = item.position
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    db.session.flush()
    _changed(item.session)
    record_audit(
        _organisation_id(item.session),
        "agenda_item",
        item.id,
        "moved",
        before={"position": before},
        after={"position": item.position},
    )
    return True


def _data_of(item: AgendaItem) -> ItemData:
    return ItemData(
        title=item.title,
        kind=item.kind,
        case_number=item.case_number,
        presenter=item.presenter,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        description=item.description,
        proposed_decision=item.proposed_decision,
    )


def copy_agenda(source: EventSession, target: EventSession) -> int:
    """Add the source meeting's items (with sub-items, without bilag) after the target's own.

    Returns the number of items copied. Time slots are kept as they were.
    """
    if source.id == target.id:
        raise AgendaError(_l("Choose another meeting to copy from."), "source")
    copied = 0
    parents: dict[int, AgendaItem] = {}
    for numbered in agenda_for(source):
        item = numbered.item
        parent = parents.get(item.parent_id) if item.parent_id is not None else None
        new = _add_quietly(target, _data_of(item), parent)
        if item.parent_id is None:
            parents[item.id] = new
        copied += 1
    if copied:
        _changed(target)
        record_audit(
            _organisation_id(target),
            "agenda",
            target.id,
            "copied",
            after={"from_session_id": source.id, "items": copied},
        )
    return copied


def _add_quietly(session: EventSession, data: ItemData, parent: AgendaItem | None) -> AgendaItem:
    """Add an item without its own audit entry (a copy or a template is audited as one)."""
    siblings = _siblings(session.id, parent.id if parent else None)
    item = AgendaItem(session_id=session.id, parent_id=parent.id if parent else None, position=len(siblings) + 1)
    _apply(item, data)
    db.session.add(item)
    db.session.flush()
    return item


@dataclass(frozen=True)
class Template:
    """A built-in agenda: its items' titles and kinds (in Danish, as the agendas are written)."""

    key: str
    label: Any
    items: tuple[tuple[str, AgendaKind], ...]


#: The generalforsamling's standard agenda (vedtægternes faste punkter).
GENERALFORSAMLING = Template(
    "generalforsamling",
    _l("General assembly (standard agenda)"),
    (
        ("Valg af dirigent og referent", AgendaKind.VALG),
        ("Bestyrelsens beretning", AgendaKind.BESLUTNING),
        ("Indkomne forslag", AgendaKind.BESLUTNING),
        ("Fremtidigt arbejde", AgendaKind.DROEFTELSE),
        ("Suppleringsvalg", AgendaKind.VALG),
        ("Eventuelt", AgendaKind.ORIENTERING),
    ),
)

TEMPLATES = {GENERALFORSAMLING.key: GENERALFORSAMLING}


def apply_template(session: EventSession, template: Template) -> int:
    """Add a built-in agenda's items after the session's own; returns how many."""
    for title, kind in template.items:
        _add_quietly(session, ItemData(title=title, kind=kind), None)
    _changed(session)
    record_audit(
        _organisation_id(session),
        "agenda",
        session.id,
        "template_applied",
        after={"template": template.key, "items": len(template.items)},
    )
    return len(template.items)


def set_agenda_shown_to(session: EventSession, shown_to: ShownTo) -> bool:
    """Who sees the session's agenda and its bilag list; True if it changed."""
    meeting = meeting_of(session)
    before = meeting.agenda_shown_to if meeting else ShownTo.PUBLIC
    if before is shown_to:
        return False
    if meeting is None:
        meeting = Meeting(session_id=session.id)
        db.session.add(meeting)
    meeting.agenda_shown_to = shown_to
    db.session.flush()
    _changed(session)
    record_audit(
        _organisation_id(session),
        "meeting",
        session.id,
        "updated",
        before={"agenda_shown_to": before.value},
        after={"agenda_shown_to": shown_to.value},
    )
    return True
