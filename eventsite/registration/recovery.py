""" "Send mig mit link igen": a person's personal links, emailed on request.

Anyone may ask with just an email address, so the answer must never tell whether
the address is known: the view always shows the same sentence with the same status,
and this module decides quietly whether an email goes out. One email carries a
single-use link to the person's own page "Mine tilmeldinger" (see
registration.member_links) and lists every registration of the person with the
organisation whose manage link still works; it is rendered (like every email) when it is sent, from the newest data.

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
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
from eventsite.mail.outbox import new_message_id
from eventsite.registration import member_links
from eventsite.registration.models import MemberLink, Person, Registration

#: At most one links email per address and organisation within this time.
THROTTLE = timedelta(minutes=10)
#: The links email's dedupe key names the member-page link it carries.
MEMBER_LINK_PREFIX = "member-link:"


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
    """Queue the links email for this address if it is a known person's; True if queued.

    The email carries a single-use link to the person's own page ("Mine
    tilmeldinger", registration.member_links) and every manage link that still works.
    The caller must not let the result change its answer.
    """
    address = email.strip().lower()
    person = member_links.find_person(organisation_id, address)
    if person is None:
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
    current = links_to_send(person, now)
    link = member_links.new_link(person, now)
    db.session.add(
        OutboxMessage(
            organisation_id=organisation_id,
            kind=MailKind.LINKS,
            recipient=person.email,
            registration_id=current[0].id if current else None,
            session_id=current[0].session_id if current else None,
            status=OutboxStatus.QUEUED,
            attempts=0,
            message_id=new_message_id(),
            dedupe_key=f"{MEMBER_LINK_PREFIX}{link.id}",
            last_error="",
        )
    )
    db.session.flush()
    return True


def member_link_for(row: OutboxMessage) -> MemberLink | None:
    """The member-page link a links email carries (None for rows queued before there was one)."""
    key = row.dedupe_key or ""
    if not key.startswith(MEMBER_LINK_PREFIX) or not key[len(MEMBER_LINK_PREFIX) :].isdigit():
        return None
    return db.session.get(MemberLink, int(key[len(MEMBER_LINK_PREFIX) :]))
