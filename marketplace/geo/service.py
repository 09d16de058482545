"""App-facing place resolution: free text in, :class:`ResolvedPlace` or a typed error out.

The web layer should only need this module:

* :class:`PlaceResolver.resolve` returns one place, or raises :class:`PlaceNotFound`
  (answer 422 with ``suggestions``) or :class:`GeocoderUnavailable` (answer 503);
* :func:`build_geocoder` turns configuration into a geocoder: ``"offline"`` is the
  bundled GeoNames gazetteer, any other name is a geopy service (``"nominatim"``...);
* :func:`distance_km` is exact (WGS84 geodesic); :func:`approx_km` is the fast
  ellipsoidal approximation for pre-ranking many candidates (both from ``geo.distance``).

No Flask imports: this is plain Python so it can be tested and reused in scripts.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from geopy.exc import GeocoderNotFound, GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service
from geopy.location import Location

from marketplace.core.errors import ValidationFailed
from marketplace.geo.address_words import is_postcode
from marketplace.geo.distance import approx_km, distance_km
from marketplace.geo.gazetteer import (
    OfflineGazetteer,
    normalize_name,
    parse_country_codes,
)

__all__ = [
    "GeocoderFailure", "GeocoderUnavailable", "LRUCache", "PlaceCache", "PlaceNotFound", "PlaceResolver",
    "ResolvedPlace", "approx_km", "build_geocoder", "distance_km", "offline_postcode", "postcode_error",
    "whole_area_error",
]

_AREAS = OfflineGazetteer()  # tells states and countries, whichever geocoder places towns

DEFAULT_USER_AGENT = "practitioner-marketplace"
DEFAULT_MIN_DELAY_SECONDS = 1.0  # Nominatim's usage policy: at most one request a second


@dataclass(frozen=True)
class ResolvedPlace:
    """A place the app can store and search around."""

    lat: float
    lon: float
    label: str
    country_code: str | None
    timezone: str | None


# Languages whose speakers are nearly all in one country, for a browser that names no
# region ("hi" rather than "hi-IN").
_LANGUAGE_COUNTRY = {"hi": "IN", "bn": "IN", "ta": "IN", "te": "IN", "kn": "IN", "ml": "IN", "mr": "IN", "gu": "IN",
                     "pa": "IN", "or": "IN", "as": "IN"}


def region_of(languages: Iterable[str]) -> str | None:
    """The country a visitor is likely in, from their browser's languages, most preferred
    first ("en-GB" → GB, "hi" → IN), or None. "en-US" says nothing: it is the default of
    most browsers, wherever they are."""
    for tag in languages:
        language, _, region = tag.strip().replace("_", "-").partition("-")
        region = region.split("-")[-1].upper() if region else ""
        if len(region) == 2 and region.isalpha() and (language.lower(), region) != ("en", "US"):
            return region
        if not region and language.lower() in _LANGUAGE_COUNTRY:
            return _LANGUAGE_COUNTRY[language.lower()]
    return None


class PlaceNotFound(Exception):
    """Nothing matched ``query``; ``suggestions`` are labels worth offering instead."""

    def __init__(self, query: str, suggestions: list[str] | None = None) -> None:
        self.query = query
        self.suggestions = list(suggestions or [])
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"No place found for {query!r}{hint}")

    @staticmethod
    def hint(suggestions: list[str]) -> str:
        """The suggestions in words, as :meth:`as_field_error` adds them to its message."""
        return f" Did you mean: {'; '.join(suggestions)}?" if suggestions else ""

    def as_field_error(self, field: str, advice: str = "") -> ValidationFailed:
        """The error a form or API shows: the field, the suggestions in words, and the
        suggestions again as a problem extension for clients to offer."""
        hint = self.hint(self.suggestions)
        message = f"We could not find '{self.query}' on the map.{hint}" + (f" {advice}" if advice else "")
        return ValidationFailed(message, {field: [message]}, {"suggestions": self.suggestions})


def offline_postcode(text: str, resolver: "PlaceResolver") -> bool:
    """Whether ``text`` is a postcode asked of the offline gazetteer, which knows none (a
    configured geocoder's miss is a miss like any other)."""
    return is_postcode(text) and isinstance(resolver.geocoder, OfflineGazetteer)


def postcode_error(text: str, resolver: "PlaceResolver", field: str) -> ValidationFailed | None:
    """The error for a postcode the offline gazetteer was asked for, else None."""
    if not offline_postcode(text, resolver):
        return None
    message = ("We cannot look up postcodes yet: type your town or city (such as 'Bandra, Mumbai'), or use your "
               "location.")
    return ValidationFailed(message, {field: [message]}, {"suggestions": []})


def whole_area_error(text: str, field: str) -> ValidationFailed | None:
    """The error for ``text`` typed where a place is asked for, when it names a whole state
    or country (see :meth:`OfflineGazetteer.whole_area`): a town in it is asked for, its
    biggest offered as ``suggestions``. None for anything else, whichever geocoder is
    configured (the offline gazetteer knows every state's and country's names)."""
    area = _AREAS.whole_area(text)
    if area is None:
        return None
    kind, towns = area
    message = f"“{text.strip()}” is a whole {kind}: type a town or city in it.{PlaceNotFound.hint(towns)}"
    return ValidationFailed(message, {field: [message]}, {"suggestions": list(towns)})


class GeocoderUnavailable(Exception):
    """The geocoding backend failed (timeout, quota, outage): retry later, answer 503.

    Distinct from ``geopy.exc.GeocoderUnavailable`` on purpose: callers catch this
    one type for every backend failure instead of geopy's whole hierarchy.
    """


@dataclass(frozen=True)
class GeocoderFailure:
    """Cached for a short time after the geocoder failed on a query, so a burst of the same
    search during an outage (or over a provider's quota) does not call it again each time.
    ``until`` is wall-clock (``time.time()``) so it means the same in every process."""

    until: float
    message: str

    @property
    def is_current(self) -> bool:
        return time.time() < self.until


class PlaceCache(Protocol):
    """What the resolver needs from a cache (an in-process LRU, or Redis later).

    ``get`` returns ``None`` on a miss; values are tuples of :class:`ResolvedPlace`
    (an empty tuple records "no such place", so misses aren't re-asked either), or a
    :class:`GeocoderFailure` while a failure is remembered (a cache with expiry may drop
    it once ``until`` has passed).
    """

    def get(self, key: str) -> Any | None: ...

    def set(self, key: str, value: Any) -> None: ...


class LRUCache:
    """Thread-safe bounded dict: least recently used entries are evicted first."""

    def __init__(self, maxsize: int = 10_000) -> None:
        if maxsize <= 0:
            raise ValueError("maxsize must be positive")
        self.maxsize = maxsize
        self._data: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


def build_geocoder(name: str = "offline", *, user_agent: str = DEFAULT_USER_AGENT,
                   min_seconds_between_calls: float = DEFAULT_MIN_DELAY_SECONDS,
                   **options: Any) -> Any:
    """Geocoder for a configured service name.

    ``"offline"`` -> :class:`OfflineGazetteer` (``options`` e.g. ``min_city_population``);
    any other name -> ``get_geocoder_for_service(name)(user_agent=..., **options)``,
    tagged with ``min_seconds_between_calls`` which :class:`PlaceResolver` honours
    (online services throttle or ban clients that call too often).
    Raises ``ValueError`` for a name geopy doesn't know.
    """
    if name.strip().lower() == "offline":
        return OfflineGazetteer(**options)
    try:
        geocoder_class = get_geocoder_for_service(name)
    except GeocoderNotFound as exc:
        raise ValueError(f"Unknown geocoder {name!r}: use 'offline' or a geopy service "
                         f"name such as 'nominatim'") from exc
    geocoder = geocoder_class(user_agent=user_agent, **options)
    geocoder.min_seconds_between_calls = min_seconds_between_calls
    return geocoder


class PlaceResolver:
    """Resolves free text to places through any geopy-style geocoder.

    The offline gazetteer is called directly: it is in-process and answers in
    microseconds.  Any other geocoder is treated as a remote service: calls go
    through geopy's ``RateLimiter`` and answers are cached by normalised text.
    """

    def __init__(self, geocoder: Any | None = None, *, cache: PlaceCache | None = None,
                 min_delay_seconds: float | None = None,
                 suggester: Any | None = None,
                 failure_seconds: float = 0.0) -> None:
        """``geocoder`` defaults to the offline gazetteer.  ``min_delay_seconds``
        defaults to what :func:`build_geocoder` tagged, else 1 s.  ``suggester``
        (anything with ``suggest(text, limit)``) defaults to the geocoder if it has one.
        """
        self.geocoder = geocoder if geocoder is not None else OfflineGazetteer()
        self.suggester = suggester if suggester is not None else (
            self.geocoder if callable(getattr(self.geocoder, "suggest", None)) else None)
        self.remote = not isinstance(self.geocoder, OfflineGazetteer)
        self.cache: PlaceCache | None = None
        self.min_delay_seconds: float | None = None  # None: calls are not throttled
        self._geocode = self.geocoder.geocode
        if self.remote:
            self.cache = cache if cache is not None else LRUCache(10_000)
            tagged = getattr(self.geocoder, "min_seconds_between_calls", DEFAULT_MIN_DELAY_SECONDS)
            self.min_delay_seconds = tagged if min_delay_seconds is None else min_delay_seconds
            # No retries and no swallowing: RateLimiter's defaults would sleep through
            # retries inside a web request, then turn an outage into "not found".
            self._geocode = RateLimiter(self.geocoder.geocode,
                                        min_delay_seconds=self.min_delay_seconds,
                                        max_retries=0, swallow_exceptions=False)
        self._params = _accepted_params(self.geocoder.geocode)
        # Seconds a failure is remembered per query (0: never, ask again each time).
        self.failure_seconds = failure_seconds

    def warm(self) -> None:
        """Build what the geocoder builds on first use (the offline gazetteer's index, a
        couple of seconds), so a server's first search does not wait for it."""
        warm = getattr(self.geocoder, "warm", None)
        if callable(warm):
            warm()

    def use_cache(self, cache: PlaceCache, *, failure_seconds: float | None = None) -> None:
        """Keep answers in ``cache`` (e.g. one shared by every worker) from now on, and
        optionally failures for ``failure_seconds``. Works for any geocoder, the offline
        one included."""
        self.cache = cache
        if failure_seconds is not None:
            self.failure_seconds = failure_seconds

    def resolve(self, text: str, *, country_codes: str | Iterable[str] | None = None,
                prefer: str | None = None) -> ResolvedPlace:
        """The likeliest place for ``text`` (in the country ``prefer`` when ``text`` is a
        name places in several countries share, see :meth:`resolve_many`).

        Raises :class:`PlaceNotFound` (with suggestions) for blank or unknown text and
        :class:`GeocoderUnavailable` when the backend fails.
        """
        places = self.resolve_many(text, 1, country_codes=country_codes, prefer=prefer)
        if not places:
            raise PlaceNotFound(text, self._suggest(text))
        return places[0]

    def resolve_many(self, text: str, limit: int = 5, *,
                     country_codes: str | Iterable[str] | None = None,
                     prefer: str | None = None) -> list[ResolvedPlace]:
        """Up to ``limit`` candidates, likeliest first (``[]`` if none) - for pickers
        such as "which Cambridge?".  ``prefer``: the country the asker is likely in, whose
        place of that name comes first when ``text`` is a bare name that places in
        several countries share ("Richmond" from London is Richmond, England), or an
        address that ends with one ("12 High St, Richmond"); a name with a qualifier
        ("Richmond, Virginia") is taken as written.  Raises
        :class:`GeocoderUnavailable` on failure."""
        places = list(self._lookup(text, country_codes, limit=limit))
        code = (prefer or "").strip().upper()
        if not places or not code or country_codes or places[0].country_code == code:
            return places
        if normalize_name(places[0].label.split(",")[0]) != normalize_name(text.split(",")[-1]):
            return places  # not a bare name: a qualifier or another name chose the first
        local = next((p for p in places if p.country_code == code), None)
        if local is None:
            found = self._lookup(text, code, limit=1)
            local = found[0] if found else None
        if local is None:
            return places
        return [local, *(p for p in places if p != local)][:limit]

    # -- internals -------------------------------------------------------------------

    def _lookup(self, text: str, country_codes: str | Iterable[str] | None,
                limit: int) -> tuple[ResolvedPlace, ...]:
        key_text = normalize_name(text or "")
        if not key_text or limit <= 0:
            return ()
        parsed = parse_country_codes(country_codes)
        codes = sorted(parsed) if parsed else None
        cache_key = f"{limit}|{','.join(codes or ())}|{key_text}"
        if self.cache is not None:
            cached = self.cache.get(cache_key)
            if isinstance(cached, GeocoderFailure):
                if cached.is_current:
                    raise GeocoderUnavailable(cached.message)
            elif cached is not None:
                return tuple(cached)
        try:
            places = self._call(text.strip(), codes, limit)
        except GeocoderUnavailable as exc:
            if self.cache is not None and self.failure_seconds > 0:
                self.cache.set(cache_key, GeocoderFailure(time.time() + self.failure_seconds, str(exc)))
            raise
        if self.cache is not None:
            self.cache.set(cache_key, places)
        return places

    def _call(self, text: str, codes: list[str] | None,
              limit: int) -> tuple[ResolvedPlace, ...]:
        kwargs: dict[str, Any] = {"exactly_one": False}
        post_filter = bool(codes) and "country_codes" not in self._params
        if codes and not post_filter:
            kwargs["country_codes"] = codes
        if "limit" in self._params and not post_filter:  # else the top N may all be filtered out
            kwargs["limit"] = limit
        try:
            found = self._geocode(text, **kwargs)
        except (GeopyError, TimeoutError, ConnectionError) as exc:
            raise GeocoderUnavailable(f"Geocoder failed for {text!r}: {exc}") from exc
        if found is None:
            return ()
        locations = [found] if isinstance(found, Location) else list(found)
        places = [_to_place(loc) for loc in locations]
        if post_filter and codes:  # the backend can't filter by country: do it here instead
            places = [p for p in places if p.country_code in codes]
        return tuple(places[:limit])

    def nearest(self, lat: float, lon: float) -> ResolvedPlace | None:
        """The named place nearest to a point (for labels and time zones), or None.

        Best effort: a failing or throttled backend gives None rather than an error, since
        the caller already has the coordinates it needs."""
        key = f"reverse|{lat:.4f}|{lon:.4f}"
        if self.cache is not None:
            cached = self.cache.get(key)
            if cached is not None and not isinstance(cached, GeocoderFailure):
                return cached or None
        try:
            found = self.geocoder.reverse((lat, lon), exactly_one=True)
        except (GeopyError, TimeoutError, ConnectionError, ValueError):
            return None
        place = _to_place(found) if isinstance(found, Location) else None
        if self.cache is not None:
            self.cache.set(key, place or ())
        return place

    def _suggest(self, text: str) -> list[str]:
        if self.suggester is None or not (text or "").strip():
            return []
        try:
            return list(self.suggester.suggest(text, limit=5))
        except (GeopyError, TimeoutError, ConnectionError):
            return []  # suggestions are a nicety; never turn a 422 into a 503


def _accepted_params(func: Any) -> frozenset[str]:
    """Keyword names ``func`` takes, so options only go to geocoders that have them."""
    try:
        return frozenset(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return frozenset()


def _to_place(location: Location) -> ResolvedPlace:
    raw = location.raw if isinstance(location.raw, dict) else {}
    # Offline answers carry these directly; Nominatim-style answers nest them under
    # "address" (only with addressdetails=True); other services may have neither.
    nested = raw.get("address")
    address: dict[str, Any] = nested if isinstance(nested, dict) else {}
    country = raw.get("countrycode") or raw.get("country_code") or address.get("country_code")
    timezone = raw.get("timezone")
    return ResolvedPlace(
        lat=float(location.latitude), lon=float(location.longitude),
        label=str(location.address),
        country_code=str(country).upper() if country else None,
        timezone=timezone if isinstance(timezone, str) else None,
    )
