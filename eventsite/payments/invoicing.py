"""The invoicing list of an event, invoiced/paid marks, and its CSV and XLSX exports.

One line per registration that has a price: each is one invoice, to the person or
to their employer's EAN number, with the amounts itemised (the fee, then one
column per add-on), any subsidy granted, and what is due now. The CSV is written
for Danish Excel (UTF-8 with BOM, semicolons, decimal commas); both formats pass
text through `organiser.exports.neutralise` against formula injection.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsite.audit import record_audit
from eventsite.db import utcnow
from eventsite.events.models import LOCAL_TZ, Event
from eventsite.extensions import db
from eventsite.payments import pricing
from eventsite.payments.models import (
    AddOn,
    Billing,
    PayerKind,
    RegistrationDay,
    SubsidyRequest,
    SubsidyStatus,
)
from eventsite.payments.operations import chosen_addons, snapshot_quote
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.spreadsheets import neutralise


@dataclass
class InvoiceRow:
    registration: Registration
    billing: Billing
    quote: pricing.Quote
    days: int
    granted: int
    #: Øre owed now (after a late cancellation too; 0 on the waiting list or after an early one).
    due: int

    @property
    def addon_amounts(self) -> dict[int, int]:
        return {line.addon_id: line.amount for line in self.quote.lines if line.addon_id is not None}

    @property
    def payer_name(self) -> str:
        if self.billing.payer_kind is PayerKind.EAN:
            return self.billing.invoice_organisation
        return self.registration.person.name


def invoice_rows(event_id: int) -> list[InvoiceRow]:
    """Every registration of the event that has a price, in sign-up order."""
    billings = list(
        db.session.execute(
            select(Billing)
            .join(Registration, Registration.id == Billing.registration_id)
            .where(Registration.event_id == event_id)
            .options(selectinload(Billing.registration).selectinload(Registration.person))
            .order_by(Registration.created_at, Registration.id)
        ).scalars()
    )
    ids = [b.registration_id for b in billings]
    if not ids:
        return []
    addons = chosen_addons(ids)
    day_counts: dict[int, int] = {i: 0 for i in ids}
    for registration_id in db.session.execute(
        select(RegistrationDay.registration_id).where(RegistrationDay.registration_id.in_(ids))
    ).scalars():
        day_counts[registration_id] += 1
    grants = dict(
        db.session.execute(
            select(SubsidyRequest.registration_id, SubsidyRequest.granted_ore).where(
                SubsidyRequest.registration_id.in_(ids), SubsidyRequest.status == SubsidyStatus.APPROVED
            )
        ).all()
    )
    rows = []
    for billing in billings:
        registration = billing.registration
        quote = snapshot_quote(billing, day_counts[registration.id], addons[registration.id])
        granted = grants.get(registration.id) or 0
        due = pricing.apply_grant(
            pricing.amount_due(
                quote.total,
                confirmed=registration.status is RegistrationStatus.CONFIRMED,
                ever_confirmed=registration.confirmed_at is not None,
                cancelled_at=registration.cancelled_at,
                cancellation_deadline=registration.event.cancellation_deadline,
            ),
            granted,
        )
        rows.append(InvoiceRow(registration, billing, quote, day_counts[registration.id], granted, due))
    return rows


def rows_to_invoice(rows: Iterable[InvoiceRow]) -> list[InvoiceRow]:
    """The rows for the bookkeeping export: something is due, or an invoice has already gone out."""
    return [row for row in rows if row.due > 0 or row.billing.invoiced_at is not None]


# --- marks ------------------------------------------------------------------------

MARKS = ("invoiced", "paid", "not_invoiced", "not_paid")


def mark(event: Event, registration_ids: Iterable[int], action: str, *, now: datetime | None = None) -> int:
    """Mark the event's registrations invoiced or paid (or undo it); returns how many changed. Flushes."""

    if action not in MARKS:
        raise ValueError(action)
    now = now or utcnow()
    ids = list(registration_ids)
    if not ids:
        return 0
    billings = db.session.execute(
        select(Billing)
        .join(Registration, Registration.id == Billing.registration_id)
        .where(Registration.event_id == event.id, Billing.registration_id.in_(ids))
        .with_for_update()
    ).scalars()
    changed = 0
    for billing in billings:
        before = {"invoiced_at": billing.invoiced_at, "paid_at": billing.paid_at}
        if action == "invoiced" and billing.invoiced_at is None:
            billing.invoiced_at = now
        elif action == "paid" and billing.paid_at is None:
            billing.paid_at = now
            # Paid implies invoiced: the list should not ask to invoice it again.
            billing.invoiced_at = billing.invoiced_at or now
        elif action == "not_invoiced" and billing.invoiced_at is not None and billing.paid_at is None:
            billing.invoiced_at = None
        elif action == "not_paid" and billing.paid_at is not None:
            billing.paid_at = None
        else:
            continue
        changed += 1
        record_audit(
            event.organisation_id,
            "registration",
            billing.registration_id,
            f"marked_{action}",
            before=before,
            after={"invoiced_at": billing.invoiced_at, "paid_at": billing.paid_at},
        )
    db.session.flush()
    return changed


# --- exports ------------------------------------------------------------------------


def _kroner(ore: int) -> str:
    """'1234,50' for a spreadsheet cell: a decimal comma, no thousands separator, no currency."""
    kroner, rest = divmod(ore, 100)
    return f"{kroner},{rest:02d}"


def _local(value: datetime | None) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%d-%m-%Y") if value else ""


def export_table(event_id: int) -> tuple[list[str], list[list]]:
    """Header and rows of the invoicing export, amounts as øre (formatted per file type)."""
    addons = list(
        db.session.execute(select(AddOn).where(AddOn.event_id == event_id).order_by(AddOn.position, AddOn.id)).scalars()
    )
    header = [
        _("Registration no."),
        _("Participant"),
        _("E-mail"),
        _("Status"),
        _("Payer"),
        _("Paying organisation"),
        _("EAN number"),
        _("CVR number"),
        _("Person reference"),
        _("Order number"),
        _("Member"),
        _("Days"),
        _("Fee"),
    ]
    header += [addon.title for addon in addons]
    header += [_("Total"), _("Subsidy"), _("Due"), _("Invoiced"), _("Paid")]
    body = []
    for row in rows_to_invoice(invoice_rows(event_id)):
        r, b = row.registration, row.billing
        member = "" if b.is_member is None else (_("Yes") if b.is_member else _("No"))
        line = [
            r.id,
            r.person.name,
            r.person.email,
            r.status.label,
            b.payer_kind.label,
            b.invoice_organisation,
            b.ean or "",
            b.cvr or "",
            b.invoice_reference,
            b.order_number,
            member,
            row.days or "",
            ("ore", row.quote.fee),
        ]
        amounts = row.addon_amounts
        line += [("ore", amounts[a.id]) if a.id in amounts else "" for a in addons]
        line += [
            ("ore", row.quote.total),
            ("ore", row.granted),
            ("ore", row.due),
            _local(b.invoiced_at),
            _local(b.paid_at),
        ]
        body.append(line)
    return header, body


def invoicing_csv(event_id: int) -> bytes:
    """The export as CSV for Danish Excel: BOM, semicolons, decimal commas."""
    header, body = export_table(event_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for line in body:
        writer.writerow([_kroner(cell[1]) if isinstance(cell, tuple) else neutralise(cell) for cell in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def invoicing_xlsx(event_id: int) -> bytes:
    """The export as an Excel workbook: amounts as numbers in kroner with a "kr." format."""
    header, body = export_table(event_id)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Invoicing")[:31]
    sheet.append([neutralise(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in body:
        sheet.append([Decimal(cell[1]).scaleb(-2) if isinstance(cell, tuple) else neutralise(cell) for cell in line])
        for index, cell in enumerate(line, start=1):
            if isinstance(cell, tuple):
                sheet.cell(row=sheet.max_row, column=index).number_format = '#,##0.00 "kr."'
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
