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
                day = EventDay(event_id=created.id, day=first_day + timedelta(days=n), label=f"Dag {n + 1}", capacity=day_capacity)
                db.session.add(day)
                db.session.flush()
                conference.day_ids.append(day.id)
            if days:
                for count, (member, non_member) in (day_prices or {k: v for k, v in DAY_PRICES.items() if k <= days}).items():
                    db.session.add(DayPriceRow(event_id=created.id, days=count, member_price_ore=member, non_member_price_ore=non_member))
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
                addon = AddOn(event_id=created.id, kind=AddOnKind(kind), title=title, price_ore=price, capacity=capacity, position=position)
                db.session.add(addon)
                db.session.flush()
                conference.addons[title] = addon.id
            if budget is not None:
                db.session.add(SubsidyBudget(event_id=created.id, places=budget[0], amount_ore=budget[1]))
            db.session.commit()
        return conference

    return _create


@pytest.fixture
def sign_up_with_choices(app):
    """Sign someone up through the domain functions (as the view does), with choices; commits."""

    def _sign_up(session_id: int, choices, email: str | None = None, name: str = "Mette Hansen"):
        import uuid

        from eventsite.payments.operations import record_choices
        from eventsite.registration.notifications import notify_signup
        from eventsite.registration.operations import PersonDetails, register

        email = email or f"{uuid.uuid4().hex[:8]}@example.dk"
        with app.test_request_context(method="POST"):
            registration = register(session_id, PersonDetails(name=name, email=email))
            record_choices(registration, choices)
            notify_signup(registration)
            db.session.commit()
            return registration.id

    return _sign_up


def count_rows(app, *models) -> dict[str, int]:
    """How many rows each table holds (to show that a refused sign-up saved nothing)."""
    from sqlalchemy import func, select

    with app.app_context():
        return {m.__tablename__: db.session.execute(select(func.count()).select_from(m)).scalar_one() for m in models}


@pytest.fixture
def login_as(app, client):
    """Log the test client in as an organiser of the organisation (cheap password hashing)."""
    from tests.organiser.conftest import PASSWORD, log_in

    def _login(organisation_id: int, role: str = "organiser") -> int:
        import uuid

        from eventsite.events.models import Organisation
        from eventsite.accounts.logins import create_user
        from eventsite.accounts.models import Role

        email = f"{role}-{uuid.uuid4().hex[:6]}@example.org"
        with app.test_request_context():
            user = create_user(email, PASSWORD, db.session.get(Organisation, organisation_id), Role(role), name="Anne Arrangør")
            db.session.commit()
            user_id = user.id
        response = log_in(client, email)
        assert response.status_code == 303, response.data
        return user_id

    # scrypt costs ~0.15 s per hash; these tests are not about hashing.
    previous = app.config.get("ORGANISER_PASSWORD_METHOD")
    app.config["ORGANISER_PASSWORD_METHOD"] = "pbkdf2:sha256:1000"
    yield _login
    if previous is None:
        app.config.pop("ORGANISER_PASSWORD_METHOD", None)
    else:
        app.config["ORGANISER_PASSWORD_METHOD"] = previous
