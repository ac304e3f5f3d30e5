"""Minutes (referat) of a meeting, their sent versions and the approvals by email.

* `Minutes`: one per session, the working draft (dirigent, referent) and its state.
* `MinutesItem`: the draft's summary and decision ("Beslutning") of one agenda item.
* `MinutesVersion`: a frozen copy of the minutes as sent for approval (JSON), with
  the deadline; a revision is a new version, the earlier ones are kept.
* `MinutesApproval`: one recipient's answer to one version, through a personal link.
"""

from __future__ import annotations

import enum
import json
import secrets
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsite.db import Base, UTCDateTime, enum_column, utcnow

NAME_MAX = 200
COMMENT_MAX = 2000
TEXT_MAX = 20000


class MinutesState(str, enum.Enum):
    DRAFT = "draft"
    #: A version is out for approval.
    SENT = "sent"
    APPROVED = "approved"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])


STATE_LABELS = {
    MinutesState.DRAFT: _l("Draft"),
    MinutesState.SENT: _l("Sent for approval"),
    MinutesState.APPROVED: _l("Approved (minutes)"),
    MinutesState.PUBLISHED: _l("Published"),
}


class Minutes(Base):
    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), unique=True)
    state: Mapped[MinutesState] = mapped_column(enum_column(MinutesState, 20), default=MinutesState.DRAFT)
    #: Dirigent (chair) and referent (secretary), by name.
    chair: Mapped[str] = mapped_column(String(NAME_MAX), default="", server_default="")
    secretary: Mapped[str] = mapped_column(String(NAME_MAX), default="", server_default="")
    #: Free text before the items (e.g. "Mødet blev afholdt hybridt").
    preamble: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The organiser who approved by hand; None when the deadline approved them.
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[Any] = relationship("EventSession")
    items: Mapped[list[MinutesItem]] = relationship(back_populates="minutes", cascade="all, delete-orphan")
    versions: Mapped[list[MinutesVersion]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesVersion.number"
    )

    @property
    def latest_version(self) -> MinutesVersion | None:
        return self.versions[-1] if self.versions else None


class MinutesItem(Base):
    __tablename__ = "minutes_items"
    __table_args__ = (UniqueConstraint("minutes_id", "agenda_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    #: What was said, in the referent's words (plain text).
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: "Beslutning": what the meeting decided (plain text).
    decision: Mapped[str] = mapped_column(Text, default="", server_default="")

    minutes: Mapped[Minutes] = relationship(back_populates="items")


class MinutesVersion(Base):
    """The minutes as sent for approval once: frozen, never changed afterwards."""

    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    #: 1, 2, ... in the order sent.
    number: Mapped[int] = mapped_column(Integer)
    #: JSON: the whole text as sent (see eventsite.meetings.minutes.snapshot).
    content: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Objections are taken until then; without an open objection the minutes are
    #: approved when it passes (the worker's job).
    deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    minutes: Mapped[Minutes] = relationship(back_populates="versions")
    approvals: Mapped[list[MinutesApproval]] = relationship(back_populates="version", order_by="MinutesApproval.id")

    @property
    def data(self) -> dict[str, Any]:
        return dict(json.loads(self.content))


class ApprovalResponse(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    OBJECTED = "objected"

    @property
    def label(self) -> str:
        return str(RESPONSE_LABELS[self])


RESPONSE_LABELS = {
    ApprovalResponse.PENDING: _l("No answer yet"),
    ApprovalResponse.APPROVED: _l("Approved (minutes)"),
    ApprovalResponse.OBJECTED: _l("Objected"),
}


def new_approval_key() -> str:
    return secrets.token_urlsafe(12)


class MinutesApproval(Base):
    """One recipient of one version: their personal link and their answer."""

    __tablename__ = "minutes_approvals"
    __table_args__ = (UniqueConstraint("version_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("minutes_versions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: Secret part of the personal link; the link names the row and this key.
    token_key: Mapped[str] = mapped_column(String(20), default=new_approval_key)
    #: The outbox row carrying the email (None if the outbox row is deleted).
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True)
    response: Mapped[ApprovalResponse] = mapped_column(
        enum_column(ApprovalResponse, 20), default=ApprovalResponse.PENDING
    )
    comment: Mapped[str] = mapped_column(String(COMMENT_MAX), default="", server_default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    version: Mapped[MinutesVersion] = relationship(back_populates="approvals")
    person: Mapped[Any] = relationship("Person")
