"""Person, Registration and the separately kept DietaryNote."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsite.db import Base, UTCDateTime, utcnow
from eventsite.events.models import Event, EventSession, Organisation, _enum_column

# Field lengths, shared by models and forms so both agree.
NAME_MAX = 200
EMAIL_MAX = 254
TEXT_MAX = 200
COMMENT_MAX = 1000
DIETARY_MAX = 500


class RegistrationStatus(str, enum.Enum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITLISTED: _l("On the waiting list"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}


class Attendance(str, enum.Enum):
    """What happened on the day, recorded at the door or afterwards."""

    NONE = "none"
    ATTENDED = "attended"
    #: Told us they could not come ("Afbud"), but kept their registration.
    ABSENT_NOTIFIED = "absent_notified"
    #: Neither came nor told us ("Udeblevet").
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return str(ATTENDANCE_LABELS[self])


ATTENDANCE_LABELS = {
    Attendance.NONE: _l("Not checked in"),
    Attendance.ATTENDED: _l("Checked in"),
    Attendance.ABSENT_NOTIFIED: _l("Absent, notified"),
    Attendance.NO_SHOW: _l("No-show"),
}

#: Longest partial-attendance note ("deltog i pkt. 1–3").
ATTENDANCE_NOTE_MAX = 200


def new_token_key() -> str:
    return secrets.token_urlsafe(16)


class Person(Base):
    """Someone who signs up; kept per organisation, which is the data controller."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("organisation_id", "email"),
        # The retention job looks for the organisation's people not yet erased.
        Index("ix_people_organisation_erased", "organisation_id", "erased_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: Lower-cased, so one person is one row whatever they type.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    job_title: Mapped[str] = mapped_column(String(TEXT_MAX), default="")
    workplace: Mapped[str] = mapped_column(String(TEXT_MAX), default="")
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Secret part of the signed link to the person's own calendar feed
    #: (eventsite.calendar.personal); a new value revokes the links handed out.
    #: Always set (nullable only for migration 0007's sake, see there).
    feed_key: Mapped[str | None] = mapped_column(String(32), default=new_token_key)
    #: When the person was erased (eventsite.privacy): the row is an anonymous placeholder
    #: kept so that registrations still count; None for everyone else.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (
        # One active place per person and event (or per session, see active_slot).
        UniqueConstraint("person_id", "event_id", "active_slot"),
        Index("ix_registrations_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(_enum_column(RegistrationStatus, 20))
    #: Makes "one active place" a database guarantee: 0 while active on an event that
    #: allows one session per person, the session id on events that allow several,
    #: NULL once cancelled (NULLs never collide in the unique constraint).
    active_slot: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(1000), default="")
    #: Secret part of the personal manage link; replacing it revokes old links.
    token_key: Mapped[str] = mapped_column(String(32), default=new_token_key)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Queue order on the waiting list (set when the person joins it).
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Attendance on the day; NONE until someone at the door records it.
    attendance: Mapped[Attendance] = mapped_column(
        _enum_column(Attendance, 20), default=Attendance.NONE, server_default=Attendance.NONE.value
    )
    #: When the person was checked in (None unless attendance is ATTENDED).
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The organiser account that checked the person in; kept if the account goes.
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Partial attendance in the door staff's words, e.g. "deltog i pkt. 1–3".
    attendance_note: Mapped[str] = mapped_column(String(ATTENDANCE_NOTE_MAX), default="", server_default="")
    #: Added to the session's SEQUENCE in this person's calendar invitation; raised on
    #: each cancel or move so the newest CANCEL or REQUEST always outranks the last one.
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: A place held for an anonymous sign-up until its email link is followed (see
    #: eventsite.registration.holds): it counts against capacity like any other, but is
    #: nobody's participant yet. None once confirmed (and for identified sign-ups).
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: Secret part of the single-use confirmation link; cleared when it is used.
    hold_key: Mapped[str | None] = mapped_column(String(32))
    #: The person's details as typed into the anonymous form (JSON), applied to the
    #: stored person only when the link is followed; cleared then or on release.
    held_details: Mapped[str | None] = mapped_column(Text)

    event: Mapped[Event] = relationship()
    session: Mapped[EventSession] = relationship()
    person: Mapped[Person] = relationship()
    dietary_note: Mapped[DietaryNote | None] = relationship(
        back_populates="registration", cascade="all, delete-orphan", uselist=False
    )

    @property
    def is_active(self) -> bool:
        return self.status is not RegistrationStatus.CANCELLED

    @property
    def is_held(self) -> bool:
        """Awaiting the email confirmation of an anonymous sign-up."""
        return self.held_until is not None


class DietaryNote(Base):
    """Dietary needs, kept apart: shared only with the caterer, deleted after the event."""

    __tablename__ = "dietary_notes"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    text: Mapped[str] = mapped_column(String(DIETARY_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="dietary_note")


class PendingSignup(Base):
    """A sign-up waiting for its email address to be confirmed (eventsite.registration.verification).

    Holds what was posted, so the confirmation runs the same sign-up as the form; it
    is deleted when confirmed, refused or expired (a day), never kept.
    """

    __tablename__ = "pending_signups"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    #: The posted form fields as JSON ({name: [values]}), without the CSRF token.
    form_data: Mapped[str] = mapped_column(Text)
    #: The secret in the confirmation link; the link names the row and this key.
    token_key: Mapped[str] = mapped_column(String(32), default=new_token_key)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    event: Mapped[Event] = relationship()


class MemberLink(Base):
    """An emailed entrance to the person's own page "Mine tilmeldinger" (registration.member_links).

    The link works once, within an hour; entering starts a member session, whose key
    lives only in the person's cookie: the row keeps its SHA-256 digest. The database
    holds no working link either: the link's secret is an HMAC of `nonce` with the
    app's SECRET_KEY, recomputed when it is followed.
    """

    __tablename__ = "member_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(String(32), default=new_token_key)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the link was followed (it then works no more).
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 (hex) of the member session's key held in the person's cookie.
    session_digest: Mapped[str | None] = mapped_column(String(64))
    #: When the session was ended (logout, erasure); None while it may still be used.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()


#: Longest consent wording kept with a consent.
CONSENT_WORDING_MAX = 500


class ListConsent(Base):
    """A participant's answer to "show me on the participant list", kept as a log.

    Each change is a new row with the time and the exact wording the person saw; the
    newest row for a registration is the answer in force (none: not on the list).
    """

    __tablename__ = "list_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    given: Mapped[bool] = mapped_column(Boolean)
    wording: Mapped[str] = mapped_column(String(CONSENT_WORDING_MAX))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()
