"""Subsidised places: the budget, decisions on requests, and the report.

An event offers subsidised places when it has a `SubsidyBudget`: a number of places
and/or an amount. An approval locks the budget row, counts what is already
approved under that lock, and refuses to exceed either limit, so two organisers
approving at once cannot overspend. Approved requests of cancelled registrations
no longer count: cancelling gives the place back to the budget.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventsite.audit import record_audit, snapshot
from eventsite.db import utcnow
from eventsite.events.models import LOCAL_TZ, Event, EventSession
from eventsite.extensions import db
from eventsite.payments.models import SubsidyBudget, SubsidyRequest, SubsidyStatus
from eventsite.payments.notifications import notify_subsidy_decision
from eventsite.payments.pricing import check_price, format_dkk
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.web import UserError

_ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class SubsidyError(UserError, ValueError):
    """A decision that is refused, with a message for the organiser."""


# --- pure budget arithmetic ------------------------------------------------------


@dataclass(frozen=True)
class BudgetUse:
    #: None = no limit.
    places: int | None
    amount: int | None
    places_used: int = 0
    amount_used: int = 0

    @property
    def places_left(self) -> int | None:
        return None if self.places is None else max(0, self.places - self.places_used)

    @property
    def amount_left(self) -> int | None:
        return None if self.amount is None else max(0, self.amount - self.amount_used)


def approval_problem(use: BudgetUse, granted: int | None):
    """Why approving a grant would break the budget (a message), or None if it fits."""
    if use.amount is not None and granted is None:
        return _l("The budget is an amount: enter how much is granted.")
    if use.places is not None and use.places_used + 1 > use.places:
        return _l("The budget's %(places)d subsidised places are all granted.", places=use.places)
    if use.amount is not None and use.amount_used + (granted or 0) > use.amount:
        return _l(
            "The grant exceeds the budget: %(left)s is left of %(amount)s",
            left=format_dkk(use.amount_left or 0),
            amount=format_dkk(use.amount),
        )
    return None


# --- reading ------------------------------------------------------------------------


def lock_budget(event_id: int) -> SubsidyBudget | None:
    """The event's budget with its row locked until the transaction ends."""
    return db.session.execute(
        select(SubsidyBudget).where(SubsidyBudget.event_id == event_id).with_for_update()
    ).scalar_one_or_none()


def budget_use(budget: SubsidyBudget, *, excluding: int | None = None) -> BudgetUse:
    """Places and amount approved so far for the budget's event (active registrations only)."""
    query = (
        select(func.count(), func.coalesce(func.sum(SubsidyRequest.granted_ore), 0))
        .join(Registration, Registration.id == SubsidyRequest.registration_id)
        .where(
            SubsidyRequest.event_id == budget.event_id,
            SubsidyRequest.status == SubsidyStatus.APPROVED,
            Registration.status.in_(_ACTIVE),
        )
    )
    if excluding is not None:
        query = query.where(SubsidyRequest.id != excluding)
    places_used, amount_used = db.session.execute(query).one()
    return BudgetUse(budget.places, budget.amount_ore, places_used, int(amount_used))


def subsidised_registration_ids(event_ids: Iterable[int]) -> set[int]:
    """Ids of registrations with an approved subsidy, for marking "Tilskud" in lists and exports."""
    ids = list(event_ids)
    if not ids:
        return set()
    return set(
        db.session.execute(
            select(SubsidyRequest.registration_id).where(
                SubsidyRequest.event_id.in_(ids), SubsidyRequest.status == SubsidyStatus.APPROVED
            )
        ).scalars()
    )


def subsidy_requests(event_ids: Iterable[int], status: SubsidyStatus | None = None) -> list[SubsidyRequest]:
    """Requests for these events, oldest first (the review queue)."""
    ids = list(event_ids)
    if not ids:
        return []
    query = select(SubsidyRequest).where(SubsidyRequest.event_id.in_(ids))
    if status is not None:
        query = query.where(SubsidyRequest.status == status)
    return list(db.session.execute(query.order_by(SubsidyRequest.created_at, SubsidyRequest.id)).scalars())


# --- deciding ------------------------------------------------------------------------


def decide(
    request: SubsidyRequest,
    approve: bool,
    *,
    granted_ore: int | None = None,
    note: str = "",
    user=None,
    now: datetime | None = None,
) -> SubsidyRequest:
    """Approve (within the budget) or decline a request, audit it and queue the email. Flushes."""

    now = now or utcnow()
    check_price(granted_ore)
    budget = lock_budget(request.event_id)
    # Another organiser may have decided while we waited for the lock.
    db.session.refresh(request)
    registration = request.registration
    db.session.refresh(registration)
    fields = ("status", "granted_ore", "decision_note")
    before = snapshot(request, fields)
    if approve:
        if budget is None:
            raise SubsidyError(_l("This event has no subsidy budget."))
        if registration.status is RegistrationStatus.CANCELLED:
            raise SubsidyError(_l("The registration has been cancelled; the request cannot be approved."))
        problem = approval_problem(budget_use(budget, excluding=request.id), granted_ore)
        if problem is not None:
            raise SubsidyError(problem)
        request.status = SubsidyStatus.APPROVED
        request.granted_ore = granted_ore
    else:
        request.status = SubsidyStatus.DECLINED
        request.granted_ore = None
    request.decision_note = note.strip()
    request.decided_at = now
    request.decided_by_id = user.id if user is not None else None
    db.session.flush()
    record_audit(
        registration.event.organisation_id,
        "subsidy_request",
        request.id,
        "approved" if approve else "declined",
        before=before,
        after=snapshot(request, fields),
        user=user,
    )
    notify_subsidy_decision(request)
    return request


def save_budget(
    event: Event, *, places: int | None, amount_ore: int | None, description: str = "", user=None
) -> SubsidyBudget:
    """Offer subsidised places (or change the budget); never below what is already approved. Flushes."""

    if places is None and amount_ore is None:
        raise SubsidyError(_l("Give the budget as a number of places, an amount, or both."))
    if places is not None and places < 0:
        raise SubsidyError(_l("The number of places cannot be negative."))
    check_price(amount_ore)
    budget = lock_budget(event.id)
    fields = ("places", "amount_ore", "description")
    before = snapshot(budget, fields) if budget else None
    if budget is None:
        budget = SubsidyBudget(event_id=event.id)
        db.session.add(budget)
    budget.places, budget.amount_ore, budget.description = places, amount_ore, description.strip()
    db.session.flush()
    use = budget_use(budget)
    if places is not None and use.places_used > places:
        raise SubsidyError(
            _l("%(count)d places are already granted; the budget cannot be smaller.", count=use.places_used)
        )
    if amount_ore is not None and use.amount_used > amount_ore:
        raise SubsidyError(
            _l("%(amount)s is already granted; the budget cannot be smaller.", amount=format_dkk(use.amount_used))
        )
    record_audit(
        event.organisation_id,
        "subsidy_budget",
        event.id,
        "updated" if before else "created",
        before=before,
        after=snapshot(budget, fields),
        user=user,
    )
    return budget


# --- the report --------------------------------------------------------------------


@dataclass
class ReportRow:
    event: Event
    budget: SubsidyBudget | None
    requested: int = 0
    pending: int = 0
    approved: int = 0
    declined: int = 0
    #: Granted to approved requests of active registrations, in øre.
    spent: int = 0
    #: Approved places still held by active registrations.
    places_used: int = 0

    @property
    def places_left(self) -> int | None:
        if self.budget is None or self.budget.places is None:
            return None
        return max(0, self.budget.places - self.places_used)

    @property
    def amount_left(self) -> int | None:
        if self.budget is None or self.budget.amount_ore is None:
            return None
        return max(0, self.budget.amount_ore - self.spent)


@dataclass
class Report:
    year: int
    rows: list[ReportRow] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(row, name) for row in self.rows)

    @property
    def budget_amount(self) -> int:
        return sum(row.budget.amount_ore or 0 for row in self.rows if row.budget)

    @property
    def budget_places(self) -> int:
        return sum(row.budget.places or 0 for row in self.rows if row.budget)


def event_year(event: Event) -> int | None:
    """The local year of the event's first session."""
    starts = [s.starts_at for s in event.sessions]
    return min(starts).astimezone(LOCAL_TZ).year if starts else None


def subsidy_report(organisation_ids: Iterable[int], year: int) -> Report:
    """Per event held in `year`: requested, pending, approved, declined, spent against budget."""
    org_ids = list(organisation_ids)
    report = Report(year)
    if not org_ids:
        return report
    budgets = {
        b.event_id: b
        for b in db.session.execute(
            select(SubsidyBudget)
            .join(Event, Event.id == SubsidyBudget.event_id)
            .where(Event.organisation_id.in_(org_ids))
        ).scalars()
    }
    with_requests = set(
        db.session.execute(
            select(SubsidyRequest.event_id)
            .join(Event, Event.id == SubsidyRequest.event_id)
            .where(Event.organisation_id.in_(org_ids))
        ).scalars()
    )
    event_ids = set(budgets) | with_requests
    if not event_ids:
        return report
    events = [
        e for e in db.session.execute(select(Event).where(Event.id.in_(event_ids))).scalars() if event_year(e) == year
    ]
    rows = {e.id: ReportRow(e, budgets.get(e.id)) for e in events}
    counts = db.session.execute(
        select(SubsidyRequest.event_id, SubsidyRequest.status, Registration.status, SubsidyRequest.granted_ore)
        .join(Registration, Registration.id == SubsidyRequest.registration_id)
        .where(SubsidyRequest.event_id.in_(list(rows)))
    ).all()
    for event_id, status, registration_status, granted in counts:
        row = rows[event_id]
        row.requested += 1
        if status is SubsidyStatus.REQUESTED:
            row.pending += 1
        elif status is SubsidyStatus.APPROVED:
            row.approved += 1
            if registration_status in _ACTIVE:
                row.places_used += 1
                row.spent += granted or 0
        else:
            row.declined += 1
    first_start = defaultdict(lambda: None)
    for e in events:
        first_start[e.id] = min(s.starts_at for s in e.sessions)
    report.rows = sorted(rows.values(), key=lambda r: (first_start[r.event.id], r.event.id))
    return report


def report_years(organisation_ids: Iterable[int]) -> list[int]:
    """Years in which these organisations hold events, newest first (for the report's year menu)."""
    org_ids = list(organisation_ids)
    if not org_ids:
        return []
    starts = db.session.execute(
        select(EventSession.starts_at)
        .join(Event, Event.id == EventSession.event_id)
        .where(Event.organisation_id.in_(org_ids))
    ).scalars()
    return sorted({s.astimezone(LOCAL_TZ).year for s in starts}, reverse=True)
