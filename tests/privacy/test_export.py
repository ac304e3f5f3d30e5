"""A person's export (GDPR art. 15/20): every category, as JSON, XLSX and CSV that parse back."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook
from sqlalchemy import select

from eventsite.extensions import db
from eventsite.privacy import export
from eventsite.registration.models import Person
from tests.privacy.conftest import EMAIL, NAME

CATEGORIES = {
    "person",
    "registrations",
    "attendance",
    "dietary_needs",
    "subsidies",
    "invoices",
    "emails",
    "member",
    "invitations",
    "audit",
    "consents",
    "member_page_links",
}


def test_the_export_holds_every_category_for_a_person_with_data_in_each(app, build_person):
    built = build_person()
    with app.test_request_context():
        person = db.session.get(Person, built.person_id)
        data = export.collect(person)
        categories = data["categories"]
        assert CATEGORIES <= set(categories)
        assert {name for name, category in categories.items() if not category["rows"]} == set()
        assert categories["person"]["rows"] == [
            {
                "name": NAME,
                "email": EMAIL,
                "job_title": "Kontorchef",
                "workplace": "Quixotesdottir Kommune",
                "municipality_code": "0370",
                "created_at": categories["person"]["rows"][0]["created_at"],
                "updated_at": categories["person"]["rows"][0]["updated_at"],
            }
        ]
        assert categories["person"]["label"] == "Personoplysninger"
        [registration] = categories["registrations"]["rows"]
        assert (registration["event"], registration["status"]) == ("Lederkonference 2027", "confirmed")
        assert "Jeg er Xenia Quixotesdottir" in registration["comment"]
        [attendance] = categories["attendance"]["rows"]
        assert (attendance["attendance"], attendance["note"]) == ("attended", "Quixotesdottir gik kl. 12")
        assert categories["dietary_needs"]["rows"][0]["text"] == "Glutenfri (Xenia Quixotesdottir)"
        [subsidy] = categories["subsidies"]["rows"]
        assert (subsidy["status"], subsidy["granted_ore"], subsidy["decision_note"]) == (
            "approved",
            100000,
            "Godkendt til Xenia Quixotesdottir.",
        )
        [invoice] = categories["invoices"]["rows"]
        assert (invoice["payer_kind"], invoice["invoice_reference"], invoice["order_number"]) == (
            "ean",
            "Xenia Quixotesdottir",
            "PO-4711",
        )
        assert "Kollega til Quixotesdottir" in invoice["add_ons"]
        [member] = categories["member"]["rows"]
        assert (member["name"], member["tags"]) == (NAME, "Kreds Quixotesdottir")
        [invitation] = categories["invitations"]["rows"]
        assert invitation["event"] == "Lederkonference 2027" and invitation["queued_at"]
        kinds = {row["kind"] for row in categories["emails"]["rows"]}
        assert {"invitation", "confirm_hold", "confirmation", "subsidy_decision"} <= kinds
        sent = [row for row in categories["emails"]["rows"] if row["status"] == "sent"]
        assert sent and all(row["sent_at"] for row in sent)
        assert "Bekræftelse af din tilmelding" in {row["subject"] for row in categories["emails"]["rows"]}
        assert {row["action"] for row in categories["audit"]["rows"]} >= {"approved", "checked_in"}

        # Machine-readable: the JSON is the same data.
        assert json.loads(export.to_json(data)) == json.loads(json.dumps(data))

        # Readable: one sheet per category, the header first.
        workbook = load_workbook(io.BytesIO(export.to_xlsx(data)), read_only=True)
        assert len(workbook.sheetnames) == len(categories)
        assert {"Personoplysninger", "Tilmeldinger", "Sendte e-mails", "Fakturaoplysninger"} <= set(workbook.sheetnames)
        rows = list(workbook["Personoplysninger"].iter_rows(values_only=True))
        assert rows[0][:2] == ("name", "email") and rows[1][:2] == (NAME, EMAIL)
        emails = list(workbook["Sendte e-mails"].iter_rows(values_only=True))
        assert len(emails) == 1 + len(categories["emails"]["rows"])

        # One CSV for Danish Excel, a block per category.
        text = export.to_csv(data).decode("utf-8-sig")
        parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert ["Personoplysninger"] in parsed
        at = parsed.index(["Personoplysninger"])
        assert parsed[at + 2][:2] == [NAME, EMAIL]
        workbook.close()


def test_the_export_of_an_erased_person_holds_nothing_personal(app, build_person):
    from eventsite.privacy.erasure import erase_person

    built = build_person()
    with app.test_request_context():
        erase_person(db.session.get(Person, built.person_id), reason="Ønske")
        db.session.commit()
        person = db.session.execute(select(Person)).scalar_one()
        text = export.to_json(export.collect(person)).decode()
        assert "Quixotesdottir" not in text and "xenia.quixote" not in text
