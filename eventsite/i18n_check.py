"""Find translatable strings that no Danish catalogue translates.

`python -m eventsite.i18n_check` prints them; the test-suite fails on any. Areas keep
their own catalogues (eventsite/**/translations/da/LC_MESSAGES/messages.po); a
string counts as translated if any of them translates it.

The compiled catalogues are committed, so that every way of installing the app
(`pip install -e .` or `pip install .` without `make`) shows it in Danish.
`python -m eventsite.i18n_check --compiled` (run by `make lint`) checks that every
catalogue's `messages.mo` holds exactly the translations of its `.po` file, and
`--compile` (`make translations`) rewrites the ones that do not.
"""

from __future__ import annotations

import glob
import os
import sys
from datetime import datetime, timezone

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
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
    for filename, lineno, message, _comments, _context in extract_from_dir(ROOT, METHOD_MAP, OPTIONS, KEYWORDS):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def catalogue_paths(locale: str = "da") -> list[str]:
    """Every area's `.po` file for the locale."""
    pattern = os.path.join(ROOT, "eventsite", "**", "translations", locale, "LC_MESSAGES", "messages.po")
    return sorted(glob.glob(pattern, recursive=True))


def translated_messages(locale: str = "da") -> set[str]:
    done: set[str] = set()
    for path in catalogue_paths(locale):
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


Entry = tuple[object, object, object]  # (context, msgid, msgstr); plural ids and strings as tuples


def _entries(catalogue: Catalog) -> set[Entry]:
    """What a compiled catalogue holds: translated, non-fuzzy messages (as `pybabel compile`)."""

    def plain(value: object) -> object:
        return tuple(value) if isinstance(value, (tuple, list)) else value

    return {
        (message.context, plain(message.id), plain(message.string))
        for message in catalogue
        if message.id and message.string and not message.fuzzy
    }


#: The POT-Creation-Date written into every compiled catalogue. Babel would write the
#: minute of compiling (our .po files carry no such header), so the same .po file
#: compiled twice would give two different .mo files to commit.
FIXED_CREATION_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _stale(po_path: str, locale: str) -> str | None:
    """Why the catalogue's `messages.mo` does not match its `messages.po`, or None."""
    mo_path = po_path[: -len(".po")] + ".mo"
    if not os.path.exists(mo_path):
        return "missing"
    with open(po_path, "rb") as handle:
        source = read_po(handle, locale=locale)
    with open(mo_path, "rb") as handle:
        compiled = read_mo(handle)
    if _entries(source) != _entries(compiled) or source.plural_forms != compiled.plural_forms:
        return "differs from messages.po"
    return None


def stale_compiled(locale: str = "da") -> list[str]:
    """Catalogues whose `messages.mo` is missing or differs from their `messages.po`."""
    stale = []
    for po_path in catalogue_paths(locale):
        reason = _stale(po_path, locale)
        if reason:
            stale.append(f"{os.path.relpath(po_path[: -len('.po')] + '.mo', ROOT)}: {reason}")
    return stale


def compile_stale(locale: str = "da") -> list[str]:
    """Compile the catalogues whose `.mo` is missing or stale; the paths written.

    The others are left byte for byte, so a fresh checkout, a newer Babel or a
    recompile changes no committed file unless a translation changed.
    """
    written = []
    for po_path in catalogue_paths(locale):
        if _stale(po_path, locale) is None:
            continue
        with open(po_path, "rb") as handle:
            catalogue = read_po(handle, locale=locale)
        catalogue.creation_date = FIXED_CREATION_DATE
        mo_path = po_path[: -len(".po")] + ".mo"
        with open(mo_path, "wb") as handle:
            write_mo(handle, catalogue)
        written.append(os.path.relpath(mo_path, ROOT))
    return written


def _check_compiled() -> int:
    stale = stale_compiled()
    for line in stale:
        print(line)
    if stale:
        print("compiled catalogues are stale: run `make translations` and commit the .mo files", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--compiled"]:
        sys.exit(_check_compiled())
    if sys.argv[1:] == ["--compile"]:
        for path in compile_stale():
            print(f"compiled {path}")
        sys.exit(0)
    gaps = missing()
    for msgid, where in sorted(gaps.items(), key=lambda item: item[1]):
        print(f"{where}\t{msgid!r}")
    print(f"{len(gaps)} untranslated", file=sys.stderr)
    sys.exit(1 if gaps else 0)
