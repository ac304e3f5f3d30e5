"""The personal links in an invitation: signed, revocable, and bound to one event.

Two kinds, with different salts so one can never pass for the other:

* the personal token opens the sign-up form filled in with the member's details,
  and carries the decline and unsubscribe links;
* the colleague token (for forwarding to middle managers) opens the sign-up form
  of an invitation-only event, empty.

A token that was altered, revoked (new token_key) or belongs to another event
gives nothing: no access, no prefill, no sign-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import joinedload

from eventsite.db import utcnow
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.geo import municipality
from eventsite.invitations.colleagues import record_colleague_signup
from eventsite.invitations.models import Invitation, Member
from eventsite.registration.models import Registration

_PERSONAL_SALT = "eventsite.invitation"
_COLLEAGUE_SALT = "eventsite.invitation.colleague"
#: Tokens are short, but never accept something absurdly long.
_MAX_TOKEN = 200


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def invitation_token(invitation: Invitation) -> str:
    """The token in the invitation's personal links."""
    return _serializer(_PERSONAL_SALT).dumps([invitation.id, invitation.token_key])


def colleague_token(invitation: Invitation) -> str:
    """The token in the link for colleagues (no personal data attached)."""
    return _serializer(_COLLEAGUE_SALT).dumps([invitation.id, invitation.token_key])


def _load(token: str | None, salt: str) -> Invitation | None:
    if not token or len(token) > _MAX_TOKEN:
        return None
    try:
        invitation_id, key = _serializer(salt).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(invitation_id, int) or not isinstance(key, str):
        return None
    # The member comes along: a personal link's page fills the form in from it.
    invitation = db.session.get(Invitation, invitation_id, options=[joinedload(Invitation.member)])
    if invitation is None or invitation.token_key != key:
        return None
    return invitation


def invitation_from_token(token: str | None) -> Invitation | None:
    """The invitation a personal token names, or None if forged or revoked."""
    return _load(token, _PERSONAL_SALT)


@dataclass(frozen=True)
class InvitationAccess:
    """What an invitation link grants on its event: the sign-up's `Voucher` (see
    eventsite.registration.signup, where `invitation_access` is registered)."""

    invitation: Invitation
    #: True for the member's own link (prefill); False for the colleague link.
    personal: bool
    token: str

    @property
    def colleague_token(self) -> str:
        """For the "sign up a colleague" link on the event page."""
        return colleague_token(self.invitation)

    def prefill(self, open_sessions=(), counts=None) -> dict:
        """The sign-up form's fields, from the member directory (personal links only).

        With several venues, the member's nearest session that still has a free
        seat is chosen: one in the member's own region (the earliest, if several),
        or the only session with a seat left. A full session is chosen only when all
        are full, and then the page says "waiting list" on it and on the button, so
        signing up stays a single click without landing on a waiting list unawares.
        """
        if not self.personal:
            return {}
        member = self.invitation.member
        data = {
            "name": member.name,
            "email": member.email,
            "job_title": member.job_title,
            "workplace": member.workplace,
            "municipality_code": member.municipality_code or "",
        }
        if len(open_sessions) > 1:
            chosen = nearest_with_seats(member, open_sessions, counts or {})
            if chosen is not None:
                data["session_id"] = chosen.id
        return data

    def record(self, registration: Registration, now: datetime) -> None:
        """A sign-up through a colleague link is recorded against the inviting member (and limited)."""
        if not self.personal:
            record_colleague_signup(self.invitation, registration, now)


def nearest_with_seats(member, open_sessions, counts):
    """The session to pre-select for a member, or None to let them choose.

    The nearest session with a free seat: in the member's region (the earliest, if
    several), or the only one with a seat left. When every session is full, the
    nearest one all the same: the page marks it and its button as the waiting list.
    """

    def has_seat(session) -> bool:
        seats = counts.get(session.id)
        return seats is None or (not seats.is_full and seats.waitlisted == 0)

    with_seats = [s for s in open_sessions if has_seat(s)]
    return _nearest(member, with_seats) if with_seats else _nearest(member, list(open_sessions))


def _nearest(member, sessions):
    """The earliest of `sessions` in the member's region, else the only one, else None."""
    if member.municipality_code:
        nearby = [s for s in sessions if s.region and member_in_region(member, s.region)]
        if nearby:
            return min(nearby, key=lambda s: (s.starts_at, s.id))
    if len(sessions) == 1:
        return sessions[0]
    return None


def link_expired(event: Event, now: datetime | None = None) -> bool:
    """Invitation links stop working when the event is over (as manage links do, with
    the same grace); unsubscribing keeps working, as RFC 8058 expects."""
    ends_at = event.ends_at
    grace = timedelta(days=current_app.config["MANAGE_LINK_GRACE_DAYS"])
    return ends_at is not None and (now or utcnow()) > ends_at + grace


def invitation_access(event: Event, token: str | None) -> InvitationAccess | None:
    """What a token in an event page's URL grants on *this* event, or None (also once it is over)."""
    cache = g.setdefault("invitation_access", {})
    if (event.id, token) in cache:
        return cache[(event.id, token)]
    access = None
    if token and link_expired(event):
        cache[(event.id, token)] = None
        return None
    for salt, personal in ((_PERSONAL_SALT, True), (_COLLEAGUE_SALT, False)):
        invitation = _load(token, salt)
        if invitation is not None and invitation.event_id == event.id:
            access = InvitationAccess(invitation, personal, token)
            break
    cache[(event.id, token)] = access
    return access


def member_in_region(member: Member, region: str) -> bool:
    """Is the member's municipality in this region (on either side of the 2027 reform)?"""
    found = municipality(member.municipality_code)
    return found is not None and region in (found.region, found.region_from_2027)
