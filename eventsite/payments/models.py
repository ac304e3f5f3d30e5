"""Fees, event days, add-ons, who pays, and subsidy budgets and requests.

Amounts are integer øre throughout (see `eventsite.payments.pricing`). Prices a
person was quoted are copied onto their registration (`Billing.fee_ore`,
`RegistrationAddOn.price_ore`), so a later price change never alters an invoice.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsite.db import Base, UTCDateTime, utcnow
from eventsite.events.models import Event, _enum_column
from eventsite.registration.models import Registration

TITLE_MAX = 200
DESCRIPTION_MAX = 500
SHARE_WITH_MAX = 200
REASON_MAX = 1000
NOTE_MAX = 1000
ORGANISATION_MAX = 200
REFERENCE_MAX = 100
ORDER_NUMBER_MAX = 100


class AddOnKind(str, enum.Enum):
    WORKSHOP = "workshop"
    RECEPTION = "reception"
    DINNER = "dinner"
    SINGLE_ROOM = "single_room"
    DOUBLE_ROOM = "double_room"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(ADDON_KIND_LABELS[self])

    @property
    def is_accommodation(self) -> bool:
        return self in (AddOnKind.SINGLE_ROOM, AddOnKind.DOUBLE_ROOM)


ADDON_KIND_LABELS = {
    AddOnKind.WORKSHOP: _l("Workshop"),
    AddOnKind.RECEPTION: _l("Reception"),
    AddOnKind.DINNER: _l("Dinner"),
    AddOnKind.SINGLE_ROOM: _l("Overnight stay in a single room"),
    AddOnKind.DOUBLE_ROOM: _l("A place in a shared double room"),
    AddOnKind.OTHER: _l("Other"),
}


class PayerKind(str, enum.Enum):
    PERSON = "person"
    EAN = "ean"

    @property
    def label(self) -> str:
        return str(PAYER_KIND_LABELS[self])


PAYER_KIND_LABELS = {
    PayerKind.PERSON: _l("I pay myself"),
    PayerKind.EAN: _l("My employer pays by EAN invoice"),
}


class SubsidyStatus(str, enum.Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return str(SUBSIDY_STATUS_LABELS[self])


SUBSIDY_STATUS_LABELS = {
    SubsidyStatus.REQUESTED: _l("Awaiting a decision"),
    SubsidyStatus.APPROVED: _l("Approved"),
    SubsidyStatus.DECLINED: _l("Declined"),
}


class FeeSettings(Base):
    """An event's fee for members and non-members (events without days)."""

    __tablename__ = "event_fees"
    __table_args__ = (
        CheckConstraint("member_price_ore >= 0 AND non_member_price_ore >= 0", name="prices_not_negative"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    #: Øre; 0 = free for members.
    member_price_ore: Mapped[int] = mapped_column(Integer, default=0)
    #: Øre; 0 = free for non-members.
    non_member_price_ore: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()


class DayPriceRow(Base):
    """The fee for attending a number of days of a multi-day event."""

    __tablename__ = "event_day_prices"
    __table_args__ = (
        UniqueConstraint("event_id", "days"),
        CheckConstraint("days >= 1", name="days_positive"),
        CheckConstraint("member_price_ore >= 0 AND non_member_price_ore >= 0", name="prices_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: Number of days attended (1, 2, 3, ...), not a particular day.
    days: Mapped[int] = mapped_column(Integer)
    member_price_ore: Mapped[int] = mapped_column(Integer)
    non_member_price_ore: Mapped[int] = mapped_column(Integer)


class EventDay(Base):
    """One day of a multi-day event that a person may choose to attend."""

    __tablename__ = "event_days"
    __table_args__ = (
        UniqueConstraint("event_id", "day"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: The local (Europe/Copenhagen) date; must lie within one of the event's sessions.
    day: Mapped[date] = mapped_column(Date)
    #: Shown next to the date, e.g. "Oplæg og workshops".
    label: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    #: Places that day; None = as many as the session has.
    capacity: Mapped[int | None] = mapped_column(Integer)

    event: Mapped[Event] = relationship()


class AddOn(Base):
    """Something extra a person can choose: a workshop, a reception, a dinner, a room.

    A full add-on is shown as full and cannot be chosen; it has no waiting list of its own.
    """

    __tablename__ = "event_addons"
    __table_args__ = (
        CheckConstraint("price_ore >= 0", name="price_not_negative"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AddOnKind] = mapped_column(_enum_column(AddOnKind, 20))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="")
    price_ore: Mapped[int] = mapped_column(Integer, default=0)
    #: Places (for a double room: beds, two per room); None = unlimited.
    capacity: Mapped[int | None] = mapped_column(Integer)
    #: Order on the sign-up form.
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()


class RegistrationDay(Base):
    """A day a registration attends; counts against the day's capacity while the registration is active."""

    __tablename__ = "registration_days"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("event_days.id", ondelete="CASCADE"), primary_key=True, index=True)

    registration: Mapped[Registration] = relationship()
    day: Mapped[EventDay] = relationship()


class RegistrationAddOn(Base):
    """An add-on a registration took; holds a place while the registration is active (also waiting)."""

    __tablename__ = "registration_addons"
    __table_args__ = (CheckConstraint("price_ore >= 0", name="price_not_negative"),)

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    addon_id: Mapped[int] = mapped_column(ForeignKey("event_addons.id"), primary_key=True, index=True)
    #: The price quoted at sign-up, in øre.
    price_ore: Mapped[int] = mapped_column(Integer)
    #: For a shared double room: whom the person would like to share with.
    share_with: Mapped[str] = mapped_column(String(SHARE_WITH_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()
    addon: Mapped[AddOn] = relationship()


class Billing(Base):
    """Who pays for a registration, what they were quoted, and whether it is invoiced and paid."""

    __tablename__ = "registration_billing"
    __table_args__ = (
        CheckConstraint("fee_ore >= 0", name="fee_not_negative"),
        CheckConstraint("payer_kind <> 'ean' OR ean IS NOT NULL", name="ean_given"),
    )

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    #: As the person declared it when signing up; None when the event did not ask.
    is_member: Mapped[bool | None] = mapped_column(Boolean)
    #: The fee quoted at sign-up (for the days attended), in øre; add-ons are kept apart.
    fee_ore: Mapped[int] = mapped_column(Integer, default=0)
    payer_kind: Mapped[PayerKind] = mapped_column(_enum_column(PayerKind, 10), default=PayerKind.PERSON)
    #: 13 digits, check digit verified (EAN-lokationsnummer / GLN).
    ean: Mapped[str | None] = mapped_column(String(13))
    #: The paying organisation (the employer), for EAN invoices.
    invoice_organisation: Mapped[str] = mapped_column(String(ORGANISATION_MAX), default="")
    #: Personreference: the person at the payer who approves the invoice (required by public bodies).
    invoice_reference: Mapped[str] = mapped_column(String(REFERENCE_MAX), default="")
    #: Order or requisition number (ordrenummer/rekvisitionsnummer), if the payer uses one.
    order_number: Mapped[str] = mapped_column(String(ORDER_NUMBER_MAX), default="")
    #: 8 digits, modulus-11 verified; optional.
    cvr: Mapped[str | None] = mapped_column(String(8))
    invoiced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    registration: Mapped[Registration] = relationship()


class SubsidyBudget(Base):
    """An event offers subsidised places: how many and/or how much in total.

    Approvals lock this row before counting, so two organisers approving at once
    cannot exceed it.
    """

    __tablename__ = "subsidy_budgets"
    __table_args__ = (
        CheckConstraint("places IS NULL OR places >= 0", name="places_not_negative"),
        CheckConstraint("amount_ore IS NULL OR amount_ore >= 0", name="amount_not_negative"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    #: Subsidised places; None = no limit on the number (the amount may still limit).
    places: Mapped[int | None] = mapped_column(Integer)
    #: Total grants in øre; None = no limit on the amount (the places may still limit).
    amount_ore: Mapped[int | None] = mapped_column(Integer)
    #: Shown on the sign-up form, e.g. who may apply.
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()


class SubsidyRequest(Base):
    """A person's request for a subsidised place, and the organiser's decision."""

    __tablename__ = "subsidy_requests"
    __table_args__ = (CheckConstraint("granted_ore IS NULL OR granted_ore >= 0", name="granted_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    #: Denormalised from the registration so the queue and the budget count need no join.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    wants_fee: Mapped[bool] = mapped_column(Boolean, default=False)
    wants_transport: Mapped[bool] = mapped_column(Boolean, default=False)
    wants_accommodation: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    status: Mapped[SubsidyStatus] = mapped_column(_enum_column(SubsidyStatus, 20), default=SubsidyStatus.REQUESTED)
    #: Amount granted in øre (set against the fee on the invoice); None = a place without an amount.
    granted_ore: Mapped[int | None] = mapped_column(Integer)
    #: The organiser's note to the person, sent with the decision.
    decision_note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The organiser who decided; None once that account is deleted.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()
    event: Mapped[Event] = relationship()

    @property
    def sought(self) -> list[str]:
        """What is sought, in words ("deltagergebyr", "transport", ...)."""
        labels = []
        if self.wants_fee:
            labels.append(str(_l("fee")))
        if self.wants_transport:
            labels.append(str(_l("transport")))
        if self.wants_accommodation:
            labels.append(str(_l("accommodation")))
        return labels
