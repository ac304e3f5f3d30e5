"""The change log's words for accounts, the organisation's profile and the common actions."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsite.accounts.models import ROLE_LABELS, Organisation, User
from eventsite.audit import add_audit_labels, add_object_names
from eventsite.extensions import db

#: Actions recorded by several areas; each area adds its own special ones.
ACTIONS = {
    "created": _l("created"),
    "updated": _l("changed"),
    "deleted": _l("deleted"),
    "published": _l("published"),
    "unpublished": _l("hidden"),
    "cancelled": _l("cancelled"),
    "promoted": _l("given a seat"),
    "moved": _l("moved"),
    "removed": _l("removed"),
    "role_changed": _l("role changed"),
    "invited": _l("invited"),
    "reinvited": _l("invited again"),
    "added": _l("added to the organisation"),
    "invitation_accepted": _l("invitation accepted"),
    "password_reset": _l("new password chosen by email link"),
    "second_factor_enrolled": _l("second factor set up"),
    "second_factor_reset": _l("second factor reset"),
    "recovery_code_used": _l("recovery code used"),
    "deactivated": _l("closed"),
    "reactivated": _l("reopened"),
    "exported": _l("participant list downloaded"),
}


def user_names(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(User.id, User.name, User.email).where(User.id.in_(ids))).tuples()
    return {user_id: name or email for user_id, name, email in rows}


def organisation_names(ids: list[int]) -> dict[int, str]:
    return dict(
        db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).tuples().all()
    )


def init_app(app: Flask) -> None:
    add_audit_labels(
        app,
        object_types={"user": _l("Account"), "brand": _l("Organisation profile")},
        actions=ACTIONS,
        fields={
            "role": _l("Role"),
            "active": _l("Active"),
            "user.email": _l("E-mail"),
            "user.name": _l("Name"),
            "display_name": _l("Display name"),
            "primary_colour": _l("Primary colour"),
            "email_sender_name": _l("Sender name in emails"),
            "contact_email": _l("Contact e-mail"),
            "contact_phone": _l("Contact phone"),
            "contact_address": _l("Postal address"),
            "logo_hash": _l("Logo"),
            "list": _l("List"),
            "format": _l("Format"),
            "session": _l("Session"),
        },
        values={"role": {role.value: label for role, label in ROLE_LABELS.items()}},
        # The logo is named by its hash: a change shows as "new logo", not as 64 hex digits.
        formatters={"logo_hash": lambda value: str(_l("new logo")) if value else "\u2013"},
    )
    add_object_names(app, "user", user_names)
    add_object_names(app, "brand", organisation_names)
