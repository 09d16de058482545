"""API shapes for the taxonomy and the matching data built on it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from marketplace.taxonomy.matching_data import PHRASE_MAX, PhraseInput, RelevanceInput
from marketplace.taxonomy.models import Concern, ConcernPhrase, Modality, RelevanceWeight, Technique
from marketplace.taxonomy.ranking import FactorValue
from marketplace.taxonomy.services import TermInput
from marketplace.web.api import Schema


class ConcernOut(BaseModel):
    id: int
    slug: str
    name: str
    description: str
    is_active: bool

    @classmethod
    def of(cls, c: Concern) -> "ConcernOut":
        return cls(id=c.id, slug=c.slug, name=c.name, description=c.description, is_active=c.is_active)


class TechniqueOut(BaseModel):
    id: int
    slug: str
    name: str
    modality: str
    is_active: bool

    @classmethod
    def of(cls, t: Technique) -> "TechniqueOut":
        return cls(id=t.id, slug=t.slug, name=t.name, modality=t.modality.slug, is_active=t.is_active)


class ModalityOut(BaseModel):
    id: int
    slug: str
    name: str
    description: str
    is_active: bool
    techniques: list[TechniqueOut]

    @classmethod
    def of(cls, m: Modality, active_only: bool = True) -> "ModalityOut":
        return cls(id=m.id, slug=m.slug, name=m.name, description=m.description, is_active=m.is_active,
                   techniques=[TechniqueOut.of(t) for t in m.techniques if t.is_active or not active_only])


class ConcernList(BaseModel):
    items: list[ConcernOut]


class ModalityList(BaseModel):
    items: list[ModalityOut]


class TermIn(Schema):
    slug: str = Field(default="", max_length=80, description="Required when creating; fixed afterwards")
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)
    is_active: bool = True
    modality_slug: str | None = Field(default=None, max_length=80, description="Techniques only")

    def to_input(self) -> TermInput:
        return TermInput(slug=self.slug, name=self.name, description=self.description,
                         is_active=self.is_active, modality_slug=self.modality_slug)


class TermOut(BaseModel):
    id: int
    kind: str
    slug: str
    name: str
    description: str
    is_active: bool


# --- Matching data ---------------------------------------------------------------------------


class ConcernPhraseIn(Schema):
    text: str = Field(min_length=1, max_length=PHRASE_MAX, description="Words a seeker might type; stored lower-case")
    weight: float = Field(default=1.0, ge=0, le=1,
                          description="0..1: how strongly the phrase alone points at the concern")

    def to_input(self, concern_slug: str) -> PhraseInput:
        return PhraseInput(concern_slug=concern_slug, text=self.text, weight=self.weight)


class ConcernPhraseOut(BaseModel):
    id: int
    concern: str = Field(description="Concern slug")
    text: str
    weight: float
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, p: ConcernPhrase) -> "ConcernPhraseOut":
        return cls(id=p.id, concern=p.concern.slug, text=p.text, weight=p.weight,
                   created_at=p.created_at, updated_at=p.updated_at)


class ConcernPhraseList(BaseModel):
    concern: str
    items: list[ConcernPhraseOut]
    total: int
    version: int = Field(description="Matching-data version after this read")


class RelevanceWeightQuery(Schema):
    concern: str | None = Field(default=None, max_length=80, description="A concern slug; all concerns if omitted")


class RelevanceWeightIn(Schema):
    concern: str = Field(min_length=1, max_length=80, description="Concern slug")
    term: str = Field(min_length=1, max_length=80, description="A modality or technique slug")
    weight: float = Field(ge=0, le=1, description="0..1: how well the term fits the concern")

    def to_input(self) -> RelevanceInput:
        return RelevanceInput(concern_slug=self.concern, term_slug=self.term, weight=self.weight)


class RelevanceWeightOut(BaseModel):
    concern: str
    term: str
    term_name: str | None = Field(description="The modality's or technique's name; null if no such term exists")
    weight: float
    updated_at: datetime

    @classmethod
    def of(cls, r: RelevanceWeight, names: dict[str, str]) -> "RelevanceWeightOut":
        return cls(concern=r.concern.slug, term=r.term_slug, term_name=names.get(r.term_slug), weight=r.weight,
                   updated_at=r.updated_at)


class RelevanceWeightList(BaseModel):
    items: list[RelevanceWeightOut]
    total: int
    version: int


class MatcherTryQuery(Schema):
    q: str = Field(min_length=1, max_length=500, description="Text as a seeker would type it")


class MatcherMatchOut(BaseModel):
    concern: str
    name: str
    confidence: float
    phrase: str = Field(description="The phrase that matched best")


class MatcherTryOut(BaseModel):
    version: int
    matches: list[MatcherMatchOut]
    suggestions: list[str] = Field(description="Concern slugs offered when nothing matched")


class RankingFactorOut(BaseModel):
    name: str = Field(description="The factor, e.g. `distance`")
    label: str
    description: str
    value: float = Field(description="How much it counts now")
    default: float = Field(description="The packaged value; `changed` when they differ")
    changed: bool
    min: float
    max: float
    unit: str = Field(description="`km` for a distance; empty for a weight")

    @classmethod
    def of(cls, f: FactorValue) -> "RankingFactorOut":
        return cls(name=f.factor.name, label=f.factor.label, description=f.factor.help, value=f.value,
                   default=f.default, changed=f.changed, min=f.factor.low, max=f.factor.high, unit=f.factor.unit)


class RankingFactorList(BaseModel):
    items: list[RankingFactorOut]
    version: int


class RankingFactorIn(Schema):
    value: float = Field(description="Within the factor's `min` and `max`")
