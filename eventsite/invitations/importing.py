"""Member import: check every row of a file, report, then upsert in one transaction.

`check_file` reads and checks a file and returns a `Preview`: the cleaned rows and
a report line for every problem (row, column, message). Nothing is saved. The
preview is kept server-side (`store_preview`, a MemberImport row) until the
organiser confirms; `apply_preview` then upserts by member number, else by e-mail.
A preview with errors saves nothing unless the organiser asks for only the valid
rows. The opt-out flag is never touched by an import: a file from the membership
system cannot re-subscribe someone who unsubscribed.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select, update

from eventsite.clock import local_today
from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.geo import all_municipalities, municipality
from eventsite.invitations.filereader import FileProblem, Table, read_table
from eventsite.invitations.models import (
    EMAIL_MAX,
    MEMBER_NUMBER_MAX,
    NAME_MAX,
    TAG_MAX,
    TEXT_MAX,
    JobLevel,
    Member,
    MemberImport,
    MemberTag,
    new_import_token,
)

#: Characters that make a spreadsheet run a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: How long an unconfirmed preview is kept.
PREVIEW_LIFETIME = timedelta(days=1)

#: Field -> header names it is recognised by (compared case-insensitively, without
#: punctuation). Danish first: that is what membership systems export.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "email": ("e-mail", "email", "e-mailadresse", "emailadresse", "e-mail-adresse", "mail", "mailadresse", "e-post"),
    "name": ("navn", "name", "fulde navn", "fuldt navn", "full name", "medlemsnavn"),
    "first_name": ("fornavn", "first name", "fornavne"),
    "last_name": ("efternavn", "last name", "surname"),
    "member_number": ("medlemsnummer", "medlemsnr", "medlems-nr", "medlem nr", "member number", "member no", "medlems-id", "medlemsid"),
    "job_title": ("stilling", "titel", "jobtitel", "stillingsbetegnelse", "job title", "title"),
    "job_level": ("niveau", "ledelsesniveau", "lederniveau", "jobniveau", "job level", "level", "stillingsniveau"),
    "workplace": ("arbejdsplads", "arbejdssted", "workplace", "virksomhed", "arbejdsgiver", "employer", "forvaltning"),
    "municipality": ("kommune", "kommunekode", "kommunenr", "kommunenummer", "municipality", "municipality code"),
    "region": ("region", "regionsnavn"),
    "tags": ("tags", "tag", "mærker", "mærke", "grupper", "gruppe", "kreds", "kredse", "etiketter"),
}

JOB_LEVEL_WORDS: dict[str, JobLevel] = {
    "direktør": JobLevel.DIREKTOER, "direktoer": JobLevel.DIREKTOER, "direktor": JobLevel.DIREKTOER,
    "director": JobLevel.DIREKTOER,
    "chef": JobLevel.CHEF, "head": JobLevel.CHEF,
    "leder": JobLevel.LEDER, "manager": JobLevel.LEDER,
    "mellemleder": JobLevel.MELLEMLEDER, "middle manager": JobLevel.MELLEMLEDER,
    "andet": JobLevel.OTHER, "anden": JobLevel.OTHER, "other": JobLevel.OTHER, "øvrig": JobLevel.OTHER,
    "øvrige": JobLevel.OTHER,
}

#: The fields a row can set on a Member (first/last name are folded into name).
MEMBER_FIELDS = ("member_number", "email", "name", "job_title", "job_level", "workplace",
                 "municipality_code", "region", "tags")


# --- the report ------------------------------------------------------------


@dataclass
class ReportLine:
    #: Spreadsheet row number (header = 1); None for a problem with the whole file.
    row: int | None
    column: str
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = _("Row %(row)d", row=self.row) if self.row is not None else _("File")
        column = f" ({self.column})" if self.column else ""
        kind = _("error") if self.severity == "error" else _("warning")
        return f"{where}{column}, {kind}: {self.message}"


@dataclass
class CheckedRow:
    row: int
    values: dict
    errors: int = 0
    #: "create" or "update" (against the directory when checked), "" when invalid.
    action: str = ""
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
    report: list[ReportLine] = field(default_factory=list)
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
        return self.fatal or any(line.severity == "error" for line in self.report)

    @property
    def to_create(self) -> int:
        return sum(1 for r in self.valid_rows if r.action == "create")

    @property
    def to_update(self) -> int:
        return sum(1 for r in self.valid_rows if r.action == "update")

    def summary_lines(self) -> list[str]:
        lines = [
            _("Rows read: %(num)d", num=len(self.rows)),
            _("Valid rows: %(num)d (%(new)d new, %(changed)d updated)",
              num=len(self.valid_rows), new=self.to_create, changed=self.to_update),
            _("Rows with errors: %(num)d", num=self.error_rows),
        ]
        return lines

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Preview:
        data = json.loads(text)
        data["rows"] = [CheckedRow(**r) for r in data["rows"]]
        data["report"] = [ReportLine(**r) for r in data["report"]]
        return cls(**data)


class ImportRefused(Exception):
    """The import was not carried out; nothing was saved."""

    def __init__(self, message: str, report: list[ReportLine] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.report = report or []


@dataclass
class ImportResult:
    created: int
    updated: int
    skipped: int


# --- normalising single cells ----------------------------------------------


def _header_key(text: str) -> str:
    text = text.replace("\ufeff", "").casefold().strip()
    text = re.sub(r"[_.:]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_HEADER_LOOKUP = {_header_key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


def _place_key(text: str) -> str:
    text = re.sub(r"\s+", " ", text.casefold().strip())
    return text.replace("å", "aa")


def _municipality_names() -> dict[str, str]:
    names = {}
    for m in all_municipalities():
        names[_place_key(m.name)] = m.code
    return names


_MUNICIPALITY_NAMES: dict[str, str] | None = None


def parse_municipality(value: str) -> str | None:
    """A four-digit code from a code ("370", "0370") or a name ("Næstved", "Københavns Kommune")."""
    global _MUNICIPALITY_NAMES
    value = value.strip()
    if value.isdigit():
        found = municipality(value)
        return found.code if found else None
    if _MUNICIPALITY_NAMES is None:
        _MUNICIPALITY_NAMES = _municipality_names()
    key = _place_key(value)
    key = re.sub(r" kommune$", "", key)
    if key in _MUNICIPALITY_NAMES:
        return _MUNICIPALITY_NAMES[key]
    if key.endswith("s") and key[:-1] in _MUNICIPALITY_NAMES:  # "Københavns", "Næstveds"
        return _MUNICIPALITY_NAMES[key[:-1]]
    return None


def known_regions() -> list[str]:
    """The five regions and, from 2027, Region Østdanmark."""
    names = set()
    for m in all_municipalities():
        names.update((m.region, m.region_from_2027))
    return sorted(names)


def parse_region(value: str) -> str | None:
    """A region name as written in eventsite.geo, from "Sjælland" or "region sjælland"."""
    key = _place_key(value)
    if not key.startswith("region "):
        key = "region " + key
    for region in known_regions():
        if _place_key(region) == key:
            return region
    return None


def parse_job_level(value: str) -> JobLevel | None:
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


def today_local():
    return local_today()


# --- checking a file ---------------------------------------------------------


def check_file(organisation_id: int, filename: str, data: bytes) -> Preview:
    """Read and check an uploaded file against the directory; saves nothing."""
    preview = Preview(filename=filename)
    try:
        table = read_table(data)
    except FileProblem as problem:
        preview.fatal = True
        preview.report.append(ReportLine(None, "", problem.message))
        return preview
    preview.kind, preview.encoding, preview.delimiter = table.kind, table.encoding, table.delimiter
    columns = _map_headers(table, preview)
    if preview.fatal:
        return preview
    _check_rows(table, columns, preview)
    _check_duplicates(preview)
    _match_directory(organisation_id, preview)
    preview.report.sort(key=lambda line: (line.row is not None, line.row or 0))
    return preview


def _map_headers(table: Table, preview: Preview) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        name = _HEADER_LOOKUP.get(_header_key(header))
        if not header.strip():
            continue
        if name is None:
            preview.report.append(ReportLine(
                None, header, _("Unknown column, ignored."), "warning"))
        elif name in columns:
            preview.report.append(ReportLine(
                None, header, _("The column appears twice; only the first is used."), "warning"))
        else:
            columns[name] = index
    found = ", ".join(f"“{h}”" for h in table.headers if h.strip()) or "–"
    if "email" not in columns:
        preview.fatal = True
        preview.report.append(ReportLine(None, "", _(
            "The header row has no e-mail column (e.g. “E-mail”). Columns found: %(found)s.", found=found)))
    if "name" not in columns and "first_name" not in columns:
        preview.fatal = True
        preview.report.append(ReportLine(None, "", _(
            "The header row has no name column (e.g. “Navn”, or “Fornavn” and “Efternavn”). Columns found: %(found)s.",
            found=found)))
    if not preview.fatal and not table.rows:
        preview.fatal = True
        preview.report.append(ReportLine(None, "", _("The file has a header row but no members below it.")))
    fields = ["email", "name"]
    for name in ("member_number", "job_title", "job_level", "workplace", "tags"):
        if name in columns:
            fields.append(name)
    if "municipality" in columns or "region" in columns:
        fields += ["municipality_code", "region"]
    preview.fields = fields
    return columns


#: How a column is named in the report.
_LABELS = {
    "email": _l("E-mail"), "name": _l("Name"), "first_name": _l("First name"), "last_name": _l("Last name"),
    "member_number": _l("Member number"), "job_title": _l("Job title"), "job_level": _l("Job level"),
    "workplace": _l("Workplace"), "municipality": _l("Municipality"), "region": _l("Region"), "tags": _l("Tags"),
}


def _label(column: str) -> str:
    return str(_LABELS[column]) if column in _LABELS else column


def _check_rows(table: Table, columns: dict[str, int], preview: Preview) -> None:
    today = today_local()
    limits = {"name": NAME_MAX, "job_title": TEXT_MAX, "workplace": TEXT_MAX,
              "member_number": MEMBER_NUMBER_MAX, "first_name": NAME_MAX, "last_name": NAME_MAX}
    for number, cells in table.rows:
        problems: list[ReportLine] = []

        def error(column: str, message: str, severity: str = "error") -> None:
            problems.append(ReportLine(number, _label(column), message, severity))

        raw = {}
        for name, index in columns.items():
            value = cells[index] if index < len(cells) else ""
            if value == "-":
                value = ""
            if value and name != "email" and looks_like_formula(value):
                error(name, _("The cell looks like a spreadsheet formula (%(value)s); the row is not imported.",
                              value=_shorten(value)))
                value = ""
            if name in limits and len(value) > limits[name]:
                error(name, _("At most %(max)d characters.", max=limits[name]))
                value = value[: limits[name]]
            raw[name] = value

        values: dict = {}
        name = raw.get("name", "")
        if not name and ("first_name" in raw or "last_name" in raw):
            name = " ".join(p for p in (raw.get("first_name", ""), raw.get("last_name", "")) if p)
        name = re.sub(r"\s+", " ", name).strip()
        if not name:
            error("name", _("The name is missing."))
        elif len(name) > NAME_MAX:
            error("name", _("At most %(max)d characters.", max=NAME_MAX))
        values["name"] = name

        email = raw.get("email", "")
        if not email:
            error("email", _("The e-mail address is missing."))
        elif len(email) > EMAIL_MAX or any(ch in email for ch in "\r\n\x00"):
            error("email", _("“%(value)s” is not a valid e-mail address.", value=_shorten(email)))
        else:
            try:
                email = validate_email(email, check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                error("email", _("“%(value)s” is not a valid e-mail address.", value=_shorten(email)))
        values["email"] = email.lower()

        if "member_number" in raw:
            values["member_number"] = raw["member_number"] or None
        for text_field in ("job_title", "workplace"):
            if text_field in raw:
                values[text_field] = raw[text_field]
        if "job_level" in raw:
            level = parse_job_level(raw["job_level"])
            if level is None:
                error("job_level", _(
                    "Unknown job level “%(value)s”; use direktør, chef, leder, mellemleder or andet.",
                    value=_shorten(raw["job_level"])))
                level = JobLevel.OTHER
            values["job_level"] = level.value
        if "tags" in raw:
            tags = split_tags(raw["tags"])
            for tag in tags:
                if len(tag) > TAG_MAX:
                    error("tags", _("A tag may have at most %(max)d characters.", max=TAG_MAX))
                elif looks_like_formula(tag):
                    error("tags", _("The cell looks like a spreadsheet formula (%(value)s); the row is not imported.",
                                    value=_shorten(tag)))
            values["tags"] = [t for t in tags if len(t) <= TAG_MAX]
        if "municipality" in columns or "region" in columns:
            code, region = None, None
            given_municipality = raw.get("municipality", "")
            given_region = raw.get("region", "")
            if given_municipality:
                code = parse_municipality(given_municipality)
                if code is None:
                    error("municipality", _("Unknown municipality “%(value)s”.", value=_shorten(given_municipality)))
            if given_region:
                region = parse_region(given_region)
                if region is None:
                    error("region", _(
                        "Unknown region “%(value)s”; the regions are %(regions)s.",
                        value=_shorten(given_region), regions=", ".join(known_regions())))
            if code:
                found = municipality(code)
                derived = found.region_on(today)
                if region and region not in (found.region, found.region_from_2027):
                    error("region", _(
                        "The region “%(given)s” does not match %(municipality)s (%(region)s); the municipality's region is used.",
                        given=region, municipality=found.name, region=derived), "warning")
                region = derived
            values["municipality_code"] = code
            values["region"] = region

        preview.report.extend(problems)
        errors = sum(1 for p in problems if p.severity == "error")
        preview.rows.append(CheckedRow(number, values, errors=errors))


def _shorten(value: str, limit: int = 60) -> str:
    value = value.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _check_duplicates(preview: Preview) -> None:
    """Every row of a group sharing an e-mail (or member number) is an error: which one is right?"""
    for key in ("email", "member_number"):
        groups: dict[str, list[CheckedRow]] = defaultdict(list)
        for row in preview.rows:
            value = row.values.get(key)
            if value:
                groups[value.casefold()].append(row)
        for group in groups.values():
            if len(group) < 2:
                continue
            for row in group:
                others = ", ".join(str(o.row) for o in group if o is not row)
                if key == "email":
                    line = ReportLine(row.row, _label(key), _("The same e-mail address as row %(rows)s.", rows=others))
                else:
                    line = ReportLine(row.row, _label(key), _("The same member number as row %(rows)s.", rows=others))
                preview.report.append(line)
                row.errors += 1


def _match_directory(organisation_id: int, preview: Preview) -> None:
    """Decide create or update per valid row; a row that matches two members is an error."""
    by_email, by_number, names = _directory_keys(organisation_id)
    taken_ids: dict[int, int] = {}
    for row in preview.rows:
        if row.errors:
            continue
        action, member_id, problem = _plan(row.values, by_email, by_number, names)
        if not problem and member_id is not None:
            if member_id in taken_ids:
                problem = _("Row %(row)d changes the same member (%(name)s).", row=taken_ids[member_id],
                            name=names.get(member_id, ""))
            taken_ids[member_id] = row.row
        if problem:
            preview.report.append(ReportLine(row.row, _label("email"), problem))
            row.errors += 1
            continue
        row.action, row.member_id = action, member_id


def _directory_keys(organisation_id: int):
    rows = db.session.execute(
        select(Member.id, Member.email, Member.member_number, Member.name).where(
            Member.organisation_id == organisation_id
        )
    ).all()
    by_email = {email: (mid, number) for mid, email, number, _name in rows}
    by_number = {number: mid for mid, _email, number, _name in rows if number}
    names = {mid: name for mid, _email, _number, name in rows}
    return by_email, by_number, names


def _plan(values: dict, by_email, by_number, names) -> tuple[str, int | None, str | None]:
    number = values.get("member_number")
    email_match = by_email.get(values["email"])
    number_match = by_number.get(number) if number else None
    if number_match is not None:
        if email_match is not None and email_match[0] != number_match:
            return "", None, _(
                "Member number %(number)s belongs to %(name)s, but the e-mail address is already used by %(other)s.",
                number=number, name=names.get(number_match, ""), other=names.get(email_match[0], ""))
        return "update", number_match, None
    if email_match is not None:
        member_id, existing_number = email_match
        if number and existing_number and existing_number != number:
            return "", None, _(
                "The e-mail address belongs to %(name)s with member number %(existing)s, not %(number)s.",
                name=names.get(member_id, ""), existing=existing_number, number=number)
        return "update", member_id, None
    return "create", None, None


# --- keeping the preview -----------------------------------------------------


def store_preview(organisation_id: int, preview: Preview, user_id: int | None = None) -> MemberImport:
    """Keep a checked file until the organiser confirms; old previews are removed."""
    db.session.execute(delete(MemberImport).where(MemberImport.created_at < utcnow() - PREVIEW_LIFETIME))
    stored = MemberImport(
        token=new_import_token(),
        organisation_id=organisation_id,
        user_id=user_id,
        filename=preview.filename[:255],
        payload=preview.to_json(),
        created_at=utcnow(),
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def load_preview(organisation_id: int, token: str) -> tuple[MemberImport, Preview] | None:
    """A stored preview of this organisation that has not expired, or None."""
    stored = db.session.execute(
        select(MemberImport).where(MemberImport.token == token, MemberImport.organisation_id == organisation_id)
    ).scalar_one_or_none()
    if stored is None or stored.created_at < utcnow() - PREVIEW_LIFETIME:
        return None
    return stored, Preview.from_json(stored.payload)


# --- applying ----------------------------------------------------------------


def apply_preview(organisation_id: int, preview: Preview, *, valid_only: bool = False,
                  now: datetime | None = None) -> ImportResult:
    """Upsert the checked rows in the current transaction (flushes, never commits).

    The directory is matched again, as it may have changed since the preview.
    ImportRefused (nothing written) if the file has errors and valid_only is False.
    """
    now = now or utcnow()
    if preview.fatal:
        raise ImportRefused(_("The file cannot be imported."), preview.report)
    if preview.has_errors and not valid_only:
        raise ImportRefused(
            _("The file has errors, so nothing was imported. Correct the file, or import only the valid rows."),
            preview.report,
        )
    by_email, by_number, names = _directory_keys(organisation_id)
    creates: list[dict] = []
    updates: list[dict] = []
    new_problems: list[ReportLine] = []
    skipped = preview.error_rows
    taken_emails: set[str] = set()
    taken_ids: set[int] = set()
    for row in preview.valid_rows:
        action, member_id, problem = _plan(row.values, by_email, by_number, names)
        if not problem and (action, member_id) != (row.action, row.member_id):
            # What the organiser saw is what happens, or nothing does.
            problem = _("The member directory changed since the preview.")
        if not problem and (row.values["email"] in taken_emails or (member_id is not None and member_id in taken_ids)):
            problem = _("Another row of the file changes the same member.")
        if problem:
            new_problems.append(ReportLine(row.row, _label("email"), problem))
            skipped += 1
            continue
        taken_emails.add(row.values["email"])
        if member_id is not None:
            taken_ids.add(member_id)
        values = {k: v for k, v in row.values.items() if k in preview.fields}
        if action == "create":
            creates.append(values)
        else:
            updates.append(dict(values, id=member_id))
    if new_problems and not valid_only:
        raise ImportRefused(
            _("The member directory changed since the preview; nothing was imported. Upload the file again."),
            new_problems,
        )

    tag_rows: list[dict] = []
    if creates:
        rows = [
            {
                "organisation_id": organisation_id,
                "member_number": v.get("member_number"),
                "email": v["email"],
                "name": v["name"],
                "job_title": v.get("job_title", ""),
                "job_level": JobLevel(v.get("job_level", JobLevel.OTHER.value)),
                "workplace": v.get("workplace", ""),
                "municipality_code": v.get("municipality_code"),
                "region": v.get("region"),
                "created_at": now,
                "updated_at": now,
            }
            for v in creates
        ]
        for start in range(0, len(rows), 1000):
            db.session.execute(insert(Member), rows[start:start + 1000])
        if "tags" in preview.fields:
            emails = [v["email"] for v in creates if v.get("tags")]
            ids: dict[str, int] = {}
            for start in range(0, len(emails), 1000):
                ids.update(db.session.execute(
                    select(Member.email, Member.id).where(
                        Member.organisation_id == organisation_id,
                        Member.email.in_(emails[start:start + 1000]),
                    )
                ).all())
            for v in creates:
                tag_rows.extend({"member_id": ids[v["email"]], "tag": t} for t in v.get("tags", []))
    if updates:
        mappings = []
        for v in updates:
            mapping = {k: v[k] for k in v if k not in ("tags",)}
            if "job_level" in mapping:
                mapping["job_level"] = JobLevel(mapping["job_level"])
            if mapping.get("member_number") is None:
                mapping.pop("member_number", None)  # an empty cell never erases a known number
            mapping["updated_at"] = now
            mappings.append(mapping)
        db.session.execute(update(Member), mappings)
        if "tags" in preview.fields:
            ids = [v["id"] for v in updates]
            for start in range(0, len(ids), 1000):
                db.session.execute(delete(MemberTag).where(MemberTag.member_id.in_(ids[start:start + 1000])))
            for v in updates:
                tag_rows.extend({"member_id": v["id"], "tag": t} for t in v.get("tags", []))
    for start in range(0, len(tag_rows), 2000):
        db.session.execute(insert(MemberTag), tag_rows[start:start + 2000])
    db.session.flush()
    return ImportResult(created=len(creates), updated=len(updates), skipped=skipped)
