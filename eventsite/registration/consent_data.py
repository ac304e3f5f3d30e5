"""The participant-list consents and member-page links in the personal-data registry (eventsite.personal_data).

Consents are exported with their time and wording (so a person sees exactly what they
agreed to) and deleted on erasure: an erased person appears on no list. Member-page
links are exported as dates only (never a token) and ended on erasure, which ends
any open member session at once; links and sessions that are over are deleted by the
retention step `member_page_links` (30 days after they were asked for, by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, or_, select

from eventsite import personal_data
from eventsite.clock import utcnow
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.personal_data import Category, RetentionStep, Subject, Unit, count_due, due_batch
from eventsite.registration import member_links
from eventsite.registration.models import ListConsent, MemberLink, Person, Registration


def export_consents(subject: Subject) -> list[dict[str, Any]]:
    """Every answer to a participant list, oldest first, with the event and the wording shown."""
    rows = db.session.execute(
        select(ListConsent, Event.title)
        .join(Registration, Registration.id == ListConsent.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.person_id == subject.id)
        .order_by(ListConsent.id)
    )
    return [
        {
            "purpose": "participant_list",
            "event": title,
            "registration_id": answer.registration_id,
            "given": answer.given,
            "wording": answer.wording,
            "at": personal_data.iso(answer.at),
        }
        for answer, title in rows
    ]


def erase_consents(subjects: Sequence[Subject]) -> int:
    ids = [subject.id for subject in subjects]
    if not ids:
        return 0
    result = db.session.execute(
        delete(ListConsent)
        .where(ListConsent.registration_id.in_(select(Registration.id).where(Registration.person_id.in_(ids))))
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount or 0


def export_member_links(subject: Subject) -> list[dict[str, Any]]:
    """When the person asked for and used a link to their own page (dates only, no token)."""
    links = db.session.execute(
        select(MemberLink).where(MemberLink.person_id == subject.id).order_by(MemberLink.id)
    ).scalars()
    return [personal_data.row(link, ("created_at", "expires_at", "used_at", "ended_at")) for link in links]


def erase_member_links(subjects: Sequence[Subject]) -> int:
    """End every link and session of these people. The rows stay (dates only, no personal
    data): their ids name them in the outbox's dedupe keys and must never be reused."""
    return member_links.end_all([subject.id for subject in subjects], utcnow())


def _links_over(organisation_id: int, cutoff: datetime) -> Any:
    """The organisation's member-page links asked for before `cutoff` that were over by then.

    Over: ended (logout, erasure), never followed and expired, or followed and past the
    longest a member session lasts. The newest row of the table is never taken: its id
    must stay the highest, as SQLite hands out max(id) + 1 and a reused id would collide
    with an earlier link's email (the outbox's dedupe key "member-link:<id>" is unique).
    """
    newest = select(func.max(MemberLink.id)).scalar_subquery()
    return (
        select(MemberLink.id)
        .join(Person, Person.id == MemberLink.person_id)
        .where(
            Person.organisation_id == organisation_id,
            MemberLink.created_at < cutoff,
            MemberLink.id < newest,
            or_(
                MemberLink.ended_at.is_not(None),
                and_(MemberLink.used_at.is_(None), MemberLink.expires_at < cutoff),
                MemberLink.used_at < cutoff - member_links.max_length(),
            ),
        )
    )


def count_links(organisation_id: int, cutoff: datetime) -> int:
    return count_due(_links_over(organisation_id, cutoff))


def delete_links(organisation_id: int, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` member-page links that were over before `cutoff`."""
    ids = due_batch(_links_over(organisation_id, cutoff), limit)
    if ids:
        db.session.execute(
            delete(MemberLink).where(MemberLink.id.in_(ids)).execution_options(synchronize_session=False)
        )
    return len(ids)


MEMBER_LINK_STEP = RetentionStep(
    name="member_page_links",
    label=_l('Links to "My registrations"'),
    reason=_l(
        "An emailed link works for an hour and a visit to the page lasts a few hours; when they were "
        "asked for and used is kept for 30 days to answer questions about access, then deleted."
    ),
    default=30,
    unit=Unit.DAYS,
    count=count_links,
    apply=delete_links,
    minimum=1,
    maximum=365,
)


def init_app(app: Flask) -> None:
    """Register the consents and the member-page links as categories of personal data."""
    personal_data.add_category(
        app,
        Category(
            name="consents",
            label=_l("Consents"),
            export=export_consents,
            erase=erase_consents,
            erasure_note=_l("Deleted: an erased person appears on no participant list."),
        ),
    )
    personal_data.add_category(
        app,
        Category(
            name="member_page_links",
            label=_l('Links to "My registrations"'),
            export=export_member_links,
            erase=erase_member_links,
            erasure_note=_l("Ended: every link and open session of the member page stops working."),
            retention=(MEMBER_LINK_STEP,),
        ),
    )
