"""Whole answers of ``GET /api/v1/search`` (and the search page's outcome), cached for
identical searches.

Searches repeat (the same concern near the same city, the next page and back), and the
index changes rarely, so the finished JSON is kept in the shared cache for
``SEARCH_CACHE_SECONDS`` (0 turns this off). It is kept under everything it depends on:

* every parameter of the search, normalised (sets sorted), with the page and page size;
* the matching-data version (admin-edited phrases and relevance) and the active taxonomy;
* and, kept with it (one read fetches both), the search-index version, bumped after every
  commit that rebuilt index rows or changed a package, so a listing edit, a verification
  decision, a suspension or a course of care put on sale shows in the very next search.

Time changes an answer too: a next opening it shows falls inside its practitioner's notice,
a licence expires at the end of its day. The search says when the first such change may
come (:attr:`SearchOutcome.holds_until`), and the answer is kept no longer than that: the
cache's own timer retires it, and the moment is stored with it and checked on every read
against the app's clock, which is the one the search itself reads. (The key used to hold
the current minute instead, which threw every answer away when the minute turned, however
long it had to live, and kept an opening up to a minute after it lapsed.)
A booking is not a change of the index, and retiring every answer at each booking would
leave few to serve. Instead each answer keeps the availability stamps of the practitioners
it shows (:attr:`SearchOutcome.shown_stamps`), and every commit that gives a practitioner a
new stamp (a booking, a hold, new hours, a place; see :mod:`marketplace.booking.openings`)
writes it to the cache under the practitioner, for :data:`TOLD_FOR`. A kept answer is
served only while none of its practitioners was told a stamp other than the one it read:
one more read of the cache per hit, and a booked opening never shows from a kept answer.
Why a practitioner told nothing is safe: a stamp given after the answer read its own is
told after that too, and is kept longer than any answer lives (each lives until its day
ends at most). Two commits for one practitioner told in the wrong order leave a stamp
that matches no answer: those answers are computed each time until the next change.

Urgent answers and screening questions are never stored: each urgent search must add to
the anonymous count, and asking is cheap. The answer does not depend on who asks.

The version lives in the same cache as the answers, so with Redis every worker sees a
bump at once; with the in-process cache it is per process, like the answers, which is why
production without Redis does not cache answers at all (:func:`seconds`).
"""

from __future__ import annotations

import hashlib
import math
import pickle
import uuid
import zlib
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime, timedelta
from typing import TypeVar

from flask import current_app

from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.infra import caching
from marketplace.search.outcome import SearchInput, SearchOutcome

VERSION_KEY = "search:index-version"
STAMP_KEY = "search:stamp:{}"  # a practitioner's availability stamp, as the last commit told it
TOLD_FOR = 25 * 3600  # longer than any answer lives (until its day ends at most)
T = TypeVar("T")


def seconds() -> int:
    """How long an answer lives (0 or less: no caching). In production only on the shared
    (Redis) cache: gunicorn runs several processes, and a suspension handled by one must
    retire the answers every other one would serve."""
    config = current_app.config
    if config.get("MARKETPLACE_ENV") == "production" and config.get("CACHE_TYPE") != "RedisCache":
        return 0
    return int(config.get("SEARCH_CACHE_SECONDS", 300) or 0)


def index_version(found: object = None) -> str:
    """The current search-index version (``found``: as just read from the cache), made up
    on first use (or after an eviction)."""
    version = caching.get(VERSION_KEY) if found is None else found
    if version is None:
        version = uuid.uuid4().hex
        caching.set(VERSION_KEY, version, timeout=0)
    return str(version)


def bump_index_version() -> None:
    """Called after a commit that changed index rows: every cached answer is now stale."""
    caching.set(VERSION_KEY, uuid.uuid4().hex, timeout=0)


def restamped(stamps: dict[int, int]) -> None:
    """Tell the cache the practitioners' new availability stamps (after the commit that
    gave them): a kept answer that shows one of them under another stamp is stale."""
    if seconds() > 0:
        caching.set_many({STAMP_KEY.format(pid): stamp for pid, stamp in stamps.items()}, timeout=TOLD_FOR)


def still_shown(stamps: tuple[tuple[int, int], ...]) -> bool:
    """Whether a kept answer that read these (practitioner, stamp) pairs may still be
    served: no practitioner was told another stamp since (one read of the cache)."""
    if not stamps:
        return True
    told = caching.get_many([STAMP_KEY.format(pid) for pid, _ in stamps])
    return told is not None and all(now is None or now == then for now, (_, then) in zip(told, stamps))


def key(data: SearchInput, matching: object, taxonomy: object, kind: str = "answer") -> str:
    """The cache key of one search (``kind``: the API's JSON "answer" or the page's
    "outcome"). The index version is kept with the answer rather than in its key, so one
    read fetches both (and a new answer replaces one a bump retired)."""
    normal = tuple(sorted(v) if isinstance(v, frozenset) else v
                   for v in (getattr(data, f.name) for f in fields(data)))
    parts = repr((normal, matching, taxonomy))
    # 19: a street or a landmark after a town's name is its own place ("near Oxford Street", "near Phoenix
    # Mall"), a station or an airport after one is measured from the town and said so ("near pune station"),
    # "the Bay Area" is San Francisco's, no smaller place by a town's other name offered beside it, "close to"
    # and "next to" a place as "near" it, "numbness in my bum and inner thighs" is a red flag, as are "knocked off
    # my bike" and "came off my motorbike" (when recent), "austin tx" (a state's code in lower case after a town),
    # "near MG Road" (not "near MG"), "how much does physio cost" gives a note on price, "chal nahi pa raha" asks,
    # "sciatica specialist london bridge" (a landmark ending the words), "Central Park" is not Bethpage, New York;
    # 18: a town between keywords ("back pain mumbai female physio"), "in foot, Delhi" is no
    # part of Delhi, "physio was no help" tells of it, a state in lower case after a town ("austin texas"),
    # "can't afford much" gives the note on a low price, "near harrogate" (a smaller town in lower case),
    # "sciatica kerala" (a state in lower case alone), "back pain covered by insurance" gives its note,
    # "near Heathrow Airport" (not Airport, California), "in bandra west mumbai" (a part of a town in lower case);
    # 17: "had enough of physio", "sick of massage", "fed up with chiropractors" turn it down;
    # 16: a result's years_in_practice, the note on "an experienced physio" worded anew;
    # 15: no course of care with sessions of a technique ruled out or turned down;
    # 14: a note on a therapy asked for that the table has not helping with the concern;
    # 13: notes on a low price asked for ("cheap physio") and an appointment "asap";
    # 12: other care named in a refusal ("no surgery or acupuncture"), "can't stand massage"
    # asks nothing of the legs;
    # 11: notes on wishes no search meets ("an NHS physio", "covered by Bupa", "open on Sunday"),
    # no course of care or evidence for a therapy left out;
    # 10: therapies turned down are left out (exclude, declined_from_text, a result's left_out);
    # 9: a town of 100,000 in lower case without "in" ("physio leeds"), numbness in the legs
    # or feet in the plural asks the cauda equina questions, a state or country in lower case,
    # treatments named (shirodhara, IFT, acupressure), a name in lower case after "near",
    # "is X better than Y?" asks of both, "5 km from X" is a radius, "in ealing", "female preferred",
    # "in gurgoan", a leak when sneezing and the saddle area asked about, Hinglish ("pair sun ho
    # gaya", "physio chahiye ghar pe", "noida sector 62 ke paas");
    # 8: several therapies read from the words (therapies_from_text);
    # 7: a town set apart by commas further in the words ("sciatica, Bristol, prefer a woman");
    # 6: radius_from_text, online lists by a country named, notes on a part of a town not
    # placed; 5: notes worded anew (therapies not listed, notes only over a list); 4: the
    # outcome's fields changed (place_suggestions); 3: kept with version and stamps
    return f"search:{kind}:19:" + hashlib.sha256(parts.encode()).hexdigest()


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
    within :func:`seconds` and nothing it shows changed since; otherwise computed, committed
    (the anonymous urgent count, if any) and, unless urgent or a question, stored."""
    from marketplace.search import services

    cache_key = version = None
    if seconds() > 0:
        cache_key = key(data, *services.data_versions(), kind=kind)
        # The version *before* searching: an answer computed from data older than a bump
        # is then kept under the old version, never the new one.
        found, version = caching.get_many([cache_key, VERSION_KEY]) or (None, None)
        version = index_version(version)
        if found is not None:
            then, until, stamps, packed = found
            if then == version and utcnow() < until and still_shown(stamps):
                return pickle.loads(zlib.decompress(packed))
    outcome = services.search(data, current_app.extensions["place_resolver"])
    db.session.commit()
    value = render(outcome)
    if cache_key is not None and (until := kept_until(outcome, now := utcnow())) is not None:
        if (keep := math.ceil((until - now).total_seconds())) > 0:
            # Compressed: a page of twenty results is about 44 KB of JSON, 5 KB so (about
            # 0.15 ms to pack once, 0.06 ms to unpack at each hit).
            packed = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
            caching.set(cache_key, (version, until, outcome.shown_stamps, packed), timeout=keep)
    return value
