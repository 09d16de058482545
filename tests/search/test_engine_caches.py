"""What a process keeps between searches: score parts per query, dropped least recently
used first, never those of the search running."""

from __future__ import annotations

import pytest

from marketplace.matching.scoring import DEFAULT_WEIGHTS, RELEVANCE, Query
from marketplace.search import engine


@pytest.fixture
def parts(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(engine, "_parts_by_query", {})
    monkeypatch.setattr(engine, "_parts_kept", [0])
    monkeypatch.setattr(engine, "_PARTS_KEPT", 100)
    monkeypatch.setattr(engine, "_QUERIES_KEPT", 4)


def _fill(query: Query, n: int) -> dict:
    held = engine._parts_for(query, DEFAULT_WEIGHTS, RELEVANCE)
    for i in range(n):
        engine._keep_part(held, (i,), None)
    return held


def test_the_least_recently_searched_query_goes_first_and_the_running_one_stays(parts):
    a, b, c = (Query(concerns=(slug,)) for slug in ("sciatica", "back-spasm", "neck-shoulder-tension"))
    _fill(a, 40)
    _fill(b, 40)
    assert engine._parts_for(a, DEFAULT_WEIGHTS, RELEVANCE)  # a searched again: b is now the oldest
    held_c = _fill(c, 40)  # over the room: b's parts go, a's and c's stay
    assert len(held_c) == 40
    assert engine._parts_for(b, DEFAULT_WEIGHTS, RELEVANCE) == {}
    assert len(engine._parts_for(a, DEFAULT_WEIGHTS, RELEVANCE)) == 40
    assert len(engine._parts_for(c, DEFAULT_WEIGHTS, RELEVANCE)) == 40


def test_a_query_alone_over_the_room_starts_again(parts):
    a = Query(concerns=("sciatica",))
    held = _fill(a, 150)
    assert len(held) == 150  # the running search keeps its own...
    assert len(engine._parts_for(a, DEFAULT_WEIGHTS, RELEVANCE)) < 150  # ...the next one starts afresh


def test_new_matching_data_replaces_a_querys_parts(parts):
    a = Query(concerns=("sciatica",))
    _fill(a, 10)
    assert engine._parts_for(a, DEFAULT_WEIGHTS, dict(RELEVANCE)) == {}
    assert engine._parts_kept[0] == 0


def test_more_queries_than_allowed_drop_the_oldest(parts):
    queries = [Query(concerns=("sciatica",), language=f"Language {r}") for r in range(1, 8)]
    for q in queries:
        _fill(q, 1)
    assert len(engine._parts_by_query) <= engine._QUERIES_KEPT
    assert engine._parts_key(queries[-1], DEFAULT_WEIGHTS) in engine._parts_by_query
    assert engine._parts_key(queries[0], DEFAULT_WEIGHTS) not in engine._parts_by_query


def test_searches_that_differ_only_in_what_the_parts_do_not_read_share_them(parts):
    """The radius, the mode and the seeker's country do not change a practitioner's score
    parts (distance is added after): a search at 10 km and one at 50 km, in person or
    "any", from India or Britain, use one set; another concern or language does not."""
    shared = engine._parts_for(Query(concerns=("sciatica",)), DEFAULT_WEIGHTS, RELEVANCE)
    for other in (Query(concerns=("sciatica",), radius_km=10.0, mode="in_person"),
                  Query(concerns=("sciatica",), radius_km=50.0, mode="any", country="IN"),
                  Query(concerns=("sciatica",), mode="online", country="GB")):
        assert engine._parts_for(other, DEFAULT_WEIGHTS, RELEVANCE) is shared
    for other in (Query(concerns=("back-spasm",)), Query(concerns=("sciatica",), language="Hindi"),
                  Query(concerns=("sciatica",), max_price=5000, currency="GBP")):
        assert engine._parts_for(other, DEFAULT_WEIGHTS, RELEVANCE) is not shared
