"""A closed meeting's fixed list (a board, a forum): members from the directory, each given a place.

The organiser chooses members from the member directory (by tag, such as
"bestyrelse", and by email address or member number); each gets a place made by
the organiser (no waiting list: a fixed list has no capacity to compete for) and
the summons by email with their personal link, where they answer "Jeg deltager"
or send afbud (eventsite.meetings.afbud).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsite.audit import record_audit
from eventsite.db import utcnow
from eventsite.events.models import EventSession
from eventsite.extensions import db
from eventsite.invitations.audience import find_members
from eventsite.invitations.models import Member, MemberTag
from eventsite.mail.models import MailKind
from eventsite.mail.outbox import enqueue
from eventsite.meetings.participation_models import RosterEntry
from eventsite.registration import operations
from eventsite.registration.models import Person, Registration
from eventsite.registration.operations import PersonDetails
from eventsite.web import UserError


class RosterError(UserError):
    """A change to the fixed list that is refused, with a message for the organiser."""


@dataclass
class RosterResult:
    added: list[RosterEntry]
    #: Typed entries that matched no member.
    unknown: list[str]
    #: Members on the list already.
    already: int
    #: Names of members with a place on another session of the event: not added
    #: (a person holds one place per event).
    elsewhere: list[str] = field(default_factory=list)


def members_for(organisation_id: int, tag: str, entries: list[str]) -> tuple[list[Member], list[str]]:
    """Members with the tag and those typed in (address or member number), and the unknown entries."""
    ids, unknown = find_members(organisation_id, entries)
    query = select(Member).where(Member.organisation_id == organisation_id, Member.opted_out_at.is_(None))
    found: list[Member] = []
    if tag.strip():
        found.extend(
            db.session.execute(
                query.join(MemberTag, MemberTag.member_id == Member.id).where(MemberTag.tag == tag.strip())
            ).scalars()
        )
    if ids:
        found.extend(db.session.execute(query.where(Member.id.in_(ids))).scalars())
    unique = {member.id: member for member in found}
    return sorted(unique.values(), key=lambda m: (m.name.lower(), m.id)), unknown


def add_members(
    session: EventSession,
    members: list[Member],
    *,
    by_user: Any = None,
    now: datetime | None = None,
    summon: bool = True,
) -> RosterResult:
    """Put members on the session's fixed list, each with a place, and queue their summons (flushes)."""
    now = now or utcnow()
    if session.starts_at <= now:
        raise RosterError(_l("The meeting has already started."))
    if session.capacity is not None:
        raise RosterError(_l("A meeting with a fixed list has no capacity: remove the capacity first."))
    on_list = set(
        db.session.execute(
            select(Person.email)
            .join(RosterEntry, RosterEntry.person_id == Person.id)
            .where(RosterEntry.session_id == session.id)
        ).scalars()
    )
    added: list[RosterEntry] = []
    elsewhere: list[str] = []
    already = 0
    for member in members:
        if member.email in on_list:
            already += 1
            continue
        try:
            registration = _place_for(session, member, now)
        except operations.AlreadySignedUp:
            # A place on another session of the same event: `register` refuses before
            # it writes anything, and the organiser is told who was left out.
            elsewhere.append(member.name or member.email)
            continue
        entry = RosterEntry(
            session_id=session.id,
            person_id=registration.person_id,
            registration_id=registration.id,
            added_at=now,
            added_by_id=by_user.id if by_user is not None else None,
        )
        db.session.add(entry)
        on_list.add(member.email)
        added.append(entry)
        if summon:
            # Registration.id is typed int, the outbox's protocol allows None (unflushed rows).
            enqueue(MailKind.MEETING_SUMMONS, registration)  # type: ignore[arg-type]
    db.session.flush()
    if added:
        record_audit(
            session.event.organisation_id,
            "session",
            session.id,
            "roster_added",
            after={"count": len(added)},
            user=by_user,
        )
    return RosterResult(added, [], already, elsewhere)


def _place_for(session: EventSession, member: Member, now: datetime) -> Registration:
    """The member's confirmed place: the one they hold already, or a new one made by the organiser."""
    existing = db.session.execute(
        select(Registration)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.session_id == session.id,
            Person.email == member.email,
            Person.organisation_id == session.event.organisation_id,
            Registration.active_slot.is_not(None),
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    details = PersonDetails(
        name=member.name,
        email=member.email,
        job_title=member.job_title,
        workplace=member.workplace,
        municipality_code=member.municipality_code,
    )
    return operations.register(session.id, details, now=now, by_organiser=True, update_person=False)
