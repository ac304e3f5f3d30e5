"""Upgrading a live site: the previous release's demo data, migrated to head, on both databases.

The fixture (tests/data/release-<commit>-*.sql, made once by
tests/data/make_release_fixture.py from that release's own code) holds the rows the
release's `seed-demo` wrote, without the schema. A fresh database is migrated to the
release's revision with today's migrations, the rows are loaded, and the database is
upgraded to head; then the site must serve those events, their personal links and a
new sign-up, and run every periodic job on them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from pathlib import Path

import flask_migrate
import psycopg
import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from config import TestConfig
from eventsite import create_app
from eventsite.events.models import Event, Visibility
from eventsite.extensions import db
from eventsite.mail.jobs import Schedule, registered_jobs
from eventsite.mail.models import JobRun
from eventsite.ops.health import migration_state
from eventsite.registration.models import Registration
from eventsite.registration.tokens import manage_token
from tests.conftest import PG_URL, skip_or_fail
from tests.helpers import sign_up

DATA = Path(__file__).parent / "data"
RELEASE = json.loads((DATA / "release-52a29a7.json").read_text())

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_database(request, tmp_path):
    """An empty database (no tables) on each backend; dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'release.sqlite'}"
        return
    if not PG_URL:
        skip_or_fail("PostgreSQL tests need EVENTSITE_TEST_DATABASE_URL")
    server = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"eventsite_release_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def load_release_rows(url: str) -> None:
    """The release's rows, as its own code wrote them, into a database at its revision."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        connection = sqlite3.connect(parsed.database)  # foreign keys off: the dump is in name order
        try:
            connection.executescript((DATA / "release-52a29a7-sqlite.sql").read_text())
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            connection.close()
        return
    libpq = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as connection:  # its own session: the dump sets search_path
        connection.execute((DATA / "release-52a29a7-postgresql.sql").read_text())


def row_counts(tables: list[str]) -> dict[str, int]:
    return {table: db.session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one() for table in tables}


def test_the_previous_releases_demo_data_upgrades_to_head_and_is_served(fresh_database):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database

    app = create_app(Config)
    with app.app_context():
        flask_migrate.upgrade(revision=RELEASE["revision"])
        db.engine.dispose()
    load_release_rows(fresh_database)
    with app.app_context():
        assert row_counts(list(RELEASE["rows"])) == RELEASE["rows"]
        db.session.remove()
        db.engine.dispose()
    with app.app_context():
        flask_migrate.upgrade()  # today's migrations, from the release's schema to head

        assert migration_state()["ok"]
        db.session.rollback()  # outside a request a unit of work writes: end it before inspecting
        tables = set(inspect(db.engine).get_table_names())
        kept = [table for table in RELEASE["rows"] if table in tables]
        after = row_counts(kept)
        assert {t: after[t] for t in kept if after[t] < RELEASE["rows"][t]} == {}, after  # nothing lost
        events = db.session.execute(select(Event).where(Event.published)).scalars().all()
        registrations = db.session.execute(select(Registration).order_by(Registration.id).limit(6)).scalars().all()
        links = [(manage_token(registration), registration.event_id) for registration in registrations]
        titles = {event.id: event.title for event in events}
        target = next(event for event in events if event.active_sessions and event.visibility is Visibility.PUBLIC)
        target_id, session_id = target.id, target.active_sessions[0].id
        db.session.rollback()

    client = app.test_client()
    assert events and registrations
    for event_id, title in titles.items():
        page = client.get(f"/arrangementer/{event_id}")
        assert page.status_code == 200 and title in page.text, event_id
    assert client.get("/api/v1/events").status_code == 200
    for token, event_id in links:
        page = client.get(f"/tilmelding/{token}")
        assert page.status_code == 200 and titles.get(event_id, "") in page.text
    answer = sign_up(client, target_id, session_id=session_id, name="Ny Deltager", email="ny.deltager@example.dk")
    assert answer.status_code == 303, answer.text  # a new row beside the old ones (PostgreSQL: sequences moved on)

    with app.app_context():
        Schedule(registered_jobs()).run_due()
        outcomes = dict(db.session.execute(select(JobRun.name, JobRun.last_outcome)).all())
        assert outcomes == {job.name: "ok" for job in registered_jobs()}
        assert db.session.execute(select(func.count(Registration.id))).scalar_one() > RELEASE["rows"]["registrations"]
        db.session.remove()  # the connection back to the pool, which dispose() then closes
        db.engine.dispose()


def test_the_fixture_is_the_release_its_json_names():
    assert (RELEASE["commit"], RELEASE["revision"]) == ("52a29a7", "0015")
    for kind in ("sqlite", "postgresql"):
        first = (DATA / f"release-52a29a7-{kind}.sql").read_text().splitlines()[0]
        assert first.startswith("-- eventsite release 52a29a7 (schema 0015)")
    assert os.path.exists(DATA / "make_release_fixture.py")
