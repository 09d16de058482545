"""Geocoding for the marketplace: offline GeoNames gazetteer plus an app-facing resolver.

Import from here (``from marketplace.geo import PlaceResolver``); see ``service`` for the
contract the web layer relies on and ``gazetteer`` for how names are matched.
"""

from marketplace.geo.gazetteer import OfflineGazetteer, normalize_name
from marketplace.geo.service import (
    GeocoderUnavailable,
    LRUCache,
    PlaceCache,
    PlaceNotFound,
    PlaceResolver,
    ResolvedPlace,
    approx_km,
    build_geocoder,
    distance_km,
)

__all__ = [
    "GeocoderUnavailable", "LRUCache", "OfflineGazetteer", "PlaceCache", "PlaceNotFound",
    "PlaceResolver", "ResolvedPlace", "approx_km", "build_geocoder", "distance_km",
    "normalize_name",
]
