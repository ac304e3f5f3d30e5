"""Factories for events with fees, days, add-ons and subsidised places."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from eventsite.extensions import db
from tests.conftest import FUTURE

#: The issue's day prices (member, non-member) in øre.
DAY_PRICES = {1: (213300, 275000), 2: (330400, 420000), 3: (353400, 450000)}

#: Valid by their check digits (EAN-13 and modulus 11).
VALID_EAN = "5798000416604"
VALID_CVR = "13585628"


@dataclass
class Conference:
    id: int
    organisation_id: int
    session_ids: list[int]
    day_ids: list[int] = field(default_factory=list)
    #: title -> add-on id
    addons: dict[str, int] = field(default_factory=dict)

    @property
    def session_id(self) -> int:
        return self.session_ids[0]


@pytest.fixture
def create_conference(app, create_event):
    """An event with (by default) two days, the issue's day prices, add-ons and a subsidy budget.

    `addons` is a list of (kind, title, price_ore, capacity); `budget` is (places, amount_ore) or None.
    """

    def _create(
        *,
        days: int = 2,
        day_prices: dict[int, tuple[int, int]] | None = None,
        fee: tuple[int, int] | None = None,
        addons: list[tuple[str, str, int, int | None]] | None = None,
        budget: tuple[int | None, int | None] | None = (2, 500000),
        sessions: list[dict] | None = None,
        day_capacity: int | None = None,
        **event_fields,
    ) -> Conference:
        from eventsite.events.models import LOCAL_TZ
        from eventsite.payments.models import AddOn, AddOnKind, DayPriceRow, EventDay, FeeSettings, SubsidyBudget

        if sessions is None:
            sessions = [{"hours": 24 * (days - 1) + 8 if days else 8, "capacity": 50}]
        created = create_event("Lederkonference 2027", sessions=sessions, **event_fields)
        conference = Conference(created.id, created.organisation_id, created.session_ids)
        with app.app_context():
            first_day = FUTURE.astimezone(LOCAL_TZ).date()
            for n in range(days):
                day = EventDay(
                    event_id=created.id, day=first_day + timedelta(days=n), label=f"Dag {n + 1}", capacity=day_capacity
                )
                db.session.add(day)
                db.session.flush()
                conference.day_ids.append(day.id)
            if days:
                for count, (member, non_member) in (
                    day_prices or {k: v for k, v in DAY_PRICES.items() if k <= days}
                ).items():
                    db.session.add(
                        DayPriceRow(
                            event_id=created.id, days=count, member_price_ore=member, non_member_price_ore=non_member
                        )
                    )
            if fee is not None:
                db.session.add(FeeSettings(event_id=created.id, member_price_ore=fee[0], non_member_price_ore=fee[1]))
            if addons is None:
                addons = [
                    ("workshop", "Workshop: Svære samtaler", 45000, 2),
                    ("reception", "Reception", 0, None),
                    ("single_room", "Overnatning i enkeltværelse", 125000, 10),
                    ("double_room", "Plads i delt dobbeltværelse", 75000, 10),
                ]
            for position, (kind, title, price, capacity) in enumerate(addons):
                addon = AddOn(
                    event_id=created.id,
                    kind=AddOnKind(kind),
                    title=title,
                    price_ore=price,
                    capacity=capacity,
                    position=position,
                )
                db.session.add(addon)
                db.session.flush()
                conference.addons[title] = addon.id
            if budget is not None:
                db.session.add(SubsidyBudget(event_id=created.id, places=budget[0], amount_ore=budget[1]))
            db.session.commit()
        return conference

    return _create


def count_rows(app, *models) -> dict[str, int]:
    """How many rows each table holds (to show that a refused sign-up saved nothing)."""
    from sqlalchemy import func, select

    with app.app_context():
        return {m.__tablename__: db.session.execute(select(func.count()).select_from(m)).scalar_one() for m in models}
