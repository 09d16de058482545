"""Money arithmetic for packages: splitting an amount exactly, and the saving against
single sessions. Pure integers in minor units; no floats, no database, no Flask."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Saving", "SingleFee", "comparable_fee", "largest_remainder", "saving_against"]


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` minor units in proportion to ``weights`` so the parts add up to
    ``total`` exactly (Hamilton's method): everyone gets the floor of their exact share,
    and the units left over go one each to the largest remainders (ties to the earlier
    weight, so the split is deterministic).

    All-zero weights split evenly. Raises ValueError for a negative total or weight, or
    for no weights at all with a non-zero total.
    """
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("total and weights must not be negative")
    if not weights:
        if total:
            raise ValueError("cannot split a non-zero amount between nobody")
        return []
    if not any(weights):
        weights = [1] * len(weights)
    denominator = sum(weights)
    parts = [total * w // denominator for w in weights]
    remainders = [total * w % denominator for w in weights]
    left = total - sum(parts)
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class SingleFee:
    """A practitioner's priced single session."""

    label: str
    minutes: int
    amount: int
    currency: str


def comparable_fee(fees: Sequence[SingleFee], minutes: int, currency: str) -> SingleFee | None:
    """The cheapest single session in ``currency`` lasting exactly ``minutes``: the
    honest price to compare a package session with. None when there is none."""
    same = [f for f in fees if f.minutes == minutes and f.currency == currency]
    return min(same, key=lambda f: (f.amount, f.label)) if same else None


@dataclass(frozen=True)
class Saving:
    """What the package saves against buying the same sessions one at a time."""

    singles_total: int
    amount: int
    percent: int  # whole percent, rounded half up


def saving_against(price: int, singles: Sequence[tuple[int, SingleFee | None]]) -> Saving | None:
    """The saving of a package costing ``price`` over ``singles``, a list of (number of
    sessions, comparable single fee) per component. None when a component has no
    comparable fee (we would be guessing) or when the package saves nothing."""
    if not singles or any(fee is None for _, fee in singles):
        return None
    total = sum(n * fee.amount for n, fee in singles if fee is not None)
    amount = total - price
    if total <= 0 or amount <= 0:
        return None
    return Saving(singles_total=total, amount=amount, percent=(amount * 200 + total) // (2 * total))
