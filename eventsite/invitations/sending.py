"""Invitation rounds: one outbox e-mail per member, written in the round's transaction.

Sending is idempotent twice over: the send form carries a random key, and a second
POST with the same key (a double click, a reload) finds the round the first one
made; and (round, member) is unique, so no member is in a round twice. Rounds of
one event are serialised by locking the event row, so two rounds sent at the same
moment from two browsers cannot both invite the same member.

The outbox rows are written with bulk INSERTs (a round of thousands must return
quickly) and delivered by `flask --app wsgi worker`, at most MAIL_RATE messages per
second. Their due times are spread at that rate, so a confirmation queued while a
large round is being delivered is sent next rather than after the whole round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from eventsite.audit import record_audit
from eventsite.db import utcnow
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.invitations.audience import Audience, AudienceSpec, build_audience
from eventsite.invitations.directory import opt_out
from eventsite.invitations.models import (
    Invitation,
    InvitationRound,
    InvitationState,
    Member,
    RoundKind,
    new_invitation_key,
)
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
from eventsite.mail.outbox import new_message_id
from eventsite.web import UserError

#: Rows per INSERT statement.
CHUNK = 1000


class SendError(UserError):
    """A round that cannot be sent, with a message for the organiser."""


@dataclass
class SendResult:
    round: InvitationRound
    #: False when the idempotency key named a round that already existed.
    created: bool
    count: int


def reminder_interval() -> timedelta:
    return timedelta(hours=current_app.config["INVITATION_REMINDER_INTERVAL_HOURS"])


def preview_audience(event: Event, spec: AudienceSpec, now: datetime | None = None) -> Audience:
    """Who a round with this spec would reach now (for the organiser's check before sending)."""
    return build_audience(event, spec, now=now, reminder_interval=reminder_interval() if spec.reminder else None)


def _lock_event(event_id: int) -> Event | None:
    """The event row, locked until commit: rounds of one event happen one at a time."""
    return db.session.execute(select(Event).where(Event.id == event_id).with_for_update()).scalar_one_or_none()


def existing_round(event_id: int, idempotency_key: str) -> InvitationRound | None:
    return db.session.execute(
        select(InvitationRound).where(
            InvitationRound.event_id == event_id, InvitationRound.idempotency_key == idempotency_key
        )
    ).scalar_one_or_none()


def send_round(
    event_id: int,
    spec: AudienceSpec,
    idempotency_key: str,
    *,
    user_id: int | None = None,
    now: datetime | None = None,
) -> SendResult:
    """Create a round and queue one invitation e-mail per member of the audience (flushes)."""
    now = now or utcnow()
    event = _lock_event(event_id)
    if event is None:
        raise LookupError(event_id)
    found = existing_round(event.id, idempotency_key)
    if found is not None:
        return SendResult(found, False, len(found.invitations))
    if event.is_cancelled or not event.published:
        raise SendError(_("The event is cancelled or not published, so no invitations can be sent."))
    audience = preview_audience(event, spec, now)
    round_ = InvitationRound(
        event_id=event.id,
        kind=RoundKind.REMINDER if spec.reminder else RoundKind.INVITATION,
        idempotency_key=idempotency_key,
        description=spec.describe(),
        created_at=now,
        created_by_id=user_id,
    )
    db.session.add(round_)
    db.session.flush()
    queue_invitations(round_, audience.members, now)
    record_audit(
        event.organisation_id,
        "invitation_round",
        round_.id,
        "sent" if round_.kind is RoundKind.INVITATION else "reminded",
        after={"event_id": event.id, "recipients": audience.count, "audience": round_.description},
    )
    return SendResult(round_, True, audience.count)


def queue_invitations(round_: InvitationRound, members: list[Member], now: datetime) -> None:
    """Bulk-insert the outbox rows and the invitation rows of a round."""
    if not members:
        return
    event = round_.event
    rate = current_app.config.get("MAIL_RATE") or 0
    spacing = 1.0 / rate if rate > 0 else 0.0
    outbox_rows = [
        {
            "organisation_id": event.organisation_id,
            "kind": MailKind.INVITATION,
            "recipient": member.email,
            "status": OutboxStatus.QUEUED,
            "attempts": 0,
            "due_at": now + timedelta(seconds=index * spacing),
            "message_id": new_message_id(),
            # The same uniqueness as (round, member), enforced by the outbox too.
            "dedupe_key": f"invitation:{round_.id}:{member.id}",
            "last_error": "",
            "created_at": now,
        }
        for index, member in enumerate(members)
    ]
    # Plain executemany, then the ids by their unique dedupe keys: an INSERT ... RETURNING
    # in parameter order would be sent one row at a time on SQLite.
    ids_by_key: dict[str, int] = {}
    for start in range(0, len(outbox_rows), CHUNK):
        chunk = outbox_rows[start : start + CHUNK]
        db.session.execute(insert(OutboxMessage), chunk)
        ids_by_key.update(
            db.session.execute(
                select(OutboxMessage.dedupe_key, OutboxMessage.id).where(
                    OutboxMessage.dedupe_key.in_([row["dedupe_key"] for row in chunk])
                )
            ).all()
        )
    outbox_ids = [ids_by_key[row["dedupe_key"]] for row in outbox_rows]
    invitation_rows = [
        {
            "round_id": round_.id,
            "event_id": event.id,
            "member_id": member.id,
            "state": InvitationState.QUEUED,
            "token_key": new_invitation_key(),
            "outbox_id": outbox_id,
            "queued_at": now,
        }
        for member, outbox_id in zip(members, outbox_ids)
    ]
    for start in range(0, len(invitation_rows), CHUNK):
        db.session.execute(insert(Invitation), invitation_rows[start : start + CHUNK])
    db.session.flush()


def record_decline(invitation: Invitation, now: datetime | None = None) -> bool:
    """Note "Jeg kan ikke deltage"; False if this invitation was already declined."""
    if invitation.declined_at is not None:
        return False
    now = now or utcnow()
    invitation.declined_at = now
    invitation.state = InvitationState.DECLINED
    db.session.flush()
    return True


def unsubscribe(member: Member, now: datetime | None = None) -> bool:
    """Stop every future invitation from the member's organisation; False if already done.

    Invitations still waiting in the outbox are skipped by the worker when it
    renders them (see eventsite.invitations.email.skip_reason).
    """
    return opt_out(member, now)


def withdraw_queued(round_: InvitationRound) -> int:
    """Take a round's not-yet-sent e-mails out of the outbox; the number withdrawn."""
    ids = select(Invitation.outbox_id).where(Invitation.round_id == round_.id, Invitation.outbox_id.is_not(None))
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.SKIPPED, last_error="withdrawn by the organiser")
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount
