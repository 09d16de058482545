"""Pure ranking: one candidate practitioner + one query → a score and its reasons.

No database and no Flask: the search service fetches candidates (already filtered to
verified, unsuspended practitioners and their verified modalities), builds
:class:`Candidate` and :class:`Query` values and calls :func:`rank`. Weights and the
relevance table are data with defaults, so admins can edit them and benchmarks can vary
them. Also here: the cheap distance and bounding-box helpers the candidate query needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Literal, NamedTuple

from marketplace.core.money import format_money_plainly
from marketplace.core.wording import mid_sentence
from marketplace.geo.distance import BoundingBox, approx_km, bounding_box  # noqa: F401 - re-exported
from marketplace.matching.memo import Memo
from marketplace.matching.phrases import CONCERN_NAMES, MODALITY_NAMES, TECHNIQUE_NAMES
from marketplace.matching.safety import CautionNote, CautionOutcome, apply_cautions

__all__ = [
    "DEFAULT_WEIGHTS", "NAMES", "RELEVANCE", "TYPICAL_SESSION_PRICE", "BoundingBox", "Candidate", "Query",
    "ScoreValue", "Scored", "Weights", "approx_km", "bounding_box", "matches_filters", "rank", "score",
    "score_value",
]

# --- Relevance: how well a modality or technique fits a concern (0..1) ------------------------
# From the domain brief and its sources; technique rows refine their modality where the
# sources single a technique out (prenatal massage in pregnancy, dry needling for trigger
# points, exercise for chronic pain). Admins edit the table; this is the seed.
_RELEVANCE_ROWS: dict[str, dict[str, float]] = {
    "back-spasm": {"massage": .9, "acupuncture": .8, "physiotherapy": .8, "tui-na": .7, "manual-therapy": .7,
                   "cupping": .6, "chiropractic": .6, "ayurveda": .4, "yoga-pilates": .3, "herbal-medicine": .2,
                   "medical-massage": .9, "deep-tissue-massage": .8, "electro-acupuncture": .8, "distal-needling": .8,
                   "myofascial-release": .7, "stretching-mobility": .7, "spinal-manipulation": .6, "kati-basti": .5},
    "recurring-back-spasm": {"physiotherapy": .9, "acupuncture": .8, "massage": .7, "manual-therapy": .7,
                             "yoga-pilates": .7, "tui-na": .6, "chiropractic": .6, "posture-coaching": .6,
                             "cupping": .5, "ayurveda": .4, "core-strengthening": .9, "exercise-therapy": .9,
                             "electro-acupuncture": .8, "posture-training": .8, "clinical-pilates": .8},
    "chronic-low-back-pain": {"physiotherapy": .9, "acupuncture": .8, "yoga-pilates": .8, "massage": .6,
                              "chiropractic": .6, "manual-therapy": .6, "posture-coaching": .6, "tui-na": .5,
                              "ayurveda": .5, "cupping": .4, "herbal-medicine": .2, "exercise-therapy": 1.0,
                              "core-strengthening": .9, "therapeutic-yoga": .8, "clinical-pilates": .8,
                              "kati-basti": .6, "spinal-manipulation": .6},
    "upper-back-pain": {"massage": .8, "physiotherapy": .8, "cupping": .8, "acupuncture": .7, "manual-therapy": .7,
                        "tui-na": .7, "posture-coaching": .7, "yoga-pilates": .6, "chiropractic": .5,
                        "dry-needling": .8, "posture-training": .8, "gua-sha": .7},
    "neck-shoulder-tension": {"massage": .9, "acupuncture": .8, "cupping": .8, "manual-therapy": .7, "tui-na": .7,
                              "physiotherapy": .7, "posture-coaching": .6, "yoga-pilates": .6, "ayurveda": .4,
                              "dry-needling": .9, "deep-tissue-massage": .8, "gua-sha": .7, "shiatsu": .7},
    "sciatica": {"physiotherapy": .9, "acupuncture": .7, "massage": .5, "chiropractic": .5, "manual-therapy": .5,
                 "yoga-pilates": .5, "tui-na": .4, "ayurveda": .3, "exercise-therapy": .9, "electro-acupuncture": .8,
                 "spinal-mobilisation": .7, "myofascial-release": .5},
    "piriformis-syndrome": {"physiotherapy": .9, "massage": .8, "acupuncture": .7, "manual-therapy": .7,
                            "yoga-pilates": .6, "tui-na": .5, "dry-needling": .9, "sports-massage": .8,
                            "deep-tissue-massage": .8, "myofascial-release": .8, "stretching-mobility": .8},
    "it-band-tightness": {"physiotherapy": .9, "massage": .8, "manual-therapy": .7, "acupuncture": .6,
                          "yoga-pilates": .5, "cupping": .5, "sports-massage": .9, "myofascial-release": .9,
                          "dry-needling": .8, "stretching-mobility": .8},
    "disc-related-pain": {"physiotherapy": .9, "acupuncture": .5, "yoga-pilates": .5, "massage": .4,
                          "chiropractic": .4, "manual-therapy": .4, "exercise-therapy": .9, "core-strengthening": .8,
                          "clinical-pilates": .6},
    "fibromyalgia": {"acupuncture": .7, "yoga-pilates": .7, "physiotherapy": .7, "massage": .6, "ayurveda": .5,
                     "tui-na": .4, "manual-therapy": .4, "herbal-medicine": .3, "therapeutic-yoga": .8,
                     "exercise-therapy": .8, "manual-lymphatic-drainage": .5, "abhyanga": .5},
    "arthritis-back-pain": {"physiotherapy": .9, "acupuncture": .7, "yoga-pilates": .6, "massage": .5,
                            "ayurveda": .5, "manual-therapy": .4, "herbal-medicine": .3, "exercise-therapy": .9,
                            "therapeutic-yoga": .7, "moxibustion": .5, "kati-basti": .5},
    "posture-desk-pain": {"posture-coaching": 1.0, "physiotherapy": .9, "yoga-pilates": .8, "massage": .6,
                          "manual-therapy": .5, "acupuncture": .5, "chiropractic": .5, "ergonomic-assessment": 1.0,
                          "posture-correction": 1.0, "posture-training": .9, "clinical-pilates": .8,
                          "core-strengthening": .7},
    "stress-tension": {"massage": .9, "yoga-pilates": .8, "acupuncture": .7, "ayurveda": .7, "manual-therapy": .6,
                       "tui-na": .6, "cupping": .5, "abhyanga": .8, "shiatsu": .8, "therapeutic-yoga": .8,
                       "auricular-acupuncture": .6},
    "sports-injury": {"physiotherapy": .9, "massage": .8, "acupuncture": .6, "manual-therapy": .6, "cupping": .5,
                      "chiropractic": .4, "sports-massage": 1.0, "dry-needling": .8, "exercise-therapy": .8,
                      "stretching-mobility": .7},
    "post-accident-pain": {"physiotherapy": .9, "acupuncture": .7, "massage": .7, "manual-therapy": .6,
                           "chiropractic": .5, "tui-na": .5, "medical-massage": .8, "exercise-therapy": .8,
                           "spinal-mobilisation": .7},
    "pregnancy-postnatal-back-pain": {"massage": .8, "physiotherapy": .8, "yoga-pilates": .7, "acupuncture": .5,
                                      "manual-therapy": .4, "ayurveda": .4, "prenatal-massage": 1.0,
                                      "therapeutic-yoga": .7, "clinical-pilates": .7, "core-strengthening": .6},
}
RELEVANCE: dict[tuple[str, str], float] = {(c, s): w for c, row in _RELEVANCE_ROWS.items() for s, w in row.items()}

# Display names for reasons; a modality's name wins over a technique with the same slug.
NAMES: dict[str, str] = {**TECHNIQUE_NAMES, **MODALITY_NAMES, **CONCERN_NAMES}

# A rough price for one session, in minor units, to say "lower price than typical" when
# the seeker set no budget. Currencies not listed get no price bonus at all.
TYPICAL_SESSION_PRICE: dict[str, int] = {
    "GBP": 6000, "EUR": 7000, "USD": 9000, "CAD": 10000, "AUD": 11000, "INR": 150000, "SGD": 10000, "AED": 30000,
}
_LANGUAGE_CODES = {"en": "english", "hi": "hindi", "es": "spanish", "fr": "french", "de": "german",
                   "zh": "chinese", "ar": "arabic", "bn": "bengali", "pa": "punjabi", "ur": "urdu", "ta": "tamil",
                   "te": "telugu", "mr": "marathi", "gu": "gujarati", "pt": "portuguese", "it": "italian",
                   "ja": "japanese", "ko": "korean", "ru": "russian", "pl": "polish", "ml": "malayalam"}


@dataclass(frozen=True)
class Weights:
    """How much each factor counts. Relevance dominates on purpose: a practitioner who
    fits the concern should beat a nearer one who doesn't, "within reason"."""

    relevance: float = 1.0
    declared_concern: float = 0.15
    distance: float = 0.3
    distance_half_km: float = 8.0  # distance factor 1 / (1 + d / h): 1 at 0 km, 0.5 at h km
    online_distance: float = 0.5  # online sessions count as if h km away: neither near nor far
    # An online session with someone not known to be based in the seeker's country: about
    # a whole point of relevance, so they come after the people at home unless nobody
    # there fits (their licence may not cover treating the seeker, and their day is not
    # the seeker's).
    online_abroad: float = 1.0
    verified: float = 0.1
    price: float = 0.05  # small: price is a tiebreaker, not a reason to see the wrong person
    language: float = 0.1
    rating: float = 0.1  # hook: contributes 0 while ratings are None
    availability: float = 0.05  # hook: contributes 0 while next_available is None
    caution_preference: float = 0.15
    strong_fit: float = 0.7  # relevance at which a reason says "commonly used for"
    some_fit: float = 0.4  # ... "can help with"; below it, no reason


DEFAULT_WEIGHTS = Weights()


# Results ordered by distance alone, when the seeker asks for the nearest first: the same
# practitioners as the best matches (the same filters, and a therapy that fits or a declared
# concern), then online sessions, those based in the seeker's country first.
NEAREST_FIRST = Weights(relevance=0.0, declared_concern=0.0, distance=1.0, online_distance=0.0, online_abroad=1.0,
                        verified=0.0, price=0.0, language=0.0, rating=0.0, availability=0.0, caution_preference=0.0)


def how_ordered(w: Weights, online: bool = True, concern: bool = True) -> list[str]:
    """How results are ordered under these weights, in the seeker's words, biggest factor
    first (said on the results page, so it stays true whatever admins set); ``online``: the
    results may include online sessions; ``concern``: the seeker named one to fit."""
    if w == NEAREST_FIRST:
        lines = ["Nearest first: the practitioners whose verified therapies fit what you told us, or who say they "
                 "treat it, ordered by how far away they are. Choose “Best match” to put the best fit first."
                 if concern else "Nearest first: everyone who matches your search, ordered by how far away they are."]
        if online:
            lines.append("Online sessions come after the places you can visit, those based in your country first.")
        lines.append("We only show practitioners whose licence we have checked. Nobody can pay to be placed higher.")
        return lines
    extras = [
        (w.distance, f"how near they are (someone {w.distance_half_km:g} km away counts half as near as someone "
                     "next door)"),
        (w.declared_concern if concern else 0.0, "whether they say they treat your concern"),
        (w.language, "whether they speak the language you asked for"),
        (w.caution_preference, "techniques that suit what you told us about your health"),
        (w.price, "a lower price, against a typical session or within your budget"),
    ]
    said = [text for weight, text in sorted(extras, key=lambda e: -e[0]) if weight > 0]
    if concern:
        lines = ["Best fit first: how well the therapies each practitioner is verified for fit what you told us, as "
                 "the guidelines on each result describe."]
        if said:
            lines.append("Then, counting for less: " + "; ".join(said) + ". All of these together count for less "
                         "than fit.")
    else:
        lines = ["With no concern to fit, we list everyone who matches the rest of your search"
                 + (", ordered by: " + "; ".join(said) if said else "") + ". Tell us what hurts to put the best fit "
                 "first."]
    if online and w.online_abroad > 0:
        lines.append("Online, practitioners based in your country come before those based elsewhere, whose "
                     "licence may not cover treating you.")
    lines.append("We only show practitioners whose licence we have checked. Nobody can pay to be placed higher; "
                 "equal scores go to the nearer practitioner.")
    return lines


@dataclass(frozen=True)
class Candidate:
    """One practitioner as the ranking sees them. ``distance_km`` is ``None`` for an
    online listing; money is integer minor units plus an ISO 4217 code."""

    practitioner_id: int
    modalities: frozenset[str]
    techniques: frozenset[str] = frozenset()
    concerns: frozenset[str] = frozenset()
    distance_km: float | None = None
    min_price: int | None = None
    currency: str | None = None
    is_verified: bool = True
    languages: tuple[str, ...] = ()
    rating: float | None = None  # 0..5, filled by a later issue
    next_available: datetime | None = None  # filled by a later issue
    offers_online: bool = False
    venue_types: frozenset[str] = frozenset()
    gender: str | None = None  # as they stated it (a Gender value), if they did
    # Online, for a seeker whose country is known (see :attr:`Query.country`), and this
    # practitioner is not known to be based there: the name of the country they are based
    # in ("" when it is not listed). None otherwise.
    abroad: str | None = None


@dataclass(frozen=True)
class Query:
    """What the seeker asked for. ``max_price`` is in ``currency`` minor units."""

    concerns: tuple[str, ...] = ()
    radius_km: float = 25.0
    mode: Literal["in_person", "online", "any"] = "any"
    max_price: int | None = None
    currency: str | None = None
    language: str | None = None
    modality: str | None = None
    technique: str | None = None
    # Modalities or techniques of which the practitioner must offer one (words that ask for
    # several: "cupping or massage"), or every one when ``together`` ("a physio who does dry
    # needling"); ``modality`` and ``technique`` hold one.
    therapies: tuple[str, ...] = ()
    together: bool = False
    venue_type: str | None = None
    gender: str | None = None  # only practitioners who stated this gender
    cautions: frozenset[str] = frozenset()
    # Modalities or techniques the seeker turned down ("no acupuncture"): left out of what
    # each practitioner offers them, as a caution that rules them out would be
    declined: frozenset[str] = frozenset()
    now: datetime | None = None  # for the availability hook
    # The seeker's country (ISO code), when online results are wanted near a known place:
    # online practitioners based elsewhere count :attr:`Weights.online_abroad` less.
    country: str | None = None


@dataclass(frozen=True)
class Scored:
    """A score (higher is better; only comparable under the same weights) and the reasons
    behind it, most important first. ``notes`` are the caution notes for this seeker;
    ``excluded`` is True when cautions rule out everything this practitioner offers."""

    score: float
    reasons: list[str]
    notes: list[CautionNote] = field(default_factory=list)
    relevance: float = 0.0
    excluded: bool = False


def _plain(name: str) -> str:
    return name.split(" (")[0]


def _language_key(language: str) -> str:
    key = language.strip().lower()
    return _LANGUAGE_CODES.get(key, key)


def score(candidate: Candidate, query: Query, weights: Weights = DEFAULT_WEIGHTS, *,
          relevance: Mapping[tuple[str, str], float] = RELEVANCE, names: Mapping[str, str] = NAMES) -> Scored:
    """Score one candidate for one query. Pure and deterministic; never raises on unknown
    slugs (they just add nothing)."""
    total, head_reasons, other, notes, rel, excluded = _explained_head(
        candidate.modalities, candidate.techniques, candidate.concerns, query.concerns, query.cautions, query.declined,
        weights,
        relevance, names)
    w, other = weights, list(other)
    if candidate.distance_km is None:
        total += w.distance * w.online_distance
        other.append("Offers online sessions")
        if candidate.abroad is not None:
            total -= w.online_abroad
            other.append(f"Based in {candidate.abroad}, outside the country you searched in" if candidate.abroad
                         else "Where they are based is not listed")
    else:
        d = max(candidate.distance_km, 0.0)
        total += w.distance / (1.0 + d / w.distance_half_km)
        shown = round(d, 2)  # as results carry it, so the card's "7.9 km away" and this one agree
        other.append(f"{shown:.1f} km away" if shown < 10 else f"{shown:.0f} km away")
    if query.language and any(_language_key(x) == _language_key(query.language) for x in candidate.languages):
        total += w.language
        other.append(f"Speaks {_language_key(query.language).title()}")
    price_score, price_reason = _price(candidate, query)
    total += w.price * price_score
    if price_reason:
        other.append(price_reason)
    if candidate.rating is not None:
        total += w.rating * min(max(candidate.rating / 5.0, 0.0), 1.0)
        if candidate.rating >= 4.0:
            other.append(f"Rated {candidate.rating:.1f} out of 5")
    if candidate.next_available is not None and query.now is not None:
        days = max((candidate.next_available - query.now).total_seconds() / 86400.0, 0.0)
        total += w.availability / (1.0 + days / 7.0)
        if days <= 7:
            other.append("Available today" if days < 1 else f"Available within {math.ceil(days)} days")
    if candidate.is_verified:
        total += w.verified
        other.append("Verified credentials")
    return Scored(round(total, 6), [*head_reasons, *other], list(notes), round(rel, 6), excluded)


# The part of a score that depends on what a practitioner offers and declares and on the
# query's concerns and cautions, with its reasons, worked out once per combination (a
# results page scores the same few combinations over and over). Kept only for a read-only
# relevance table (the admin-edited one: a new version is a new mapping) and the fixed
# names, one table at a time (held, so it is compared by identity); a plain dict a caller
# might change is worked out afresh each time.
_heads: Memo[tuple] = Memo(65_536)


def _explained_head(modalities: frozenset[str], techniques: frozenset[str], concerns: frozenset[str],
                    wanted: tuple[str, ...], cautions: frozenset[str], declined: frozenset[str], weights: Weights,
                    relevance: Mapping[tuple[str, str], float], names: Mapping[str, str]) -> tuple:
    """(total so far, the declared and fit reasons, the "trained in" reasons, the caution
    notes, relevance, excluded) as :func:`score` adds them before the distance."""
    def work() -> tuple:
        return _work_out_head(modalities, techniques, concerns, wanted, cautions, declined, weights, relevance, names)

    if not isinstance(relevance, MappingProxyType) or names is not NAMES:
        return work()
    return _heads.get((modalities, techniques, concerns, wanted, cautions, declined, weights), work, relevance)


def _work_out_head(modalities: frozenset[str], techniques: frozenset[str], concerns: frozenset[str],
                   wanted: tuple[str, ...], cautions: frozenset[str], declined: frozenset[str], weights: Weights,
                   relevance: Mapping[tuple[str, str], float], names: Mapping[str, str]) -> tuple:
    w = weights
    offered_modalities = modalities
    notes, preferred = [], frozenset()
    excluded = False
    if cautions or declined:
        outcome = apply_cautions(cautions, techniques, modalities, declined=declined)
        modalities = modalities - outcome.excluded_modalities
        techniques = techniques - outcome.excluded_techniques
        preferred = outcome.preferred_techniques
        notes = [n for n in outcome.notes if n.technique_or_modality not in preferred]
        excluded = bool(offered_modalities) and not modalities
    offered = sorted(modalities) + sorted(techniques)  # modalities first: their names read better
    declared_reasons, fit_reasons, other = [], [], []
    rel_sum = declared = 0.0
    for concern in wanted:
        best, best_slug = 0.0, None
        for slug in offered:
            value = relevance.get((concern, slug), 0.0)
            if value > best:
                best, best_slug = value, slug
        rel_sum += best
        concern_name = mid_sentence(names.get(concern, concern.replace("-", " ")))
        if concern in concerns:
            declared += 1
            declared_reasons.append(f"Treats {concern_name}")
        if best_slug is not None and best >= w.some_fit:
            what = _plain(names.get(best_slug, best_slug))
            verb = "is commonly used for" if best >= w.strong_fit else "can help with"
            fit_reasons.append(f"{what} {verb} {concern_name}")
    n = len(wanted)
    rel = rel_sum / n if n else 0.0
    total = w.relevance * rel + (w.declared_concern * declared / n if n else 0.0)
    for t in sorted(preferred):
        total += w.caution_preference
        other.append(f"Trained in {mid_sentence(names.get(t, t))}")
    return total, tuple(declared_reasons + fit_reasons), tuple(other), tuple(notes), rel, excluded


class ScoreValue(NamedTuple):
    """The numbers of :func:`score` without its words: ``score`` equals
    ``score(...).score`` and ``relevance`` equals ``score(...).relevance``, bit for bit."""

    score: float
    relevance: float


class ScoreParts(NamedTuple):
    """Everything :func:`score_value` adds but the distance: ``head`` (relevance, the
    declared concern and caution preferences, summed as :func:`score` sums them), then
    ``tail``, the terms added after the distance, in order. A practitioner's parts are the
    same wherever the seeker stands, so a ranking can work them out once per profile."""

    head: float
    tail: tuple[float, ...]
    relevance: float


def score_parts(candidate: Candidate, query: Query, weights: Weights = DEFAULT_WEIGHTS, *,
                relevance: Mapping[tuple[str, str], float] = RELEVANCE) -> ScoreParts:
    """:func:`score_value` without the distance (``candidate.distance_km`` is not read)."""
    w = weights
    modalities, techniques, preferred = candidate.modalities, candidate.techniques, frozenset()
    if query.cautions or query.declined:
        outcome = apply_cautions(query.cautions, techniques, modalities, declined=query.declined)
        modalities = modalities - outcome.excluded_modalities
        techniques = techniques - outcome.excluded_techniques
        preferred = outcome.preferred_techniques
    rel_sum = declared = 0.0
    for concern in query.concerns:
        best = 0.0
        for slug in modalities:
            value = relevance.get((concern, slug), 0.0)
            if value > best:
                best = value
        for slug in techniques:
            value = relevance.get((concern, slug), 0.0)
            if value > best:
                best = value
        rel_sum += best
        if concern in candidate.concerns:
            declared += 1
    n = len(query.concerns)
    rel = rel_sum / n if n else 0.0
    head = w.relevance * rel + (w.declared_concern * declared / n if n else 0.0)
    for _ in preferred:
        head += w.caution_preference
    tail = []
    if query.language and any(_language_key(x) == _language_key(query.language) for x in candidate.languages):
        tail.append(w.language)
    tail.append(w.price * _price_factor(candidate, query))
    if candidate.rating is not None:
        tail.append(w.rating * min(max(candidate.rating / 5.0, 0.0), 1.0))
    if candidate.next_available is not None and query.now is not None:
        days = max((candidate.next_available - query.now).total_seconds() / 86400.0, 0.0)
        tail.append(w.availability / (1.0 + days / 7.0))
    if candidate.is_verified:
        tail.append(w.verified)
    return ScoreParts(head, tuple(tail), round(rel, 6))


def finish_score(parts: ScoreParts, distance_km: float | None, weights: Weights = DEFAULT_WEIGHTS,
                 abroad: bool = False) -> ScoreValue:
    """The score of ``parts`` at ``distance_km`` (None: online, from ``abroad`` or not),
    added in :func:`score`'s order."""
    w = weights
    total = parts.head
    if distance_km is None:
        total += w.distance * w.online_distance
        if abroad:
            total -= w.online_abroad
    else:
        total += w.distance / (1.0 + max(distance_km, 0.0) / w.distance_half_km)
    for term in parts.tail:
        total += term
    return ScoreValue(round(total, 6), parts.relevance)


def score_value(candidate: Candidate, query: Query, weights: Weights = DEFAULT_WEIGHTS, *,
                relevance: Mapping[tuple[str, str], float] = RELEVANCE) -> ScoreValue:
    """:func:`score` without reason strings, for ranking many candidates and explaining
    only the page. It adds the same terms in the same order as :func:`score`, so the
    rounded totals are identical (a property test holds the two together)."""
    return finish_score(score_parts(candidate, query, weights, relevance=relevance), candidate.distance_km, weights,
                        candidate.abroad is not None)


def _price_factor(candidate: Candidate, query: Query) -> float:
    """The number :func:`_price` returns, without building its reason."""
    if candidate.min_price is None or candidate.currency is None:
        return 0.0
    if query.max_price is not None:
        if (query.currency or candidate.currency) != candidate.currency or candidate.min_price > query.max_price:
            return 0.0
        return 1.0 - candidate.min_price / query.max_price if query.max_price else 1.0
    return typical_price_factor(candidate.min_price, candidate.currency)


def _price(candidate: Candidate, query: Query) -> tuple[float, str | None]:
    """0..1 price factor and its reason. Cheaper only counts within the seeker's budget, or
    against a typical price for the currency when no budget is set."""
    if candidate.min_price is None or candidate.currency is None:
        return 0.0, None
    if query.max_price is not None:
        if (query.currency or candidate.currency) != candidate.currency or candidate.min_price > query.max_price:
            return 0.0, None
        return (1.0 - candidate.min_price / query.max_price if query.max_price else 1.0), "Within your budget"
    factor = typical_price_factor(candidate.min_price, candidate.currency)
    typical = TYPICAL_SESSION_PRICE.get(candidate.currency.upper(), 0)
    if not factor or candidate.min_price > 0.8 * typical:
        return factor, None
    # Say against what: a seeker in London reading a rupee price should not take it as
    # cheap for London.
    typical_text = format_money_plainly(typical, candidate.currency.upper())
    return factor, f"Lower price than a typical {typical_text} session"


def typical_price_factor(amount: int | None, currency: str | None) -> float:
    """How far below a typical session price ``amount`` is (0..1); 0 for unknown
    currencies and prices at or above typical. The search index stores it per row."""
    if amount is None or currency is None:
        return 0.0
    typical = TYPICAL_SESSION_PRICE.get(currency.upper())
    if not typical or amount >= typical:
        return 0.0
    return min(1.0, (typical - amount) / typical)


def matches_filters(candidate: Candidate, query: Query) -> bool:
    """The query's hard filters: mode and radius, modality, technique (or one of several
    therapies), budget (only in the query's currency), language, venue type, the
    practitioner's gender (as stated), and cautions or therapies turned down that rule out
    everything they offer."""
    if candidate.distance_km is None:
        if query.mode == "in_person" or not candidate.offers_online:
            return False
    elif query.mode == "online" or candidate.distance_km > query.radius_km:
        return False
    if query.modality and query.modality not in candidate.modalities:
        return False
    if query.technique and query.technique not in candidate.techniques:
        return False
    if query.therapies and not _offers(candidate, query.therapies, query.together):
        return False
    if query.max_price is not None and (candidate.min_price is None or candidate.min_price > query.max_price
                                        or (query.currency or candidate.currency) != candidate.currency):
        return False
    if query.language and not any(_language_key(x) == _language_key(query.language) for x in candidate.languages):
        return False
    if query.venue_type and candidate.distance_km is not None and query.venue_type not in candidate.venue_types:
        return False
    if query.gender and candidate.gender != query.gender:
        return False
    if query.cautions or query.declined:
        outcome = apply_cautions(query.cautions, candidate.techniques, candidate.modalities, declined=query.declined)
        if candidate.modalities and candidate.modalities <= outcome.excluded_modalities:
            return False
        if query.technique and query.technique in outcome.excluded_techniques:
            return False
        if query.modality and query.modality in outcome.excluded_modalities:
            return False
        if query.therapies and not _offers(candidate, query.therapies, query.together, outcome):
            return False
    return True


def _offers(candidate: Candidate, therapies: tuple[str, ...], every: bool,
            cautions: CautionOutcome | None = None) -> bool:
    """Whether ``candidate`` offers one of ``therapies`` (modality or technique slugs), or
    ``every`` one, that ``cautions`` (the seeker's, applied to them) leave in."""
    out_m, out_t = (cautions.excluded_modalities, cautions.excluded_techniques) if cautions else ((), ())
    offered = ((t in candidate.modalities and t not in out_m) or (t in candidate.techniques and t not in out_t)
               for t in therapies)
    return all(offered) if every else any(offered)


def rank(candidates: Iterable[Candidate], query: Query, weights: Weights = DEFAULT_WEIGHTS, *,
         relevance: Mapping[tuple[str, str], float] = RELEVANCE,
         names: Mapping[str, str] = NAMES) -> list[tuple[Candidate, Scored]]:
    """Filter and score ``candidates``, best first. Ties break on distance (online last)
    and then practitioner id, so paging through the same search is stable."""
    scored = [(c, score(c, query, weights, relevance=relevance, names=names))
              for c in candidates if matches_filters(c, query)]
    scored.sort(key=lambda cs: (-cs[1].score, math.inf if cs[0].distance_km is None else cs[0].distance_km,
                                cs[0].practitioner_id))
    return scored
