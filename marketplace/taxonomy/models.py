"""Concerns people come with, the modalities and techniques that treat them, and the
admin-edited data the matcher is built from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.clock import utcnow
from marketplace.core.models import TimestampMixin
from marketplace.extensions import db


class Concern(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)


class Modality(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    techniques: Mapped[list["Technique"]] = relationship(
        back_populates="modality", order_by="Technique.name"
    )


class Technique(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    modality_id: Mapped[int] = mapped_column(ForeignKey("modality.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    modality: Mapped[Modality] = relationship(back_populates="techniques")


# --- Matching data: how seekers' words map to concerns, and what fits each concern ---------

class ConcernPhrase(TimestampMixin, db.Model):
    """A way seekers describe a concern ("tennis back" → sciatica). ``text`` is stored
    normalised (lower-case, single spaces) so the same phrase cannot be added twice;
    ``weight`` (0..1) is how strongly the phrase alone points at the concern."""

    __table_args__ = (
        UniqueConstraint("concern_id", "text"),
        CheckConstraint("weight >= 0 AND weight <= 1", name="weight_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(Float, default=1.0)

    concern: Mapped[Concern] = relationship()


class RelevanceWeight(TimestampMixin, db.Model):
    """How well a modality or technique (``term_slug``) fits a concern, 0..1. The slug is
    a plain string, not a foreign key: modality and technique slugs share one namespace
    in scoring, and a seeded weight may name a term an admin has not added yet."""

    __table_args__ = (
        UniqueConstraint("concern_id", "term_slug"),
        CheckConstraint("weight >= 0 AND weight <= 1", name="weight_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id", ondelete="CASCADE"))
    term_slug: Mapped[str] = mapped_column(String(80))
    weight: Mapped[float] = mapped_column(Float)

    concern: Mapped[Concern] = relationship()


class RemovedMatchingEntry(TimestampMixin, db.Model):
    """A phrase (``kind`` "phrase", ``key`` its normalised text) or relevance weight
    (``kind`` "relevance", ``key`` the term slug) an admin removed from a concern, so that
    loading the packaged defaults again (``flask taxonomy load``, a new release's seed
    step) does not quietly put it back. Adding the phrase or setting the weight again
    forgets the removal."""

    __tablename__ = "matching_removed"
    __table_args__ = (
        UniqueConstraint("concern_id", "kind", "key"),
        CheckConstraint("kind IN ('phrase', 'relevance')", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))


class MatchingDataVersion(db.Model):
    """One row whose ``version`` goes up with every edit of the matching data (phrases,
    relevance weights, concern names), so every process can tell cheaply that its cached
    matcher is out of date."""

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RankingFactor(TimestampMixin, db.Model):
    """How much one factor of the ranking counts (a field of
    :class:`~marketplace.matching.scoring.Weights`, e.g. ``distance``), as an admin set it.
    Only factors changed from the packaged default have a row; each edit bumps
    ``MatchingDataVersion`` like the rest of the matching data."""

    __table_args__ = (CheckConstraint("value >= 0", name="value_not_negative"),)

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
