"""Danish display of amounts and event days, as Jinja filters (`dkk`, `event_day`)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _

from eventsite.payments.pricing import format_dkk


def _locale() -> str:
    return str(get_locale() or "da")


def format_event_day(value: date) -> str:
    """'tirsdag den 29. august 2023' for a calendar day (no time, no zone)."""
    # The same pattern (and translation) as eventsite.formatting.format_day.
    return format_date(value, _("EEEE, MMMM d, y"), locale=_locale())


def format_amount(ore: int | None) -> str:
    """'1.234,50 kr.' in the current locale's way (Danish by default)."""
    if ore is None:
        return ""
    return format_dkk(ore, locale="da_DK" if _locale() == "da" else "en_DK")
