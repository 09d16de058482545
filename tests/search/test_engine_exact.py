"""The index walk stops early, but its page must be exactly what scoring every visible
practitioner from the source tables would give."""

from __future__ import annotations

import math
import random

import pytest
from sqlalchemy import select

from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.geo.gazetteer import country_in_sentence
from marketplace.geo.distance import approx_km
from marketplace.matching.scoring import (
    DEFAULT_WEIGHTS, NEAREST_FIRST, RELEVANCE, Candidate, Query, Weights, matches_filters, score,
)
from marketplace.practitioners.models import Practitioner, VenueType
from marketplace.search import engine
from marketplace.search import memory as memory_module
from marketplace.search.memory import PlaceMemory
from marketplace.search.services import _taxonomy, _terms
from marketplace.verification import queries
from tests.builders import make_credential, make_practitioner

CENTRE = (12.9716, 77.5946)
TAXONOMY = {
    "acupuncture": ["dry-needling", "electro-acupuncture", "cupping"],
    "massage": ["deep-tissue-massage", "prenatal-massage", "sports-massage"],
    "physiotherapy": ["exercise-therapy", "core-strengthening"],
    "manual-therapy": ["gua-sha", "myofascial-release"],
    "yoga-pilates": ["therapeutic-yoga"],
}
CONCERNS = ["back-spasm", "sciatica", "neck-shoulder-tension", "pregnancy-postnatal-back-pain", "fibromyalgia"]


@pytest.fixture
def crowd(app):  # noqa: ANN001, ANN201
    rng = random.Random(7)
    for i in range(70):
        modalities = rng.sample(sorted(TAXONOMY), rng.choice([1, 1, 2]))
        techniques = [t for m in modalities for t in TAXONOMY[m] if t != "cupping" and rng.random() < 0.4]
        lat = CENTRE[0] + rng.gauss(0, 0.08)
        lon = CENTRE[1] + rng.gauss(0, 0.08)
        p = make_practitioner(
            display_name=f"Practitioner {i:02d}", modalities=modalities, techniques=techniques,
            concerns=rng.sample(CONCERNS, rng.choice([0, 1, 2])), languages=rng.sample(["English", "Hindi",
                                                                                           "Kannada"], 2),
            offers_online=rng.random() < 0.35, lat=lat, lon=lon, venue_type=rng.choice(list(VenueType)),
            fees=((f"Session {i}", 60, rng.choice([60000, 120000, 160000, 250000]), "INR"),),
        )
        if rng.random() < 0.5:  # a second location
            from marketplace.practitioners.models import Location

            db.session.add(Location(practitioner=p, label="Second", venue_type=VenueType.CLINIC, city="Bengaluru",
                                    lat=lat + rng.gauss(0, 0.05), lon=lon + rng.gauss(0, 0.05)))
            db.session.commit()
        if rng.random() < 0.85:
            make_credential(app, p, status="approved", modalities=modalities[:1] if rng.random() < 0.3 else None)
    # Online practitioners based elsewhere (London, New York) or with no place listed, but
    # perhaps a declared country (here, India's or Britain's): a seeker's own country's
    # share of each online list is read apart from the rest.
    far = random.Random(11)
    for i, (city, lat, lon, declared) in enumerate([("London", 51.5074, -0.1278, None)] * 5
                                                   + [("New York", 40.7128, -74.006, None)] * 3
                                                   + [(None, 0.0, 0.0, None), (None, 0.0, 0.0, "IN"),
                                                      (None, 0.0, 0.0, "IN"), (None, 0.0, 0.0, "GB")]):
        modalities = far.sample(sorted(TAXONOMY), far.choice([1, 2]))
        p = make_practitioner(
            display_name=f"Online {i:02d}", modalities=modalities, concerns=far.sample(CONCERNS, far.choice([0, 1, 2])),
            offers_online=True, city=city, lat=lat, lon=lon, country_code=declared,
            fees=((f"Video {i}", 45, far.choice([4000, 6000, 9000, 120000]), far.choice(["GBP", "INR"])),),
        )
        make_credential(app, p, status="approved")
    return rng


def brute_force(query: Query, center: tuple[float, float] | None, need: int,
                weights: Weights = DEFAULT_WEIGHTS) -> list[tuple[int, float]]:
    """Score every visible practitioner straight from the source tables."""
    hits = []
    for p in db.session.scalars(select(Practitioner).order_by(Practitioner.id)):
        live = frozenset(m.slug for m in queries.verified_modalities(p))
        if not live:
            continue
        techniques = frozenset(t.slug for t in p.techniques if t.modality.slug in live)
        fees = [(f.amount, f.currency) for f in p.fees]
        base = dict(practitioner_id=p.id, modalities=live, techniques=techniques,
                    concerns=frozenset(c.slug for c in p.concerns), languages=tuple(p.languages),
                    min_price=min(a for a, _ in fees) if fees else None, currency=fees[0][1] if fees else None,
                    offers_online=p.offers_online)
        abroad = None  # online from outside the seeker's country (named as the page names it)
        if query.country is not None and p.home_country != query.country:
            abroad = country_in_sentence(p.home_country) or p.home_country
        options = []
        if center is not None and query.mode != "online":
            near = [(approx_km(*center, loc.lat, loc.lon), loc) for loc in p.locations
                    if not query.venue_type or str(loc.venue_type) == query.venue_type]
            near = [(d, loc) for d, loc in near if d <= query.radius_km]
            if near:
                d, loc = min(near, key=lambda x: (x[0], x[1].id))
                options.append(Candidate(**base, distance_km=d, venue_types=frozenset({str(loc.venue_type)})))
        if query.mode != "in_person" and p.offers_online:
            options.append(Candidate(**base, distance_km=None, abroad=abroad))
        best = None
        for c in options:
            if not matches_filters(c, query):
                continue
            s = score(c, query, weights, relevance=RELEVANCE)
            if query.concerns and s.relevance <= 0 and not (c.concerns & set(query.concerns)):
                continue
            key = (-s.score, math.inf if c.distance_km is None else c.distance_km, p.id)
            best = key if best is None or key < best else best
        if best is not None:
            hits.append(best)
    hits.sort()
    return [(pid, -neg) for neg, _, pid in hits[:need]]


QUERIES = [
    dict(concerns=("sciatica",)),
    dict(concerns=("back-spasm",), radius_km=8.0),
    dict(concerns=("neck-shoulder-tension",), cautions=frozenset({"bleeding-risk"})),
    dict(concerns=("pregnancy-postnatal-back-pain",), cautions=frozenset({"pregnancy"})),
    dict(concerns=("sciatica", "fibromyalgia"), language="Kannada"),
    dict(concerns=("back-spasm", "neck-shoulder-tension", "pregnancy-postnatal-back-pain")),
    dict(concerns=("sciatica", "back-spasm"), mode="any"),
    dict(concerns=("back-spasm",), mode="online"),
    dict(concerns=("back-spasm",), mode="in_person", max_price=150000, currency="INR"),
    dict(concerns=("fibromyalgia",), venue_type="clinic"),
    dict(concerns=(), radius_km=15.0),
    dict(concerns=("sciatica",), modality="physiotherapy"),
    # A filter reads only its own terms' rows, yet a practitioner's relevance counts
    # everything they offer: a weakly fitting filter must not hide a strong all-rounder.
    dict(concerns=("sciatica",), modality="massage"),
    dict(concerns=("neck-shoulder-tension",), modality="yoga-pilates"),
    dict(concerns=("back-spasm",), technique="deep-tissue-massage"),
    # A seeker's own country's online practitioners first: in India, in Britain (the in-person
    # crowd is Indian), and with a budget in pounds.
    dict(concerns=("sciatica", "back-spasm"), mode="any", country="IN"),
    dict(concerns=("back-spasm",), mode="online", country="GB"),
    dict(concerns=("neck-shoulder-tension",), mode="any", country="GB", max_price=8000, currency="GBP"),
    dict(concerns=(), mode="any", country="US"),
]


def _check_memory(kind: str, memory: PlaceMemory | None) -> None:
    """The variant really happened: rows held (some dense ones read through SQL), or evicted."""
    if memory is None:
        return
    lists = [rows for tile in memory._tiles.values() for rows in tile.pairs.values()]
    # (A memory this tiny may have just evicted every tile with rows: that it stayed within
    # bounds while loading is what shows there.)
    assert any(lists) or (kind == "tiny" and memory.loads > 0)
    if kind == "dense":
        assert any(rows is None for rows in lists)
    if kind == "heavy":
        assert any(tile.heavy for tile in memory._tiles.values())
        assert any(not tile.heavy for tile in memory._tiles.values())
    if kind == "tiny":
        assert memory.rows <= 40
    if kind == "lists":
        assert any(len(held.rows) >= 5 and not held.complete for held in memory._lists.values())
        assert any(held.complete for held in memory._lists.values())
    else:
        assert memory._lists  # the online and "any" queries read the lists through the memory


def _memory(kind: str, monkeypatch) -> PlaceMemory | None:  # noqa: ANN001
    """SQL only; a process's memory of cells; one so small it evicts all the time; one
    that finds many (tile, pair)s dense and reads them through SQL beside those it holds;
    one that finds whole tiles heavy; one that reads the online lists two rows at a time
    and keeps at most five of each (reading on through SQL beyond them); one filled
    beforehand with every term and concern of the whole area."""
    if kind == "sql":
        return None
    if kind == "dense":
        monkeypatch.setattr(memory_module, "DENSE_ROWS", 4)
    if kind == "heavy":
        monkeypatch.setattr(memory_module, "TILE_ROWS", 30)
    if kind == "lists":
        monkeypatch.setattr(memory_module, "LIST_BATCH", 2)
        monkeypatch.setattr(memory_module, "LIST_ROWS", 5)
    memory = PlaceMemory(40 if kind == "tiny" else 300_000)
    if kind == "preloaded":  # as gunicorn's master does before it forks: the whole crowd, one pass
        tax = _taxonomy()
        held = engine.preload(db.session, memory, _terms(tax, None, None), sorted(tax.concerns), 300_000, today(), 25.0)
        assert held > 0 and memory.loads == 1
    return memory


@pytest.mark.parametrize("kind", ["sql", "memory", "tiny", "dense", "heavy", "lists", "preloaded"])
def test_the_walk_returns_exactly_the_brute_force_top_k(app, crowd, monkeypatch, kind):
    # One crowd, many queries: building the crowd is the slow part.
    tax = _taxonomy()
    memory = _memory(kind, monkeypatch)
    for spec in QUERIES:
        query = Query(**spec)
        full = brute_force(query, CENTRE, 10_000)
        assert len(full) >= 3, spec  # the crowd gives every query something to rank
        for need in (1, 3, 10, 200):
            ranking = engine.rank(db.session, query, terms=_terms(tax, query.modality, query.technique), center=CENTRE,
                                  need=need, on=today(), relevance=RELEVANCE, memory=memory)
            got = [(h.candidate.practitioner_id, h.scored.score) for h in ranking.hits]
            assert got == full[:need], (spec, need)
            if ranking.total_is_exact:
                assert ranking.total == len(full), (spec, need)
            else:
                assert min(need, len(full)) <= ranking.total <= len(full), (spec, need)
    _check_memory(kind, memory)


@pytest.mark.parametrize("count_cap, rows_per_statement, kind", [(5, 1, "sql"), (25, 40, "sql"), (5, 1, "memory"),
                                                                 (25, 40, "dense"), (5, 1, "preloaded")])
def test_skipping_rows_that_cannot_reach_the_page_keeps_it_exact(app, crowd, monkeypatch, count_cap,
                                                                rows_per_statement, kind):
    """The crowd is smaller than the real count cap, so lower it (and the shell sizing) to
    make the walk skip rows and read in many small shells, as it does in a big city."""
    monkeypatch.setattr(engine, "COUNT_CAP", count_cap)
    monkeypatch.setattr(engine, "ROWS_PER_STATEMENT", rows_per_statement)
    tax = _taxonomy()
    memory = _memory(kind, monkeypatch)
    skipped = 0
    for spec in QUERIES:
        query = Query(**spec)
        full = brute_force(query, CENTRE, 10_000)
        for need in (1, 3, 10):
            ranking = engine.rank(db.session, query, terms=_terms(tax, query.modality, query.technique), center=CENTRE,
                                  need=need, on=today(), relevance=RELEVANCE, memory=memory)
            got = [(h.candidate.practitioner_id, h.scored.score) for h in ranking.hits]
            assert got == full[:need], (spec, need)
            # The reasons are built for the page only, but they are the full score's reasons.
            for hit in ranking.hits:
                assert hit.scored.reasons and hit.scored.score == score(hit.candidate, query).score
            if ranking.total_is_exact:
                assert ranking.total == len(full), (spec, need)
            else:
                skipped += 1
                assert min(need, len(full)) <= ranking.total <= len(full), (spec, need)
    assert skipped  # the lowered cap really made the walk skip rows somewhere
    _check_memory(kind, memory)


# Weights an admin may set (within the ranges the admin page allows): fit counting double
# and distance much more; fit counting half, distance nothing and price a lot; a short
# distance scale with online sessions as good as next door and no penalty from abroad;
# the declared concern and the language counting most.
ADMIN_WEIGHTS = [
    Weights(relevance=2.0, distance=1.0),
    Weights(relevance=0.5, distance=0.0, price=0.3),
    Weights(distance_half_km=2.0, online_distance=1.0, online_abroad=0.0),
    Weights(declared_concern=0.6, language=0.5, caution_preference=0.4, relevance=3.0),
    NEAREST_FIRST,  # the seeker's "nearest first": distance alone, fit only deciding who is in
]


@pytest.mark.parametrize("weights", ADMIN_WEIGHTS, ids=["fit-x2", "fit-half", "short-scale", "declared", "nearest"])
@pytest.mark.parametrize("kind", ["sql", "memory"])
def test_the_walk_stays_exact_under_the_weights_admins_set(app, crowd, monkeypatch, weights, kind):
    """The walk's bounds are in the score's units: whatever the weights, the page is what
    scoring everyone with them gives (with rows skipped, as in a big city)."""
    monkeypatch.setattr(engine, "COUNT_CAP", 5)
    monkeypatch.setattr(engine, "ROWS_PER_STATEMENT", 1)
    tax = _taxonomy()
    memory = _memory(kind, monkeypatch)
    for spec in QUERIES:
        query = Query(**spec)
        full = brute_force(query, CENTRE, 10_000, weights)
        for need in (1, 3, 10):
            ranking = engine.rank(db.session, query, terms=_terms(tax, query.modality, query.technique), center=CENTRE,
                                  need=need, on=today(), relevance=RELEVANCE, weights=weights, memory=memory)
            got = [(h.candidate.practitioner_id, h.scored.score) for h in ranking.hits]
            assert got == full[:need], (spec, need)
            assert min(need, len(full)) <= ranking.total <= len(full), (spec, need)


@pytest.mark.parametrize("kind", ["sql", "memory"])
def test_a_dense_shell_stops_scoring_rows_once_the_page_is_clear(app, crowd, monkeypatch, kind):
    """A city centre at a million practitioners puts thousands of rows in one shell. Once
    the count cap is reached inside it, the rest of the shell is held to the page's floor as
    it rises (rows that cannot reach the page are not scored), and the page stays exact."""
    monkeypatch.setattr(engine, "ROWS_PER_STATEMENT", 10**6)  # after the seeker's cell, one shell
    tax = _taxonomy()
    query = Query(concerns=("sciatica",))
    full = brute_force(query, CENTRE, 10_000)
    assert len(full) > 20

    def rank(count_cap: int) -> engine.Ranking:
        monkeypatch.setattr(engine, "COUNT_CAP", count_cap)
        ranking = engine.rank(db.session, query, terms=_terms(tax, None, None), center=CENTRE, need=1, on=today(),
                              relevance=RELEVANCE, memory=_memory(kind, monkeypatch))
        assert [(h.candidate.practitioner_id, h.scored.score) for h in ranking.hits] == full[:1]
        return ranking

    everyone, capped = rank(10**6), rank(5)
    assert everyone.queries == capped.queries  # the same shells...
    assert 5 <= capped.scored < everyone.scored  # ...but fewer practitioners scored in them
    assert not capped.total_is_exact and 5 <= capped.total < everyone.total
