"""Municipalities and regions as people write them in member files and on the command line.

A municipality comes as a code ("370", "0370") or a name ("Næstved", "Københavns
Kommune", "Kobenhavn" without å); a region with or without its prefix ("Sjælland",
"region sjælland"). Everything here is pure: lookups are built once from the shipped
table and cached.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from eventsite.geo.municipalities import all_municipalities, municipality


def place_key(text: str) -> str:
    """A place name as compared: case-folded, single spaces, "å" written "aa"."""
    text = re.sub(r"\s+", " ", text.casefold().strip())
    return text.replace("å", "aa")


@lru_cache(maxsize=1)
def _codes_by_name() -> Mapping[str, str]:
    return MappingProxyType({place_key(m.name): m.code for m in all_municipalities()})


def parse_municipality(value: str) -> str | None:
    """A four-digit code from a code ("370", "0370") or a name ("Næstved", "Københavns Kommune")."""
    value = value.strip()
    if value.isdigit():
        found = municipality(value)
        return found.code if found else None
    names = _codes_by_name()
    key = re.sub(r" kommune$", "", place_key(value))
    if key in names:
        return names[key]
    if key.endswith("s") and key[:-1] in names:  # "Københavns", "Næstveds"
        return names[key[:-1]]
    return None


@lru_cache(maxsize=1)
def known_regions() -> tuple[str, ...]:
    """The five regions and, from 2027, Region Østdanmark, sorted."""
    names: set[str] = set()
    for m in all_municipalities():
        names.update((m.region, m.region_from_2027))
    return tuple(sorted(names))


@lru_cache(maxsize=1)
def _regions_by_key() -> Mapping[str, str]:
    return MappingProxyType({place_key(region): region for region in known_regions()})


def parse_region(value: str) -> str | None:
    """A region name as written in eventsite.geo, from "Sjælland" or "region sjælland"."""
    key = place_key(value)
    if not key.startswith("region "):
        key = "region " + key
    return _regions_by_key().get(key)
