"""Whole answers of ``GET /api/v1/search`` (and the search page's outcome), cached for
identical searches.

Searches repeat (the same concern near the same city, the next page and back), and the
index changes rarely, so the finished JSON is kept in the shared cache for
``SEARCH_CACHE_SECONDS`` (0 turns this off). The key holds everything the answer depends on:

* every parameter of the search, normalised (sets sorted), with the page and page size;
* the search-index version, bumped after every commit that rebuilt index rows, so a listing
  edit, a verification decision or a suspension shows in the very next search;
* the matching-data version (admin-edited phrases and relevance) and the active taxonomy.

Time changes an answer too: a next opening it shows falls inside its practitioner's notice,
a licence expires at the end of its day. The search says when the first such change may
come (:attr:`SearchOutcome.holds_until`), and the answer is kept no longer than that: the
cache's own timer retires it, and the moment is stored with it and checked on every read
against the app's clock, which is the one the search itself reads. (The key used to hold
the current minute instead, which threw every answer away when the minute turned, however
long it had to live, and kept an opening up to a minute after it lapsed.)
A booking is not a change of the index: a next opening it takes may show for up to
``SEARCH_CACHE_SECONDS`` more, and booking that time then says it has gone.

Urgent answers and screening questions are never stored: each urgent search must add to
the anonymous count, and asking is cheap. The answer does not depend on who asks.

The version lives in the same cache as the answers, so with Redis every worker sees a
bump at once; with the in-process cache it is per process, like the answers, which is why
production without Redis does not cache answers at all (:func:`seconds`).
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Callable
from dataclasses import astuple
from datetime import datetime, timedelta
from typing import TypeVar

from flask import current_app

from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.infra import caching
from marketplace.search.outcome import SearchInput, SearchOutcome

VERSION_KEY = "search:index-version"
T = TypeVar("T")


def seconds() -> int:
    """How long an answer lives (0 or less: no caching). In production only on the shared
    (Redis) cache: gunicorn runs several processes, and a suspension handled by one must
    retire the answers every other one would serve."""
    config = current_app.config
    if config.get("MARKETPLACE_ENV") == "production" and config.get("CACHE_TYPE") != "RedisCache":
        return 0
    return int(config.get("SEARCH_CACHE_SECONDS", 30) or 0)


def index_version() -> str:
    """The current search-index version, made up on first use (or after an eviction)."""
    version = caching.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        caching.set(VERSION_KEY, version, timeout=0)
    return str(version)


def bump_index_version() -> None:
    """Called after a commit that changed index rows: every cached answer is now stale."""
    caching.set(VERSION_KEY, uuid.uuid4().hex, timeout=0)


def key(data: SearchInput, matching: object, taxonomy: object, kind: str = "answer") -> str:
    """The cache key of one search (``kind``: the API's JSON "answer" or the page's
    "outcome"). Read the version *before* searching: an answer computed from data older
    than a bump is then filed under the old version, never the new one."""
    normal = tuple(sorted(v) if isinstance(v, frozenset) else v for v in astuple(data))
    parts = repr((normal, index_version(), matching, taxonomy))
    return f"search:{kind}:" + hashlib.sha256(parts.encode()).hexdigest()


def kept_until(outcome: SearchOutcome, now: datetime) -> datetime | None:
    """Until when to keep this answer: :func:`seconds` from ``now``, or less when time
    alone changes it sooner; None when it is not kept at all (urgent, or a question)."""
    if outcome.urgent or outcome.questions:
        return None
    until = now + timedelta(seconds=seconds())
    return until if outcome.holds_until is None else min(until, outcome.holds_until)


def answer(data: SearchInput, kind: str, render: Callable[[SearchOutcome], T]) -> T:
    """``render(outcome)`` of this search (``kind`` names the rendering: the API's JSON
    body, the page's outcome), from the cache when an identical search was answered
    within :func:`seconds`; otherwise computed, committed (the anonymous urgent count, if
    any) and, unless urgent or a question, stored."""
    from marketplace.search import services

    cache_key = key(data, *services.data_versions(), kind=kind) if seconds() > 0 else None
    if cache_key is not None and (found := caching.get(cache_key)) is not None and utcnow() < found[0]:
        return found[1]
    outcome = services.search(data, current_app.extensions["place_resolver"])
    db.session.commit()
    value = render(outcome)
    if cache_key is not None and (until := kept_until(outcome, now := utcnow())) is not None:
        if (keep := math.ceil((until - now).total_seconds())) > 0:
            caching.set(cache_key, (until, value), timeout=keep)
    return value
