"""The shipped table of municipalities and the dated region lookup."""

from datetime import date

from eventsite.geo import REGION_REFORM_DATE, all_municipalities, municipality, region_for, regions_on


def test_all_98_municipalities_are_shipped():
    assert len(all_municipalities()) == 98
    assert municipality("370").name == "Næstved"
    assert municipality("0740").name == "Silkeborg"
    assert municipality("9999") is None and municipality("") is None


def test_sjaelland_and_hovedstaden_become_oestdanmark_on_1_january_2027():
    assert region_for("0370", date(2026, 12, 31)) == "Region Sjælland"
    assert region_for("0370", REGION_REFORM_DATE) == "Region Østdanmark"
    assert region_for("0163", date(2026, 12, 31)) == "Region Hovedstaden"
    assert region_for("0163", date(2027, 1, 1)) == "Region Østdanmark"
    assert region_for("0740", date(2027, 6, 1)) == "Region Midtjylland"


def test_five_regions_before_and_four_after_the_reform():
    assert len(regions_on(date(2026, 6, 1))) == 5
    assert regions_on(date(2027, 6, 1)) == [
        "Region Midtjylland",
        "Region Nordjylland",
        "Region Syddanmark",
        "Region Østdanmark",
    ]
