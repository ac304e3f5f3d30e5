"""What a person may change about their own registration, and the changes themselves.

The manage link (registration.views) and the person's own page (eventsite.privacy.
member_page) both cancel and move through these functions, so the rules are the
same wherever the person acts: self-service changes end when the session starts or
at the event's cancellation deadline; after that the page says whom to contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from eventsite.events.models import EventSession
from eventsite.registration import operations
from eventsite.registration.capacity import waitlist_only
from eventsite.registration.models import Registration, RegistrationStatus
from eventsite.registration.notifications import notify_cancelled, notify_moved, notify_promoted
from eventsite.registration.operations import RegistrationError

AFTER_DEADLINE = _l("The deadline for cancelling or changing your registration has passed. Contact the organiser.")
ALREADY_HELD = _l("The session has already taken place and can no longer be cancelled.")
NOT_CHANGEABLE = _l("This registration can no longer be changed.")
ALREADY_CANCELLED = _l("This registration has already been cancelled.")


@dataclass(frozen=True)
class Changeable:
    """What the person may still do with a registration now."""

    can_change: bool
    after_cancellation_deadline: bool
    #: Dietary needs are for the caterer: editable only before the session.
    dietary_editable: bool
    other_sessions: list[EventSession]


def changeable(registration: Registration, now: datetime) -> Changeable:
    event = registration.event
    before_start = registration.session.starts_at > now
    deadline_passed = operations.deadline_passed(event, now)
    return Changeable(
        can_change=registration.is_active and before_start and not deadline_passed,
        after_cancellation_deadline=registration.is_active and before_start and deadline_passed,
        dietary_editable=before_start,
        other_sessions=[s for s in event.active_sessions if s.id != registration.session_id and s.starts_at > now],
    )


class AlreadyCancelled(RegistrationError):
    def __init__(self) -> None:
        super().__init__(ALREADY_CANCELLED)


def check_cancel(registration: Registration, now: datetime) -> None:
    """Raise the refusal the person sees when they may not cancel now."""
    if registration.status is RegistrationStatus.CANCELLED:
        raise AlreadyCancelled()
    state = changeable(registration, now)
    if not state.can_change:
        raise RegistrationError(AFTER_DEADLINE if state.after_cancellation_deadline else ALREADY_HELD)


def cancel_own(registration: Registration, now: datetime) -> None:
    """The person cancels their own place: the waiting list moves up, both are told."""
    check_cancel(registration, now)
    promoted = operations.cancel(registration)
    notify_cancelled(registration)
    notify_promoted(promoted)


def check_move(registration: Registration, now: datetime) -> None:
    state = changeable(registration, now)
    if not state.can_change:
        raise RegistrationError(AFTER_DEADLINE if state.after_cancellation_deadline else NOT_CHANGEABLE)


def move_own(registration: Registration, session_id: int, *, give_up_seat: bool, now: datetime) -> int | None:
    """The person moves to another session of the event; their number on its waiting list, if any.

    Raises SeatWouldBeLost (nothing changed) when a confirmed place would become a
    waiting-list place and the person has not said yes to that.
    """
    check_move(registration, now)
    from_session = registration.session
    promoted = operations.move(registration, session_id, give_up_seat=give_up_seat)
    notify_moved(registration, from_session)
    notify_promoted(promoted)
    return operations.waitlist_position(registration)


def free_elsewhere(registration: Registration, now: datetime) -> list[EventSession]:
    """The event's other sessions with a free seat, for a person on a waiting list.

    A session can fill between the page that showed it with seats and the click on
    "Tilmeld": the person lands on its waiting list while another session of the same
    event still has seats. The receipt, the manage page and the waiting-list email
    then offer the move (with `move_own`, under the same rules). Empty for a confirmed
    place, or when the person may no longer change their registration.
    """
    if registration.status is not RegistrationStatus.WAITLISTED or registration.is_held:
        return []
    state = changeable(registration, now)
    if not state.can_change or not state.other_sessions:
        return []
    counts = operations.seat_counts_for([s.id for s in state.other_sessions])
    return [s for s in state.other_sessions if s.id in counts and not waitlist_only(counts[s.id])]
