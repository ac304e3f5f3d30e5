"""Carrying out a checked import: upsert the rows in the current transaction (flushes,
never commits). What the organiser saw in the preview is what happens, or nothing does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, update

from eventsite.audit import record_audit
from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.invitations.importing.checks import plan
from eventsite.invitations.importing.columns import Column, label
from eventsite.invitations.importing.preview import load_directory
from eventsite.invitations.importing.report import Finding, MemberRow, Preview, RowAction
from eventsite.invitations.models import Member, MemberTag


class ImportRefused(Exception):
    """The import was not carried out; nothing was saved."""

    def __init__(self, message: str, report: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.report = report or []


@dataclass
class ImportResult:
    created: int
    updated: int
    skipped: int


def apply_preview(
    organisation_id: int, preview: Preview, *, valid_only: bool = False, now: datetime | None = None
) -> ImportResult:
    """Upsert the checked rows in the current transaction and audit the import (flushes, never commits).

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
    directory = load_directory(organisation_id)
    creates: list[MemberRow] = []
    updates: list[tuple[int, MemberRow]] = []
    new_problems: list[Finding] = []
    skipped = preview.error_rows
    taken_emails: set[str] = set()
    taken_ids: set[int] = set()
    for row in preview.valid_rows:
        decided = plan(row.values, directory)
        problem = decided.problem
        if not problem and (decided.action, decided.member_id) != (row.action, row.member_id):
            # What the organiser saw is what happens, or nothing does.
            problem = _("The member directory changed since the preview.")
        member_id = decided.member_id
        if not problem and (row.values.email in taken_emails or (member_id is not None and member_id in taken_ids)):
            problem = _("Another row of the file changes the same member.")
        if problem:
            new_problems.append(Finding(row.row, label(Column.EMAIL), problem))
            skipped += 1
            continue
        taken_emails.add(row.values.email)
        if member_id is not None:
            taken_ids.add(member_id)
        if decided.action is RowAction.UPDATE and member_id is not None:
            updates.append((member_id, row.values))
        else:
            creates.append(row.values)
    if new_problems and not valid_only:
        raise ImportRefused(
            _("The member directory changed since the preview; nothing was imported. Upload the file again."),
            new_problems,
        )

    with_tags = "tags" in preview.fields
    tag_rows = _create(organisation_id, creates, now, with_tags=with_tags)
    tag_rows += _update(updates, preview.fields, now, with_tags=with_tags)
    for start in range(0, len(tag_rows), 2000):
        db.session.execute(insert(MemberTag), tag_rows[start : start + 2000])
    db.session.flush()
    result = ImportResult(created=len(creates), updated=len(updates), skipped=skipped)
    # The change log says who imported which file, and what it did.
    record_audit(
        organisation_id,
        "member_import",
        None,
        "imported",
        after={"file": preview.filename, "created": result.created, "updated": result.updated, "skipped": skipped},
    )
    return result


def _create(organisation_id: int, creates: list[MemberRow], now: datetime, *, with_tags: bool) -> list[dict[str, Any]]:
    """Insert the new members; returns the tag rows still to insert."""
    if not creates:
        return []
    rows = [
        {
            "organisation_id": organisation_id,
            "member_number": v.member_number,
            "email": v.email,
            "name": v.name,
            "job_title": v.job_title,
            "job_level": v.job_level,
            "workplace": v.workplace,
            "municipality_code": v.municipality_code,
            "region": v.region,
            "created_at": now,
            "updated_at": now,
        }
        for v in creates
    ]
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(Member), rows[start : start + 1000])
    if not with_tags:
        return []
    emails = [v.email for v in creates if v.tags]
    ids: dict[str, int] = {}
    for start in range(0, len(emails), 1000):
        ids.update(
            db.session.execute(
                select(Member.email, Member.id).where(
                    Member.organisation_id == organisation_id,
                    Member.email.in_(emails[start : start + 1000]),
                )
            )
            .tuples()
            .all()
        )
    return [{"member_id": ids[v.email], "tag": t} for v in creates for t in v.tags]


def _update(
    updates: list[tuple[int, MemberRow]], fields: list[str], now: datetime, *, with_tags: bool
) -> list[dict[str, Any]]:
    """Update the matched members' fields that the file has columns for; returns the tag rows to insert."""
    if not updates:
        return []
    written = [name for name in fields if name != "tags"]
    mappings = []
    for member_id, v in updates:
        mapping: dict[str, Any] = {name: getattr(v, name) for name in written}
        mapping["id"] = member_id
        if mapping.get("member_number") is None:
            mapping.pop("member_number", None)  # an empty cell never erases a known number
        mapping["updated_at"] = now
        mappings.append(mapping)
    db.session.execute(update(Member), mappings)
    if not with_tags:
        return []
    ids = [member_id for member_id, _v in updates]
    for start in range(0, len(ids), 1000):
        db.session.execute(delete(MemberTag).where(MemberTag.member_id.in_(ids[start : start + 1000])))
    return [{"member_id": member_id, "tag": t} for member_id, v in updates for t in v.tags]
