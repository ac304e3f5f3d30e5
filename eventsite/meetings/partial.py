"""Partial attendance by agenda item, in the minutes' words: "deltog i pkt. 1-3 og delvist i pkt. 4".

Pure: no database, no request. The check-in screen records where a person arrived
and left (an item number, and whether it was at the item's start or end or partway
through it); `attended_items` works out which items they followed in full and which
in part, and `describe` writes the sentence the participant list and the minutes show.
The words go through gettext (Danish msgstr in eventsite/translations).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext


@dataclass(frozen=True)
class Presence:
    """Where someone joined and left a meeting, as indexes into its top-level items (0-based).

    `arrived_at` None: from the start. `arrived_during`: came while that item was
    under way (so followed it only in part). `left_at` None: to the end.
    `left_during`: left while that item was under way; otherwise after it.
    """

    arrived_at: int | None = None
    arrived_during: bool = False
    left_at: int | None = None
    left_during: bool = False

    @property
    def is_full(self) -> bool:
        return self.arrived_at in (None, 0) and not self.arrived_during and self.left_at is None


@dataclass(frozen=True)
class AttendedItems:
    """The item numbers followed in full and in part, in agenda order."""

    full: tuple[str, ...]
    partial: tuple[str, ...]


def attended_items(numbers: Sequence[str], presence: Presence) -> AttendedItems:
    """Which of the items (their numbers, in order) the person followed fully or partly."""
    if not numbers:
        return AttendedItems((), ())
    last = len(numbers) - 1
    first = min(max(presence.arrived_at or 0, 0), last)
    end = last if presence.left_at is None else min(max(presence.left_at, 0), last)
    if end < first:
        # Left before arriving: a slip of the finger; read as the one item touched.
        end = first
    full: list[str] = []
    partial: list[str] = []
    for index in range(first, end + 1):
        in_part = (index == first and presence.arrived_during) or (
            index == end and presence.left_at is not None and presence.left_during
        )
        (partial if in_part else full).append(numbers[index])
    return AttendedItems(tuple(full), tuple(partial))


def _runs(numbers: Sequence[str], chosen: Sequence[str]) -> list[list[str]]:
    """`chosen` split into runs of neighbours in `numbers` (the agenda's order)."""
    position = {number: index for index, number in enumerate(numbers)}
    runs: list[list[str]] = []
    for number in chosen:
        if runs and position[number] == position[runs[-1][-1]] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs


def item_list(numbers: Sequence[str], chosen: Sequence[str], and_word: str) -> str:
    """ "1-3", "2 og 4", "1-3 og 5": three or more neighbours as a range."""
    parts: list[str] = []
    for run in _runs(numbers, chosen):
        if len(run) >= 3:
            parts.append(f"{run[0]}-{run[-1]}")
        else:
            parts.extend(run)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {and_word} " + parts[-1]


def describe(numbers: Sequence[str], presence: Presence) -> str | None:
    """ "deltog i pkt. 1-3 og delvist i pkt. 4", or None when the person was there throughout.

    `numbers` are the top-level item numbers in order ("1", "2", ...).
    """
    if not numbers or presence.is_full:
        return None
    items = attended_items(numbers, presence)
    and_word = gettext("and")
    full = item_list(numbers, items.full, and_word)
    partial = item_list(numbers, items.partial, and_word)
    if full and partial:
        return gettext("took part in items %(full)s and partly in items %(partial)s", full=full, partial=partial)
    if full:
        return gettext("took part in items %(full)s", full=full)
    return gettext("took part partly in items %(partial)s", partial=partial)
