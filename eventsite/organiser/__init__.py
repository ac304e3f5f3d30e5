"""The organiser back office (/arrangoer): accounts, roles, events, venues, audit trail.

The access rules live in `eventsite.accounts.access` (read its docstring first).
"""

from __future__ import annotations

import hmac
import importlib

from flask import Flask
from flask_babel import lazy_gettext as _l

from eventsite.accounts import brand_pages
from eventsite.accounts.access import bp
from eventsite.accounts.models import User
from eventsite.events import audit_labels as event_audit_labels
from eventsite.extensions import db, login_manager
from eventsite.organiser import account_email, audit_labels
from eventsite.organiser.cli import register_cli

#: Modules whose views register on the `organiser` blueprint; add new ones here.
VIEW_MODULES = (
    "eventsite.organiser.auth",
    "eventsite.organiser.second_factor_views",
    "eventsite.organiser.link_views",
    "eventsite.events.admin_views",
    "eventsite.events.venue_views",
    "eventsite.organiser.user_views",
    "eventsite.organiser.dashboard_views",
    "eventsite.attendance.views",
    "eventsite.invitations.directory_views",
    "eventsite.invitations.round_views",
    "eventsite.organiser.outbox_views",
    "eventsite.payments.views",
    "eventsite.privacy.views",
    "eventsite.privacy.notice_views",
    "eventsite.meetings.admin_views",
    "eventsite.meetings.minutes_views",
    "eventsite.attendance.agenda_checkin_views",
    "eventsite.organiser.brand_views",
    "eventsite.organiser.organisation_views",
)


def init_app(app: Flask) -> None:
    """Bind Flask-Login, register the blueprint with every view module, and the CLI."""

    app.config.setdefault("ORGANISER_SESSION_HOURS", 12)
    app.config.setdefault("ACCOUNT_INVITATION_HOURS", 72)
    app.config.setdefault("PASSWORD_RESET_MINUTES", 60)
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config.get("SESSION_COOKIE_SECURE", False))
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")

    login_manager.init_app(app)
    login_manager.login_view = "organiser.login"
    login_manager.login_message = _l("Log in to continue.")
    login_manager.login_message_category = "info"
    # "basic", not "strong": a check-in helper's phone moves between wifi and 4G at
    # the door and must stay logged in. Logins still expire (ORGANISER_SESSION_HOURS)
    # and a password change revokes every other browser (User.session_token).
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(cookie_id: str):
        user_id, _, token = (cookie_id or "").partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
            return None
        return user

    for name in VIEW_MODULES:
        importlib.import_module(name)
    if "organiser" not in app.blueprints:
        app.register_blueprint(bp)
    register_cli(app)
    account_email.init_app(app)
    brand_pages.init_app(app)
    # The change log's words: the back office's own, and the events area's (it has no init_app).
    audit_labels.init_app(app)
    event_audit_labels.init_app(app)
