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
from tests.privacy.conftest import AFBUD_REASON, APPROVAL_COMMENT, EMAIL, NAME

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
    "meeting_afbud",
    "meeting_roster",
    "meeting_item_attendance",
    "minutes_approvals",
    "minutes_mentions",
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
        registrations = {row["event"]: row for row in categories["registrations"]["rows"]}
        assert set(registrations) == {"Lederkonference 2027", "Bestyrelsesmøde", "Bestyrelsesseminar"}
        registration = registrations["Lederkonference 2027"]
        assert registration["status"] == "confirmed"
        assert "Jeg er Xenia Quixotesdottir" in registration["comment"]
        attendance = {row["event"]: row for row in categories["attendance"]["rows"]}
        assert (attendance["Lederkonference 2027"]["attendance"], attendance["Lederkonference 2027"]["note"]) == (
            "attended",
            "Quixotesdottir gik kl. 12",
        )
        # Afbud is the participant lists' "Afbud" mark too.
        assert attendance["Bestyrelsesseminar"]["attendance_label"] == "Afbud"
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

        # The meetings: the afbud with its reason, the fixed lists, attendance by item, the
        # objection to the minutes and where the minutes name the person.
        [afbud] = categories["meeting_afbud"]["rows"]
        assert (afbud["event"], afbud["reason"], afbud["channel"]) == (
            "Bestyrelsesseminar",
            AFBUD_REASON,
            "Meldt af deltageren",
        )
        assert categories["meeting_afbud"]["label"] == "Afbud til møder"
        roster = {row["event"]: row for row in categories["meeting_roster"]["rows"]}
        assert set(roster) == {"Bestyrelsesmøde", "Bestyrelsesseminar"}
        assert roster["Bestyrelsesmøde"]["accepted_at"] and roster["Bestyrelsesseminar"]["accepted_at"] is None
        [partial] = categories["meeting_item_attendance"]["rows"]
        assert (partial["event"], partial["attendance"], partial["left_at_item"]) == (
            "Bestyrelsesmøde",
            "deltog i pkt. 1 og delvist i pkt. 2",
            "2. Budget",
        )
        [answer] = categories["minutes_approvals"]["rows"]
        assert (answer["event"], answer["version"], answer["response"], answer["comment"]) == (
            "Bestyrelsesmøde",
            1,
            "Indsigelse",
            APPROVAL_COMMENT,
        )
        [named] = categories["minutes_mentions"]["rows"]
        assert named["event"] == "Bestyrelsesmøde"
        assert named["named_as"] == "Deltagere (deltog i pkt. 1 og delvist i pkt. 2), Referent"

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
        sheets = {
            "Afbud til møder": ("reason", AFBUD_REASON),
            "Faste mødelister": ("event", "Bestyrelsesmøde"),
            "Deltagelse pr. dagsordenspunkt": ("attendance", "deltog i pkt. 1 og delvist i pkt. 2"),
            "Svar på referater": ("comment", APPROVAL_COMMENT),
            "Nævnt i referater": ("named_as", "Deltagere (deltog i pkt. 1 og delvist i pkt. 2), Referent"),
        }
        for title, (key, value) in sheets.items():
            header, *values = list(workbook[title].iter_rows(values_only=True))
            assert value in [row[header.index(key)] for row in values], (title, values)

        # One CSV for Danish Excel, a block per category.
        text = export.to_csv(data).decode("utf-8-sig")
        parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert ["Personoplysninger"] in parsed
        at = parsed.index(["Personoplysninger"])
        assert parsed[at + 2][:2] == [NAME, EMAIL]
        at = parsed.index(["Afbud til møder"])
        assert AFBUD_REASON in parsed[at + 2]
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
        assert AFBUD_REASON not in text and APPROVAL_COMMENT not in text
