"""`flask --app wsgi worker`: deliver queued emails and run the scheduled jobs."""

from __future__ import annotations

import logging
import signal
import sys
import threading

import click
from flask import Flask

from eventsite.mail.worker import run_worker


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
        """Deliver queued emails (and run the scheduled jobs, e.g. reminders) until stopped with Ctrl-C."""
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
