"""The per-process memo behind the search's kept values (marketplace/matching/memo.py)."""

from __future__ import annotations

from types import MappingProxyType

from marketplace.matching.memo import Memo


def test_a_value_is_worked_out_once_per_key_and_source_and_within_the_bound():
    calls: list[str] = []
    memo: Memo[str] = Memo(size=2)

    def work(key: str):  # noqa: ANN202
        return lambda: calls.append(key) or key.upper()

    v1 = MappingProxyType({"x": 1})
    assert memo.get("a", work("a"), v1) == "A"
    assert memo.get("a", work("a"), v1) == "A"
    assert calls == ["a"]
    # A new version of the data (a new object, even with equal contents) drops what came from the old one.
    assert memo.get("a", work("a"), MappingProxyType({"x": 1})) == "A"
    assert calls == ["a", "a"]
    # Past the bound everything is dropped and worked out again as asked for.
    memo.get("b", work("b"), memo._source)
    memo.get("c", work("c"), memo._source)
    memo.get("a", work("a"), memo._source)
    assert calls == ["a", "a", "b", "c", "a"]
    assert len(memo._values) <= 2
