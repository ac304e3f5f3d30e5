"""Command-line commands: `flask --app wsgi <command>`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from eventsite.demo import seed_demo, seed_demo_accounts
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.invitations.cli import register_cli as register_invitation_cli
from eventsite.registration.privacy import purge_dietary_notes
from eventsite.web import unit_of_work


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has events.")
    def seed_demo_command(if_empty: bool) -> None:
        """Load realistic demo data: theme days, an annual meeting, a webinar, ..."""

        with unit_of_work():
            if if_empty and db.session.execute(select(func.count(Event.id))).scalar_one():
                click.echo("The database already has events; demo data not loaded.")
                return
            summary = seed_demo()
            if current_app.config.get("ENV_NAME") != "production":
                summary += "\n" + seed_demo_accounts()
        click.echo(summary)

    @app.cli.command("purge-dietary-notes")
    @click.option("--days", default=7, show_default=True, help="Days after the event's last session.")
    def purge_dietary_notes_command(days: int) -> None:
        """Delete dietary needs of finished events (they are for the caterer only)."""
        with unit_of_work():
            count = purge_dietary_notes(days)
        click.echo(f"Deleted {count} dietary notes of events that ended more than {days} days ago.")

    register_invitation_cli(app)
