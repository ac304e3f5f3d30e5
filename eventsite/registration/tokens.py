"""Personal manage links: signed, unguessable, and expiring after the event."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from flask import abort, current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from eventsite.accounts.brand import use_brand_of
from eventsite.extensions import db
from eventsite.registration.models import Registration

_SALT = "eventsite.manage-link"


class LinkExpired(Exception):
    """The link was genuine but the event is over."""

    def __init__(self, organisation_id: int | None = None) -> None:
        super().__init__()
        #: The link's organisation: the page that says so is in its brand.
        self.organisation_id = organisation_id


@lru_cache(maxsize=8)
def _serializer_for(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def _serializer() -> URLSafeSerializer:
    # One per secret key: every sign-up signs a link, and building one derives keys.
    return _serializer_for(current_app.config["SECRET_KEY"])


def manage_token(registration: Registration) -> str:
    """The token in a registration's manage link."""
    return _serializer().dumps([registration.id, registration.token_key])


def registration_from_token(token: str, now: datetime) -> Registration | None:
    """The registration a token names, None if forged or revoked; LinkExpired if past."""
    try:
        registration_id, key = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    registration = db.session.execute(
        select(Registration).where(Registration.id == registration_id)
    ).scalar_one_or_none()
    if registration is None or registration.token_key != key:
        return None
    # An erased person's links name nobody (eventsite.privacy), however old the event.
    if registration.person.erased_at is not None:
        return None
    ends_at = registration.event.ends_at
    grace = timedelta(days=current_app.config["MANAGE_LINK_GRACE_DAYS"])
    if ends_at is not None and now > ends_at + grace:
        raise LinkExpired(registration.person.organisation_id)
    return registration


def registration_or_abort(token: str, now: datetime) -> Registration:
    """The registration a personal link names, for a view: 410 when over, 404 when forged."""
    try:
        registration = registration_from_token(token, now)
    except LinkExpired as expired:
        if expired.organisation_id is not None:
            use_brand_of(expired.organisation_id)
        abort(410)
    if registration is None:
        abort(404)
    # Every page of the link (and an error page after this) in the organisation's brand.
    use_brand_of(registration.person.organisation_id)
    return registration
