"""The taxonomy in the JSON API: public reads, admin edits, and the admin-edited
matching data (concern phrases, relevance weights, ranking factors)."""

from __future__ import annotations

from typing import Literal

from flask_login import current_user

from marketplace.accounts.models import Role
from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.infra import caching
from marketplace.taxonomy import matching_data, ranking, services
from marketplace.taxonomy.matching import current_matcher, matching_version
from marketplace.taxonomy.schemas import (
    ConcernList, ConcernOut, ConcernPhraseIn, ConcernPhraseList, ConcernPhraseOut, MatcherMatchOut, MatcherTryOut,
    MatcherTryQuery, ModalityList, ModalityOut, RankingFactorIn, RankingFactorList, RankingFactorOut,
    RelevanceWeightIn, RelevanceWeightList, RelevanceWeightOut, RelevanceWeightQuery, TermIn, TermOut,
)
from marketplace.web.api import endpoint

ADMIN = (Role.ADMIN,)
KINDS: tuple[Literal["concern", "modality", "technique"], ...] = ("concern", "modality", "technique")


@endpoint("/concerns", summary="Concerns seekers can choose", tag="taxonomy", response=ConcernList)
def list_concerns() -> ConcernList:
    return ConcernList.model_validate(caching.remember(
        _taxonomy_key("concerns"),
        lambda: ConcernList(items=[ConcernOut.of(c) for c in services.concerns()]).model_dump()))


@endpoint("/modalities", summary="Modalities and their techniques", tag="taxonomy", response=ModalityList)
def list_modalities() -> ModalityList:
    return ModalityList.model_validate(caching.remember(
        _taxonomy_key("modalities"),
        lambda: ModalityList(items=[ModalityOut.of(m) for m in services.modalities()]).model_dump()))


def _taxonomy_key(name: str) -> str:
    """Cache key that changes with every taxonomy edit: each edit bumps the matching
    version (``services.save_term``), which this process sees at once and every other
    within ``MATCHING_CACHE_SECONDS``. Old keys simply expire."""
    return f"taxonomy:{name}:v{matching_version()}"


def _term_out(kind: str, term) -> TermOut:  # noqa: ANN001
    return TermOut(id=term.id, kind=kind, slug=term.slug, name=term.name,
                   description=term.description, is_active=term.is_active)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(f"No taxonomy kind {kind!r}; use one of {', '.join(KINDS)}.")
    return kind


@endpoint("/admin/taxonomy/<kind>", "POST", summary="Add a concern, modality or technique", tag="admin",
          auth=ADMIN, body=TermIn, response=TermOut, status=201, errors=(404, 409))
def create_term(kind: str, body: TermIn) -> TermOut:
    term = services.save_term(_kind(kind), body.to_input(), current_user)
    db.session.commit()
    return _term_out(kind, term)


@endpoint("/admin/taxonomy/<kind>/<int:term_id>", "PUT", summary="Rename, describe or retire a term",
          tag="admin", auth=ADMIN, body=TermIn, response=TermOut, errors=(404,))
def update_term(kind: str, term_id: int, body: TermIn) -> TermOut:
    """The slug is fixed once created (clients hold it); a retired term stops being offered."""
    term = services.save_term(_kind(kind), body.to_input(), current_user, term_id)
    db.session.commit()
    return _term_out(kind, term)


# --- Matching data ------------------------------------------------------------------------------
# An unknown concern is bad input (400 naming `concern`), in the path as in a body.

@endpoint("/admin/concerns/<slug>/phrases", summary="The phrases that point at a concern", tag="admin",
          auth=ADMIN, response=ConcernPhraseList)
def list_concern_phrases(slug: str) -> ConcernPhraseList:
    concern = matching_data.concern_by_slug(slug)
    items = [ConcernPhraseOut.of(p) for p in matching_data.phrases(concern)]
    return ConcernPhraseList(concern=concern.slug, items=items, total=len(items), version=matching_version())


@endpoint("/admin/concerns/<slug>/phrases", "POST", summary="Teach the matcher a phrase for a concern",
          tag="admin", auth=ADMIN, body=ConcernPhraseIn, response=ConcernPhraseOut, status=201)
def add_concern_phrase(slug: str, body: ConcernPhraseIn) -> ConcernPhraseOut:
    """The text is stored lower-case with single spaces; a phrase the concern already has
    is refused (400 on `text`). The search uses it within a second, in every process."""
    phrase = matching_data.add_phrase(body.to_input(slug), current_user)
    db.session.commit()
    return ConcernPhraseOut.of(phrase)


@endpoint("/admin/phrases/<int:phrase_id>", "DELETE", summary="Remove a concern phrase", tag="admin",
          auth=ADMIN, status=204, errors=(404,))
def delete_concern_phrase(phrase_id: int) -> None:
    matching_data.remove_phrase(phrase_id, current_user)
    db.session.commit()


@endpoint("/admin/relevance", summary="How well each modality or technique fits each concern", tag="admin",
          auth=ADMIN, query=RelevanceWeightQuery, response=RelevanceWeightList)
def list_relevance(query: RelevanceWeightQuery) -> RelevanceWeightList:
    concern = matching_data.concern_by_slug(query.concern) if query.concern else None
    names = matching_data.term_names()
    items = [RelevanceWeightOut.of(r, names) for r in matching_data.relevance_weights(concern)]
    return RelevanceWeightList(items=items, total=len(items), version=matching_version())


@endpoint("/admin/relevance", "PUT", summary="Set how well a modality or technique fits a concern", tag="admin",
          auth=ADMIN, body=RelevanceWeightIn, response=RelevanceWeightOut, errors=(409,))
def set_relevance(body: RelevanceWeightIn) -> RelevanceWeightOut:
    """Creates the (concern, term) weight or changes it. `term` must be an existing
    modality or technique slug."""
    row = matching_data.set_relevance(body.to_input(), current_user)
    db.session.commit()
    return RelevanceWeightOut.of(row, matching_data.term_names())


@endpoint("/admin/relevance/<concern>/<term>", "DELETE", summary="Remove a relevance weight", tag="admin",
          auth=ADMIN, status=204, errors=(404,))
def delete_relevance(concern: str, term: str) -> None:
    """Scoring then treats the pair as no particular fit."""
    matching_data.remove_relevance(concern, term, current_user)
    db.session.commit()


@endpoint("/admin/ranking-factors", summary="How much each factor of the ranking counts", tag="admin", auth=ADMIN,
          response=RankingFactorList)
def list_ranking_factors() -> RankingFactorList:
    """Fit to the concern first; the extras (declared concern, distance, price, language,
    caution preference) together always count less than fit."""
    return RankingFactorList(items=[RankingFactorOut.of(f) for f in ranking.factor_values()],
                             version=matching_version())


@endpoint("/admin/ranking-factors/<name>", "PUT", summary="Set how much one factor of the ranking counts",
          tag="admin", auth=ADMIN, body=RankingFactorIn, response=RankingFactorOut, errors=(404, 409))
def set_ranking_factor(name: str, body: RankingFactorIn) -> RankingFactorOut:
    """A 400 names `value` when it is outside the factor's range, or when the extras would
    together count as much as fit. Search ranks with it from the next search."""
    ranking.set_factor(name, body.value, current_user)
    db.session.commit()
    return RankingFactorOut.of(ranking.factor_value(name))


@endpoint("/admin/ranking-factors/<name>", "DELETE", summary="Put a ranking factor back to its default",
          tag="admin", auth=ADMIN, response=RankingFactorOut, errors=(404,))
def reset_ranking_factor(name: str) -> RankingFactorOut:
    ranking.reset_factor(name, current_user)
    db.session.commit()
    return RankingFactorOut.of(ranking.factor_value(name))


@endpoint("/admin/matching/try", summary="Which concerns the current matcher reads in some text", tag="admin",
          auth=ADMIN, query=MatcherTryQuery, response=MatcherTryOut)
def try_matcher(query: MatcherTryQuery) -> MatcherTryOut:
    matcher = current_matcher()
    matches = matcher.match(query.q)
    return MatcherTryOut(
        version=matching_version(),
        matches=[MatcherMatchOut(concern=m.slug, name=matcher.concern_names.get(m.slug, m.slug),
                                 confidence=m.confidence, phrase=m.phrase) for m in matches],
        suggestions=[] if matches else [s.slug for s in matcher.suggest(query.q)],
    )
