"""The audit trail as a category of personal data.

The trail sits at the bottom of the layers and cannot tell which entries refer to a
person, so the privacy area (which sees every area) registers it. An entry about the
person's registrations, subsidy requests, directory row or the person themselves keeps
who did what and when, but loses its before/after snapshots; so does any entry whose
snapshot names the person's address or full name. Entries are kept 5 years; their
personal snapshots go with the participant retention.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, or_, select, update

from eventsite import personal_data
from eventsite.audit import AuditEntry
from eventsite.extensions import db
from eventsite.invitations.privacy import member_ids
from eventsite.payments.models import SubsidyRequest
from eventsite.personal_data import Category, RetentionStep, Subject, Unit, count_due, due_batch
from eventsite.registration.models import Registration

#: Object types whose snapshots describe a person.
PERSONAL_TYPES = ("person", "registration", "subsidy_request", "member")
#: The erasure's own entry keeps its reason and counts (no personal data) as proof.
KEPT_ACTIONS = ("erased", "ran")


def _references(subjects: Sequence[Subject]) -> list[Any]:
    """Conditions matching the entries about these people's rows, one per object type."""
    person_ids = [subject.id for subject in subjects]
    registrations = select(Registration.id).where(Registration.person_id.in_(person_ids))
    requests = select(SubsidyRequest.id).where(SubsidyRequest.registration_id.in_(registrations))
    conditions = [
        and_(AuditEntry.object_type == "person", AuditEntry.object_id.in_(person_ids)),
        and_(AuditEntry.object_type == "registration", AuditEntry.object_id.in_(registrations)),
        and_(AuditEntry.object_type == "subsidy_request", AuditEntry.object_id.in_(requests)),
    ]
    conditions.append(and_(AuditEntry.object_type == "member", AuditEntry.object_id.in_(member_ids(subjects))))
    return conditions


def _mentions(subject: Subject) -> Any:
    """Entries of the organisation whose snapshots hold the address or the full name as a value."""
    needles = [json.dumps(subject.email, ensure_ascii=False)]
    if subject.name.strip():
        needles.append(json.dumps(subject.name, ensure_ascii=False))
    return and_(
        AuditEntry.organisation_id == subject.organisation_id,
        or_(
            *[
                column.contains(needle, autoescape=True)
                for needle in needles
                for column in (AuditEntry.before, AuditEntry.after)
            ]
        ),
    )


def export_audit(subject: Subject) -> list[dict[str, Any]]:
    """The changes recorded about the person's rows: what, when (snapshots included)."""
    entries = db.session.execute(
        select(AuditEntry)
        .where(AuditEntry.organisation_id == subject.organisation_id, or_(*_references([subject])))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    ).scalars()
    return [personal_data.row(entry, ("created_at", "object_type", "action", "before", "after")) for entry in entries]


def erase_audit(subjects: Sequence[Subject]) -> int:
    """Strip the snapshots of the entries about the people; who did what and when stays."""
    if not subjects:
        return 0
    # One UPDATE; each condition goes through the (object_type, object_id) index.
    conditions = _references(subjects)
    # One LIKE per person: for one erasure that is cheap; a retention batch relies on the references.
    if len(subjects) <= 10:
        conditions += [_mentions(subject) for subject in subjects]
    result = db.session.execute(
        update(AuditEntry)
        .where(or_(*conditions), or_(AuditEntry.before != "", AuditEntry.after != ""))
        .values(before="", after="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def _snapshots_before(organisation_id: int, cutoff: datetime) -> Any:
    return select(AuditEntry.id).where(
        AuditEntry.organisation_id == organisation_id,
        AuditEntry.created_at < cutoff,
        AuditEntry.object_type.in_(PERSONAL_TYPES),
        AuditEntry.action.not_in(KEPT_ACTIONS),
        or_(AuditEntry.before != "", AuditEntry.after != ""),
    )


def count_snapshots(organisation_id: int, cutoff: datetime) -> int:
    return count_due(_snapshots_before(organisation_id, cutoff))


def strip_snapshots(organisation_id: int, cutoff: datetime, limit: int) -> int:
    ids = due_batch(_snapshots_before(organisation_id, cutoff), limit)
    if ids:
        db.session.execute(
            update(AuditEntry)
            .where(AuditEntry.id.in_(ids))
            .values(before="", after="")
            .execution_options(synchronize_session=False)
        )
    return len(ids)


def _entries_before(organisation_id: int, cutoff: datetime) -> Any:
    return select(AuditEntry.id).where(AuditEntry.organisation_id == organisation_id, AuditEntry.created_at < cutoff)


def count_entries(organisation_id: int, cutoff: datetime) -> int:
    return count_due(_entries_before(organisation_id, cutoff))


def delete_entries(organisation_id: int, cutoff: datetime, limit: int) -> int:
    ids = due_batch(_entries_before(organisation_id, cutoff), limit)
    if ids:
        db.session.execute(
            delete(AuditEntry).where(AuditEntry.id.in_(ids)).execution_options(synchronize_session=False)
        )
    return len(ids)


#: Follows the participant retention (eventsite.privacy.retention.PARTICIPANTS_STEP).
SNAPSHOT_STEP = RetentionStep(
    name="audit_snapshots",
    label=_l("Personal details in the audit trail"),
    reason=_l(
        "The audit trail shows who changed what; the details about participants in it go when the "
        "participants themselves are anonymised."
    ),
    default=24,
    unit=Unit.MONTHS,
    count=count_snapshots,
    apply=strip_snapshots,
    configurable=False,
    follows="participants",
)

ENTRY_STEP = RetentionStep(
    name="audit_entries",
    label=_l("Audit trail"),
    reason=_l("Who changed what in the back office is kept for 5 years, as long as the accounts it may document."),
    default=5,
    unit=Unit.YEARS,
    count=count_entries,
    apply=delete_entries,
    configurable=False,
    minimum=5,
    maximum=5,
)

CATEGORY = Category(
    name="audit",
    label=_l("Changes in the back office"),
    export=export_audit,
    erase=erase_audit,
    erasure_note=_l("Who changed what and when stays; the details about the person are removed."),
    retention=(SNAPSHOT_STEP, ENTRY_STEP),
)
