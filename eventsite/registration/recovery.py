""" "Send mig mit link igen": a person's personal links, emailed on request.

Anyone may ask with just an email address, so the answer must never tell whether
the address is known: the view always shows the same sentence with the same status,
and this module decides quietly whether an email goes out. One email lists every
registration of the person with the organisation whose manage link still works;
it is rendered (like every email) when it is sent, from the newest data.

Asking again within THROTTLE sends nothing more, so the form cannot be used to
flood someone's inbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsite.events.models import Event, EventSession
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage
from eventsite.mail.outbox import enqueue
from eventsite.registration.models import Person, Registration

#: At most one links email per address and organisation within this time.
THROTTLE = timedelta(minutes=10)


def links_to_send(person: Person, now: datetime) -> list[Registration]:
    """The person's registrations whose manage link still works, soonest first."""
    grace = timedelta(days=current_app.config["MANAGE_LINK_GRACE_DAYS"])
    registrations = db.session.execute(
        select(Registration)
        .join(EventSession, EventSession.id == Registration.session_id)
        # Held places (awaiting or lapsed email confirmation) were never confirmed as theirs.
        .where(Registration.person_id == person.id, Registration.held_until.is_(None))
        .order_by(EventSession.starts_at, Registration.id)
        # The event's sessions give its end; the email shows each registration's session.
        .options(selectinload(Registration.event).selectinload(Event.sessions), selectinload(Registration.session))
    ).scalars()
    return [r for r in registrations if r.event.ends_at is None or now <= r.event.ends_at + grace]


def request_links(organisation_id: int, email: str, now: datetime) -> bool:
    """Queue the links email for this address if it holds registrations; True if queued.

    The caller must not let the result change its answer.
    """
    address = email.strip().lower()
    person = db.session.execute(
        select(Person).where(Person.organisation_id == organisation_id, Person.email == address)
    ).scalar_one_or_none()
    if person is None:
        return False
    current = links_to_send(person, now)
    if not current:
        return False
    recent = db.session.execute(
        select(OutboxMessage.id).where(
            OutboxMessage.organisation_id == organisation_id,
            OutboxMessage.kind == MailKind.LINKS,
            OutboxMessage.recipient == address,
            OutboxMessage.created_at > now - THROTTLE,
        )
    ).first()
    if recent is not None:
        return False
    enqueue(MailKind.LINKS, current[0])
    return True
