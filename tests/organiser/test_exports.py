"""Exports open cleanly in Danish Excel and never carry a live formula."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from eventsite.attendance.exports import (
    ExportKind,
    csv_chunks,
    export_rows,
    neutralise,
    write_xlsx,
    xlsx_chunks,
)


@pytest.mark.parametrize("dangerous", ["=1+1", "+45 12345678", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd"])
def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe(dangerous):
    assert neutralise(dangerous) == "'" + dangerous


@pytest.mark.parametrize("harmless", ["Mette Hansen", "", "Næstved Kommune", "a=b", "1-2"])
def test_ordinary_text_is_left_alone(harmless):
    assert neutralise(harmless) == harmless


def test_numbers_and_empty_cells_are_left_alone():
    assert neutralise(-5) == -5
    assert neutralise(None) is None


@pytest.fixture
def theme_day(create_event, register_person):
    """Næstved (2 seats) and Silkeborg, with a vegetarian, a formula and a waiting list."""
    event = create_event(
        sessions=[
            {"city": "Næstved", "capacity": 2},
            {"city": "Silkeborg", "municipality_code": "0740", "capacity": 10},
        ]
    )
    naestved, silkeborg = event.session_ids
    register_person(
        naestved,
        "soeren@example.dk",
        "Søren Æbelø",
        dietary_needs="Vegetar",
        workplace="Næstved Kommune",
        municipality_code="0370",
    )
    register_person(
        naestved, "aase@example.dk", "Åse Ørum", workplace='=HYPERLINK("http://evil")', job_title="Teamleder"
    )
    register_person(naestved, "venter@example.dk", "Venter Venteliste", dietary_needs="Glutenfri")
    register_person(
        silkeborg, "lars@example.dk", "Lars Østergaard", workplace="Silkeborg Kommune", municipality_code="0740"
    )
    return event


def _csv_text(app, event, kind, session_id=None) -> str:
    with app.test_request_context():
        return "".join(csv_chunks(export_rows(event.id, kind, session_id)))


def test_the_caterer_csv_opens_in_danish_excel_with_only_confirmed_people(app, theme_day):
    text = _csv_text(app, theme_day, ExportKind.CATERING)
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Navn", "Arbejdssted", "Kost/allergier", "Sted og tid"]
    assert [row[0] for row in rows[1:]] == ["Søren Æbelø", "Åse Ørum", "Lars Østergaard"]
    soeren = rows[1]
    assert soeren[1:3] == ["Næstved Kommune", "Vegetar"]
    assert soeren[3].startswith("Næstved, ") and "kl. " in soeren[3]
    # The person on the waiting list is not expected for lunch.
    assert "Venter Venteliste" not in text and "Glutenfri" not in text


def test_a_formula_in_a_workplace_is_neutralised_in_the_csv(app, theme_day):
    rows = list(csv.reader(io.StringIO(_csv_text(app, theme_day, ExportKind.CATERING).lstrip("\ufeff")), delimiter=";"))
    assert rows[2][1] == '\'=HYPERLINK("http://evil")'


def test_the_full_export_has_every_registration_with_its_status_and_region(app, theme_day):
    rows = list(csv.reader(io.StringIO(_csv_text(app, theme_day, ExportKind.FULL).lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    assert header[:4] == ["Navn", "E-mail", "Stillingsbetegnelse", "Arbejdssted"]
    by_name = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert set(by_name) == {"Søren Æbelø", "Åse Ørum", "Venter Venteliste", "Lars Østergaard"}
    assert by_name["Venter Venteliste"]["Status"] == "På venteliste"
    assert by_name["Søren Æbelø"]["Status"] == "Bekræftet"
    assert by_name["Søren Æbelø"]["Kommune"] == "Næstved"
    assert by_name["Søren Æbelø"]["Region"] == "Region Sjælland"
    assert by_name["Lars Østergaard"]["Region"] == "Region Midtjylland"
    assert by_name["Venter Venteliste"]["Kost/allergier"] == "Glutenfri"
    assert by_name["Åse Ørum"]["Arbejdssted"].startswith("'=")


def test_an_export_can_be_limited_to_one_session(app, theme_day):
    rows = list(
        csv.reader(
            io.StringIO(_csv_text(app, theme_day, ExportKind.CATERING, theme_day.session_ids[1]).lstrip("\ufeff")),
            delimiter=";",
        )
    )
    assert [row[0] for row in rows[1:]] == ["Lars Østergaard"]


def test_the_xlsx_export_keeps_danish_letters_and_has_no_formulas(app, theme_day, tmp_path):
    path = tmp_path / "deltagere.xlsx"
    with app.test_request_context():
        with open(path, "wb") as target:
            write_xlsx(export_rows(theme_day.id, ExportKind.FULL), "Temadag: for [ledere]", target)
    sheet = load_workbook(path).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["Navn", "E-mail"]
    names = [row[0] for row in values[1:]]
    assert "Søren Æbelø" in names and "Åse Ørum" in names
    aase = values[1 + names.index("Åse Ørum")]
    assert aase[3] == '\'=HYPERLINK("http://evil")'
    # Registration time is a real date cell, in Danish local time.
    assert values[1][8].tzinfo is None and values[1][8].year >= 2026
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_large_exports_are_written_in_chunks_not_one_string(app):
    rows = [["Navn"]] + [[f"Person {i}"] for i in range(1200)]
    chunks = list(csv_chunks(iter(rows)))
    assert len(chunks) >= 3
    assert "".join(chunks).count("\r\n") == 1201


def test_the_xlsx_download_arrives_in_pieces_that_make_a_valid_workbook(app, theme_day, tmp_path):
    with app.test_request_context():
        chunks = list(xlsx_chunks(export_rows(theme_day.id, ExportKind.CATERING), "Temadag", chunk_size=1024))
    assert len(chunks) > 1
    path = tmp_path / "catering.xlsx"
    path.write_bytes(b"".join(chunks))
    sheet = load_workbook(path).active
    assert [cell.value for cell in next(sheet.iter_rows())] == ["Navn", "Arbejdssted", "Kost/allergier", "Sted og tid"]
