"""Reading member files: every encoding and separator Danish sources produce, and bad files."""

from __future__ import annotations

import codecs

import pytest

from eventsite.invitations.filereader import FileProblem, read_table
from tests.invitations.conftest import csv_bytes, xlsx_bytes

NAMES = ["Søren Ærø Åkjær", "Hélène Müller-Østergaard", "Zoë Brøndum"]


def rows_of(table):
    return [cells for _number, cells in table.rows]


@pytest.mark.parametrize(
    "encoding, prefix, detected",
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("cp1252", b"", "cp1252"),
    ],
)
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
    data = xlsx_bytes(
        [
            ["Navn", "E-mail", "Medlemsnummer", "Kommune"],
            ["Søren Ærø", "soren@x.dk", 1234, 370],
            ['=HYPERLINK("http://evil")', "f@x.dk", 5, None],
        ]
    )
    with app.test_request_context():
        table = read_table(data)
    assert table.kind == "xlsx"
    assert rows_of(table)[0] == ["Søren Ærø", "soren@x.dk", "1234", "370"]
    assert rows_of(table)[1][0].startswith("=HYPERLINK")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"   \r\n\r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "neither CSV nor XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "(.xls)"),
        (b"PK\x03\x04 this is not really a zip archive", "could not be opened as XLSX"),
        (b"Navn;E-mail\r\nA\x81\x8d\x8f;a@x.dk\r\n", "not UTF-8 or Windows-1252"),
    ],
)
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


# --- crafted files: a member upload must not take the site down --------------------------


def rewritten(xlsx: bytes, part: str, change, extra: dict[str, bytes] | None = None) -> bytes:
    """The workbook with one part's XML changed (and optional parts added)."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename == part else data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
HEADER_AND_TWO_ROWS = [["Navn", "E-mail"], ["Søren Ærø", "soren@x.dk"], ["Åse Ørum", "ase@x.dk"]]


def test_a_sheet_claiming_a_million_rows_and_16384_columns_is_read_as_it_really_is(app):
    import re

    def claim_everything(xml: bytes) -> bytes:
        return re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', xml)

    crafted = rewritten(xlsx_bytes(HEADER_AND_TWO_ROWS), SHEET, claim_everything)
    assert len(crafted) < 10_000

    table = read_table(crafted)

    assert table.headers == ["Navn", "E-mail"]
    assert table.rows == [(2, ["Søren Ærø", "soren@x.dk"]), (3, ["Åse Ørum", "ase@x.dk"])]


def test_a_cell_in_the_last_row_is_refused_without_walking_a_million_rows(app):
    def far_down(xml: bytes) -> bytes:
        return xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        )

    with app.test_request_context(), pytest.raises(FileProblem) as refused:
        read_table(rewritten(xlsx_bytes(HEADER_AND_TWO_ROWS), SHEET, far_down))
    assert refused.value.message == "Filen har mere end 100000 rækker; del den op i mindre filer."


def test_a_zip_bomb_is_refused_before_it_is_unpacked(app, monkeypatch):
    from eventsite.invitations import filereader

    monkeypatch.setattr(filereader, "MAX_UNPACKED", 1024 * 1024)
    bomb = rewritten(
        xlsx_bytes(HEADER_AND_TWO_ROWS), SHEET, lambda xml: xml, extra={"xl/padding.bin": b"\0" * (2 * 1024 * 1024)}
    )
    assert len(bomb) < 50_000  # two megabytes of zeros pack into a few kilobytes

    with app.test_request_context(), pytest.raises(FileProblem) as refused:
        read_table(bomb)
    assert refused.value.message.startswith("Excel-filen pakker ud til")


def test_billion_laughs_is_refused_not_expanded(app):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">'
            % (n, b"".join(b"&lol%s;" % (str(n - 1).encode() if n > 1 else b"") for _ in range(10)))
            for n in range(1, 10)
        )
        + b"]>"
    )

    def with_entities(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return laughs + body.replace(
            b"</sheetData>", b'<row r="4"><c r="A4" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
        )

    with pytest.raises(FileProblem):
        read_table(rewritten(xlsx_bytes(HEADER_AND_TWO_ROWS), SHEET, with_entities))
