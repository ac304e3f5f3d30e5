"""The second factor of back-office accounts: TOTP codes (RFC 6238) and one-time recovery codes.

Required for administrators and organisers, optional for check-in helpers
(`required_for`). Only the demo accounts that `make run` creates skip it, and only in
development mode (`User.second_factor_exempt`). A code is accepted once (the last
accepted time step is kept), wrong codes count towards the login lockout like wrong
passwords, and recovery codes are stored as SHA-256 digests and work once each.
The TOTP secret itself is stored sealed (`seal`/`unseal`: Fernet under a key derived
from EVENTSITE_SECRET_KEY, with EVENTSITE_SECRET_KEY_FALLBACKS while a key is replaced),
so a copy of the database alone does not give anyone the codes.
The enrolment QR code is drawn here as inline SVG (segno): no external service sees
the secret.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import secrets
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from eventsite.accounts.logins import AccountError, end_all_sessions
from eventsite.accounts.models import RecoveryCode, Role, User
from eventsite.audit import record_audit
from eventsite.extensions import db

ISSUER = "eventsite"
RECOVERY_CODE_COUNT = 10
#: Codes of the step before and after the current one are accepted too (clock drift).
VALID_WINDOW = 1
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

log = logging.getLogger(__name__)
#: HKDF's "info": keys derived for sealing second-factor secrets serve nothing else.
SEAL_PURPOSE = b"eventsite second factor secret"

WRONG_CODE = _l("The code is wrong or has been used already. Try the newest code from the app.")


def exemption_honoured(user: User) -> bool:
    """The demo accounts may skip the second factor, but only in development mode."""
    return bool(user.second_factor_exempt) and current_app.config.get("ENV_NAME") == "development"


def required_for(user: User) -> bool:
    """Must this account use a second factor? (Administrators and organisers must.)"""
    if exemption_honoured(user):
        return False
    return any(m.role in (Role.ADMIN, Role.ORGANISER) for m in user.memberships)


def asked_of(user: User) -> bool:
    """Does the login ask this account for a code (enrolled, or obliged to enrol)?"""
    if exemption_honoured(user):
        return False
    return user.has_second_factor or required_for(user)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    issuer = current_app.config.get("TOTP_ISSUER", ISSUER)
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The QR code of an otpauth:// URI as an inline <svg> element (no XML declaration)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()


def _fernet_key(secret_key: str | bytes) -> bytes:
    material = secret_key.encode() if isinstance(secret_key, str) else secret_key
    derived = HKDF(algorithm=SHA256(), length=32, salt=None, info=SEAL_PURPOSE).derive(material)
    return base64.urlsafe_b64encode(derived)


def _box() -> MultiFernet:
    """The current secret key first (it seals), then the fallbacks (they still open)."""
    keys = [current_app.config["SECRET_KEY"], *current_app.config.get("SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys if key])


def seal(secret: str) -> str:
    """The TOTP secret as stored on the account."""
    return _box().encrypt(secret.encode()).decode()


class SecretUnreadable(Exception):
    """The stored secret opens with none of the keys (the secret key changed without a fallback)."""


def unseal(user: User) -> str:
    """The account's TOTP secret in the clear; sealed anew with the current key if a
    fallback key opened it (kept if the request's changes are kept)."""
    assert user.totp_secret is not None
    sealed = user.totp_secret.encode()
    try:
        return Fernet(_fernet_key(current_app.config["SECRET_KEY"])).decrypt(sealed).decode()
    except InvalidToken:
        pass
    try:
        secret = _box().decrypt(sealed).decode()
    except InvalidToken:
        log.warning(
            "second-factor secret of account %s opens with no key: was EVENTSITE_SECRET_KEY replaced "
            "without EVENTSITE_SECRET_KEY_FALLBACKS? An administrator can reset the account's second factor.",
            user.id,
        )
        raise SecretUnreadable() from None
    user.totp_secret = seal(secret)
    db.session.flush()
    return secret


def pending_secret(user: User) -> str:
    """The secret being enrolled: kept (unconfirmed) on the account so a reload shows the same QR code."""
    if user.has_second_factor:
        raise AccountError(_l("The second factor is already set up."))
    if user.totp_secret is None:
        user.totp_secret = seal(new_secret())
        db.session.flush()
    try:
        return unseal(user)
    except SecretUnreadable:
        # An enrolment not yet confirmed: start it again with a new secret.
        user.totp_secret = seal(new_secret())
        db.session.flush()
        return unseal(user)


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _accepted_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is, within the window; None if it is no current code."""
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        step = current + offset
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_enrolment(user: User, code: str, now: datetime) -> None:
    """Turn the second factor on with a code from the pending secret (recovery codes come next)."""
    secret = pending_secret(user)
    step = _accepted_step(secret, _clean(code), now)
    if step is None:
        raise AccountError(WRONG_CODE, "code")
    user.totp_confirmed_at = now
    user.totp_last_step = step
    db.session.flush()
    for membership in user.memberships:
        record_audit(membership.organisation_id, "user", user.id, "second_factor_enrolled", user=user)


def verify(user: User, code: str, now: datetime) -> bool:
    """Does the code (TOTP or recovery) prove the second factor? Uses it up if so."""
    cleaned = _clean(code)
    if not user.has_second_factor:
        return False
    try:
        secret = unseal(user)
    except SecretUnreadable:
        return _use_recovery_code(user, cleaned, now)
    step = _accepted_step(secret, cleaned, now)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False  # replayed (or older than one already used)
        user.totp_last_step = step
        db.session.flush()
        return True
    return _use_recovery_code(user, cleaned, now)


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def new_recovery_codes(user: User, now: datetime) -> list[str]:
    """Replace the account's recovery codes; the codes are shown once and only their digests kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(c), created_at=now) for c in codes)
    db.session.flush()
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def unused_recovery_codes(user: User) -> int:
    return len(
        db.session.execute(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )


def _use_recovery_code(user: User, cleaned: str, now: datetime) -> bool:
    if len(cleaned) != 10:
        return False
    row = db.session.execute(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(cleaned), RecoveryCode.used_at.is_(None)
        )
    ).scalar_one_or_none()
    if row is None:
        return False
    row.used_at = now
    for membership in user.memberships:
        record_audit(membership.organisation_id, "user", user.id, "recovery_code_used", user=user)
    db.session.flush()
    return True


def reset(user: User, administered: set[int]) -> None:
    """An administrator takes away the account's second factor (a lost phone): it enrols again at the next login.

    Every session of the account ends. Like closing an account, only an administrator
    of every organisation the account works for may do it.
    """
    if any(m.organisation_id not in administered for m in user.memberships):
        raise AccountError(
            _l("The account also works for organisations you do not administer, so you cannot reset its second factor.")
        )
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_all_sessions(user)
    for membership in user.memberships:
        record_audit(membership.organisation_id, "user", user.id, "second_factor_reset")
