"""Mail's personal data: the outbox rows addressed to a person.

The outbox keeps no message bodies: an email is rendered from the newest data when it
is sent, and only the delivery record stays (kind, session, status, dates, the
recipient's address and the last SMTP error). The address and the error are what is
personal; erasure scrubs them (and skips what was still waiting to go), and the
retention step scrubs them from delivered rows after 30 days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from eventsite import personal_data
from eventsite.events.models import Event, EventSession
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
from eventsite.personal_data import Category, RetentionStep, Subject, Unit, count_due, due_batch

#: What each kind of email is about, for a person's export (the subject line is
#: rendered when the email is sent and not stored).
KIND_LABELS = {
    MailKind.CONFIRMATION: _l("Confirmation of your registration"),
    MailKind.WAITLISTED: _l("You are on the waiting list"),
    MailKind.PROMOTED: _l("You have a place"),
    MailKind.MOVED: _l("Your registration was moved"),
    MailKind.CANCELLED: _l("Your registration was cancelled"),
    MailKind.CANCELLED_BY_ORGANISER: _l("Your registration was cancelled by the organiser"),
    MailKind.SESSION_CHANGED: _l("The session was changed"),
    MailKind.SESSION_CANCELLED: _l("The session was cancelled"),
    MailKind.REMINDER: _l("Reminder"),
    MailKind.SUBSIDY_DECISION: _l("Decision on your application for a subsidy"),
    MailKind.INVITATION: _l("Invitation"),
    MailKind.LINKS: _l("Your links"),
    MailKind.CONFIRM_SIGNUP: _l("Confirm your registration"),
    MailKind.CONFIRM_HOLD: _l("Confirm your registration"),
    MailKind.ALREADY_SIGNED_UP: _l("You are already signed up"),
    MailKind.ACCOUNT_INVITATION: _l("Invitation to the back office"),
    MailKind.PASSWORD_RESET: _l("New password"),
    MailKind.MEETING_SUMMONS: _l("Summons to a meeting"),
    MailKind.MINUTES_APPROVAL: _l("Minutes for approval"),
    MailKind.AFBUD_RECEIVED: _l("Afbud received"),
    MailKind.AFBUD_WITHDRAWN: _l("Afbud withdrawn"),
}


def export_emails(subject: Subject) -> list[dict[str, Any]]:
    """The emails sent (or queued) to the person's address: what about, when, and how it went."""
    rows = db.session.execute(
        select(OutboxMessage, Event.title)
        .outerjoin(EventSession, EventSession.id == OutboxMessage.session_id)
        .outerjoin(Event, Event.id == EventSession.event_id)
        .where(OutboxMessage.organisation_id == subject.organisation_id, OutboxMessage.recipient == subject.email)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    return [
        {
            "subject": str(KIND_LABELS.get(message.kind, message.kind.value)),
            "kind": message.kind.value,
            "event": title,
            "status": message.status.value,
            "created_at": personal_data.iso(message.created_at),
            "sent_at": personal_data.iso(message.sent_at),
        }
        for message, title in rows
    ]


def erase_emails(subjects: Sequence[Subject]) -> int:
    """Scrub the address and error of every row to the people; what still waits is skipped, not sent."""
    changed = 0
    for organisation_id in {subject.organisation_id for subject in subjects}:
        emails = [subject.email for subject in subjects if subject.organisation_id == organisation_id]
        mine = (OutboxMessage.organisation_id == organisation_id, OutboxMessage.recipient.in_(emails))
        db.session.execute(
            update(OutboxMessage)
            .where(*mine, OutboxMessage.status == OutboxStatus.QUEUED)
            .values(status=OutboxStatus.SKIPPED, last_error="erased")
            .execution_options(synchronize_session=False)
        )
        changed += (
            db.session.execute(
                update(OutboxMessage)
                .where(*mine)
                .values(recipient="", last_error="")
                .execution_options(synchronize_session=False)
            ).rowcount
            or 0
        )
    return changed


def _delivered_before(organisation_id: int, cutoff: datetime) -> Any:
    return select(OutboxMessage.id).where(
        OutboxMessage.organisation_id == organisation_id,
        OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.SKIPPED)),
        OutboxMessage.created_at < cutoff,
        or_(OutboxMessage.recipient != "", OutboxMessage.last_error != ""),
    )


def count_delivered(organisation_id: int, cutoff: datetime) -> int:
    return count_due(_delivered_before(organisation_id, cutoff))


def scrub_delivered(organisation_id: int, cutoff: datetime, limit: int) -> int:
    """Scrub address and error from up to `limit` finished rows queued before `cutoff`."""
    ids = due_batch(_delivered_before(organisation_id, cutoff), limit)
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(recipient="", last_error="")
            .execution_options(synchronize_session=False)
        )
    return len(ids)


DELIVERED_STEP = RetentionStep(
    name="delivered_emails",
    label=_l("Recipients of delivered emails"),
    reason=_l(
        "The text of an email is never stored. Who received it is kept for 30 days to answer "
        "questions about delivery; the record of what was sent and when stays."
    ),
    default=30,
    unit=Unit.DAYS,
    count=count_delivered,
    apply=scrub_delivered,
    minimum=1,
    maximum=365,
)


def init_app(app: Flask) -> None:
    """Register the outbox as a category of personal data."""
    personal_data.add_category(
        app,
        Category(
            name="emails",
            label=_l("Emails sent"),
            export=export_emails,
            erase=erase_emails,
            erasure_note=_l("The address is removed; what was sent and when stays."),
            retention=(DELIVERED_STEP,),
        ),
    )
