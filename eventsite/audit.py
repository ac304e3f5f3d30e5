"""The audit trail: one AuditEntry per change made through the back office.

A shared module at the bottom of the layers: every area records its changes here,
and the back office (eventsite.organiser) shows them.

Usage from any domain function (the request commits it with the change itself)::

    before = snapshot(registration, ("status", "session_id"))
    ... change registration ...
    record_audit(registration.event.organisation_id, "registration", registration.id,
                 "moved", before=before, after=snapshot(registration, ("status", "session_id")))

`user` defaults to the logged-in user (None on the command line).
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime, time
from typing import Any, Iterable

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsite.db import Base, UTCDateTime, utcnow
from eventsite.extensions import db


class AuditEntry(Base):
    """Who changed what and when, in the back office."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_organisation_created", "organisation_id", "created_at"),
        # The entries about one object (a registration's history, an erasure's scrub).
        Index("ix_audit_entries_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None for changes made from the command line, or once the account is deleted.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The user's e-mail address at the time, so the trail outlives the account.
    actor: Mapped[str] = mapped_column(String(254), default="")
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: "event", "session", "programme_item", "venue", "registration", "user", ...
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column()
    #: "created", "updated", "published", "cancelled", "moved", ...
    action: Mapped[str] = mapped_column(String(40))
    #: JSON object with the changed fields' old values ("" when nothing came before).
    before: Mapped[str] = mapped_column(Text, default="")
    #: JSON object with the changed fields' new values.
    after: Mapped[str] = mapped_column(Text, default="")

    user: Mapped["User | None"] = relationship("User")  # noqa: F821  (eventsite.accounts, above)


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of an object as JSON-friendly values."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def changed_only(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the keys whose value differs, so the trail shows what changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _acting_user() -> Any:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()  # type: ignore[attr-defined]
    return None


def record_audit(
    organisation_id: int,
    object_type: str,
    object_id: int | None,
    action: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    user: Any = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (committed with the change)."""
    user = user or _acting_user()
    entry = AuditEntry(
        created_at=utcnow(),
        user_id=user.id if user else None,
        actor=user.email if user else "",
        organisation_id=organisation_id,
        object_type=object_type,
        object_id=object_id,
        action=action,
        before=json.dumps({k: _jsonable(v) for k, v in before.items()}, ensure_ascii=False, sort_keys=True)
        if before
        else "",
        after=json.dumps({k: _jsonable(v) for k, v in after.items()}, ensure_ascii=False, sort_keys=True)
        if after
        else "",
    )
    db.session.add(entry)
    return entry


def decoded(entry: AuditEntry) -> tuple[dict[str, Any], dict[str, Any]]:
    """The before and after summaries of an entry as dicts."""
    return (json.loads(entry.before) if entry.before else {}, json.loads(entry.after) if entry.after else {})
