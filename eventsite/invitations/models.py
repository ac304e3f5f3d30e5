"""The member directory (Member, MemberTag), import previews, and invitations.

A Member is someone the organisation may invite; a Person (registration.models) is
someone who signed up. They are matched by e-mail address within the organisation.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsite.db import Base, UTCDateTime, utcnow
from eventsite.events.models import Event, Organisation, _enum_column
from eventsite.geo import municipality
from eventsite.mail.models import OutboxMessage  # noqa: F401  (invitations.outbox_id refers to it)

NAME_MAX = 200
EMAIL_MAX = 254
TEXT_MAX = 200
MEMBER_NUMBER_MAX = 40
REGION_MAX = 60
TAG_MAX = 60


class JobLevel(str, enum.Enum):
    DIREKTOER = "direktoer"
    CHEF = "chef"
    LEDER = "leder"
    MELLEMLEDER = "mellemleder"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(JOB_LEVEL_LABELS[self])


JOB_LEVEL_LABELS = {
    JobLevel.DIREKTOER: _l("Director"),
    JobLevel.CHEF: _l("Head"),
    JobLevel.LEDER: _l("Manager"),
    JobLevel.MELLEMLEDER: _l("Middle manager"),
    JobLevel.OTHER: _l("Other"),
}


class Member(Base):
    """One entry in an organisation's member directory."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("organisation_id", "email"),
        # NULLs never collide: members without a number are matched by e-mail only.
        UniqueConstraint("organisation_id", "member_number"),
        Index("ix_members_organisation_name", "organisation_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: The number in the membership system; the first key an import matches on.
    member_number: Mapped[str | None] = mapped_column(String(MEMBER_NUMBER_MAX))
    #: Lower-cased, like Person.email, so a member and their sign-ups match.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    job_title: Mapped[str] = mapped_column(String(TEXT_MAX), default="")
    job_level: Mapped[JobLevel] = mapped_column(_enum_column(JobLevel, 20), default=JobLevel.OTHER)
    workplace: Mapped[str] = mapped_column(String(TEXT_MAX), default="")
    #: Four-digit code from eventsite.geo; None when only a region is known.
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    #: Derived from the municipality when saved (the region on that day); typed in
    #: only when the source knows no municipality. Audience filters look at both.
    region: Mapped[str | None] = mapped_column(String(REGION_MAX))
    #: Set when the member unsubscribed: no invitation from this organisation is sent again.
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    tag_rows: Mapped[list[MemberTag]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="MemberTag.tag"
    )

    @property
    def opted_out(self) -> bool:
        return self.opted_out_at is not None

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]

    @property
    def municipality_name(self) -> str | None:
        found = municipality(self.municipality_code)
        return found.name if found else None


class MemberTag(Base):
    """A free label on a member ("Kreds Hovedstaden", "kommunaldirektør"), for audiences."""

    __tablename__ = "member_tags"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(TAG_MAX), primary_key=True, index=True)

    member: Mapped[Member] = relationship(back_populates="tag_rows")


class MemberImport(Base):
    """An uploaded member file, parsed and checked, waiting for the organiser's go-ahead.

    The preview lives here rather than in the cookie (too big) or on local disk (not
    shared between workers); it is deleted when applied and expires after a day.
    """

    __tablename__ = "member_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unguessable key in the preview's URL.
    token: Mapped[str] = mapped_column(String(43), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    #: JSON: the parsed rows, the columns found and the report (see invitations.importing).
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def new_import_token() -> str:
    return secrets.token_urlsafe(32)


class RoundKind(str, enum.Enum):
    INVITATION = "invitation"
    REMINDER = "reminder"

    @property
    def label(self) -> str:
        return str(ROUND_KIND_LABELS[self])


ROUND_KIND_LABELS = {
    RoundKind.INVITATION: _l("Invitation"),
    RoundKind.REMINDER: _l("Reminder"),
}


class InvitationRound(Base):
    """One sending: the invitations (or reminders) queued for an event by one click."""

    __tablename__ = "invitation_rounds"
    __table_args__ = (UniqueConstraint("event_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    kind: Mapped[RoundKind] = mapped_column(_enum_column(RoundKind, 20), default=RoundKind.INVITATION)
    #: Random value from the send form: a second identical POST (a double click)
    #: finds this round instead of creating another.
    idempotency_key: Mapped[str] = mapped_column(String(64))
    #: The audience as the organiser chose it, in words, for the round list.
    description: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The organiser account; None from the command line or once the account is deleted.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    invitations: Mapped[list[Invitation]] = relationship(back_populates="round")


class InvitationState(str, enum.Enum):
    QUEUED = "queued"
    SENT = "sent"
    BOUNCED = "bounced"
    REGISTERED = "registered"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return str(INVITATION_STATE_LABELS[self])


INVITATION_STATE_LABELS = {
    InvitationState.QUEUED: _l("Waiting to be sent"),
    InvitationState.SENT: _l("Delivered"),
    InvitationState.BOUNCED: _l("Could not be delivered"),
    InvitationState.REGISTERED: _l("Signed up"),
    InvitationState.DECLINED: _l("Cannot attend"),
}


def new_invitation_key() -> str:
    return secrets.token_urlsafe(12)


class Invitation(Base):
    """One e-mail to one member in one round, and what became of it."""

    __tablename__ = "invitations"
    __table_args__ = (
        # One e-mail per member and round, whatever the browser sends twice.
        UniqueConstraint("round_id", "member_id"),
        Index("ix_invitations_event_member", "event_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("invitation_rounds.id"))
    #: Copied from the round, so per-event questions need no join.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    state: Mapped[InvitationState] = mapped_column(_enum_column(InvitationState, 20), default=InvitationState.QUEUED)
    #: Secret part of the personal links; replacing it revokes them.
    token_key: Mapped[str] = mapped_column(String(20), default=new_invitation_key)
    #: The outbox row carrying the e-mail (None if the outbox row is deleted).
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[InvitationRound] = relationship(back_populates="invitations")
    event: Mapped[Event] = relationship()
    member: Mapped[Member] = relationship()


class ColleagueSignup(Base):
    """Who invited whom: a registration made through a member's colleague link."""

    __tablename__ = "colleague_signups"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: The inviting member (their invitation's colleague link was used).
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship()
