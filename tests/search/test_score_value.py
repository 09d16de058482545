"""Ranking uses the numbers-only score_value(); the page shows score(). They must agree
exactly, or the page would be ordered by one score and show another."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.matching.safety import CAUTIONS
from marketplace.matching.scoring import RELEVANCE, TYPICAL_SESSION_PRICE, Candidate, Query, score, score_value

CONCERNS = sorted({c for c, _ in RELEVANCE})
TERMS = sorted({t for _, t in RELEVANCE})
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)

candidates = st.builds(
    Candidate,
    practitioner_id=st.integers(1, 10**6),
    modalities=st.frozensets(st.sampled_from(TERMS), max_size=4),
    techniques=st.frozensets(st.sampled_from(TERMS), max_size=4),
    concerns=st.frozensets(st.sampled_from(CONCERNS), max_size=3),
    distance_km=st.none() | st.floats(0, 400, allow_nan=False),
    min_price=st.none() | st.integers(0, 400_000),
    currency=st.none() | st.sampled_from(sorted(TYPICAL_SESSION_PRICE) + ["XOF"]),
    is_verified=st.booleans(),
    languages=st.lists(st.sampled_from(["English", "hindi", "hi", "Tamil", "es"]), max_size=3).map(tuple),
    rating=st.none() | st.floats(-1, 6, allow_nan=False),
    next_available=st.none() | st.integers(-3, 40 * 24).map(lambda h: NOW + timedelta(hours=h)),
    abroad=st.none() | st.sampled_from(["", "India"]),
)
queries = st.builds(
    Query,
    concerns=st.lists(st.sampled_from(CONCERNS), max_size=3, unique=True).map(tuple),
    max_price=st.none() | st.integers(0, 300_000),
    currency=st.none() | st.sampled_from(["INR", "GBP", "USD"]),
    language=st.none() | st.sampled_from(["English", "hindi", "Tamil"]),
    cautions=st.frozensets(st.sampled_from(sorted(CAUTIONS)), max_size=2),
    declined=st.frozensets(st.sampled_from(TERMS), max_size=2),  # therapies turned down
    now=st.none() | st.just(NOW),
)


@settings(max_examples=400, deadline=None)
@given(candidates, queries)
def test_score_value_is_exactly_the_score_and_relevance_of_score(candidate, query):
    full = score(candidate, query)
    value = score_value(candidate, query)
    assert value.score == full.score
    assert value.relevance == full.relevance


@settings(max_examples=300, deadline=None)
@given(candidates, queries)
def test_a_score_worked_out_from_the_kept_part_is_the_score_worked_out_afresh(candidate, query):
    """score() keeps what depends on the profile and the query's concerns and cautions, for
    a read-only relevance table (the admin-edited one); a plain dict is never kept. Both
    ways, and a second time from what was kept, give the same score, reasons and notes."""
    from types import MappingProxyType

    read_only = MappingProxyType(dict(RELEVANCE))
    fresh = score(candidate, query, relevance=dict(RELEVANCE))
    assert score(candidate, query, relevance=read_only) == fresh
    assert score(candidate, query, relevance=read_only) == fresh
