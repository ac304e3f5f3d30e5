"""Sortable back-office tables: the ``?sort=<key>&dir=desc`` of a list, checked against a whitelist.

A list offers a fixed set of keys (a dict from key to a Python sort key, or to a column
the query orders by: never anything built from the request). Anything else in the
address is ignored and the list keeps its default order. The template draws each
sortable header with ``sort_header`` from templates/_macros/tables.html: a link (works
without JavaScript) and ``aria-sort`` on the column the list is sorted by.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import url_for

T = TypeVar("T")

# After "z" in code-point order, so "Ærø" sorts after "Zealand" and Å last, as in Danish.
_DANISH_TAIL = {"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"}


def danish_sort_key(text: str | None) -> str:
    """A sort key that orders æ, ø, å after z and ignores other accents (é → e)."""
    out = []
    for ch in (text or "").casefold():
        if ch in _DANISH_TAIL:
            out.append(_DANISH_TAIL[ch])
        else:
            out.append(unicodedata.normalize("NFD", ch)[0])
    return "".join(out)


@dataclass(frozen=True)
class Sort:
    """The order a list is shown in: one of its keys, ascending or descending."""

    key: str
    descending: bool = False

    @property
    def aria(self) -> str:
        return "descending" if self.descending else "ascending"

    def link_args(self, key: str) -> dict[str, str]:
        """The address arguments of a header's link: the other direction if it is this column."""
        if key == self.key and not self.descending:
            return {"sort": key, "dir": "desc"}
        return {"sort": key, "dir": "asc"}

    def url(self, key: str, endpoint: str, args: Mapping[str, Any]) -> str:
        """The address of the list sorted by `key`, keeping the list's other arguments (a search)."""
        return url_for(endpoint, **{**args, **self.link_args(key)})


def sort_from_args(args: Mapping[str, str], keys: Iterable[str], default: str, descending: bool = False) -> Sort:
    """The `sort` and `dir` of the address if `sort` is one of `keys`; else the default order."""
    key = args.get("sort", "")
    if key not in set(keys):
        return Sort(default, descending)
    return Sort(key, args.get("dir") == "desc")


def sorted_rows(
    rows: Iterable[T], sort: Sort, keys: Mapping[str, Callable[[T], Any]], tiebreak: Callable[[T], Any]
) -> list[T]:
    """The rows in the chosen order; ties keep the `tiebreak` order (ascending), so the order is stable."""
    found = sorted(rows, key=tiebreak)
    found.sort(key=keys[sort.key], reverse=sort.descending)
    return found
