"""The way into a person's own page, "Mine tilmeldinger": an emailed single-use link, then a short session.

The link is asked for with just an email address ("Send mig mit link igen",
eventsite.registration.recovery) and arrives in the same email as the manage links.
It works once and for LINK_LIFETIME. Following it (a button: mail scanners follow
links) starts a member session: a random key goes into the person's signed cookie and
only its SHA-256 digest into the link's row, so neither a copy of the database nor of
an old cookie lets anyone in after the session has ended. A session lapses after
`MEMBER_SESSION_IDLE_MINUTES` without a request and after `MEMBER_SESSION_MAX_HOURS`
in all; logging out, erasure, or the person's deletion end it at once.

The page itself sits in the top layer (eventsite.privacy.member_page): it shows what
several areas hold. This module only decides who is let in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import func, select, update

from eventsite.extensions import db
from eventsite.registration.models import MemberLink, Person

#: How long an emailed link to the member page works (once).
LINK_LIFETIME = timedelta(hours=1)

#: app.extensions key: the endpoint of the page's entrance, registered by the area that
#: shows the page (eventsite.privacy, which sits above); without it emails carry no link.
ENTRANCE = "eventsite.member_page_entrance"


def set_entrance(app: Flask, endpoint: str) -> None:
    """The view `endpoint(token=...)` lets a person in with an emailed link."""
    app.extensions[ENTRANCE] = endpoint


def entrance_endpoint() -> str | None:
    return current_app.extensions.get(ENTRANCE)


def _link_secret(link: MemberLink) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"eventsite.member-link:{link.id}:{link.nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def link_token(link: MemberLink) -> str:
    """The token in the emailed link: the row's id and an HMAC only the app can make."""
    return f"{link.id}-{_link_secret(link)}"


def new_link(person: Person, now: datetime) -> MemberLink:
    """A fresh entrance link for the person (flushed, so it has its id)."""
    link = MemberLink(person_id=person.id, expires_at=now + LINK_LIFETIME, created_at=now)
    db.session.add(link)
    db.session.flush()
    return link


def _link_named(token: str) -> MemberLink | None:
    link_id, _, secret = (token or "").partition("-")
    if not link_id.isdigit() or len(link_id) > 12 or not secret:
        return None
    link = db.session.get(MemberLink, int(link_id))
    if link is None or not hmac.compare_digest(_link_secret(link).encode(), secret.encode()):
        return None
    return link


def link_from_token(token: str, now: datetime) -> MemberLink | None:
    """The open link a token names; None when forged, used, expired or its person is gone."""
    link = _link_named(token)
    if link is None or link.used_at is not None or now >= link.expires_at:
        return None
    return link


def link_is_open(link: MemberLink, now: datetime) -> bool:
    """Whether an email may still carry this link (for the renderer)."""
    return link.used_at is None and now < link.expires_at


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Entered:
    """A started member session: what goes into the person's cookie."""

    link_id: int
    key: str
    person_id: int
    organisation_id: int


def enter(link: MemberLink, now: datetime) -> Entered:
    """Use up the link and start a member session; every other open link of the person stops working."""
    key = secrets.token_urlsafe(24)
    link.used_at = now
    link.session_digest = _digest(key)
    db.session.execute(
        update(MemberLink)
        .where(MemberLink.person_id == link.person_id, MemberLink.used_at.is_(None), MemberLink.id != link.id)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return Entered(link.id, key, link.person_id, link.person.organisation_id)


def idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config.get("MEMBER_SESSION_IDLE_MINUTES", 30))


def max_length() -> timedelta:
    return timedelta(hours=current_app.config.get("MEMBER_SESSION_MAX_HOURS", 4))


def session_link(link_id: int, key: str, last_seen: datetime, now: datetime) -> MemberLink | None:
    """The entered link a member session names, if the session still holds; else None."""
    link = db.session.get(MemberLink, link_id)
    if link is None or link.used_at is None or link.ended_at is not None or not link.session_digest:
        return None
    if not hmac.compare_digest(link.session_digest, _digest(key)):
        return None
    if now - last_seen > idle_limit() or now - link.used_at > max_length():
        return None
    return link


def end_session(link: MemberLink, now: datetime) -> None:
    """Log out: the session's cookie lets nobody in again (flushes)."""
    link.ended_at = now
    link.session_digest = None
    db.session.flush()


def end_all(person_ids: list[int], now: datetime) -> int:
    """End every session and open link of these people (erasure), in one UPDATE; the rows touched."""
    if not person_ids:
        return 0
    result = db.session.execute(
        update(MemberLink)
        .where(MemberLink.person_id.in_(person_ids), MemberLink.ended_at.is_(None))
        .values(ended_at=now, session_digest=None, used_at=func.coalesce(MemberLink.used_at, now))
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount or 0


def find_person(organisation_id: int, email: str) -> Person | None:
    address = email.strip().lower()
    return db.session.execute(
        select(Person).where(Person.organisation_id == organisation_id, Person.email == address)
    ).scalar_one_or_none()
