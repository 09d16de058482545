"""A fixed latitude/longitude grid and the square "shells" around a point, with a safe
lower bound on how far anything in a shell can be. Pure: no database.

Search walks shells outward from the seeker's cell and stops as soon as nothing further
out could outrank the page it already has, so a dense city costs about as much as a
sparse one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CELL_DEG = 0.02  # about 2.2 km north-south
# Cells per side of a stamp block (:class:`marketplace.search.models.SearchStamp`): about
# 18 km north-south, so a 25 km search checks a few dozen stamps at most.
BLOCK_CELLS = 8
# The stamp of the online lists, which lie in no place: a block no cell is in.
ONLINE_BLOCK = (-1, -1)
LAT_CELLS = math.ceil(180 / CELL_DEG)
LON_CELLS = round(360 / CELL_DEG)
# Kilometres per degree, rounded down so distances derived from them are lower bounds:
# latitude degrees are shortest at the equator (110.574 km on WGS-84), and a longitude
# degree is at least 111.320 km x cos(latitude) everywhere.
KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON_EQUATOR = 111.32


def cell_of(lat: float, lon: float) -> tuple[int, int]:
    lat_idx = min(max(int(math.floor((lat + 90.0) / CELL_DEG)), 0), LAT_CELLS - 1)
    lon_idx = int(math.floor((((lon + 180.0) % 360.0) / CELL_DEG))) % LON_CELLS
    return lat_idx, lon_idx


def block_of(lat_idx: int, lon_idx: int) -> tuple[int, int]:
    return lat_idx // BLOCK_CELLS, lon_idx // BLOCK_CELLS


@dataclass(frozen=True)
class Rect:
    """Cells with ``lat_lo <= lat_idx <= lat_hi`` and ``lon_lo <= lon_idx <= lon_hi``
    (never wrapping: a shell that crosses the antimeridian is split)."""

    lat_lo: int
    lat_hi: int
    lon_lo: int
    lon_hi: int


def _lon_ranges(lo: int, hi: int) -> list[tuple[int, int]]:
    if hi - lo + 1 >= LON_CELLS:
        return [(0, LON_CELLS - 1)]
    lo_m, hi_m = lo % LON_CELLS, hi % LON_CELLS
    if lo_m <= hi_m:
        return [(lo_m, hi_m)]
    return [(lo_m, LON_CELLS - 1), (0, hi_m)]


def _rects(lat_lo: int, lat_hi: int, lon_lo: int, lon_hi: int) -> list[Rect]:
    lat_lo, lat_hi = max(lat_lo, 0), min(lat_hi, LAT_CELLS - 1)
    if lat_lo > lat_hi or lon_lo > lon_hi:
        return []
    return [Rect(lat_lo, lat_hi, a, b) for a, b in _lon_ranges(lon_lo, lon_hi)]


def shell(center: tuple[int, int], inner: int, outer: int) -> list[Rect]:
    """Cells whose Chebyshev distance from ``center`` is in ``inner..outer`` (both
    inclusive), as non-overlapping rectangles."""
    ci, cj = center
    if inner <= 0:
        return _rects(ci - outer, ci + outer, cj - outer, cj + outer)
    k = inner - 1  # the box already covered
    return (
        _rects(ci + k + 1, ci + outer, cj - outer, cj + outer)  # north strip
        + _rects(ci - outer, ci - k - 1, cj - outer, cj + outer)  # south strip
        + _rects(ci - k, ci + k, cj - outer, cj - k - 1)  # west strip
        + _rects(ci - k, ci + k, cj + k + 1, cj + outer)  # east strip
    )


def min_km_outside(lat: float, lon: float, covered: int) -> float:
    """A lower bound on the distance from (lat, lon) to any point outside the box of
    cells within ``covered`` rings of its own cell."""
    ci, cj = cell_of(lat, lon)
    south = (ci - covered) * CELL_DEG - 90.0
    north = (ci + covered + 1) * CELL_DEG - 90.0
    bounds = [
        (lat - south) * KM_PER_DEG_LAT if south > -90.0 else math.inf,
        (north - lat) * KM_PER_DEG_LAT if north < 90.0 else math.inf,
    ]
    if 2 * covered + 1 < LON_CELLS:  # otherwise every longitude is inside the box
        lon_pos = (lon + 180.0) % 360.0
        d_lon_deg = min(lon_pos - (cj - covered) * CELL_DEG, (cj + covered + 1) * CELL_DEG - lon_pos)
        # A longitude degree is shortest at the band's poleward edge (zero at a pole).
        worst_lat = min(max(abs(south), abs(north)), 90.0)
        bounds.append(d_lon_deg * KM_PER_DEG_LON_EQUATOR * max(math.cos(math.radians(worst_lat)), 0.0))
    return max(0.0, min(bounds) * 0.999)


def rings_for_km(lat: float, lon: float, km: float) -> int:
    """The fewest rings around the point's cell that certainly cover ``km`` in every
    direction (by the same bound the walk uses, so the two agree)."""
    k = int(km / (KM_PER_DEG_LAT * CELL_DEG))
    limit = LAT_CELLS + LON_CELLS
    while k < limit and min_km_outside(lat, lon, k) < km:
        k += 1
    return k
