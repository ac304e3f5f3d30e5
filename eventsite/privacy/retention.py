"""Retention that runs by itself: each organisation's periods, and the run that applies them.

The steps come from the personal-data registry (eventsite.personal_data: dietary needs,
delivered emails' recipients, unanswered invitations, invoice details, the audit trail)
plus the participant step defined here, which anonymises people whose last event lies
further back than the organisation's period, through every category at once.

A run treats each organisation and step in batches of RETENTION_BATCH rows, committing
each batch, so no table is locked for long; it is logged with counts only. The mail
worker runs it as the scheduled job "retention" (see init_app); `flask --app wsgi
retention --dry-run` shows what would go.
"""

from __future__ import annotations

import logging
import time
from calendar import monthrange
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from eventsite import personal_data
from eventsite.audit import record_audit
from eventsite.events.models import EventSession, Organisation
from eventsite.extensions import db
from eventsite.personal_data import RetentionStep, Subject, Unit, count_due
from eventsite.privacy.erasure import erase_subjects
from eventsite.privacy.models import RetentionSetting
from eventsite.registration.models import Person, Registration
from eventsite.web import UserError, reading, unit_of_work

log = logging.getLogger("eventsite.privacy")

#: How often the worker runs the retention steps (EVENTSITE_JOB_RETENTION_MINUTES overrides it).
RETENTION_INTERVAL = timedelta(hours=1)


# --- the participant step -----------------------------------------------------------------


def _due_people(organisation_id: int, cutoff: datetime) -> Any:
    """People of the organisation, not yet erased, with no session ending after `cutoff`."""
    recent = (
        select(Registration.id)
        .join(EventSession, EventSession.id == Registration.session_id)
        .where(Registration.person_id == Person.id, EventSession.ends_at >= cutoff)
    )
    return select(Person.id, Person.organisation_id, Person.email, Person.name).where(
        Person.organisation_id == organisation_id,
        Person.erased_at.is_(None),
        Person.created_at < cutoff,
        ~exists(recent),
    )


def count_participants(organisation_id: int, cutoff: datetime) -> int:
    return count_due(_due_people(organisation_id, cutoff))


def anonymise_participants(organisation_id: int, cutoff: datetime, limit: int) -> int:
    """Erase up to `limit` people whose last session ended before `cutoff` (all categories)."""
    subjects = [
        Subject(id=row.id, organisation_id=row.organisation_id, email=row.email, name=row.name)
        # No ORDER BY: the database may stop at the first `limit` people it finds due.
        for row in db.session.execute(_due_people(organisation_id, cutoff).limit(limit))
    ]
    if subjects:
        erase_subjects(subjects)
    return len(subjects)


PARTICIPANTS_STEP = RetentionStep(
    name="participants",
    label=_l("Participants of past events"),
    reason=_l(
        "Who took part is needed for follow-up, certificates and next year's planning; after 24 months "
        "the participants are anonymised. The numbers (registrations, attendance) stay for the statistics."
    ),
    default=24,
    unit=Unit.MONTHS,
    count=count_participants,
    apply=anonymise_participants,
    minimum=1,
    maximum=120,
)


def all_steps() -> list[RetentionStep]:
    """The participant step, then every registered category's steps."""
    return [PARTICIPANTS_STEP, *personal_data.retention_steps()]


def step_named(name: str) -> RetentionStep:
    for step in all_steps():
        if step.name == name:
            return step
    raise KeyError(name)


# --- settings ---------------------------------------------------------------------------


def stored_periods(organisation_id: int) -> dict[str, int]:
    """The organisation's own periods, by step name (steps without a row use their default)."""
    return dict(
        db.session.execute(
            select(RetentionSetting.step, RetentionSetting.period).where(
                RetentionSetting.organisation_id == organisation_id
            )
        ).all()
    )


@dataclass(frozen=True)
class Period:
    """A step's period in force for an organisation."""

    step: RetentionStep
    value: int
    unit: Unit
    #: The step it follows (its value is that step's), or None.
    follows: RetentionStep | None
    is_default: bool


def periods(organisation_id: int) -> list[Period]:
    """Every step's period for the organisation, in order."""
    stored = stored_periods(organisation_id)
    steps = all_steps()
    by_name = {step.name: step for step in steps}

    def own(step: RetentionStep) -> tuple[int, bool]:
        if step.configurable and step.name in stored:
            return stored[step.name], stored[step.name] == step.default
        return step.default, True

    result = []
    for step in steps:
        leader = by_name.get(step.follows) if step.follows else None
        value, is_default = own(leader or step)
        result.append(Period(step, value, (leader or step).unit, leader, is_default))
    return result


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` months earlier (the month's last day if shorter)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def cutoff(now: datetime, value: int, unit: Unit) -> datetime:
    """`now` minus the period: rows whose deadline lies before it are due."""
    if unit is Unit.DAYS:
        return now - timedelta(days=value)
    if unit is Unit.MONTHS:
        return months_before(now, value)
    return months_before(now, 12 * value)


class RetentionError(UserError):
    """A retention period outside what the step allows."""


def save_periods(organisation_id: int, values: dict[str, int], *, user: Any = None) -> dict[str, int]:
    """Store the organisation's periods (only configurable steps); the changed ones, audited. Flushes."""
    stored = stored_periods(organisation_id)
    changed: dict[str, int] = {}
    for step in all_steps():
        if not step.configurable or step.follows or step.name not in values:
            continue
        value = values[step.name]
        if not step.minimum <= value <= step.maximum:
            raise RetentionError(
                _l("Choose between %(low)d and %(high)d.", low=step.minimum, high=step.maximum), step.name
            )
        if stored.get(step.name, step.default) == value:
            continue
        setting = db.session.execute(
            select(RetentionSetting).where(
                RetentionSetting.organisation_id == organisation_id, RetentionSetting.step == step.name
            )
        ).scalar_one_or_none()
        if setting is None:
            setting = RetentionSetting(organisation_id=organisation_id, step=step.name)
            db.session.add(setting)
        setting.period = value
        setting.updated_by_id = user.id if user is not None else None
        changed[step.name] = value
    if changed:
        before = {name: stored.get(name, step_named(name).default) for name in changed}
        record_audit(organisation_id, "retention", None, "updated", before=before, after=changed, user=user)
    db.session.flush()
    return changed


# --- the run ------------------------------------------------------------------------------


@dataclass
class StepRun:
    """One step for one organisation in one run (counts only, no personal data)."""

    organisation_id: int
    organisation: str
    step: str
    cutoff: datetime
    #: Rows due (a dry run) or treated.
    count: int
    batches: int = 0
    #: The longest batch's transaction, in seconds (how long a lock could be held).
    longest_batch: float = 0.0


def _organisations() -> list[tuple[int, str]]:
    return [
        (row.id, row.slug)
        for row in db.session.execute(select(Organisation.id, Organisation.slug).order_by(Organisation.id))
    ]


def run_retention(
    now: datetime, *, dry_run: bool = False, batch_size: int | None = None, organisation_ids: list[int] | None = None
) -> list[StepRun]:
    """Apply (or, dry, count) every retention step for every organisation; one commit per batch.

    Call it outside a request: each batch is its own unit of work. Every organisation
    and step that did something is logged, and recorded in the organisation's audit trail.
    """
    batch_size = batch_size or current_app.config["RETENTION_BATCH"]
    with reading():
        organisations = [
            (oid, slug) for oid, slug in _organisations() if organisation_ids is None or oid in organisation_ids
        ]
        plans = [(oid, slug, periods(oid)) for oid, slug in organisations]
        db.session.rollback()
    runs: list[StepRun] = []
    for organisation_id, slug, in_force in plans:
        done: dict[str, int] = {}
        for period in in_force:
            step = period.step
            moment = cutoff(now, period.value, period.unit)
            run = StepRun(organisation_id, slug, step.name, moment, 0)
            if dry_run:
                with reading():
                    run.count = step.count(organisation_id, moment)
                    db.session.rollback()
            else:
                while True:
                    started = time.monotonic()
                    with unit_of_work():
                        treated = step.apply(organisation_id, moment, batch_size)
                    run.longest_batch = max(run.longest_batch, time.monotonic() - started)
                    run.batches += 1
                    run.count += treated
                    if treated < batch_size:
                        break
                if run.count:
                    done[step.name] = run.count
                    log.info(
                        "retention organisation %s %s: %d rows in %d batches (longest %.3f s)",
                        organisation_id,
                        step.name,
                        run.count,
                        run.batches,
                        run.longest_batch,
                    )
            runs.append(run)
        if done:
            with unit_of_work():
                record_audit(organisation_id, "retention", None, "ran", after=done)
    return runs


def retention_job(now: datetime) -> str | None:
    """The worker's scheduled job: the retention run; its log line has counts only."""
    runs = run_retention(now)
    totals: dict[str, int] = {}
    for run in runs:
        if run.count:
            totals[run.step] = totals.get(run.step, 0) + run.count
    return ", ".join(f"{name} {count}" for name, count in totals.items()) or None
