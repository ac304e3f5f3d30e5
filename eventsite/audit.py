"""The audit trail: one AuditEntry per change made through the back office.

A shared module at the bottom of the layers: every area records its changes here,
and the back office (eventsite.organiser) shows them.

Usage from any domain function (the request commits it with the change itself)::

    before = snapshot(registration, ("status", "session_id"))
    ... change registration ...
    record_audit(registration.event.organisation_id, "registration", registration.id,
                 "moved", before=before, after=snapshot(registration, ("status", "session_id")))

`user` defaults to the logged-in user (None on the command line).

Reading the trail in plain Danish: each area says, at start-up, what its codes mean
(`add_audit_labels`: object types, actions, field labels, value labels and value
formatters) and how its objects are named (`add_object_names`); `readable(entries)`
turns entries into lines with field labels ("Stillingsniveau", not `job_level`),
object names, Copenhagen times, "Ja"/"Nej" and "–" for nothing. This module keeps
the registry, not the words: those live with the areas that own the fields.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any

from babel.dates import format_date, format_datetime, format_time
from flask import Flask, current_app, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsite.clock import LOCAL_TZ
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


# --- reading the trail: the registry the areas fill -------------------------------------

#: app.extensions key: the AuditLabels the areas registered.
LABELS = "eventsite.audit.labels"

#: What an empty value reads as.
NOTHING = "\u2013"


@dataclass
class AuditLabels:
    """What the stored codes mean; each area adds its own (see `add_audit_labels`)."""

    object_types: dict[str, Any] = field(default_factory=dict)
    actions: dict[str, Any] = field(default_factory=dict)
    #: "field" or, for a field named differently per object, "object_type.field".
    fields: dict[str, Any] = field(default_factory=dict)
    #: field -> stored value -> label (an enum's values).
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: field -> function from the stored value to its text (prices in øre, codes).
    formatters: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    #: object type -> function from ids to {id: name}.
    names: dict[str, Callable[[list[int]], dict[int, str]]] = field(default_factory=dict)


def _labels(app: Flask | None = None) -> AuditLabels:
    extensions = (app or current_app).extensions
    if LABELS not in extensions:
        extensions[LABELS] = AuditLabels()
    return extensions[LABELS]  # type: ignore[no-any-return]


def add_audit_labels(
    app: Flask,
    *,
    object_types: Mapping[str, Any] | None = None,
    actions: Mapping[str, Any] | None = None,
    fields: Mapping[str, Any] | None = None,
    values: Mapping[str, Mapping[str, Any]] | None = None,
    formatters: Mapping[str, Callable[[Any], str]] | None = None,
) -> None:
    """Register readable (lazy-translated) labels for an area's audit codes."""
    labels = _labels(app)
    labels.object_types.update(object_types or {})
    labels.actions.update(actions or {})
    labels.fields.update(fields or {})
    for name, mapping in (values or {}).items():
        labels.values.setdefault(name, {}).update(mapping)
    labels.formatters.update(formatters or {})


def add_object_names(app: Flask, object_type: str, names: Callable[[list[int]], dict[int, str]]) -> None:
    """Name an area's objects in the trail: `names(ids)` returns {id: name} (one query)."""
    _labels(app).names[object_type] = names


@dataclass(frozen=True)
class Change:
    label: str
    #: None when there was no earlier value to show (a creation).
    before: str | None
    after: str


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    object_type: str
    #: The object's name ("Temadag for mellemledere"), or "#12" when it has none (or is gone).
    name: str
    action: str
    changes: list[Change]


_ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_ISO_TIME = re.compile(r"^\d\d:\d\d(:\d\d)?$")


def _locale() -> str:
    return str(get_locale() or "da")


def value_text(object_type: str, name: str, value: Any, labels: AuditLabels | None = None) -> str:
    """A stored value as a person reads it: "–", "Ja"/"Nej", a label, a local time.

    A formatter or value labels registered for "object_type.field" come before those
    for "field".
    """
    labels = labels or _labels()
    if value is None or value == "":
        return NOTHING
    for key in (f"{object_type}.{name}", name):
        if key in labels.formatters:
            return labels.formatters[key](value)
        if key in labels.values and str(value) in labels.values[key]:
            return str(labels.values[key][str(value)])
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str):
        if _ISO_DATETIME.match(value):
            instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if instant.tzinfo is None:
                instant = instant.replace(tzinfo=timezone.utc)  # stored instants are UTC
            return format_datetime(instant, _("dd.MM.y 'at' HH:mm"), tzinfo=LOCAL_TZ, locale=_locale())
        if _ISO_DATE.match(value):
            return format_date(date.fromisoformat(value), "dd.MM.y", locale=_locale())
        if _ISO_TIME.match(value):
            return format_time(time.fromisoformat(value), _("HH:mm"), locale=_locale())
    return str(value)


def field_label(object_type: str, name: str, labels: AuditLabels | None = None) -> str:
    labels = labels or _labels()
    label = labels.fields.get(f"{object_type}.{name}", labels.fields.get(name))
    return str(label) if label is not None else name.replace("_", " ").capitalize()


def readable(entries: Iterable[AuditEntry]) -> list[AuditLine]:
    """The entries as lines a person reads (see the module docstring)."""
    labels = _labels()
    entries = list(entries)
    ids_by_type: dict[str, set[int]] = {}
    for entry in entries:
        if entry.object_id is not None:
            ids_by_type.setdefault(entry.object_type, set()).add(entry.object_id)
    names: dict[str, dict[int, str]] = {
        kind: labels.names[kind](sorted(ids)) for kind, ids in ids_by_type.items() if kind in labels.names
    }
    lines = []
    for entry in entries:
        before, after = decoded(entry)
        changes = []
        for key in dict.fromkeys([*before, *after]):
            changes.append(
                Change(
                    field_label(entry.object_type, key, labels),
                    value_text(entry.object_type, key, before[key], labels) if key in before else None,
                    value_text(entry.object_type, key, after[key], labels) if key in after else NOTHING,
                )
            )
        name = names.get(entry.object_type, {}).get(entry.object_id) if entry.object_id is not None else None
        lines.append(
            AuditLine(
                entry=entry,
                object_type=str(labels.object_types.get(entry.object_type, entry.object_type)),
                name=name or (f"#{entry.object_id}" if entry.object_id is not None else ""),
                action=str(labels.actions.get(entry.action, entry.action)),
                changes=changes,
            )
        )
    return lines
