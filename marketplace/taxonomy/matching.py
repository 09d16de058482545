"""The matcher and the relevance table as the database holds them, for the search.

Admins edit concern phrases and relevance weights (``taxonomy.matching_data``) and how
much each factor of the ranking counts (``taxonomy.ranking``); each edit bumps
``MatchingDataVersion``. Each process keeps one compiled snapshot per app and
checks the version at most every ``MATCHING_CACHE_SECONDS`` (default 1 s): one primary-key
read. An edit committed in this process is seen at once; one committed by another
gunicorn worker within that interval.

Snapshots are read through their own connection, so they only ever hold committed data:
a request that edits and then rolls back cannot leave its changes in the cache.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.matching.phrases import CONCERN_NAMES, DEFAULT_PHRASES, Phrase
from marketplace.matching.scoring import RELEVANCE, Weights
from marketplace.matching.understanding import ConcernMatcher, build_matcher
from marketplace.taxonomy.models import Concern, ConcernPhrase, MatchingDataVersion, RankingFactor, RelevanceWeight
from marketplace.taxonomy.ranking import weights_from

__all__ = ["current_matcher", "current_relevance", "current_weights", "matching_version"]

_EXTENSION = "taxonomy.matching"
_CHANGED = "taxonomy.matching_changed"


def current_matcher() -> ConcernMatcher:
    """The concern matcher compiled from the database: the phrases of active concerns
    and those concerns' names. Shared and thread-safe; needs an app context."""
    return _snapshot().matcher


def current_relevance() -> Mapping[tuple[str, str], float]:
    """How well each modality or technique slug fits each concern slug, as
    ``{(concern_slug, term_slug): weight}`` (read-only). Needs an app context."""
    return _snapshot().relevance


def current_weights() -> Weights:
    """How much each factor of the ranking counts: the packaged weights with the factors
    admins changed (``taxonomy.ranking``). Needs an app context."""
    return _snapshot().weights


def matching_version() -> int:
    """The version of the data behind ``current_matcher()`` and ``current_relevance()``
    (0 for a database whose matching data was never loaded). Needs an app context."""
    return _snapshot().version


# --- The per-app cache ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Snapshot:
    version: int
    matcher: ConcernMatcher
    relevance: Mapping[tuple[str, str], float]
    weights: Weights


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.snapshot: _Snapshot | None = None
        self.checked_at = float("-inf")

    def invalidate(self) -> None:
        self.checked_at = float("-inf")


_cache_lock = threading.Lock()


def _cache() -> _Cache:
    # Per app, not per module: tests (and any process hosting two apps) must not share
    # snapshots between databases whose version numbers happen to coincide.
    cache = current_app.extensions.get(_EXTENSION)
    if cache is None:
        with _cache_lock:
            cache = current_app.extensions.setdefault(_EXTENSION, _Cache())
    return cache


def _snapshot() -> _Snapshot:
    cache = _cache()
    ttl = float(current_app.config.get("MATCHING_CACHE_SECONDS", 1.0))
    snapshot = cache.snapshot
    if snapshot is not None and time.monotonic() - cache.checked_at < ttl:
        return snapshot
    with cache.lock:
        if cache.snapshot is not None and time.monotonic() - cache.checked_at < ttl:
            return cache.snapshot  # another thread refreshed it while we waited
        checked_at = time.monotonic()
        with _committed() as connection:
            version = _read_version(connection)
            if cache.snapshot is None or cache.snapshot.version != version:
                cache.snapshot = _load(connection, version)
        cache.checked_at = checked_at
        return cache.snapshot


class _committed:
    """A connection that sees committed data only: its own, except for an in-memory
    SQLite database, which exists only on the session's connection."""

    def __enter__(self) -> Connection:
        url = db.engine.url
        self._own = not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))
        self._connection = db.engine.connect() if self._own else db.session.connection()
        return self._connection

    def __exit__(self, *exc: object) -> None:
        if self._own:
            self._connection.close()


def _read_version(connection: Connection) -> int:
    return connection.scalar(select(MatchingDataVersion.version).where(MatchingDataVersion.id == 1)) or 0


def _load(connection: Connection, version: int) -> _Snapshot:
    """Compile a snapshot. The version was read first, so the data is at least that new
    (a newer edit only causes one more rebuild). Only a database that was never loaded
    (no version row, empty tables) falls back to the packaged defaults."""
    names = dict(connection.execute(
        select(Concern.slug, Concern.name).where(Concern.is_active.is_(True)).order_by(Concern.id)).all())
    any_concern = bool(names) or connection.scalar(select(Concern.id).limit(1)) is not None
    phrases = [Phrase(text, slug, weight) for text, slug, weight in connection.execute(
        select(ConcernPhrase.text, Concern.slug, ConcernPhrase.weight).join(Concern)
        .where(Concern.is_active.is_(True)).order_by(ConcernPhrase.id))]
    relevance = {(c, t): w for c, t, w in connection.execute(
        select(Concern.slug, RelevanceWeight.term_slug, RelevanceWeight.weight).join(Concern))}
    if version == 0:
        if not any_concern:
            names = dict(CONCERN_NAMES)
        if not phrases and connection.scalar(select(ConcernPhrase.id).limit(1)) is None:
            phrases = [p for p in DEFAULT_PHRASES if p.concern_slug in names]
        if not relevance:
            relevance = dict(RELEVANCE)
    weights = weights_from(dict(connection.execute(select(RankingFactor.name, RankingFactor.value)).all()))
    return _Snapshot(version, build_matcher(phrases, concern_names=names), MappingProxyType(relevance), weights)


# --- Seeing this process's own edits at once ---------------------------------------------------

@event.listens_for(Session, "after_flush")
def _note_version_bump(session: Session, flush_context: Any) -> None:
    if any(isinstance(obj, MatchingDataVersion) for obj in (*session.new, *session.dirty)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _invalidate_after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        cache = current_app.extensions.get(_EXTENSION)
        if cache is not None:
            cache.invalidate()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_bump(session: Session) -> None:
    session.info.pop(_CHANGED, None)
