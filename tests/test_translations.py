"""Everything a person reads goes through Flask-Babel with a complete Danish catalogue."""

from eventsite.i18n_check import missing, stale_compiled


def test_every_translatable_string_has_a_danish_translation():
    gaps = missing("da")
    assert gaps == {}, "untranslated: " + ", ".join(f"{where} {msgid!r}" for msgid, where in list(gaps.items())[:20])


def test_the_committed_compiled_catalogues_match_their_po_files():
    # `make lint` runs the same check on a fresh checkout, before anything recompiles them.
    assert stale_compiled("da") == []
