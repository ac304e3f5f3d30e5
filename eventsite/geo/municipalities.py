"""Reference table of the 98 Danish municipalities (shipped in eventsite/data).

The region of a municipality is looked up for a date: on 1 January 2027 Region
Hovedstaden and Region Sjælland merge into Region Østdanmark.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

REGION_REFORM_DATE = date(2027, 1, 1)


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    region_code: str
    region: str
    region_from_2027: str

    def region_on(self, day: date) -> str:
        return self.region_from_2027 if day >= REGION_REFORM_DATE else self.region


@lru_cache(maxsize=1)
def _table() -> dict[str, Municipality]:
    text = resources.files("eventsite").joinpath("data/dk_kommuner.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return {
        row["kommunekode"]: Municipality(
            code=row["kommunekode"],
            name=row["kommune"],
            region_code=row["regionskode"],
            region=row["region"],
            region_from_2027=row["region_fra_2027"],
        )
        for row in rows
    }


def municipality(code: str | None) -> Municipality | None:
    """The municipality with this four-digit code, or None."""
    if not code:
        return None
    return _table().get(code.strip().zfill(4))


@lru_cache(maxsize=1)
def all_municipalities() -> tuple[Municipality, ...]:
    """All municipalities, sorted by Danish name (built once: every sign-up form lists them)."""
    return tuple(sorted(_table().values(), key=lambda m: m.name))


@lru_cache(maxsize=1)
def municipality_codes() -> frozenset[str]:
    """The 98 four-digit codes, for checking a submitted choice."""
    return frozenset(_table())


def region_for(code: str | None, day: date) -> str | None:
    """The region a municipality belongs to on the given day."""
    found = municipality(code)
    return found.region_on(day) if found else None


def region_change_after(code: str | None, day: date) -> tuple[date, str] | None:
    """(date, new region) if the municipality's region changes after `day`, else None."""
    found = municipality(code)
    if found is None or day >= REGION_REFORM_DATE or found.region_from_2027 == found.region:
        return None
    return REGION_REFORM_DATE, found.region_from_2027


def regions_on(day: date) -> list[str]:
    """The regions in force on the given day, sorted."""
    return sorted({m.region_on(day) for m in _table().values()})
