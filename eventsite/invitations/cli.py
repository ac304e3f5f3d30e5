"""`flask --app wsgi import-members FILE --org SLUG [--valid-only]` and `invite --event ID ...`."""

from __future__ import annotations

import os
import secrets

import click
from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import select

from eventsite.events.models import Event, Organisation
from eventsite.extensions import db
from eventsite.geo import parse_municipality, parse_region
from eventsite.invitations import importing, sending
from eventsite.invitations.audience import AudienceSpec, describe_exclusions
from eventsite.invitations.directory import distinct_tags
from eventsite.invitations.importing.checks import parse_job_level
from eventsite.web import unit_of_work


def register_cli(app: Flask) -> None:
    """Add the invitation commands to the app's command line."""
    if "import-members" in app.cli.commands:
        return

    @app.cli.command("import-members")
    @click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
    @click.option("--org", "org_slug", required=True, help="The organisation's short name (slug).")
    @click.option("--valid-only", is_flag=True, help="Import the valid rows even if other rows have errors.")
    def import_members_command(path: str, org_slug: str, valid_only: bool) -> None:
        """Import members from a CSV or XLSX file and print the row-by-row report."""
        organisation = _organisation(org_slug)
        limit_mb = current_app.config["MEMBER_IMPORT_MAX_MB"]
        if os.path.getsize(path) > limit_mb * 1024 * 1024:
            raise click.ClickException(
                _("The file is too large: at most %(max)d MB. Split the member list into smaller files.", max=limit_mb)
            )
        with open(path, "rb") as handle:
            data = handle.read()
        preview = importing.check_file(organisation.id, os.path.basename(path), data)
        for line in preview.report:
            click.echo(str(line))
        if preview.fatal:
            raise click.ClickException(_("The file cannot be imported; nothing was saved."))
        for line in preview.summary_lines():
            click.echo(line)
        try:
            with unit_of_work():
                result = importing.apply_preview(organisation.id, preview, valid_only=valid_only)
        except importing.ImportRefused as refused:
            for line in refused.report:
                if line not in preview.report:
                    click.echo(str(line))
            raise click.ClickException(refused.message + " " + _("(--valid-only imports the valid rows.)"))
        click.echo(
            _(
                "Import done: %(created)d new, %(updated)d updated, %(skipped)d rows skipped.",
                created=result.created,
                updated=result.updated,
                skipped=result.skipped,
            )
        )

    @app.cli.command("invite")
    @click.option("--event", "event_id", type=int, required=True, help="The event's id.")
    @click.option("--region", "regions", multiple=True, metavar="NAME", help='E.g. "Region Sjælland" (repeatable).')
    @click.option(
        "--municipality", "municipalities", multiple=True, metavar="CODE", help="Municipality code (repeatable)."
    )
    @click.option(
        "--level",
        "levels",
        multiple=True,
        metavar="NAME",
        help="direktør, chef, leder, mellemleder or andet (repeatable).",
    )
    @click.option("--tag", "tags", multiple=True, metavar="NAME", help="A tag in the member directory (repeatable).")
    @click.option("--reminder", is_flag=True, help="Remind those invited who have not answered.")
    @click.option("--dry-run", is_flag=True, help="Only show who would be invited.")
    def invite_command(event_id, regions, municipalities, levels, tags, reminder, dry_run) -> None:
        """Send invitations for an event to the members the filters choose."""
        event = db.session.get(Event, event_id)
        if event is None:
            raise click.ClickException(_("No event has the id %(id)d.", id=event_id))
        spec = AudienceSpec(reminder=reminder)
        for name in regions:
            region = parse_region(name)
            if region is None:
                raise click.ClickException(_("Unknown region “%(value)s”.", value=name))
            spec.regions.append(region)
        for code in municipalities:
            found = parse_municipality(code)
            if found is None:
                raise click.ClickException(_("Unknown municipality “%(value)s”.", value=code))
            spec.municipality_codes.append(found)
        for name in levels:
            level = parse_job_level(name) if name.strip() else None
            if level is None:
                raise click.ClickException(_("Unknown job level “%(value)s”.", value=name))
            spec.job_levels.append(level)
        known_tags = {tag.casefold(): tag for tag in distinct_tags(event.organisation_id)}
        for name in tags:
            if name.casefold() not in known_tags:
                raise click.ClickException(_("No member has the tag “%(value)s”.", value=name))
            spec.tags.append(known_tags[name.casefold()])

        audience = sending.preview_audience(event, spec)
        click.echo(
            _(
                "%(title)s: %(num)d recipients (%(audience)s).",
                title=event.title,
                num=audience.count,
                audience=spec.describe(),
            )
        )
        for line in describe_exclusions(audience.excluded):
            click.echo("  " + _("Left out:") + " " + line)
        if dry_run:
            for member in audience.members:
                click.echo(f"  {member.name} <{member.email}>")
            return
        if not audience.count:
            return
        try:
            with unit_of_work():
                result = sending.send_round(event.id, spec, secrets.token_urlsafe(24))
                round_id = result.round.id
        except sending.SendError as error:
            raise click.ClickException(error.message) from error
        click.echo(
            _(
                "%(num)d e-mails queued in round %(round)d; `flask --app wsgi worker` delivers them.",
                num=result.count,
                round=round_id,
            )
        )


def _organisation(slug: str) -> Organisation:
    organisation = db.session.execute(
        select(Organisation).where(Organisation.slug == slug.strip().lower())
    ).scalar_one_or_none()
    if organisation is None:
        raise click.ClickException(_("No organisation with the short name %(slug)s.", slug=repr(slug)))
    return organisation
