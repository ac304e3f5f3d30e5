"""The meeting emails: a closed meeting's summons and the minutes' approval request.

Rendered by the outbox worker when sent, from the newest data: a summons to a
place since cancelled, or an approval request for a superseded version or for
minutes already approved, is skipped. Registered with eventsite.mail.render.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventsite.events.models import Organisation
from eventsite.extensions import db
from eventsite.formatting import format_day_time, format_span, location_text
from eventsite.mail.message import Email, one_line, sender_for
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.mail.render import Skip, add_renderer, render_part, template_gettext
from eventsite.meetings.approval import approval_token, is_current
from eventsite.meetings.minutes_models import MinutesApproval, MinutesState, MinutesVersion
from eventsite.registration.models import Registration
from eventsite.registration.tokens import manage_token
from eventsite.text import absolute_url

AUTOMATIC = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def meeting_email(
    row: OutboxMessage, organisation: Organisation, name: str, subject: str, template: str, context: dict[str, Any]
) -> Email:
    context.update(template_gettext())
    sender = sender_for(organisation)
    return Email(
        subject=one_line(subject),
        recipients=[(name, row.recipient)],
        sender=sender,
        reply_to=sender[1],
        body=render_part(f"emails/{template}.txt", context),
        html=render_part(f"emails/{template}.html", context),
        extra_headers=dict(AUTOMATIC),
        message_id=row.message_id,
    )


def render_summons(row: OutboxMessage, now: datetime, prepared: object) -> Email | Skip:
    registration = db.session.get(Registration, row.registration_id) if row.registration_id else None
    if registration is None or not registration.is_active:
        return Skip("the place no longer exists")
    session = registration.session
    if session.is_cancelled or session.starts_at <= now:
        return Skip("the meeting is cancelled or has started")
    event = registration.event
    context = dict(
        person=registration.person,
        event=event,
        organisation=event.organisation,
        when=format_span(session.starts_at, session.ends_at),
        where=location_text(session.venue),
        manage_url=absolute_url("registration.manage", token=manage_token(registration)),
    )
    subject = _("Summons: %(title)s", title=event.title)
    return meeting_email(row, event.organisation, registration.person.name, subject, "meeting_summons", context)


def prepare_approvals(rows: list[OutboxMessage], now: datetime) -> dict[int, MinutesApproval]:
    approvals = (
        db.session.execute(
            select(MinutesApproval)
            .where(MinutesApproval.outbox_id.in_([row.id for row in rows]))
            .options(
                joinedload(MinutesApproval.person),
                joinedload(MinutesApproval.version).joinedload(MinutesVersion.minutes),
            )
        )
        .unique()
        .scalars()
        .all()
    )
    return {approval.outbox_id: approval for approval in approvals if approval.outbox_id is not None}


def render_approval(row: OutboxMessage, now: datetime, prepared: dict[int, MinutesApproval]) -> Email | Skip:
    approval = prepared.get(row.id)
    if approval is None:
        return Skip("the approval no longer exists")
    version = approval.version
    minutes = version.minutes
    if minutes.state is not MinutesState.SENT or not is_current(approval):
        return Skip("the minutes were approved or revised")
    session = minutes.session
    event = session.event
    context = dict(
        person=approval.person,
        event=event,
        organisation=event.organisation,
        version=version,
        minutes=version.data,
        revised=version.number > 1,
        deadline=format_day_time(version.deadline),
        approval_url=absolute_url("meeting_replies.approval_page", token=approval_token(approval)),
    )
    if version.number > 1:
        subject = _("Revised minutes for approval: %(title)s", title=event.title)
    else:
        subject = _("Minutes for approval: %(title)s", title=event.title)
    return meeting_email(row, event.organisation, approval.person.name, subject, "minutes_approval", context)


def init_app(app: Flask) -> None:
    add_renderer(app, [MailKind.MEETING_SUMMONS], render_summons)
    add_renderer(app, [MailKind.MINUTES_APPROVAL], render_approval, prepare=prepare_approvals)
