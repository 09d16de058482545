"""Exact top-k ranking over the search index, with a cost that follows the page size.

The score (:func:`marketplace.matching.scoring.score`) is relevance plus bounded extras
(distance, declared concern, price, language, caution fit, verification). Each index
row is a (practitioner, verified term) pair, and a practitioner's relevance is the
relevance of their best term, so every practitioner's score is at most

    relevance(term) + extras_max + distance_score(distance)

for the row of their best term. The walk reads the index in the order of that bound:
in person, square shells of grid cells outward from the seeker (near before far); online,
per-term lists in descending order of their stored price factor. It stops when the
k-th best score found is strictly above every bound still unread, so the page is exactly
what scoring every practitioner would give, while reading only the rows near the top.

``total`` is exact when the walk read everything in scope (a small town, a narrow
filter); when it stopped early it is the number found so far, flagged as a lower bound,
because counting a whole city would cost exactly what the early stop saves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, tuple_, union_all
from sqlalchemy.orm import Session

from marketplace.geo.distance import approx_km
from marketplace.matching.safety import preferred_techniques_for
from marketplace.matching.scoring import DEFAULT_WEIGHTS, NAMES, Candidate, Query, Scored, Weights, matches_filters, score
from marketplace.search.grid import Rect, cell_of, min_km_outside, rings_for_km, shell
from marketplace.search.models import SearchOnline, SearchPlace, SearchProfile

ONLINE_BATCH = 64
_IN_LIST_MAX = 48  # latitude rows listed one by one (exact index seeks) up to this span


@dataclass(frozen=True)
class Hit:
    candidate: Candidate
    scored: Scored
    location_id: int | None  # the nearest location within the radius, None when online


@dataclass
class Ranking:
    hits: list[Hit]  # best first, exactly the first ``need`` (or fewer) matches
    total: int
    total_is_exact: bool
    rows_read: int = 0
    queries: int = 0


@dataclass
class _Tier:
    bound: float
    terms: list[str]
    covered: int = -1
    width: int = 1


@dataclass
class _Seen:
    profile: tuple | None = None
    distance: float | None = None
    location_id: int | None = None
    venue: str | None = None
    online: bool = False
    hit: Hit | None = None


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
    seen: dict[int, _Seen] = field(default_factory=dict)
    matched: set[int] = field(default_factory=set)
    rows_read: int = 0
    queries: int = 0

    # --- scoring ------------------------------------------------------------------------------
    def _candidate(self, pid: int, s: _Seen, online: bool) -> Candidate | None:
        (_, modalities, techniques, concerns, languages, min_price, currency, offers_online) = s.profile
        live = frozenset(m for m, until in modalities.items() if date.fromisoformat(until) >= self.on)
        if not live:
            return None
        return Candidate(
            practitioner_id=pid, modalities=live,
            techniques=frozenset(t for t, m in techniques.items() if m in live),
            concerns=frozenset(concerns), distance_km=None if online else s.distance,
            min_price=min_price, currency=currency, languages=tuple(languages),
            offers_online=offers_online, venue_types=frozenset({s.venue}) if s.venue and not online else frozenset(),
        )

    def _rescore(self, pid: int) -> None:
        s = self.seen[pid]
        best: Hit | None = None
        options = ([False] if s.distance is not None else []) + ([True] if s.online else [])
        for online in options:
            candidate = self._candidate(pid, s, online)
            if candidate is None or not matches_filters(candidate, self.query):
                continue
            scored = score(candidate, self.query, self.weights, relevance=self.relevance, names=NAMES)
            if self.query.concerns and scored.relevance <= 0 and not (candidate.concerns & set(self.query.concerns)):
                continue  # nothing they offer fits, and they don't say they treat it
            hit = Hit(candidate, scored, None if online else s.location_id)
            if best is None or _order(hit) < _order(best):
                best = hit
        s.hit = best
        if best is None:
            self.matched.discard(pid)
        else:
            self.matched.add(pid)

    def kth(self) -> float:
        if len(self.matched) < self.need:
            return -math.inf
        scores = sorted((self.seen[p].hit.scored.score for p in self.matched), reverse=True)
        return scores[self.need - 1]

    # --- reading ------------------------------------------------------------------------------
    def _load_profiles(self, pids: set[int]) -> None:
        missing = [p for p in pids if self.seen[p].profile is None]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            self.queries += 1
            for row in self.session.execute(
                select(SearchProfile.practitioner_id, SearchProfile.modalities, SearchProfile.techniques,
                       SearchProfile.concerns, SearchProfile.languages, SearchProfile.min_price,
                       SearchProfile.currency, SearchProfile.offers_online)
                .where(SearchProfile.practitioner_id.in_(chunk))
            ):
                self.seen[row[0]].profile = tuple(row)

    def read_places(self, rects: list[Rect], terms: list[str]) -> int:
        if not rects or not terms:
            return 0
        # One SELECT per rectangle, glued with UNION ALL: an OR across rectangles would
        # stop SQLite (and sometimes PostgreSQL) from seeking the (term, lat, lon) index.
        selects = []
        for r in rects:
            lat = (SearchPlace.lat_idx.in_(list(range(r.lat_lo, r.lat_hi + 1))) if r.lat_hi - r.lat_lo < _IN_LIST_MAX
                   else SearchPlace.lat_idx.between(r.lat_lo, r.lat_hi))
            part = (select(SearchPlace.practitioner_id, SearchPlace.location_id, SearchPlace.lat, SearchPlace.lon,
                           SearchPlace.venue_type)
                    .where(SearchPlace.term.in_(terms), lat, SearchPlace.lon_idx.between(r.lon_lo, r.lon_hi),
                           SearchPlace.valid_until >= self.on))
            if self.query.venue_type:
                part = part.where(SearchPlace.venue_type == self.query.venue_type)
            selects.append(part)
        stmt = selects[0] if len(selects) == 1 else union_all(*selects)
        self.queries += 1
        changed: set[int] = set()
        lat0, lon0 = self.center
        rows = self.session.execute(stmt).all()
        self.rows_read += len(rows)
        for pid, location_id, lat, lon, venue in rows:
            d = approx_km(lat0, lon0, lat, lon)
            if d > self.query.radius_km:
                continue
            s = self.seen.setdefault(pid, _Seen())
            if s.distance is None or d < s.distance or (d == s.distance and location_id < s.location_id):
                s.distance, s.location_id, s.venue = d, location_id, venue
                changed.add(pid)
        self._settle(changed)
        return len(rows)

    def read_online(self, term: str, concern: str, after: tuple[float, int] | None) -> list[tuple[float, int]]:
        stmt = (select(SearchOnline.price_factor, SearchOnline.practitioner_id)
                .where(SearchOnline.term == term, SearchOnline.concern == concern, SearchOnline.valid_until >= self.on)
                .order_by(SearchOnline.price_factor.desc(), SearchOnline.practitioner_id.desc())
                .limit(ONLINE_BATCH))
        if after is not None:
            stmt = stmt.where(tuple_(SearchOnline.price_factor, SearchOnline.practitioner_id) < after)
        self.queries += 1
        rows = [(float(f), int(p)) for f, p in self.session.execute(stmt)]
        self.rows_read += len(rows)
        changed = set()
        for _, pid in rows:
            s = self.seen.setdefault(pid, _Seen())
            if not s.online:
                s.online = True
                changed.add(pid)
        self._settle(changed)
        return rows

    def _settle(self, changed: set[int]) -> None:
        if not changed:
            return
        self._load_profiles(changed)
        for pid in changed:
            if self.seen[pid].profile is not None:
                self._rescore(pid)


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


def rank(session: Session, query: Query, *, terms: list[str], center: tuple[float, float] | None, need: int,
         on: date, relevance: Mapping[tuple[str, str], float], weights: Weights = DEFAULT_WEIGHTS) -> Ranking:
    """The best ``need`` matches for ``query`` (see the module docstring), with the count."""
    w = weights
    bounds = term_bounds(query.concerns, terms, relevance)
    walk = _Walk(session, query, bounds, center, on, w, relevance, need)
    pref = len(preferred_techniques_for(query.cautions)) if query.cautions else 0
    extras = (w.verified + w.price + (w.declared_concern if query.concerns else 0.0)
              + (w.language if query.language else 0.0) + w.caution_preference * pref)

    # In person: terms grouped into tiers of equal relevance bound, each tier walking its
    # own shells outward, so the best-fitting terms are read first and far-off or
    # poorly-fitting rows only when they could still make the page.
    in_person = query.mode != "online" and center is not None and bool(terms)
    tiers: list[_Tier] = []
    if in_person:
        cell = cell_of(*center)
        max_rings = rings_for_km(center[0], center[1], query.radius_km)
        by_bound: dict[float, list[str]] = {}
        for t in terms:
            by_bound.setdefault(bounds[t], []).append(t)
        tiers = [_Tier(b, sorted(ts)) for b, ts in sorted(by_bound.items(), reverse=True)]

    # Online: one cursor per (term, concern or "") list.
    lists: dict[tuple[str, str], tuple[float, int] | None] = {}
    exhausted: set[tuple[str, str]] = set()
    if query.mode != "in_person":
        for t in terms:
            for c in ("", *query.concerns):
                # A term that fits none of the concerns only brings in practitioners who say
                # they treat one: those sit on the concern's own list.
                if c or not query.concerns or bounds[t] > 0:
                    lists[(t, c)] = None

    def tier_bound(tier: _Tier) -> float:
        if tier.covered >= max_rings:
            return -math.inf
        d = 0.0 if tier.covered < 0 else min_km_outside(center[0], center[1], tier.covered)
        if d > query.radius_km:
            return -math.inf
        return tier.bound + extras + distance_score(w, d)

    def list_bound(key: tuple[str, str]) -> float:
        if key in exhausted:
            return -math.inf
        t, c = key
        cursor = lists[key]
        price = w.price if query.max_price is not None or cursor is None else w.price * cursor[0]
        return (bounds[t] + extras - w.price + price - (0.0 if c else w.declared_concern * bool(query.concerns))
                + w.distance * w.online_distance)

    while True:
        kth = walk.kth()
        best, step = -math.inf, None
        for tier in tiers:
            b = tier_bound(tier)
            if b > best:
                best, step = b, tier
        for key in lists:
            b = list_bound(key)
            if b > best:
                best, step = b, key
        # Strictly below: an unread row that only ties could still win on distance or id.
        if step is None or best < kth:
            break
        if isinstance(step, _Tier):
            inner, outer = step.covered + 1, min(step.covered + step.width, max_rings)
            found = walk.read_places(shell(cell, inner, outer), step.terms)
            step.covered = outer
            step.width = 1 if found >= need else min(step.width * 2, 16)
        else:
            rows = walk.read_online(step[0], step[1], lists[step])
            if len(rows) < ONLINE_BATCH:
                exhausted.add(step)
            if rows:
                lists[step] = rows[-1]
    complete = step is None  # everything in scope was read

    hits = sorted((walk.seen[p].hit for p in walk.matched), key=_order)
    # Read to the end, the count is exact; stopped early, it is what was found so far
    # (a lower bound): counting the rest would cost what the early stop saves.
    return Ranking(hits[:need], total=len(walk.matched), total_is_exact=complete,
                   rows_read=walk.rows_read, queries=walk.queries)
