"""Turn an outbox row into an email, from the newest data, at the moment it is sent.

Rendering at send time means a queued email never tells something that has since
become untrue: an email about a session edited while the email waited carries the
new time and place and the new SEQUENCE; an email whose news has been overtaken
(a waiting-list notice for someone already promoted, an invitation for a place
cancelled since) is skipped, because a later email tells the person the news.
"""
from __future__ import annotations

import email.charset
import email.policy
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.encoders import encode_base64
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from typing import Callable

from flask import current_app
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from jinja2.ext import _make_new_gettext, _make_new_ngettext
from flask_mail import Message, sanitize_address

from eventsite.calendar import webcal
from eventsite.calendar.entries import location_text, organizer_for, personal_entry
from eventsite.calendar.ical import CANCEL, REQUEST, build_calendar
from eventsite.calendar.personal import feed_token
from eventsite.formatting import format_span
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.registration import operations
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.registration import verification
from eventsite.registration.recovery import links_to_send
from eventsite.registration.tokens import manage_token
from eventsite.text import absolute_url

CALENDAR_FILENAME = "invitation.ics"


class _AsEncodedPolicy(email.policy.Compat32):
    """Write headers exactly as Flask-Mail encoded them, with CRLF line ends.

    Flask-Mail RFC 2047-encodes and folds every header it sets (and ours are plain
    ASCII), so re-encoding them (what both of Python's policies do) is only cost.
    """

    def fold_binary(self, name, value):
        if isinstance(value, str) and value.isascii():
            line = f"{name}: {value}".replace("\r\n", "\n").replace("\n", self.linesep)
            return (line + self.linesep).encode("ascii")
        return super().fold_binary(name, value)


_SMTP_AS_ENCODED = _AsEncodedPolicy(linesep="\r\n", max_line_length=None)
#: UTF-8 with base64 ("B") encoding for both bodies and headers, chosen once: Python's
#: default for UTF-8 headers ("shortest") encodes every header both ways, in pure
#: Python, to compare lengths, and that cost more than anything else in a send.
_UTF8_BASE64 = email.charset.Charset("utf-8")
_UTF8_BASE64.body_encoding = email.charset.BASE64
_UTF8_BASE64.header_encoding = email.charset.BASE64


class InvitationMessage(Message):
    """A Flask-Mail message whose text/calendar part carries the iTIP method.

    Outlook, Gmail and Apple Mail show an email as a meeting invitation when a
    `text/calendar; method=REQUEST` alternative is present; the same calendar is
    also attached as an .ics file for everything else.
    """

    calendar_method: str | None = None

    def __init__(self, *args, **kwargs) -> None:
        # Flask-Mail passes the message charset to every email.header.Header it makes.
        kwargs.setdefault("charset", _UTF8_BASE64)
        super().__init__(*args, **kwargs)

    def _mimetext(self, text, subtype="plain"):
        # Base64, chosen once: Flask-Mail's "shortest" setting encodes every part both
        # ways to compare them, and base64 is the encoding Python does in C.
        part = MIMEText(text, _subtype=subtype, _charset=_UTF8_BASE64)
        if subtype == "calendar" and self.calendar_method:
            part.set_param("method", self.calendar_method)
        return part

    def _message(self) -> MIMEMultipart:
        """The MIME tree: mixed [alternative [plain, html, calendar], attachments].

        Built here rather than by Flask-Mail, which RFC 2047-encodes every name
        (ASCII ones too) and the subject twice over and leaves the boundaries to be
        found by the generator, compiling a regular expression per part to check
        them. A random boundary cannot occur in the content.
        """
        alternative = MIMEMultipart("alternative", boundary=_boundary())
        alternative.attach(self._mimetext(self.body, "plain"))
        for subtype, content in self.alts.items():
            alternative.attach(self._mimetext(content, subtype))
        message = MIMEMultipart(boundary=_boundary())
        message.attach(alternative)
        for attachment in self.attachments:
            part = MIMEBase(*attachment.content_type.split("/"))
            part.set_payload(attachment.data)
            encode_base64(part)
            part.add_header("Content-Disposition", attachment.disposition, filename=attachment.filename)
            message.attach(part)
        if self.subject:
            message["Subject"] = _encoded(self.subject, "Subject")
        message["From"] = _address(self.sender)
        message["To"] = ", ".join(_address(recipient) for recipient in self.recipients)
        message["Date"] = formatdate(self.date, localtime=True)
        message["Message-ID"] = self.msgId
        if self.reply_to:
            message["Reply-To"] = _address(self.reply_to)
        for name, value in (self.extra_headers or {}).items():
            message[name] = value
        return message

    def as_bytes(self) -> bytes:
        # Every header is encoded and folded already: written as it is (see
        # _AsEncodedPolicy), skipping the modern policy's re-parsing and refolding
        # of each header, which cost more than everything else in a send.
        message = self._message()
        message.policy = _SMTP_AS_ENCODED
        return message.as_bytes()


def _boundary() -> str:
    return f"=_{uuid.uuid4().hex[:20]}"


def _encoded(value: str, header_name: str | None = None) -> str:
    """A header value, RFC 2047-encoded (base64, folded) only if it is not plain ASCII."""
    if value.isascii():
        return value
    return Header(value, _UTF8_BASE64, header_name=header_name).encode(linesep="\r\n")


def _address(value: str | tuple[str, str]) -> str:
    name, address = parseaddr(value) if isinstance(value, str) else value
    if not address.isascii():
        return sanitize_address((name, address))  # an internationalised domain: Flask-Mail's IDN handling
    if not name:
        return address
    if name.isascii():
        return formataddr((name, address))  # quotes the name when it needs it
    return f"{_encoded(name)} <{address}>"


#: app.extensions key: template values other areas add to emails about a registration.
EMAIL_CONTEXT = "eventsite.mail.context"


def add_email_context(
    app,
    name: str,
    provider: Callable[[Registration], object],
    batch: Callable[[list[Registration]], dict[int, object]] | None = None,
) -> None:
    """Give every email about a registration the template value `name`.

    `provider(registration)` runs once per email, and both parts (text and HTML) use
    the result: e.g. the price of the place, which eventsite.payments adds. The
    worker renders emails in batches: `batch(registrations)`, if given, returns the
    values for a whole batch by registration id, in a few queries instead of a few
    per email.
    """
    app.extensions.setdefault(EMAIL_CONTEXT, {})[name] = (provider, batch)


def email_context_for(registrations: list[Registration]) -> dict[int, dict[str, object]]:
    """The added template values for a batch of registrations (see `add_email_context`)."""
    values: dict[int, dict[str, object]] = {r.id: {} for r in registrations}
    for name, (provider, batch) in current_app.extensions.get(EMAIL_CONTEXT, {}).items():
        found = batch(registrations) if batch is not None else {r.id: provider(r) for r in registrations}
        for registration_id, value in found.items():
            values[registration_id][name] = value
    return values


def template_gettext() -> dict[str, Callable]:
    """`gettext` and `ngettext` for a template, bound to the translations in force now.

    Flask-Babel's template callables look the translations up again for every
    string (a few dozen per email, each through several context-local lookups);
    rendering context values of these names take precedence over them.
    """
    translations = get_translations()
    return {
        "gettext": _make_new_gettext(translations.ugettext),
        "ngettext": _make_new_ngettext(translations.ungettext),
    }


def render_part(template: str, context: dict) -> str:
    """One part of an email, from the app's templates and template globals.

    Not flask.render_template: an email has no request, user or session, so the
    web pages' context processors (run for every render) would be wasted work.
    """
    return current_app.jinja_env.get_template(template).render(context)


@dataclass
class Skip:
    """The row is not sent; `reason` is kept on the row."""

    reason: str


def decide_method(row: OutboxMessage, registration: Registration) -> str | None | Skip:
    """The calendar method for this email now, None for no calendar, or Skip."""
    status = registration.status
    session = registration.session
    session_gone = session.is_cancelled or registration.event.is_cancelled
    on_row_session = row.session_id is None or registration.session_id == row.session_id
    kind = row.kind
    if kind in (MailKind.CONFIRMATION, MailKind.PROMOTED):
        if status is not RegistrationStatus.CONFIRMED or session_gone:
            return Skip("overtaken: the place is no longer confirmed")
        return REQUEST
    if kind is MailKind.WAITLISTED:
        if status is not RegistrationStatus.WAITLISTED or session_gone:
            return Skip("overtaken: no longer on the waiting list")
        return None
    if kind is MailKind.MOVED:
        if status is RegistrationStatus.CANCELLED or session_gone:
            return Skip("overtaken: cancelled since the move")
        # Moved onto a waiting list: the calendar entry goes until a seat is free.
        return REQUEST if status is RegistrationStatus.CONFIRMED else CANCEL
    if kind in (MailKind.CANCELLED, MailKind.CANCELLED_BY_ORGANISER):
        if status is not RegistrationStatus.CANCELLED:
            return Skip("overtaken: the registration is active")
        return CANCEL
    if kind is MailKind.SESSION_CHANGED:
        if status is RegistrationStatus.CANCELLED or session_gone or not on_row_session:
            return Skip("overtaken: cancelled or moved since the change")
        return REQUEST if status is RegistrationStatus.CONFIRMED else None
    if kind is MailKind.SESSION_CANCELLED:
        if not on_row_session:
            return Skip("overtaken: moved to another session")
        return CANCEL
    if kind is MailKind.REMINDER:
        if status is not RegistrationStatus.CONFIRMED or session_gone or not on_row_session:
            return Skip("overtaken: the place is no longer confirmed")
        return None
    if kind is MailKind.SUBSIDY_DECISION:
        # No calendar; the template reads the decision as it stands when sent.
        return None
    return Skip(f"unknown kind {kind}")


#: Translated when an email is rendered, only the one that is needed.
_SUBJECTS = {
    MailKind.CONFIRMATION: _l("Confirmed: %(title)s"),
    MailKind.WAITLISTED: _l("Waiting list: %(title)s"),
    MailKind.PROMOTED: _l("You have a place: %(title)s"),
    MailKind.MOVED: _l("Registration moved: %(title)s"),
    MailKind.CANCELLED: _l("Registration cancelled: %(title)s"),
    MailKind.CANCELLED_BY_ORGANISER: _l("Registration cancelled: %(title)s"),
    MailKind.SESSION_CHANGED: _l("Changed: %(title)s"),
    MailKind.SESSION_CANCELLED: _l("Cancelled: %(title)s"),
    MailKind.REMINDER: _l("Reminder: %(title)s"),
    MailKind.SUBSIDY_DECISION: _l("Your application for a subsidy: %(title)s"),
    MailKind.LINKS: _l("Your registrations with %(title)s"),
    MailKind.CONFIRM_SIGNUP: _l("Confirm your registration: %(title)s"),
}


def _subject(kind: MailKind, title: str) -> str:
    subject = str(_SUBJECTS[kind]) % {"title": title}
    # A title is one line; a header must never be split by what an organiser typed.
    return " ".join(subject.split())


def render(row: OutboxMessage, now: datetime, added: dict[str, object] | None = None) -> InvitationMessage | Skip:
    """The email for an outbox row, from the current state of its registration.

    `added`: the values of `add_email_context` for this registration, when the
    caller has worked them out for a whole batch. Needs a request context for its
    links (see `worker.link_context`).
    """
    if row.kind is MailKind.INVITATION:
        # About a member of the directory, not a registration: rendered by its own area.
        from eventsite.invitations.email import render_invitation

        return render_invitation(row, now)
    if row.kind is MailKind.CONFIRM_SIGNUP:
        return _render_confirm_signup(row, now)
    registration = row.registration
    if registration is None:
        return Skip("the registration no longer exists")
    if row.kind is MailKind.LINKS:
        return _render_links(row, registration, now)
    method = decide_method(row, registration)
    if isinstance(method, Skip):
        return method
    session = registration.session
    event = registration.event
    organisation = event.organisation
    person = registration.person
    confirmed = registration.status is RegistrationStatus.CONFIRMED
    manage_url = absolute_url("registration.manage", token=manage_token(registration))
    context = dict(
        kind=row.kind.value,
        person=person,
        registration=registration,
        session=session,
        event=event,
        organisation=organisation,
        when=format_span(session.starts_at, session.ends_at),
        where=location_text(session.venue),
        # The meeting link goes only to people with a confirmed place.
        online_url=session.online_url if confirmed and method != CANCEL else None,
        programme=list(session.programme),
        position=operations.waitlist_position(registration),
        manage_url=manage_url,
        event_url=absolute_url("events.event_page", event_id=event.id),
        feed_url=webcal(absolute_url("calendar.personal_feed", token=feed_token(person))),
        event_cancelled=event.is_cancelled,
        has_calendar=method is not None,
        calendar_cancel=method == CANCEL,
    )
    if added is None:
        added = email_context_for([registration])[registration.id]
    context.update(added)
    context.update(template_gettext())
    text = render_part(f"emails/{row.kind.value}.txt", context)
    html = render_part(f"emails/{row.kind.value}.html", context)
    title = f"{event.title}, {session.place_name}"
    organizer = organizer_for(organisation)
    message = InvitationMessage(
        subject=_subject(row.kind, title),
        recipients=[(person.name, row.recipient)],
        sender=(organizer.name, organizer.email),
        reply_to=organizer.email,
        body=text,
        html=html,
        extra_headers={
            # Out-of-office replies and auto-responders should stay quiet.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    message.msgId = row.message_id
    if method is not None:
        entry = personal_entry(registration, stamp=now, cancel=method == CANCEL, manage_url=manage_url)
        calendar = build_calendar([entry], method=method)
        message.calendar_method = method
        message.alts["calendar"] = calendar.decode("utf-8")
        message.attach(CALENDAR_FILENAME, "application/ics", calendar)
    return message


def _render_confirm_signup(row: OutboxMessage, now: datetime) -> InvitationMessage | Skip:
    """"Bekræft din tilmelding": the link that decides a pending sign-up."""
    pending = verification.pending_for_email(row)
    if pending is None:
        return Skip("the pending sign-up is gone (confirmed, refused or expired)")
    if now > pending.created_at + verification.LIFETIME:
        return Skip("the confirmation link has expired")
    event = pending.event
    organisation = event.organisation
    session = next((s for s in event.sessions if s.id == row.session_id), None)
    if session is None:
        return Skip("the session no longer exists")
    name = verification.form_data(pending).get("name") or ""
    context = dict(
        kind=row.kind.value,
        person={"name": name},
        organisation=organisation,
        event=event,
        when=format_span(session.starts_at, session.ends_at),
        where=location_text(session.venue),
        email=pending.email,
        confirm_url=absolute_url("registration.confirm_signup", token=verification.token_for(pending)),
        hours=int(verification.LIFETIME.total_seconds() // 3600),
        feed_url=None,
    )
    return _plain_message(row, organisation, name, f"{event.title}, {session.place_name}", context)


def _render_links(row: OutboxMessage, registration: Registration, now: datetime) -> InvitationMessage | Skip:
    """"Send mig mit link igen": every personal link of the person that still works."""
    person = registration.person
    organisation = registration.event.organisation
    current = links_to_send(person, now)
    if not current:
        return Skip("no registration with a working link any more")
    links = [
        dict(
            event=r.event,
            when=format_span(r.session.starts_at, r.session.ends_at),
            where=location_text(r.session.venue),
            status=r.status.label,
            position=operations.waitlist_position(r),
            manage_url=absolute_url("registration.manage", token=manage_token(r)),
        )
        for r in current
    ]
    context = dict(
        kind=row.kind.value,
        person=person,
        organisation=organisation,
        event=registration.event,
        links=links,
        feed_url=webcal(absolute_url("calendar.personal_feed", token=feed_token(person))),
    )
    return _plain_message(row, organisation, person.name, organisation.name, context)


def _plain_message(row: OutboxMessage, organisation, name: str, title: str, context: dict) -> InvitationMessage:
    """An email without a calendar, from emails/<kind>.txt and .html, sent as the organisation."""
    context.update(template_gettext())
    organizer = organizer_for(organisation)
    message = InvitationMessage(
        subject=_subject(row.kind, title),
        recipients=[(name, row.recipient)],
        sender=(organizer.name, organizer.email),
        reply_to=organizer.email,
        body=render_part(f"emails/{row.kind.value}.txt", context),
        html=render_part(f"emails/{row.kind.value}.html", context),
        extra_headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    message.msgId = row.message_id
    return message


def envelope_sender() -> str:
    """MAIL FROM: the site's own address, where bounces are handled."""
    return current_app.config["MAIL_DEFAULT_SENDER"]
