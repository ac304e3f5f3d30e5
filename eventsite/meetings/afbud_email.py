"""The afbud emails: the calendar entry's CANCEL with an afbud, and the news when it is withdrawn.

Rendered by the outbox worker when sent, from the newest data (eventsite.mail.render):
an afbud email whose afbud was withdrawn meanwhile, or a withdrawal email whose place
was given up again, is skipped. The calendar entry is the person's own (same UID and
SEQUENCE as their invitation, built by eventsite.calendar), so the CANCEL removes the
meeting from Outlook or Gmail and the REQUEST puts it back.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import gettext as _

from eventsite.calendar.email import invitation
from eventsite.calendar.ical import CANCEL, REQUEST
from eventsite.extensions import db
from eventsite.formatting import format_span, location_text
from eventsite.mail.message import Email
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.mail.render import Skip, add_renderer
from eventsite.meetings.afbud import apology_for
from eventsite.meetings.minutes_email import meeting_email
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.registration.operations import waitlist_position
from eventsite.registration.tokens import manage_token
from eventsite.text import absolute_url


def _context(registration: Registration) -> dict[str, object]:
    session = registration.session
    event = registration.event
    return dict(
        person=registration.person,
        event=event,
        organisation=event.organisation,
        when=format_span(session.starts_at, session.ends_at),
        where=location_text(session.venue),
        manage_url=absolute_url("registration.manage", token=manage_token(registration)),
    )


def _registration(row: OutboxMessage) -> Registration | None:
    return db.session.get(Registration, row.registration_id) if row.registration_id else None


def render_received(row: OutboxMessage, now: datetime, prepared: object) -> Email | Skip:
    """ "Afbud modtaget" with the CANCEL of the person's calendar entry."""
    registration = _registration(row)
    if registration is None or registration.person.is_erased:
        return Skip("the place no longer exists")
    if apology_for(registration) is None:
        return Skip("overtaken: the afbud was withdrawn")
    context = _context(registration)
    context["released"] = registration.status is RegistrationStatus.CANCELLED
    event = registration.event
    subject = _("Afbud received: %(title)s", title=event.title)
    email = meeting_email(row, event.organisation, registration.person.name, subject, "afbud_received", context)
    email.add_calendar(invitation(registration, CANCEL, now, str(context["manage_url"])), CANCEL)
    return email


def render_withdrawn(row: OutboxMessage, now: datetime, prepared: object) -> Email | Skip:
    """Afbud withdrawn: a seat again (with the calendar entry's REQUEST) or the waiting list."""
    registration = _registration(row)
    if registration is None or registration.person.is_erased:
        return Skip("the place no longer exists")
    if apology_for(registration) is not None or not registration.is_active:
        return Skip("overtaken: afbud again or the place is given up")
    session = registration.session
    if session.is_cancelled or session.starts_at <= now:
        return Skip("the meeting is cancelled or has started")
    context = _context(registration)
    seat = registration.status is RegistrationStatus.CONFIRMED
    context["seat"] = seat
    context["position"] = waitlist_position(registration)
    event = registration.event
    subject = _("Afbud withdrawn: %(title)s", title=event.title)
    email = meeting_email(row, event.organisation, registration.person.name, subject, "afbud_withdrawn", context)
    if seat:
        email.add_calendar(invitation(registration, REQUEST, now, str(context["manage_url"])), REQUEST)
    return email


def init_app(app: Flask) -> None:
    add_renderer(app, [MailKind.AFBUD_RECEIVED], render_received)
    add_renderer(app, [MailKind.AFBUD_WITHDRAWN], render_withdrawn)
