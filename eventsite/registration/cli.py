"""`flask --app wsgi send-reminders`: queue the reminders due now, without the worker."""

from __future__ import annotations

import click
from flask import Flask

from eventsite.clock import utcnow
from eventsite.registration.notifications import notify_reminders_due
from eventsite.web import unit_of_work


def register_cli(app: Flask) -> None:
    @app.cli.command("send-reminders")
    @click.option("--days", type=int, default=None, help="Days before the session (default EVENTSITE_REMINDER_DAYS).")
    def send_reminders_command(days: int | None) -> None:
        """Queue reminders for sessions starting soon; never twice for the same place."""
        with unit_of_work():
            count = notify_reminders_due(utcnow(), days=days)
        click.echo(f"{count} reminders queued; the worker sends them.")
