"""`flask --app wsgi retention [--dry-run]`: apply the retention periods now, or show what would go."""

from __future__ import annotations

import click
from flask import Flask

from eventsite.clock import utcnow
from eventsite.privacy.retention import run_retention


def register_cli(app: Flask) -> None:
    @app.cli.command("retention")
    @click.option("--dry-run", is_flag=True, help="Only count what would be deleted or anonymised.")
    def retention_command(dry_run: bool) -> None:
        """Delete or anonymise the personal data whose retention period has passed."""
        runs = run_retention(utcnow(), dry_run=dry_run)
        verb = "would go" if dry_run else "done"
        for run in runs:
            click.echo(f"{run.organisation}\t{run.step}\t{run.count}\t({verb}; before {run.cutoff:%Y-%m-%d})")
        click.echo(f"{sum(run.count for run in runs)} rows {verb}.")
