"""The emails with account links: an invitation to the back office and a password reset.

Queued in the outbox (one row per link, found again by its dedupe key) and rendered
when sent, like every email; a link that was used or has expired by then is skipped.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import lazy_gettext as _l

from eventsite.accounts.links import link_token
from eventsite.accounts.models import AccountLink, LinkPurpose
from eventsite.extensions import db
from eventsite.mail.message import Email, one_line, sender_for
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
from eventsite.mail.outbox import new_message_id
from eventsite.mail.render import Skip, add_renderer, render_part, template_gettext
from eventsite.text import absolute_url

KINDS = {LinkPurpose.INVITATION: MailKind.ACCOUNT_INVITATION, LinkPurpose.PASSWORD_RESET: MailKind.PASSWORD_RESET}
_SUBJECTS = {
    MailKind.ACCOUNT_INVITATION: _l("You are invited to the back office of %(organisation)s"),
    MailKind.PASSWORD_RESET: _l("Choose a new password for %(organisation)s"),
}
_ENDPOINTS = {LinkPurpose.INVITATION: "organiser.invitation", LinkPurpose.PASSWORD_RESET: "organiser.password_reset"}
_PREFIX = "account-link:"


def queue_link_email(link: AccountLink) -> None:
    """Add the email carrying this (flushed) link to the current transaction."""
    db.session.add(
        OutboxMessage(
            organisation_id=link.organisation_id,
            kind=KINDS[link.purpose],
            recipient=link.user.email,
            status=OutboxStatus.QUEUED,
            attempts=0,
            message_id=new_message_id(),
            dedupe_key=f"{_PREFIX}{link.id}",
            last_error="",
        )
    )
    db.session.flush()


def render_link_email(row: OutboxMessage, now: datetime, prepared: object) -> Email | Skip:
    key = row.dedupe_key or ""
    link = db.session.get(AccountLink, int(key[len(_PREFIX) :])) if key.startswith(_PREFIX) else None
    if link is None:
        return Skip("the link no longer exists")
    if link.used_at is not None or now >= link.expires_at or not link.user.active:
        return Skip("the link has been used or has expired")
    organisation = link.organisation
    membership = next((m for m in link.user.memberships if m.organisation_id == organisation.id), None)
    context = dict(
        person={"name": link.user.name or link.user.email},
        recipient_name=link.user.name or link.user.email,
        email=link.user.email,
        organisation=organisation,
        role=membership.role.label if membership is not None else "",
        url=absolute_url(_ENDPOINTS[link.purpose], token=link_token(link)),
        expires_at=link.expires_at,
        hours=max(1, round((link.expires_at - link.created_at).total_seconds() / 3600)),
        minutes=max(1, round((link.expires_at - link.created_at).total_seconds() / 60)),
    )
    context.update(template_gettext())
    sender = sender_for(organisation)
    return Email(
        subject=one_line(str(_SUBJECTS[row.kind]) % {"organisation": organisation.name}),
        recipients=[(link.user.name, row.recipient)],
        sender=sender,
        reply_to=sender[1],
        body=render_part(f"emails/{row.kind.value}.txt", context),
        html=render_part(f"emails/{row.kind.value}.html", context),
        extra_headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
        message_id=row.message_id,
    )


def init_app(app: Flask) -> None:
    """Render the account-link emails (see eventsite.mail.render)."""
    add_renderer(app, KINDS.values(), render_link_email)
