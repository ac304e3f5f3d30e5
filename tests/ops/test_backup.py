"""Backups you can restore: `flask --app wsgi backup` on a live SQLite site; pg_dump/pg_restore.

SQLite: a live gunicorn takes sign-ups while the backup runs; the copy is restored into
a fresh instance, and that site serves the same events and registrations. PostgreSQL:
the command refuses and names pg_dump/pg_restore; those binaries (when installed) dump
the test database and restore it into a fresh one that serves the same.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import uuid

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import TestConfig
from eventsite import create_app
from eventsite.extensions import db
from tests.conftest import skip_or_fail
from tests.helpers import csrf_token
from tests.live_server import ROOT, live_server

pytestmark = pytest.mark.slow


def flask_command(database_url: str, *arguments: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if not name.startswith("EVENTSITE_")}
    env.update(EVENTSITE_DATABASE_URL=database_url, EVENTSITE_SECRET_KEY="backup-test-" + "k" * 32, PYTHONPATH=ROOT)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def rows(path: str, query: str) -> list[tuple]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


REGISTRATIONS = "SELECT r.id, r.session_id, r.status, p.email FROM registrations r JOIN people p ON p.id = r.person_id ORDER BY r.id"


class SignUps(threading.Thread):
    """Public sign-ups, one after another, until stopped; each answer's status."""

    def __init__(self, url: str, event_id: int, session_id: int) -> None:
        super().__init__(daemon=True)
        self.url, self.event_id, self.session_id = url, event_id, session_id
        self.statuses: list[int] = []
        self.stop = threading.Event()
        self.errors: list[BaseException] = []

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with requests.Session() as web:
                    web.trust_env = False
                    page = web.get(f"{self.url}/arrangementer/{self.event_id}", timeout=30)
                    answer = web.post(
                        f"{self.url}/arrangementer/{self.event_id}/tilmeld",
                        data={
                            "csrf_token": csrf_token(page.text),
                            "session_id": self.session_id,
                            "name": "Deltager Under Backup",
                            "email": f"{uuid.uuid4().hex[:12]}@example.dk",
                        },
                        allow_redirects=False,
                        timeout=30,
                    )
                    self.statuses.append(answer.status_code)
        except BaseException as error:  # pragma: no cover - shown by the assertion
            self.errors.append(error)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_backup_of_the_live_sqlite_site_restores_into_a_site_serving_the_same(
    app, database_url, create_event, register_person, tmp_path
):
    busy = create_event(title="Temadag med travl tilmelding", sessions=[{"capacity": 1000}])
    quiet = create_event(title="Generalforsamling 2026", sessions=[{"capacity": 40}])
    settled = [register_person(quiet.session_id, name=f"Medlem {n}", email=f"medlem{n}@example.dk") for n in range(5)]
    source = make_url(database_url).database
    copy = str(tmp_path / "eventsite-backup.sqlite")

    with live_server(database_url, workers=2, secret_key=app.secret_key) as server:
        signups = SignUps(server.url, busy.id, busy.session_id)
        signups.start()
        while len(signups.statuses) < 5 and signups.is_alive():
            signups.join(0.05)
        before = len(rows(source, "SELECT id FROM registrations"))
        result = flask_command(database_url, "backup", copy)
        during = len(signups.statuses)
        while len(signups.statuses) < during + 5 and signups.is_alive():
            signups.join(0.05)  # the site goes on taking sign-ups after the backup too
        signups.stop.set()
        signups.join(60)
        original_api = requests.get(f"{server.url}/api/v1/events/{quiet.id}", timeout=10).json()

    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout
    assert not signups.errors and set(signups.statuses) == {303}, (signups.errors, signups.statuses)
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600  # members' data: the owner's only
    assert not [name for name in os.listdir(tmp_path) if ".partial" in name]

    # The copy is one instant of the live database: every row it has is the original's,
    # it has at least what was there before the backup began, and not what came after.
    copied, original = rows(copy, REGISTRATIONS), rows(source, REGISTRATIONS)
    assert before <= len(copied) < len(original)
    assert set(copied) <= set(original)
    assert rows(copy, "SELECT id, title FROM events ORDER BY id") == rows(
        source, "SELECT id, title FROM events ORDER BY id"
    )
    assert rows(copy, "PRAGMA integrity_check") == [("ok",)]

    # Restore: the copy becomes the database of a fresh instance.
    restored = str(tmp_path / "restored" / "eventsite.sqlite")
    os.makedirs(os.path.dirname(restored))
    shutil.copyfile(copy, restored)
    restored_url = f"sqlite:///{restored}"
    with live_server(restored_url, workers=1, secret_key=app.secret_key) as server:
        listed = requests.get(f"{server.url}/api/v1/events", timeout=10).json()
        quiet_api = requests.get(f"{server.url}/api/v1/events/{quiet.id}", timeout=10).json()
        busy_api = requests.get(f"{server.url}/api/v1/events/{busy.id}", timeout=10).json()
        manage = requests.get(f"{server.url}/tilmelding/{settled[0].token}", timeout=10)
        ready = requests.get(f"{server.url}/readyz", timeout=10).json()

    assert {event["id"] for event in listed["events"]} == {busy.id, quiet.id}
    # An event nobody touched during the backup: identical (but for the server's own address).
    assert {**quiet_api, "url": None} == {**original_api, "url": None}
    held = sum(1 for row in copied if row[1] == busy.session_id)
    [session] = busy_api["sessions"]
    assert session["seats_left"] == 1000 - held  # every place the copy holds, and no other
    assert manage.status_code == 200 and "Generalforsamling 2026" in manage.text  # the personal link works
    assert ready["checks"]["migrations"]["ok"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_backup_refuses_an_existing_file_and_leaves_it_alone(database_url, tmp_path):
    existing = tmp_path / "old.sqlite"
    existing.write_bytes(b"yesterday's backup")
    result = flask_command(database_url, "backup", str(existing))
    assert result.returncode == 1 and "exists already" in result.stderr
    assert existing.read_bytes() == b"yesterday's backup"


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_on_postgresql_backup_refuses_and_names_pg_dump_and_pg_restore(database_url, tmp_path):
    target = tmp_path / "x.sqlite"
    result = flask_command(database_url, "backup", str(target))
    assert result.returncode == 2
    assert "pg_dump -Fc" in result.stderr and "pg_restore" in result.stderr
    assert not target.exists()


def _pg_tool(name: str) -> str:
    """Debian's newest PostgreSQL binaries (/usr/lib/postgresql/<version>/bin), else PATH's."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version, reverse=True)
    found = next((path for path in candidates if os.access(path, os.X_OK)), None) or shutil.which(name)
    if found is None:
        skip_or_fail(f"the PostgreSQL restore test needs {name} (apt-get install postgresql-client)")
    return found


def _version(path: str) -> int:
    return int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_pg_dump_restored_with_pg_restore_serves_the_same_events_and_registrations(
    app, database_url, create_event, register_person, tmp_path
):
    event = create_event(title="Lederdag i Odense", sessions=[{"capacity": 10}])
    people = [register_person(event.session_id, name=f"Leder {n}", email=f"leder{n}@example.dk") for n in range(12)]
    dump = tmp_path / "eventsite.dump"
    url = make_url(database_url)
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run([_pg_tool("pg_dump"), "-Fc", f"--file={dump}", libpq], check=True, timeout=120)

    restored_name = f"{url.database}_restored"
    admin = create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{restored_name}"'))
    try:
        restored = url.set(database=restored_name)
        subprocess.run(
            [_pg_tool("pg_restore"), "--no-owner", f"--dbname={restored.set(drivername='postgresql').render_as_string(hide_password=False)}", str(dump)],
            check=True,
            timeout=120,
        )  # fmt: skip

        class Restored(TestConfig):
            SQLALCHEMY_DATABASE_URI = restored.render_as_string(hide_password=False)

        restored_app = create_app(Restored)
        client, original = restored_app.test_client(), app.test_client()
        assert (
            client.get(f"/api/v1/events/{event.id}").get_json() == original.get(f"/api/v1/events/{event.id}").get_json()
        )
        session = client.get(f"/api/v1/events/{event.id}").get_json()["sessions"][0]
        assert (session["confirmed"], session["waitlisted"]) == (10, 2)
        page = client.get(f"/tilmelding/{people[11].token}")  # the last one, on the waiting list
        assert page.status_code == 200 and "Lederdag i Odense" in page.text
        with restored_app.app_context():
            emails = db.session.execute(text("SELECT email FROM people ORDER BY email")).scalars().all()
            db.session.remove()  # the connection back to the pool, which dispose() then closes
            db.engine.dispose()
        assert emails == sorted(f"leder{n}@example.dk" for n in range(12))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)'))
        admin.dispose()


def test_the_daily_backup_script_backs_up_either_database(database_url, create_event, register_person, tmp_path):
    """deploy/eventsite-backup, as eventsite-backup.timer runs it: flask backup or pg_dump -Fc."""
    event = create_event(title="Temadag i Aarhus")
    register_person(event.session_id, email="leder@example.dk")
    env = {name: value for name, value in os.environ.items() if not name.startswith("EVENTSITE_")}
    env.update(EVENTSITE_APP_DIR=ROOT, EVENTSITE_DATABASE_URL=database_url, EVENTSITE_SECRET_KEY="k" * 40)
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    if database_url.startswith("postgresql"):
        env["PATH"] = os.pathsep.join([os.path.dirname(_pg_tool("pg_dump")), env["PATH"]])
    old = tmp_path / "eventsite-20200101-000000.sqlite"
    old.write_bytes(b"an old backup")
    os.utime(old, (0, 0))  # far older than the 14 days kept
    script = os.path.join(ROOT, "deploy", "eventsite-backup")
    subprocess.run(["sh", script, str(tmp_path)], env=env, check=True, capture_output=True, timeout=120)

    [backup] = [path for path in tmp_path.iterdir() if path.name.startswith("eventsite-")]  # the old one pruned
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    if database_url.startswith("postgresql"):
        listing = subprocess.run(
            [_pg_tool("pg_restore"), "--list", str(backup)], check=True, capture_output=True, text=True
        ).stdout
        assert "TABLE DATA public registrations" in listing
    else:
        assert rows(str(backup), "SELECT count(*) FROM registrations") == [(1,)]
