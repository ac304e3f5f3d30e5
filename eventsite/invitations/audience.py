"""Who an invitation round goes to: directory filters, additions, removals, exclusions.

Within one kind of criterion the values are alternatives (Region Sjælland *or*
Region Hovedstaden); different kinds narrow down (in those regions *and*
mellemleder). Opted-out members are never included; members who are signed up
for the event, or who declined it, are left out; members already invited are left
out too, unless the round is a reminder, which goes only to those invited who have
not answered and were not e-mailed within the reminder interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.sql import Select

from eventsite.db import utcnow
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.geo import all_municipalities, municipality
from eventsite.invitations.models import Invitation, JobLevel, Member, MemberTag
from eventsite.registration.models import Person, Registration, RegistrationStatus

ACTIVE_REGISTRATION = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
#: Regions that became part of another on 1 January 2027.
MERGED_INTO = {"Region Østdanmark": ("Region Hovedstaden", "Region Sjælland")}


@dataclass
class AudienceSpec:
    regions: list[str] = field(default_factory=list)
    municipality_codes: list[str] = field(default_factory=list)
    job_levels: list[JobLevel] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    #: Members added by hand, whatever the filters say.
    added_ids: list[int] = field(default_factory=list)
    #: Members taken out by hand.
    removed_ids: list[int] = field(default_factory=list)
    reminder: bool = False

    @property
    def has_filters(self) -> bool:
        return bool(self.regions or self.municipality_codes or self.job_levels or self.tags)

    def describe(self) -> str:
        """The audience in words, for the list of rounds."""
        parts = []
        if self.regions:
            parts.append(", ".join(self.regions))
        if self.municipality_codes:
            parts.append(", ".join(m.name for m in map(municipality, self.municipality_codes) if m))
        if self.job_levels:
            parts.append(", ".join(level.label for level in self.job_levels))
        if self.tags:
            parts.append(", ".join(self.tags))
        text = " · ".join(parts) if parts else (_("the whole directory") if not self.added_ids else "")
        if self.added_ids:
            text += (" + " if text else "") + _("%(num)d added by hand", num=len(self.added_ids))
        if self.removed_ids:
            text += " − " + _("%(num)d removed by hand", num=len(self.removed_ids))
        return text[:500]


@dataclass
class Audience:
    members: list[Member]
    #: Reason -> members left out for it (only those the filters matched).
    excluded: dict[str, int]

    @property
    def count(self) -> int:
        return len(self.members)


def region_condition(region: str):
    """Members in a region: by their municipality (either side of the 2027 reform), else their stored region."""
    codes = [m.code for m in all_municipalities() if region in (m.region, m.region_from_2027)]
    names = (region, *MERGED_INTO.get(region, ()))
    return or_(
        Member.municipality_code.in_(codes) if codes else false(),
        and_(Member.municipality_code.is_(None), Member.region.in_(names)),
    )


def _matching(event: Event, spec: AudienceSpec) -> Select:
    """Ids of members chosen by the filters and by hand, before exclusions."""
    query = select(Member.id).where(Member.organisation_id == event.organisation_id)
    if spec.regions:
        query = query.where(or_(*(region_condition(r) for r in spec.regions)))
    if spec.municipality_codes:
        query = query.where(Member.municipality_code.in_(spec.municipality_codes))
    if spec.job_levels:
        query = query.where(Member.job_level.in_(spec.job_levels))
    if spec.tags:
        query = query.where(Member.id.in_(select(MemberTag.member_id).where(MemberTag.tag.in_(spec.tags))))
    if not spec.has_filters and spec.added_ids:
        # Only hand-picked members: the filters choose nobody.
        query = query.where(false())
    if spec.added_ids:
        query = query.union(
            select(Member.id).where(Member.organisation_id == event.organisation_id, Member.id.in_(spec.added_ids))
        )
    return query


def registered_emails(event: Event) -> Select:
    """E-mail addresses with an active place at the event (members match people by address)."""
    return (
        select(Person.email)
        .join(Registration, Registration.person_id == Person.id)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE_REGISTRATION))
    )


def held_place(invitation: Invitation) -> Registration | None:
    """The invited member's active place at the event, matched by address, or None."""
    return db.session.execute(
        select(Registration)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.event_id == invitation.event_id,
            Registration.status.in_(ACTIVE_REGISTRATION),
            Person.organisation_id == invitation.member.organisation_id,
            Person.email == invitation.member.email.strip().lower(),
        )
        .order_by(Registration.id)
        .limit(1)
    ).scalar_one_or_none()


def _declined(event: Event) -> Select:
    return select(Invitation.member_id).where(Invitation.event_id == event.id, Invitation.declined_at.is_not(None))


def build_audience(
    event: Event, spec: AudienceSpec, *, now: datetime | None = None, reminder_interval: timedelta | None = None
) -> Audience:
    """The members a round with this spec would go to, by name, and who was left out why."""
    now = now or utcnow()
    chosen = _matching(event, spec).subquery()
    rows = (
        db.session.execute(select(Member).where(Member.id.in_(select(chosen.c.id))).order_by(Member.name, Member.id))
        .scalars()
        .all()
    )
    removed = set(spec.removed_ids)
    registered = set(db.session.execute(registered_emails(event)).scalars())
    declined = set(db.session.execute(_declined(event)).scalars())
    invited_rows = db.session.execute(
        select(Invitation.member_id, func.max(Invitation.queued_at), func.max(Invitation.bounced_at))
        .where(Invitation.event_id == event.id)
        .group_by(Invitation.member_id)
    ).all()
    last_mailed = {member_id: queued for member_id, queued, _bounced in invited_rows}
    bounced = {member_id for member_id, _queued, b in invited_rows if b is not None}
    excluded = {
        "removed": 0,
        "opted_out": 0,
        "registered": 0,
        "declined": 0,
        "invited": 0,
        "not_invited": 0,
        "recently_mailed": 0,
        "bounced": 0,
    }
    members = []
    for member in rows:
        if member.id in removed:
            excluded["removed"] += 1
        elif member.opted_out_at is not None:
            excluded["opted_out"] += 1
        elif member.email in registered:
            excluded["registered"] += 1
        elif member.id in declined:
            excluded["declined"] += 1
        elif not spec.reminder and member.id in last_mailed:
            excluded["invited"] += 1
        elif spec.reminder and member.id not in last_mailed:
            excluded["not_invited"] += 1
        elif spec.reminder and member.id in bounced:
            excluded["bounced"] += 1
        elif spec.reminder and reminder_interval is not None and last_mailed[member.id] > now - reminder_interval:
            excluded["recently_mailed"] += 1
        else:
            members.append(member)
    return Audience(members, {k: v for k, v in excluded.items() if v})


EXCLUSION_LABELS = {
    "removed": lambda n: _("%(num)d removed by hand", num=n),
    "opted_out": lambda n: _("%(num)d have unsubscribed from invitations", num=n),
    "registered": lambda n: _("%(num)d are already signed up", num=n),
    "declined": lambda n: _("%(num)d have declined", num=n),
    "invited": lambda n: _("%(num)d have already been invited (send a reminder instead)", num=n),
    "not_invited": lambda n: _("%(num)d have not been invited yet (a reminder only goes to those invited)", num=n),
    "recently_mailed": lambda n: _("%(num)d were e-mailed too recently for a reminder", num=n),
    "bounced": lambda n: _("%(num)d could not be reached (bounced)", num=n),
}


def describe_exclusions(excluded: dict[str, int]) -> list[str]:
    return [EXCLUSION_LABELS[key](count) for key, count in excluded.items()]


def find_members(organisation_id: int, entries: list[str]) -> tuple[list[int], list[str]]:
    """Member ids for e-mail addresses or member numbers typed by hand, and the entries not found."""
    wanted = [e.strip() for e in entries if e.strip()]
    if not wanted:
        return [], []
    lowered = [e.lower() for e in wanted]
    rows = db.session.execute(
        select(Member.id, Member.email, Member.member_number).where(
            Member.organisation_id == organisation_id,
            or_(Member.email.in_(lowered), Member.member_number.in_(wanted)),
        )
    ).all()
    by_key = {}
    for member_id, email, number in rows:
        by_key[email] = member_id
        if number:
            by_key[number] = member_id
    ids, unknown = [], []
    for entry in wanted:
        found = by_key.get(entry) or by_key.get(entry.lower())
        if found is None:
            unknown.append(entry)
        elif found not in ids:
            ids.append(found)
    return ids, unknown
