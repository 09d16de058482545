"""The grid walk's geometry: shells tile the plane without gaps or overlaps, and the
distance bound never overstates how close an outside point can be."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.geo.distance import approx_km
from marketplace.search.grid import CELL_DEG, LON_CELLS, cell_of, min_km_outside, rings_for_km, shell

lats = st.floats(min_value=-70, max_value=70, allow_nan=False)  # where people live
lons = st.floats(min_value=-180, max_value=179.999, allow_nan=False)


def cells(rects) -> list[tuple[int, int]]:  # noqa: ANN001
    return [(i, j) for r in rects for i in range(r.lat_lo, r.lat_hi + 1) for j in range(r.lon_lo, r.lon_hi + 1)]


@given(lats, lons, st.integers(min_value=0, max_value=6), st.integers(min_value=1, max_value=4))
def test_successive_shells_cover_each_cell_once(lat, lon, start, width):
    centre = cell_of(lat, lon)
    covered = cells(shell(centre, 0, start)) + cells(shell(centre, start + 1, start + width))
    assert len(covered) == len(set(covered)) == (2 * (start + width) + 1) ** 2


def test_shells_wrap_across_the_antimeridian():
    centre = cell_of(-17.7, 179.99)  # Fiji
    covered = cells(shell(centre, 0, 2))
    assert len(covered) == len(set(covered)) == 25
    assert {j for _, j in covered} >= {0, 1, LON_CELLS - 1}


@settings(max_examples=300)
@given(lats, lons, st.integers(min_value=0, max_value=20), st.floats(min_value=0, max_value=1),
       st.floats(min_value=0, max_value=360))
def test_nothing_outside_the_covered_box_is_closer_than_the_bound(lat, lon, covered, t, bearing):
    bound = min_km_outside(lat, lon, covered)
    ci, cj = cell_of(lat, lon)
    # A point just outside the box, on one of its four sides.
    side = int(bearing // 90)
    span = (2 * covered + 1) * CELL_DEG
    if side == 0:
        p = ((ci + covered + 1) * CELL_DEG - 90 + 1e-9, (cj - covered) * CELL_DEG - 180 + t * span)
    elif side == 1:
        p = ((ci - covered) * CELL_DEG - 90 - 1e-9, (cj - covered) * CELL_DEG - 180 + t * span)
    elif side == 2:
        p = ((ci - covered) * CELL_DEG - 90 + t * span, (cj + covered + 1) * CELL_DEG - 180 + 1e-9)
    else:
        p = ((ci - covered) * CELL_DEG - 90 + t * span, (cj - covered) * CELL_DEG - 180 - 1e-9)
    if abs(p[0]) < 89:
        assert approx_km(lat, lon, p[0], ((p[1] + 180) % 360) - 180) >= bound


@given(lats, lons, st.floats(min_value=0.5, max_value=200))
def test_rings_for_km_reach_the_radius_in_every_direction(lat, lon, km):
    assert min_km_outside(lat, lon, rings_for_km(lat, lon, km)) >= km
