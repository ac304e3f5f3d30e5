"""Prices, itemised quotes and the amount due: pure arithmetic, no database.

Every amount is an integer number of øre (1 kr. = 100 øre), never a float. The
callers read an event's prices into a `PriceList` and a person's choices into a
`Choice`; `quote` checks the choice and returns the itemised lines. What is shown
to people goes through `format_dkk` ("1.234,50 kr.").

A fee is either one price (members / non-members) or, for an event with days, a
price per number of days attended (1 day 2.133 kr., 2 days 3.304 kr., ...), again
for members and non-members. Add-ons (workshop, reception, dinner, a night in a
single room or a place in a shared double room) add their own price.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_currency, parse_decimal
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from eventsite.web import UserError

#: The highest price an organiser may type (100.000 kr.); anything above is a typo.
MAX_PRICE_ORE = 100_000_00

_AMOUNT_SHAPE = re.compile(r"^-?[0-9][0-9.]*(,[0-9]+)?$")
_CURRENCY_WORDS = re.compile(r"(kr\.?|dkk)$", re.IGNORECASE)


class PriceError(UserError, ValueError):
    """A price that cannot be used, with a message for the organiser."""


class ChoiceError(UserError, ValueError):
    """Days or add-ons a person cannot choose, with a message for the person."""


# --- money -----------------------------------------------------------------------


def format_dkk(ore: int, locale: str = "da_DK") -> str:
    """An amount in øre as Danish kroner: 123450 -> "1.234,50 kr."."""
    return format_currency(Decimal(ore).scaleb(-2), "DKK", locale=locale)


def parse_dkk(text: str | None) -> int:
    """A price typed in Danish ("1.234,50", "2133", "2.133 kr.") as øre.

    Refuses letters, more than two decimals, negative and absurd amounts.
    """
    cleaned = (text or "").strip()
    cleaned = _CURRENCY_WORDS.sub("", cleaned).strip()
    # People type spaces (also non-breaking ones, copied from a web page) between thousands.
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", cleaned)
    if not cleaned:
        raise PriceError(_l("Enter a price in kroner, e.g. 2.133 or 2.133,50."))
    if not _AMOUNT_SHAPE.match(cleaned):
        raise PriceError(_l("Enter the price in digits, e.g. 2.133 or 2.133,50."))
    try:
        amount = parse_decimal(cleaned, locale="da_DK", strict=True)
    except (NumberFormatError, InvalidOperation):
        raise PriceError(_l("Write thousands with a full stop and øre after a comma, e.g. 2.133,50.")) from None
    if amount < 0:
        raise PriceError(_l("A price cannot be negative."))
    if amount * 100 > MAX_PRICE_ORE:
        raise PriceError(_l("That price is too high: at most %(max)s", max=format_dkk(MAX_PRICE_ORE)))
    if amount != amount.quantize(Decimal("0.01")):
        raise PriceError(_l("A price has at most two decimals (øre)."))
    return int(amount * 100)


def check_price(ore: int | None) -> None:
    """Refuse a negative or absurd amount given as øre (e.g. from the command line)."""
    if ore is None:
        return
    if ore < 0:
        raise PriceError(_l("A price cannot be negative."))
    if ore > MAX_PRICE_ORE:
        raise PriceError(_l("That price is too high: at most %(max)s", max=format_dkk(MAX_PRICE_ORE)))


def ore_to_input(ore: int | None) -> str:
    """An amount as an organiser would type it again ("2.133" or "2.133,50")."""
    if ore is None:
        return ""
    kroner, rest = divmod(ore, 100)
    grouped = f"{kroner:,}".replace(",", ".")
    return grouped if rest == 0 else f"{grouped},{rest:02d}"


# --- what is offered and what is chosen --------------------------------------------


@dataclass(frozen=True)
class DayPrice:
    """The fee for attending a given number of days."""

    member: int
    non_member: int


@dataclass(frozen=True)
class AddOnOffer:
    id: int
    title: str
    #: Øre.
    price: int
    #: Overnight stays: a person takes at most one of them.
    accommodation: bool = False


@dataclass(frozen=True)
class PriceList:
    """An event's prices, read from the database (or built by a test)."""

    #: The fee for a single-day event (or one without days), in øre.
    member_fee: int = 0
    non_member_fee: int = 0
    #: The days a person may choose between; empty for an event without days.
    day_ids: frozenset[int] = frozenset()
    #: Number of days attended -> the fee.
    day_prices: Mapping[int, DayPrice] = field(default_factory=dict)
    #: In the order they are shown.
    addons: tuple[AddOnOffer, ...] = ()

    @property
    def has_days(self) -> bool:
        return bool(self.day_ids)

    @property
    def charges_anything(self) -> bool:
        """Could any choice cost money? Then the form asks who pays."""
        fees = [self.member_fee, self.non_member_fee]
        fees += [p.member for p in self.day_prices.values()] + [p.non_member for p in self.day_prices.values()]
        return any(fees) or any(a.price for a in self.addons)

    @property
    def distinguishes_members(self) -> bool:
        """Do members and non-members pay differently? Then the form asks which one is signing up."""
        if self.has_days:
            return any(p.member != p.non_member for p in self.day_prices.values())
        return self.member_fee != self.non_member_fee

    def addon(self, addon_id: int) -> AddOnOffer | None:
        return next((a for a in self.addons if a.id == addon_id), None)


@dataclass(frozen=True)
class Choice:
    #: None when the event charges members and non-members alike (nobody is asked).
    is_member: bool | None
    day_ids: frozenset[int] = frozenset()
    addon_ids: frozenset[int] = frozenset()


class LineKind(str, enum.Enum):
    FEE = "fee"
    DAYS = "days"
    ADDON = "addon"


@dataclass(frozen=True)
class Line:
    """One item of a price: the fee (for some number of days) or an add-on."""

    kind: LineKind
    #: Øre.
    amount: int
    #: None when members and non-members pay the same.
    is_member: bool | None = None
    #: Number of days, for DAYS lines.
    days: int = 0
    #: The add-on's title, for ADDON lines.
    title: str = ""
    addon_id: int | None = None

    @property
    def label(self) -> str:
        """What the line says on the receipt and the invoice."""

        if self.kind is LineKind.ADDON:
            return self.title
        if self.is_member is None:
            # Members and non-members pay the same: the line need not say which.
            if self.kind is LineKind.DAYS:
                return ngettext("Fee, %(num)d day", "Fee, %(num)d days", self.days)
            return gettext("Fee")
        who = gettext("member") if self.is_member else gettext("non-member")
        if self.kind is LineKind.DAYS:
            return ngettext("Fee, %(num)d day, %(who)s", "Fee, %(num)d days, %(who)s", self.days, who=who)
        return gettext("Fee, %(who)s", who=who)


@dataclass(frozen=True)
class Quote:
    lines: tuple[Line, ...] = ()

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def fee(self) -> int:
        return sum(line.amount for line in self.lines if line.kind is not LineKind.ADDON)


def check_choice(prices: PriceList, choice: Choice) -> None:
    """Refuse days outside the event, unknown add-ons and two overnight stays."""
    if not choice.day_ids <= prices.day_ids:
        raise ChoiceError(_l("Choose among the event's own days."))
    if prices.has_days:
        if not choice.day_ids:
            raise ChoiceError(_l("Choose the days you will attend."))
        if prices.day_prices and len(choice.day_ids) not in prices.day_prices:
            raise ChoiceError(
                _l(
                    "The organiser has set no price for %(days)d days; choose fewer days or contact the organiser.",
                    days=len(choice.day_ids),
                )
            )
    offered = {a.id for a in prices.addons}
    if not choice.addon_ids <= offered:
        raise ChoiceError(_l("Choose among the add-ons offered for this event."))
    stays = [a for a in prices.addons if a.accommodation and a.id in choice.addon_ids]
    if len(stays) > 1:
        raise ChoiceError(_l("Choose at most one kind of overnight stay."))


def quote(prices: PriceList, choice: Choice) -> Quote:
    """The itemised price of a choice; raises ChoiceError for an impossible choice."""
    check_choice(prices, choice)
    lines: list[Line] = []
    if prices.has_days:
        days = len(choice.day_ids)
        price = prices.day_prices.get(days)
        amount = 0 if price is None else (price.member if choice.is_member else price.non_member)
        if amount:
            lines.append(Line(LineKind.DAYS, amount, is_member=choice.is_member, days=days))
    else:
        amount = prices.member_fee if choice.is_member else prices.non_member_fee
        if amount:
            lines.append(Line(LineKind.FEE, amount, is_member=choice.is_member))
    for addon in prices.addons:
        if addon.id in choice.addon_ids:
            lines.append(Line(LineKind.ADDON, addon.price, title=addon.title, addon_id=addon.id))
    return Quote(tuple(lines))


# --- what is due -----------------------------------------------------------------


def amount_due(
    total: int,
    *,
    confirmed: bool,
    ever_confirmed: bool,
    cancelled_at: datetime | None,
    cancellation_deadline: datetime | None,
) -> int:
    """What a registration owes: the total while it holds a place, and after a late cancellation.

    A place on the waiting list costs nothing; a cancellation before the deadline
    (or for an event without one) costs nothing; after the deadline the fee stays due.
    """
    if confirmed:
        return total
    if cancelled_at is None or not ever_confirmed or cancellation_deadline is None:
        return 0
    return total if cancelled_at > cancellation_deadline else 0


def apply_grant(total: int, granted: int | None) -> int:
    """What is left to invoice once a subsidy grant is set against the price (never below 0)."""
    return max(0, total - (granted or 0))
