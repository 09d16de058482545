"""Editing the matching data: the phrases seekers use for each concern, and how well
each modality or technique fits a concern. Services flush; the caller commits.

Every edit bumps ``MatchingDataVersion`` (as do term edits in ``taxonomy.services``, since
concern names feed the matcher), so each process rebuilds its cached matcher and
relevance table (``taxonomy.matching``). Every edit by an admin is audited against the
concern it belongs to.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import delete, inspect, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from marketplace.accounts.models import User
from marketplace.audit import services as audit
from marketplace.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.matching.phrases import DEFAULT_PHRASES, STOPWORDS
from marketplace.matching.scoring import RELEVANCE
from marketplace.matching.understanding import normalise
from marketplace.taxonomy.models import (
    Concern, ConcernPhrase, MatchingDataVersion, Modality, RelevanceWeight, RemovedMatchingEntry, Technique,
)

PHRASE_MAX = 200
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")


def bump_matching_version() -> int:
    """Mark the matching data as changed; every process rebuilds its matcher when it next
    looks. The increment happens in SQL (``version = version + 1``), so concurrent edits
    from several processes never lose a bump. Returns the new version."""
    row = db.session.get(MatchingDataVersion, 1)
    if row is None:  # a database that was migrated but never loaded
        row = MatchingDataVersion(id=1, version=1)
        db.session.add(row)
        flush_or_conflict()
        return 1
    row.version = MatchingDataVersion.version + 1  # type: ignore[assignment]
    db.session.flush()
    return row.version


def flush_or_conflict(error: ValidationFailed | None = None) -> None:
    """Flush; when a concurrent request won a unique constraint, roll the transaction
    back (it cannot go on, on PostgreSQL) and raise ``error`` or a Conflict to retry.
    Savepoints are avoided on purpose: pysqlite would commit an outermost one."""
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError):  # a row added, or changed away, by another request meanwhile
        db.session.rollback()
        raise (error or Conflict("Someone changed the same data at the same moment; please try again.")) from None


def delete_or_gone(row: object) -> bool:
    """Delete a row this request loaded, by its key; False when another request deleted
    it meanwhile (the DELETE matched nothing), so the caller tells the admin instead of
    auditing a second removal. The ORM's own delete would only warn about that."""
    state = inspect(row)
    mapper = state.mapper
    matched = db.session.execute(delete(mapper.local_table).where(
        *(column == value for column, value in zip(mapper.primary_key, state.identity, strict=True)))).rowcount
    db.session.expunge(row)  # gone either way: the session must not flush it again
    return matched == 1


def normalise_phrase(text: str) -> str:
    """How a phrase is stored: Unicode-normalised, lower-case, straight apostrophes, single
    spaces. The matcher normalises further (hyphens, spelling variants) when it compiles."""
    text = unicodedata.normalize("NFKC", text or "").replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def _check_weight(weight: float, field: str = "weight") -> float:
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight) \
            or not 0 <= weight <= 1:
        raise ValidationFailed.on_field(field, "Give a weight between 0 and 1, e.g. 0.8.")
    return float(weight)


def concern_by_slug(slug: str, field: str = "concern") -> Concern:
    """Any concern, retired ones included; ValidationFailed on ``field`` when unknown."""
    wanted = (slug or "").strip().lower()
    concern = db.session.scalar(select(Concern).where(Concern.slug == wanted)) if wanted else None
    if concern is None:
        raise ValidationFailed.on_field(field, f"Unknown concern {wanted!r}." if wanted else "Choose a concern.")
    return concern


def _removal(concern_id: int, kind: str, key: str) -> tuple:
    return (RemovedMatchingEntry.concern_id == concern_id, RemovedMatchingEntry.kind == kind,
            RemovedMatchingEntry.key == key)


def _remember_removed(concern_id: int, kind: str, key: str) -> None:
    """Record that an admin removed this phrase or weight (see RemovedMatchingEntry)."""
    if db.session.scalar(select(RemovedMatchingEntry.id).where(*_removal(concern_id, kind, key))) is None:
        db.session.add(RemovedMatchingEntry(concern_id=concern_id, kind=kind, key=key))


def _forget_removed(concern_id: int, kind: str, key: str) -> None:
    """An admin added the phrase or set the weight again: it is theirs, not a removal."""
    db.session.execute(delete(RemovedMatchingEntry).where(*_removal(concern_id, kind, key)))


def _default_phrases() -> dict[tuple[str, str], float]:
    """The packaged phrases as loaded: (concern slug, normalised text) -> weight, the first
    of a repeated phrase winning."""
    defaults: dict[tuple[str, str], float] = {}
    for phrase in DEFAULT_PHRASES:
        defaults.setdefault((phrase.concern_slug, normalise_phrase(phrase.text)), phrase.weight)
    return defaults


@dataclass(frozen=True)
class RemovedDefault:
    """A packaged default phrase (``key`` its text) or relevance weight (``key`` the term
    slug) an admin removed, with the weight it came with."""

    concern: Concern
    key: str
    weight: float


def removed_defaults(kind: str, concern: Concern | None = None) -> list[RemovedDefault]:
    """The packaged defaults of ``kind`` ("phrase" or "relevance") an admin removed, which
    loading the defaults skips (for the admin pages, to add one back), by concern name and
    key; removals of an admin's own phrases or weights are not listed."""
    defaults = _default_phrases() if kind == "phrase" else RELEVANCE
    stmt = (select(RemovedMatchingEntry, Concern).join(Concern, Concern.id == RemovedMatchingEntry.concern_id)
            .where(RemovedMatchingEntry.kind == kind).order_by(Concern.name, RemovedMatchingEntry.key))
    if concern is not None:
        stmt = stmt.where(RemovedMatchingEntry.concern_id == concern.id)
    return [RemovedDefault(c, entry.key, defaults[(c.slug, entry.key)]) for entry, c in db.session.execute(stmt)
            if (c.slug, entry.key) in defaults]


@dataclass(frozen=True)
class PhraseInput:
    concern_slug: str
    text: str
    weight: float = 1.0


def phrases(concern: Concern | None = None) -> Sequence[ConcernPhrase]:
    """Phrases by concern name, then strongest first."""
    stmt = (select(ConcernPhrase).join(ConcernPhrase.concern)
            .order_by(Concern.name, ConcernPhrase.weight.desc(), ConcernPhrase.text))
    if concern is not None:
        stmt = stmt.where(ConcernPhrase.concern_id == concern.id)
    return db.session.scalars(stmt).all()


def add_phrase(data_in: PhraseInput, actor: User) -> ConcernPhrase:
    """Teach the matcher a new way of describing a concern, with an audit entry.

    Raises ValidationFailed naming ``concern`` (unknown), ``text`` (empty, too long,
    only stop words, or already there for this concern) or ``weight`` (outside 0..1).
    A duplicate that a concurrent request inserted first rolls the session back.
    """
    errors: dict[str, list[str]] = {}
    text = normalise_phrase(data_in.text)
    if not text:
        errors["text"] = ["Type the words a seeker might use."]
    elif len(text) > PHRASE_MAX:
        errors["text"] = [f"Use at most {PHRASE_MAX} characters."]
    elif not [w for w in _WORD.findall(normalise(text)) if w not in STOPWORDS]:
        errors["text"] = ["Use at least one meaningful word: the matcher ignores words like 'my' or 'the' "
                          "and characters other than letters and digits."]
    try:
        weight = _check_weight(data_in.weight)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        concern = concern_by_slug(data_in.concern_slug)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed("Some fields are not valid.", errors)
    duplicate = ValidationFailed.on_field("text", f"“{text}” is already a phrase for {concern.name}.")
    if db.session.scalar(select(ConcernPhrase.id).where(ConcernPhrase.concern_id == concern.id,
                                                        ConcernPhrase.text == text)) is not None:
        raise duplicate
    phrase = ConcernPhrase(concern=concern, text=text, weight=weight)
    db.session.add(phrase)
    flush_or_conflict(duplicate)  # a concurrent duplicate loses on the unique constraint
    _forget_removed(concern.id, "phrase", text)
    version = bump_matching_version()
    audit.record(actor, "matching.phrase.added", "concern", concern.id, None, phrase_id=phrase.id,
                 concern=concern.slug, text=text, weight=weight, version=version)
    return phrase


def get_phrase(phrase_id: int) -> ConcernPhrase:
    phrase = db.session.get(ConcernPhrase, phrase_id)
    if phrase is None:
        raise NotFound(f"No phrase {phrase_id}.")
    return phrase


def remove_phrase(phrase_id: int, actor: User) -> ConcernPhrase:
    """Delete a phrase (NotFound if it is gone already), with an audit entry. The removal
    is remembered, so loading the packaged defaults again does not bring a default phrase
    back; adding the phrase again forgets it."""
    phrase = get_phrase(phrase_id)
    concern = phrase.concern
    if not delete_or_gone(phrase):
        raise NotFound(f"Phrase {phrase_id} was removed by someone else a moment ago.")
    _remember_removed(concern.id, "phrase", phrase.text)
    db.session.flush()
    version = bump_matching_version()
    audit.record(actor, "matching.phrase.removed", "concern", concern.id, None, phrase_id=phrase_id,
                 concern=concern.slug, text=phrase.text, weight=phrase.weight, version=version)
    return phrase


@dataclass(frozen=True)
class RelevanceInput:
    concern_slug: str
    term_slug: str
    weight: float


def term_names() -> dict[str, str]:
    """Display names of every modality and technique by slug (a modality wins over a
    technique with the same slug, as in scoring)."""
    names = {t.slug: t.name for t in db.session.scalars(select(Technique))}
    names.update({m.slug: m.name for m in db.session.scalars(select(Modality))})
    return names


def relevance_weights(concern: Concern | None = None) -> Sequence[RelevanceWeight]:
    """Weights by concern name, then best fit first."""
    stmt = (select(RelevanceWeight).join(RelevanceWeight.concern)
            .order_by(Concern.name, RelevanceWeight.weight.desc(), RelevanceWeight.term_slug))
    if concern is not None:
        stmt = stmt.where(RelevanceWeight.concern_id == concern.id)
    return db.session.scalars(stmt).all()


def set_relevance(data_in: RelevanceInput, actor: User) -> RelevanceWeight:
    """Create or change how well a modality or technique fits a concern, with an audit
    entry. An unchanged weight is a no-op. Raises ValidationFailed naming ``concern``,
    ``term`` (not an existing modality or technique slug) or ``weight``; Conflict (session
    rolled back) when a concurrent request created the same pair first."""
    errors: dict[str, list[str]] = {}
    term = (data_in.term_slug or "").strip().lower()
    if not term:
        errors["term"] = ["Choose a modality or technique."]
    elif term not in term_names():
        errors["term"] = [f"Unknown modality or technique {term!r}."]
    try:
        weight = _check_weight(data_in.weight)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        concern = concern_by_slug(data_in.concern_slug)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed("Some fields are not valid.", errors)
    stmt = select(RelevanceWeight).where(RelevanceWeight.concern_id == concern.id, RelevanceWeight.term_slug == term)
    row = db.session.scalar(stmt)
    previous = row.weight if row is not None else None
    if row is None:
        row = RelevanceWeight(concern=concern, term_slug=term, weight=weight)
        db.session.add(row)
        flush_or_conflict()
        _forget_removed(concern.id, "relevance", term)
    elif previous == weight:
        return row
    row.weight = weight
    db.session.flush()
    version = bump_matching_version()
    audit.record(actor, "matching.relevance.set", "concern", concern.id, None, concern=concern.slug,
                 term=term, weight=weight, previous=previous, version=version)
    return row


def remove_relevance(concern_slug: str, term_slug: str, actor: User) -> None:
    """Forget a (concern, term) weight: scoring then treats the pair as no fit, also after
    the packaged defaults are loaded again (until the weight is set again). Raises
    ValidationFailed for an unknown concern, NotFound when there is no such weight."""
    concern = concern_by_slug(concern_slug)
    term = (term_slug or "").strip().lower()
    row = db.session.scalar(select(RelevanceWeight).where(RelevanceWeight.concern_id == concern.id,
                                                          RelevanceWeight.term_slug == term))
    if row is None:
        raise NotFound(f"No relevance weight for {concern.slug} and {term!r}.")
    previous = row.weight
    if not delete_or_gone(row):
        raise NotFound(f"The weight for {concern.slug} and {term!r} was removed by someone else a moment ago.")
    _remember_removed(concern.id, "relevance", term)
    db.session.flush()
    version = bump_matching_version()
    audit.record(actor, "matching.relevance.removed", "concern", concern.id, None, concern=concern.slug,
                 term=term, previous=previous, version=version)


def load_default_matching_data() -> int:
    """The curated phrases and relevance table from ``marketplace.matching``, where the
    (concern, phrase) or (concern, term) pair is missing. Inserted in bulk: this runs for
    every fresh database, the test suite's included. What an admin removed stays removed
    (see RemovedMatchingEntry)."""
    concern_ids = dict(db.session.execute(select(Concern.slug, Concern.id)).all())
    removed = {(concern_id, kind, key) for concern_id, kind, key in db.session.execute(
        select(RemovedMatchingEntry.concern_id, RemovedMatchingEntry.kind, RemovedMatchingEntry.key))}
    have_phrases = set(db.session.execute(select(ConcernPhrase.concern_id, ConcernPhrase.text)).all())
    new_phrases = []
    for (concern_slug, text), weight in _default_phrases().items():
        concern_id = concern_ids.get(concern_slug)
        if concern_id is None or (concern_id, text) in have_phrases or (concern_id, "phrase", text) in removed:
            continue
        new_phrases.append({"concern_id": concern_id, "text": text, "weight": weight})
    have_weights = set(db.session.execute(select(RelevanceWeight.concern_id, RelevanceWeight.term_slug)).all())
    new_weights = []
    for (concern_slug, term_slug), weight in RELEVANCE.items():
        concern_id = concern_ids.get(concern_slug)
        if concern_id is None or (concern_id, term_slug) in have_weights or (
                concern_id, "relevance", term_slug) in removed:
            continue
        have_weights.add((concern_id, term_slug))
        new_weights.append({"concern_id": concern_id, "term_slug": term_slug, "weight": weight})
    if new_phrases:
        db.session.execute(insert(ConcernPhrase), new_phrases)
    if new_weights:
        db.session.execute(insert(RelevanceWeight), new_weights)
    return len(new_phrases) + len(new_weights)
