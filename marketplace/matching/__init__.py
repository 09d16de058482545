"""Matching: understand what hurts, screen for safety, rank practitioners, show evidence.

Pure Python (no Flask, no database) so it can be tested and benchmarked on its own.
The search service composes it: :func:`screen_text` first (red flags → :func:`urgent_advice`,
no results), then :meth:`ConcernMatcher.match`, then :func:`rank` over candidates from
the database, then :func:`evidence_for` per result.
"""

from marketplace.matching.evidence import EvidenceNote, evidence_for
from marketplace.matching.phrases import DEFAULT_PHRASES, Phrase
from marketplace.matching.safety import (
    CAUTIONS, QUESTIONS, RED_FLAGS, CautionNote, CautionOutcome, UrgentAdvice, apply_cautions,
    excluded_techniques_for, urgent_advice,
)
from marketplace.matching.scoring import (
    DEFAULT_WEIGHTS, RELEVANCE, BoundingBox, Candidate, Query, Scored, Weights, approx_km, bounding_box,
    matches_filters, rank, score,
)
from marketplace.matching.understanding import (
    ConcernMatch, ConcernMatcher, ConcernSuggestion, Screening, Understanding, build_matcher, screen_text,
    understand,
)

__all__ = [
    "CAUTIONS", "DEFAULT_PHRASES", "DEFAULT_WEIGHTS", "QUESTIONS", "RED_FLAGS", "RELEVANCE", "BoundingBox",
    "Candidate", "CautionNote", "CautionOutcome", "ConcernMatch", "ConcernMatcher", "ConcernSuggestion",
    "EvidenceNote", "Phrase", "Query", "Scored", "Screening", "Understanding", "UrgentAdvice", "Weights",
    "apply_cautions", "approx_km", "bounding_box", "build_matcher", "evidence_for", "excluded_techniques_for",
    "matches_filters", "rank", "score", "screen_text", "understand", "urgent_advice",
]
