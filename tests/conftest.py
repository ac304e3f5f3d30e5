"""Shared fixtures: the app on real SQLite and PostgreSQL databases, and factories.

The schema is built by running the Alembic migrations, never by create_all().
PostgreSQL tests run when EVENTSITE_TEST_DATABASE_URL points at a server (any
database on it: a fresh one is created per test run). With
EVENTSITE_TEST_REQUIRE_ALL=1 (CI) a missing PostgreSQL or Chromium is a failure,
not a skip. Under pytest-xdist (`make test`) every worker is its own test run: its
own SQLite file and its own PostgreSQL database.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from time import monotonic

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from config import TestConfig
from eventsite import clock, create_app
from eventsite.accounts import second_factor
from eventsite.accounts.logins import create_user as create_account
from eventsite.accounts.models import Membership, Role, User
from eventsite.events.models import LOCAL_TZ as COPENHAGEN
from eventsite.events.models import Organisation
from eventsite.extensions import db
from eventsite.payments.operations import Choices, record_choices
from eventsite.registration.notifications import notify_signup
from eventsite.registration.operations import PersonDetails, register
from eventsite.registration.tokens import manage_token
from tests.helpers import PASSWORD, TOTP_SECRET, log_in, user_email

PG_URL = os.environ.get("EVENTSITE_TEST_DATABASE_URL")
REQUIRE_ALL = os.environ.get("EVENTSITE_TEST_REQUIRE_ALL") == "1"

_STARTED = pytest.StashKey[float]()


def pytest_sessionstart(session) -> None:
    session.config.stash[_STARTED] = monotonic()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """One clear line with the run's duration (and workers), above pytest's own summary."""
    if _STARTED not in config.stash:
        return
    minutes, seconds = divmod(round(monotonic() - config.stash[_STARTED]), 60)
    workers = getattr(config.option, "numprocesses", None) or 0
    how = f"{workers} parallel workers (pytest-xdist)" if workers else "one process"
    terminalreporter.write_line(f"Test suite duration: {minutes} min {seconds:02d} s, in {how}")


def skip_or_fail(reason: str) -> None:
    """Skip a test whose infrastructure is missing, or fail in CI where it must exist."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (EVENTSITE_TEST_REQUIRE_ALL=1 forbids skipping)")
    pytest.skip(reason)


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


@pytest.fixture(scope="session")
def postgres_database():
    """A fresh PostgreSQL database for this test run; dropped at the end."""
    if not PG_URL:
        skip_or_fail("PostgreSQL tests need EVENTSITE_TEST_DATABASE_URL")
    admin_url = make_url(_psycopg_url(PG_URL))
    name = f"eventsite_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'eventsite-test.sqlite'}"


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request):
    """The URL of a migrated, empty test database: once per backend."""
    url = request.getfixturevalue(f"{request.param}_database")
    app = _make_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


def _make_app(url: str, **settings):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    for name, value in settings.items():
        setattr(Config, name, value)
    return create_app(Config)


@pytest.fixture(scope="session")
def _apps():
    """One app per database URL, reused across tests; engines closed at the end."""
    apps = {}
    yield apps
    for application in apps.values():
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def app(database_url, _apps):
    """The application on an emptied database (tables truncated before each test)."""
    if database_url not in _apps:
        _apps[database_url] = _make_app(database_url)
    application = _apps[database_url]
    with application.app_context():
        _empty_all_tables()
    yield application


def _empty_all_tables() -> None:
    tables = [t for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


#: Small limits, so that a limit test reaches them in a few requests.
TEST_RATE_LIMITS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_SIGNUP": "3 per minute",
    "RATELIMIT_SEND_LINK": "3 per minute",
    "RATELIMIT_LOGIN": "3 per minute",
    "RATELIMIT_INVITATION_ANSWER": "3 per minute",
    "RATELIMIT_MEMBER_IMPORT": "3 per minute",
    "RATELIMIT_PER_RECIPIENT": "2 per hour",
}


@pytest.fixture
def rate_limited_app(app, database_url, _apps):
    """The app with rate limits on, on the same emptied database, with fresh counts.

    The suite runs with limits off (TestConfig): its tests post far faster than people.
    Factories (create_event, ...) still use `app`; requests go to this one.
    """
    key = ("rate-limited", database_url)
    if key not in _apps:
        _apps[key] = _make_app(database_url, **TEST_RATE_LIMITS)
    limited = _apps[key]
    limited.extensions["eventsite_limiter"].reset()
    yield limited


# --- factories -------------------------------------------------------------

# The suite runs on the app's clock set to a fixed instant, never on the real date:
# Monday 4 May 2026, 10:00 in Copenhagen. From there "thirty days ahead" and the
# weeks after it fall in summer time, in one year and before the 1 January 2027
# region reform, whatever day the suite is run. Tests about the reform, the
# summer-time shift or the turn of a year set their own dates on both sides of it.
SUITE_NOW = datetime(2026, 5, 4, 10, 0, tzinfo=COPENHAGEN)
clock.travel_to(SUITE_NOW)

# 09:00 in Copenhagen thirty days ahead: a fixed time of day, so that a
# six-hour session never runs past midnight.
FUTURE = datetime.combine(SUITE_NOW.date() + timedelta(days=30), time(9, 0), tzinfo=COPENHAGEN).astimezone(timezone.utc)


@dataclass
class CreatedEvent:
    id: int
    organisation_id: int
    session_ids: list[int] = field(default_factory=list)

    @property
    def session_id(self) -> int:
        return self.session_ids[0]


@pytest.fixture
def create_organisation(app):
    def _create(slug: str = "lederne", name: str = "Lederne Sjælland") -> int:
        from eventsite.events.models import Organisation

        with app.app_context():
            org = Organisation(slug=slug, name=name, sender_email=f"{slug}@example.org")
            db.session.add(org)
            db.session.commit()
            return org.id

    return _create


@pytest.fixture
def create_event(app, create_organisation):
    """Create a published event with sessions; returns ids.

    `sessions` is a list of dicts with optional keys: city, municipality_code,
    capacity, start (aware datetime), hours, online_url, programme [(HH:MM, title)].
    """

    def _create(
        title: str = "Temadag for mellemledere",
        sessions: list[dict] | None = None,
        organisation_id: int | None = None,
        **fields,
    ) -> CreatedEvent:
        from eventsite.events.models import Event, EventKind, EventSession, ProgrammeItem, Venue

        if organisation_id is None:
            organisation_id = create_organisation(slug=f"org-{uuid.uuid4().hex[:8]}")
        sessions = sessions if sessions is not None else [{}]
        with app.app_context():
            fields.setdefault("kind", EventKind.TEMADAG)
            fields.setdefault("published", True)
            event = Event(organisation_id=organisation_id, title=title, **fields)
            db.session.add(event)
            for index, spec in enumerate(sessions):
                venue = None
                if not spec.get("online"):
                    venue = Venue(
                        organisation_id=organisation_id,
                        name=spec.get("venue_name", f"Mødecenter {spec.get('city', 'Næstved')}"),
                        address="Torvet 1",
                        postcode=spec.get("postcode", "4700"),
                        city=spec.get("city", "Næstved"),
                        municipality_code=spec.get("municipality_code", "0370"),
                    )
                start = spec.get("start", FUTURE + timedelta(days=index * 7))
                session = EventSession(
                    event=event,
                    venue=venue,
                    starts_at=start,
                    ends_at=start + timedelta(hours=spec.get("hours", 6)),
                    capacity=spec.get("capacity", 20),
                    online_url=spec.get("online_url"),
                )
                db.session.add(session)
                for clock, item_title in spec.get("programme", []):
                    db.session.add(
                        ProgrammeItem(session=session, starts_at=time.fromisoformat(clock), title=item_title)
                    )
            db.session.commit()
            return CreatedEvent(event.id, organisation_id, [s.id for s in event.sessions])

    return _create


@dataclass
class CreatedRegistration:
    id: int
    token: str
    status: str


@pytest.fixture
def register_person(app):
    """Sign a person up through the domain functions, as the sign-up view does, and commit.

    The one sign-up helper of the suite. `notify=True` also queues the confirmation email
    (as the view does); `choices` (payments' `Choices`) records days, add-ons and a
    subsidy wish; `dietary_needs` goes to `register`; other keywords are `PersonDetails`
    fields. Returns the registration's id, manage token and status.
    """

    def _register(
        session_id: int,
        email: str | None = None,
        name: str = "Mette Hansen",
        *,
        notify: bool = False,
        choices: Choices | None = None,
        dietary_needs: str = "",
        **person,
    ) -> CreatedRegistration:
        email = email or f"{uuid.uuid4().hex[:8]}@example.dk"
        with app.test_request_context(method="POST"):
            details = PersonDetails(name=name, email=email, **person)
            registration = register(session_id, details, dietary_needs=dietary_needs)
            if choices is not None:
                record_choices(registration, choices)
            if notify:
                notify_signup(registration)
            db.session.commit()
            return CreatedRegistration(registration.id, manage_token(registration), registration.status.value)

    return _register


# --- back-office accounts ----------------------------------------------------


@pytest.fixture
def fast_password_hashing(app, monkeypatch):
    """scrypt costs ~0.15 s per hash; tests that are not about hashing use a cheap method."""
    monkeypatch.setitem(app.config, "ORGANISER_PASSWORD_METHOD", "pbkdf2:sha256:1000")


@pytest.fixture
def create_user(app, fast_password_hashing):
    """Create an account with one role in an organisation; returns the user id.

    An email that already has an account gets the role in this organisation as well.
    """

    def _create(
        organisation_id: int,
        role: str = "organiser",
        email: str | None = None,
        password: str = PASSWORD,
        name: str = "Anne Arrangør",
        active: bool = True,
    ) -> int:
        email = email or f"{role}-{uuid.uuid4().hex[:6]}@example.org"
        with app.test_request_context():
            existing = db.session.execute(select(User).where(User.email == email.lower())).scalar_one_or_none()
            if existing is not None:
                existing.memberships.append(Membership(organisation_id=organisation_id, role=Role(role)))
                db.session.commit()
                return existing.id
            organisation = db.session.get(Organisation, organisation_id)
            user = create_account(email, password, organisation, Role(role), name=name)
            user.active = active
            if Role(role) is not Role.CHECKIN:
                # Administrators and organisers must use a second factor: enrolled with a known
                # secret (tests.helpers.log_in computes the codes). For check-in helpers it is
                # optional, and they stay without (two doors may log in within one 30-second step).
                user.totp_secret = second_factor.seal(TOTP_SECRET)
                user.totp_confirmed_at = clock.utcnow()
            db.session.commit()
            return user.id

    return _create


@pytest.fixture
def login_as(app, client, create_user):
    """Create an account with a role in the organisation and log the test client in as it.

    The one way tests log in to the back office; returns the user id.
    """

    def _login(organisation_id: int, role: str = "organiser", **kwargs) -> int:
        user_id = create_user(organisation_id, role, **kwargs)
        response = log_in(client, user_email(app, user_id), kwargs.get("password", PASSWORD))
        assert response.status_code == 303, response.data
        return user_id

    return _login


@pytest.fixture
def organiser(request, create_organisation, login_as) -> int:
    """The test client logged in to the back office of "Lederne Sjælland"; its id.

    As an organiser. A module that needs another role asks for it indirectly:
    `pytest.mark.parametrize("organiser", ["admin"], indirect=True)`.
    """
    org = create_organisation(slug="lederne", name="Lederne Sjælland")
    login_as(org, getattr(request, "param", "organiser"))
    return org
