"""The secret link to a person's own feed ("mine tilmeldinger").

The link is signed with the app's secret key and names the person and their
`feed_key`, a random value every person gets when they are first stored (one
column, so a sign-up writes nothing extra for it and an email reads it with the
person). Replacing the key revokes every link handed out so far.
"""

from __future__ import annotations

import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from eventsite.extensions import db
from eventsite.registration.models import Person, new_token_key

_SALT = "eventsite.personal-feed"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def feed_token(person: Person) -> str:
    """The token in the person's feed link (for pages and emails)."""
    return _serializer().dumps([person.id, person.feed_key])


def revoke_feed_token(person: Person) -> None:
    """Replace the key: every link handed out so far stops working (flushes)."""
    person.feed_key = new_token_key()
    db.session.flush()


def person_from_feed_token(token: str) -> Person | None:
    """The person a feed token names; None when forged, malformed or revoked."""
    try:
        person_id, key = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(person_id, int) or not isinstance(key, str):
        return None
    person = db.session.get(Person, person_id)
    if person is None or not person.feed_key or not hmac.compare_digest(person.feed_key.encode(), key.encode()):
        return None
    return person
