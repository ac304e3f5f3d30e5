"""What became of the invitations: per round, per event and per person.

Delivery is read from the outbox (sent, failed = bounced, queued/sending = on its
way, skipped = not sent); answers from the facts: an active registration with the
member's address is "signed up" whichever link was used, a decline is "cannot
attend", an unsubscription is "opted out". A member's answer counts in every
round that reached them.

`refresh_states` copies delivery and sign-ups into Invitation.state. A sign-up
cancelled later leaves the state REGISTERED there (the invitation did lead to a
sign-up); the pages show the member's standing now.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from eventsite.db import utcnow
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.invitations.audience import registered_emails
from eventsite.invitations.models import Invitation, InvitationRound, InvitationState, Member
from eventsite.mail.models import OutboxMessage, OutboxStatus


class Outcome(str, enum.Enum):
    """A member's standing for one event, most decisive first."""

    REGISTERED = "registered"
    DECLINED = "declined"
    OPTED_OUT = "opted_out"
    BOUNCED = "bounced"
    NO_ANSWER = "no_answer"
    ON_ITS_WAY = "on_its_way"
    NOT_SENT = "not_sent"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    Outcome.REGISTERED: _l("Signed up"),
    Outcome.DECLINED: _l("Cannot attend"),
    Outcome.OPTED_OUT: _l("Unsubscribed"),
    Outcome.BOUNCED: _l("Could not be delivered"),
    Outcome.NO_ANSWER: _l("No answer"),
    Outcome.ON_ITS_WAY: _l("Waiting to be sent"),
    Outcome.NOT_SENT: _l("Not sent"),
}


@dataclass
class PersonRow:
    member_id: int
    name: str
    email: str
    outcome: Outcome
    #: Invitations and reminders e-mailed (delivered) to the member for this event.
    delivered: int
    last_sent_at: datetime | None


@dataclass
class Figures:
    """The counts shown per round and per event."""

    invited: int = 0
    delivered: int = 0
    on_its_way: int = 0
    bounced: int = 0
    not_sent: int = 0
    registered: int = 0
    declined: int = 0
    opted_out: int = 0
    no_answer: int = 0

    @property
    def handled(self) -> int:
        """E-mails the worker has finished with (for the progress bar)."""
        return self.invited - self.on_its_way

    @property
    def done(self) -> bool:
        return self.on_its_way == 0


@dataclass
class EventTracking:
    event_figures: Figures
    rounds: list[tuple[InvitationRound, Figures]] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)


_DELIVERY = {
    OutboxStatus.SENT: "delivered",
    OutboxStatus.FAILED: "bounced",
    OutboxStatus.QUEUED: "on_its_way",
    OutboxStatus.SENDING: "on_its_way",
    OutboxStatus.SKIPPED: "not_sent",
}


def _rows(event: Event, round_id: int | None = None):
    query = (
        select(
            Invitation.id,
            Invitation.round_id,
            Invitation.member_id,
            Invitation.declined_at,
            OutboxMessage.status,
            OutboxMessage.sent_at,
            Member.name,
            Member.email,
            Member.opted_out_at,
        )
        .join(Member, Member.id == Invitation.member_id)
        .outerjoin(OutboxMessage, OutboxMessage.id == Invitation.outbox_id)
        .where(Invitation.event_id == event.id)
        .order_by(Member.name, Member.id, Invitation.id)
    )
    if round_id is not None:
        query = query.where(Invitation.round_id == round_id)
    return db.session.execute(query).all()


def _answers(event: Event) -> tuple[set[str], set[int]]:
    registered = set(db.session.execute(registered_emails(event)).scalars())
    declined = set(
        db.session.execute(
            select(Invitation.member_id).where(Invitation.event_id == event.id, Invitation.declined_at.is_not(None))
        ).scalars()
    )
    return registered, declined


def _outcome(delivery: str, email: str, member_id: int, opted_out: bool, registered, declined) -> Outcome:
    if email in registered:
        return Outcome.REGISTERED
    if member_id in declined:
        return Outcome.DECLINED
    if opted_out:
        return Outcome.OPTED_OUT
    return {
        "bounced": Outcome.BOUNCED,
        "delivered": Outcome.NO_ANSWER,
        "on_its_way": Outcome.ON_ITS_WAY,
        "not_sent": Outcome.NOT_SENT,
    }[delivery]


#: The answers counted in a round's figures (delivery is counted from the outbox).
_ANSWER_FIGURES = {
    Outcome.REGISTERED: "registered",
    Outcome.DECLINED: "declined",
    Outcome.OPTED_OUT: "opted_out",
    Outcome.NO_ANSWER: "no_answer",
}
#: Every outcome's figure, for the event as a whole (each member once).
_OUTCOME_FIGURES = dict(
    _ANSWER_FIGURES,
    **{
        Outcome.BOUNCED: "bounced",
        Outcome.ON_ITS_WAY: "on_its_way",
        Outcome.NOT_SENT: "not_sent",
    },
)


def _add(figures: Figures, name: str) -> None:
    setattr(figures, name, getattr(figures, name) + 1)


def _figures(rows, registered, declined) -> Figures:
    figures = Figures()
    for row in rows:
        delivery = _DELIVERY.get(row.status, "not_sent")
        figures.invited += 1
        _add(figures, delivery)
        outcome = _outcome(delivery, row.email, row.member_id, row.opted_out_at is not None, registered, declined)
        if outcome in _ANSWER_FIGURES:
            _add(figures, _ANSWER_FIGURES[outcome])
    return figures


def round_figures(round_: InvitationRound) -> Figures:
    """The counts for one round (answers count in every round that reached the member)."""
    registered, declined = _answers(round_.event)
    return _figures(_rows(round_.event, round_.id), registered, declined)


def event_tracking(event: Event) -> EventTracking:
    """Counts per event (each member once) and per round, and one line per invited member."""
    registered, declined = _answers(event)
    rows = _rows(event)
    rounds = list(
        db.session.execute(
            select(InvitationRound)
            .where(InvitationRound.event_id == event.id)
            .order_by(InvitationRound.created_at.desc(), InvitationRound.id.desc())
        ).scalars()
    )
    by_round: dict[int, list] = {}
    for row in rows:
        by_round.setdefault(row.round_id, []).append(row)
    people: dict[int, PersonRow] = {}
    delivered = Counter()
    rank = list(Outcome)  # most decisive first: a member's standing is their best outcome
    for row in rows:
        delivery = _DELIVERY.get(row.status, "not_sent")
        if delivery == "delivered":
            delivered[row.member_id] += 1
        outcome = _outcome(delivery, row.email, row.member_id, row.opted_out_at is not None, registered, declined)
        current = people.get(row.member_id)
        if current is None or rank.index(outcome) < rank.index(current.outcome):
            people[row.member_id] = PersonRow(
                row.member_id, row.name, row.email, outcome, 0, current.last_sent_at if current else None
            )
        person = people[row.member_id]
        if row.sent_at and (person.last_sent_at is None or row.sent_at > person.last_sent_at):
            person.last_sent_at = row.sent_at
    for member_id, person in people.items():
        person.delivered = delivered[member_id]
    figures = Figures()
    for person in people.values():
        figures.invited += 1
        _add(figures, _OUTCOME_FIGURES[person.outcome])
        if person.delivered:
            figures.delivered += 1
    return EventTracking(
        event_figures=figures,
        rounds=[(r, _figures(by_round.get(r.id, []), registered, declined)) for r in rounds],
        people=sorted(people.values(), key=lambda p: (p.name.casefold(), p.member_id)),
    )


def refresh_states(event: Event, now: datetime | None = None) -> None:
    """Copy delivery and answers into Invitation.state for the event's invitations (flushes)."""
    now = now or utcnow()
    delivered = select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.SENT)
    failed = select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.FAILED)
    sent_at = select(OutboxMessage.sent_at).where(OutboxMessage.id == Invitation.outbox_id).scalar_subquery()
    failed_at = select(OutboxMessage.failed_at).where(OutboxMessage.id == Invitation.outbox_id).scalar_subquery()
    mine = Invitation.event_id == event.id
    db.session.execute(
        update(Invitation)
        .where(mine, Invitation.state == InvitationState.QUEUED, Invitation.outbox_id.in_(delivered))
        .values(state=InvitationState.SENT, sent_at=sent_at)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Invitation)
        .where(
            mine, Invitation.state.in_((InvitationState.QUEUED, InvitationState.SENT)), Invitation.outbox_id.in_(failed)
        )
        .values(state=InvitationState.BOUNCED, bounced_at=failed_at)
        .execution_options(synchronize_session=False)
    )
    signed_up = select(Member.id).where(
        Member.organisation_id == event.organisation_id, Member.email.in_(registered_emails(event))
    )
    db.session.execute(
        update(Invitation)
        .where(mine, Invitation.state != InvitationState.REGISTERED, Invitation.member_id.in_(signed_up))
        .values(state=InvitationState.REGISTERED, registered_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
