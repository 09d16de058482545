"""How much each factor of the ranking counts, as admins set it.

The score (:func:`marketplace.matching.scoring.score`) adds up fit to the concern and a few
bounded extras; :class:`~marketplace.matching.scoring.Weights` says how much each counts.
Admins may change the factors below, each within its range, and one rule holds across them:
**fit counts more than every extra together**, so a practitioner whose therapies fit the
concern fully is never outranked by a nearer, cheaper one whose therapies do not fit at
all. Only changed factors are stored (``RankingFactor``); each edit is audited and bumps
the matching-data version, so every process ranks with the new weights at once (see
``taxonomy.matching``) and no cached answer outlives them. Services flush; the caller
commits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.audit import services as audit
from marketplace.core.errors import NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.matching.scoring import DEFAULT_WEIGHTS, Weights
from marketplace.taxonomy.matching_data import bump_matching_version, delete_or_gone, flush_or_conflict
from marketplace.taxonomy.models import RankingFactor

__all__ = ["EXTRAS", "FACTORS", "Factor", "FactorValue", "extras", "factor", "factor_value", "factor_values",
           "reset_factor", "set_factor", "stored_weights", "weights_from"]


@dataclass(frozen=True)
class Factor:
    name: str  # the field of Weights
    label: str
    help: str
    low: float
    high: float
    unit: str = ""


FACTORS: tuple[Factor, ...] = (
    Factor("relevance", "Fit to the concern",
           "Multiplies how well the practitioner's therapies fit the seeker's concern (0 to 1, from the "
           "relevance table). The factor everything else is weighed against.", 0.1, 5.0),
    Factor("distance", "Nearness",
           "Added in full for a practitioner next door, half at the half-distance, less and less further out.",
           0.0, 2.0),
    Factor("distance_half_km", "Half-distance",
           "How far away nearness counts half. Shorter suits a dense city; longer suits the countryside.",
           1.0, 100.0, "km"),
    Factor("declared_concern", "Says they treat the concern",
           "Added when the practitioner lists the seeker's concern among those they treat.", 0.0, 1.0),
    Factor("price", "Price",
           "Added in full for a free session, less as the price nears the seeker's budget (or, without one, "
           "a typical session price).", 0.0, 0.5),
    Factor("language", "Speaks the seeker's language", "Added when the seeker asked for a language they speak.",
           0.0, 1.0),
    Factor("caution_preference", "Suits the seeker's caution",
           "Added for each technique that suits a caution the seeker told us about (for example prenatal "
           "massage in pregnancy).", 0.0, 1.0),
    Factor("online_distance", "How near online sessions count",
           "The share of nearness an online session gets: 0 as if far away, 1 as if next door.", 0.0, 1.0),
    Factor("online_abroad", "Online from another country",
           "Taken off for an online practitioner not based in the seeker's country: their licence may not cover "
           "treating the seeker, and their day is not the seeker's.", 0.0, 5.0),
)
_BY_NAME = {f.name: f for f in FACTORS}
# What may add to a score besides fit: together they must stay below the fit's weight.
EXTRAS = ("declared_concern", "distance", "price", "language", "caution_preference")


@dataclass(frozen=True)
class FactorValue:
    factor: Factor
    value: float
    default: float

    @property
    def changed(self) -> bool:
        return self.value != self.default


def weights_from(values: Mapping[str, float]) -> Weights:
    """The packaged weights with ``values`` (by factor name) in place; unknown names (a
    factor a later release dropped) are left out."""
    known = {name: float(value) for name, value in values.items() if name in _BY_NAME}
    return replace(DEFAULT_WEIGHTS, **known) if known else DEFAULT_WEIGHTS


def _stored() -> dict[str, RankingFactor]:
    return {row.name: row for row in db.session.scalars(select(RankingFactor))}


def stored_weights() -> Weights:
    """The weights as this session reads them in the database (search reads a per-process
    snapshot of the same: ``taxonomy.matching.current_weights``)."""
    return weights_from({name: row.value for name, row in _stored().items()})


def factor_values() -> list[FactorValue]:
    """Every factor admins may change, in the page's order, with its value now."""
    weights = stored_weights()
    return [FactorValue(f, getattr(weights, f.name), getattr(DEFAULT_WEIGHTS, f.name)) for f in FACTORS]


def factor_value(name: str) -> FactorValue:
    """One factor with its value now; NotFound for an unknown name."""
    wanted = factor(name)
    return next(f for f in factor_values() if f.factor is wanted)


def factor(name: str) -> Factor:
    """The factor called ``name``; NotFound for an unknown one."""
    found = _BY_NAME.get((name or "").strip())
    if found is None:
        raise NotFound(f"No ranking factor {name!r}.")
    return found


def extras(weights: Weights) -> float:
    """What the extras together may add to a score (the rule: less than fit's weight)."""
    return sum(getattr(weights, name) for name in EXTRAS)


def _fits_over_extras(weights: Weights) -> None:
    together = extras(weights)
    if together >= weights.relevance:
        raise ValidationFailed.on_field(
            "value", f"Fit to the concern must count more than the extras together (now {weights.relevance:g} "
                     f"against {together:g}), so that a therapy that fits is never outranked by a nearer or cheaper "
                     "one that does not.")


def _save(chosen: Factor, value: float | None, actor: User) -> float:
    """Store ``value`` (None: back to the default) after the checks; audited, versioned."""
    stored = _stored()
    row = stored.get(chosen.name)
    values = {name: r.value for name, r in stored.items()}
    previous = getattr(weights_from(values), chosen.name)
    new = getattr(DEFAULT_WEIGHTS, chosen.name) if value is None else value
    if new == getattr(DEFAULT_WEIGHTS, chosen.name):
        values.pop(chosen.name, None)  # the default is not stored
    else:
        values[chosen.name] = new
    if new == previous and (chosen.name in values) == (row is not None):
        return new  # nothing to change
    _fits_over_extras(weights_from(values))
    if chosen.name not in values:
        if not delete_or_gone(row):
            return new  # another admin reset it a moment ago: already the default
    elif row is None:
        db.session.add(RankingFactor(name=chosen.name, value=new))
    else:
        row.value = new
    flush_or_conflict()  # another admin added or reset the same factor at the same moment: try again
    version = bump_matching_version()
    audit.record(actor, "matching.ranking.set" if value is not None else "matching.ranking.reset", "ranking", 0,
                 None, factor=chosen.name, value=new, previous=previous, version=version)
    return new


def set_factor(name: str, value: float, actor: User) -> float:
    """Set how much one factor counts; returns the value. NotFound for an unknown factor;
    ValidationFailed on ``value`` outside the factor's range or when the extras would
    together count as much as fit; Conflict (session rolled back) when another admin
    stored the same factor at the same moment. An unchanged value is a no-op."""
    wanted = factor(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not wanted.low <= value <= wanted.high:
        unit = f" {wanted.unit}" if wanted.unit else ""
        raise ValidationFailed.on_field("value", f"Give a number from {wanted.low:g} to {wanted.high:g}{unit}.")
    return _save(wanted, float(value), actor)


def reset_factor(name: str, actor: User) -> float:
    """Put one factor back to the packaged default; returns it. ValidationFailed when the
    extras would then count as much as fit (lower another extra first)."""
    return _save(factor(name), None, actor)
