"""The emails about a registration, rendered by the outbox worker when they are sent.

Rendering at send time means a queued email never tells something that has since
become untrue: an email about a session edited while the email waited carries the
new time and place and the new SEQUENCE; an email whose news has been overtaken
(a waiting-list notice for someone already promoted) is skipped, because a later
email tells the person the news (`decide_method`).

Registered with the outbox's renderer registry by `init_app`, for the kinds this
area queues (and the subsidy decision, an email about a registration too). Areas
above this one contribute through hooks owned here:

* `add_email_context`: template values for every email about a registration
  (eventsite.payments adds the price of the place);
* `set_email_calendar`: the calendar invitation (REQUEST or CANCEL) in the email
  and the link to the person's own feed (eventsite.calendar).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsite.events.models import Event, EventSession, Organisation
from eventsite.extensions import db
from eventsite.formatting import format_span, location_text
from eventsite.mail.message import Email, one_line, sender_for
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.mail.render import Skip, add_renderer, render_part, template_gettext
from eventsite.registration import holds, member_links, operations, recovery, self_service, verification
from eventsite.registration.models import Person, Registration, RegistrationStatus
from eventsite.registration.recovery import links_to_send
from eventsite.registration.tokens import manage_token
from eventsite.text import absolute_url

#: iTIP methods (RFC 5546) of the calendar invitation an email carries.
REQUEST = "REQUEST"
CANCEL = "CANCEL"

#: The kinds rendered here.
KINDS = (
    MailKind.CONFIRMATION,
    MailKind.WAITLISTED,
    MailKind.PROMOTED,
    MailKind.MOVED,
    MailKind.CANCELLED,
    MailKind.CANCELLED_BY_ORGANISER,
    MailKind.SESSION_CHANGED,
    MailKind.SESSION_CANCELLED,
    MailKind.REMINDER,
    MailKind.SUBSIDY_DECISION,
    MailKind.LINKS,
    MailKind.CONFIRM_SIGNUP,
    MailKind.CONFIRM_HOLD,
    MailKind.ALREADY_SIGNED_UP,
)

#: Out-of-office replies and auto-responders should stay quiet.
AUTOMATIC = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}

#: app.extensions keys of the two hooks.
EMAIL_CONTEXT = "eventsite.registration.email.context"
EMAIL_CALENDAR = "eventsite.registration.email.calendar"


# --- hooks for the areas above ------------------------------------------------------------


def add_email_context(
    app: Flask,
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


@dataclass(frozen=True)
class EmailCalendar:
    """What the calendar area puts into the emails about a registration."""

    #: invitation(registration, method, stamp, manage_url): the person's calendar
    #: entry as an iCal object with METHOD `method` (REQUEST or CANCEL).
    invitation: Callable[[Registration, str, datetime, str], bytes]
    #: feed_url(person): the address of the person's own calendar feed.
    feed_url: Callable[[Person], str]


def set_email_calendar(app: Flask, calendar: EmailCalendar) -> None:
    """Attach calendar invitations and feed links to the emails (eventsite.calendar does)."""
    app.extensions[EMAIL_CALENDAR] = calendar


def _calendar() -> EmailCalendar | None:
    return current_app.extensions.get(EMAIL_CALENDAR)


def _feed_url(person: Person) -> str | None:
    calendar = _calendar()
    return calendar.feed_url(person) if calendar is not None else None


# --- what an email says now ---------------------------------------------------------------


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
    MailKind.CONFIRM_HOLD: _l("Confirm your registration: %(title)s"),
    MailKind.ALREADY_SIGNED_UP: _l("You are already signed up: %(title)s"),
}


def _subject(kind: MailKind, title: str) -> str:
    return one_line(str(_SUBJECTS[kind]) % {"title": title})


# --- rendering --------------------------------------------------------------------------


@dataclass
class Prepared:
    """What a batch of rows shares, loaded once: their registrations and added values."""

    #: Kept here so the session keeps them loaded (it holds clean objects weakly).
    registrations: list[Registration]
    added: dict[int, dict[str, object]]


def prepare(rows: list[OutboxMessage], now: datetime) -> Prepared:
    """Load the batch's registrations with everything the emails show, in a few queries.

    Each row's `registration` is then found in the session without a query.
    """
    ids = sorted({row.registration_id for row in rows if row.registration_id is not None})
    registrations = (
        list(
            db.session.execute(
                select(Registration)
                .where(Registration.id.in_(ids))
                .options(
                    selectinload(Registration.person),
                    selectinload(Registration.event).selectinload(Event.organisation),
                    selectinload(Registration.session).options(
                        selectinload(EventSession.venue),
                        selectinload(EventSession.programme),
                        selectinload(EventSession.event),
                    ),
                )
            ).scalars()
        )
        if ids
        else []
    )
    # The values other areas add (the price of each place): a few queries for the batch.
    return Prepared(registrations, email_context_for(registrations))


def render(row: OutboxMessage, now: datetime, prepared: Prepared) -> Email | Skip:
    """The email for an outbox row, from the current state of its registration.

    Needs a request context for its links (see eventsite.mail.render.link_context).
    """
    if row.kind is MailKind.CONFIRM_SIGNUP:
        return _render_confirm_signup(row, now)
    if row.kind is MailKind.LINKS:
        return _render_links(row, now)
    registration = row.registration
    if registration is None:
        return Skip("the registration no longer exists")
    if row.kind in (MailKind.CONFIRM_HOLD, MailKind.ALREADY_SIGNED_UP):
        return _render_hold(row, registration, now)
    method = decide_method(row, registration)
    if isinstance(method, Skip):
        return method
    session = registration.session
    event = registration.event
    organisation = event.organisation
    person = registration.person
    confirmed = registration.status is RegistrationStatus.CONFIRMED
    calendar = _calendar() if method is not None else None
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
        feed_url=_feed_url(person),
        event_cancelled=event.is_cancelled,
        has_calendar=calendar is not None,
        calendar_cancel=method == CANCEL,
        # On the waiting list while another session has seats (it filled meanwhile): say so.
        free_elsewhere=self_service.free_elsewhere(registration, now) if row.kind is MailKind.WAITLISTED else [],
    )
    added = prepared.added.get(registration.id)
    if added is None:
        added = email_context_for([registration])[registration.id]
    context.update(added)
    message = _message(row, organisation, person.name, f"{event.title}, {session.place_name}", context)
    if calendar is not None and method is not None:
        message.add_calendar(calendar.invitation(registration, method, now, manage_url), method)
    return message


def _render_confirm_signup(row: OutboxMessage, now: datetime) -> Email | Skip:
    """ "Bekræft din tilmelding": the link that decides a pending sign-up."""
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
    return _message(row, organisation, name, f"{event.title}, {session.place_name}", context)


def _render_hold(row: OutboxMessage, registration: Registration, now: datetime) -> Email | Skip:
    """ "Bekræft din plads" (the link confirming a held place), or "already signed up"
    (the manage link) to an address signed up again from the anonymous form."""
    if not registration.is_active:
        return Skip("the registration has been cancelled or released")
    session = registration.session
    event = registration.event
    organisation = event.organisation
    context: dict[str, object] = dict(
        kind=row.kind.value,
        organisation=organisation,
        event=event,
        when=format_span(session.starts_at, session.ends_at),
        where=location_text(session.venue),
        email=registration.person.email,
        feed_url=None,
    )
    if row.kind is MailKind.CONFIRM_HOLD:
        if registration.hold_key is None or registration.held_until is None or now > registration.held_until:
            return Skip("the held place is confirmed or released")
        name = holds.held_name(registration)
        context.update(
            confirm_url=absolute_url("registration.confirm_hold", token=holds.token_for(registration)),
            hours=holds.hours(),
        )
    else:
        # The stored name: the one typed into the anonymous form is not theirs to trust.
        name = registration.person.name
        context["manage_url"] = absolute_url("registration.manage", token=manage_token(registration))
    context["person"] = {"name": name}
    return _message(row, organisation, name, f"{event.title}, {session.place_name}", context)


def _render_links(row: OutboxMessage, now: datetime) -> Email | Skip:
    """ "Send mig mit link igen": the link to the person's own page and every manage link that still works."""
    member_link = recovery.member_link_for(row)
    registration = row.registration
    if member_link is not None:
        person = member_link.person
    elif registration is not None:
        person = registration.person
    else:
        return Skip("the person no longer exists")
    current = links_to_send(person, now)
    endpoint = member_links.entrance_endpoint()
    member_url = (
        absolute_url(endpoint, token=member_links.link_token(member_link))
        if endpoint
        and member_link is not None
        # The link must be the recipient's own (and still open) to be sent to them.
        and member_link.person.email == row.recipient
        and member_links.link_is_open(member_link, now)
        else None
    )
    if not current and member_url is None:
        return Skip("no registration with a working link any more")
    organisation = person.organisation
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
        links=links,
        member_url=member_url,
        member_minutes=int(member_links.LINK_LIFETIME.total_seconds() // 60),
        feed_url=_feed_url(person),
    )
    return _message(row, organisation, person.name, organisation.name, context)


def _message(row: OutboxMessage, organisation: Organisation, name: str, title: str, context: dict) -> Email:
    """The email from emails/<kind>.txt and .html, sent as the organisation."""
    context.update(template_gettext())
    sender = sender_for(organisation)
    return Email(
        subject=_subject(row.kind, title),
        recipients=[(name, row.recipient)],
        sender=sender,
        reply_to=sender[1],
        body=render_part(f"emails/{row.kind.value}.txt", context),
        html=render_part(f"emails/{row.kind.value}.html", context),
        extra_headers=dict(AUTOMATIC),
        message_id=row.message_id,
    )


def init_app(app: Flask) -> None:
    """Render the emails about registrations (see eventsite.mail.render)."""
    add_renderer(app, KINDS, render, prepare=prepare)
