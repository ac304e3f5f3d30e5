"""Payments' personal data: subsidy requests and decisions, invoice details, room-sharing wishes.

Erasure keeps what bookkeeping needs (the Danish bookkeeping act, bogføringsloven §10,
requires the accounting material to be kept for 5 years): the amounts, the payer kind,
the paying organisation, its EAN and CVR numbers, the order number and the invoice and
payment dates. It removes what describes the person: the personal reference at the
payer, whom they wanted to share a room with, the reason given for a subsidy and the
organiser's note. The subsidy's status and amount stay (the budget counts them). Once
five years have passed, the retention step removes the paying organisation's details of
erased people too, leaving only amounts and dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from eventsite import personal_data
from eventsite.events.models import Event
from eventsite.extensions import db
from eventsite.payments.models import Billing, RegistrationAddOn, SubsidyRequest
from eventsite.personal_data import Category, RetentionStep, Subject, Unit, count_due, due_batch
from eventsite.registration.models import Person, Registration


def _registration_ids(subjects: Sequence[Subject]) -> Any:
    return select(Registration.id).where(Registration.person_id.in_([subject.id for subject in subjects]))


def export_subsidies(subject: Subject) -> list[dict[str, Any]]:
    """The person's subsidy requests, their reasons and the decisions."""
    rows = db.session.execute(
        select(SubsidyRequest, Event.title)
        .join(Registration, Registration.id == SubsidyRequest.registration_id)
        .join(Event, Event.id == SubsidyRequest.event_id)
        .where(Registration.person_id == subject.id)
        .order_by(SubsidyRequest.created_at)
    ).all()
    return [
        {
            "event": title,
            "sought": ", ".join(request.sought),
            **personal_data.row(
                request, ("reason", "status", "granted_ore", "decision_note", "decided_at", "created_at")
            ),
        }
        for request, title in rows
    ]


def erase_subsidies(subjects: Sequence[Subject]) -> int:
    """Scrub the reasons and the organiser's notes; status and amounts stay for the budget."""
    if not subjects:
        return 0
    result = db.session.execute(
        update(SubsidyRequest)
        .where(
            SubsidyRequest.registration_id.in_(_registration_ids(subjects)),
            or_(SubsidyRequest.reason != "", SubsidyRequest.decision_note != ""),
        )
        .values(reason="", decision_note="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def export_invoices(subject: Subject) -> list[dict[str, Any]]:
    """Who pays for each registration, the fee quoted, the add-ons taken and the invoice dates."""
    rows = db.session.execute(
        select(Billing, Event.title)
        .join(Registration, Registration.id == Billing.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.person_id == subject.id)
        .order_by(Billing.created_at)
    ).all()
    addons: dict[int, list[RegistrationAddOn]] = {}
    for addon in db.session.execute(
        select(RegistrationAddOn)
        .join(Registration, Registration.id == RegistrationAddOn.registration_id)
        .where(Registration.person_id == subject.id)
    ).scalars():
        addons.setdefault(addon.registration_id, []).append(addon)
    return [
        {
            "event": title,
            **personal_data.row(
                billing,
                (
                    "is_member",
                    "fee_ore",
                    "payer_kind",
                    "ean",
                    "cvr",
                    "invoice_organisation",
                    "invoice_reference",
                    "order_number",
                    "invoiced_at",
                    "paid_at",
                ),
            ),
            "add_ons": "; ".join(
                f"{addon.addon.title} ({addon.price_ore} øre)" + (f", {addon.share_with}" if addon.share_with else "")
                for addon in addons.get(billing.registration_id, [])
            ),
        }
        for billing, title in rows
    ]


def erase_invoices(subjects: Sequence[Subject]) -> int:
    """Keep what bookkeeping needs for 5 years; remove the personal reference and room-sharing wishes."""
    if not subjects:
        return 0
    registrations = _registration_ids(subjects)
    db.session.execute(
        update(RegistrationAddOn)
        .where(RegistrationAddOn.registration_id.in_(registrations), RegistrationAddOn.share_with != "")
        .values(share_with="")
        .execution_options(synchronize_session=False)
    )
    result = db.session.execute(
        update(Billing)
        .where(Billing.registration_id.in_(registrations), Billing.invoice_reference != "")
        .values(invoice_reference="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def _kept_for_bookkeeping(organisation_id: int, cutoff: datetime) -> Any:
    """Billing rows of erased people, invoiced (or made) before `cutoff`, still naming the payer."""
    return (
        select(Billing.registration_id)
        .join(Registration, Registration.id == Billing.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Person.organisation_id == organisation_id,
            Person.erased_at.is_not(None),
            func.coalesce(Billing.invoiced_at, Billing.created_at) < cutoff,
            or_(Billing.invoice_organisation != "", Billing.order_number != "", Billing.cvr.is_not(None)),
        )
    )


def count_bookkeeping(organisation_id: int, cutoff: datetime) -> int:
    return count_due(_kept_for_bookkeeping(organisation_id, cutoff))


def scrub_bookkeeping(organisation_id: int, cutoff: datetime, limit: int) -> int:
    """After five years: only amounts and dates stay of erased people's invoices."""
    ids = due_batch(_kept_for_bookkeeping(organisation_id, cutoff), limit)
    if ids:
        db.session.execute(
            update(Billing)
            .where(Billing.registration_id.in_(ids))
            .values(invoice_organisation="", order_number="", cvr=None)
            .execution_options(synchronize_session=False)
        )
    return len(ids)


BOOKKEEPING_STEP = RetentionStep(
    name="invoice_details",
    label=_l("Invoice details of erased participants"),
    reason=_l(
        "The bookkeeping act requires accounting material to be kept for 5 years; after that only "
        "amounts and dates stay."
    ),
    default=5,
    unit=Unit.YEARS,
    count=count_bookkeeping,
    apply=scrub_bookkeeping,
    configurable=False,
    minimum=5,
    maximum=5,
)


def init_app(app: Flask) -> None:
    """Register the subsidy requests and the invoice details as categories of personal data."""
    personal_data.add_category(
        app,
        Category(
            name="subsidies",
            label=_l("Subsidy requests and decisions"),
            export=export_subsidies,
            erase=erase_subsidies,
            erasure_note=_l("The reasons and notes are removed; status and amounts stay for the budget."),
        ),
    )
    personal_data.add_category(
        app,
        Category(
            name="invoices",
            label=_l("Invoice details"),
            export=export_invoices,
            erase=erase_invoices,
            erasure_note=_l(
                "Kept for 5 years as the bookkeeping act requires: amounts, the paying organisation, "
                "EAN, CVR, order number and dates. The personal reference and room-sharing wishes are removed."
            ),
            retention=(BOOKKEEPING_STEP,),
        ),
    )
