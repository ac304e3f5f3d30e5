"""`flask --app wsgi create-organiser EMAIL --org SLUG --role admin|organiser|checkin`."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from eventsite.accounts import logins as accounts
from eventsite.accounts.models import Role
from eventsite.events.models import Organisation
from eventsite.extensions import db
from eventsite.web import unit_of_work


def register_cli(app: Flask) -> None:
    if "create-organiser" in app.cli.commands:
        return

    @app.cli.command("create-organiser")
    @click.argument("email")
    @click.option("--org", "org_slug", required=True, help="The organisation's short name (slug).")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--password", default=None, help="Omit to be asked (recommended: keeps it out of the shell history).")
    @click.option("--name", default="", help="The person's name.")
    @click.option(
        "--create-org",
        "create_org_name",
        default=None,
        metavar="NAME",
        help="Create the organisation with this name if the slug does not exist.",
    )
    def create_organiser_command(email, org_slug, role, password, name, create_org_name) -> None:
        """Create a back-office account with a role in an organisation."""
        slug = org_slug.strip().lower()
        organisation = db.session.execute(select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()
        if organisation is None and not create_org_name:
            raise click.ClickException(
                f'No organisation with the slug {slug!r}. Pass --create-org "Name" to create it.'
            )
        if accounts.email_taken(email):
            raise click.ClickException(
                f"An account with the e-mail address {accounts.normalise_email(email)} already exists."
            )
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            accounts.check_new_password(password)
        except accounts.AccountError as error:
            raise click.ClickException(
                f"The password must be {accounts.PASSWORD_MIN}-{accounts.PASSWORD_MAX} characters long."
            ) from error
        if organisation is None and (len(slug) > 60 or not slug.replace("-", "").isalnum()):
            raise click.ClickException("The slug may contain only letters, digits and hyphens (at most 60).")
        new_organisation = organisation is None
        try:
            with unit_of_work():
                if organisation is None:
                    organisation = Organisation(slug=slug, name=create_org_name.strip())
                    db.session.add(organisation)
                    db.session.flush()
                user = accounts.create_user(email, password, organisation, Role(role), name=name)
        except accounts.AccountError as error:
            raise click.ClickException(str(error.message)) from error
        if new_organisation:
            click.echo(f"Created organisation {organisation.name} ({slug}).")
        click.echo(f"Created {user.email} as {role} in {organisation.name} ({organisation.slug}).")
