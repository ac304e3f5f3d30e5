"""Find translatable strings that no Danish catalogue translates.

`python -m eventsite.i18n_check` prints them; the test-suite fails on any. Areas keep
their own catalogues (eventsite/**/translations/da/LC_MESSAGES/messages.po); a
string counts as translated if any of them translates it.
"""
from __future__ import annotations

import glob
import os
import sys

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHOD_MAP = [
    ("eventsite/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.do"}}


def source_messages() -> dict[str, str]:
    """msgid -> first place it is used."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, METHOD_MAP, OPTIONS, KEYWORDS
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def translated_messages(locale: str = "da") -> set[str]:
    done: set[str] = set()
    pattern = os.path.join(ROOT, "eventsite", "**", "translations", locale, "LC_MESSAGES", "messages.po")
    for path in glob.glob(pattern, recursive=True):
        with open(path, "rb") as handle:
            catalogue = read_po(handle, locale=locale)
        for message in catalogue:
            if not message.id or message.fuzzy:
                continue
            strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
            ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
            if all(strings):
                done.update(ids)
    return done


def missing(locale: str = "da") -> dict[str, str]:
    done = translated_messages(locale)
    return {msgid: where for msgid, where in source_messages().items() if msgid not in done}


if __name__ == "__main__":
    gaps = missing()
    for msgid, where in sorted(gaps.items(), key=lambda item: item[1]):
        print(f"{where}\t{msgid!r}")
    print(f"{len(gaps)} untranslated", file=sys.stderr)
    sys.exit(1 if gaps else 0)
