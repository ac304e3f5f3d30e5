"""What checking a member file reports: each row parsed into a MemberRow, the findings
(row, column, message, severity), and the Preview that holds them until the organiser
confirms (kept as JSON). Typed data only; nothing here reads the database."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from eventsite.invitations.models import JobLevel


class Severity(enum.StrEnum):
    #: The row (or, without a row, the file) is not imported.
    ERROR = "error"
    #: Reported, but the row is imported as cleaned.
    WARNING = "warning"


class RowAction(enum.StrEnum):
    """What confirming the import does with a valid row, decided against the directory."""

    CREATE = "create"
    UPDATE = "update"


@dataclass
class Finding:
    """One line of the report: a problem with a cell, a row or the whole file."""

    #: Spreadsheet row number (header = 1); None for a problem with the whole file.
    row: int | None
    #: The column as the report names it ("" when the problem is not one column's).
    column: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where: str = _("Row %(row)d", row=self.row) if self.row is not None else _("File")
        column = f" ({self.column})" if self.column else ""
        kind: str = _("error") if self.severity is Severity.ERROR else _("warning")
        return f"{where}{column}, {kind}: {self.message}"


@dataclass
class MemberRow:
    """The cleaned values of one row, as they would be set on a Member.

    A field whose column the file lacks keeps its default here; on update only the
    fields in `Preview.fields` are written.
    """

    email: str = ""
    name: str = ""
    #: None for an empty cell: an import never erases a known member number.
    member_number: str | None = None
    job_title: str = ""
    job_level: JobLevel = JobLevel.OTHER
    workplace: str = ""
    municipality_code: str | None = None
    region: str | None = None
    tags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "member_number": self.member_number,
            "job_title": self.job_title,
            "job_level": self.job_level.value,
            "workplace": self.workplace,
            "municipality_code": self.municipality_code,
            "region": self.region,
            "tags": list(self.tags),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MemberRow:
        """The row back from `to_dict` (missing keys take their defaults)."""
        return cls(
            email=data.get("email", ""),
            name=data.get("name", ""),
            member_number=data.get("member_number"),
            job_title=data.get("job_title", ""),
            job_level=JobLevel(data.get("job_level", JobLevel.OTHER.value)),
            workplace=data.get("workplace", ""),
            municipality_code=data.get("municipality_code"),
            region=data.get("region"),
            tags=list(data.get("tags", [])),
        )


@dataclass
class CheckedRow:
    """A data row of the file after every check."""

    row: int
    values: MemberRow
    errors: int = 0
    #: Decided against the directory when checked; None while the row has errors.
    action: RowAction | None = None
    #: The member an UPDATE changes.
    member_id: int | None = None


@dataclass
class Preview:
    filename: str
    kind: str = ""
    encoding: str = ""
    delimiter: str = ""
    #: Member fields the file has a column for; only these are written on update.
    fields: list[str] = field(default_factory=list)
    rows: list[CheckedRow] = field(default_factory=list)
    report: list[Finding] = field(default_factory=list)
    #: A problem with the whole file: nothing can be imported.
    fatal: bool = False

    @property
    def valid_rows(self) -> list[CheckedRow]:
        return [r for r in self.rows if not r.errors]

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def has_errors(self) -> bool:
        return self.fatal or any(line.severity is Severity.ERROR for line in self.report)

    @property
    def to_create(self) -> int:
        return sum(1 for r in self.valid_rows if r.action is RowAction.CREATE)

    @property
    def to_update(self) -> int:
        return sum(1 for r in self.valid_rows if r.action is RowAction.UPDATE)

    def summary_lines(self) -> list[str]:
        return [
            _("Rows read: %(num)d", num=len(self.rows)),
            _(
                "Valid rows: %(num)d (%(new)d new, %(changed)d updated)",
                num=len(self.valid_rows),
                new=self.to_create,
                changed=self.to_update,
            ),
            _("Rows with errors: %(num)d", num=self.error_rows),
        ]

    def to_json(self) -> str:
        return json.dumps(
            {
                "filename": self.filename,
                "kind": self.kind,
                "encoding": self.encoding,
                "delimiter": self.delimiter,
                "fields": self.fields,
                "rows": [
                    {
                        "row": r.row,
                        "values": r.values.to_dict(),
                        "errors": r.errors,
                        "action": r.action.value if r.action else "",
                        "member_id": r.member_id,
                    }
                    for r in self.rows
                ],
                "report": [
                    {"row": f.row, "column": f.column, "message": f.message, "severity": f.severity.value}
                    for f in self.report
                ],
                "fatal": self.fatal,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Preview:
        data = json.loads(text)
        return cls(
            filename=data["filename"],
            kind=data["kind"],
            encoding=data["encoding"],
            delimiter=data["delimiter"],
            fields=list(data["fields"]),
            rows=[
                CheckedRow(
                    row=r["row"],
                    values=MemberRow.from_dict(r["values"]),
                    errors=r["errors"],
                    action=RowAction(r["action"]) if r["action"] else None,
                    member_id=r["member_id"],
                )
                for r in data["rows"]
            ],
            report=[Finding(f["row"], f["column"], f["message"], Severity(f["severity"])) for f in data["report"]],
            fatal=data["fatal"],
        )
