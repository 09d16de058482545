"""Values a process works out once and keeps: small, bounded, tied to the data they come from
(pure Python, like the rest of matching; the search keeps its own values in it too)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
_MISSING = object()


class Memo(Generic[V]):
    """Values by key, worked out on first use and kept: at most ``size`` (past that, all are
    dropped and worked out again as they are asked for), and for one ``source`` at a time.
    The source is the data they come from, compared by identity: a new version of the
    admin-edited relevance table, or a new taxonomy snapshot, is a new object, so what came
    from the old one is dropped. Read what it returns; never change it."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._source: object = None
        self._values: dict[Hashable, V] = {}

    def get(self, key: Hashable, work: Callable[[], V], source: object = None) -> V:
        if source is not self._source:
            self._values, self._source = {}, source
        found = self._values.get(key, _MISSING)
        if found is _MISSING:
            if len(self._values) >= self.size:
                self._values.clear()
            found = self._values[key] = work()
        return found  # type: ignore[return-value]
