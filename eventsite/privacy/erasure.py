"""Erasure (GDPR art. 17): a person is anonymised everywhere, the statistics stay.

Every category in the personal-data registry (eventsite.personal_data) scrubs its rows
for the person; the person row becomes an anonymous placeholder (people.erased_at set)
so registrations keep counting. Every personal link stops working. The audit trail
records that the person was erased, by whom and why, without the erased data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from eventsite import personal_data
from eventsite.audit import record_audit
from eventsite.extensions import db
from eventsite.personal_data import Subject
from eventsite.registration.models import Person
from eventsite.web import UserError

#: Longest reason an organiser may give.
REASON_MAX = 500


class ErasureError(UserError):
    """An erasure that cannot be done (already erased, no reason given)."""


@dataclass
class ErasureResult:
    """What an erasure changed: rows per category (no personal data)."""

    person_id: int
    organisation_id: int
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def subject_of(person: Person) -> Subject:
    """The person as the registry's categories need them, read before anything changes."""
    return Subject(id=person.id, organisation_id=person.organisation_id, email=person.email, name=person.name)


def erase_subjects(subjects: Sequence[Subject]) -> dict[str, int]:
    """Erase these people in every category; rows changed per category. Flushes only.

    Categories are erased in the reverse order of their registration: the higher areas,
    registered later, still find their rows through the lower areas' keys (an address
    in the member directory) before those are scrubbed.
    """
    db.session.flush()
    rows: dict[str, int] = {}
    for category in reversed(personal_data.categories()):
        rows[category.name] = category.erase(subjects)
    db.session.flush()
    # The categories changed rows behind the ORM's back (bulk UPDATEs).
    db.session.expire_all()
    return rows


def _without(text: str, subject: Subject) -> str:
    """The reason with the person's name and address blanked out, should the organiser have typed them."""
    for value in (subject.email, subject.name):
        if value.strip():
            text = re.sub(re.escape(value.strip()), "[…]", text, flags=re.IGNORECASE)
    return text


def erase_person(person: Person, *, reason: str, by_user: Any = None) -> ErasureResult:
    """Anonymise the person everywhere; refused (nothing changed) if already erased or no reason is given."""
    if person.erased_at is not None:
        raise ErasureError(_l("This person's data has already been erased."))
    reason = (reason or "").strip()
    if not reason:
        raise ErasureError(_l("Give a reason for the erasure."), "reason")
    if len(reason) > REASON_MAX:
        raise ErasureError(_l("The reason may be at most %(max)d characters.", max=REASON_MAX), "reason")
    subject = subject_of(person)
    rows = erase_subjects([subject])
    record_audit(
        subject.organisation_id,
        "person",
        subject.id,
        "erased",
        after={"reason": _without(reason, subject), "rows": sum(rows.values())},
        user=by_user,
    )
    db.session.flush()
    return ErasureResult(person_id=subject.id, organisation_id=subject.organisation_id, rows=rows)
