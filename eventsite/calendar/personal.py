"""The secret link to a person's own feed ("mine tilmeldinger")."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from eventsite.calendar.models import PersonalFeedKey
from eventsite.extensions import db
from eventsite.registration.models import Person

_SALT = "eventsite.personal-feed"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _key_row(person_id: int) -> PersonalFeedKey | None:
    # By primary key: answered from the session without SQL when already loaded
    # (the mail worker loads the keys of a whole batch at once).
    return db.session.get(PersonalFeedKey, person_id)


def load_keys(person_ids: list[int]) -> list[PersonalFeedKey]:
    """Load many people's keys in one query (keep the list while using them)."""
    if not person_ids:
        return []
    return list(db.session.execute(select(PersonalFeedKey).where(PersonalFeedKey.person_id.in_(person_ids))).scalars())


def ensure_feed_token(person: Person) -> str:
    """The person's feed token, creating its secret key on first use (flushes)."""
    row = _key_row(person.id)
    if row is None:
        row = PersonalFeedKey(person_id=person.id)
        db.session.add(row)
        db.session.flush()
    return _serializer().dumps([person.id, row.key])


def feed_token(person: Person) -> str | None:
    """The person's feed token if a key exists (read-only; for pages and emails)."""
    row = _key_row(person.id)
    return _serializer().dumps([person.id, row.key]) if row else None


def revoke_feed_token(person: Person) -> None:
    """Replace the key: every link handed out so far stops working (flushes)."""
    row = _key_row(person.id)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def person_from_feed_token(token: str) -> Person | None:
    """The person a feed token names; None when forged, malformed or revoked."""
    try:
        person_id, key = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(person_id, int):
        return None
    row = _key_row(person_id)
    if row is None or row.key != key:
        return None
    return row.person
