"""Danish municipalities and regions, with the 2027 regional reform, and how files name them."""

from eventsite.geo.municipalities import (
    REGION_REFORM_DATE,
    Municipality,
    all_municipalities,
    municipality,
    municipality_codes,
    region_change_after,
    region_for,
    regions_on,
)
from eventsite.geo.parsing import known_regions, parse_municipality, parse_region

__all__ = [
    "REGION_REFORM_DATE",
    "Municipality",
    "all_municipalities",
    "known_regions",
    "municipality",
    "municipality_codes",
    "parse_municipality",
    "parse_region",
    "region_change_after",
    "region_for",
    "regions_on",
]
