"""Wiring of the meeting's proceedings (afbud, fixed lists, minutes) into the app.

Called from create_app: the public reply pages, the two email renderers, the
deadline job that approves minutes, the afbud part of the personal manage page
(through registration's sign-up contributions) and the published minutes on the
event page (a template helper).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from eventsite.calendar.entries import add_description_text
from eventsite.db import utcnow
from eventsite.events.models import Event, EventSession
from eventsite.mail.jobs import add_job
from eventsite.meetings import afbud, afbud_email, approval, minutes_email, presence
from eventsite.meetings import privacy as meetings_privacy
from eventsite.meetings.minutes import minutes_for
from eventsite.meetings.minutes_forms import AcceptForm, AfbudForm, WithdrawAfbudForm
from eventsite.meetings.registry import add_series_column
from eventsite.meetings.reply_views import bp
from eventsite.registration.models import Registration
from eventsite.registration.signup import SignupExtras, add_signup_extras

#: How often the worker approves minutes whose deadline passed without objection.
APPROVAL_INTERVAL = timedelta(minutes=15)


def approve_minutes(now: datetime) -> str | None:
    """The worker's job (see eventsite.mail.jobs)."""
    count = approval.approve_due(now)
    return f"approved {count} minutes" if count else None


def _no_fields(event: Event, formdata: Mapping[str, Any] | None) -> None:
    return None


def can_withdraw(registration: Registration, now: datetime) -> bool:
    """Whether the person's afbud can still be taken back (before the meeting starts)."""
    session = registration.session
    return (
        afbud.apology_for(registration) is not None
        and not session.is_cancelled
        and not registration.event.is_cancelled
        and session.starts_at > now
    )


def manage_context(registration: Registration) -> dict[str, object]:
    """The afbud section of a meeting's manage page (nothing for other events)."""
    if not afbud.is_meeting(registration.session):
        return {}
    now = utcnow()
    try:
        afbud.check_can_send(registration, now)
        can_send = True
    except afbud.AfbudError:
        can_send = False
    return {
        "meeting": {
            "apology": afbud.apology_for(registration),
            "can_send": can_send,
            "awaiting_answer": afbud.awaiting_answer(registration),
            "afbud_form": AfbudForm(formdata=None),
            "accept_form": AcceptForm(formdata=None),
            "withdraw_form": WithdrawAfbudForm(formdata=None),
            "can_withdraw": can_withdraw(registration, now),
        }
    }


def published_minutes(session_id: int) -> dict[str, Any] | None:
    """The published minutes' text of a session, for the event page (None if none)."""
    version = approval.published_version(session_id)
    return version.data if version is not None else None


def minutes_state_text(session: EventSession) -> str:
    """The minutes' state of a meeting, for the series overview ("Udkast", "Godkendt", ...)."""
    found = minutes_for(session)
    return found.state.label if found is not None else str(_l("Not started"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    minutes_email.init_app(app)
    afbud_email.init_app(app)
    add_job(app, "minutes_approval", approve_minutes, every=APPROVAL_INTERVAL)
    add_signup_extras(app, SignupExtras(fields=_no_fields, manage_context=manage_context))
    app.jinja_env.globals["published_minutes"] = published_minutes
    app.jinja_env.globals["agenda_top_items"] = presence.top_items
    # The published minutes in calendar descriptions, and their state on the series overview.
    add_description_text(app, approval.calendar_texts)
    add_series_column(app, _l("Minutes"), minutes_state_text)
    # Afbud reasons, fixed lists, attendance by item, answers to and names in minutes.
    meetings_privacy.init_app(app)
