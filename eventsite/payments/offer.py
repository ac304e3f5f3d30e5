"""What an event offers (fee, days, add-ons, subsidised places) read from the database.

`event_offer` is for showing and quoting; decisions about places are made in
`eventsite.payments.operations` after locking the rows concerned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import with_expression

from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.payments import pricing
from eventsite.payments.models import (
    AddOn,
    DayPriceRow,
    EventDay,
    FeeSettings,
    RegistrationAddOn,
    RegistrationDay,
    SubsidyBudget,
)
from eventsite.registration.models import Registration, RegistrationStatus

#: Does the event have a fee, days, day prices, add-ons or a subsidy budget? Correlated
#: to the event of the query it is part of.
HAS_OFFER: ColumnElement[bool] = or_(
    *(
        select(model.event_id).where(model.event_id == Event.id).exists()
        for model in (FeeSettings, DayPriceRow, EventDay, AddOn, SubsidyBudget)
    )
)

#: Fills `Event.has_offer` in the query that loads the event for a sign-up page (see
#: the sign-up extras in eventsite.payments.signup).
WITH_HAS_OFFER = with_expression(Event.has_offer, HAS_OFFER)


def has_offer(event: Event) -> bool:
    """`Event.has_offer`: as loaded with the event, or asked now where it was loaded without it."""
    if event.has_offer is not None:
        return event.has_offer
    # Loaded through a relationship, say (the email-confirmed sign-up): one query, as
    # the deferred column this replaced cost there.
    return bool(db.session.execute(select(HAS_OFFER).where(Event.id == event.id)).scalar_one())


@dataclass(frozen=True)
class Places:
    """Places of a day or an add-on: capacity (None = unlimited) and how many are taken."""

    capacity: int | None
    taken: int = 0

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity


@dataclass
class EventOffer:
    fees: FeeSettings | None
    day_prices: list[DayPriceRow]
    days: list[EventDay]
    addons: list[AddOn]
    budget: SubsidyBudget | None
    #: Places taken per day id and add-on id (read without locks: for display only).
    day_places: dict[int, Places] = field(default_factory=dict)
    addon_places: dict[int, Places] = field(default_factory=dict)

    @property
    def prices(self) -> pricing.PriceList:
        return pricing.PriceList(
            member_fee=self.fees.member_price_ore if self.fees else 0,
            non_member_fee=self.fees.non_member_price_ore if self.fees else 0,
            day_ids=frozenset(d.id for d in self.days),
            day_prices={
                row.days: pricing.DayPrice(row.member_price_ore, row.non_member_price_ore) for row in self.day_prices
            },
            addons=tuple(
                pricing.AddOnOffer(a.id, a.title, a.price_ore, accommodation=a.kind.is_accommodation)
                for a in self.addons
            ),
        )

    @property
    def offers_subsidy(self) -> bool:
        return self.budget is not None

    @property
    def is_empty(self) -> bool:
        """Nothing to ask on the sign-up form: a free event without days, add-ons or subsidies."""
        return not (self.prices.charges_anything or self.days or self.addons or self.budget)


def event_offer(event_id: int, *, with_places: bool = True) -> EventOffer:
    """An event's fee, days, add-ons and subsidy budget, with places taken."""
    offer = EventOffer(
        fees=db.session.get(FeeSettings, event_id),
        day_prices=list(
            db.session.execute(
                select(DayPriceRow).where(DayPriceRow.event_id == event_id).order_by(DayPriceRow.days)
            ).scalars()
        ),
        days=list(
            db.session.execute(select(EventDay).where(EventDay.event_id == event_id).order_by(EventDay.day)).scalars()
        ),
        addons=list(
            db.session.execute(
                select(AddOn).where(AddOn.event_id == event_id).order_by(AddOn.position, AddOn.id)
            ).scalars()
        ),
        budget=db.session.get(SubsidyBudget, event_id),
    )
    if with_places:
        day_taken = taken_per_day([d.id for d in offer.days])
        addon_taken = taken_per_addon([a.id for a in offer.addons])
        offer.day_places = {d.id: Places(d.capacity, day_taken.get(d.id, 0)) for d in offer.days}
        offer.addon_places = {a.id: Places(a.capacity, addon_taken.get(a.id, 0)) for a in offer.addons}
    return offer


_ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def taken_per_day(day_ids: list[int]) -> dict[int, int]:
    """Active registrations (confirmed or waiting) per day; a waiting person holds their days."""
    if not day_ids:
        return {}
    rows = db.session.execute(
        select(RegistrationDay.day_id, func.count())
        .join(Registration, Registration.id == RegistrationDay.registration_id)
        .where(RegistrationDay.day_id.in_(day_ids), Registration.status.in_(_ACTIVE))
        .group_by(RegistrationDay.day_id)
    ).all()
    return dict(rows)


def taken_per_addon(addon_ids: list[int]) -> dict[int, int]:
    """Active registrations (confirmed or waiting) per add-on; a waiting person holds their add-ons."""
    if not addon_ids:
        return {}
    rows = db.session.execute(
        select(RegistrationAddOn.addon_id, func.count())
        .join(Registration, Registration.id == RegistrationAddOn.registration_id)
        .where(RegistrationAddOn.addon_id.in_(addon_ids), Registration.status.in_(_ACTIVE))
        .group_by(RegistrationAddOn.addon_id)
    ).all()
    return dict(rows)
