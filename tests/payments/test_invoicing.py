"""The invoicing list and its exports: one line per payer, itemised, with what is due after cancellations."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from eventsite.audit import AuditEntry
from eventsite.extensions import db
from eventsite.payments.invoicing import invoice_rows, rows_to_invoice
from eventsite.payments.models import Billing, SubsidyRequest
from eventsite.payments.operations import Choices, InvoiceDetails, SubsidyWish
from eventsite.payments.subsidies import decide
from eventsite.registration.models import Registration
from eventsite.registration.operations import cancel
from tests.conftest import FUTURE
from tests.helpers import csrf_token, visible_text
from tests.payments.conftest import VALID_CVR, VALID_EAN

DEADLINE = FUTURE - timedelta(days=10)
EAN = InvoiceDetails(VALID_EAN, "Næstved Kommune", "ABCDE", order_number="PO-4711", cvr=VALID_CVR)


def cancel_at(app, registration_id: int, when):
    # After the cancellation deadline only an organiser can cancel (the fee stays due).
    with app.test_request_context(method="POST"):
        cancel(db.session.get(Registration, registration_id), now=when, by_organiser=True)
        db.session.commit()


def setup_event(app, create_conference, register_person):
    conference = create_conference(cancellation_deadline=DEADLINE)
    workshop = conference.addons["Workshop: Svære samtaler"]
    two_days = frozenset(conference.day_ids)
    ids = {
        "ean": register_person(
            conference.session_id,
            choices=Choices(True, two_days, frozenset({workshop}), invoice=EAN),
            notify=True,
            name="Mette Kjær Hansen",
        ).id,
        "early": register_person(
            conference.session_id, choices=Choices(False, two_days), notify=True, name="Lars Østergaard"
        ).id,
        "late": register_person(
            conference.session_id,
            choices=Choices(False, frozenset(conference.day_ids[:1])),
            notify=True,
            name='=HYPERLINK("x")',
        ).id,
        "subsidised": register_person(
            conference.session_id,
            choices=Choices(True, two_days, subsidy=SubsidyWish(fee=True, reason="Ingen midler")),
            notify=True,
            name="Birgitte Lund",
        ).id,
    }
    cancel_at(app, ids["early"], DEADLINE - timedelta(days=1))
    cancel_at(app, ids["late"], DEADLINE + timedelta(hours=1))
    with app.test_request_context(method="POST"):
        request = db.session.execute(
            select(SubsidyRequest).where(SubsidyRequest.registration_id == ids["subsidised"])
        ).scalar_one()
        decide(request, True, granted_ore=200000)
        db.session.commit()
    return conference, ids


def test_what_is_due_follows_cancellations_and_grants(app, create_conference, register_person):
    conference, ids = setup_event(app, create_conference, register_person)
    with app.app_context():
        due = {row.registration.id: row.due for row in invoice_rows(conference.id)}
        to_invoice = {row.registration.id for row in rows_to_invoice(invoice_rows(conference.id))}
    assert due[ids["ean"]] == 330400 + 45000
    assert due[ids["early"]] == 0
    assert due[ids["late"]] == 275000
    assert due[ids["subsidised"]] == 330400 - 200000
    assert to_invoice == {ids["ean"], ids["late"], ids["subsidised"]}


def test_the_csv_export_is_for_danish_excel_with_one_itemised_line_per_payer(
    app, client, create_conference, register_person, login_as
):
    conference, ids = setup_event(app, create_conference, register_person)
    login_as(conference.organisation_id)
    response = client.get(f"/arrangoer/arrangementer/{conference.id}/fakturering.csv")
    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    header, lines = rows[0], rows[1:]
    assert header[:4] == ["Tilmeldingsnr.", "Deltager", "E-mail", "Status"]
    assert "Workshop: Svære samtaler" in header and header[-5:] == [
        "I alt",
        "Tilskud",
        "At betale",
        "Faktureret",
        "Betalt",
    ]
    by_id = {int(line[0]): dict(zip(header, line)) for line in lines}
    assert set(by_id) == {ids["ean"], ids["late"], ids["subsidised"]}
    ean = by_id[ids["ean"]]
    assert (ean["Betaler"], ean["Betalende organisation"], ean["EAN-nummer"], ean["CVR-nummer"]) == (
        "Min arbejdsgiver betaler via EAN-faktura",
        "Næstved Kommune",
        VALID_EAN,
        VALID_CVR,
    )
    assert (ean["Personreference"], ean["Ordrenummer"], ean["Medlem"], ean["Dage"]) == ("ABCDE", "PO-4711", "Ja", "2")
    assert (ean["Deltagergebyr"], ean["Workshop: Svære samtaler"], ean["I alt"], ean["At betale"]) == (
        "3304,00",
        "450,00",
        "3754,00",
        "3754,00",
    )
    assert by_id[ids["subsidised"]]["Tilskud"] == "2000,00" and by_id[ids["subsidised"]]["At betale"] == "1304,00"
    assert by_id[ids["late"]]["Status"] == "Afmeldt" and by_id[ids["late"]]["At betale"] == "2750,00"
    # A name that looks like a formula is made inert.
    assert by_id[ids["late"]]["Deltager"] == '\'=HYPERLINK("x")'


def test_the_xlsx_export_holds_amounts_as_numbers_in_kroner(app, client, create_conference, register_person, login_as):
    conference, ids = setup_event(app, create_conference, register_person)
    login_as(conference.organisation_id)
    response = client.get(f"/arrangoer/arrangementer/{conference.id}/fakturering.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    ean = dict(zip(header, next(r for r in rows[1:] if r[0] == ids["ean"])))
    assert Decimal(str(ean["I alt"])) == Decimal("3754.00")
    assert ean["EAN-nummer"] == VALID_EAN
    total_cell = sheet.cell(row=2, column=header.index("I alt") + 1)
    assert total_cell.number_format == '#,##0.00 "kr."'


def test_organisers_mark_registrations_invoiced_and_paid_with_an_audit_trail(
    app, client, create_conference, register_person, login_as
):
    conference, ids = setup_event(app, create_conference, register_person)
    other, other_ids = setup_event(app, create_conference, register_person)
    login_as(conference.organisation_id)
    page = client.get(f"/arrangoer/arrangementer/{conference.id}/fakturering")
    assert "Mette Kjær Hansen" in visible_text(page.data)
    token = csrf_token(page.data)
    response = client.post(
        f"/arrangoer/arrangementer/{conference.id}/fakturering/marker",
        data={"csrf_token": token, "action": "invoiced", "registration_id": [str(ids["ean"]), str(other_ids["ean"])]},
    )
    assert response.status_code == 303
    client.post(
        f"/arrangoer/arrangementer/{conference.id}/fakturering/marker",
        data={"csrf_token": token, "action": "paid", "registration_id": [str(ids["late"])]},
    )
    with app.app_context():
        assert db.session.get(Billing, ids["ean"]).invoiced_at is not None
        assert db.session.get(Billing, ids["ean"]).paid_at is None
        late = db.session.get(Billing, ids["late"])
        assert late.paid_at is not None and late.invoiced_at is not None
        # A registration of another event is not touched through this event's page.
        assert db.session.get(Billing, other_ids["ean"]).invoiced_at is None
        actions = set(
            db.session.execute(select(AuditEntry.action).where(AuditEntry.object_type == "registration")).scalars()
        )
        assert {"marked_invoiced", "marked_paid"} <= actions


def test_another_organisation_cannot_see_or_export_the_invoicing(
    app, client, create_conference, create_organisation, register_person, login_as
):
    conference, _ids = setup_event(app, create_conference, register_person)
    login_as(create_organisation(slug="andre"))
    assert client.get(f"/arrangoer/arrangementer/{conference.id}/fakturering").status_code == 404
    assert client.get(f"/arrangoer/arrangementer/{conference.id}/fakturering.csv").status_code == 404
