"""The shared cache: geocoder answers (found, not found, and briefly failures) and the
taxonomy lists, in Redis so every process shares them, invalidated by an admin's edit."""

from __future__ import annotations

import time
from typing import Any, Callable

import pytest
from flask import Flask
from geopy.exc import GeocoderServiceError
from redis import Redis
from sqlalchemy import update

from marketplace.extensions import db
from marketplace.geo.gazetteer import OfflineGazetteer
from marketplace.geo.service import GeocoderUnavailable, PlaceNotFound, PlaceResolver
from marketplace.infra.caching import FlaskPlaceCache
from marketplace.taxonomy.models import Concern
from tests.builders import bearer, make_admin
from tests.infra.conftest import DEAD_REDIS_URL


class CountingGeocoder:
    """The real offline gazetteer, wrapped to count how often it is asked (the only
    stand-in here: a remote geocoder cannot be called from the tests). ``fail`` makes it
    behave like a provider outage."""

    def __init__(self) -> None:
        self.inner = OfflineGazetteer()
        self.calls = 0
        self.fail = False

    def geocode(self, query: str, exactly_one: bool = True, limit: int | None = None, **kwargs: Any) -> Any:
        self.calls += 1
        if self.fail:
            raise GeocoderServiceError("provider down")
        return self.inner.geocode(query, exactly_one=exactly_one, limit=limit, **kwargs)

    def reverse(self, *args: Any, **kwargs: Any) -> Any:
        return self.inner.reverse(*args, **kwargs)


def _resolver(geocoder: CountingGeocoder, failure_seconds: float = 30) -> PlaceResolver:
    resolver = PlaceResolver(geocoder, min_delay_seconds=0)
    resolver.use_cache(FlaskPlaceCache(), failure_seconds=failure_seconds)
    return resolver


def test_geocoder_answer_is_cached_and_shared_between_processes(
        make_app: Callable[..., Flask], redis_settings: dict[str, Any]) -> None:
    geocoder = CountingGeocoder()
    with make_app(**redis_settings).app_context():
        first = _resolver(geocoder).resolve("Bengaluru")
        again = _resolver(geocoder).resolve("  bengaluru ")  # same place, normalised text
    with make_app(**redis_settings).app_context():  # another worker process
        other = _resolver(geocoder).resolve("BENGALURU")
    assert first == again == other
    assert first.country_code == "IN"
    assert geocoder.calls == 1


def test_not_found_is_cached_too(make_app: Callable[..., Flask], redis_settings: dict[str, Any]) -> None:
    geocoder = CountingGeocoder()
    with make_app(**redis_settings).app_context():
        resolver = _resolver(geocoder)
        for _ in range(2):
            with pytest.raises(PlaceNotFound):
                resolver.resolve("Qwxzvillе Nowhereton")
    assert geocoder.calls == 1


def test_a_geocoder_failure_is_remembered_briefly(make_app: Callable[..., Flask],
                                                  redis_settings: dict[str, Any]) -> None:
    geocoder = CountingGeocoder()
    geocoder.fail = True
    with make_app(**redis_settings).app_context():
        resolver = _resolver(geocoder, failure_seconds=1)
        for _ in range(3):
            with pytest.raises(GeocoderUnavailable):
                resolver.resolve("Mumbai")
        assert geocoder.calls == 1  # the outage was not hammered
        geocoder.fail = False
        time.sleep(1.2)
        assert resolver.resolve("Mumbai").country_code == "IN"
    assert geocoder.calls == 2


def test_cache_down_means_asking_the_geocoder_not_failing(make_app: Callable[..., Flask]) -> None:
    geocoder = CountingGeocoder()
    app = make_app(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=DEAD_REDIS_URL)
    with app.app_context():
        resolver = _resolver(geocoder)
        assert resolver.resolve("Pune").country_code == "IN"
        assert resolver.resolve("Pune").country_code == "IN"
    assert geocoder.calls == 2


def test_a_remote_geocoder_gets_the_shared_cache_and_the_offline_one_none(make_app: Callable[..., Flask]) -> None:
    # Building a Nominatim client makes no request; nothing here calls it.
    remote = make_app(GEOCODER="nominatim").extensions["place_resolver"]
    offline = make_app().extensions["place_resolver"]
    assert isinstance(remote.cache, FlaskPlaceCache)
    assert remote.failure_seconds == 30
    assert offline.cache is None


def test_taxonomy_lists_are_cached_and_an_admin_edit_invalidates_them(
        app: Flask, make_app: Callable[..., Flask], redis_settings: dict[str, Any], redis_client: Redis,
        unique: str) -> None:
    client = make_app(**redis_settings, RATELIMIT_ENABLED=False).test_client()
    concern = db.session.query(Concern).filter_by(slug="back-spasm").one()
    before = {c["slug"]: c["name"] for c in client.get("/api/v1/concerns").get_json()["items"]}
    assert client.get("/api/v1/modalities").status_code == 200
    assert list(redis_client.scan_iter(match=f"{unique}:taxonomy:concerns:*"))

    # A change behind the app's back (no edit through the service) is not seen: cached.
    db.session.execute(update(Concern).where(Concern.id == concern.id).values(name="Changed in SQL"))
    db.session.commit()
    cached = {c["slug"]: c["name"] for c in client.get("/api/v1/concerns").get_json()["items"]}
    assert cached["back-spasm"] == before["back-spasm"]

    headers = bearer(client, make_admin())
    response = client.put(f"/api/v1/admin/taxonomy/concern/{concern.id}", headers=headers,
                          json={"name": "Back spasm (acute)", "description": "Edited by an admin"})
    assert response.status_code == 200, response.get_json()
    after = {c["slug"]: c["name"] for c in client.get("/api/v1/concerns").get_json()["items"]}
    assert after["back-spasm"] == "Back spasm (acute)"


def test_a_booking_in_one_worker_retires_the_answer_another_kept(
        app: Flask, make_app: Callable[..., Flask], redis_settings: dict[str, Any], frozen_clock: Callable) -> None:
    """Two workers share kept search answers in Redis. A booking committed in one takes
    the next opening an answer kept by the other shows: that worker's next identical
    search is worked out again, and offers the next free time."""
    from datetime import timedelta

    from marketplace.accounts.models import User
    from marketplace.practitioners.models import Practitioner
    from tests.booking.helpers import NOW, hold_at, local, london_practitioner, make_seeker, set_hours
    from tests.search.test_search_cache import sneak_rename

    lena = london_practitioner(app, modalities=("physiotherapy",), concerns=("sciatica",))
    set_hours(lena)
    lena_id, seeker_id = lena.id, make_seeker().id
    frozen_clock(NOW + timedelta(minutes=15))  # 09:30 holds till 08:30: kept that long
    settings = {**redis_settings, "RATELIMIT_ENABLED": False, "SEARCH_CACHE_SECONDS": 300}
    searching, booking = make_app(**settings), make_app(**settings)
    query = {"concern": "sciatica", "lat": 51.5085, "lon": -0.1257, "mode": "in_person"}

    def shown() -> tuple[str, str]:
        body = searching.test_client().get("/api/v1/search", query_string=query).get_json()
        first = body["results"][0]
        return first["practitioner"]["display_name"], first["next_available"]

    assert shown() == ("Lena Hart", "2026-03-25T09:30:00Z")
    with searching.app_context():  # kept: a change behind the cache's back is not seen
        sneak_rename(lena_id, "Renamed Underneath")
    assert shown() == ("Lena Hart", "2026-03-25T09:30:00Z")
    with booking.app_context():
        hold_at(db.session.get(User, seeker_id), db.session.get(Practitioner, lena_id), local(2026, 3, 25, 9, 30),
                fee_label="Short session")
    assert shown() == ("Renamed Underneath", "2026-03-25T10:00:00Z")  # worked out again
