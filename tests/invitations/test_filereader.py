"""Reading member files: every encoding and separator Danish sources produce, and bad files."""
from __future__ import annotations

import codecs

import pytest

from eventsite.invitations.filereader import FileProblem, read_table
from tests.invitations.conftest import csv_bytes, xlsx_bytes

NAMES = ["Søren Ærø Åkjær", "Hélène Müller-Østergaard", "Zoë Brøndum"]


def rows_of(table):
    return [cells for _number, cells in table.rows]


@pytest.mark.parametrize("encoding, prefix, detected", [
    ("utf-8", b"", "utf-8"),
    ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
    ("cp1252", b"", "cp1252"),
])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_danish_letters_and_accents_survive_every_encoding_and_separator(app, encoding, prefix, detected, delimiter):
    header = delimiter.join(["Navn", "E-mail", "Kommune"])
    lines = [delimiter.join([name, f"m{i}@kommune.dk", "Næstved"]) for i, name in enumerate(NAMES)]
    data = prefix + csv_bytes(*lines, header=header, encoding=encoding)
    with app.test_request_context():
        table = read_table(data)
    assert table.kind == "csv"
    assert table.encoding == detected
    assert table.delimiter == delimiter
    assert table.headers == ["Navn", "E-mail", "Kommune"]
    assert [cells[0] for cells in rows_of(table)] == NAMES
    assert rows_of(table)[0][2] == "Næstved"


def test_row_numbers_are_those_a_spreadsheet_shows_and_blank_lines_are_skipped(app):
    data = csv_bytes("Anna Andersen;anna@x.dk", "", "Bo Berg;bo@x.dk", header="Navn;E-mail")
    with app.test_request_context():
        table = read_table(data)
    assert [number for number, _cells in table.rows] == [2, 4]


def test_quoted_cells_may_hold_the_separator_and_line_breaks(app):
    data = b'Navn,E-mail,Tags\r\n"Hansen, Mette",mette@x.dk,"Kreds Hovedstaden, netv\xc3\xa6rk"\r\n'
    with app.test_request_context():
        table = read_table(data)
    assert rows_of(table) == [["Hansen, Mette", "mette@x.dk", "Kreds Hovedstaden, netværk"]]


def test_excel_unicode_text_with_tabs_is_read(app):
    text = "Navn\tE-mail\r\nÅse Ørum\tase@x.dk\r\n"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    with app.test_request_context():
        table = read_table(data)
    assert table.delimiter == "\t"
    assert rows_of(table) == [["Åse Ørum", "ase@x.dk"]]


def test_xlsx_is_read_with_numbers_as_text_and_formulas_as_their_source(app):
    data = xlsx_bytes([
        ["Navn", "E-mail", "Medlemsnummer", "Kommune"],
        ["Søren Ærø", "soren@x.dk", 1234, 370],
        ["=HYPERLINK(\"http://evil\")", "f@x.dk", 5, None],
    ])
    with app.test_request_context():
        table = read_table(data)
    assert table.kind == "xlsx"
    assert rows_of(table)[0] == ["Søren Ærø", "soren@x.dk", "1234", "370"]
    assert rows_of(table)[1][0].startswith("=HYPERLINK")


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"   \r\n\r\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "neither CSV nor XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "(.xls)"),
    (b"PK\x03\x04 this is not really a zip archive", "could not be opened as XLSX"),
    (b"Navn;E-mail\r\nA\x81\x8d\x8f;a@x.dk\r\n", "not UTF-8 or Windows-1252"),
])
def test_files_that_cannot_be_read_say_why(app, data, message):
    with app.test_request_context("/?lang=en"):
        with pytest.raises(FileProblem) as caught:
            read_table(data)
    assert message in caught.value.message


def test_the_messages_are_danish(app):
    with app.test_request_context():
        with pytest.raises(FileProblem) as caught:
            read_table(b"")
    assert caught.value.message == "Filen er tom."
