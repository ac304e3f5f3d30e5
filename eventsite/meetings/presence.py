"""Attendance by agenda item: arrived at item 2, left after item 4, took part online.

Recorded from the check-in screen (eventsite.attendance, which also writes the
sentence into the registration's attendance note, so the participant list shows it);
the minutes read `phrases(session)`. The wording is `eventsite.meetings.partial`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.meetings.agenda import agenda_for
from eventsite.meetings.models import AgendaItem
from eventsite.meetings.partial import Presence, describe
from eventsite.meetings.participation_models import ItemAttendance
from eventsite.registration.models import Registration
from eventsite.web import UserError


class PresenceError(UserError):
    """A partial-attendance record that is refused."""


def top_items(session: EventSession) -> list[tuple[str, AgendaItem]]:
    """The session's top-level agenda items with their numbers ("1", "2", ...)."""
    return [(numbered.number, numbered.item) for numbered in agenda_for(session) if numbered.depth == 0]


@dataclass(frozen=True)
class PresenceChoice:
    """What the check-in form posts: item ids (None: start or end) and the flags."""

    arrived_item_id: int | None = None
    arrived_during: bool = False
    left_item_id: int | None = None
    left_during: bool = False
    online: bool = False


def _presence(row: ItemAttendance, ids: list[int]) -> Presence:
    def index(item_id: int | None) -> int | None:
        return ids.index(item_id) if item_id in ids else None

    arrived = index(row.arrived_item_id)
    left = index(row.left_item_id)
    return Presence(
        arrived_at=arrived,
        arrived_during=row.arrived_during and arrived is not None,
        left_at=left,
        left_during=row.left_during and left is not None,
    )


def sentence(row: ItemAttendance | None, items: list[tuple[str, AgendaItem]]) -> str:
    """The participant list's and the minutes' words for one person ("" when there throughout)."""
    if row is None:
        return ""
    numbers = [number for number, _item in items]
    phrase = describe(numbers, _presence(row, [item.id for _number, item in items])) or ""
    if row.online:
        return _("%(phrase)s (online)", phrase=phrase) if phrase else _("took part online")
    return phrase


def record(registration: Registration, choice: PresenceChoice, *, user: Any = None, now: datetime | None = None) -> str:
    """Save where the person arrived and left (and whether online); the sentence for them (flushes)."""
    now = now or utcnow()
    items = top_items(registration.session)
    ids = [item.id for _number, item in items]
    for item_id in (choice.arrived_item_id, choice.left_item_id):
        if item_id is not None and item_id not in ids:
            raise PresenceError(_l("Choose an item of this meeting's agenda."))
    if (
        choice.arrived_item_id is not None
        and choice.left_item_id is not None
        and ids.index(choice.left_item_id) < ids.index(choice.arrived_item_id)
    ):
        raise PresenceError(_l("The person cannot leave before arriving."))
    row = db.session.get(ItemAttendance, registration.id)
    whole = (
        choice.arrived_item_id in (None, ids[0] if ids else None)
        and not choice.arrived_during
        and choice.left_item_id is None
        and not choice.online
    )
    if whole:
        if row is not None:
            db.session.delete(row)
            db.session.flush()
        return ""
    if row is None:
        row = ItemAttendance(registration_id=registration.id)
        db.session.add(row)
    row.arrived_item_id = choice.arrived_item_id
    row.arrived_during = choice.arrived_during and choice.arrived_item_id is not None
    row.left_item_id = choice.left_item_id
    row.left_during = choice.left_during and choice.left_item_id is not None
    row.online = choice.online
    row.updated_at = now
    row.updated_by_id = user.id if user is not None else None
    db.session.flush()
    return sentence(row, items)


def rows_for(session: EventSession) -> dict[int, ItemAttendance]:
    """The session's partial or online attendance, by registration id."""
    return {
        row.registration_id: row
        for row in db.session.execute(
            select(ItemAttendance)
            .join(Registration, Registration.id == ItemAttendance.registration_id)
            .where(Registration.session_id == session.id)
        ).scalars()
    }


def phrases(session: EventSession) -> dict[int, str]:
    """The sentence for each registration with partial or online attendance."""
    items = top_items(session)
    return {registration_id: sentence(row, items) for registration_id, row in rows_for(session).items()}
