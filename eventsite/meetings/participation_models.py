"""Who is on a meeting's list and how they took part: Apology (afbud), RosterEntry, ItemAttendance.

The model of afbud (see docs/architecture.md, "Afbud"):

* An `Apology` row says the person sent afbud for the session; it is the one source
  of "Afbud" on the meeting's list and in the minutes, whatever happened to the place.
* The registration's `attendance` becomes ABSENT_NOTIFIED ("Afbud" in the participant
  list, the exports and the door counts), as the door staff would have set it.
* When the session has a capacity the place is released: the registration is
  cancelled through `registration.operations.cancel` (under the session lock, the
  waiting list promoted). Without a capacity the registration stays confirmed: there
  is no seat to give away, and the person stays on the participant list as "Afbud".
  A cancellation without an Apology row is an ordinary Afmelding, not afbud.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsite.db import Base, UTCDateTime, enum_column, utcnow

REASON_MAX = 500


class ApologyChannel(str, enum.Enum):
    """How the afbud reached the organiser."""

    #: The person's own manage link, or the member page.
    SELF = "self"
    #: Taken by phone (or in person) and recorded by an organiser.
    ORGANISER = "organiser"

    @property
    def label(self) -> str:
        return str(CHANNEL_LABELS[self])


CHANNEL_LABELS = {
    ApologyChannel.SELF: _l("Sent by the participant"),
    ApologyChannel.ORGANISER: _l("Received by the organiser"),
}


class Apology(Base):
    """Afbud: the person cannot come to the meeting, and said so before it started."""

    __tablename__ = "meeting_apologies"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    #: Copied from the registration, so a meeting's afbud need no join.
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    #: Optional, in the person's words; shown only to the organisers.
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="", server_default="")
    channel: Mapped[ApologyChannel] = mapped_column(enum_column(ApologyChannel, 20), default=ApologyChannel.SELF)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The organiser account that recorded a phoned-in afbud; kept if the account goes.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    registration: Mapped[Any] = relationship("Registration")


class RosterEntry(Base):
    """One person on a closed meeting's fixed list (a board, a forum with a fixed membership).

    The organiser puts the person on the list, which gives them a place (a
    registration made by the organiser) and sends them the summons with their
    personal link, where they answer "Jeg deltager" or send afbud. Until they do,
    the list says "Ikke svaret".
    """

    __tablename__ = "meeting_roster"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: The place made for the person; None if it has since been deleted.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: When the person answered "Jeg deltager"; None: not answered (or afbud).
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Any] = relationship("Person")
    registration: Mapped[Any] = relationship("Registration")


class ItemAttendance(Base):
    """Partial or online attendance of one registration, by agenda item (recorded at check-in).

    No row: the person was there for the whole meeting, in the room.
    """

    __tablename__ = "meeting_item_attendance"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    #: The top-level item the person arrived at; None: from the start.
    arrived_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    #: Arrived while that item was under way (followed it only in part).
    arrived_during: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: The top-level item the person left at; None: stayed to the end.
    left_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    #: Left while that item was under way; otherwise after it.
    left_during: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: Took part online (a hybrid meeting).
    online: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
