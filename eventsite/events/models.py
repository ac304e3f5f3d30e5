"""Organisation, Venue, Event, EventSession and ProgrammeItem."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from eventsite.accounts.models import Organisation as Organisation  # the tenant; its events and venues are here
from eventsite.clock import LOCAL_TZ as LOCAL_TZ  # every session's wall-clock times; storage is UTC
from eventsite.db import Base, UTCDateTime, enum_column, utcnow
from eventsite.geo import municipality, region_change_after, region_for

# Kept under its old name for the areas' models that import it from here.
_enum_column = enum_column


class EventKind(str, enum.Enum):
    TEMADAG = "temadag"
    AARSMOEDE = "aarsmoede"
    WEBINAR = "webinar"
    RECEPTION = "reception"
    KONFERENCE = "konference"
    LEDERFORUM = "lederforum"
    NETVAERKSMOEDE = "netvaerksmoede"
    KURSUS = "kursus"

    @property
    def label(self) -> str:
        return str(EVENT_KIND_LABELS[self])


EVENT_KIND_LABELS = {
    EventKind.TEMADAG: _l("Theme day"),
    EventKind.AARSMOEDE: _l("Annual meeting"),
    EventKind.WEBINAR: _l("Webinar"),
    EventKind.RECEPTION: _l("Reception"),
    EventKind.KONFERENCE: _l("Conference"),
    EventKind.LEDERFORUM: _l("Leaders' forum"),
    EventKind.NETVAERKSMOEDE: _l("Network meeting"),
    EventKind.KURSUS: _l("Course"),
}


class Visibility(str, enum.Enum):
    PUBLIC = "public"
    MEMBERS = "members"
    INVITATION = "invitation"

    @property
    def label(self) -> str:
        return str(VISIBILITY_LABELS[self])


#: Shown in the event list and the feeds, and open to anyone with the address; an
#: invitation-only event opens only through an invitation link for it.
LISTED = (Visibility.PUBLIC, Visibility.MEMBERS)

VISIBILITY_LABELS = {
    Visibility.PUBLIC: _l("Open to everyone"),
    Visibility.MEMBERS: _l("Members only"),
    Visibility.INVITATION: _l("By invitation only"),
}


class Venue(Base):
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    #: Four-digit municipality code; the region is derived from it, never typed in.
    municipality_code: Mapped[str] = mapped_column(String(4))

    organisation: Mapped[Organisation] = relationship(back_populates="venues")

    @property
    def municipality_name(self) -> str | None:
        found = municipality(self.municipality_code)
        return found.name if found else None

    def region_on(self, day: date) -> str | None:
        return region_for(self.municipality_code, day)

    def region_change_after(self, day: date) -> tuple[date, str] | None:
        """(date, new region) when the venue's region changes after `day` (the 2027 reform)."""
        return region_change_after(self.municipality_code, day)

    @property
    def full_address(self) -> str:
        return f"{self.name}, {self.address}, {self.postcode} {self.city}"


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = mapped_column(_enum_column(EventKind, 20))
    #: Markdown source; rendered to sanitised HTML on display.
    description: Mapped[str] = mapped_column(Text, default="")
    #: Who the event is for, in the organisers' words, e.g. "mellemledere".
    target_group: Mapped[str] = mapped_column(String(200), default="")
    visibility: Mapped[Visibility] = mapped_column(_enum_column(Visibility, 20), default=Visibility.PUBLIC)
    #: Sign-up is possible from this instant; None = from publication.
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The tilmeldingsfrist; None = until the session starts.
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: After this instant a person can no longer cancel by themselves.
    cancellation_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: True for events where one person may attend several sessions.
    allows_multiple_sessions: Mapped[bool] = mapped_column(Boolean, default=False)
    #: How many colleagues one member may sign up through their colleague link (None: no limit).
    colleague_limit: Mapped[int | None] = mapped_column(Integer)
    #: The organiser offers a participant list to the confirmed participants of each
    #: session; only those who consent appear on it (eventsite.registration.consent).
    participant_list: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="events")
    sessions: Mapped[list[EventSession]] = relationship(back_populates="event", order_by="EventSession.starts_at")
    #: Does the event have a fee, days, day prices, add-ons or a subsidy budget? Asked by
    #: every sign-up page, where most events have none of these and skip the rest. Not a
    #: column: eventsite.payments, which owns those tables, fills it in the query that
    #: loads the event (`with_expression`, see eventsite.registration.signup), so the
    #: question costs no round trip of its own. None where the event was loaded without it.
    has_offer: Mapped[bool | None] = query_expression()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def active_sessions(self) -> list[EventSession]:
        return [s for s in self.sessions if not s.is_cancelled]

    @property
    def ends_at(self) -> datetime | None:
        return max((s.ends_at for s in self.sessions), default=None)

    def registration_is_open(self, now: datetime) -> bool:
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        if self.registration_closes_at and now > self.registration_closes_at:
            return False
        return True


class EventSession(Base):
    """One holding of an event, at one venue or online."""

    __tablename__ = "event_sessions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    #: None for an online-only session.
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Seats; None = unlimited.
    capacity: Mapped[int | None] = mapped_column(Integer)
    #: Meeting link; only ever shown to registered people.
    online_url: Mapped[str | None] = mapped_column(String(500))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: iCalendar SEQUENCE: raised whenever time, place or status changes.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: Last change of the row; None for sessions last changed before the column
    #: existed. Feeds use it for Last-Modified and DTSTAMP.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="sessions")
    venue: Mapped[Venue | None] = relationship()
    programme: Mapped[list[ProgrammeItem]] = relationship(
        back_populates="session", order_by="(ProgrammeItem.starts_at, ProgrammeItem.id)"
    )

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_online(self) -> bool:
        return self.venue_id is None

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(LOCAL_TZ)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(LOCAL_TZ)

    @property
    def region(self) -> str | None:
        """The venue's region on the day of the session (dated: the 2027 reform)."""
        return self.venue.region_on(self.local_start.date()) if self.venue else None

    @property
    def place_name(self) -> str:
        return self.venue.city if self.venue else str(_l("Online"))


class ProgrammeItem(Base):
    __tablename__ = "programme_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id"), index=True)
    #: Local wall-clock time on the session's day (Europe/Copenhagen).
    starts_at: Mapped[time] = mapped_column(Time)
    #: Optional end, the same kind of wall-clock time.
    ends_at: Mapped[time | None] = mapped_column(Time)
    title: Mapped[str] = mapped_column(String(200))
    speaker: Mapped[str] = mapped_column(String(200), default="")
    #: Optional, plain text (a few lines under the title).
    description: Mapped[str] = mapped_column(Text, default="", server_default="")

    session: Mapped[EventSession] = relationship(back_populates="programme")
