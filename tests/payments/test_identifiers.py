"""EAN (GLN) and CVR numbers: normalised, then checked with python-stdnum."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean as stdnum_ean

from eventsite.payments.identifiers import IdentifierError, normalise_cvr, normalise_ean

#: EAN location numbers in the Danish public-sector range (5790/5798...), valid check digits.
VALID_EANS = ["5798000416604", "5790000000005", "5798009811578", "5790001330583", "5798000556461"]
#: CVR numbers with a valid modulus-11 check digit (13585628 is python-stdnum's own example).
VALID_CVRS = ["13585628", "64942212", "55133018", "24256790", "54562519"]


@pytest.mark.parametrize("number", VALID_EANS)
def test_valid_ean_numbers_pass(number):
    assert normalise_ean(number) == number


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("5798 0004 16604", "5798000416604"),
        (" 5798000416604 ", "5798000416604"),
        ("5798-000-416604", "5798000416604"),
        ("5798\u00a0000\u00a0416604", "5798000416604"),
        ("5798.000.416604", "5798000416604"),
    ],
)
def test_spaces_hyphens_and_full_stops_are_removed_before_checking(typed, expected):
    assert normalise_ean(typed) == expected


@pytest.mark.parametrize(
    "typed, message",
    [
        (
            "5798000416605",
            "EAN-nummeret er ikke gyldigt: kontrolcifferet (det sidste ciffer) passer ikke. Tjek nummeret i din arbejdsplads' fakturaoplysninger.",
        ),
        ("579800041660", "Et EAN-nummer har 13 cifre; du har skrevet 12."),
        ("57980004166040", "Et EAN-nummer har 13 cifre; du har skrevet 14."),
        ("96385074", "Et EAN-nummer har 13 cifre; du har skrevet 8."),
        ("5798OOO416604", "Et EAN-nummer består kun af cifre."),
        ("EAN5798000416604", "Et EAN-nummer består kun af cifre."),
        ("٥٧٩٨٠٠٠٤١٦٦٠٤", "Et EAN-nummer består kun af cifre."),
        ("   ", "Angiv EAN-nummeret (13 cifre)."),
    ],
)
def test_bad_ean_numbers_are_refused_with_a_clear_danish_message(app, typed, message):
    with app.test_request_context():
        with pytest.raises(IdentifierError) as raised:
            normalise_ean(typed)
        assert str(raised.value.message) == message


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_exactly_one_last_digit_makes_any_twelve_digits_a_valid_ean(stem):
    valid = [d for d in "0123456789" if _is_valid(stem + d)]
    assert valid == [stdnum_ean.calc_check_digit(stem)]


def _is_valid(number: str) -> bool:
    try:
        normalise_ean(number)
        return True
    except IdentifierError:
        return False


@pytest.mark.parametrize("number", VALID_CVRS)
def test_valid_cvr_numbers_pass_also_with_a_dk_prefix_and_spaces(number):
    assert normalise_cvr(number) == number
    assert normalise_cvr(f"DK {number[:2]} {number[2:4]} {number[4:6]} {number[6:]}") == number


def test_an_empty_cvr_number_is_allowed():
    assert normalise_cvr("") is None
    assert normalise_cvr(None) is None


@pytest.mark.parametrize(
    "typed, message",
    [
        ("13585627", "CVR-nummeret er ikke gyldigt; tjek det på cvr.dk."),
        ("03585628", "CVR-nummeret er ikke gyldigt; tjek det på cvr.dk."),
        ("1358562", "Et CVR-nummer har 8 cifre; du har skrevet 7."),
        ("135856280", "Et CVR-nummer har 8 cifre; du har skrevet 9."),
        ("1358S628", "Et CVR-nummer består kun af cifre."),
    ],
)
def test_bad_cvr_numbers_are_refused_with_a_clear_danish_message(app, typed, message):
    with app.test_request_context():
        with pytest.raises(IdentifierError) as raised:
            normalise_cvr(typed)
        assert str(raised.value.message) == message
