"""Scheduled jobs: what the worker does every so often besides delivering.

The areas register their periodic work at start-up (`add_job`; eventsite.registration
queues its reminders and purges dietary notes this way). Every worker looks at the
jobs on each turn of its loop; a job runs when its `next_due_at` in `job_runs` has
come (a job that never ran is due at once, so `worker --once` also does what is due
now). Intervals come from configuration (`EVENTSITE_JOB_<NAME>_MINUTES`, read into
JOB_MINUTES in config.py), else the interval the area registered.

Each run happens once across several workers: a worker first takes the job's lease
with one conditional UPDATE (`leased_until` passed and `next_due_at` reached; an
INSERT on the job's very first run, where the unique name lets only one worker in).
Only the lease holder runs the job, as its own unit of work, committed when it
returns and rolled back (and logged) when it raises, and then records the outcome,
the count line and the next due time (finish + interval) under its lease token. A
worker killed mid-run leaves the lease, which lapses after JOB_LEASE_MINUTES.

Every run logs one line (JSON with EVENTSITE_LOG_FORMAT=json, see eventsite.logs):
the job's name, outcome, duration and counts. A job's line names its counts as
"<verb> <n> <things>" ("deleted 4 dietary notes" counts {"dietary_notes": 4}). A
failed run stores and logs the exception's type and scrubbed message only
(`eventsite.logs.describe`): exceptions can carry names and addresses (SQL
parameters), and job_runs is read by anyone with `flask jobs`.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import CursorResult, delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from eventsite import metrics
from eventsite.clock import utcnow
from eventsite.extensions import db
from eventsite.logs import describe
from eventsite.mail.models import JobRun, WorkerHeartbeat
from eventsite.web import reading, unit_of_work

log = logging.getLogger("eventsite.mail")

#: app.extensions key: the jobs registered with `add_job`, in order.
JOBS = "eventsite.mail.jobs"


@dataclass(frozen=True)
class Job:
    name: str
    #: run(now) does the work (flushes, never commits) and returns a line for the
    #: worker's log, or None when there is nothing to tell. No personal data in it.
    run: Callable[[datetime], str | None]
    every: timedelta


def add_job(app: Flask, name: str, run: Callable[[datetime], str | None], *, every: timedelta) -> None:
    """Have the worker call `run(now)` when it is due: at once, then every `every` (or as configured)."""
    jobs = app.extensions.setdefault(JOBS, [])
    if any(job.name == name for job in jobs):
        raise ValueError(f"a job called {name!r} is registered already")
    jobs.append(Job(name, run, every))


def registered_jobs() -> list[Job]:
    return list(current_app.extensions.get(JOBS, []))


def interval(job: Job) -> timedelta:
    """The job's interval: EVENTSITE_JOB_<NAME>_MINUTES if set, else what its area registered."""
    minutes = current_app.config.get("JOB_MINUTES", {}).get(job.name)
    return timedelta(minutes=minutes) if minutes is not None else job.every


def take_lease(name: str, now: datetime) -> str | None:
    """Take the job's lease if its run is due and nobody holds it; the lease token, or None."""
    token = secrets.token_hex(16)
    leased_until = now + timedelta(minutes=current_app.config["JOB_LEASE_MINUTES"])
    with unit_of_work():
        taken: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
            update(JobRun)
            .where(
                JobRun.name == name,
                JobRun.next_due_at <= now,
                or_(JobRun.leased_until.is_(None), JobRun.leased_until < now),
            )
            .values(leased_until=leased_until, lease_token=token, last_started_at=now)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            return token
        if db.session.execute(select(exists().where(JobRun.name == name))).scalar_one():
            return None
    # The job's first run anywhere: the unique name lets exactly one INSERT through.
    try:
        with unit_of_work():
            db.session.add(
                JobRun(name=name, next_due_at=now, leased_until=leased_until, lease_token=token, last_started_at=now)
            )
    except IntegrityError:
        return None
    return token


def finish_run(name: str, token: str, *, outcome: str, line: str, every: timedelta) -> None:
    """Record the run's outcome and when the next is due, if we still hold the lease."""
    finished = utcnow()
    with unit_of_work():
        db.session.execute(
            update(JobRun)
            .where(JobRun.name == name, JobRun.lease_token == token)
            .values(
                last_finished_at=finished,
                last_outcome=outcome,
                last_line=line[:200],
                leased_until=None,
                lease_token=None,
                next_due_at=finished + every,
            )
            .execution_options(synchronize_session=False)
        )


def run_job(job: Job, token: str | None = None) -> bool:
    """One run of a job under its lease (taken here unless given); False if not ours to run.

    The run is its own unit of work; a failure is logged and recorded, not raised.
    """
    if token is None:
        token = take_lease(job.name, utcnow())
        if token is None:
            return False
    started = time.perf_counter()
    try:
        with unit_of_work():
            line = job.run(utcnow()) or ""
    except Exception as error:
        summary = describe(error)
        log.exception(
            "scheduled job %s failed: %s", job.name, summary, extra={"fields": _fields(job, "failed", started, summary)}
        )
        finish_run(job.name, token, outcome="failed", line=summary, every=interval(job))
        metrics.JOB_RUNS.labels(job.name, "failed").inc()
        return True
    log.info("job %s ok: %s", job.name, line or "nothing to do", extra={"fields": _fields(job, "ok", started, line)})
    finish_run(job.name, token, outcome="ok", line=line, every=interval(job))
    metrics.JOB_RUNS.labels(job.name, "ok").inc()
    return True


#: "<verb> <n> <things>" in a job's line: "deleted 4 dietary notes", "queued 3 reminders".
_COUNT = re.compile(r"(\d+) ([A-Za-z][A-Za-z ]*?)\s*(?:[,;.]|$)")


def counts(line: str) -> dict[str, int]:
    """The counts a job's line names: {"dietary_notes": 4, "reminders": 3}."""
    return {"_".join(things.lower().split()): int(number) for number, things in _COUNT.findall(line)}


def _fields(job: Job, outcome: str, started: float, line: str) -> dict[str, Any]:
    return {
        "event": "job",
        "job": job.name,
        "outcome": outcome,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "counts": counts(line) if outcome == "ok" else {},
        "summary": line,
    }


def due_names(now: datetime) -> set[str]:
    """Names of the jobs in `job_runs` that are due and not leased."""
    return set(
        db.session.execute(
            select(JobRun.name).where(
                JobRun.next_due_at <= now, or_(JobRun.leased_until.is_(None), JobRun.leased_until < now)
            )
        ).scalars()
    )


class Schedule:
    """Runs the registered jobs whose time has come, each once across all workers."""

    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs

    def run_due(self) -> None:
        """Run every job that is due (one that never ran is due at once)."""
        if not self.jobs:
            return
        now = utcnow()
        with reading():  # no write lock while looking
            due = due_names(now)
            known = set(db.session.execute(select(JobRun.name)).scalars())
            db.session.rollback()
        for job in self.jobs:
            if job.name in due or job.name not in known:
                run_job(job)


class Heartbeat:
    """This worker's row in `worker_heartbeats`, written at most every few seconds."""

    #: Seconds between two writes (the /readyz threshold is minutes).
    EVERY = 5.0

    def __init__(self) -> None:
        self.worker = f"{socket.gethostname()}:{os.getpid()}"[:120]
        self.next_at = 0.0

    def beat(self) -> None:
        if time.monotonic() < self.next_at:
            return
        now = utcnow()
        with unit_of_work():
            written: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
                update(WorkerHeartbeat)
                .where(WorkerHeartbeat.worker == self.worker)
                .values(beat_at=now)
                .execution_options(synchronize_session=False)
            )
            if not written.rowcount:
                db.session.add(WorkerHeartbeat(worker=self.worker, started_at=now, beat_at=now))
        self.next_at = time.monotonic() + self.EVERY

    def stop(self) -> None:
        """A worker stopping on purpose takes its row away (a killed one's row just ages)."""
        with unit_of_work():
            db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.worker == self.worker))
