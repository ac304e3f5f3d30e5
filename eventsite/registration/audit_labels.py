"""The change log's words for registrations and the people who signed up (eventsite.audit)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsite.audit import add_audit_labels, add_object_names
from eventsite.extensions import db
from eventsite.registration.models import ATTENDANCE_LABELS, STATUS_LABELS, Person, Registration


def registration_names(ids: list[int]) -> dict[int, str]:
    """The person's name per registration (looked up now: a purged person shows as '#id')."""
    rows = db.session.execute(
        select(Registration.id, Person.name)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.id.in_(ids))
    ).tuples()
    return dict(rows.all())


def init_app(app: Flask) -> None:
    add_audit_labels(
        app,
        object_types={"registration": _l("Registration")},
        actions={
            "added_by_hand": _l("added by an organiser"),
            "promoted_out_of_order": _l("given a seat out of turn"),
            "checked_in": _l("checked in"),
            "marked_absent_notified": _l("marked absent, notified"),
            "marked_no_show": _l("marked as no-show"),
            "attendance_undone": _l("attendance mark removed"),
            "attendance_note": _l("attendance note written"),
            "details_corrected": _l("details corrected"),
            "confirmation_resent": _l("confirmation sent again"),
        },
        fields={
            "status": _l("Status"),
            "attendance": _l("Attendance"),
            "checked_in_at": _l("Checked in"),
            "attendance_note": _l("Attendance note"),
            "reason": _l("Reason"),
            "job_title": _l("Job title"),
            "workplace": _l("Workplace"),
            "email": _l("E-mail"),
        },
        values={
            "status": {status.value: label for status, label in STATUS_LABELS.items()},
            "attendance": {attendance.value: label for attendance, label in ATTENDANCE_LABELS.items()},
        },
    )
    add_object_names(app, "registration", registration_names)
