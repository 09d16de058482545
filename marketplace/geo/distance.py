"""Distances on the WGS84 ellipsoid: exact for what users see, fast for ranking, and the
lat/lon box an index can search. Pure math plus geopy; no Flask."""

from __future__ import annotations

import math
from typing import NamedTuple

from geopy.distance import geodesic

__all__ = ["BoundingBox", "approx_km", "bounding_box", "distance_km"]


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Exact distance between two (lat, lon) points on the WGS84 ellipsoid, in km."""
    return float(geodesic(a, b).km)


_A = 6378.137  # WGS84 semi-major axis, km
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
_M_MIN = _A * (1 - _E2)  # smallest meridional radius of curvature (at the equator), km


def approx_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in km, within 0.001% of the WGS84 geodesic up to 200 km (and ~1.5 µs).

    Haversine gives the angle (so poles and the antimeridian need no special case); the
    ellipsoid's radius of curvature at the mid-latitude, in the direction of travel,
    turns it into km. A plain sphere is up to 0.56% off north-south near the equator.
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    theta = 2 * math.asin(min(1.0, math.sqrt(h)))
    if theta == 0.0:
        return 0.0
    s = math.sin((p1 + p2) / 2)
    q = 1 - _E2 * s * s
    n_radius, m_radius = _A / math.sqrt(q), _A * (1 - _E2) / (q * math.sqrt(q))
    north = min(1.0, (dp / theta) ** 2)  # share of the step that runs north-south
    return theta * math.sqrt(m_radius * m_radius * north + n_radius * n_radius * (1 - north))


class BoundingBox(NamedTuple):
    """Unpacks as ``(min_lat, max_lat, min_lon, max_lon)``. When the box crosses the
    antimeridian ``min_lon > max_lon`` (e.g. 170 … -170): query :meth:`lon_ranges`,
    which then returns two ranges. A box reaching a pole spans every longitude."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    @property
    def crosses_antimeridian(self) -> bool:
        return self.min_lon > self.max_lon

    def lon_ranges(self) -> tuple[tuple[float, float], ...]:
        if self.crosses_antimeridian:
            return ((self.min_lon, 180.0), (-180.0, self.max_lon))
        return ((self.min_lon, self.max_lon),)

    def contains(self, lat: float, lon: float) -> bool:
        if not self.min_lat <= lat <= self.max_lat:
            return False
        # -180 and 180 are the same meridian: try both spellings of the longitude.
        return any(lo <= x <= hi for lo, hi in self.lon_ranges() for x in (lon, lon - 360.0, lon + 360.0))


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """The smallest lat/lon box this cheap bound gives that contains every point within
    ``radius_km`` (WGS84 geodesic) of ``(lat, lon)``. Raises ``ValueError`` for a
    negative radius.

    Conservative by construction: latitude moves at least ``_M_MIN`` km per radian, and
    longitude at least ``a·cos(φ)`` km per radian at the box's highest latitude ``φ``.
    """
    if radius_km < 0 or math.isnan(radius_km):
        raise ValueError("radius_km must be a non-negative number")
    lon = (lon + 180.0) % 360.0 - 180.0
    dlat = math.degrees(radius_km / _M_MIN) * (1 + 1e-9) + 1e-9
    lo, hi = lat - dlat, lat + dlat
    if lo <= -90.0 or hi >= 90.0:
        return BoundingBox(max(lo, -90.0), min(hi, 90.0), -180.0, 180.0)
    dlon = math.degrees(radius_km / (_A * math.cos(math.radians(max(abs(lo), abs(hi)))))) * (1 + 1e-9) + 1e-9
    if dlon >= 180.0:
        return BoundingBox(lo, hi, -180.0, 180.0)
    west, east = lon - dlon, lon + dlon
    if west < -180.0:
        west += 360.0
    if east > 180.0:
        east -= 360.0
    return BoundingBox(lo, hi, west, east)
