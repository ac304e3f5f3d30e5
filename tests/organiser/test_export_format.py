"""The XLSX export reads at a glance (widths, a bold frozen header with filters), and the
CSV export writes dates the way the lists on screen show them."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from openpyxl import load_workbook

from eventsite.attendance.exports import ExportKind, export_rows, short_datetime_formatter
from eventsite.extensions import db
from eventsite.registration.models import Registration
from eventsite.spreadsheets import MAX_WIDTH, csv_chunks, xlsx_chunks
from tests.organiser.test_exports import theme_day  # noqa: F401  (fixture)


def _shown_width(value) -> int:
    if value is None:
        return 0
    return 16 if isinstance(value, datetime) else len(str(value))


def _workbook(app, event_id: int, kind: ExportKind):
    with app.test_request_context():
        data = b"".join(xlsx_chunks(export_rows(event_id, kind), "Temadag"))
    return load_workbook(io.BytesIO(data))


def test_the_xlsx_header_is_bold_frozen_and_filtered_and_columns_fit(app, theme_day):  # noqa: F811
    sheet = _workbook(app, theme_day.id, ExportKind.FULL).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]

    assert sheet.freeze_panes == "A2"
    last_column = sheet.cell(row=1, column=len(header)).column_letter
    assert sheet.auto_filter.ref == f"A1:{last_column}{len(rows)}"
    assert all(cell.font.bold for cell in sheet[1])
    assert not any(cell.font.bold for cell in sheet[2])

    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    for index, title in enumerate(header):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        # Wide enough for the header and the longest value (a date cell shows "22-12-2026 09:30").
        longest = max(_shown_width(row[index]) for row in rows)
        assert widths[letter] >= min(MAX_WIDTH, max(len(title), longest)), title
        assert widths[letter] <= MAX_WIDTH
    # The e-mail column is wider than the short "Status" column.
    assert widths["B"] > widths[sheet.cell(row=1, column=header.index("Status") + 1).column_letter]


def test_an_export_without_rows_still_has_its_filter_and_frozen_header(app, create_event):
    event = create_event()
    sheet = _workbook(app, event.id, ExportKind.CATERING).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D1"


def test_csv_dates_are_written_as_the_lists_show_them(app, theme_day):  # noqa: F811
    with app.test_request_context():
        text = "".join(csv_chunks(export_rows(theme_day.id, ExportKind.FULL)))
        registered = db.session.get(Registration, 1).created_at if db.session.get(Registration, 1) else None
        shown_in_lists = short_datetime_formatter()(registered) if registered else None
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    column = rows[0].index("Tilmeldt")
    values = [row[column] for row in rows[1:]]
    assert all(re.fullmatch(r"\d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d", value) for value in values), values
    if shown_in_lists is not None:
        assert shown_in_lists in values
