"""Spreadsheet writers shared by every export: CSV for Danish Excel and XLSX, formula-safe.

A shared module at the bottom of the layers: participant lists (eventsite.attendance),
invoice lists (eventsite.payments) and the member directory write through it. Every
text cell is neutralised (OWASP "CSV injection"); datetimes become Copenhagen wall-clock
times, which is what a spreadsheet cell can hold.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import chain, islice
from typing import IO, Any

from babel import Locale
from babel.dates import format_datetime
from flask_babel import get_locale, gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from eventsite.clock import LOCAL_TZ

#: Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Rows fetched from the database per round trip and written per chunk.
BATCH = 500


def neutralise(value: Any) -> Any:
    """Make a text cell inert: an apostrophe before a leading =, +, -, @, tab or CR."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(value: datetime) -> datetime:
    """A naive Copenhagen wall-clock time: what a spreadsheet cell can hold."""
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None)


def ui_datetime_formatter() -> Callable[[datetime], str]:
    """Formats instants as '22.12.2026 kl. 09.00' (Copenhagen time): the short date and
    time the back office's lists show, so a CSV file says a time the way the screen does.

    The pattern is translated and the locale looked up once, for files of many rows.
    """
    pattern = gettext("dd.MM.y 'at' HH:mm")
    locale = get_locale() or Locale.parse("da")
    return lambda value: format_datetime(value, pattern, tzinfo=LOCAL_TZ, locale=locale)


def _csv_cell(value: Any, datetime_text: Callable[[datetime], str]) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return datetime_text(value)
    return str(neutralise(str(value)))


def csv_chunks(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text for Danish Excel: UTF-8 with BOM, semicolons, CRLF; yielded in chunks.

    Dates and times are written as the lists on screen show them ('22.12.2026 kl. 09.00',
    Copenhagen time); the XLSX export has real date cells instead.
    """
    formatter: list[Callable[[datetime], str]] = []

    def datetime_text(value: datetime) -> str:
        # Made on the first date, inside the request (the download streams its rows).
        if not formatter:
            formatter.append(ui_datetime_formatter())
        return formatter[0](value)

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    buffer.write("\ufeff")
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value, datetime_text) for value in row])
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = "dd-mm-yyyy hh:mm"
        return cell
    if value is None:
        return None
    # Plain text (openpyxl makes a formula only of text starting with "=", which
    # neutralise() has prefixed); a WriteOnlyCell per cell would double the time.
    return neutralise(str(value))


def _sheet_title(title: str, taken: set[str]) -> str:
    # Sheet titles may not contain []:*?/\\ and are at most 31 characters, unique per workbook.
    base = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Export"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


#: Column widths, in characters: at least a short word, at most a readable line.
MIN_WIDTH, MAX_WIDTH = 8, 60
#: A datetime cell ("22-12-2026 09:30") is this wide.
DATETIME_WIDTH = 16


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return DATETIME_WIDTH
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(rows: list[list[Any]]) -> list[float]:
    """A width per column (Excel characters) that fits the header and the values given."""
    count = max((len(row) for row in rows), default=0)
    widths = [MIN_WIDTH] * count
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], _width(value))
    # Two characters of padding, and the header's bold letters are a little wider.
    return [min(MAX_WIDTH, width + 2) for width in widths]


def _write_sheet(workbook: Workbook, title: str, rows: Iterable[list[Any]]) -> None:
    """One sheet with a bold, frozen header row, an autofilter over every column and
    column widths that fit the contents.

    The widths are measured on the header and the first BATCH rows (a write-only sheet
    takes its column settings before its first row); the rows after them stream through.
    """
    sheet = workbook.create_sheet(title=title)
    # Write-only sheets take their view and column settings before the first row.
    sheet.freeze_panes = "A2"
    iterator = iter(rows)
    header = list(next(iterator, []))
    first_rows = list(islice(iterator, BATCH))
    for index, width in enumerate(column_widths([header, *first_rows]), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header_cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    last_row = 1
    for row in chain(first_rows, iterator):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        last_row += 1
    if header:
        # Written at the sheet's end, so the range can cover every row just written.
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last_row}"


def write_xlsx_sheets(sheets: Iterable[tuple[str, Iterable[list[Any]]]], target: IO[bytes]) -> None:
    """Write an XLSX workbook with one sheet per (title, rows) to a binary file object."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for title, rows in sheets:
        _write_sheet(workbook, _sheet_title(title, taken), rows)
    if not taken:
        workbook.create_sheet(title="Export")
    workbook.save(target)


def write_xlsx(rows: Iterable[list[Any]], title: str, target: IO[bytes]) -> None:
    """Write an XLSX workbook (one sheet, see _write_sheet) to a binary file object."""
    write_xlsx_sheets([(title, rows)], target)


def xlsx_chunks(rows: Iterable[list[Any]], title: str, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """The XLSX file in chunks. A zip's directory comes last, so the workbook is
    built in a spooled temporary file (rows are written to disk as they come) and
    sent once complete."""
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        write_xlsx(rows, title, spool)
        spool.seek(0)
        while chunk := spool.read(chunk_size):
            yield chunk
