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
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

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


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # Danish Excel reads "22-12-2026 09:30" as a date and time.
        return _local(value).strftime("%d-%m-%Y %H:%M")
    return str(neutralise(str(value)))


def csv_chunks(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text for Danish Excel: UTF-8 with BOM, semicolons, CRLF; yielded in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    buffer.write("\ufeff")
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value) for value in row])
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
    # Sheet titles may not contain []:*?/\ and are at most 31 characters, unique per workbook.
    base = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Export"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def write_xlsx_sheets(sheets: Iterable[tuple[str, Iterable[list[Any]]]], target: IO[bytes]) -> None:
    """Write an XLSX workbook with one sheet per (title, rows), each with a bold header row."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    taken: set[str] = set()
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(title, taken))
        # Write-only sheets take their view settings before the first row.
        sheet.freeze_panes = "A2"
        iterator = iter(rows)
        header_cells = []
        for value in next(iterator, []):
            cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in iterator:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    if not taken:
        workbook.create_sheet(title="Export")
    workbook.save(target)


def write_xlsx(rows: Iterable[list[Any]], title: str, target: IO[bytes]) -> None:
    """Write an XLSX workbook (one sheet, bold header row) to a binary file object."""
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
