"""Participant exports for spreadsheets: CSV for Danish Excel, and XLSX.

Two kinds: the caterer/venue export carries only what they need (name, workplace,
dietary needs, session; confirmed people only), the full export everything the
organisation holds about each registration. Rows are read with `yield_per` and
written out as they come, so memory stays flat for large events.

Spreadsheet programs run a cell that starts with "=", "+", "-" or "@" (and, in some,
tab or carriage return) as a formula. Every text cell is passed through
`neutralise`, which puts an apostrophe in front of such values, in both formats.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from eventsite.events.models import LOCAL_TZ, EventSession, Venue
from eventsite.extensions import db
from eventsite.geo import municipality, region_for
from eventsite.payments.models import SubsidyRequest, SubsidyStatus
from eventsite.registration.models import (
    Attendance,
    DietaryNote,
    Person,
    Registration,
    RegistrationStatus,
)
from eventsite.spreadsheets import (  # noqa: F401  (the writers, re-exported for the export views)
    BATCH,
    csv_chunks,
    neutralise,
    ui_datetime_formatter,
    write_xlsx,
    xlsx_chunks,
)


class ExportKind(str, enum.Enum):
    CATERING = "catering"
    FULL = "full"

    @property
    def label(self) -> str:
        return str(EXPORT_KIND_LABELS[self])


EXPORT_KIND_LABELS = {
    ExportKind.CATERING: _l("Caterer and venue"),
    ExportKind.FULL: _l("Full list for the organisation"),
}


@dataclass(frozen=True)
class ExportRow:
    name: str
    email: str
    job_title: str
    workplace: str
    municipality_code: str | None
    session_id: int
    status: RegistrationStatus
    created_at: datetime
    attendance: Attendance
    checked_in_at: datetime | None
    attendance_note: str
    comment: str
    dietary: str | None
    #: Set when the registration has an approved subsidy (eventsite.payments).
    subsidy_id: int | None = None


@dataclass(frozen=True)
class SessionInfo:
    label: str
    day: Any


@dataclass(frozen=True)
class Labels:
    """Status and attendance labels, translated once per export rather than once per row."""

    status: dict[RegistrationStatus, str]
    attendance: dict[Attendance, str]

    @classmethod
    def now(cls) -> Labels:
        return cls({s: s.label for s in RegistrationStatus}, {a: a.label for a in Attendance})


@dataclass(frozen=True)
class Column:
    header: Any
    value: Callable[[ExportRow, SessionInfo, Labels], Any]


@lru_cache(maxsize=256)
def _municipality_name(code: str | None) -> str:
    found = municipality(code)
    return found.name if found else ""


CATERING_COLUMNS = (
    Column(_l("Name"), lambda r, s, t: r.name),
    Column(_l("Workplace"), lambda r, s, t: r.workplace),
    Column(_l("Dietary needs"), lambda r, s, t: r.dietary or ""),
    Column(_l("Venue and date"), lambda r, s, t: s.label),
)

FULL_COLUMNS = (
    Column(_l("Name"), lambda r, s, t: r.name),
    Column(_l("E-mail"), lambda r, s, t: r.email),
    Column(_l("Job title"), lambda r, s, t: r.job_title),
    Column(_l("Workplace"), lambda r, s, t: r.workplace),
    Column(_l("Municipality"), lambda r, s, t: _municipality_name(r.municipality_code)),
    Column(_l("Region"), lambda r, s, t: region_for(r.municipality_code, s.day) or ""),
    Column(_l("Venue and date"), lambda r, s, t: s.label),
    Column(_l("Status"), lambda r, s, t: t.status[r.status]),
    Column(_l("Registered"), lambda r, s, t: r.created_at),
    Column(_l("Attendance"), lambda r, s, t: t.attendance[r.attendance]),
    Column(_l("Checked in"), lambda r, s, t: r.checked_in_at),
    Column(_l("Attendance note"), lambda r, s, t: r.attendance_note),
    Column(_l("Dietary needs"), lambda r, s, t: r.dietary or ""),
    Column(_l("Comment"), lambda r, s, t: r.comment),
    Column(_l("Subsidy"), lambda r, s, t: str(_l("Subsidy")) if r.subsidy_id else ""),
)

COLUMNS = {ExportKind.CATERING: CATERING_COLUMNS, ExportKind.FULL: FULL_COLUMNS}


def short_datetime_formatter() -> Callable[[datetime], str]:
    """Formats many instants as '22.12.2026 kl. 09.00' (Copenhagen time).

    The one short format of the lists, the exports' session labels and the CSV files'
    date cells (`eventsite.spreadsheets.ui_datetime_formatter`).
    """
    return ui_datetime_formatter()


def short_when_formatter() -> Callable[[EventSession], str]:
    """Formats many sessions' starts as '22.12.2026 kl. 09.00'."""
    formatter = short_datetime_formatter()
    return lambda session: formatter(session.starts_at)


def short_when(session: EventSession) -> str:
    """'22.12.2026 kl. 09.00': the start of a session, short."""
    return short_when_formatter()(session)


def session_label(session: EventSession) -> str:
    """'Næstved, 22.12.2026 kl. 09.00' (the short form used in lists and exports)."""
    return f"{session.place_name}, {short_when(session)}"


def _sessions(event_id: int) -> dict[int, SessionInfo]:
    rows = db.session.execute(
        select(EventSession, Venue)
        .outerjoin(Venue, Venue.id == EventSession.venue_id)
        .where(EventSession.event_id == event_id)
    ).all()
    when = short_when_formatter()
    return {s.id: SessionInfo(f"{s.place_name}, {when(s)}", s.local_start.date()) for s, _venue in rows}


def _registrations(event_id: int, kind: ExportKind, session_id: int | None) -> Iterator[ExportRow]:
    statement = (
        select(
            Person.name,
            Person.email,
            Person.job_title,
            Person.workplace,
            Person.municipality_code,
            Registration.session_id,
            Registration.status,
            Registration.created_at,
            Registration.attendance,
            Registration.checked_in_at,
            Registration.attendance_note,
            Registration.comment,
            DietaryNote.text,
            SubsidyRequest.id,
        )
        .join(Person, Person.id == Registration.person_id)
        .join(EventSession, EventSession.id == Registration.session_id)
        .outerjoin(DietaryNote, DietaryNote.registration_id == Registration.id)
        .outerjoin(
            SubsidyRequest,
            and_(SubsidyRequest.registration_id == Registration.id, SubsidyRequest.status == SubsidyStatus.APPROVED),
        )
        # Places held for an unconfirmed anonymous sign-up are nobody's yet.
        .where(Registration.event_id == event_id, Registration.held_until.is_(None))
        .order_by(EventSession.starts_at, EventSession.id, Person.name, Registration.id)
        .execution_options(yield_per=BATCH)
    )
    if kind is ExportKind.CATERING:
        statement = statement.where(Registration.status == RegistrationStatus.CONFIRMED)
    if session_id is not None:
        statement = statement.where(Registration.session_id == session_id)
    for row in db.session.execute(statement):
        yield ExportRow(*row)


def export_rows(event_id: int, kind: ExportKind, session_id: int | None = None) -> Iterator[list[Any]]:
    """The header, then one list of cell values per registration (text not yet neutralised)."""
    columns = COLUMNS[kind]
    yield [str(column.header) for column in columns]
    sessions = _sessions(event_id)
    labels = Labels.now()
    for row in _registrations(event_id, kind, session_id):
        info = sessions[row.session_id]
        yield [column.value(row, info, labels) for column in columns]


def _local(value: datetime) -> datetime:
    """A naive Copenhagen wall-clock time: what a spreadsheet cell can hold."""
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None)
