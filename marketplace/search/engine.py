"""Exact top-k ranking over the search index, with a cost that follows the page size.

The score (:func:`marketplace.matching.scoring.score`) is relevance plus bounded extras
(distance, declared concern, price, language, caution fit, verification). Each index
row is a (practitioner, verified term) pair, and a practitioner's relevance is the
relevance of their best term, so every practitioner's score is at most

    relevance(term) + extras_max + distance_score(distance)

for the row of their best term, and, when they do not declare the seeker's concern,
``declared_concern`` less. The walk reads the index in the order of that bound: in
person, square shells of grid cells outward from the seeker (near before far), the rows
of declarers (``concern`` = the seeker's) with the full bound and everyone's rows
(``concern`` = "") with the lower one; online, per-term lists in descending order of
their stored price factor (for a seeker whose country is known, each list's share of
practitioners based there first, and the whole list with the bound of those based
elsewhere). It stops when the k-th best score found is strictly above
every bound still unread, so the page is exactly what scoring every practitioner would
give, while reading only the rows near the top.

What it costs per row is kept small: rows whose own bound is below the k-th score are
skipped before their profile is loaded (once :data:`COUNT_CAP` matches are counted, and
against a k-th score that rises while a dense shell is read, not only between shells),
candidates are ranked by :func:`~marketplace.matching.scoring.score_value` (numbers only)
and only the page gets the reasons; statements are built once per shape with bound
values, and shells are sized from the density seen so far, so a sparse town takes a few
statements, not one per ring.

In person, with a :class:`~marketplace.search.memory.PlaceMemory` (the web process's), the
shells' rows come from the tiles it holds, loaded through the same SQL on first use and
retired by per-block stamps whenever the index changes there; online, the heads of the
lists come from it too, retired by the online lists' own stamp. The walk, its bounds and
its page are the same either way (the exactness tests run both).

``total`` is exact when the walk read everything in scope without skipping (a small
town, a narrow filter); otherwise it is the number found so far (at least
:data:`COUNT_CAP` once rows were skipped), flagged as a lower bound, because counting a
whole city would cost exactly what the early stop saves.
"""

from __future__ import annotations

import heapq
import json
import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from itertools import islice

from sqlalchemy.orm import Session

from marketplace.geo.distance import approx_km
from marketplace.geo.gazetteer import country_in_sentence
from marketplace.matching.memo import Memo
from marketplace.matching.safety import preferred_techniques_for
from marketplace.matching.scoring import (
    DEFAULT_WEIGHTS, NAMES, Candidate, Query, Scored, ScoreParts, Weights, finish_score, matches_filters, score,
    score_parts,
)
from marketplace.search.grid import KM_PER_DEG_LAT, Rect, cell_of, min_km_outside, rings_for_km, shell
from marketplace.search.memory import (
    MAX_RINGS, P_LABEL, TILE_CELLS, ListKey, PlaceMemory, StaleMemory, Unconfirmed, grouped, pairs_of,
)
from marketplace.search.statements import (
    ONLINE_BATCH, binds_arrays, online_statement, place_statement, tile_key, tiles_statement,
)

_IN_LIST_MAX = 48  # latitude rows listed one by one (exact index seeks) up to this span
# Matches counted exactly before rows that cannot reach the page are skipped unread: a
# search shows "N results" up to here, "200+" beyond (counting a city costs what pruning saves).
COUNT_CAP = 200
# Rows worth one more statement: each statement costs about as much (building, binding,
# a round trip) as scoring this many rows, so a shell is sized to bring about this many.
ROWS_PER_STATEMENT = 150
# Scores are rounded to 6 places, so one may exceed its exact bound by half of 1e-6.
_EPS = 1e-6


@dataclass(frozen=True)
class Hit:
    candidate: Candidate
    scored: Scored
    location_id: int | None  # the nearest location within the radius, None when online
    name: str | None = None  # the display name, when the rows read carried it
    # that location as the memory holds it (see marketplace.search.memory), with its label
    # and city for the page; None when it was read through SQL (or online)
    place: tuple | None = None


@dataclass
class Ranking:
    hits: list[Hit]  # best first, exactly the first ``need`` (or fewer) matches
    total: int
    total_is_exact: bool
    rows_read: int = 0
    queries: int = 0
    scored: int = 0  # practitioners met whose rows could reach the page (each scored)
    near: bool = False  # someone met matched in person within the radius (whatever the page shows)
    # When the walk read only what the memory held, before reading the stamps (``optimistic``):
    # what to confirm with :meth:`~marketplace.search.memory.PlaceMemory.settle`.
    unconfirmed: Unconfirmed | None = None


@dataclass
class _Tier:
    """Terms of one relevance bound, read from the rows of ``concerns``: the seeker's
    concerns (practitioners who declare one; full bound) or ("",) (everyone; a bound
    without the "declares it" bonus when the seeker named a concern)."""

    bound: float
    terms: list[str]
    concerns: tuple[str, ...]
    covered: int = -1
    rows: int = 0  # rows of these terms read within the rings covered (sizes the next shell)

    @property
    def generic(self) -> bool:
        return self.concerns == ("",)


@dataclass(frozen=True, slots=True, eq=False)
class _Profile:
    """A practitioner's profile row, decoded once per walk and cut to what is live today.
    Compared and hashed by identity (it keys the score parts kept per process): one is
    decoded per glued row and day and shared while :func:`_decode` keeps it, and an equal
    one decoded again later only works its parts out once more."""

    modalities: frozenset[str]
    techniques: frozenset[str]
    concerns: frozenset[str]
    languages: tuple[str, ...]
    min_price: int | None
    currency: str | None
    offers_online: bool
    gender: str | None = None


# Decoded profiles are kept for as many practitioners as a busy process meets (a search at a
# million practitioners meets several hundred, a free-text one up to a thousand; a worker
# serving a country's cities meets well over a hundred thousand, and a cache smaller than
# that decodes most of them again and again). About 300 bytes each. Their sets are shared,
# as thousands of practitioners offer the same few combinations.
_PROFILES_KEPT = 262_144
_shared: dict = {}


def _share(value):  # noqa: ANN001, ANN202
    if len(_shared) > _PROFILES_KEPT:
        _shared.clear()
    return _shared.setdefault(value, value)


@lru_cache(maxsize=_PROFILES_KEPT)
def _decode(glued: str, min_price: int | None, currency: str | None, offers_online: bool, on: str) -> _Profile | None:
    """A profile from its glued JSON and plain columns, cut to the modalities live on ``on``
    (ISO date); None when nothing is live. Profiles are immutable, so a process decodes
    each one once a day (searches near the same place read the same profiles)."""
    modalities, techniques, concerns, languages, gender = json.loads(glued)
    live = frozenset(m for m, until in modalities.items() if until >= on)
    if not live:
        return None
    return _Profile(_share(live), _share(frozenset(t for t, m in techniques.items() if m in live)),
                    _share(frozenset(concerns)), _share(tuple(languages)), min_price, currency, bool(offers_online),
                    gender)


# Score parts kept per query (a busy process ranks the same practitioners for the same
# concern over and over): for up to _QUERIES_KEPT queries, _PARTS_KEPT parts in all (each
# about 200 bytes with its key). Past either, the least recently searched queries' parts
# are dropped (down to three quarters of the room), never those of the search running.
_QUERIES_KEPT = 1024
_PARTS_KEPT = 200_000
_UNKNOWN = object()
_parts_by_query: dict = {}  # (query, weights) -> (relevance, parts), least recently used first
_parts_kept = [0]
_parts_lock = threading.Lock()


def _parts_for(query: Query, weights: Weights, relevance: Mapping[tuple[str, str], float]) -> dict:
    """This process's score parts for ``query`` under these weights and relevance (the
    admin-edited data: a new version is a new mapping, held here so it is compared by
    identity, never by a reused id). Searches that differ only in what the parts do not
    read share them: the radius and the mode (a part is worked out in person at 0 km or
    online, and only when the mode allows it) and the seeker's country (only the distance
    term, :func:`finish_score`, reads it)."""
    key = _parts_key(query, weights)
    with _parts_lock:
        held = _parts_by_query.pop(key, None)  # put back last: the most recently used
        if held is not None and held[0] is not relevance:
            _parts_kept[0] -= len(held[1])
            held = None
        if held is None:
            held = (relevance, {})
        _parts_by_query[key] = held
        if len(_parts_by_query) > _QUERIES_KEPT:
            _shed_parts(held[1])
    return held[1]


def _parts_key(query: Query, weights: Weights) -> tuple[Query, Weights]:
    return replace(query, radius_km=0.0, mode="any", country=None), weights


def _shed_parts(current: dict) -> None:
    """Drop the least recently used queries' parts until at most three quarters of the
    room is taken (call with ``_parts_lock`` held). ``current``, the running search's,
    is kept unless it alone is over: then it is dropped too and the search keeps its own
    until it ends."""
    target_parts, target_queries = _PARTS_KEPT * 3 // 4, _QUERIES_KEPT * 3 // 4
    _parts_kept[0] = sum(len(parts) for _, parts in _parts_by_query.values())  # what is really held
    for key in list(_parts_by_query):
        if _parts_kept[0] <= target_parts and len(_parts_by_query) <= target_queries:
            return
        if _parts_by_query[key][1] is not current:
            _parts_kept[0] -= len(_parts_by_query.pop(key)[1])
    if _parts_kept[0] > _PARTS_KEPT:
        _parts_by_query.clear()
        _parts_kept[0] = 0


def _keep_part(parts: dict, key: tuple, value: ScoreParts | None) -> None:
    """Keep one score part in ``parts``, the running search's, making room first when the
    process keeps too many (see :func:`_shed_parts`)."""
    _parts_kept[0] += 1
    if _parts_kept[0] > _PARTS_KEPT:
        with _parts_lock:
            _shed_parts(parts)
    parts[key] = value


def _in_person(value: float, distance: float, pid: int, location_id: int | None) -> tuple:
    """A practitioner's best way to be seen, in person at this distance (see _Seen.best)."""
    return (value, (-value, distance, pid), False, location_id)


def _candidate(pid: int, p: _Profile, distance_km: float | None, venue: str | None) -> Candidate:
    """A practitioner as scoring sees them: online when ``distance_km`` is None."""
    return Candidate(
        practitioner_id=pid, modalities=p.modalities, techniques=p.techniques, concerns=p.concerns,
        distance_km=distance_km, min_price=p.min_price, currency=p.currency, languages=p.languages,
        offers_online=p.offers_online, gender=p.gender,
        venue_types=frozenset({venue}) if venue and distance_km is not None else frozenset(),
    )


_wanted_kept: Memo[frozenset[tuple[str, str]]] = Memo()


def _wanted(declared_terms: tuple[str, ...], generic_terms: tuple[str, ...],
            concerns: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    """The (term, concern) pairs a shell reads from the memory: the declared terms with each
    of the seeker's concerns and the generic terms with "" (the same few sets come up
    search after search: each is built once per process)."""
    return _wanted_kept.get((declared_terms, generic_terms, concerns), lambda: frozenset(
        pairs_of(declared_terms, concerns, generic_terms)))


@dataclass(slots=True)
class _Seen:
    profile: _Profile | None = None  # None when nothing they offer is live today
    distance: float | None = None
    location_id: int | None = None
    venue: str | None = None
    place: tuple | None = None  # the nearest location's place tuple (see Hit.place)
    name: str | None = None
    online: bool = False
    abroad: str | None = None  # online and not known to be based in the seeker's country: where ("": unknown)
    # (score, order key, online?, location id) of the best way to see them, numbers only
    best: tuple[float, tuple[float, float, int], bool, int | None] | None = None


@dataclass
class _Walk:
    session: Session
    query: Query
    terms: dict[str, float]  # term -> relevance bound
    center: tuple[float, float] | None
    on: date
    weights: Weights
    relevance: Mapping[tuple[str, str], float]
    need: int
    extras: float = 0.0  # the most every non-relevance, non-distance part of a score can add
    names: Mapping[str, str] = field(default_factory=lambda: NAMES)  # term names for the reasons
    memory: PlaceMemory | None = None  # this process's cells (see marketplace.search.memory)
    lists: PlaceMemory | None = None  # the same, for the heads of the online lists
    stamps: dict[tuple[int, int], int] = field(default_factory=dict)  # read before any row
    seen: dict[int, _Seen] = field(default_factory=dict)
    km: dict[int, float] = field(default_factory=dict)  # location id -> distance from the seeker
    parts: dict = field(default_factory=dict)  # (profile, venue, online) -> ScoreParts | None
    matched: set[int] = field(default_factory=set)
    pruned: bool = False  # rows were skipped unread, so the count is a lower bound
    rescored: int = 0  # how many times a practitioner's best score was worked out
    near: bool = False  # an in-person match within the radius was met (see Ranking.near)
    _kth: tuple[int, float] = (-1, 0.0)  # kth() as of that count
    rows_read: int = 0
    queries: int = 0

    # --- scoring ------------------------------------------------------------------------------
    def _candidate(self, pid: int, s: _Seen, online: bool) -> Candidate:
        c = _candidate(pid, s.profile, None if online else s.distance, s.venue)
        if online and s.abroad is not None:  # the page names the country
            return replace(c, abroad=country_in_sentence(s.abroad) or s.abroad)
        return c

    def _parts(self, profile: _Profile, venue: str | None, online: bool) -> ScoreParts | None:
        """What a practitioner with this profile scores for this query apart from distance,
        or None when the query's filters leave them out (a place's distance is already
        within the radius); worked out once per profile (see :func:`_parts_for`)."""
        key = (profile, venue, online)
        parts = self.parts.get(key, _UNKNOWN)
        if parts is _UNKNOWN:
            candidate = _candidate(0, profile, None if online else 0.0, venue)
            parts = None
            if matches_filters(candidate, self.query):
                parts = score_parts(candidate, self.query, self.weights, relevance=self.relevance)
                wanted = self.query.concerns
                if wanted and parts.relevance <= 0 and not (profile.concerns & set(wanted)):
                    parts = None  # nothing they offer fits, and they don't say they treat it
            _keep_part(self.parts, key, parts)
        return parts

    def _rescore(self, pid: int) -> None:
        """Numbers only (:func:`finish_score`): the reasons are built for the page alone."""
        s = self.seen[pid]
        best = None
        if s.distance is not None:
            parts = self._parts(s.profile, s.venue, False)
            if parts is not None:
                self.near = True
                best = _in_person(finish_score(parts, s.distance, self.weights).score, s.distance, pid,
                                  s.location_id)
        if s.online:
            parts = self._parts(s.profile, None, True)
            if parts is not None:
                value = finish_score(parts, None, self.weights, s.abroad is not None).score
                key = (-value, math.inf, pid)
                if best is None or key < best[1]:
                    best = (value, key, True, None)
        s.best = best
        self.rescored += 1
        if best is None:
            self.matched.discard(pid)
        else:
            self.matched.add(pid)

    def kth(self) -> float:
        if len(self.matched) < self.need:
            return -math.inf
        if self._kth[0] != self.rescored:  # asked again and again between reads
            seen = self.seen
            self._kth = (self.rescored, heapq.nlargest(self.need, (seen[p].best[0] for p in self.matched))[-1])
        return self._kth[1]

    def floor(self) -> float:
        """Rows whose bound is below this cannot reach the page and are skipped unread;
        -inf while the first :data:`COUNT_CAP` matches are still being counted."""
        return -math.inf if len(self.matched) < COUNT_CAP else self.kth()

    def hits(self) -> list[Hit]:
        """The page, best first, with reasons built for these few only."""
        best = sorted((self.seen[p].best for p in self.matched), key=lambda b: b[1])[:self.need]
        hits = []
        for _, (_, _, pid), online, loc in best:
            s = self.seen[pid]
            c = self._candidate(pid, s, online)
            place = None if online or s.place is None or s.place[P_LABEL] is None else s.place
            hits.append(Hit(c, score(c, self.query, self.weights, relevance=self.relevance, names=self.names), loc,
                            s.name, place))
        return hits

    # --- reading ------------------------------------------------------------------------------
    def _meet(self, pid: int, glued: str, min_price: int | None, currency: str | None, offers_online: bool,
              name: str | None, on: str) -> _Seen:
        """A practitioner first met in a row: their profile decoded (cut to ``on``) and name."""
        self.seen[pid] = s = _Seen(_decode(glued, min_price, currency, bool(offers_online), on), name=name)
        return s

    def _read(self, rects: list[Rect], declared_terms: list[str], concerns: list[str], generic_terms: list[str],
              on: date | None = None, venue: str | None = None) -> list:
        """Place rows in ``rects`` through SQL, counted: the rows of ``declared_terms``
        declared for ``concerns`` and the generic rows of ``generic_terms``, live on ``on``
        at ``venue``. With the first four arguments only, the memory's
        :data:`~marketplace.search.memory.Reader`."""
        declared = bool(declared_terms and concerns)
        if not (declared or generic_terms):
            return []
        full = on is None  # for the memory: every day's rows with their cells and dates, any venue
        params: dict = {"on": date.min if full else on}
        if declared:
            params["dterms"], params["dconcerns"] = declared_terms, concerns
        if generic_terms:
            params["gterms"] = generic_terms
        shape = []
        for i, r in enumerate(rects):
            listed = r.lat_hi - r.lat_lo < _IN_LIST_MAX
            shape.append(listed)
            if listed:
                params[f"lat{i}"] = list(range(r.lat_lo, r.lat_hi + 1))
            else:
                params[f"lat_lo{i}"], params[f"lat_hi{i}"] = r.lat_lo, r.lat_hi
            params[f"lon_lo{i}"], params[f"lon_hi{i}"] = r.lon_lo, r.lon_hi
        with_venue = bool(venue) and not full
        if with_venue:
            params["venue"] = venue
        self.queries += 1
        stmt = place_statement(tuple(shape), declared, bool(generic_terms), with_venue,
                               binds_arrays(self.session.get_bind()), full)
        return self.session.connection().execute(stmt, params).all()

    def read_places(self, rects: list[Rect], declared_terms: list[str],
                    generic_terms: list[str]) -> dict[tuple[str, bool], int]:
        """Read one shell: the declared rows of ``declared_terms`` and the generic rows of
        ``generic_terms``, from this process's memory when there is one (which reads what
        it lacks through SQL), otherwise through SQL. Returns the rows read by term and
        whether they were generic."""
        counts: dict[tuple[str, bool], int] = {}
        if not rects or not (declared_terms or generic_terms):
            return counts
        if self.memory is None:
            groups = grouped(self._read(rects, declared_terms, list(self.query.concerns), generic_terms, on=self.on,
                                        venue=self.query.venue_type))
        else:
            wanted = _wanted(tuple(declared_terms), tuple(generic_terms), self.query.concerns)
            if not wanted:
                return counts
            groups = self.memory.read(rects, wanted, self.stamps, self.on.isoformat(), self.query.venue_type,
                                      self._read)
        for term, concern, places in groups:
            key = (term, not concern)
            counts[key] = counts.get(key, 0) + len(places)
        self.rows_read += sum(counts.values())
        lat0, lon0 = self.center
        radius, bounds, seen, km, matched = self.query.radius_km, self.terms, self.seen, self.km, self.matched
        # A row needs relevance bound + distance score >= floor - extras to reach the page.
        # The floor rises while the shell is read (each practitioner is scored as met), and
        # is worked out again as the matches double: a floor from fewer matches is lower,
        # never wrong, so a dense shell stops scoring rows as soon as the page is clear.
        floor = self.floor()
        refresh = COUNT_CAP if floor == -math.inf else 2 * len(matched)
        lowest = floor - self.extras  # what a row's relevance bound and distance score must reach
        w = self.weights
        top, half = w.distance, w.distance_half_km
        # A generic row's practitioner may not declare the concern: if they do, their
        # declared row (read with the full bound) vouches for them.
        gap = w.declared_concern if self.query.concerns else 0.0
        on = self.on.isoformat()
        for term, concern, places in groups:
            bound, extra = bounds.get(term, 0.0), (gap if not concern else 0.0)
            low = lowest + extra
            for place in places:  # fields as Group describes them, read as they are needed
                location_id = place[1]
                d = km.get(location_id)
                if d is None:  # a place's rows for other terms come in the same shell
                    # The latitude alone gives a lower bound on the distance (no degree of
                    # latitude is shorter than KM_PER_DEG_LAT), which settles most rows of a
                    # busy shell that are out of the radius or out of reach of the page.
                    lat = place[2]
                    near = abs(lat - lat0) * KM_PER_DEG_LAT
                    if near > radius:
                        continue
                    if bound + top / (1.0 + near / half) + _EPS < low:
                        self.pruned = True
                        continue
                    d = km[location_id] = approx_km(lat0, lon0, lat, place[3])
                if d > radius:
                    continue
                if bound + top / (1.0 + d / half) + _EPS < low:
                    self.pruned = True  # cannot reach the page: skip before loading or scoring
                    continue
                pid = place[0]
                s = seen.get(pid)
                if s is None:
                    # First met here, in person: this row is their best way to be seen so far,
                    # scored at once (their profile's parts are worked out once per process).
                    # Once enough are counted, they are only met if that score can reach the
                    # page; the row's bound assumed the best any practitioner could add.
                    profile = _decode(place[5], place[6], place[7], bool(place[8]), on)
                    parts = None if profile is None else self._parts(profile, place[4], False)
                    if parts is None:
                        continue  # not live today, or left out by the filters
                    self.near = True  # a match to visit within the radius, on the page or not
                    value = finish_score(parts, d, w).score
                    if value + _EPS < floor:
                        self.pruned = True
                        continue
                    # Met in person, nowhere else yet: this row is their best.
                    seen[pid] = _Seen(profile, d, location_id, place[4], place, place[10],
                                      best=_in_person(value, d, pid, location_id))
                    matched.add(pid)
                    self.rescored += 1
                else:
                    if s is None:
                        s = self._meet(pid, place[5], place[6], place[7], place[8], place[10], on)
                    if not (s.distance is None or d < s.distance or (d == s.distance and location_id < s.location_id)):
                        continue
                    s.distance, s.location_id, s.venue, s.place = d, location_id, place[4], place
                    if s.profile is None:
                        continue
                    self._rescore(pid)
                if len(matched) >= refresh:
                    refresh = 2 * len(matched)
                    floor = self.kth()
                    lowest = floor - self.extras
                    low = lowest + extra
        return counts

    def _sql_online(self, key: ListKey, after: tuple[float, int] | None, limit: int, day: str) -> list[tuple]:
        """``limit`` rows of an online list through SQL (see :func:`online_statement`)."""
        term, concern, country = key
        params: dict = {"term": term, "concern": concern, "on": date.fromisoformat(day)}
        if country is not None:
            params["country"] = country
        if after is not None:
            params["after_factor"], params["after_id"] = after
        self.queries += 1
        return [(float(factor), int(pid), *rest) for factor, pid, *rest in self.session.connection().execute(
            online_statement(after is not None, limit, country is not None), params)]

    def read_online(self, key: ListKey, after: tuple[float, int] | None) -> list[tuple[float, int]]:
        """Read the next :data:`ONLINE_BATCH` rows of one online list, from this process's
        memory when there is one (which reads what it lacks through SQL). Returns their
        (price factor, practitioner id)."""
        on = self.on.isoformat()
        if self.lists is not None:
            rows = self.lists.read_online(key, after, ONLINE_BATCH, self.stamps, on, self._sql_online)
        else:
            rows = self._sql_online(key, after, ONLINE_BATCH, on)
        self.rows_read += len(rows)
        changed = set()
        seen = self.seen
        home = self.query.country
        for _, pid, glued, min_price, currency, offers_online, _, name, country in rows:
            s = seen.get(pid) or self._meet(pid, glued, min_price, currency, offers_online, name, on)
            if not s.online:
                s.online = True
                s.abroad = country if home is not None and country != home else None
                changed.add(pid)
        self._settle(changed)
        return [(row[0], row[1]) for row in rows]

    def _settle(self, changed: set[int]) -> None:
        for pid in changed:
            if self.seen[pid].profile is not None:
                self._rescore(pid)


def preload(session: Session, memory: PlaceMemory, terms: list[str], concerns: list[str], rows: int,
            on: date, reach_km: float) -> int:
    """Fill ``memory`` with the busiest tiles, every pair of ``terms`` and ``concerns``,
    up to about ``rows`` rows, and the empty tiles within ``reach_km`` of them (see
    :meth:`PlaceMemory.preload`), and decode the profiles held as they are on ``on``, as
    the first search meeting each would. Returns the rows held."""
    def tiles(chosen: list[tuple[int, int]]) -> Iterable:
        keys = [tile_key(t, TILE_CELLS) for t in chosen]
        return session.connection().execute(tiles_statement(TILE_CELLS), {"on": date.min, "tiles": keys})

    held = memory.preload(session, terms, concerns, rows, on, tiles, reach_km)
    # Decode today's profiles of the places held, as the first search meeting each would.
    day = on.isoformat()
    for place in islice(memory.places(), _PROFILES_KEPT):
        _decode(place[5], place[6], place[7], bool(place[8]), day)
    return held


def _order(hit: Hit) -> tuple[float, float, int]:
    d = hit.candidate.distance_km
    return (-hit.scored.score, math.inf if d is None else d, hit.candidate.practitioner_id)


def distance_score(weights: Weights, km: float) -> float:
    return weights.distance / (1.0 + max(km, 0.0) / weights.distance_half_km)


def term_bounds(concerns: tuple[str, ...], terms: list[str],
                relevance: Mapping[tuple[str, str], float]) -> dict[str, float]:
    """Each term's relevance bound: the best relevance it has for any of the concerns (a
    mean over several concerns never exceeds the largest)."""
    return {t: max((relevance.get((c, t), 0.0) for c in concerns), default=0.0) for t in terms}


def several_concern_bounds(bounds: dict[str, float], concerns: tuple[str, ...],
                           relevance: Mapping[tuple[str, str], float]) -> dict[str, float]:
    """Tighter bounds when the seeker named several concerns. Relevance is then the mean,
    over the concerns, of the practitioner's best relevance for each; a practitioner whose
    best term has bound B holds only terms with bounds up to B, so for each concern they
    reach at most the best relevance of any such term. The mean of those is a bound at
    most B (and equal to it for one concern), and it grows with B, so reading in its order
    is reading in the old order."""
    if len(concerns) < 2:
        return bounds
    every: dict[str, float] = {}
    for (c, t), value in relevance.items():
        if c in concerns:
            every[t] = max(every.get(t, 0.0), value)
    per_concern = [[(every[t], relevance.get((c, t), 0.0)) for t in every] for c in concerns]

    def mean_reach(b: float) -> float:
        return sum(max((r for bt, r in pairs if bt <= b + _EPS), default=0.0) for pairs in per_concern) / len(concerns)

    reach = {b: mean_reach(b) for b in set(bounds.values())}
    return {t: min(b, reach[b] + _EPS) for t, b in bounds.items()}


_bounds_kept: Memo[dict[str, float]] = Memo(_QUERIES_KEPT)


def _bounds_for(concerns: tuple[str, ...], terms: tuple[str, ...], filtered: bool,
                relevance: Mapping[tuple[str, str], float], weight: float = 1.0) -> dict[str, float]:
    """The terms' relevance bounds for these concerns (see :func:`term_bounds`) in the
    score's units (times ``weight``, :attr:`Weights.relevance`), worked out once per process
    for each concerns, terms, weight and relevance table (held to compare by identity, as
    :func:`_parts_for` does). ``filtered``: the seeker filters by modality or technique.
    The dict returned is shared: read it, never change it."""
    def work() -> dict[str, float]:
        bounds = term_bounds(concerns, list(terms), relevance)
        if not filtered:
            bounds = several_concern_bounds(bounds, concerns, relevance)
        else:
            # A filter reads only its own terms' rows, but a practitioner found there is
            # scored on everything they offer: a massage therapist who is also a
            # physiotherapist fits sciatica as a physiotherapist. Any row may therefore carry
            # the best relevance any term has for these concerns, and only distance can
            # order the reading.
            ceiling = max((v for (c, _), v in relevance.items() if c in concerns), default=0.0)
            bounds = {t: max(b, ceiling) for t, b in bounds.items()}
        return bounds if weight == 1.0 else {t: b * weight for t, b in bounds.items()}

    return _bounds_kept.get((concerns, terms, filtered, weight), work, relevance)


def first_rings(rows: int, cells: int, want: int) -> int:
    """The outer ring of a first shell, from ``rows`` held in ``cells`` cells around the
    seeker: the most rings expected to bring no more than about ``want`` rows (the walk
    reads on from there), or two when none are held nearby (as after an empty cell)."""
    if rows <= 0:
        return 2
    return max(int((math.sqrt(want * cells / rows) - 1) / 2), 0)


def next_outer(covered: int, rows: int, max_rings: int, want: int) -> int:
    """The outer ring of the next shell: from the rows per cell seen so far, enough rings to
    bring about ``want`` more rows (so a sparse area takes two or three statements, not
    ten); with nothing seen yet, twice as far out."""
    if covered >= max_rings:
        return max_rings
    if rows <= 0:
        outer = 2 * covered + 2
    else:
        per_cell = rows / (2 * covered + 1) ** 2
        outer = math.ceil((math.sqrt((rows + want) / per_cell) - 1) / 2)
    return min(max(outer, covered + 1), max_rings)


def rank(session: Session, query: Query, *, terms: list[str], center: tuple[float, float] | None, need: int,
         on: date, relevance: Mapping[tuple[str, str], float], weights: Weights = DEFAULT_WEIGHTS,
         memory: PlaceMemory | None = None, optimistic: bool = False, names: Mapping[str, str] = NAMES) -> Ranking:
    """The best ``need`` matches for ``query`` (see the module docstring), with the count.
    With ``memory``, in-person rows come from the cells it holds (the same rows).
    ``optimistic``: the memory's stamps around the seeker are not read first
    (:meth:`~marketplace.search.memory.PlaceMemory.assume`); unless the walk had to read
    them after all, the ranking's ``unconfirmed`` must then be settled, and the walk done
    again if that fails. A walk that finds a block it read from changed when it reads the
    stamps starts again at once."""
    kwargs = dict(terms=terms, center=center, need=need, on=on, relevance=relevance, weights=weights, memory=memory,
                  names=names)
    if optimistic:
        try:
            return _rank(session, query, optimistic=True, **kwargs)
        except StaleMemory:
            pass
    return _rank(session, query, optimistic=False, **kwargs)


def _rank(session: Session, query: Query, *, terms: list[str], center: tuple[float, float] | None, need: int,
          on: date, relevance: Mapping[tuple[str, str], float], weights: Weights, memory: PlaceMemory | None,
          optimistic: bool, names: Mapping[str, str]) -> Ranking:
    w = weights
    filtered = bool(query.modality or query.technique or query.therapies)
    bounds = _bounds_for(query.concerns, tuple(terms), filtered, relevance, w.relevance)
    # Which terms fit a concern at all (not only through a declared concern): the relevance
    # table's own bounds, since a weight of 0 (results ordered by distance alone) would
    # otherwise make every term look like no fit.
    fits = bounds if w.relevance > 0 else _bounds_for(query.concerns, tuple(terms), filtered, relevance)
    pref = len(preferred_techniques_for(query.cautions)) if query.cautions else 0
    extras = (w.verified + w.price + (w.declared_concern if query.concerns else 0.0)
              + (w.language if query.language else 0.0) + w.caution_preference * pref)
    walk = _Walk(session, query, bounds, center, on, w, relevance, need, extras, names=names)
    walk.parts = _parts_for(query, w, relevance)

    # In person: terms grouped into tiers of equal relevance bound, each walking shells
    # outward, so the best-fitting terms are read first and far-off or poorly-fitting rows
    # only when they could still make the page. Tiers at the same ring whose bound can
    # still reach the page are read together, in one statement.
    in_person = query.mode != "online" and center is not None and bool(terms)
    tiers: list[_Tier] = []
    if in_person:
        cell = cell_of(*center)
        max_rings = rings_for_km(center[0], center[1], query.radius_km)
        if memory is not None and memory.max_rows > 0 and max_rings <= MAX_RINGS:
            walk.memory = memory
            if optimistic:
                walk.stamps = memory.assume(session, cell, max_rings)
            else:
                walk.queries += 1
                walk.stamps = memory.begin(session, cell, max_rings)
        by_bound: dict[tuple[float, bool], list[str]] = {}
        for t in terms:
            by_bound.setdefault((bounds[t], fits[t] > 0), []).append(t)
        for (b, fit), ts in sorted(by_bound.items(), reverse=True):
            if query.concerns:
                # Declarers with the full bound; everyone else without the declared bonus,
                # and not at all for terms that fit none of the concerns (a practitioner
                # whom nothing fits is only shown if they say they treat it).
                tiers.append(_Tier(b, sorted(ts), tuple(query.concerns)))
                if fit:
                    tiers.append(_Tier(b - w.declared_concern, sorted(ts), ("",)))
            else:
                tiers.append(_Tier(b, sorted(ts), ("",)))

    tier_of = {(x, t.generic): t for t in tiers for x in t.terms}  # whose rows a shell's counts are

    # Online: one cursor per (term, concern or "", country) list. When the seeker's country
    # is known, each list is read twice: its share of practitioners based in that country
    # at their full bound, and the whole list at the bound of those based elsewhere (the
    # rest of the whole list: anyone from home in it is in the first, already met or bound
    # by it).
    lists: dict[ListKey, tuple[float, int] | None] = {}
    exhausted: set[ListKey] = set()
    scopes = (None,) if query.country is None else (query.country, None)
    if query.mode != "in_person":
        if memory is not None and memory.max_rows > 0:
            walk.lists = memory
            if walk.memory is None:  # no place, or too wide: only the lists' stamp
                walk.queries += 1
                walk.stamps = memory.begin_online(session)
        for t in terms:
            for c in ("", *query.concerns):
                # A term that fits none of the concerns only brings in practitioners who say
                # they treat one: those sit on the concern's own list.
                if c or not query.concerns or fits[t] > 0:
                    for scope in scopes:
                        lists[(t, c, scope)] = None

    outside: dict[int, float] = {-1: 0.0}  # covered rings -> nearest unread distance
    # The first shell: the seeker's cell, or as many rings as the rows the memory holds
    # around it say bring about a statement's worth (it knows without reading them), up to
    # the edge of the tiles it counted (every one held for every pair the shell reads).
    first = 0
    if walk.memory is not None and tiers:
        held = walk.memory.held_rows(cell, _wanted(tuple(x for t in tiers if not t.generic for x in t.terms),
                                                   tuple(x for t in tiers if t.generic for x in t.terms),
                                                   query.concerns))
        if held is not None:  # at most TILE_CELLS rings: within the nine tiles, so it loads nothing
            first = min(first_rings(*held, max(need, ROWS_PER_STATEMENT)), TILE_CELLS, max_rings)

    def tier_bound(tier: _Tier) -> float:
        if tier.covered >= max_rings:
            return -math.inf
        d = outside.get(tier.covered)
        if d is None:
            d = outside[tier.covered] = min_km_outside(center[0], center[1], tier.covered)
        if d > query.radius_km:
            return -math.inf
        return tier.bound + extras + distance_score(w, d)

    def list_bound(key: ListKey) -> float:
        if key in exhausted:
            return -math.inf
        t, c, scope = key
        cursor = lists[key]
        price = w.price if query.max_price is not None or cursor is None else w.price * cursor[0]
        return (bounds[t] + extras - w.price + price - (0.0 if c else w.declared_concern * bool(query.concerns))
                + w.distance * w.online_distance
                - (w.online_abroad if scope is None and query.country is not None else 0.0))

    # A list's bound changes only when it is read: kept, not worked out for every list at
    # every step (a seeker's country doubles the lists).
    list_bounds = {key: list_bound(key) for key in lists}
    while True:
        kth = walk.kth()
        best, step = -math.inf, None
        for tier in tiers:
            b = tier_bound(tier)
            if b > best:
                best, step = b, tier
        if list_bounds:
            key = max(list_bounds, key=list_bounds.__getitem__)  # the first of equals, as a loop would
            if list_bounds[key] > best:
                best, step = list_bounds[key], key
        # Strictly below: an unread row that only ties could still win on distance or id.
        if step is None or best < kth:
            break
        if isinstance(step, _Tier):
            # Every tier at this ring that can still reach the page is read with it; the
            # shell is sized from these tiers' own rows so far (a tier of few rows walks out
            # in a few wide steps, not in the narrow ones the busy tiers needed).
            group = [t for t in tiers if t.covered == step.covered and tier_bound(t) >= kth]
            inner = step.covered + 1
            outer = first if inner == 0 else next_outer(step.covered, sum(t.rows for t in group), max_rings,
                                                        max(need, ROWS_PER_STATEMENT))
            counts = walk.read_places(shell(cell, inner, outer),
                                      [x for t in group if not t.generic for x in t.terms],
                                      [x for t in group if t.generic for x in t.terms])
            for t in group:
                t.covered = outer
            for key, rows in counts.items():
                tier = tier_of.get(key)
                if tier is not None:
                    tier.rows += rows
        else:
            rows = walk.read_online(step, lists[step])
            if len(rows) < ONLINE_BATCH:
                exhausted.add(step)
            if rows:
                lists[step] = rows[-1]
            list_bounds[step] = list_bound(step)
    complete = step is None  # everything in scope was read

    # Read to the end without skipping, the count is exact; otherwise it is what was found
    # (a lower bound, at least COUNT_CAP once rows were skipped).
    pending = walk.stamps if isinstance(walk.stamps, Unconfirmed) else None
    if pending is not None and pending.confirmed:
        walk.queries += 1  # the stamps were read during the walk after all
        pending = None
    return Ranking(walk.hits(), total=len(walk.matched), total_is_exact=complete and not walk.pruned,
                   rows_read=walk.rows_read, queries=walk.queries, scored=len(walk.seen), unconfirmed=pending,
                   near=walk.near)
