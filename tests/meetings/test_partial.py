"""The Danish phrasing of partial attendance by agenda item (a pure function)."""

from __future__ import annotations

import pytest

from eventsite.meetings.partial import Presence, attended_items, describe

NUMBERS = ["1", "2", "3", "4", "5", "6"]


@pytest.fixture
def danish(app):
    with app.test_request_context(headers={"Accept-Language": "da"}):
        yield


def test_left_during_item_4_took_part_in_1_to_3_and_partly_in_4(danish):
    presence = Presence(left_at=3, left_during=True)
    assert describe(NUMBERS, presence) == "deltog i pkt. 1-3 og delvist i pkt. 4"


def test_arrived_at_item_2_and_left_after_item_4(danish):
    assert describe(NUMBERS, Presence(arrived_at=1, left_at=3)) == "deltog i pkt. 2-4"


def test_two_neighbouring_items_are_joined_with_og(danish):
    assert describe(NUMBERS, Presence(arrived_at=4)) == "deltog i pkt. 5 og 6"


def test_arriving_and_leaving_partway_makes_both_ends_partial(danish):
    presence = Presence(arrived_at=0, arrived_during=True, left_at=4, left_during=True)
    assert describe(NUMBERS, presence) == "deltog i pkt. 2-4 og delvist i pkt. 1 og 5"


def test_only_one_item_partly(danish):
    presence = Presence(arrived_at=2, arrived_during=True, left_at=2, left_during=True)
    assert describe(NUMBERS, presence) == "deltog delvist i pkt. 3"


def test_whole_meeting_needs_no_sentence(danish):
    assert describe(NUMBERS, Presence()) is None
    assert describe([], Presence(left_at=1)) is None


def test_leaving_before_arriving_is_read_as_the_one_item_touched():
    items = attended_items(NUMBERS, Presence(arrived_at=3, left_at=1))
    assert items.full == ("4",) and items.partial == ()
