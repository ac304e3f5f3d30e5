"""Places held for anonymous sign-ups until the address's owner confirms by email.

The anonymous public sign-up form must not tell anyone whether an address is
already signed up (or belongs to a member), and must not change what is stored
about an existing person. So a sign-up from it:

* holds the place at once: it is decided (seat or waiting list) under the session's
  lock like any other sign-up and counts against capacity, so there is never an
  oversell; but it is nobody's participant yet (not on lists, badges, exports or at
  the door);
* keeps the details typed into the form on the held registration (`held_details`),
  and applies them to the stored person only when the link is followed;
* sends "Bekræft din plads" with a signed, single-use link; following it confirms
  the place, applies the details, sends the usual confirmation and shows the receipt;
* if the address already holds a place, makes no hold: the email says so and gives
  the manage link (`tell_already_signed_up`);
* expires after `SIGNUP_HOLD_MINUTES`: the worker's job (`release_expired`) releases
  the place and promotes the waiting list.

The page answers the same for every address (see views.signup). Sign-ups through a
personal link (an invitation, the manage page, an organiser's) are identified
already and stay instant (`sign_up(..., identified=True)`).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from eventsite.extensions import db
from eventsite.mail.models import MailKind
from eventsite.mail.outbox import enqueue
from eventsite.registration import consent, operations
from eventsite.registration.models import Person, Registration, RegistrationStatus
from eventsite.registration.notifications import notify_promoted, notify_signup
from eventsite.registration.operations import PERSON_FIELDS, PersonDetails

_SALT = "eventsite.signup-hold"


class LinkExpired(Exception):
    """A genuine confirmation link, but used already or past its hold."""


def duration() -> timedelta:
    """How long an unconfirmed place is held (`EVENTSITE_SIGNUP_HOLD_MINUTES`)."""
    return timedelta(minutes=int(current_app.config["SIGNUP_HOLD_MINUTES"]))


def hours() -> int:
    """The hold in whole hours (at least one), for the pages and emails."""
    return max(1, int(duration().total_seconds() // 3600))


def details_json(details: PersonDetails) -> str:
    """What the person typed, kept on the held registration until confirmed."""
    return json.dumps(asdict(details))


def hold_list_consent(registration: Registration, wording: str) -> None:
    """Keep a ticked participant-list box with the held place: it becomes the person's
    answer only when the address's owner confirms (registration.consent). Flushes."""
    typed = json.loads(registration.held_details) if registration.held_details else {}
    typed["list_consent"] = wording
    registration.held_details = json.dumps(typed)
    db.session.flush()


def held_list_consent(registration: Registration) -> str | None:
    """The participant-list wording ticked on the anonymous form, if it was ticked."""
    if not registration.held_details:
        return None
    wording = json.loads(registration.held_details).get("list_consent")
    return str(wording) if wording else None


def held_name(registration: Registration) -> str:
    """The name typed into the form (the stored person may have another)."""
    if registration.held_details:
        return str(json.loads(registration.held_details).get("name") or "")
    return registration.person.name


@lru_cache(maxsize=8)
def _serializer_for(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def _serializer() -> URLSafeSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"])


def token_for(registration: Registration) -> str:
    return _serializer().dumps([registration.id, registration.hold_key])


def held_from_token(token: str, now: datetime) -> Registration | None:
    """The held registration a link names; None if forged; LinkExpired if used or too old."""
    try:
        registration_id, key = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    registration = db.session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    if registration is None:
        return None
    if registration.hold_key is None or registration.held_until is None or not registration.is_active:
        # Confirmed (single use) or released: a genuine link that no longer works.
        raise LinkExpired()
    if registration.hold_key != key:
        return None
    if now > registration.held_until:
        raise LinkExpired()
    return registration


def queue_confirmation(registration: Registration) -> None:
    """ "Bekræft din plads": the link that confirms the held place (one INSERT)."""
    enqueue(MailKind.CONFIRM_HOLD, registration)


def tell_already_signed_up(event_id: int, organisation_id: int, email: str) -> None:
    """The address holds a place on the event already: no new hold, and an email that
    says so, with the manage link (or, if that place is still held, its confirmation link)."""
    existing = db.session.execute(
        select(Registration)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Person.organisation_id == organisation_id,
            Person.email == email.strip().lower(),
            Registration.event_id == event_id,
            Registration.status.in_(operations.ACTIVE),
        )
        .order_by(Registration.id)
        .limit(1)
    ).scalar_one_or_none()
    if existing is None:
        return
    enqueue(MailKind.CONFIRM_HOLD if existing.is_held else MailKind.ALREADY_SIGNED_UP, existing)


def confirm(registration: Registration, now: datetime) -> None:
    """The owner of the address followed the link: the place is theirs. Applies the
    typed details to the stored person, ends the hold (the link works once) and sends
    the usual confirmation or waiting-list notice. Flushes."""
    if registration.held_details:
        typed = json.loads(registration.held_details)
        person = registration.person
        changed = False
        for field in PERSON_FIELDS:
            value = typed.get(field) or ("" if field != "municipality_code" else None)
            if getattr(person, field) != value:
                setattr(person, field, value)
                changed = True
        if changed:
            person.updated_at = now
        if typed.get("list_consent"):
            # The owner saw the ticked box on the confirmation page before pressing.
            consent.record(registration, True, now, shown=str(typed["list_consent"]))
    registration.held_until = None
    registration.hold_key = None
    registration.held_details = None
    db.session.flush()
    notify_signup(registration)


def release_expired(now: datetime) -> int:
    """Release the places whose hold has run out and give them to the waiting list
    (with the promoted people's emails). Returns how many were released.

    The typed details go with the hold; the registration stays, cancelled."""
    expired = list(
        db.session.execute(
            select(Registration)
            .where(Registration.held_until < now, Registration.status != RegistrationStatus.CANCELLED)
            .order_by(Registration.id)
        ).scalars()
    )
    for registration in expired:
        # The organiser's cancel: no cancellation deadline applies to a lapsed hold.
        promoted = operations.cancel(registration, now, by_organiser=True)
        # held_until stays: a lapsed hold was never anybody's place, and stays off the
        # organisers' lists (also the cancelled ones) and exports.
        registration.hold_key = None
        registration.held_details = None
        db.session.flush()
        notify_promoted(promoted)
    return len(expired)
