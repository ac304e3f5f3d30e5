"""Consent-gated participant lists: who may see whom among a session's participants.

An organiser may offer a participant list on an event (`Event.participant_list`,
for networking at a theme day). Each participant decides whether to appear on it,
at sign-up (an unticked box) or later on their manage page or their own page; the
answer is off until they say yes. Every answer is a `ListConsent` row with the time
and the exact wording shown, so the association can show what was agreed to.

The list shows only those whose newest answer is yes, only their name, job title
and workplace, and only to confirmed participants of the same session, through their
own personal link or member page. Withdrawing takes effect at once: the list is read
from the consents on every request, nothing is copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventsite.extensions import db
from eventsite.registration.models import (
    CONSENT_WORDING_MAX,
    ListConsent,
    Person,
    Registration,
    RegistrationStatus,
)

#: The question, as shown beside the checkbox; stored with each answer.
WORDING = _l(
    "Show my name, job title and workplace on the participant list that the other confirmed "
    "participants of my session can see. You can withdraw this at any time."
)


def wording() -> str:
    """The wording in the current language, as it is shown and stored."""
    return str(WORDING)[:CONSENT_WORDING_MAX]


def offered(registration: Registration) -> bool:
    return bool(registration.event.participant_list)


def current_answer(registration_id: int) -> ListConsent | None:
    """The answer in force for a registration (its newest row), or None."""
    return db.session.execute(
        select(ListConsent)
        .where(ListConsent.registration_id == registration_id)
        .order_by(ListConsent.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def consents(registration_id: int) -> bool:
    answer = current_answer(registration_id)
    return answer is not None and answer.given


def record(registration: Registration, given: bool, now: datetime, shown: str | None = None) -> bool:
    """Record the person's answer with the wording they saw; False when it changes nothing.

    Only for an event that offers the list (others have no list to appear on).
    """
    if not offered(registration):
        return False
    if consents(registration.id) == given:
        return False
    db.session.add(
        ListConsent(
            registration_id=registration.id,
            given=given,
            wording=(shown or wording())[:CONSENT_WORDING_MAX],
            at=now,
        )
    )
    db.session.flush()
    return True


@dataclass(frozen=True)
class ListedParticipant:
    name: str
    job_title: str
    workplace: str


def may_see_list(registration: Registration) -> bool:
    """Only a confirmed participant (not held, not waiting) of an event offering the list."""
    return (
        offered(registration)
        and registration.status is RegistrationStatus.CONFIRMED
        and registration.held_until is None
    )


def participant_list(registration: Registration) -> list[ListedParticipant]:
    """Who appears on the list of `registration`'s session, for that registration's holder.

    Raises ListRefused when the holder may not see it.
    """
    if not may_see_list(registration):
        raise ListRefused()
    newest = (
        select(ListConsent.registration_id, func.max(ListConsent.id).label("newest"))
        .group_by(ListConsent.registration_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Person.name, Person.job_title, Person.workplace)
        .join(Registration, Registration.person_id == Person.id)
        .join(newest, newest.c.registration_id == Registration.id)
        .join(ListConsent, ListConsent.id == newest.c.newest)
        .where(
            Registration.session_id == registration.session_id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.held_until.is_(None),
            ListConsent.given.is_(True),
        )
        .order_by(func.lower(Person.name), Person.id)
    )
    return [ListedParticipant(name, job_title or "", workplace or "") for name, job_title, workplace in rows]


class ListRefused(Exception):
    """The list is not for this registration's holder (not confirmed, or no list offered)."""

    @property
    def message(self) -> str:
        return _("The participant list is shown only to confirmed participants of the session.")
