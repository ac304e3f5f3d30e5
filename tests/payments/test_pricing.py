"""Pricing is pure arithmetic in øre: checked over every combination of days, membership and add-ons."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventsite.payments.pricing import (
    MAX_PRICE_ORE,
    AddOnOffer,
    Choice,
    ChoiceError,
    DayPrice,
    LineKind,
    PriceError,
    PriceList,
    amount_due,
    apply_grant,
    format_dkk,
    ore_to_input,
    parse_dkk,
    quote,
)

NBSP = "\u00a0"

#: The conference from the issue: 1 day 2.133 kr., 2 days 3.304 kr., 3 days 3.534 kr. for members.
CONFERENCE = PriceList(
    day_ids=frozenset({11, 12, 13}),
    day_prices={
        1: DayPrice(member=213300, non_member=275000),
        2: DayPrice(member=330400, non_member=420000),
        3: DayPrice(member=353400, non_member=450000),
    },
    addons=(
        AddOnOffer(1, "Workshop: Svære samtaler", 45000),
        AddOnOffer(2, "Reception", 0),
        AddOnOffer(3, "Festmiddag", 62500),
        AddOnOffer(4, "Overnatning i enkeltværelse", 125000, accommodation=True),
        AddOnOffer(5, "Plads i delt dobbeltværelse", 75000, accommodation=True),
    ),
)


def subsets(items):
    items = list(items)
    return [frozenset(c) for r in range(len(items) + 1) for c in itertools.combinations(items, r)]


def test_every_combination_of_days_membership_and_addons_of_the_conference_is_priced_by_the_table():
    expected_fee = {
        (True, 1): 213300,
        (True, 2): 330400,
        (True, 3): 353400,
        (False, 1): 275000,
        (False, 2): 420000,
        (False, 3): 450000,
    }
    addon_price = {a.id: a.price for a in CONFERENCE.addons}
    checked = 0
    for is_member, days, addons in itertools.product((True, False), subsets(CONFERENCE.day_ids), subsets(addon_price)):
        choice = Choice(is_member, days, addons)
        two_stays = {4, 5} <= addons
        if not days or two_stays:
            with pytest.raises(ChoiceError):
                quote(CONFERENCE, choice)
            continue
        result = quote(CONFERENCE, choice)
        assert result.fee == expected_fee[(is_member, len(days))]
        assert result.total == expected_fee[(is_member, len(days))] + sum(addon_price[a] for a in addons)
        assert {line.addon_id for line in result.lines if line.kind is LineKind.ADDON} == addons
        checked += 1
    # 2 memberships x 7 non-empty day sets x 24 add-on sets without both overnight stays.
    assert checked == 2 * 7 * 24


def test_a_single_day_event_charges_members_and_non_members_their_own_price():
    prices = PriceList(member_fee=150000, non_member_fee=225000)
    assert quote(prices, Choice(True)).total == 150000
    assert quote(prices, Choice(False)).total == 225000
    assert [line.kind for line in quote(prices, Choice(True)).lines] == [LineKind.FEE]


def test_a_free_event_has_no_lines_and_asks_nothing_about_payment():
    prices = PriceList()
    assert quote(prices, Choice(False)).lines == ()
    assert not prices.charges_anything
    assert not prices.distinguishes_members


def test_days_outside_the_event_are_refused_with_a_danish_message(app):
    with app.test_request_context():
        with pytest.raises(ChoiceError) as raised:
            quote(CONFERENCE, Choice(True, frozenset({11, 99})))
        assert str(raised.value.message) == "Vælg blandt arrangementets egne dage."


def test_a_number_of_days_without_a_price_is_refused_rather_than_given_away():
    prices = PriceList(day_ids=frozenset({1, 2}), day_prices={1: DayPrice(100000, 150000)})
    with pytest.raises(ChoiceError):
        quote(prices, Choice(True, frozenset({1, 2})))


# --- property-based: any price list, any choice ---------------------------------------

amounts = st.integers(min_value=0, max_value=MAX_PRICE_ORE)


@st.composite
def price_lists(draw):
    day_count = draw(st.integers(min_value=0, max_value=4))
    day_ids = frozenset(range(100, 100 + day_count))
    day_prices = {n: DayPrice(draw(amounts), draw(amounts)) for n in range(1, day_count + 1)}
    addon_count = draw(st.integers(min_value=0, max_value=5))
    addons = tuple(
        AddOnOffer(i + 1, f"Tilvalg {i + 1}", draw(amounts), accommodation=draw(st.booleans()))
        for i in range(addon_count)
    )
    return PriceList(draw(amounts), draw(amounts), day_ids, day_prices, addons)


@st.composite
def prices_and_valid_choices(draw):
    prices = draw(price_lists())
    days = draw(st.sets(st.sampled_from(sorted(prices.day_ids)), min_size=1)) if prices.has_days else set()
    stays = [a.id for a in prices.addons if a.accommodation]
    others = [a.id for a in prices.addons if not a.accommodation]
    chosen = set(draw(st.sets(st.sampled_from(others)))) if others else set()
    if stays and draw(st.booleans()):
        chosen.add(draw(st.sampled_from(stays)))
    return prices, Choice(draw(st.booleans()), frozenset(days), frozenset(chosen))


@settings(max_examples=300, deadline=None)
@given(prices_and_valid_choices())
def test_the_total_is_the_fee_for_the_days_and_membership_plus_each_chosen_addon_once(case):
    prices, choice = case
    result = quote(prices, choice)
    if prices.has_days:
        day_price = prices.day_prices[len(choice.day_ids)]
        fee = day_price.member if choice.is_member else day_price.non_member
    else:
        fee = prices.member_fee if choice.is_member else prices.non_member_fee
    addon_total = sum(a.price for a in prices.addons if a.id in choice.addon_ids)
    assert result.total == fee + addon_total == sum(line.amount for line in result.lines)
    assert result.fee == fee
    assert all(isinstance(line.amount, int) and line.amount >= 0 for line in result.lines)
    assert sorted(line.addon_id for line in result.lines if line.kind is LineKind.ADDON) == sorted(choice.addon_ids)
    # A fee line appears exactly when there is a fee to pay.
    assert sum(1 for line in result.lines if line.kind is not LineKind.ADDON) == (1 if fee else 0)


@settings(max_examples=200, deadline=None)
@given(price_lists(), st.booleans(), st.sets(st.integers(min_value=0, max_value=200)))
def test_any_day_that_is_not_the_events_own_is_refused(prices, is_member, days):
    foreign = frozenset(days) - prices.day_ids
    if not foreign:
        return
    with pytest.raises(ChoiceError):
        quote(prices, Choice(is_member, frozenset(days)))


@settings(max_examples=200, deadline=None)
@given(prices_and_valid_choices())
def test_two_overnight_stays_are_refused(case):
    prices, choice = case
    stays = [a.id for a in prices.addons if a.accommodation]
    if len(stays) < 2:
        return
    with pytest.raises(ChoiceError):
        quote(prices, Choice(choice.is_member, choice.day_ids, frozenset(stays[:2])))


@settings(max_examples=200, deadline=None)
@given(prices_and_valid_choices())
def test_members_never_pay_more_than_non_members_when_member_prices_are_lower(case):
    prices, choice = case
    cheaper_for_members = PriceList(
        min(prices.member_fee, prices.non_member_fee),
        max(prices.member_fee, prices.non_member_fee),
        prices.day_ids,
        {n: DayPrice(min(p.member, p.non_member), max(p.member, p.non_member)) for n, p in prices.day_prices.items()},
        prices.addons,
    )
    member = quote(cheaper_for_members, Choice(True, choice.day_ids, choice.addon_ids))
    non_member = quote(cheaper_for_members, Choice(False, choice.day_ids, choice.addon_ids))
    assert member.total <= non_member.total


# --- money in Danish ----------------------------------------------------------------


def test_amounts_are_formatted_the_danish_way():
    assert format_dkk(123450) == f"1.234,50{NBSP}kr."
    assert format_dkk(213300) == f"2.133,00{NBSP}kr."
    assert format_dkk(0) == f"0,00{NBSP}kr."


@pytest.mark.parametrize(
    "typed, ore",
    [
        ("2133", 213300),
        ("2.133", 213300),
        ("2.133,50", 213350),
        ("2133,5", 213350),
        ("2 133,50 kr.", 213350),
        (f"1.234,50{NBSP}kr.", 123450),
        ("0", 0),
        ("100.000", MAX_PRICE_ORE),
    ],
)
def test_prices_typed_the_danish_way_are_read_as_ore(typed, ore):
    assert parse_dkk(typed) == ore


@pytest.mark.parametrize(
    "typed, message",
    [
        ("-100", "En pris kan ikke være negativ."),
        ("100.000,01", "Prisen er for høj: højst 100.000,00\u00a0kr."),
        ("99999999999", "Prisen er for høj: højst 100.000,00\u00a0kr."),
        ("12,345", "En pris har højst to decimaler (øre)."),
        ("tusind", "Skriv prisen med cifre, fx 2.133 eller 2.133,50."),
        ("1e5", "Skriv prisen med cifre, fx 2.133 eller 2.133,50."),
        ("NaN", "Skriv prisen med cifre, fx 2.133 eller 2.133,50."),
        ("12.34", "Skriv tusinder med punktum og øre efter komma, fx 2.133,50."),
        ("", "Angiv en pris i kroner, fx 2.133 eller 2.133,50."),
    ],
)
def test_bad_prices_are_refused_with_a_danish_message(app, typed, message):
    with app.test_request_context():
        with pytest.raises(PriceError) as raised:
            parse_dkk(typed)
        assert str(raised.value.message) == message


@settings(max_examples=300, deadline=None)
@given(amounts)
def test_a_formatted_or_retyped_amount_reads_back_as_the_same_number_of_ore(ore):
    assert parse_dkk(format_dkk(ore)) == ore
    assert parse_dkk(ore_to_input(ore)) == ore


# --- what is due after a cancellation ----------------------------------------------

DEADLINE = datetime(2027, 5, 1, 10, 0, tzinfo=timezone.utc)


@settings(max_examples=200, deadline=None)
@given(amounts, st.integers(min_value=-10_000, max_value=10_000))
def test_cancelling_after_the_deadline_keeps_the_fee_due_and_before_it_costs_nothing(total, minutes):
    cancelled_at = DEADLINE + timedelta(minutes=minutes)
    due = amount_due(
        total, confirmed=False, ever_confirmed=True, cancelled_at=cancelled_at, cancellation_deadline=DEADLINE
    )
    assert due == (total if minutes > 0 else 0)


def test_a_place_on_the_waiting_list_costs_nothing_even_after_the_deadline():
    late = DEADLINE + timedelta(days=1)
    assert (
        amount_due(250000, confirmed=False, ever_confirmed=False, cancelled_at=None, cancellation_deadline=DEADLINE)
        == 0
    )
    assert (
        amount_due(250000, confirmed=False, ever_confirmed=False, cancelled_at=late, cancellation_deadline=DEADLINE)
        == 0
    )
    assert (
        amount_due(250000, confirmed=True, ever_confirmed=True, cancelled_at=None, cancellation_deadline=DEADLINE)
        == 250000
    )


def test_a_grant_is_set_against_the_price_but_never_below_zero():
    assert apply_grant(330400, 200000) == 130400
    assert apply_grant(330400, 500000) == 0
    assert apply_grant(330400, None) == 330400
