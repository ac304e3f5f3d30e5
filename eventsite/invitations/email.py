"""The invitation e-mail, rendered by the outbox worker when it is sent.

Like every outbox e-mail it is built from the newest data: an invitation queued
for someone who has since signed up, declined or unsubscribed, or for an event
whose sign-up has closed, is skipped instead of sent.

A round is delivered in batches of hundreds, so what the rows of one batch share
is loaded once per batch, not once per e-mail: the worker hands the renderer
registry a batch of claimed rows, and `prepare` loads their invitations, their
events with sessions, venues and programme, who has signed up and who has declined
(see `_Batch`). Registered with eventsite.mail.render by `init_app`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from eventsite.events.models import Event, EventSession
from eventsite.extensions import db
from eventsite.formatting import format_span, location_text
from eventsite.invitations.audience import registered_emails
from eventsite.invitations.models import Invitation, RoundKind
from eventsite.invitations.tokens import colleague_token, invitation_token
from eventsite.mail.message import Email, one_line, sender_for
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.mail.render import Skip, add_renderer, render_part, template_gettext
from eventsite.text import absolute_url

#: Programme items shown per session ("programme highlights").
HIGHLIGHTS = 6


@dataclass
class _Batch:
    """The invitations of one claimed batch and what they share, loaded together."""

    now: datetime
    by_outbox_id: dict[int, Invitation]
    #: event id -> addresses with an active registration
    registered: dict[int, set[str]] = field(default_factory=dict)
    #: event id -> members who declined
    declined: dict[int, set[int]] = field(default_factory=dict)
    #: event id -> the sessions as the templates show them
    sessions: dict[int, list[dict]] = field(default_factory=dict)


def prepare(rows: list[OutboxMessage], now: datetime) -> _Batch:
    """Load the invitations of these outbox rows and what they share, in a few queries."""
    invitations = (
        db.session.execute(
            select(Invitation)
            .where(Invitation.outbox_id.in_([row.id for row in rows]))
            .options(
                joinedload(Invitation.member),
                joinedload(Invitation.round),
                joinedload(Invitation.event).options(
                    joinedload(Event.organisation),
                    selectinload(Event.sessions).options(
                        selectinload(EventSession.venue), selectinload(EventSession.programme)
                    ),
                ),
            )
        )
        .unique()
        .scalars()
        .all()
    )
    batch = _Batch(now, {inv.outbox_id: inv for inv in invitations})
    for event in {inv.event_id: inv.event for inv in invitations}.values():
        batch.registered[event.id] = set(db.session.execute(registered_emails(event)).scalars())
        batch.declined[event.id] = set(
            db.session.execute(
                select(Invitation.member_id).where(Invitation.event_id == event.id, Invitation.declined_at.is_not(None))
            ).scalars()
        )
        batch.sessions[event.id] = [
            dict(
                when=format_span(s.starts_at, s.ends_at),
                where=location_text(s.venue),
                region=s.region,
                programme=list(s.programme)[:HIGHLIGHTS],
                more=max(0, len(s.programme) - HIGHLIGHTS),
            )
            for s in event.active_sessions
            if s.starts_at > now
        ]
    return batch


def skip_reason(invitation: Invitation, batch: _Batch) -> str | None:
    """Why this invitation should not be sent now, or None."""
    event = invitation.event
    if invitation.member.opted_out_at is not None:
        return "the member has unsubscribed from invitations"
    if event.is_cancelled or not event.published:
        return "the event is cancelled or not published"
    if not event.registration_is_open(batch.now) or not batch.sessions[event.id]:
        return "sign-up has closed"
    if invitation.member_id in batch.declined[event.id]:
        return "the member has declined"
    if invitation.member.email in batch.registered[event.id]:
        return "the member has signed up"
    return None


def invitation_context(invitation: Invitation, batch: _Batch) -> dict:
    """What the templates need: the member, the event's essentials and the personal links."""
    event: Event = invitation.event
    token = invitation_token(invitation)
    return dict(
        invitation=invitation,
        member=invitation.member,
        event=event,
        organisation=event.organisation,
        reminder=invitation.round.kind is RoundKind.REMINDER,
        sessions=batch.sessions[event.id],
        deadline=event.registration_closes_at,
        signup_url=absolute_url("events.event_page", event_id=event.id, invitation=token, _anchor="signup-heading"),
        decline_url=absolute_url("invitations.decline", token=token),
        colleague_url=absolute_url(
            "events.event_page", event_id=event.id, invitation=colleague_token(invitation), _anchor="signup-heading"
        ),
        unsubscribe_url=absolute_url("invitations.unsubscribe", token=token),
        # The organisation's privacy notice (eventsite.privacy, named by endpoint: it sits above).
        privacy_url=absolute_url("privacy.public_notice", slug=event.organisation.slug),
    )


def subject(invitation: Invitation) -> str:
    title = invitation.event.title
    if invitation.round.kind is RoundKind.REMINDER:
        text = _("Reminder – invitation: %(title)s", title=title)
    else:
        text = _("Invitation: %(title)s", title=title)
    # One line, whatever the organiser typed into the title.
    return one_line(text)


def render_invitation(row: OutboxMessage, now: datetime, batch: _Batch) -> Email | Skip:
    """The e-mail for an invitation's outbox row, or Skip. Needs a request context (links)."""
    invitation = batch.by_outbox_id.get(row.id)
    if invitation is None:
        return Skip("the invitation no longer exists")
    reason = skip_reason(invitation, batch)
    if reason:
        return Skip(reason)
    context = invitation_context(invitation, batch)
    context.update(template_gettext())
    sender = sender_for(invitation.event.organisation)
    return Email(
        subject=subject(invitation),
        recipients=[(invitation.member.name, row.recipient)],
        sender=sender,
        reply_to=sender[1],
        body=render_part("emails/invitation.txt", context),
        html=render_part("emails/invitation.html", context),
        extra_headers={
            # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs
            # "List-Unsubscribe=One-Click" to this URL.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # Out-of-office replies should stay quiet.
            "X-Auto-Response-Suppress": "OOF, AutoReply",
        },
        message_id=row.message_id,
    )


def init_app(app: Flask) -> None:
    """Render the invitation e-mails (see eventsite.mail.render)."""
    add_renderer(app, [MailKind.INVITATION], render_invitation, prepare=prepare)
