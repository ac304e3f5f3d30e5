"""Read a member file (CSV or XLSX) into rows of text, whatever produced it.

CSV comes from membership systems and from Danish Excel: UTF-8, UTF-8 with a byte
order mark, or Windows-1252, separated by commas or (Danish Excel) semicolons. The
encoding and separator are detected, never asked for. The file type is decided by
the content, not the name: an XLSX is a zip archive, anything else must be text.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from flask_babel import gettext as _
from openpyxl import load_workbook

#: Hard ceilings, so a crafted file cannot exhaust memory.
MAX_ROWS = 100_000
MAX_COLUMNS = 60
MAX_CELL = 2_000
#: An XLSX is a zip of XML: its parts together may unpack to at most this many bytes
#: (100,000 rows of 60 short cells fit), checked before anything is parsed.
MAX_UNPACKED = 200 * 1024 * 1024
#: Parts in the archive (a real workbook has a few dozen).
MAX_PARTS = 1_000
#: Empty rows tolerated between data rows, on top of MAX_ROWS.
_EMPTY_ROWS_ALLOWED = 10_000

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls (and .doc)
_DELIMITERS = (";", ",", "\t")


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why, in Danish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """The cells of a file as text: a header row, then data rows with their row numbers."""

    kind: str  # "csv" or "xlsx"
    headers: list[str]
    #: (row number as a spreadsheet shows it, header = 1; the cells)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    #: "utf-8", "utf-8-sig", "cp1252", "utf-16" (CSV only)
    encoding: str = ""
    delimiter: str = ""


def read_table(data: bytes) -> Table:
    """Parse an uploaded file; FileProblem if it is empty, not CSV/XLSX, or unreadable."""
    if not data or not data.strip():
        raise FileProblem(_("The file is empty."))
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(data)
    if data.startswith(_OLE_MAGIC):
        raise FileProblem(_("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV and try again."))
    return _read_csv(data)


# --- CSV -------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: BOM first, then strict UTF-8, then Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        return _strict(data, "utf-16"), "utf-16"
    if b"\x00" in data[:65536]:
        raise FileProblem(_("The file is neither CSV nor XLSX (it contains binary data)."))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise FileProblem(
            _("The file's characters could not be read (not UTF-8 or Windows-1252, byte %(pos)d).", pos=error.start + 1)
        ) from error


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise FileProblem(
            _("The file's characters could not be read (not UTF-8 or Windows-1252, byte %(pos)d).", pos=error.start + 1)
        ) from error


def sniff_delimiter(first_line: str) -> str:
    """The separator that splits the header row into the most columns (semicolon wins ties)."""
    best, best_count = ",", 0
    for delimiter in _DELIMITERS:
        count = len(next(csv.reader([first_line], delimiter=delimiter), []))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise FileProblem(_("The file is empty."))
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for record in reader:
            number += 1
            if headers is None:
                if not any(cell.strip() for cell in record):
                    continue
                headers = _cells(record)
                continue
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_ROWS:
                raise FileProblem(_("The file has more than %(max)d rows; split it into smaller files.", max=MAX_ROWS))
            rows.append((number, _cells(record)))
    except csv.Error as error:
        raise FileProblem(_("Row %(row)d could not be read as CSV: %(error)s", row=number, error=str(error))) from error
    return Table("csv", headers or [], rows, encoding=encoding, delimiter=delimiter)


def _cells(record: list) -> list[str]:
    if len(record) > MAX_COLUMNS:
        raise FileProblem(_("The file has more than %(max)d columns.", max=MAX_COLUMNS))
    return [_text(cell)[:MAX_CELL] for cell in record]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\ufeff", "").strip()


# --- XLSX ------------------------------------------------------------------


def _check_archive(data: bytes) -> None:
    """Refuse a zip that would unpack to too much (a zip bomb), before openpyxl reads it.

    The sizes are those the archive declares; zipfile will not unpack a part beyond
    its declared size (it fails the CRC check instead), so the declaration holds.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileProblem(_("The file looks like an Excel file but could not be opened as XLSX.")) from error
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED:
        raise FileProblem(_("The Excel file unpacks to far more data than a member list holds; it is not read."))


def _read_xlsx(data: bytes) -> Table:

    _check_archive(data)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not know; harmless here.
            warnings.simplefilter("ignore")
            # data_only=False: a formula cell reads as its formula ("=..."), so it can be reported.
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise FileProblem(_("The file looks like an Excel file but could not be opened as XLSX.")) from error
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise FileProblem(_("The file looks like an Excel file but could not be opened as XLSX.")) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileProblem(_("The file is empty."))
        # The sheet's declared size (it may claim A1:XFD1048576) is not believed: rows
        # are read as they are, and never wider than one column past the ceiling.
        sheet.reset_dimensions()
        headers: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1):
                if number > MAX_ROWS + _EMPTY_ROWS_ALLOWED:
                    # A cell far down (row 1,048,576, say) would have us walk a million empty rows.
                    raise FileProblem(
                        _("The file has more than %(max)d rows; split it into smaller files.", max=MAX_ROWS)
                    )
                cells = list(values)
                while cells and (cells[-1] is None or _text(cells[-1]) == ""):
                    cells.pop()
                if headers is None:
                    if not cells:
                        continue
                    headers = _cells(cells)
                    continue
                if not cells:
                    continue
                if len(rows) >= MAX_ROWS:
                    raise FileProblem(
                        _("The file has more than %(max)d rows; split it into smaller files.", max=MAX_ROWS)
                    )
                rows.append((number, _cells(cells)))
    except (DefusedXmlException, ParseError) as error:
        # The sheet's XML is read row by row: entity tricks or broken XML surface here.
        raise FileProblem(_("The file looks like an Excel file but could not be opened as XLSX.")) from error
    finally:
        workbook.close()
    if headers is None:
        raise FileProblem(_("The file is empty."))
    return Table("xlsx", headers, rows)
