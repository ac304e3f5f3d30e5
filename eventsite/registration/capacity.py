"""Seat arithmetic: pure functions, no database.

The callers lock the session row first and pass in the counts they read under
that lock; these functions only decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventsite.registration.models import RegistrationStatus


@dataclass(frozen=True)
class SeatCounts:
    #: None = unlimited.
    capacity: int | None
    confirmed: int = 0
    waitlisted: int = 0
    #: Of those (seats and waiting-list places), how many are held for anonymous
    #: sign-ups awaiting their email confirmation: they count like the others (so
    #: there is never an oversell) but are shown to organisers apart.
    held: int = 0

    @property
    def seats_left(self) -> int | None:
        """Free seats, or None when the session is unlimited."""
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.confirmed)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.confirmed >= self.capacity

    @property
    def oversold(self) -> int:
        if self.capacity is None:
            return 0
        return max(0, self.confirmed - self.capacity)


def status_for_new_signup(counts: SeatCounts) -> RegistrationStatus:
    """A new sign-up gets a seat if one is free and nobody is queueing before it."""
    return seat_for_newcomer(counts.capacity, counts.confirmed, counts.waitlisted > 0)


def waitlist_only(counts: SeatCounts) -> bool:
    """A newcomer would join the waiting list: no free seat, or people already wait."""
    return status_for_new_signup(counts) is RegistrationStatus.WAITLISTED


def seat_for_newcomer(capacity: int | None, confirmed: int, anyone_waiting: bool) -> RegistrationStatus:
    """The same decision from what it needs: the confirmed count and whether anyone waits.

    How many wait does not matter, so a sign-up need not count a long waiting list,
    and an unlimited session needs no count at all.
    """
    if capacity is None:
        return RegistrationStatus.CONFIRMED
    if confirmed >= capacity or anyone_waiting:
        return RegistrationStatus.WAITLISTED
    return RegistrationStatus.CONFIRMED


def promotions_available(counts: SeatCounts) -> int:
    """How many people at the head of the waiting list can be given a seat now."""
    if counts.waitlisted == 0:
        return 0
    if counts.capacity is None:
        return counts.waitlisted
    return min(counts.waitlisted, counts.seats_left or 0)


def capacity_change_allowed(new_capacity: int | None, counts: SeatCounts) -> bool:
    """Capacity may not drop below the seats already given."""
    return new_capacity is None or (new_capacity >= 0 and new_capacity >= counts.confirmed)
