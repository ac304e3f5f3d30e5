"""The registry of personal data: what each area holds about a person, and how to hand it over or erase it.

A shared module at the bottom of the layers (pretix's data shredders and exporters are
the model). Every area that stores something about a person registers a **category** in
its ``init_app``; the privacy area (eventsite.privacy, at the top) walks the registry to
export a person's data (GDPR art. 15/20), to erase a person (art. 17) and to run the
retention steps on a schedule. An area never has to know about the others.

Usage from an area's ``init_app``::

    from eventsite import personal_data

    personal_data.add_category(app, personal_data.Category(
        name="consents",
        label=_l("Consents"),
        export=export_consents,        # (subject) -> list of JSON-able dicts
        erase=erase_consents,          # (subjects) -> number of rows changed; flush only
        retention=(RetentionStep(...),),   # optional
    ))

A **subject** is one person (a row in ``people``) as it was *before* the erasure began:
its id, organisation, email address and name. Every category receives the same subjects,
so an area that keys its rows by email address (the member directory, the outbox) still
finds them even though the person row is anonymised in the same erasure. ``erase`` takes
many subjects at once: a retention run anonymises thousands of people in batches, with one
UPDATE per table and batch rather than one per person.

Rules for a category's functions:

- ``export(subject)`` returns JSON-able rows (str, int, float, bool, None; dates as ISO
  strings), the keys in English snake_case; the privacy area adds the label.
- ``erase(subjects)`` scrubs or deletes the rows for those people and **flushes, never
  commits**; it keeps what statistics need (statuses, counts, sessions) and returns the
  number of rows it changed. It must be idempotent: erasing an erased subject changes
  nothing harmful.
- A retention step's ``count(organisation_id, cutoff)`` changes nothing; its
  ``apply(organisation_id, cutoff, limit)`` treats at most ``limit`` rows (a batch, so no
  table is locked for long) and returns how many; the caller commits per batch and calls
  again until a batch comes back smaller than ``limit``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Select, func, select

from eventsite.extensions import db

#: app.extensions key: the registered categories, in order of registration.
CATEGORIES = "eventsite.personal_data"


@dataclass(frozen=True)
class Subject:
    """One person to export or erase, as stored before the erasure began."""

    #: people.id
    id: int
    organisation_id: int
    #: Lower-cased, as stored in people.email (and members.email).
    email: str
    name: str


class Unit(str, enum.Enum):
    """The unit a retention period is counted in."""

    DAYS = "days"
    MONTHS = "months"
    YEARS = "years"


@dataclass(frozen=True)
class RetentionStep:
    """Something deleted or anonymised by itself once it is older than a period.

    The period is the organisation's setting for `name` (eventsite.privacy keeps the
    settings), else `default`; `cutoff` is "now minus the period": rows whose deadline
    (an event's end, a delivery, an entry) lies before it are due.
    """

    #: Unique across all categories, e.g. "dietary_notes"; the settings are keyed by it.
    name: str
    #: What goes, in words (lazy gettext), e.g. "Kostbehov".
    label: Any
    #: Why the default is what it is (lazy gettext), shown next to the setting.
    reason: Any
    default: int
    unit: Unit
    #: How many rows are due now for an organisation (changes nothing; for --dry-run).
    count: Callable[[int, datetime], int]
    #: Treat at most `limit` due rows of the organisation; flush only; the number treated.
    apply: Callable[[int, datetime, int], int]
    #: False for periods the law fixes (bookkeeping): shown, not editable.
    configurable: bool = True
    #: Smallest and largest period an organisation may choose.
    minimum: int = 0
    maximum: int = 120
    #: The name of another step whose period (and unit) this one uses; such a step is
    #: not set on its own.
    follows: str | None = None


@dataclass(frozen=True)
class Category:
    """A kind of personal data one area holds, with its export, erasure and retention."""

    #: Unique, snake_case, e.g. "registrations"; the key in an export.
    name: str
    #: Shown in exports and on the privacy pages (lazy gettext), e.g. "Tilmeldinger".
    label: Any
    #: The person's rows in this category, JSON-able.
    export: Callable[[Subject], list[dict[str, Any]]]
    #: Scrub or delete the rows of these people; flush only; the number of rows changed.
    erase: Callable[[Sequence[Subject]], int]
    #: What happens on erasure, in words, for the privacy pages and the README (lazy gettext).
    erasure_note: Any = ""
    retention: tuple[RetentionStep, ...] = field(default_factory=tuple)


def add_category(app: Flask, category: Category) -> None:
    """Register a category of personal data (from an area's init_app); names are unique."""
    categories: list[Category] = app.extensions.setdefault(CATEGORIES, [])
    if any(known.name == category.name for known in categories):
        raise ValueError(f"a personal-data category called {category.name!r} is registered already")
    steps = {step.name for known in categories for step in known.retention}
    for step in category.retention:
        if step.name in steps:
            raise ValueError(f"a retention step called {step.name!r} is registered already")
    categories.append(category)


def categories() -> list[Category]:
    """Every registered category, in order of registration."""
    return list(current_app.extensions.get(CATEGORIES, []))


def category(name: str) -> Category:
    """The category called `name` (KeyError if none is)."""
    for known in categories():
        if known.name == name:
            return known
    raise KeyError(name)


def retention_steps() -> list[RetentionStep]:
    """Every category's retention steps, in order of registration."""
    return [step for known in categories() for step in known.retention]


def iso(value: Any) -> Any:
    """A value as it goes into an export row (enums by value, datetimes as ISO strings)."""
    if isinstance(value, enum.Enum):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def row(obj: Any, fields: Sequence[str]) -> dict[str, Any]:
    """An export row: the named attributes of an object, JSON-able."""
    return {name: iso(getattr(obj, name)) for name in fields}


def count_due(query: Select[Any]) -> int:
    """How many rows a retention step's query (a select of ids) finds: its `count`."""
    return int(db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def due_batch(query: Select[Any], limit: int) -> list[Any]:
    """The first `limit` ids a retention step's query finds: one batch for its `apply`."""
    return list(db.session.execute(query.limit(limit)).scalars())
