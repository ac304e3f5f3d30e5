"""Scheduled jobs: what the worker does every so often besides delivering.

The areas register their periodic work at start-up (`add_job`; eventsite.registration
queues its reminders this way). The worker runs every job once when it starts, so
`worker --once` also does what is due now, and then again whenever its interval
has passed. Each run is one unit of work: committed when it returns, rolled back
(and logged) when it raises, and the worker carries on either way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app

from eventsite.clock import utcnow
from eventsite.web import unit_of_work

log = logging.getLogger("eventsite.mail")

#: app.extensions key: the jobs registered with `add_job`, in order.
JOBS = "eventsite.mail.jobs"


@dataclass(frozen=True)
class Job:
    name: str
    #: run(now) does the work (flushes, never commits) and returns a line for the
    #: worker's log, or None when there is nothing to tell.
    run: Callable[[datetime], str | None]
    every: timedelta


def add_job(app: Flask, name: str, run: Callable[[datetime], str | None], *, every: timedelta) -> None:
    """Have the worker call `run(now)` when it starts and then every `every`."""
    jobs = app.extensions.setdefault(JOBS, [])
    if any(job.name == name for job in jobs):
        raise ValueError(f"a job called {name!r} is registered already")
    jobs.append(Job(name, run, every))


def registered_jobs() -> list[Job]:
    return list(current_app.extensions.get(JOBS, []))


def run_job(job: Job) -> None:
    """One run of a job, as its own unit of work; a failure is logged, not raised."""
    try:
        with unit_of_work():
            line = job.run(utcnow())
    except Exception:
        log.exception("scheduled job %s failed", job.name)
        return
    if line:
        log.info(line)


class Schedule:
    """When each registered job runs next (on the monotonic clock)."""

    def __init__(self, jobs: list[Job]) -> None:
        self.next_at = {job.name: 0.0 for job in jobs}
        self.jobs = jobs

    def run_due(self) -> None:
        """Run every job whose time has come (all of them, the first time)."""
        for job in self.jobs:
            if time.monotonic() >= self.next_at[job.name]:
                run_job(job)
                self.next_at[job.name] = time.monotonic() + job.every.total_seconds()
