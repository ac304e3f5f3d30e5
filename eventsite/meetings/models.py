"""A meeting is a session with an agenda: Meeting, AgendaItem, MeetingFile (bilag), MeetingSeries.

API for the areas above (and for the minutes, issue 16):

* `eventsite.meetings.agenda.agenda_for(session)` -> list of `NumberedItem` in order,
  each with `.number` ("1", "1.1", "2", ...), `.item` (an AgendaItem), `.depth` (0 or 1).
* `AgendaItem.number` is not stored: it follows from `position` among its siblings
  (top-level items of the session, or the sub-items of one parent), so reordering never
  renumbers by hand. Positions start at 1 and have no gaps after every change.
* `Meeting` is the optional per-session row: who sees the agenda (public or only
  participants through their personal link) and the series the meeting belongs to. A
  session without the row has a public agenda (if it has any items) and no series.
* `MeetingFile` is a bilag of a session, or of one agenda item of it; `shown_to` says
  whether the public or only participants may download it.
"""

from __future__ import annotations

import enum
from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsite.db import Base, UTCDateTime, enum_column, utcnow
from eventsite.events.models import EventSession, Organisation, Venue

TITLE_MAX = 200
CASE_NUMBER_MAX = 40
PRESENTER_MAX = 200
DESCRIPTION_MAX = 20000


class AgendaKind(str, enum.Enum):
    """What the meeting does with an item (as Danish agendas mark them)."""

    ORIENTERING = "orientering"
    DROEFTELSE = "droeftelse"
    BESLUTNING = "beslutning"
    VALG = "valg"

    @property
    def label(self) -> str:
        return str(AGENDA_KIND_LABELS[self])


AGENDA_KIND_LABELS = {
    AgendaKind.ORIENTERING: _l("For information"),
    AgendaKind.DROEFTELSE: _l("For discussion"),
    AgendaKind.BESLUTNING: _l("For decision"),
    AgendaKind.VALG: _l("Election"),
}


class ShownTo(str, enum.Enum):
    """Who may see an agenda or download a bilag."""

    PUBLIC = "public"
    #: Only people with an active place, through their personal manage link.
    PARTICIPANTS = "participants"

    @property
    def label(self) -> str:
        return str(SHOWN_TO_LABELS[self])


SHOWN_TO_LABELS = {
    ShownTo.PUBLIC: _l("Everyone who can see the event"),
    ShownTo.PARTICIPANTS: _l("Only participants (through their personal link)"),
}


class MeetingSeries(Base):
    """A recurring meeting (a board meeting 4-5 times a year): its meetings share the
    participant list, the agenda template and the venue or virtual link."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    #: The usual venue of the meetings; None for virtual meetings.
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    #: The usual virtual meeting link; only ever shown to participants.
    online_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    venue: Mapped[Venue | None] = relationship()
    meetings: Mapped[list[Meeting]] = relationship(back_populates="series")


class Meeting(Base):
    """The meeting settings of one session (absent: public agenda, no series)."""

    __tablename__ = "meetings"

    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), primary_key=True)
    agenda_shown_to: Mapped[ShownTo] = mapped_column(
        enum_column(ShownTo, 20), default=ShownTo.PUBLIC, server_default=ShownTo.PUBLIC.value
    )
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session: Mapped[EventSession] = relationship()
    series: Mapped[MeetingSeries | None] = relationship(back_populates="meetings")


class AgendaItem(Base):
    """One numbered item of a session's agenda, or a sub-item of one (one level deep)."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    #: The item this is a sub-item of ("1.1" under "1"); None for a top-level item.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3 ... among its siblings; the item's number follows from it.
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    #: The organisation's journal number, e.g. "S2024-702".
    case_number: Mapped[str] = mapped_column(String(CASE_NUMBER_MAX), default="", server_default="")
    #: Who presents the item ("v. Morten").
    presenter: Mapped[str] = mapped_column(String(PRESENTER_MAX), default="", server_default="")
    #: Optional time slot, local wall-clock time on the session's day.
    starts_at: Mapped[time | None] = mapped_column(Time)
    ends_at: Mapped[time | None] = mapped_column(Time)
    #: Markdown source; rendered sanitised (eventsite.text.render_markdown).
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    kind: Mapped[AgendaKind] = mapped_column(
        enum_column(AgendaKind, 20), default=AgendaKind.ORIENTERING, server_default=AgendaKind.ORIENTERING.value
    )
    #: Plain text: "Sekretariatet indstiller, at ...".
    proposed_decision: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session: Mapped[EventSession] = relationship()
    parent: Mapped[AgendaItem | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[AgendaItem]] = relationship(
        back_populates="parent", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    files: Mapped[list[MeetingFile]] = relationship(back_populates="agenda_item", order_by="MeetingFile.position")


class MeetingFile(Base):
    """A bilag: a file attached to a session or to one of its agenda items.

    The bytes are stored under EVENTSITE_UPLOAD_DIR with a random name (`stored_name`);
    the name the organiser's file had is kept only for the download's filename.
    """

    __tablename__ = "meeting_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    #: None for a bilag of the whole meeting.
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    #: Order among the session's bilag (1, 2, ...).
    position: Mapped[int] = mapped_column(Integer)
    #: As shown: "Bilag 1. Handlerum - faglig ledelse".
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    #: The uploaded file's name, used only as the download's filename.
    filename: Mapped[str] = mapped_column(String(200))
    #: Random hex name of the file in the upload directory; never derived from user input.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    #: The type found in the content (not the name), e.g. "application/pdf".
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    shown_to: Mapped[ShownTo] = mapped_column(enum_column(ShownTo, 20), default=ShownTo.PARTICIPANTS)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    session: Mapped[EventSession] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship(back_populates="files")
