"""API shapes for the taxonomy."""

from __future__ import annotations

from pydantic import BaseModel, Field

from marketplace.taxonomy.models import Concern, Modality, Technique
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
