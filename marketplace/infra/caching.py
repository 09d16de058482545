"""The shared cache (Flask-Caching): Redis when ``REDIS_URL`` is set, else in-process.

Everything here treats the cache as optional: a Redis that is down or slow makes a read
a miss and a write a no-op (logged), never an error for the user. Values are small
and picklable (dicts, tuples of dataclasses).
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any, Callable, TypeVar

from flask import Flask

from marketplace.extensions import cache
from marketplace.geo.service import GeocoderFailure

log = logging.getLogger(__name__)
T = TypeVar("T")


def init_app(app: Flask) -> None:
    """Bind :data:`marketplace.extensions.cache` to ``app`` (one Cache object serves any
    number of apps: Flask-Caching keeps the backend per app)."""
    options: dict[str, Any] = {}
    if app.config.get("CACHE_TYPE") == "RedisCache":
        # A Redis that hangs must cost a request one second at most, then count as a miss.
        options["CACHE_OPTIONS"] = {"socket_timeout": 1, "socket_connect_timeout": 1,
                                    **(app.config.get("CACHE_OPTIONS") or {})}
    cache.init_app(app, config=options or None)


def get(key: str) -> Any:
    """The cached value, or ``None`` on a miss or when the cache is unreachable."""
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is an optimisation, never a failure
        log.warning("cache read failed for %s", key, exc_info=True)
        return None


def set(key: str, value: Any, timeout: int | None = None) -> None:  # noqa: A001 - mirrors cache.set
    """Store ``value`` (``timeout`` seconds, default ``CACHE_DEFAULT_TIMEOUT``); a failure is
    logged and forgotten."""
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:  # noqa: BLE001
        log.warning("cache write failed for %s", key, exc_info=True)


def get_many(keys: list[str]) -> list[Any] | None:
    """The cached values of ``keys`` in one read (``None`` for each miss), or ``None`` when
    the cache is unreachable."""
    try:
        return list(cache.get_many(*keys))
    except Exception:  # noqa: BLE001
        log.warning("cache read failed for %s and %d more", keys[0] if keys else "", max(len(keys) - 1, 0),
                    exc_info=True)
        return None


def set_many(values: dict[str, Any], timeout: int | None = None) -> None:
    """Store every value of ``values`` under its key, in one write; a failure is logged and forgotten."""
    try:
        cache.set_many(values, timeout=timeout)
    except Exception:  # noqa: BLE001
        log.warning("cache write failed for %d keys", len(values), exc_info=True)


def remember(key: str, build: Callable[[], T], timeout: int | None = None) -> T:
    """``build()``'s value, computed once per ``key`` until it expires. ``None`` is never
    cached (it means a miss), so ``build`` should return a container or a model dump."""
    found = get(key)
    if found is not None:
        return found
    value = build()
    if value is not None:
        set(key, value, timeout)
    return value


# --- Geocoder answers ---------------------------------------------------------------------


class FlaskPlaceCache:
    """:class:`marketplace.geo.service.PlaceCache` on the shared cache, so every gunicorn
    worker (and every host) shares one set of geocoder answers.

    Answers (places, or an empty tuple for "no such place") live ``answer_seconds``;
    :class:`GeocoderFailure` markers only as long as they say.
    """

    def __init__(self, prefix: str = "geo:", answer_seconds: int = 7 * 24 * 3600) -> None:
        self.prefix = prefix
        self.answer_seconds = answer_seconds

    def _key(self, key: str) -> str:
        # Query text can be long or odd; a digest keeps keys short and safe for any backend.
        return self.prefix + hashlib.sha256(key.encode()).hexdigest()[:40]

    def get(self, key: str) -> Any | None:
        return get(self._key(key))

    def set(self, key: str, value: Any) -> None:
        if isinstance(value, GeocoderFailure):
            timeout = max(1, int(value.until - time.time()) + 1)
        else:
            timeout = self.answer_seconds
        set(self._key(key), value, timeout)
