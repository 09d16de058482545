"""How far apart two spellings are, for reading typos (concerns, place names)."""

from __future__ import annotations


def within_one_edit(a: str, b: str) -> bool:
    """Edit distance ≤ 1 (one insertion, deletion, substitution or adjacent swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = _first_difference(a, b)
    if la == lb:
        return a[i + 1:] == b[i + 1:] or _swapped_at(a, b, i)
    return a[i + 1:] == b[i:] if la > lb else a[i:] == b[i + 1:]


def one_swap_apart(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` with two letters next to each other swapped ("gurgoan",
    "gurgaon"): the likeliest slip, and the surest to read."""
    return len(a) == len(b) and a != b and _swapped_at(a, b, _first_difference(a, b))


def _first_difference(a: str, b: str) -> int:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return i


def _swapped_at(a: str, b: str, i: int) -> bool:
    return a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1]
