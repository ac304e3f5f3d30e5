"""Sign-ups confirmed by email first.

A members-only event accepts a sign-up only from someone in the organisation's
member directory (or arriving through a personal invitation link). Telling an
anonymous visitor "you are not a member" would let anyone probe whether an address
belongs to a union member, which is special-category data. So an anonymous
sign-up for such an event is not decided on the page: what was posted is kept as a
PendingSignup and a confirmation link goes to the address. Only the owner of the
address learns the outcome, when they follow the link: the sign-up itself (the same
code path as the form, run again on the stored form data) or an explanation of how
to become a member.

The membership check is contributed by the area that owns the member directory
(`add_membership_check`), so this area does not depend on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete
from werkzeug.datastructures import MultiDict

from eventsite.db import start_writing
from eventsite.events.models import Event, EventSession, Visibility
from eventsite.extensions import db
from eventsite.mail.models import MailKind, OutboxMessage, OutboxStatus
from eventsite.mail.outbox import new_message_id
from eventsite.registration.models import PendingSignup

#: How long a confirmation link works; unconfirmed sign-ups are deleted after it.
LIFETIME = timedelta(hours=24)
_SALT = "eventsite.pending-signup"
_DEDUPE_PREFIX = "pending-signup:"

_membership_checks: list[Callable[[int, str], bool]] = []


class LinkExpired(Exception):
    """A genuine confirmation link, but older than LIFETIME (or already used)."""


def add_membership_check(check: Callable[[int, str], bool]) -> None:
    """Register `check(organisation_id, email) -> bool` (the member directory does)."""
    if check not in _membership_checks:
        _membership_checks.append(check)


def is_member(organisation_id: int, email: str) -> bool:
    address = email.strip().lower()
    return any(check(organisation_id, address) for check in _membership_checks)


def needed(event: Event, *, identified: bool) -> bool:
    """Whether a sign-up must be confirmed by email before it is decided."""
    return event.visibility is Visibility.MEMBERS and not identified


@lru_cache(maxsize=8)
def _serializer_for(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def _serializer() -> URLSafeSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"])


def token_for(pending: PendingSignup) -> str:
    return _serializer().dumps([pending.id, pending.token_key])


def start(event: Event, session: EventSession, email: str, posted: MultiDict, now: datetime) -> PendingSignup:
    """Keep what was posted and queue the confirmation email (one Core INSERT each)."""
    start_writing(db.session)
    purge_expired(now)
    fields = {key: posted.getlist(key) for key in posted if key != "csrf_token"}
    pending = PendingSignup(
        event_id=event.id, email=email.strip().lower(), form_data=json.dumps(fields), created_at=now
    )
    db.session.add(pending)
    db.session.flush()
    db.session.add(
        OutboxMessage(
            organisation_id=event.organisation_id,
            kind=MailKind.CONFIRM_SIGNUP,
            recipient=pending.email,
            registration_id=None,
            session_id=session.id,
            status=OutboxStatus.QUEUED,
            attempts=0,
            message_id=new_message_id(),
            # With the key: SQLite may give a later pending sign-up the id of a purged one.
            dedupe_key=f"{_DEDUPE_PREFIX}{pending.id}:{pending.token_key}",
            last_error="",
        )
    )
    db.session.flush()
    return pending


def form_data(pending: PendingSignup) -> MultiDict:
    """The posted fields again, to run the sign-up form on."""
    return MultiDict([(key, value) for key, values in json.loads(pending.form_data).items() for value in values])


def pending_from_token(token: str, now: datetime) -> PendingSignup | None:
    """The pending sign-up a link names; None if forged; LinkExpired if too old or used."""
    try:
        pending_id, key = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    pending = db.session.get(PendingSignup, pending_id)
    if pending is None:
        # Used (or purged) already: a genuine link, so say it no longer works.
        raise LinkExpired()
    if pending.token_key != key:
        return None
    if now > pending.created_at + LIFETIME:
        raise LinkExpired()
    return pending


def pending_for_email(row: OutboxMessage) -> PendingSignup | None:
    """The pending sign-up an outbox row is about (for rendering the email)."""
    if not (row.dedupe_key or "").startswith(_DEDUPE_PREFIX):
        return None
    pending_id, _, key = row.dedupe_key[len(_DEDUPE_PREFIX) :].partition(":")
    pending = db.session.get(PendingSignup, int(pending_id))
    return pending if pending is not None and pending.token_key == key else None


def discard(pending: PendingSignup) -> None:
    db.session.delete(pending)
    db.session.flush()


def purge_expired(now: datetime) -> int:
    """Delete unconfirmed sign-ups older than LIFETIME: they hold personal data."""
    result = db.session.execute(delete(PendingSignup).where(PendingSignup.created_at < now - LIFETIME))
    return result.rowcount or 0
