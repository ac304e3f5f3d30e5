"""Registration's personal data: the person, their registrations, attendance marks and dietary needs.

Registered with the personal-data registry (eventsite.personal_data) from the area's
init_app. Erasure keeps every registration's status, session, attendance and dates (the
statistics) and scrubs what describes the person: the person row becomes an anonymous
placeholder ("slettet-<id>-<random>@invalid", no name, job, workplace or municipality),
comments, attendance notes, held form details and dietary needs go, and every personal
link (manage links, the calendar feed, pending confirmation links) stops working.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, delete, literal, or_, select, update

from eventsite import personal_data
from eventsite.clock import utcnow
from eventsite.events.models import Event, EventSession
from eventsite.extensions import db
from eventsite.mail.models import OutboxMessage
from eventsite.personal_data import Category, RetentionStep, Subject, Unit, count_due, due_batch
from eventsite.registration.models import Attendance, DietaryNote, PendingSignup, Person, Registration

#: Domain of the placeholder addresses of erased people: reserved (RFC 6761), never delivered.
ERASED_DOMAIN = "invalid"


def _ids(subjects: Sequence[Subject]) -> list[int]:
    return [subject.id for subject in subjects]


def _registration_ids(person_ids: list[int]) -> Any:
    return select(Registration.id).where(Registration.person_id.in_(person_ids))


# --- the person ------------------------------------------------------------------------


def export_person(subject: Subject) -> list[dict[str, Any]]:
    """The person row as stored (one row)."""
    person = db.session.get(Person, subject.id)
    if person is None:
        return []
    return [
        personal_data.row(
            person, ("name", "email", "job_title", "workplace", "municipality_code", "created_at", "updated_at")
        )
    ]


def erase_people(subjects: Sequence[Subject]) -> int:
    """Make each person row an anonymous placeholder and revoke their calendar feed."""
    if not subjects:
        return 0
    # The id keeps each placeholder unique within (organisation_id, email); the random
    # part keeps the address from being guessed from the id alone.
    placeholder = literal("slettet-") + cast(Person.id, String) + literal(f"-{secrets.token_hex(4)}@{ERASED_DOMAIN}")
    result = db.session.execute(
        update(Person)
        .where(Person.id.in_(_ids(subjects)), Person.erased_at.is_(None))
        .values(
            email=placeholder,
            name="",
            job_title="",
            workplace="",
            municipality_code=None,
            # No key, no feed: the personal feed link answers 404 (calendar.personal).
            feed_key=None,
            erased_at=utcnow(),
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


# --- registrations ---------------------------------------------------------------------


def export_registrations(subject: Subject) -> list[dict[str, Any]]:
    """Every registration of the person: event, session, status, comment and dates."""
    rows = db.session.execute(
        select(Registration, Event.title, EventSession.starts_at, EventSession.ends_at)
        .join(Event, Event.id == Registration.event_id)
        .join(EventSession, EventSession.id == Registration.session_id)
        .where(Registration.person_id == subject.id)
        .order_by(EventSession.starts_at, Registration.id)
    ).all()
    return [
        {
            "event": title,
            "session_starts_at": personal_data.iso(starts_at),
            "session_ends_at": personal_data.iso(ends_at),
            **personal_data.row(
                registration, ("status", "comment", "created_at", "confirmed_at", "waitlisted_at", "cancelled_at")
            ),
        }
        for registration, title, starts_at, ends_at in rows
    ]


def erase_registrations(subjects: Sequence[Subject]) -> int:
    """Scrub comments and held form details, revoke manage links, drop pending sign-ups and stop queued mail."""
    if not subjects:
        return 0
    person_ids = _ids(subjects)
    # A manage link stops working MANAGE_LINK_GRACE_DAYS after its event (and names nobody
    # once the person is erased, see tokens.registration_from_token): only the links of
    # events not long over get a new key, so a retention run over years of past events
    # rewrites only the rows that hold something.
    grace = timedelta(days=current_app.config["MANAGE_LINK_GRACE_DAYS"])
    live_events = select(EventSession.event_id).where(EventSession.ends_at >= utcnow() - grace)
    changed = db.session.execute(
        update(Registration)
        .where(
            Registration.person_id.in_(person_ids),
            or_(
                Registration.comment != "",
                Registration.held_details.is_not(None),
                Registration.hold_key.is_not(None),
                Registration.event_id.in_(live_events),
            ),
        )
        .values(comment="", held_details=None, hold_key=None, token_key=secrets.token_urlsafe(16))
        .execution_options(synchronize_session=False)
    ).rowcount
    # Email sent about these registrations may have gone to an earlier address.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.registration_id.in_(_registration_ids(person_ids)), OutboxMessage.recipient != "")
        .values(recipient="", last_error="")
        .execution_options(synchronize_session=False)
    )
    # Pending sign-ups are keyed by address and event; the addresses are still in the people rows.
    pending = (
        select(PendingSignup.id)
        .join(Event, Event.id == PendingSignup.event_id)
        .join(Person, and_(Person.organisation_id == Event.organisation_id, Person.email == PendingSignup.email))
        .where(Person.id.in_(person_ids))
    )
    changed += db.session.execute(
        delete(PendingSignup).where(PendingSignup.id.in_(pending)).execution_options(synchronize_session=False)
    ).rowcount
    return changed or 0


# --- attendance --------------------------------------------------------------------------


def export_attendance(subject: Subject) -> list[dict[str, Any]]:
    """The attendance and absence marks recorded for the person."""
    rows = db.session.execute(
        select(Registration, Event.title, EventSession.starts_at)
        .join(Event, Event.id == Registration.event_id)
        .join(EventSession, EventSession.id == Registration.session_id)
        .where(Registration.person_id == subject.id, Registration.attendance != Attendance.NONE)
        .order_by(EventSession.starts_at, Registration.id)
    ).all()
    return [
        {
            "event": title,
            "session_starts_at": personal_data.iso(starts_at),
            "attendance": registration.attendance.value,
            "attendance_label": registration.attendance.label,
            "checked_in_at": personal_data.iso(registration.checked_in_at),
            "note": registration.attendance_note,
        }
        for registration, title, starts_at in rows
    ]


def erase_attendance(subjects: Sequence[Subject]) -> int:
    """Scrub the door staff's notes; the marks themselves stay (they are counted)."""
    if not subjects:
        return 0
    result = db.session.execute(
        update(Registration)
        .where(Registration.person_id.in_(_ids(subjects)), Registration.attendance_note != "")
        .values(attendance_note="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


# --- dietary needs -----------------------------------------------------------------------


def export_dietary(subject: Subject) -> list[dict[str, Any]]:
    """The dietary needs still held (they are deleted after each session)."""
    rows = db.session.execute(
        select(DietaryNote, Event.title)
        .join(Registration, Registration.id == DietaryNote.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.person_id == subject.id)
        .order_by(DietaryNote.created_at)
    ).all()
    return [
        {"event": title, "text": note.text, "created_at": personal_data.iso(note.created_at)} for note, title in rows
    ]


def erase_dietary(subjects: Sequence[Subject]) -> int:
    """Delete the person's dietary needs."""
    if not subjects:
        return 0
    result = db.session.execute(
        delete(DietaryNote)
        .where(DietaryNote.registration_id.in_(_registration_ids(_ids(subjects))))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def _due_dietary(organisation_id: int, cutoff: datetime) -> Any:
    """Dietary notes of the organisation whose session ended before `cutoff`."""
    return (
        select(DietaryNote.registration_id)
        .join(Registration, Registration.id == DietaryNote.registration_id)
        .join(EventSession, EventSession.id == Registration.session_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.organisation_id == organisation_id, EventSession.ends_at < cutoff)
    )


def count_dietary(organisation_id: int, cutoff: datetime) -> int:
    return count_due(_due_dietary(organisation_id, cutoff))


def purge_dietary(organisation_id: int, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` dietary notes of sessions that ended before `cutoff`."""
    ids = due_batch(_due_dietary(organisation_id, cutoff), limit)
    if not ids:
        return 0
    db.session.execute(
        delete(DietaryNote).where(DietaryNote.registration_id.in_(ids)).execution_options(synchronize_session=False)
    )
    return len(ids)


def purge_dietary_notes(after_days: int = 1, now: datetime | None = None) -> int:
    """Delete dietary needs of sessions that ended more than `after_days` ago, in every organisation."""
    cutoff = (now or utcnow()) - timedelta(days=after_days)
    ids = (
        select(DietaryNote.registration_id)
        .join(Registration, Registration.id == DietaryNote.registration_id)
        .join(EventSession, EventSession.id == Registration.session_id)
        .where(EventSession.ends_at < cutoff)
    )
    result = db.session.execute(
        delete(DietaryNote).where(DietaryNote.registration_id.in_(ids)).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


DIETARY_STEP = RetentionStep(
    name="dietary_notes",
    label=_l("Dietary needs"),
    reason=_l(
        "Dietary needs can reveal health or religion and are only needed by the caterer: "
        "they are deleted the day after the session."
    ),
    default=1,
    unit=Unit.DAYS,
    count=count_dietary,
    apply=purge_dietary,
    minimum=0,
    maximum=90,
)


def init_app(app: Flask) -> None:
    """Register registration's categories of personal data."""
    personal_data.add_category(
        app,
        Category(
            name="person",
            label=_l("Personal details"),
            export=export_person,
            erase=erase_people,
            erasure_note=_l("Name, email, job title, workplace and municipality are removed."),
        ),
    )
    personal_data.add_category(
        app,
        Category(
            name="registrations",
            label=_l("Registrations"),
            export=export_registrations,
            erase=erase_registrations,
            erasure_note=_l("Status, session and dates stay for the statistics; comments and personal links go."),
        ),
    )
    personal_data.add_category(
        app,
        Category(
            name="attendance",
            label=_l("Attendance and absence"),
            export=export_attendance,
            erase=erase_attendance,
            erasure_note=_l("The marks stay for the statistics; the notes go."),
        ),
    )
    personal_data.add_category(
        app,
        Category(
            name="dietary_needs",
            label=_l("Dietary needs"),
            export=export_dietary,
            erase=erase_dietary,
            erasure_note=_l("Deleted."),
            retention=(DIETARY_STEP,),
        ),
    )
