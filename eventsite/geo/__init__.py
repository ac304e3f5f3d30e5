"""Danish municipalities and regions, with the 2027 regional reform."""
from eventsite.geo.municipalities import (  # noqa: F401
    REGION_REFORM_DATE,
    Municipality,
    all_municipalities,
    municipality,
    municipality_codes,
    region_change_after,
    region_for,
    regions_on,
)
