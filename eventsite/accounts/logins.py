"""Organiser accounts: creating them, checking passwords, slowing down guessing."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from eventsite.accounts.models import EMAIL_MAX, FailedLogin, Membership, Organisation, Role, User, new_session_token
from eventsite.audit import record_audit
from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.web import UserError

PASSWORD_MIN = 10
PASSWORD_MAX = 200
#: Failed logins for one e-mail address within the window before further tries are refused.
ACCOUNT_FAILURE_LIMIT = 5
#: Failed logins from one IP address (many people may share an office's address).
IP_FAILURE_LIMIT = 20
FAILURE_WINDOW = timedelta(minutes=15)
#: Failure records older than this are deleted; they no longer count for anything.
FAILURE_RETENTION = timedelta(days=1)

WRONG_CREDENTIALS = _l("Wrong e-mail address or password.")
TOO_MANY_ATTEMPTS = _l("Too many failed attempts. Wait 15 minutes and try again.")
LAST_ADMIN = _l("The organisation must keep at least one administrator.")
FOREIGN_ORGANISATIONS = _l(
    "The account also works for organisations you do not administer, so you cannot close or reopen it. "
    "You can remove it from your own organisation."
)


class AccountError(UserError):
    """A refused account change, with a message for the person."""


class TooManyAttempts(Exception):
    """Login refused without looking at the password: too many recent failures."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _password_method() -> str:
    return current_app.config.get("ORGANISER_PASSWORD_METHOD", "scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_password_method())


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-a-real-password", method=method)


def check_new_password(password: str) -> None:
    """Refuse passwords that are too short or too long to be hashed sensibly."""
    if len(password or "") < PASSWORD_MIN:
        raise AccountError(_l("The password must be at least %(num)d characters long.", num=PASSWORD_MIN), "password")
    if len(password) > PASSWORD_MAX:
        raise AccountError(_l("The password may be at most %(num)d characters long.", num=PASSWORD_MAX), "password")


def login_blocked(email: str, ip: str, now: datetime) -> bool:
    """Too many recent failures for this address or this IP?"""
    since = now - FAILURE_WINDOW
    by_account, by_ip = db.session.execute(
        select(
            func.count().filter(FailedLogin.email == email),
            func.count().filter(FailedLogin.ip == ip),
        ).where(FailedLogin.attempted_at > since, or_(FailedLogin.email == email, FailedLogin.ip == ip))
    ).one()
    return by_account >= ACCOUNT_FAILURE_LIMIT or by_ip >= IP_FAILURE_LIMIT


def authenticate(email: str, password: str, ip: str, now: datetime | None = None) -> User | None:
    """The active user with this e-mail and password, or None (the failure is recorded).

    Unknown addresses cost the same password check as known ones, and both count
    towards the limit, so neither the answer nor its timing reveals whether an
    account exists. Raises TooManyAttempts while the address or IP is locked out.
    """
    now = now or utcnow()
    email = normalise_email(email)[:EMAIL_MAX]
    ip = (ip or "unknown")[:45]
    db.session.execute(delete(FailedLogin).where(FailedLogin.attempted_at < now - FAILURE_RETENTION))
    if login_blocked(email, ip, now):
        raise TooManyAttempts()
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(_password_method()), password or "")
        ok = False
    else:
        ok = check_password_hash(user.password_hash, password or "") and user.active
    if not ok:
        db.session.add(FailedLogin(email=email, ip=ip, attempted_at=now))
        db.session.flush()
        return None
    # The failures are cleared, and the login recorded, only when the login is complete
    # (`record_login`): a right password alone must not wipe the count of wrong second-factor
    # codes, or knowing the password would allow unlimited guesses at the code.
    return user


def record_login(user: User, now: datetime | None = None) -> None:
    """The login is complete (password, and the second factor where asked): start afresh."""
    now = now or utcnow()
    db.session.execute(delete(FailedLogin).where(FailedLogin.email == user.email))
    user.last_login_at = now
    db.session.flush()


def email_taken(email: str) -> bool:
    return db.session.execute(select(User.id).where(User.email == normalise_email(email))).first() is not None


def create_user(email: str, password: str, organisation: Organisation, role: Role, name: str = "") -> User:
    """A new account with one role in one organisation."""
    email = normalise_email(email)
    if not email or "@" not in email or len(email) > EMAIL_MAX:
        raise AccountError(_l("Enter a valid e-mail address, e.g. navn@kommune.dk."), "email")
    if email_taken(email):
        raise AccountError(_l("An account with this e-mail address already exists."), "email")
    check_new_password(password)
    user = User(email=email, name=(name or "").strip(), password_hash=hash_password(password), active=True)
    user.memberships.append(Membership(organisation_id=organisation.id, role=Role(role)))
    db.session.add(user)
    db.session.flush()
    record_audit(
        organisation.id, "user", user.id, "created", after={"email": email, "name": user.name, "role": Role(role).value}
    )
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one; other browsers are logged out."""
    if not check_password_hash(user.password_hash, current or ""):
        raise AccountError(_l("The current password is wrong."), "current_password")
    check_new_password(new)
    set_password(user, new)


def set_password(user: User, new: str) -> None:
    check_new_password(new)
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()
    db.session.flush()


def end_all_sessions(user: User) -> None:
    """Log the account out everywhere: every session cookie names the old token."""
    user.session_token = new_session_token()
    db.session.flush()


def admin_count(organisation_id: int) -> int:
    return db.session.execute(
        select(func.count(Membership.id))
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation_id, Membership.role == Role.ADMIN, User.active.is_(True))
    ).scalar_one()


def change_role(membership: Membership, role: Role) -> None:
    """Give a member another role; an organisation always keeps an active administrator."""
    role = Role(role)
    if membership.role is role:
        return
    if membership.role is Role.ADMIN and admin_count(membership.organisation_id) <= 1:
        raise AccountError(LAST_ADMIN, "role")
    before = {"role": membership.role.value}
    membership.role = role
    db.session.flush()
    record_audit(
        membership.organisation_id,
        "user",
        membership.user_id,
        "role_changed",
        before=before,
        after={"role": role.value},
    )


def deactivate_user(user: User, administered: set[int]) -> None:
    """Close an account: it can no longer log in, and every session of it ends at once.

    Only an administrator of every organisation the account works for may close it (an
    administrator of one of them removes it from that organisation instead), and no
    organisation may lose its last active administrator, the acting one included.
    """
    if not user.active:
        return
    if any(m.organisation_id not in administered for m in user.memberships):
        raise AccountError(FOREIGN_ORGANISATIONS)
    for membership in user.memberships:
        if membership.role is Role.ADMIN and admin_count(membership.organisation_id) <= 1:
            raise AccountError(LAST_ADMIN)
    user.active = False
    end_all_sessions(user)
    for membership in user.memberships:
        record_audit(membership.organisation_id, "user", user.id, "deactivated", before={"active": True})


def reactivate_user(user: User, administered: set[int]) -> None:
    """Open a closed account again (it logs in with its old password)."""
    if user.active:
        return
    if any(m.organisation_id not in administered for m in user.memberships):
        raise AccountError(FOREIGN_ORGANISATIONS)
    user.active = True
    db.session.flush()
    for membership in user.memberships:
        record_audit(membership.organisation_id, "user", user.id, "reactivated", after={"active": True})


def remove_membership(membership: Membership) -> None:
    """Take a user out of an organisation (the account itself stays)."""
    if membership.role is Role.ADMIN and admin_count(membership.organisation_id) <= 1:
        raise AccountError(LAST_ADMIN, "role")
    record_audit(
        membership.organisation_id, "user", membership.user_id, "removed", before={"role": membership.role.value}
    )
    db.session.delete(membership)
    db.session.flush()
