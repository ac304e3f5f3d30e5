"""Organisers set an event's fee, day prices, days and add-ons.

Every function checks its input (prices through `pricing.check_price`), records an
audit entry and flushes; the view commits. Capacities never drop below the places
already taken, counted after locking the row, as for sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventsite.audit import changed_only, record_audit, snapshot
from eventsite.events.models import LOCAL_TZ, Event
from eventsite.extensions import db
from eventsite.payments.display import format_event_day
from eventsite.payments.models import (
    TITLE_MAX,
    AddOn,
    AddOnKind,
    DayPriceRow,
    EventDay,
    FeeSettings,
    RegistrationAddOn,
    RegistrationDay,
)
from eventsite.payments.offer import taken_per_addon, taken_per_day
from eventsite.payments.operations import lock_addons, lock_days
from eventsite.payments.pricing import PriceError, check_price
from eventsite.web import UserError

#: A multi-day event longer than this is a typo (the day price table would be absurd).
MAX_DAYS = 14


class SettingsError(UserError, ValueError):
    """A setting that is refused, with a message for the organiser and the field it concerns."""


def _audit(event: Event, object_type: str, object_id: int | None, action: str, before=None, after=None) -> None:

    record_audit(event.organisation_id, object_type, object_id, action, before=before, after=after)


def _price(ore: int | None, field: str) -> int:
    if ore is None:
        raise SettingsError(_l("Enter a price in kroner, e.g. 2.133 or 2.133,50."), field)
    try:
        check_price(ore)
    except PriceError as error:
        raise SettingsError(error.message, field) from None
    return ore


def _capacity(capacity: int | None) -> int | None:
    if capacity is not None and capacity < 0:
        raise SettingsError(_l("The number of places cannot be negative."), "capacity")
    if capacity is not None and capacity > 100_000:
        raise SettingsError(_l("That is too many places: at most 100.000."), "capacity")
    return capacity


# --- the fee -----------------------------------------------------------------------


def save_fee(event: Event, member_ore: int | None, non_member_ore: int | None) -> FeeSettings:
    """Set the fee for members and non-members (events without days). Flushes."""
    member = _price(member_ore, "member_price")
    non_member = _price(non_member_ore, "non_member_price")
    fees = db.session.get(FeeSettings, event.id)
    before = (
        {"member_price_ore": fees.member_price_ore, "non_member_price_ore": fees.non_member_price_ore} if fees else None
    )
    if fees is None:
        fees = FeeSettings(event_id=event.id)
        db.session.add(fees)
    fees.member_price_ore, fees.non_member_price_ore = member, non_member
    db.session.flush()
    _audit(
        event,
        "event_fee",
        event.id,
        "updated" if before else "created",
        before,
        {"member_price_ore": member, "non_member_price_ore": non_member},
    )
    return fees


def save_day_price(event: Event, days: int | None, member_ore: int | None, non_member_ore: int | None) -> DayPriceRow:
    """Set the fee for attending a number of days (replacing an earlier price for that number). Flushes."""
    if days is None or days < 1:
        raise SettingsError(_l("The number of days is at least 1."), "days")
    if days > MAX_DAYS:
        raise SettingsError(_l("At most %(max)d days.", max=MAX_DAYS), "days")
    member = _price(member_ore, "member_price")
    non_member = _price(non_member_ore, "non_member_price")
    row = db.session.execute(
        select(DayPriceRow).where(DayPriceRow.event_id == event.id, DayPriceRow.days == days)
    ).scalar_one_or_none()
    before = (
        {"member_price_ore": row.member_price_ore, "non_member_price_ore": row.non_member_price_ore} if row else None
    )
    if row is None:
        row = DayPriceRow(event_id=event.id, days=days)
        db.session.add(row)
    row.member_price_ore, row.non_member_price_ore = member, non_member
    db.session.flush()
    _audit(
        event,
        "event_day_price",
        row.id,
        "updated" if before else "created",
        before,
        {"days": days, "member_price_ore": member, "non_member_price_ore": non_member},
    )
    return row


def delete_day_price(row: DayPriceRow) -> None:
    """Remove the price for a number of days (registrations keep the price they were quoted). Flushes."""
    event = db.session.get(Event, row.event_id)
    _audit(
        event,
        "event_day_price",
        row.id,
        "deleted",
        {"days": row.days, "member_price_ore": row.member_price_ore, "non_member_price_ore": row.non_member_price_ore},
    )
    db.session.delete(row)
    db.session.flush()


# --- days ---------------------------------------------------------------------------


def event_dates(event: Event) -> set[date]:
    """The local dates the event's active sessions cover (a day must be one of them)."""
    dates: set[date] = set()
    for session in event.active_sessions:
        day = session.starts_at.astimezone(LOCAL_TZ).date()
        last = session.ends_at.astimezone(LOCAL_TZ).date()
        while day <= last:
            dates.add(day)
            day = date.fromordinal(day.toordinal() + 1)
    return dates


def add_day(event: Event, day: date | None, label: str = "", capacity: int | None = None) -> EventDay:
    """Add a day people can choose; it must lie within one of the event's sessions. Flushes."""
    if day is None:
        raise SettingsError(_l("Enter a valid date."), "day")
    if day not in event_dates(event):
        raise SettingsError(
            _l(
                "%(day)s is not one of the event's days: add a session that covers it first.", day=format_event_day(day)
            ),
            "day",
        )
    if len(label) > TITLE_MAX:
        raise SettingsError(_l("At most %(max)d characters.", max=TITLE_MAX), "label")
    exists = db.session.execute(select(EventDay.id).where(EventDay.event_id == event.id, EventDay.day == day)).first()
    if exists:
        raise SettingsError(_l("%(day)s has already been added.", day=format_event_day(day)), "day")
    created = EventDay(event_id=event.id, day=day, label=label.strip(), capacity=_capacity(capacity))
    db.session.add(created)
    db.session.flush()
    _audit(event, "event_day", created.id, "created", after={"day": day, "label": created.label, "capacity": capacity})
    return created


def update_day(day: EventDay, label: str, capacity: int | None) -> None:
    """Change a day's label or places; never below the places taken. Flushes."""
    (locked,) = lock_days([day.id])
    capacity = _capacity(capacity)
    taken = taken_per_day([locked.id]).get(locked.id, 0)
    if capacity is not None and capacity < taken:
        raise SettingsError(
            _l("%(count)d people have chosen this day; the places cannot be fewer.", count=taken), "capacity"
        )
    before = {"label": locked.label, "capacity": locked.capacity}
    locked.label, locked.capacity = label.strip(), capacity
    db.session.flush()
    _audit(
        db.session.get(Event, locked.event_id),
        "event_day",
        locked.id,
        "updated",
        before,
        {"label": locked.label, "capacity": capacity},
    )


def delete_day(day: EventDay) -> None:
    """Remove a day nobody has chosen. Flushes."""
    chosen = db.session.execute(select(func.count()).where(RegistrationDay.day_id == day.id)).scalar_one()
    if chosen:
        raise SettingsError(_l("People have chosen this day; it cannot be removed."))
    _audit(db.session.get(Event, day.event_id), "event_day", day.id, "deleted", {"day": day.day, "label": day.label})
    db.session.delete(day)
    db.session.flush()


# --- add-ons --------------------------------------------------------------------------


@dataclass
class AddOnData:
    kind: AddOnKind
    title: str
    price_ore: int | None
    capacity: int | None = None
    description: str = ""


def _check_addon(data: AddOnData) -> None:
    if not data.title.strip():
        raise SettingsError(_l("Give the add-on a title."), "title")
    _price(data.price_ore, "price")
    _capacity(data.capacity)


_ADDON_FIELDS = ("kind", "title", "price_ore", "capacity", "description")


def add_addon(event: Event, data: AddOnData) -> AddOn:
    """Offer an add-on (workshop, reception, dinner, room) with its price and places. Flushes."""

    _check_addon(data)
    position = db.session.execute(
        select(func.coalesce(func.max(AddOn.position), 0)).where(AddOn.event_id == event.id)
    ).scalar_one()
    addon = AddOn(
        event_id=event.id,
        kind=data.kind,
        title=data.title.strip(),
        price_ore=data.price_ore,
        capacity=data.capacity,
        description=data.description.strip(),
        position=position + 1,
    )
    db.session.add(addon)
    db.session.flush()
    _audit(event, "event_addon", addon.id, "created", after=snapshot(addon, _ADDON_FIELDS))
    return addon


def update_addon(addon: AddOn, data: AddOnData) -> None:
    """Change an add-on; its places never drop below those taken (counted under the row lock). Flushes.

    People who have already chosen it keep the price they were quoted.
    """

    _check_addon(data)
    (locked,) = lock_addons([addon.id])
    taken = taken_per_addon([locked.id]).get(locked.id, 0)
    if data.capacity is not None and data.capacity < taken:
        raise SettingsError(
            _l("%(count)d people have chosen this add-on; the places cannot be fewer.", count=taken), "capacity"
        )
    before = snapshot(locked, _ADDON_FIELDS)
    locked.kind, locked.title, locked.price_ore = data.kind, data.title.strip(), data.price_ore
    locked.capacity, locked.description = data.capacity, data.description.strip()
    db.session.flush()
    old, new = changed_only(before, snapshot(locked, _ADDON_FIELDS))
    if new:
        _audit(db.session.get(Event, locked.event_id), "event_addon", locked.id, "updated", old, new)


def delete_addon(addon: AddOn) -> None:
    """Remove an add-on nobody has chosen. Flushes."""
    chosen = db.session.execute(select(func.count()).where(RegistrationAddOn.addon_id == addon.id)).scalar_one()
    if chosen:
        raise SettingsError(
            _l("People have chosen this add-on; it cannot be removed. Set its places to the number taken to close it.")
        )
    _audit(db.session.get(Event, addon.event_id), "event_addon", addon.id, "deleted", {"title": addon.title})
    db.session.delete(addon)
    db.session.flush()
