"""Spec for the app-facing place resolver: pure tests, no app, no database, no network."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut
from geopy.geocoders import Nominatim
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from marketplace.geo.gazetteer import OfflineGazetteer
from marketplace.geo.service import (
    GeocoderUnavailable,
    LRUCache,
    PlaceNotFound,
    PlaceResolver,
    ResolvedPlace,
    approx_km,
    build_geocoder,
    distance_km,
    region_of,
)

LONDON, PARIS = (51.5074, -0.1278), (48.8566, 2.3522)
MUMBAI, DELHI = (19.0760, 72.8777), (28.6139, 77.2090)
NEW_YORK, LOS_ANGELES = (40.7128, -74.0060), (34.0522, -118.2437)


class CountingGeocoder(Geocoder):
    """Stands in for an online geocoder (Nominatim & co.): the network is unavailable in
    tests, so it answers from a fixed table and counts how often it is asked."""

    def __init__(self, answers: dict[str, list[Location]] | None = None,
                 error: Exception | None = None) -> None:
        super().__init__(user_agent="tests")
        self.answers = answers or {}
        self.error = error
        self.calls: list[str] = []

    def geocode(self, query: str, *, exactly_one: bool = True,
                timeout: Any = DEFAULT_SENTINEL, limit: int | None = None) -> Any:
        self.calls.append(query)
        if self.error is not None:
            raise self.error
        found = self.answers.get(query.strip().lower())
        if not found:
            return None
        return found[0] if exactly_one else found[:limit]


def _online_location(label: str, lat: float, lon: float, country: str) -> Location:
    # Nominatim-style raw answer (addressdetails=True): country code nested, lower case.
    return Location(label, Point(lat, lon), {"address": {"country_code": country.lower()}})


@pytest.fixture(scope="module")
def offline() -> PlaceResolver:
    return PlaceResolver(OfflineGazetteer())


@pytest.fixture
def online() -> CountingGeocoder:
    return CountingGeocoder({
        "bangalore": [_online_location("Bengaluru, Karnataka, India", 12.97, 77.59, "IN")],
        "cambridge": [_online_location("Cambridge, England", 52.2, 0.12, "GB"),
                      _online_location("Cambridge, Massachusetts", 42.37, -71.1, "US")],
    })


# -- resolving with the offline gazetteer ----------------------------------------------


def test_resolve_returns_a_resolved_place(offline: PlaceResolver) -> None:
    place = offline.resolve("Bangalore")
    assert place.label == "Bengaluru, Karnataka, India"
    assert place.country_code == "IN"
    assert place.timezone == "Asia/Kolkata"
    assert place.lat == pytest.approx(12.97, abs=0.05)
    assert place.lon == pytest.approx(77.59, abs=0.05)


def test_resolved_place_is_immutable(offline: PlaceResolver) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        offline.resolve("London").lat = 0.0  # type: ignore[misc]


def test_unknown_place_raises_place_not_found_with_suggestions(offline: PlaceResolver) -> None:
    # ("Bangalor" itself resolves: GeoNames lists it as an alternate name of Bengaluru.)
    with pytest.raises(PlaceNotFound) as caught:
        offline.resolve("Banglore")
    assert caught.value.query == "Banglore"
    assert caught.value.suggestions[0] == "Bengaluru, Karnataka, India"


@pytest.mark.parametrize("blank", ["", "   ", " , ,"])
def test_blank_text_raises_place_not_found_without_suggestions(offline: PlaceResolver,
                                                               blank: str) -> None:
    with pytest.raises(PlaceNotFound) as caught:
        offline.resolve(blank)
    assert caught.value.suggestions == []


def test_resolve_many_lists_candidates_likeliest_first(offline: PlaceResolver) -> None:
    places = offline.resolve_many("Cambridge", limit=3)
    assert [p.country_code for p in places] == ["GB", "CA", "US"]
    assert offline.resolve_many("Nowhereville") == []


def test_resolve_honours_country_codes(offline: PlaceResolver) -> None:
    assert offline.resolve("Cambridge", country_codes=["US"]).label.endswith("United States")
    with pytest.raises(PlaceNotFound):
        offline.resolve("Bangalore", country_codes="GB")


@pytest.mark.parametrize(("text", "prefer", "first"), [
    ("Richmond", "GB", "Richmond, England, United Kingdom"),  # not Virginia, for someone in Britain
    ("Camden", "GB", "Camden Town, England, United Kingdom"),
    ("Kingston", "GB", "Kingston upon Thames, London, England, United Kingdom"),
    ("Perth", "GB", "Perth, Scotland, United Kingdom"),
    ("Hyderabad", "PK", "Hyderabad, Sindh, Pakistan"),
    ("Richmond", None, "Richmond, Virginia, United States"),  # no preference: the likeliest
    # a qualifier says which: the preference does not overrule it
    ("Richmond, Virginia", "GB", "Richmond, Virginia, United States"),
    ("Camden NJ", "GB", "Camden, New Jersey, United States"),
    ("Perth, Australia", "GB", "Perth, Western Australia, Australia"),
    # nothing of that name there: the likeliest, not a place of another name
    ("Bangalore", "GB", "Bengaluru, Karnataka, India"),
    ("London", "IN", "London, England, United Kingdom"),
    # an address ending with a bare town is that town's; one ending with a qualifier, as written
    ("12 High Street, Richmond", "GB", "Richmond, England, United Kingdom"),
    ("12 High Street, Richmond, Virginia", "GB", "Richmond, Virginia, United States"),
])
def test_a_preferred_country_chooses_among_places_of_one_name(offline: PlaceResolver, text: str,
                                                             prefer: str | None, first: str) -> None:
    places = offline.resolve_many(text, 4, prefer=prefer)
    assert places[0].label == first
    if prefer is not None and first != offline.resolve_many(text, 1)[0].label:
        # the likeliest is still offered, second
        assert places[1].label == offline.resolve_many(text, 1)[0].label


@pytest.mark.parametrize(("languages", "region"), [
    (["en-GB", "en"], "GB"), (["en", "en-IN"], "IN"), (["hi"], "IN"), (["ta-IN"], "IN"), (["fr-FR", "fr"], "FR"),
    (["zh-Hans-CN"], "CN"), (["en-US", "en"], None), (["en"], None), ([], None),
])
def test_the_region_of_a_browser_comes_from_its_languages(languages: list[str], region: str | None) -> None:
    assert region_of(languages) == region


def test_offline_geocoder_is_neither_cached_nor_throttled(offline: PlaceResolver) -> None:
    assert offline.cache is None and offline.min_delay_seconds is None


# -- build_geocoder -------------------------------------------------------------------


def test_build_geocoder_offline_is_the_gazetteer() -> None:
    geocoder = build_geocoder("offline", min_city_population=15000)
    assert isinstance(geocoder, OfflineGazetteer)


def test_build_geocoder_online_is_a_geopy_service_tagged_with_its_courtesy_delay() -> None:
    geocoder = build_geocoder("nominatim", user_agent="tests", min_seconds_between_calls=2.5)
    assert isinstance(geocoder, Nominatim)
    assert geocoder.headers["User-Agent"] == "tests"
    assert PlaceResolver(geocoder).min_delay_seconds == 2.5  # no request is made


def test_build_geocoder_unknown_name_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Unknown geocoder 'no-such-service'"):
        build_geocoder("no-such-service")


# -- online geocoders: caching, throttling, errors ------------------------------------


def test_identical_resolves_hit_the_online_geocoder_once(online: CountingGeocoder) -> None:
    resolver = PlaceResolver(online, min_delay_seconds=0)
    first = resolver.resolve("Bangalore")
    second = resolver.resolve("  bangalore ")  # same text once normalised
    assert first == second
    assert first.country_code == "IN" and first.timezone is None
    assert online.calls == ["Bangalore"]


def test_misses_are_cached_too(online: CountingGeocoder) -> None:
    resolver = PlaceResolver(online, min_delay_seconds=0)
    for _ in range(2):
        with pytest.raises(PlaceNotFound) as caught:
            resolver.resolve("Atlantis")
        assert caught.value.suggestions == []  # this geocoder can't suggest
    assert online.calls == ["Atlantis"]


def test_a_pluggable_cache_is_used(online: CountingGeocoder) -> None:
    class DictCache:  # what a Redis-backed cache would implement
        def __init__(self) -> None:
            self.data: dict[str, Any] = {}

        def get(self, key: str) -> Any | None:
            return self.data.get(key)

        def set(self, key: str, value: Any) -> None:
            self.data[key] = value

    cache = DictCache()
    PlaceResolver(online, cache=cache, min_delay_seconds=0).resolve("Bangalore")
    assert len(cache.data) == 1
    assert PlaceResolver(online, cache=cache, min_delay_seconds=0).resolve("Bangalore")
    assert online.calls == ["Bangalore"]


def test_online_country_codes_filter_when_the_backend_cannot(online: CountingGeocoder) -> None:
    resolver = PlaceResolver(online, min_delay_seconds=0)
    assert resolver.resolve("Cambridge", country_codes="us").label == "Cambridge, Massachusetts"


def test_online_calls_are_rate_limited(online: CountingGeocoder) -> None:
    resolver = PlaceResolver(online, min_delay_seconds=0.2)
    start = time.monotonic()
    resolver.resolve("Bangalore")
    resolver.resolve_many("Cambridge")
    assert time.monotonic() - start >= 0.19


def test_suggester_can_come_from_the_offline_gazetteer(online: CountingGeocoder) -> None:
    resolver = PlaceResolver(online, min_delay_seconds=0, suggester=OfflineGazetteer())
    with pytest.raises(PlaceNotFound) as caught:
        resolver.resolve("Banglore")
    assert "Bengaluru, Karnataka, India" in caught.value.suggestions


@pytest.mark.parametrize("error", [GeocoderTimedOut("slow"), GeocoderServiceError("quota"),
                                   TimeoutError("socket"), ConnectionError("refused")])
def test_geocoder_errors_become_geocoder_unavailable(error: Exception) -> None:
    failing = CountingGeocoder(error=error)
    resolver = PlaceResolver(failing, min_delay_seconds=0)
    with pytest.raises(GeocoderUnavailable):
        resolver.resolve("Bangalore")
    with pytest.raises(GeocoderUnavailable):  # failures are not cached: it asks again
        resolver.resolve_many("Bangalore", limit=1)
    assert len(failing.calls) == 2


def test_lru_cache_evicts_the_least_recently_used() -> None:
    cache = LRUCache(maxsize=2)
    cache.set("a", 1)
    cache.set("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.set("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


# -- distances ------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b", "published_km"), [
    (LONDON, PARIS, 343.9), (MUMBAI, DELHI, 1148), (NEW_YORK, LOS_ANGELES, 3944),
])
def test_distance_km_matches_published_distances(a: tuple[float, float], b: tuple[float, float],
                                                 published_km: float) -> None:
    assert distance_km(a, b) == pytest.approx(published_km, rel=0.01)
    assert distance_km(a, b) == pytest.approx(distance_km(b, a))


@pytest.mark.parametrize(("a", "b"), [(LONDON, PARIS), (MUMBAI, DELHI), (NEW_YORK, LOS_ANGELES)])
def test_approx_distance_is_within_0_6_percent(a: tuple[float, float],
                                               b: tuple[float, float]) -> None:
    assert approx_km(*a, *b) == pytest.approx(distance_km(a, b), rel=0.006)


def test_distance_to_self_is_zero() -> None:
    assert distance_km(LONDON, LONDON) == 0
    assert approx_km(*LONDON, *LONDON) == 0


def test_resolved_place_fields() -> None:
    assert [f.name for f in dataclasses.fields(ResolvedPlace)] == [
        "lat", "lon", "label", "country_code", "timezone"]


def test_nearest_names_the_city_and_its_time_zone_for_a_point():
    from marketplace.geo.service import PlaceResolver

    place = PlaceResolver().nearest(12.93, 77.62)
    assert place is not None
    assert "Bengaluru" in place.label
    assert place.timezone == "Asia/Kolkata"


def test_warming_the_resolver_builds_the_offline_index_and_leaves_other_geocoders_alone() -> None:
    from marketplace.geo import gazetteer

    offline = OfflineGazetteer(min_city_population=5000)  # a threshold no other test builds
    gazetteer._INDEXES.pop(5000, None)
    PlaceResolver(offline).warm()
    assert 5000 in gazetteer._INDEXES
    gazetteer._INDEXES.pop(5000, None)  # ~100 MB: not kept for the rest of the run
    PlaceResolver(Nominatim(user_agent="marketplace-tests")).warm()  # nothing to build, no network
