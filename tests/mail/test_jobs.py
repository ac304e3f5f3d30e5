"""Scheduled jobs: one lease row per job, so each run happens once across workers."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

import config as config_module
from eventsite import clock
from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.logs import JsonFormatter, TextFormatter
from eventsite.mail.jobs import JOBS, Job, Schedule, add_job, registered_jobs, run_job, take_lease
from eventsite.mail.models import JobRun, WorkerHeartbeat
from eventsite.registration.models import DietaryNote
from tests.mail.smtp_sink import SMTPSink, WorkerProcess


def _row(app, name: str) -> JobRun:
    with app.app_context():
        row = db.session.execute(select(JobRun).where(JobRun.name == name)).scalar_one()
        db.session.expunge(row)
        return row


def _race(app, job: Job, racers: int = 4) -> list[bool]:
    """`racers` threads run the same job at the same instant; what each got."""
    barrier = threading.Barrier(racers)
    outcomes: list[bool] = []
    errors: list[BaseException] = []

    def racer() -> None:
        try:
            with app.app_context():
                barrier.wait()
                outcomes.append(run_job(job))
                db.session.remove()
        except BaseException as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=racer) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return outcomes


def test_workers_racing_for_a_job_run_it_once_the_first_time_and_every_time_after(app):
    runs: list[int] = []

    def count(now):
        time.sleep(0.2)  # long enough for the others to try while it runs
        runs.append(1)
        return f"counted {len(runs)}"

    job = Job("count", count, timedelta(minutes=10))

    assert sorted(_race(app, job)) == [False, False, False, True]  # the first run: one INSERT wins
    assert len(runs) == 1
    assert sorted(_race(app, job)) == [False] * 4  # not due again yet
    assert len(runs) == 1

    with clock.travelled(utcnow() + timedelta(minutes=11)):
        assert sorted(_race(app, job)) == [False, False, False, True]  # due again: one UPDATE wins
    assert len(runs) == 2
    row = _row(app, "count")
    assert (row.last_outcome, row.last_line) == ("ok", "counted 2")
    assert row.leased_until is None and row.lease_token is None


def test_the_next_run_is_due_the_configured_interval_after_the_last_one_finished(app, monkeypatch):
    monkeypatch.setitem(app.extensions, JOBS, [])
    monkeypatch.setitem(app.config, "JOB_MINUTES", {"tidy": 30})
    runs: list[str] = []
    add_job(app, "tidy", lambda now: runs.append("tidy") or "tidied", every=timedelta(hours=6))
    with app.app_context():
        schedule = Schedule(registered_jobs())
        schedule.run_due()
        schedule.run_due()
    row = _row(app, "tidy")
    assert row.next_due_at - row.last_finished_at == timedelta(minutes=30)
    assert runs == ["tidy"]

    with clock.travelled(row.next_due_at + timedelta(seconds=1)), app.app_context():
        Schedule(registered_jobs()).run_due()
    assert runs == ["tidy", "tidy"]


def test_a_lease_left_by_a_killed_worker_blocks_the_job_until_it_lapses(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_LEASE_MINUTES", 15)
    runs: list[int] = []
    job = Job("tidy", lambda now: runs.append(1) and None, timedelta(minutes=1))
    with app.app_context():
        assert take_lease("tidy", utcnow()) is not None  # ... and the worker dies holding it
        with clock.travelled(utcnow() + timedelta(minutes=10)):
            assert run_job(job) is False
        with clock.travelled(utcnow() + timedelta(minutes=16)):
            assert run_job(job) is True
    assert runs == [1]
    assert _row(app, "tidy").last_outcome == "ok"


def test_a_failed_run_is_recorded_and_logged_by_type_and_scrubbed_message_and_is_due_again(app, caplog):
    person = {"name": "Mette Hansen", "email": "mette.hansen@example.dk"}

    def broken(now):
        # A real database error: SQLAlchemy puts the statement's parameters in its message.
        db.session.execute(text("SELECT id FROM no_such_table WHERE name = :name AND email = :email"), person)

    with app.app_context(), caplog.at_level(logging.INFO, logger="eventsite.mail"):
        assert run_job(Job("broken", broken, timedelta(minutes=5))) is True
    row = _row(app, "broken")
    assert row.last_outcome == "failed"
    assert row.last_line.split(":")[0] in {"OperationalError", "ProgrammingError"}, row.last_line
    assert "no_such_table" not in row.last_line or "'" not in row.last_line
    assert row.next_due_at - row.last_finished_at == timedelta(minutes=5)

    [record] = [r for r in caplog.records if r.exc_info]
    for formatter in (JsonFormatter(), TextFormatter()):
        line = formatter.format(record)
        assert "Mette" not in line and "mette.hansen" not in line and "example.dk" not in line, line
        assert "in broken" in line and row.last_line.split(":")[0] in line  # where and what, not with whom
    fields = json.loads(JsonFormatter().format(record))
    assert (fields["event"], fields["job"], fields["outcome"]) == ("job", "broken", "failed")
    assert fields["duration_ms"] >= 0


def test_intervals_come_from_eventsite_job_name_minutes(monkeypatch):
    monkeypatch.setenv("EVENTSITE_JOB_RETENTION_MINUTES", "720")
    monkeypatch.setenv("EVENTSITE_JOB_REMINDERS_MINUTES", "5")
    monkeypatch.setenv("EVENTSITE_JOB_LEASE_MINUTES", "20")
    assert config_module._job_minutes() == {"retention": 720.0, "reminders": 5.0}


def test_the_jobs_command_lists_each_job_with_its_interval_last_and_next_run(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_MINUTES", {"reminders": 5})
    with app.app_context():
        run_job(next(job for job in registered_jobs() if job.name == "retention"))
    result = app.test_cli_runner().invoke(args=["jobs"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "reminders: every 5 min"
    assert lines[1:3] == ["  last run: never", "  next run: when a worker runs (at once)"]
    at = lines.index("retention: every 1 h")
    assert lines[at + 1].startswith("  last run: started ") and lines[at + 1].endswith(", ok")
    finished = _row(app, "retention").last_finished_at
    assert lines[at + 2] == "  next run: " + (finished + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S UTC")


@pytest.mark.slow
def test_two_real_workers_run_each_job_once_delete_dietary_notes_and_keep_a_heartbeat(
    app, database_url, create_event, register_person
):
    finished = create_event(title="Forbi")
    person = register_person(finished.session_id)
    with app.app_context():
        db.session.add(DietaryNote(registration_id=person.id, text="Glutenfri"))
        session = db.session.get(EventSession, finished.session_id)
        session.starts_at = utcnow() - timedelta(days=11)
        session.ends_at = utcnow() - timedelta(days=10)
        db.session.commit()

    with app.app_context():
        jobs = registered_jobs()
    sink = SMTPSink().start()
    workers = [WorkerProcess(database_url, sink.port, app.config["SECRET_KEY"]) for _ in range(2)]
    try:
        for process in workers:
            process.wait_until_started()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with app.app_context():
                finished_runs = db.session.execute(select(func.count()).where(JobRun.last_outcome == "ok")).scalar_one()
                beating = db.session.execute(select(func.count(WorkerHeartbeat.id))).scalar_one()
            if finished_runs == len(jobs) and beating == 2:
                break
            time.sleep(0.1)
        time.sleep(1.0)  # time for a second run, if the lease let one through
        # One finished run per registered job (reminders, held places, retention), not two.
        assert (finished_runs, beating) == (len(jobs), 2)
    finally:
        for process in workers:
            process.terminate()
        sink.stop()

    logs = "".join(process.log() for process in workers)
    assert logs.count("job retention ok: dietary_notes 1") == 1, logs
    assert logs.count("job reminders ok") == 1, logs
    with app.app_context():
        assert db.session.execute(select(func.count(DietaryNote.registration_id))).scalar_one() == 0
        assert db.session.execute(select(func.count(WorkerHeartbeat.id))).scalar_one() == 0  # stopped on purpose
