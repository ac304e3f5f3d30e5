"""Municipality and region names as member files and the command line write them."""

from eventsite.geo import known_regions, parse_municipality, parse_region


def test_a_municipality_is_read_from_its_code_or_its_name():
    assert parse_municipality("370") == parse_municipality("0370") == parse_municipality(" Næstved ") == "0370"
    assert parse_municipality("Københavns Kommune") == parse_municipality("københavn") == "0101"
    assert parse_municipality("Aarhus") == parse_municipality("Århus") == "0751"
    assert parse_municipality("Gotham") is None and parse_municipality("9999") is None


def test_a_region_is_read_with_or_without_its_prefix():
    assert parse_region("Sjælland") == parse_region("region  sjælland") == "Region Sjælland"
    assert parse_region("Østdanmark") == "Region Østdanmark"
    assert parse_region("Atlantis") is None
    assert len(known_regions()) == 6 and "Region Østdanmark" in known_regions()
