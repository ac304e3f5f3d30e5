"""`flask --app wsgi worker`: deliver queued emails and run the scheduled jobs; `jobs` lists them."""

from __future__ import annotations

import signal
import threading

import click
from flask import Flask
from sqlalchemy import select

from eventsite import metrics
from eventsite.clock import utcnow
from eventsite.extensions import db
from eventsite.mail.jobs import interval, registered_jobs
from eventsite.mail.models import JobRun
from eventsite.mail.worker import run_worker


def register_cli(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
    def worker_command(once: bool) -> None:
        """Deliver queued emails (and run the scheduled jobs, e.g. reminders) until stopped with Ctrl-C."""
        stop = threading.Event()

        def _stop(signum, frame) -> None:
            # Finish the message in hand, mark it, give back the rest of the batch.
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        try:
            report = run_worker(stop, once=once)
        finally:
            metrics.process_exiting()
        click.echo(
            f"worker stopped: sent {report.sent}, retried {report.retried}, "
            f"failed {report.failed}, skipped {report.skipped}"
        )

    @app.cli.command("jobs")
    def jobs_command() -> None:
        """List the scheduled jobs: interval, last run (start, outcome, line) and next run."""
        runs = {run.name: run for run in db.session.execute(select(JobRun)).scalars()}
        now = utcnow()
        for job in registered_jobs():
            click.echo(f"{job.name}: every {_duration(interval(job))}")
            run = runs.get(job.name)
            if run is None or run.last_started_at is None:
                click.echo("  last run: never")
                click.echo("  next run: when a worker runs (at once)")
                continue
            if run.last_finished_at is None or (run.leased_until is not None and run.leased_until >= now):
                click.echo(f"  last run: started {_when(run.last_started_at)}, running now")
            else:
                line = f", {run.last_line}" if run.last_line else ""
                click.echo(f"  last run: started {_when(run.last_started_at)}, {run.last_outcome}{line}")
            due = "now" if run.next_due_at <= now else _when(run.next_due_at)
            click.echo(f"  next run: {due}")


def _when(instant) -> str:
    return instant.strftime("%Y-%m-%d %H:%M:%S UTC")


def _duration(every) -> str:
    minutes = every.total_seconds() / 60
    if minutes >= 60 and minutes % 60 == 0:
        return f"{minutes / 60:g} h"
    return f"{minutes:g} min"
