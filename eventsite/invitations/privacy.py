"""Invitations' personal data: the member-directory row, the invitations and their answers.

A member and a person are the same human when their addresses match within the
organisation. Erasure anonymises the directory row (no number, address, name, job title,
workplace, municipality or tags; the job level and region stay for the statistics),
keeps the invitations' states and dates and revokes their links. The member-import
previews (a day at most) hold whole files and are left to their own expiry.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, delete, literal, select, update

from eventsite import personal_data
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.invitations.models import Invitation, InvitationState, Member, MemberTag
from eventsite.personal_data import Category, RetentionStep, Subject, Unit, count_due, due_batch
from eventsite.registration.models import Person
from eventsite.registration.privacy import ERASED_DOMAIN


def member_ids(subjects: Sequence[Subject]) -> Any:
    """The directory rows of these people (same address, same organisation), as a subquery.

    It joins the people rows, so it must run before the person category scrubs their
    addresses: eventsite.privacy erases the categories in reverse order of registration,
    and the person's is registered (by eventsite.registration) before these.
    """
    return (
        select(Member.id)
        .join(Person, and_(Person.organisation_id == Member.organisation_id, Person.email == Member.email))
        .where(Person.id.in_([subject.id for subject in subjects]))
    )


def export_member(subject: Subject) -> list[dict[str, Any]]:
    """The person's row in the member directory, with tags and whether they unsubscribed."""
    members = db.session.execute(
        select(Member).where(Member.organisation_id == subject.organisation_id, Member.email == subject.email)
    ).scalars()
    return [
        {
            **personal_data.row(
                member,
                (
                    "member_number",
                    "name",
                    "email",
                    "job_title",
                    "job_level",
                    "workplace",
                    "municipality_code",
                    "region",
                    "opted_out_at",
                    "created_at",
                    "updated_at",
                ),
            ),
            "tags": ", ".join(member.tags),
        }
        for member in members
    ]


def erase_members(subjects: Sequence[Subject]) -> int:
    """Anonymise the directory rows; the job level and region stay for the statistics."""
    ids = db.session.execute(member_ids(subjects)).scalars().all()
    if not ids:
        return 0
    # The invitations are found through the address, which goes below.
    _revoke_links(ids)
    db.session.execute(
        delete(MemberTag).where(MemberTag.member_id.in_(ids)).execution_options(synchronize_session=False)
    )
    placeholder = literal("slettet-m") + cast(Member.id, String) + literal(f"-{secrets.token_hex(4)}@{ERASED_DOMAIN}")
    result = db.session.execute(
        update(Member)
        .where(Member.id.in_(ids))
        .values(
            email=placeholder,
            member_number=None,
            name="",
            job_title="",
            workplace="",
            municipality_code=None,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def export_invitations(subject: Subject) -> list[dict[str, Any]]:
    """The invitations sent to the person and what became of them (the answer)."""
    rows = db.session.execute(
        select(Invitation, Event.title)
        .join(Member, Member.id == Invitation.member_id)
        .join(Event, Event.id == Invitation.event_id)
        .where(Member.organisation_id == subject.organisation_id, Member.email == subject.email)
        .order_by(Invitation.queued_at, Invitation.id)
    ).all()
    return [
        {
            "event": title,
            "state": invitation.state.value,
            "state_label": invitation.state.label,
            **personal_data.row(invitation, ("queued_at", "sent_at", "bounced_at", "declined_at", "registered_at")),
        }
        for invitation, title in rows
    ]


def _revoke_links(ids: Any) -> int:
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.member_id.in_(ids))
        .values(token_key=secrets.token_urlsafe(12)[:20])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def erase_invitations(subjects: Sequence[Subject]) -> int:
    """Revoke the invitation and colleague links; the states and dates stay for the statistics."""
    return _revoke_links(member_ids(subjects))


#: Invitations nobody answered: they still tell that the member was invited.
UNANSWERED = (InvitationState.QUEUED, InvitationState.SENT, InvitationState.BOUNCED)


def _unanswered_before(organisation_id: int, cutoff: datetime) -> Any:
    return (
        select(Invitation.id)
        .join(Event, Event.id == Invitation.event_id)
        .where(
            Event.organisation_id == organisation_id, Invitation.state.in_(UNANSWERED), Invitation.queued_at < cutoff
        )
    )


def count_unanswered(organisation_id: int, cutoff: datetime) -> int:
    return count_due(_unanswered_before(organisation_id, cutoff))


def delete_unanswered(organisation_id: int, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` unanswered invitations sent before `cutoff`."""
    ids = due_batch(_unanswered_before(organisation_id, cutoff), limit)
    if ids:
        db.session.execute(
            delete(Invitation).where(Invitation.id.in_(ids)).execution_options(synchronize_session=False)
        )
    return len(ids)


UNANSWERED_STEP = RetentionStep(
    name="unanswered_invitations",
    label=_l("Unanswered invitations"),
    reason=_l(
        "An invitation nobody answered is only needed for reminders and the response rate of the "
        "next events: it is deleted after 12 months."
    ),
    default=12,
    unit=Unit.MONTHS,
    count=count_unanswered,
    apply=delete_unanswered,
    minimum=1,
    maximum=120,
)


def init_app(app: Flask) -> None:
    """Register the member directory and the invitations as categories of personal data."""
    personal_data.add_category(
        app,
        Category(
            name="member",
            label=_l("Member directory"),
            export=export_member,
            erase=erase_members,
            erasure_note=_l("Number, name, address, job title, workplace, municipality and tags are removed."),
        ),
    )
    personal_data.add_category(
        app,
        Category(
            name="invitations",
            label=_l("Invitations and answers"),
            export=export_invitations,
            erase=erase_invitations,
            erasure_note=_l("The states and dates stay for the statistics; the links stop working."),
            retention=(UNANSWERED_STEP,),
        ),
    )
