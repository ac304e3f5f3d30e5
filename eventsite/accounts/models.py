"""Organisations, the accounts that work for them, their roles, and failed logins."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsite.db import Base, UTCDateTime, utcnow
from eventsite.db import enum_column as _enum_column

EMAIL_MAX = 254
NAME_MAX = 200


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short name used in URLs and on the command line, e.g. "lederne-sjaelland".
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Address that emails and calendar invitations are sent from (ORGANIZER).
    sender_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    events: Mapped[list["Event"]] = relationship(back_populates="organisation")  # noqa: F821  (eventsite.events)
    venues: Mapped[list["Venue"]] = relationship(back_populates="organisation")  # noqa: F821  (eventsite.events)


class Role(str, enum.Enum):
    #: Everything in the organisation, including accounts and the audit trail.
    ADMIN = "admin"
    #: Events, registrations and exports.
    ORGANISER = "organiser"
    #: Only the check-in screens.
    CHECKIN = "checkin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.ORGANISER: _l("Organiser"),
    Role.CHECKIN: _l("Check-in helper"),
}


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, Base):
    """Someone who works in the back office (not a person who signs up)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased, so one account is one row whatever case people type.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    #: Werkzeug hash string ("scrypt:..."), never the password itself.
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Part of the login cookie; replacing it (password change) logs out every other browser.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The TOTP secret (base32) of the second factor, sealed (Fernet; read it with
    #: `second_factor.unseal`); set at enrolment, confirmed when `totp_confirmed_at` is
    #: set (eventsite.accounts.second_factor).
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last time step whose code was accepted: a code works once (RFC 6238, 5.2).
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    #: Only the demo accounts of `make run`, and honoured only in development mode.
    second_factor_exempt: Mapped[bool] = mapped_column(Boolean, default=False)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Flask-Login: an inactive account cannot log in and its cookies stop working.
    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def has_password(self) -> bool:
        """False while an invited account has not chosen its password (no hash method matches "!")."""
        return not self.password_hash.startswith("!")

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None and self.totp_confirmed_at is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def roles_in(self, organisation_id: int) -> set[Role]:
        return {m.role for m in self.memberships if m.organisation_id == organisation_id}


class Membership(Base):
    """A user's role in one organisation (one role per user and organisation)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[Role] = mapped_column(_enum_column(Role, 20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()


class LinkPurpose(str, enum.Enum):
    #: An administrator invited the account; the link sets its first password.
    INVITATION = "invitation"
    #: "Glemt adgangskode?": the link sets a new password.
    PASSWORD_RESET = "password_reset"


class AccountLink(Base):
    """A single-use, expiring link emailed to an account holder (invitation, password reset).

    The link carries ``[id, key]`` signed with the app's SECRET_KEY, so the database
    alone gives no working link; it works once (``used_at``) and until ``expires_at``.
    """

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The organisation the email is sent as (and, for an invitation, the one inviting).
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(_enum_column(LinkPurpose, 20))
    key: Mapped[str] = mapped_column(String(32), default=new_session_token)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()


class RecoveryCode(Base):
    """A one-time code that stands in for the second factor (a lost phone); stored hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the code: the codes are random (50 bits), so a plain digest suffices.
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FailedLogin(Base):
    """One failed login, kept in the database so every worker sees the same count."""

    __tablename__ = "failed_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What was typed, lower-cased; kept whether or not such an account exists.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), index=True)
    ip: Mapped[str] = mapped_column(String(45), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
