"""Checking a member file row by row: cleaned values and a finding for every problem.

Pure: no database, no clock. The directory to match against and the day (which
decides a municipality's region) are passed in; `eventsite.invitations.importing.preview`
fetches them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from eventsite.geo import known_regions, municipality, parse_municipality, parse_region
from eventsite.invitations.filereader import FileProblem, read_table
from eventsite.invitations.importing.columns import Column, ColumnMap, label, map_columns
from eventsite.invitations.importing.report import CheckedRow, Finding, MemberRow, Preview, RowAction, Severity
from eventsite.invitations.models import EMAIL_MAX, MEMBER_NUMBER_MAX, NAME_MAX, TAG_MAX, TEXT_MAX, JobLevel

#: Characters that make a spreadsheet run a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

JOB_LEVEL_WORDS: Mapping[str, JobLevel] = MappingProxyType(
    {
        "direktør": JobLevel.DIREKTOER,
        "direktoer": JobLevel.DIREKTOER,
        "direktor": JobLevel.DIREKTOER,
        "director": JobLevel.DIREKTOER,
        "chef": JobLevel.CHEF,
        "head": JobLevel.CHEF,
        "leder": JobLevel.LEDER,
        "manager": JobLevel.LEDER,
        "mellemleder": JobLevel.MELLEMLEDER,
        "middle manager": JobLevel.MELLEMLEDER,
        "andet": JobLevel.OTHER,
        "anden": JobLevel.OTHER,
        "other": JobLevel.OTHER,
        "øvrig": JobLevel.OTHER,
        "øvrige": JobLevel.OTHER,
    }
)

#: Longest text a cell of these columns may hold.
_LIMITS: Mapping[Column, int] = MappingProxyType(
    {
        Column.NAME: NAME_MAX,
        Column.JOB_TITLE: TEXT_MAX,
        Column.WORKPLACE: TEXT_MAX,
        Column.MEMBER_NUMBER: MEMBER_NUMBER_MAX,
        Column.FIRST_NAME: NAME_MAX,
        Column.LAST_NAME: NAME_MAX,
    }
)


# --- single cells ------------------------------------------------------------


def parse_job_level(value: str) -> JobLevel | None:
    """A job level from a Danish or English word ("Direktør", "middle manager"); empty means other."""
    key = re.sub(r"\s+", " ", value.casefold().strip())
    if not key:
        return JobLevel.OTHER
    if key in JOB_LEVEL_WORDS:
        return JOB_LEVEL_WORDS[key]
    try:
        return JobLevel(key)
    except ValueError:
        return None


def split_tags(value: str) -> list[str]:
    """Tags from one cell, separated by comma, semicolon or |, duplicates removed."""
    seen: dict[str, str] = {}
    for part in re.split(r"[,;|]", value):
        tag = re.sub(r"\s+", " ", part).strip()
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return list(seen.values())


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def shorten(value: str, limit: int = 60) -> str:
    """A cell as quoted in a message: on one line, at most `limit` characters."""
    value = value.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


# --- one row -------------------------------------------------------------------


class _RowFindings:
    """Collects the findings of one row."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.found: list[Finding] = []

    def add(self, column: Column, message: str, severity: Severity = Severity.ERROR) -> None:
        self.found.append(Finding(self.number, label(column), message, severity))


def check_row(number: int, cells: Sequence[str], columns: ColumnMap, today: date) -> tuple[MemberRow, list[Finding]]:
    """One data row cleaned into a MemberRow, with a finding for every problem in it."""
    problems = _RowFindings(number)
    raw: dict[Column, str] = {}
    for column in columns.positions:
        value = columns.cell(cells, column)
        if value == "-":
            value = ""
        if value and column is not Column.EMAIL and looks_like_formula(value):
            problems.add(
                column,
                _(
                    "The cell looks like a spreadsheet formula (%(value)s); the row is not imported.",
                    value=shorten(value),
                ),
            )
            value = ""
        limit = _LIMITS.get(column)
        if limit is not None and len(value) > limit:
            problems.add(column, _("At most %(max)d characters.", max=limit))
            value = value[:limit]
        raw[column] = value

    name = _name(raw, problems)
    email = _email(raw.get(Column.EMAIL, ""), problems)
    values = MemberRow(email=email, name=name)
    if Column.MEMBER_NUMBER in raw:
        values.member_number = raw[Column.MEMBER_NUMBER] or None
    if Column.JOB_TITLE in raw:
        values.job_title = raw[Column.JOB_TITLE]
    if Column.WORKPLACE in raw:
        values.workplace = raw[Column.WORKPLACE]
    if Column.JOB_LEVEL in raw:
        level = parse_job_level(raw[Column.JOB_LEVEL])
        if level is None:
            problems.add(
                Column.JOB_LEVEL,
                _(
                    "Unknown job level “%(value)s”; use direktør, chef, leder, mellemleder or andet.",
                    value=shorten(raw[Column.JOB_LEVEL]),
                ),
            )
            level = JobLevel.OTHER
        values.job_level = level
    if Column.TAGS in raw:
        values.tags = _tags(raw[Column.TAGS], problems)
    if Column.MUNICIPALITY in columns or Column.REGION in columns:
        values.municipality_code, values.region = _place(
            raw.get(Column.MUNICIPALITY, ""), raw.get(Column.REGION, ""), today, problems
        )
    return values, problems.found


def _name(raw: Mapping[Column, str], problems: _RowFindings) -> str:
    name = raw.get(Column.NAME, "")
    if not name and (Column.FIRST_NAME in raw or Column.LAST_NAME in raw):
        name = " ".join(p for p in (raw.get(Column.FIRST_NAME, ""), raw.get(Column.LAST_NAME, "")) if p)
    name = re.sub(r"\s+", " ", name).strip()
    if not name:
        problems.add(Column.NAME, _("The name is missing."))
    elif len(name) > NAME_MAX:
        problems.add(Column.NAME, _("At most %(max)d characters.", max=NAME_MAX))
    return name


def _email(email: str, problems: _RowFindings) -> str:
    if not email:
        problems.add(Column.EMAIL, _("The e-mail address is missing."))
    elif len(email) > EMAIL_MAX or any(ch in email for ch in "\r\n\x00"):
        problems.add(Column.EMAIL, _("“%(value)s” is not a valid e-mail address.", value=shorten(email)))
    else:
        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problems.add(Column.EMAIL, _("“%(value)s” is not a valid e-mail address.", value=shorten(email)))
    return email.lower()


def _tags(cell: str, problems: _RowFindings) -> list[str]:
    tags = split_tags(cell)
    for tag in tags:
        if len(tag) > TAG_MAX:
            problems.add(Column.TAGS, _("A tag may have at most %(max)d characters.", max=TAG_MAX))
        elif looks_like_formula(tag):
            problems.add(
                Column.TAGS,
                _(
                    "The cell looks like a spreadsheet formula (%(value)s); the row is not imported.",
                    value=shorten(tag),
                ),
            )
    return [t for t in tags if len(t) <= TAG_MAX]


def _place(
    given_municipality: str, given_region: str, today: date, problems: _RowFindings
) -> tuple[str | None, str | None]:
    """(municipality code, region); a municipality decides the region."""
    code, region = None, None
    if given_municipality:
        code = parse_municipality(given_municipality)
        if code is None:
            problems.add(Column.MUNICIPALITY, _("Unknown municipality “%(value)s”.", value=shorten(given_municipality)))
    if given_region:
        region = parse_region(given_region)
        if region is None:
            problems.add(
                Column.REGION,
                _(
                    "Unknown region “%(value)s”; the regions are %(regions)s.",
                    value=shorten(given_region),
                    regions=", ".join(known_regions()),
                ),
            )
    found = municipality(code)
    if found is not None:
        derived = found.region_on(today)
        if region and region not in (found.region, found.region_from_2027):
            problems.add(
                Column.REGION,
                _(
                    "The region “%(given)s” does not match %(municipality)s (%(region)s); the municipality's region is used.",
                    given=region,
                    municipality=found.name,
                    region=derived,
                ),
                Severity.WARNING,
            )
        region = derived
    return code, region


# --- the whole file ------------------------------------------------------------


def check_data(filename: str, data: bytes, today: date) -> Preview:
    """Read a file and check every row and the rows against each other (not yet the directory)."""
    preview = Preview(filename=filename)
    try:
        table = read_table(data)
    except FileProblem as problem:
        preview.fatal = True
        preview.report.append(Finding(None, "", problem.message))
        return preview
    preview.kind, preview.encoding, preview.delimiter = table.kind, table.encoding, table.delimiter
    columns = map_columns(table.headers)
    preview.report.extend(columns.findings)
    preview.fatal = columns.fatal
    if not preview.fatal and not table.rows:
        preview.fatal = True
        preview.report.append(Finding(None, "", _("The file has a header row but no members below it.")))
    preview.fields = columns.fields
    if preview.fatal:
        return preview
    for number, cells in table.rows:
        values, found = check_row(number, cells, columns, today)
        preview.report.extend(found)
        errors = sum(1 for f in found if f.severity is Severity.ERROR)
        preview.rows.append(CheckedRow(number, values, errors=errors))
    _add_row_errors(preview, duplicates(preview.rows))
    _sort_report(preview)
    return preview


def duplicates(rows: Sequence[CheckedRow]) -> list[Finding]:
    """Every row of a group sharing an e-mail (or member number) is an error: which one is right?"""
    found: list[Finding] = []
    for column in (Column.EMAIL, Column.MEMBER_NUMBER):
        groups: dict[str, list[CheckedRow]] = defaultdict(list)
        for row in rows:
            value = row.values.email if column is Column.EMAIL else row.values.member_number
            if value:
                groups[value.casefold()].append(row)
        for group in groups.values():
            if len(group) < 2:
                continue
            for row in group:
                others = ", ".join(str(o.row) for o in group if o is not row)
                if column is Column.EMAIL:
                    message: str = _("The same e-mail address as row %(rows)s.", rows=others)
                else:
                    message = _("The same member number as row %(rows)s.", rows=others)
                found.append(Finding(row.row, label(column), message))
    return found


# --- against the directory -------------------------------------------------------


@dataclass(frozen=True)
class Directory:
    """An organisation's members as matching needs them."""

    #: E-mail -> (member id, member number).
    by_email: Mapping[str, tuple[int, str | None]]
    #: Member number -> member id.
    by_number: Mapping[str, int]
    #: Member id -> name, for messages.
    names: Mapping[int, str]


@dataclass(frozen=True)
class Plan:
    """What a valid row would do to the directory, or why it cannot."""

    action: RowAction | None = None
    member_id: int | None = None
    problem: str | None = None


def plan(values: MemberRow, directory: Directory) -> Plan:
    """Match a row by member number first, then by e-mail; a row matching two members cannot be imported."""
    number = values.member_number
    email_match = directory.by_email.get(values.email)
    number_match = directory.by_number.get(number) if number else None
    names = directory.names
    if number_match is not None:
        if email_match is not None and email_match[0] != number_match:
            return Plan(
                problem=_(
                    "Member number %(number)s belongs to %(name)s, but the e-mail address is already used by %(other)s.",
                    number=number,
                    name=names.get(number_match, ""),
                    other=names.get(email_match[0], ""),
                )
            )
        return Plan(RowAction.UPDATE, number_match)
    if email_match is not None:
        member_id, existing_number = email_match
        if number and existing_number and existing_number != number:
            return Plan(
                problem=_(
                    "The e-mail address belongs to %(name)s with member number %(existing)s, not %(number)s.",
                    name=names.get(member_id, ""),
                    existing=existing_number,
                    number=number,
                )
            )
        return Plan(RowAction.UPDATE, member_id)
    return Plan(RowAction.CREATE)


def match_directory(preview: Preview, directory: Directory) -> None:
    """Decide create or update for each valid row; a row that matches two members, or a
    member another row already changes, gets an error instead."""
    found: list[Finding] = []
    taken_ids: dict[int, int] = {}
    for row in preview.rows:
        if row.errors:
            continue
        decided = plan(row.values, directory)
        problem = decided.problem
        if not problem and decided.member_id is not None:
            if decided.member_id in taken_ids:
                problem = _(
                    "Row %(row)d changes the same member (%(name)s).",
                    row=taken_ids[decided.member_id],
                    name=directory.names.get(decided.member_id, ""),
                )
            taken_ids[decided.member_id] = row.row
        if problem:
            found.append(Finding(row.row, label(Column.EMAIL), problem))
            continue
        row.action, row.member_id = decided.action, decided.member_id
    _add_row_errors(preview, found)
    _sort_report(preview)


def _add_row_errors(preview: Preview, found: Sequence[Finding]) -> None:
    """Report errors of single rows, counting each against its row."""
    by_number = {row.row: row for row in preview.rows}
    for finding in found:
        preview.report.append(finding)
        if finding.row is not None and finding.severity is Severity.ERROR:
            by_number[finding.row].errors += 1


def _sort_report(preview: Preview) -> None:
    """Problems with the whole file first, then by row (in the order found within a row)."""
    preview.report.sort(key=lambda line: (line.row is not None, line.row or 0))
