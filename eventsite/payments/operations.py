"""Days, add-ons, payer and subsidy request of a new registration.

`record_choices` runs in the sign-up's transaction, right after
`registration.operations.register` (which has locked the session row). It locks
the chosen days and add-ons in id order, counts the places taken under that lock,
and refuses a full one; nothing is saved then, because the caller rolls back.
PostgreSQL locks the rows (FOR UPDATE); SQLite's writing transactions already hold
the database write lock from BEGIN IMMEDIATE (see eventsite.db).

A full add-on or day is shown as full and cannot be chosen: there is no waiting
list per add-on. A person on the session's waiting list holds their days and
add-ons, so a promotion never fails for want of a workshop place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from eventsite.db import utcnow
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.payments import pricing
from eventsite.payments.display import format_event_day
from eventsite.payments.identifiers import normalise_cvr, normalise_ean
from eventsite.payments.models import (
    AddOn,
    AddOnKind,
    Billing,
    EventDay,
    PayerKind,
    RegistrationAddOn,
    RegistrationDay,
    SubsidyRequest,
    SubsidyStatus,
)
from eventsite.payments.offer import EventOffer, event_offer, has_offer, taken_per_addon, taken_per_day
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.registration.operations import RegistrationError


class PaymentError(RegistrationError):
    """A choice of days, add-ons, payer or subsidy that is refused (the sign-up is not saved)."""


@dataclass(frozen=True)
class InvoiceDetails:
    """An employer paying by EAN invoice."""

    ean: str
    organisation: str
    reference: str
    order_number: str = ""
    cvr: str | None = None


@dataclass(frozen=True)
class SubsidyWish:
    fee: bool = False
    transport: bool = False
    accommodation: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Choices:
    """What a person chose on the sign-up form, beyond the session."""

    #: None when the event charges members and non-members alike (nobody is asked).
    is_member: bool | None = None
    day_ids: frozenset[int] = frozenset()
    addon_ids: frozenset[int] = frozenset()
    #: Whom the person would like to share a double room with.
    share_with: str = ""
    #: None: the person pays (or nothing is due).
    invoice: InvoiceDetails | None = None
    subsidy: SubsidyWish | None = None

    def record(self, registration: Registration, now: datetime) -> None:
        """Save them for a new registration (the sign-up's answers: see `record_choices`)."""
        record_choices(registration, self, now=now)


def lock_days(day_ids: list[int]) -> list[EventDay]:
    """Load days with their rows locked until the transaction ends (in id order: no deadlocks)."""
    if not day_ids:
        return []
    return list(
        db.session.execute(
            select(EventDay).where(EventDay.id.in_(day_ids)).order_by(EventDay.id).with_for_update()
        ).scalars()
    )


def lock_addons(addon_ids: list[int]) -> list[AddOn]:
    """Load add-ons with their rows locked until the transaction ends (in id order: no deadlocks)."""
    if not addon_ids:
        return []
    return list(
        db.session.execute(select(AddOn).where(AddOn.id.in_(addon_ids)).order_by(AddOn.id).with_for_update()).scalars()
    )


def _check_invoice(invoice: InvoiceDetails) -> InvoiceDetails:
    # The form validated already; checking again keeps the domain safe from other callers.
    if not invoice.organisation.strip():
        raise PaymentError(_l("Enter the name of the organisation that pays."))
    if not invoice.reference.strip():
        raise PaymentError(_l("Enter a person reference: public bodies cannot pay an invoice without one."))
    return InvoiceDetails(
        ean=normalise_ean(invoice.ean),
        organisation=invoice.organisation.strip(),
        reference=invoice.reference.strip(),
        order_number=invoice.order_number.strip(),
        cvr=normalise_cvr(invoice.cvr),
    )


def record_choices(registration: Registration, choices: Choices, *, now: datetime | None = None) -> pricing.Quote:
    """Save a new registration's days, add-ons, payer and subsidy request; refuse full ones. Flushes."""
    now = now or utcnow()
    offer = event_offer(registration.event_id, with_places=False)
    try:
        quote = pricing.quote(offer.prices, pricing.Choice(choices.is_member, choices.day_ids, choices.addon_ids))
    except pricing.ChoiceError as error:
        raise PaymentError(error.message) from None

    days = lock_days(sorted(choices.day_ids))
    taken = taken_per_day([d.id for d in days])
    for day in days:
        if day.capacity is not None and taken.get(day.id, 0) >= day.capacity:
            raise PaymentError(_l("%(day)s is fully booked; choose other days.", day=format_event_day(day.day)))
    addons = lock_addons(sorted(choices.addon_ids))
    taken = taken_per_addon([a.id for a in addons])
    for addon in addons:
        if addon.capacity is not None and taken.get(addon.id, 0) >= addon.capacity:
            raise PaymentError(_l("“%(title)s” is fully booked; sign up without it.", title=addon.title))

    for day in days:
        db.session.add(RegistrationDay(registration_id=registration.id, day_id=day.id))
    for addon in addons:
        db.session.add(
            RegistrationAddOn(
                registration_id=registration.id,
                addon_id=addon.id,
                price_ore=addon.price_ore,
                share_with=choices.share_with.strip() if addon.kind is AddOnKind.DOUBLE_ROOM else "",
                created_at=now,
            )
        )
    if offer.prices.charges_anything:
        billing = Billing(
            registration_id=registration.id, is_member=choices.is_member, fee_ore=quote.fee, created_at=now
        )
        if choices.invoice is not None and quote.total > 0:
            invoice = _check_invoice(choices.invoice)
            billing.payer_kind = PayerKind.EAN
            billing.ean = invoice.ean
            billing.invoice_organisation = invoice.organisation
            billing.invoice_reference = invoice.reference
            billing.order_number = invoice.order_number
            billing.cvr = invoice.cvr
        db.session.add(billing)
    if choices.subsidy is not None:
        if not offer.offers_subsidy:
            raise PaymentError(_l("This event offers no subsidised places."))
        wish = choices.subsidy
        if not (wish.fee or wish.transport or wish.accommodation):
            raise PaymentError(_l("Tick what you apply for: the fee, transport or accommodation."))
        if not wish.reason.strip():
            raise PaymentError(_l("Give a short reason for your application."))
        db.session.add(
            SubsidyRequest(
                registration_id=registration.id,
                event_id=registration.event_id,
                wants_fee=wish.fee,
                wants_transport=wish.transport,
                wants_accommodation=wish.accommodation,
                reason=wish.reason.strip(),
                created_at=now,
            )
        )
    db.session.flush()
    return quote


# --- what a registration has chosen and owes ------------------------------------------


@dataclass
class RegistrationPayment:
    """A registration's days, add-ons, price, payer and subsidy request, for pages and emails."""

    registration: Registration
    days: list[EventDay]
    addons: list[RegistrationAddOn]
    billing: Billing | None
    subsidy: SubsidyRequest | None
    quote: pricing.Quote

    @property
    def total(self) -> int:
        return self.quote.total

    @property
    def granted(self) -> int:

        if self.subsidy is not None and self.subsidy.status is SubsidyStatus.APPROVED:
            return self.subsidy.granted_ore or 0
        return 0

    @property
    def payable(self) -> int:
        """The total after any grant (never below 0)."""
        return pricing.apply_grant(self.total, self.granted)

    def due(self) -> int:
        """What is owed now (after any grant)."""
        r = self.registration
        return pricing.apply_grant(
            pricing.amount_due(
                self.total,
                confirmed=r.status is RegistrationStatus.CONFIRMED,
                ever_confirmed=r.confirmed_at is not None,
                cancelled_at=r.cancelled_at,
                cancellation_deadline=r.event.cancellation_deadline,
            ),
            self.granted,
        )

    def due_if_cancelled(self, now: datetime) -> int:
        """What stays owed if the person cancels at `now` (shown before they cancel)."""
        r = self.registration
        return pricing.apply_grant(
            pricing.amount_due(
                self.total,
                confirmed=False,
                ever_confirmed=r.status is RegistrationStatus.CONFIRMED or r.confirmed_at is not None,
                cancelled_at=now,
                cancellation_deadline=r.event.cancellation_deadline,
            ),
            self.granted,
        )

    @property
    def is_empty(self) -> bool:
        return not (self.days or self.addons or self.billing or self.subsidy)


def snapshot_quote(billing: Billing | None, days: int, addons: list[RegistrationAddOn]) -> pricing.Quote:
    """The itemised price as quoted at sign-up (prices copied then, not today's)."""
    lines: list[pricing.Line] = []
    if billing is not None and billing.fee_ore:
        kind = pricing.LineKind.DAYS if days else pricing.LineKind.FEE
        lines.append(pricing.Line(kind, billing.fee_ore, is_member=billing.is_member, days=days))
    for chosen in addons:
        lines.append(
            pricing.Line(pricing.LineKind.ADDON, chosen.price_ore, title=chosen.addon.title, addon_id=chosen.addon_id)
        )
    return pricing.Quote(tuple(lines))


def registration_payment(registration: Registration) -> RegistrationPayment | None:
    """A registration's choices and price, or None when the event offers nothing of the kind."""
    return registration_payments([registration])[registration.id]


def chosen_addons(registration_ids: list[int]) -> dict[int, list[RegistrationAddOn]]:
    """The add-ons each registration chose (with the add-on loaded), in the offer's order."""
    addons: dict[int, list[RegistrationAddOn]] = {i: [] for i in registration_ids}
    for chosen in db.session.execute(
        select(RegistrationAddOn)
        .join(AddOn, AddOn.id == RegistrationAddOn.addon_id)
        .where(RegistrationAddOn.registration_id.in_(registration_ids))
        .options(contains_eager(RegistrationAddOn.addon))
        .order_by(AddOn.position, AddOn.id)
    ).scalars():
        addons[chosen.registration_id].append(chosen)
    return addons


def registration_payments(registrations: list[Registration]) -> dict[int, RegistrationPayment | None]:
    """`registration_payment` for many registrations in four queries (the mail worker's batches)."""
    ids = [r.id for r in registrations]
    if not ids:
        return {}
    days: dict[int, list[EventDay]] = {i: [] for i in ids}
    for registration_id, day in db.session.execute(
        select(RegistrationDay.registration_id, EventDay)
        .join(EventDay, RegistrationDay.day_id == EventDay.id)
        .where(RegistrationDay.registration_id.in_(ids))
        .order_by(EventDay.day)
    ).tuples():
        days[registration_id].append(day)
    addons = chosen_addons(ids)
    billings = {
        b.registration_id: b
        for b in db.session.execute(select(Billing).where(Billing.registration_id.in_(ids))).scalars()
    }
    subsidies = {
        s.registration_id: s
        for s in db.session.execute(select(SubsidyRequest).where(SubsidyRequest.registration_id.in_(ids))).scalars()
    }
    payments: dict[int, RegistrationPayment | None] = {}
    for registration in registrations:
        rid = registration.id
        billing = billings.get(rid)
        payment = RegistrationPayment(
            registration,
            days[rid],
            addons[rid],
            billing,
            subsidies.get(rid),
            snapshot_quote(billing, len(days[rid]), addons[rid]),
        )
        payments[rid] = None if payment.is_empty else payment
    return payments


def offer_for_signup(event: Event) -> EventOffer | None:
    """The offer to show on the sign-up form, or None when there is nothing to ask."""
    # Event.has_offer: usually loaded with the event (see eventsite.payments.offer).
    if not has_offer(event):
        return None
    offer = event_offer(event.id)
    return None if offer.is_empty else offer
