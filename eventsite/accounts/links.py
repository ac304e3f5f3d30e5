"""Emailed account links: invitations (the invitee sets their own password) and password resets.

A link is a row in ``account_links`` and a token ``[id, key]`` signed with the app's
SECRET_KEY (so the database alone gives no working link). It works once and until it
expires: an invitation for ``ACCOUNT_INVITATION_HOURS`` (72), a reset for
``PASSWORD_RESET_MINUTES`` (60). Setting a password through any link uses up every
open link of the account and ends all its sessions. The emails themselves are queued
and rendered by eventsite.organiser.account_email (the outbox sits above this area).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from eventsite.accounts.logins import AccountError, normalise_email, set_password
from eventsite.accounts.models import EMAIL_MAX, AccountLink, LinkPurpose, Membership, Organisation, Role, User
from eventsite.audit import record_audit
from eventsite.extensions import db

_SALT = "eventsite.account-link"


@lru_cache(maxsize=8)
def _serializer_for(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def _serializer() -> URLSafeSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"])


def link_token(link: AccountLink) -> str:
    return _serializer().dumps([link.id, link.key])


def _lifetime(purpose: LinkPurpose) -> timedelta:
    if purpose is LinkPurpose.INVITATION:
        return timedelta(hours=current_app.config.get("ACCOUNT_INVITATION_HOURS", 72))
    return timedelta(minutes=current_app.config.get("PASSWORD_RESET_MINUTES", 60))


def link_from_token(token: str, purpose: LinkPurpose, now: datetime) -> AccountLink | None:
    """The open link a token names; None when forged, used, expired or for a closed account."""
    try:
        link_id, key = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(link_id, int) or not isinstance(key, str):
        return None
    link = db.session.execute(
        select(AccountLink).where(AccountLink.id == link_id, AccountLink.purpose == purpose)
    ).scalar_one_or_none()
    if link is None or not secrets.compare_digest(link.key, key):
        return None
    if link.used_at is not None or now >= link.expires_at or not link.user.active:
        return None
    return link


def _new_link(user: User, organisation_id: int, purpose: LinkPurpose, now: datetime) -> AccountLink:
    link = AccountLink(
        user_id=user.id, organisation_id=organisation_id, purpose=purpose, expires_at=now + _lifetime(purpose)
    )
    db.session.add(link)
    db.session.flush()
    return link


def open_invitation_user_ids(user_ids: list[int], now: datetime) -> set[int]:
    """Which of these accounts have an invitation that is not yet answered (nor expired)."""
    if not user_ids:
        return set()
    return set(
        db.session.execute(
            select(AccountLink.user_id).where(
                AccountLink.user_id.in_(user_ids),
                AccountLink.purpose == LinkPurpose.INVITATION,
                AccountLink.used_at.is_(None),
                AccountLink.expires_at > now,
            )
        ).scalars()
    )


def invite(email: str, name: str, organisation: Organisation, role: Role, now: datetime) -> AccountLink | None:
    """Invite a new account, or give an existing one the role in this organisation.

    A new account gets no usable password until its holder answers the invitation;
    the returned link is to be emailed. An existing account (one that works for
    another organisation) just gets the role: None is returned, nothing to email.
    """
    email = normalise_email(email)
    if not email or "@" not in email or len(email) > EMAIL_MAX:
        raise AccountError(_l("Enter a valid e-mail address, e.g. navn@kommune.dk."), "email")
    role = Role(role)
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is not None:
        if any(m.organisation_id == organisation.id for m in user.memberships):
            raise AccountError(_l("An account with this e-mail address already exists."), "email")
        user.memberships.append(Membership(organisation_id=organisation.id, role=role))
        db.session.flush()
        record_audit(organisation.id, "user", user.id, "added", after={"email": email, "role": role.value})
        return None
    # Unusable until the invitee sets a password: no hash method matches "!".
    user = User(email=email, name=(name or "").strip(), password_hash="!" + secrets.token_hex(16), active=True)
    user.memberships.append(Membership(organisation_id=organisation.id, role=role))
    db.session.add(user)
    db.session.flush()
    record_audit(
        organisation.id, "user", user.id, "invited", after={"email": email, "name": user.name, "role": role.value}
    )
    return _new_link(user, organisation.id, LinkPurpose.INVITATION, now)


def reinvite(user: User, organisation_id: int, now: datetime) -> AccountLink:
    """A fresh invitation link for an account that has not answered; older ones stop working."""
    if user.has_password:
        raise AccountError(_l("The account has already set its password."))
    _use_up_links(user, now)
    record_audit(organisation_id, "user", user.id, "reinvited")
    return _new_link(user, organisation_id, LinkPurpose.INVITATION, now)


def _use_up_links(user: User, now: datetime) -> None:
    db.session.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def set_password_by_link(link: AccountLink, password: str, now: datetime) -> User:
    """Set the account's password through an emailed link; every session of it ends."""
    user = link.user
    set_password(user, password)
    _use_up_links(user, now)
    link.used_at = now
    action = "invitation_accepted" if link.purpose is LinkPurpose.INVITATION else "password_reset"
    for membership in user.memberships:
        record_audit(membership.organisation_id, "user", user.id, action, user=user)
    db.session.flush()
    return user


def request_password_reset(email: str, now: datetime) -> AccountLink | None:
    """A reset link for an active account with this address and an organisation, else None.

    The caller answers the same way whatever this returns.
    """
    email = normalise_email(email)[:EMAIL_MAX]
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None or not user.active or not user.memberships:
        return None
    return _new_link(user, user.memberships[0].organisation_id, LinkPurpose.PASSWORD_RESET, now)
