"""Small pieces of English the pages and messages share."""

from __future__ import annotations

from collections.abc import Sequence


def in_a_list(items: Sequence[str]) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c" ("" for none)."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
