"""Reading and editing the concern / modality / technique taxonomy. The matching data
built on it (phrases, relevance weights) is edited in ``taxonomy.matching_data``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence, TypeVar

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.audit import services as audit
from marketplace.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.taxonomy import data
from marketplace.taxonomy.matching_data import bump_matching_version, load_default_matching_data
from marketplace.taxonomy.models import Concern, MatchingDataVersion, Modality, Technique

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
T = TypeVar("T", Concern, Modality, Technique)


def load_defaults() -> int:
    """Insert the brief's taxonomy where a slug is missing, then the default concern
    phrases and relevance weights that are missing (for concerns that exist). Never
    overwrites an admin's edit, nor brings back a phrase or weight an admin removed.
    Idempotent. Returns how many rows were added."""
    added = 0
    existing = {c.slug for c in db.session.scalars(select(Concern))}
    for slug, name, description in data.CONCERNS:
        if slug not in existing:
            db.session.add(Concern(slug=slug, name=name, description=description))
            added += 1
    modalities = {m.slug: m for m in db.session.scalars(select(Modality))}
    techniques = {t.slug for t in db.session.scalars(select(Technique))}
    for slug, name, description, tech in data.MODALITIES:
        modality = modalities.get(slug)
        if modality is None:
            modality = Modality(slug=slug, name=name, description=description)
            db.session.add(modality)
            added += 1
        for t_slug, t_name in tech:
            if t_slug not in techniques:
                db.session.add(Technique(slug=t_slug, name=t_name, modality=modality))
                added += 1
    db.session.flush()
    matching_added = load_default_matching_data()
    if added or matching_added or db.session.get(MatchingDataVersion, 1) is None:
        bump_matching_version()
    return added + matching_added


def concerns(active_only: bool = True) -> Sequence[Concern]:
    stmt = select(Concern).order_by(Concern.name)
    if active_only:
        stmt = stmt.where(Concern.is_active.is_(True))
    return db.session.scalars(stmt).all()


def modalities(active_only: bool = True) -> Sequence[Modality]:
    stmt = select(Modality).order_by(Modality.name)
    if active_only:
        stmt = stmt.where(Modality.is_active.is_(True))
    return db.session.scalars(stmt).all()


def techniques(active_only: bool = True) -> Sequence[Technique]:
    stmt = select(Technique).order_by(Technique.name)
    if active_only:
        stmt = stmt.where(Technique.is_active.is_(True))
    return db.session.scalars(stmt).all()


def by_slugs(model: type[T], slugs: Sequence[str], field: str) -> list[T]:
    """The active rows for ``slugs`` in the given order; ValidationFailed on ``field``
    naming every unknown slug."""
    wanted = list(dict.fromkeys(s.strip().lower() for s in slugs if s and s.strip()))
    if not wanted:
        return []
    rows = {r.slug: r for r in db.session.scalars(
        select(model).where(model.slug.in_(wanted), model.is_active.is_(True)))}
    unknown = [s for s in wanted if s not in rows]
    if unknown:
        raise ValidationFailed.on_field(field, f"Unknown {field}: {', '.join(unknown)}.")
    return [rows[s] for s in wanted]


@dataclass(frozen=True)
class TermInput:
    slug: str
    name: str
    description: str = ""
    is_active: bool = True
    modality_slug: str | None = None  # techniques only


_KINDS: dict[str, type[Concern] | type[Modality] | type[Technique]] = {
    "concern": Concern, "modality": Modality, "technique": Technique,
}


def save_term(kind: str, data_in: TermInput, actor: User, term_id: int | None = None):  # noqa: ANN201
    """Create (``term_id`` None) or update a taxonomy term, with an audit entry.

    The slug of an existing term cannot change: clients hold it. Raises ValidationFailed
    or Conflict (slug taken) or NotFound.
    """
    model = _KINDS.get(kind)
    if model is None:
        raise NotFound(f"No taxonomy kind {kind!r}.")
    errors: dict[str, list[str]] = {}
    name = data_in.name.strip()
    if not name:
        errors["name"] = ["Give a name."]
    elif len(name) > 120:
        errors["name"] = ["Use at most 120 characters."]
    if term_id is None:
        slug = data_in.slug.strip().lower()
        if not SLUG_RE.match(slug) or len(slug) > 80:
            errors["slug"] = ["Use lower-case letters, digits and single hyphens (e.g. 'neck-pain')."]
    modality = None
    if model is Technique:
        if not data_in.modality_slug:
            errors["modality_slug"] = ["Choose the modality this technique belongs to."]
        else:
            modality = db.session.scalar(select(Modality).where(Modality.slug == data_in.modality_slug))
            if modality is None:
                errors["modality_slug"] = ["Unknown modality."]
    if errors:
        raise ValidationFailed("Some fields are not valid.", errors)
    if term_id is None:
        if db.session.scalar(select(model.id).where(model.slug == slug)) is not None:
            raise Conflict.on_field("slug", f"A {kind} with the slug {slug!r} exists already.")
        term = model(slug=slug, name=name)
        db.session.add(term)
        action = f"taxonomy.{kind}.created"
    else:
        term = db.session.get(model, term_id)
        if term is None:
            raise NotFound(f"No {kind} {term_id}.")
        term.name = name
        action = f"taxonomy.{kind}.updated"
    term.description = data_in.description.strip()
    term.is_active = data_in.is_active
    if modality is not None:
        term.modality = modality
    db.session.flush()
    audit.record(actor, action, kind, term.id, None, slug=term.slug, name=term.name, is_active=term.is_active)
    bump_matching_version()  # concern names and retirements change what the matcher knows
    return term


def get_term(kind: str, term_id: int):  # noqa: ANN201
    """One concern, modality or technique; NotFound for an unknown kind or id."""
    model = _KINDS.get(kind)
    term = db.session.get(model, term_id) if model is not None else None
    if term is None:
        raise NotFound(f"No {kind} {term_id}.")
    return term


def set_term_active(kind: str, term_id: int, is_active: bool, actor: User):  # noqa: ANN201
    """Retire a term (no longer offered to practitioners or seekers) or bring it back;
    audited like any other edit."""
    term = get_term(kind, term_id)
    return save_term(kind, TermInput(
        slug=term.slug, name=term.name, description=term.description, is_active=is_active,
        modality_slug=term.modality.slug if isinstance(term, Technique) else None,
    ), actor, term_id)

