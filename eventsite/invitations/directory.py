"""The member directory by hand: search, add, edit, opt out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from eventsite.audit import changed_only, record_audit, snapshot
from eventsite.clock import local_today
from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.geo import municipality
from eventsite.invitations.audience import region_condition
from eventsite.invitations.importing.checks import split_tags
from eventsite.invitations.models import JobLevel, Member, MemberTag
from eventsite.sorting import Sort
from eventsite.web import UserError

#: Fields shown in the audit trail when a member is changed.
AUDITED = (
    "member_number",
    "email",
    "name",
    "job_title",
    "job_level",
    "workplace",
    "municipality_code",
    "region",
    "opted_out_at",
)

PAGE_SIZE = 50


class MemberError(UserError):
    """A change to the directory that is refused, with a message for the organiser."""


@dataclass
class MemberData:
    name: str
    email: str
    member_number: str | None = None
    job_title: str = ""
    job_level: JobLevel = JobLevel.OTHER
    workplace: str = ""
    municipality_code: str | None = None
    #: Only used when no municipality is given (otherwise derived from it).
    region: str | None = None
    tags: list[str] = field(default_factory=list)
    opted_out: bool = False


@dataclass
class MemberSearch:
    text: str = ""
    region: str = ""
    job_level: str = ""
    tag: str = ""
    opted_out: str = ""  # "", "yes", "no"


def _check_unique(organisation_id: int, data: MemberData, member_id: int | None) -> None:
    email_owner = db.session.execute(
        select(Member.id).where(Member.organisation_id == organisation_id, Member.email == data.email)
    ).scalar_one_or_none()
    if email_owner is not None and email_owner != member_id:
        raise MemberError(_("Another member already has this e-mail address."), "email")
    if data.member_number:
        number_owner = db.session.execute(
            select(Member.id).where(
                Member.organisation_id == organisation_id, Member.member_number == data.member_number
            )
        ).scalar_one_or_none()
        if number_owner is not None and number_owner != member_id:
            raise MemberError(_("Another member already has this member number."), "member_number")


def _apply(member: Member, data: MemberData, now: datetime) -> None:
    member.name = data.name
    member.email = data.email.strip().lower()
    member.member_number = data.member_number or None
    member.job_title = data.job_title
    member.job_level = data.job_level
    member.workplace = data.workplace
    member.municipality_code = data.municipality_code or None
    found = municipality(member.municipality_code)
    member.region = found.region_on(local_today()) if found else (data.region or None)
    if data.opted_out and member.opted_out_at is None:
        member.opted_out_at = now
    elif not data.opted_out:
        member.opted_out_at = None
    wanted = split_tags(",".join(data.tags))
    current = {row.tag: row for row in member.tag_rows}
    for tag, row in current.items():
        if tag not in wanted:
            member.tag_rows.remove(row)
    for tag in wanted:
        if tag not in current:
            member.tag_rows.append(MemberTag(tag=tag))


def create_member(organisation_id: int, data: MemberData, now: datetime | None = None) -> Member:
    """Add a member to the directory (MemberError if the e-mail or number is taken)."""
    now = now or utcnow()
    data.email = data.email.strip().lower()
    _check_unique(organisation_id, data, None)
    member = Member(organisation_id=organisation_id, created_at=now, updated_at=now)
    _apply(member, data, now)
    db.session.add(member)
    db.session.flush()
    record_audit(organisation_id, "member", member.id, "created", after=snapshot(member, AUDITED))
    return member


def update_member(member: Member, data: MemberData, now: datetime | None = None) -> Member:
    """Change a member's details (MemberError if the e-mail or number is taken)."""
    now = now or utcnow()
    data.email = data.email.strip().lower()
    _check_unique(member.organisation_id, data, member.id)
    before = snapshot(member, AUDITED)
    old_tags = member.tags
    _apply(member, data, now)
    db.session.flush()
    before, after = changed_only(before, snapshot(member, AUDITED))
    if old_tags != member.tags:
        before["tags"], after["tags"] = ", ".join(old_tags), ", ".join(member.tags)
    if after:
        record_audit(member.organisation_id, "member", member.id, "updated", before=before, after=after)
    return member


def opt_out(member: Member, now: datetime | None = None) -> bool:
    """Stop all future invitations to this member; False if already opted out."""
    if member.opted_out_at is not None:
        return False
    member.opted_out_at = now or utcnow()
    db.session.flush()
    return True


def opt_in(member: Member) -> bool:
    """Invitations again after an unsubscribe (the member asked on their own page); False if never off."""
    if member.opted_out_at is None:
        return False
    member.opted_out_at = None
    db.session.flush()
    return True


def member_for(organisation_id: int, email: str) -> Member | None:
    """The directory row with this address in the organisation, if any."""
    return db.session.execute(
        select(Member).where(Member.organisation_id == organisation_id, Member.email == email.strip().lower())
    ).scalar_one_or_none()


def _order_by(order: Sort) -> list:
    column = SORT_COLUMNS.get(order.key, Member.name)
    # Empty values last either way; then by name and id, so pages never overlap.
    return [column.is_(None), column.desc() if order.descending else column.asc(), Member.name, Member.id]


#: The directory's sortable columns (`?sort=`): the only columns a member list is ordered by.
SORT_COLUMNS = {
    "name": Member.name,
    "email": Member.email,
    "job_title": Member.job_title,
    "level": Member.job_level,
    "workplace": Member.workplace,
    "municipality": Member.municipality_code,
    "member_number": Member.member_number,
}


def search_members(
    organisation_id: int, search: MemberSearch, page: int = 1, order: Sort = Sort("name")
) -> tuple[list[Member], int]:
    """One page of members matching the search, in the order chosen (by name), and the total count."""
    query = select(Member).where(Member.organisation_id == organisation_id)
    text = search.text.strip()
    if text:
        # Both as typed and lower-cased: SQLite's lower() and LIKE fold only ASCII,
        # so "Øster" must also be tried as typed to find "Østergaard".
        patterns = {f"%{text}%", f"%{text.lower()}%"}
        conditions = [Member.member_number == text]
        for like in patterns:
            conditions += [
                Member.name.like(like),
                func.lower(Member.name).like(like),
                Member.email.like(like),
                func.lower(Member.workplace).like(like),
                func.lower(Member.job_title).like(like),
            ]
        query = query.where(or_(*conditions))
    if search.region:
        query = query.where(region_condition(search.region))
    if search.job_level:
        try:
            query = query.where(Member.job_level == JobLevel(search.job_level))
        except ValueError:
            pass
    if search.tag:
        query = query.where(Member.id.in_(select(MemberTag.member_id).where(MemberTag.tag == search.tag)))
    if search.opted_out == "yes":
        query = query.where(Member.opted_out_at.is_not(None))
    elif search.opted_out == "no":
        query = query.where(Member.opted_out_at.is_(None))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = max(1, page)
    members = list(
        db.session.execute(
            query.options(selectinload(Member.tag_rows))
            .order_by(*_order_by(order))
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        ).scalars()
    )
    return members, total


def distinct_tags(organisation_id: int) -> list[str]:
    """Every tag used in the organisation's directory, sorted."""
    rows = db.session.execute(
        select(MemberTag.tag)
        .join(Member, Member.id == MemberTag.member_id)
        .where(Member.organisation_id == organisation_id)
        .distinct()
    ).scalars()
    return sorted(rows, key=str.casefold)


def member_count(organisation_id: int) -> int:
    return db.session.execute(
        select(func.count(Member.id)).where(Member.organisation_id == organisation_id)
    ).scalar_one()


def is_member(organisation_id: int, email: str) -> bool:
    """Whether the address is in the organisation's member directory (for members-only events)."""
    return (
        db.session.execute(
            select(Member.id)
            .where(Member.organisation_id == organisation_id, Member.email == email.strip().lower())
            .limit(1)
        ).first()
        is not None
    )
