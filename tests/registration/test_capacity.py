"""The pure seat arithmetic, without a database."""

from eventsite.registration.capacity import (
    SeatCounts,
    capacity_change_allowed,
    promotions_available,
    seat_for_newcomer,
    status_for_new_signup,
)
from eventsite.registration.models import RegistrationStatus


def test_a_free_seat_confirms_a_new_signup():
    assert status_for_new_signup(SeatCounts(17, confirmed=16)) is RegistrationStatus.CONFIRMED


def test_a_full_session_waitlists_a_new_signup():
    assert status_for_new_signup(SeatCounts(17, confirmed=17)) is RegistrationStatus.WAITLISTED


def test_nobody_jumps_the_waiting_list_even_if_a_seat_is_free():
    assert status_for_new_signup(SeatCounts(17, confirmed=16, waitlisted=2)) is RegistrationStatus.WAITLISTED


def test_unlimited_sessions_always_confirm():
    counts = SeatCounts(None, confirmed=5000)
    assert status_for_new_signup(counts) is RegistrationStatus.CONFIRMED
    assert counts.seats_left is None
    assert not counts.is_full


def test_a_newcomer_needs_only_the_confirmed_count_and_whether_anyone_waits():
    assert seat_for_newcomer(17, 16, anyone_waiting=False) is RegistrationStatus.CONFIRMED
    assert seat_for_newcomer(17, 16, anyone_waiting=True) is RegistrationStatus.WAITLISTED
    assert seat_for_newcomer(17, 17, anyone_waiting=False) is RegistrationStatus.WAITLISTED
    assert seat_for_newcomer(0, 0, anyone_waiting=False) is RegistrationStatus.WAITLISTED
    assert seat_for_newcomer(None, 5000, anyone_waiting=True) is RegistrationStatus.CONFIRMED


def test_zero_capacity_waitlists_everyone():
    assert status_for_new_signup(SeatCounts(0)) is RegistrationStatus.WAITLISTED


def test_seats_left_never_goes_negative_and_oversold_is_counted():
    counts = SeatCounts(3, confirmed=5)
    assert counts.seats_left == 0
    assert counts.oversold == 2


def test_promotions_fill_free_seats_from_the_waiting_list_only():
    assert promotions_available(SeatCounts(10, confirmed=8, waitlisted=5)) == 2
    assert promotions_available(SeatCounts(10, confirmed=8, waitlisted=1)) == 1
    assert promotions_available(SeatCounts(10, confirmed=10, waitlisted=4)) == 0
    assert promotions_available(SeatCounts(None, confirmed=10, waitlisted=4)) == 4


def test_capacity_cannot_drop_below_confirmed():
    assert capacity_change_allowed(31, SeatCounts(40, confirmed=31))
    assert not capacity_change_allowed(30, SeatCounts(40, confirmed=31))
    assert not capacity_change_allowed(-1, SeatCounts(40))
    assert capacity_change_allowed(None, SeatCounts(40, confirmed=31))
