"""A person's data, every category (GDPR art. 15 and 20), as JSON, XLSX or CSV.

`collect(person)` asks every category in the personal-data registry for the person's
rows; the writers turn the result into a download: JSON (machine-readable, art. 20),
XLSX with one sheet per category, or one CSV with a block per category (readable).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

from eventsite import personal_data
from eventsite.clock import utcnow
from eventsite.privacy.erasure import subject_of
from eventsite.registration.models import Person
from eventsite.spreadsheets import csv_chunks, write_xlsx_sheets


def collect(person: Person) -> dict[str, Any]:
    """Everything held about the person: {"organisation", "generated_at", "categories": {name: {"label", "rows"}}}.

    Every registered category is present, with an empty list when it holds nothing.
    """
    subject = subject_of(person)
    return {
        "organisation": person.organisation.name,
        "generated_at": utcnow().isoformat(),
        "categories": {
            category.name: {"label": str(category.label), "rows": category.export(subject)}
            for category in personal_data.categories()
        },
    }


def to_json(data: dict[str, Any]) -> bytes:
    """The export as indented UTF-8 JSON."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


def _table(rows: list[dict[str, Any]]) -> Iterator[list[Any]]:
    """A header of every key (in order of appearance), then the rows."""
    keys: list[str] = []
    for row in rows:
        keys += [key for key in row if key not in keys]
    yield keys
    for row in rows:
        yield [row.get(key) for key in keys]


def to_xlsx(data: dict[str, Any]) -> bytes:
    """The export as a workbook: one sheet per category, one row per item."""
    target = io.BytesIO()
    write_xlsx_sheets(
        ((category["label"], _table(category["rows"])) for category in data["categories"].values()), target
    )
    return target.getvalue()


def _csv_rows(data: dict[str, Any]) -> Iterator[list[Any]]:
    for category in data["categories"].values():
        yield [category["label"]]
        if category["rows"]:
            yield from _table(category["rows"])
        yield []


def to_csv(data: dict[str, Any]) -> bytes:
    """The export as one CSV for Danish Excel: a block per category (its name, a header, the rows)."""
    return "".join(csv_chunks(_csv_rows(data))).encode("utf-8")
