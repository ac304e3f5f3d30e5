"""Hooks for the areas above meetings (the minutes, issue 16)."""

from __future__ import annotations

from typing import Any, Callable

from flask import Flask, current_app

from eventsite.events.models import EventSession

_SERIES_COLUMNS = "eventsite.meetings.series_columns"

#: (heading, value of a meeting's session): e.g. ("Referat", the minutes' state).
SeriesColumn = tuple[Any, Callable[[EventSession], str]]


def add_series_column(app: Flask, heading: Any, value: Callable[[EventSession], str]) -> None:
    """Show one more column on the series overview (per meeting, plain text)."""
    app.extensions.setdefault(_SERIES_COLUMNS, []).append((heading, value))


def series_columns() -> list[SeriesColumn]:
    columns: list[SeriesColumn] = current_app.extensions.get(_SERIES_COLUMNS, [])
    return columns
