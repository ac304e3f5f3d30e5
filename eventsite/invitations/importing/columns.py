"""The header row of a member file: which column holds which field.

Headers are recognised by their aliases, compared case-insensitively and without
punctuation. Danish first: that is what membership systems export.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventsite.invitations.importing.report import Finding, Severity


class Column(enum.StrEnum):
    """A field a member file can have a column for."""

    EMAIL = "email"
    NAME = "name"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    MEMBER_NUMBER = "member_number"
    JOB_TITLE = "job_title"
    JOB_LEVEL = "job_level"
    WORKPLACE = "workplace"
    MUNICIPALITY = "municipality"
    REGION = "region"
    TAGS = "tags"


#: Column -> header names it is recognised by.
HEADER_ALIASES: Mapping[Column, tuple[str, ...]] = MappingProxyType(
    {
        Column.EMAIL: (
            "e-mail",
            "email",
            "e-mailadresse",
            "emailadresse",
            "e-mail-adresse",
            "mail",
            "mailadresse",
            "e-post",
        ),
        Column.NAME: ("navn", "name", "fulde navn", "fuldt navn", "full name", "medlemsnavn"),
        Column.FIRST_NAME: ("fornavn", "first name", "fornavne"),
        Column.LAST_NAME: ("efternavn", "last name", "surname"),
        Column.MEMBER_NUMBER: (
            "medlemsnummer",
            "medlemsnr",
            "medlems-nr",
            "medlem nr",
            "member number",
            "member no",
            "medlems-id",
            "medlemsid",
        ),
        Column.JOB_TITLE: ("stilling", "titel", "jobtitel", "stillingsbetegnelse", "job title", "title"),
        Column.JOB_LEVEL: (
            "niveau",
            "ledelsesniveau",
            "lederniveau",
            "jobniveau",
            "job level",
            "level",
            "stillingsniveau",
        ),
        Column.WORKPLACE: (
            "arbejdsplads",
            "arbejdssted",
            "workplace",
            "virksomhed",
            "arbejdsgiver",
            "employer",
            "forvaltning",
        ),
        Column.MUNICIPALITY: (
            "kommune",
            "kommunekode",
            "kommunenr",
            "kommunenummer",
            "municipality",
            "municipality code",
        ),
        Column.REGION: ("region", "regionsnavn"),
        Column.TAGS: ("tags", "tag", "mærker", "mærke", "grupper", "gruppe", "kreds", "kredse", "etiketter"),
    }
)

#: How a column is named in the report.
_LABELS: Mapping[Column, object] = MappingProxyType(
    {
        Column.EMAIL: _l("E-mail"),
        Column.NAME: _l("Name"),
        Column.FIRST_NAME: _l("First name"),
        Column.LAST_NAME: _l("Last name"),
        Column.MEMBER_NUMBER: _l("Member number"),
        Column.JOB_TITLE: _l("Job title"),
        Column.JOB_LEVEL: _l("Job level"),
        Column.WORKPLACE: _l("Workplace"),
        Column.MUNICIPALITY: _l("Municipality"),
        Column.REGION: _l("Region"),
        Column.TAGS: _l("Tags"),
    }
)


def label(column: Column) -> str:
    """The column's name in the report, in the user's language."""
    return str(_LABELS[column])


def header_key(text: str) -> str:
    """A header as compared: no byte order mark, case-folded, "_.:" as spaces, single spaces."""
    text = text.replace("\ufeff", "").casefold().strip()
    text = re.sub(r"[_.:]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_HEADER_LOOKUP: Mapping[str, Column] = MappingProxyType(
    {header_key(alias): column for column, aliases in HEADER_ALIASES.items() for alias in aliases}
)


@dataclass
class ColumnMap:
    """What the header row says: where each column is, and what an import may write."""

    #: Column -> its index in a data row (the first, when a header appears twice).
    positions: dict[Column, int] = field(default_factory=dict)
    #: Member fields the file has a column for; only these are written on update.
    fields: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: The header row lacks an e-mail or a name column: nothing can be imported.
    fatal: bool = False

    def __contains__(self, column: Column) -> bool:
        return column in self.positions

    def cell(self, cells: Sequence[str], column: Column) -> str:
        """The row's text in this column ("" where the row is shorter)."""
        index = self.positions[column]
        return cells[index] if index < len(cells) else ""


def map_columns(headers: Sequence[str]) -> ColumnMap:
    """Recognise the header row; unknown and repeated headers are warnings, missing e-mail or name fatal."""
    found = ColumnMap()
    for index, header in enumerate(headers):
        column = _HEADER_LOOKUP.get(header_key(header))
        if not header.strip():
            continue
        if column is None:
            found.findings.append(Finding(None, header, _("Unknown column, ignored."), Severity.WARNING))
        elif column in found.positions:
            found.findings.append(
                Finding(None, header, _("The column appears twice; only the first is used."), Severity.WARNING)
            )
        else:
            found.positions[column] = index
    listed = ", ".join(f"“{h}”" for h in headers if h.strip()) or "–"
    if Column.EMAIL not in found:
        found.fatal = True
        found.findings.append(
            Finding(
                None,
                "",
                _("The header row has no e-mail column (e.g. “E-mail”). Columns found: %(found)s.", found=listed),
            )
        )
    if Column.NAME not in found and Column.FIRST_NAME not in found:
        found.fatal = True
        found.findings.append(
            Finding(
                None,
                "",
                _(
                    "The header row has no name column (e.g. “Navn”, or “Fornavn” and “Efternavn”). Columns found: %(found)s.",
                    found=listed,
                ),
            )
        )
    found.fields = ["email", "name"]
    for column in (Column.MEMBER_NUMBER, Column.JOB_TITLE, Column.JOB_LEVEL, Column.WORKPLACE, Column.TAGS):
        if column in found:
            found.fields.append(column.value)
    if Column.MUNICIPALITY in found or Column.REGION in found:
        found.fields += ["municipality_code", "region"]
    return found
