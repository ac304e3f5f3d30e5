"""`flask --app wsgi worker` and `flask --app wsgi send-reminders`."""
from __future__ import annotations

import logging
import signal
import sys
import threading

import click
from flask import Flask

from eventsite.db import utcnow
from eventsite.extensions import db


def _log_to_stdout() -> None:
    logger = logging.getLogger("eventsite.mail")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s [mail] %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def register_cli(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
    def worker_command(once: bool) -> None:
        """Deliver queued emails (and queue due reminders) until stopped with Ctrl-C."""
        from eventsite.mail.worker import run_worker

        _log_to_stdout()
        stop = threading.Event()

        def _stop(signum, frame) -> None:
            # Finish the message in hand, mark it, give back the rest of the batch.
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        report = run_worker(stop, once=once)
        click.echo(
            f"worker stopped: sent {report.sent}, retried {report.retried}, "
            f"failed {report.failed}, skipped {report.skipped}"
        )

    @app.cli.command("send-reminders")
    @click.option("--days", type=int, default=None, help="Days before the session (default EVENTSITE_REMINDER_DAYS).")
    def send_reminders_command(days: int | None) -> None:
        """Queue reminders for sessions starting soon; never twice for the same place."""
        from eventsite.registration.notifications import notify_reminders_due

        count = notify_reminders_due(utcnow(), days=days)
        db.session.commit()
        click.echo(f"{count} reminders queued; the worker sends them.")
