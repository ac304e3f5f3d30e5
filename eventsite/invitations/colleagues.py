"""Colleague links: who invited whom, and how many colleagues one member may sign up.

A member's invitation carries a colleague link (for a leader to forward to their
middle managers). A sign-up through it is recorded against the inviting member, and
an event may limit how many active registrations one member's link can make.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventsite.extensions import db
from eventsite.invitations.models import ColleagueSignup, Invitation
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.registration.operations import RegistrationError


def colleagues_signed_up(member_id: int, event_id: int) -> int:
    """Active registrations made through this member's colleague link for the event."""
    return db.session.execute(
        select(func.count())
        .select_from(ColleagueSignup)
        .join(Registration, Registration.id == ColleagueSignup.registration_id)
        .where(
            ColleagueSignup.member_id == member_id,
            ColleagueSignup.event_id == event_id,
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ).scalar_one()


def record_colleague_signup(invitation: Invitation, registration: Registration, now: datetime) -> None:
    """Record who invited whom; refuse (RegistrationError) when the event's limit is used up."""
    event = registration.event
    if (
        event.colleague_limit is not None
        and colleagues_signed_up(invitation.member_id, event.id) >= event.colleague_limit
    ):
        raise RegistrationError(
            _l(
                "This colleague link has already been used for the most colleagues allowed (%(limit)d). "
                "Ask the organiser if more of you would like to come.",
                limit=event.colleague_limit,
            )
        )
    db.session.add(
        ColleagueSignup(
            registration_id=registration.id, event_id=event.id, member_id=invitation.member_id, created_at=now
        )
    )
    db.session.flush()


def inviter_of(registration_id: int):
    """The member whose colleague link made this registration, or None."""
    found = db.session.get(ColleagueSignup, registration_id)
    return found.member if found is not None else None
