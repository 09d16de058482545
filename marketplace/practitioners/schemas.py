"""API shapes for listings: what the public sees, and what the owner sees."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from marketplace.geo.gazetteer import country_name
from marketplace.practitioners.models import Location, Practitioner
from marketplace.practitioners.services import FeeInput, ListingInput, LocationInput
from marketplace.verification import queries
from marketplace.verification.models import Credential
from marketplace.web.api import Schema

VenueLiteral = Literal["clinic", "wellness_spa", "hospital", "retreat", "home_visit"]


class FeeIn(Schema):
    label: str = Field(max_length=80)
    minutes: int = Field(ge=5, le=480)
    amount: int = Field(ge=0, le=100_000_000, description="Minor units (e.g. 4500 = 45.00)")
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217 code")


class ListingIn(Schema):
    display_name: str = Field(max_length=120)
    bio: str = Field(default="", max_length=5000)
    modalities: list[str] = Field(default_factory=list, max_length=30, description="Modality slugs")
    techniques: list[str] = Field(default_factory=list, max_length=60, description="Technique slugs")
    concerns: list[str] = Field(default_factory=list, max_length=40, description="Concern slugs")
    languages: list[str] = Field(default_factory=list, max_length=20)
    offers_online: bool = False
    country_code: str | None = Field(
        default=None, max_length=10,
        description="The country you practise from (ISO 3166-1 alpha-2, e.g. IN or GB). It matters for a listing "
                    "with no place: seekers are shown practitioners of their own country first, and a listed "
                    "place's country outranks this one. Left out, the stored one is kept (so a client written "
                    "before this field existed does not clear it); null clears it")
    gender: Literal["woman", "man", "non_binary"] | None = Field(
        default=None,
        description="Your gender, if you choose to state it: seekers who ask for a woman (or a man) to treat them "
                    "see only practitioners who state it, and your profile shows it. Left out, the stored one is "
                    "kept; null clears it")
    years_in_practice: int | None = Field(default=None, ge=0, le=80)
    uses_single_use_needles: bool = False
    fees: list[FeeIn] = Field(default_factory=list, max_length=20)

    def to_input(self) -> ListingInput:
        return ListingInput(
            display_name=self.display_name, bio=self.bio, modalities=self.modalities,
            techniques=self.techniques, concerns=self.concerns, languages=self.languages,
            offers_online=self.offers_online, years_in_practice=self.years_in_practice,
            uses_single_use_needles=self.uses_single_use_needles,
            fees=tuple(FeeInput(f.label, f.minutes, f.amount, f.currency) for f in self.fees),
            country_code=self.country_code, country_given="country_code" in self.model_fields_set,
            gender=self.gender, gender_given="gender" in self.model_fields_set,
        )


class LocationIn(Schema):
    label: str = Field(max_length=120)
    venue_type: VenueLiteral
    address: str = Field(default="", max_length=300)
    city: str = Field(default="", max_length=120)
    country: str = Field(default="", max_length=120)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

    def to_input(self) -> LocationInput:
        return LocationInput(self.label, self.venue_type, self.address, self.city, self.country, self.lat, self.lon)


class LocationRemoveQuery(Schema):
    keep_bookings: bool = Field(
        default=False, description="Remove (or move) the place even though people have upcoming bookings there "
                                   "(they keep its address); without it that is a 409 naming how many")


class Term(BaseModel):
    slug: str
    name: str


class TechniqueTerm(Term):
    modality: str


class FeeOut(BaseModel):
    label: str
    minutes: int
    amount: int
    currency: str


class LocationOut(BaseModel):
    id: int
    label: str
    venue_type: VenueLiteral
    address: str
    city: str
    country: str
    lat: float
    lon: float
    resolved_label: str
    timezone: str | None

    @classmethod
    def of(cls, loc: Location, public: bool = False) -> "LocationOut":
        # Home-visit practitioners give their own address; the public sees only the city.
        address = "" if public and loc.venue_type.value == "home_visit" else loc.address
        return cls(id=loc.id, label=loc.label, venue_type=loc.venue_type.value, address=address,
                   city=loc.city, country=loc.country, lat=loc.lat, lon=loc.lon,
                   resolved_label=loc.resolved_label, timezone=loc.timezone)


class Badge(BaseModel):
    """Names the credential, never its document or number."""

    credential_type: str
    credential_label: str
    issuing_body: str
    jurisdiction: str
    modalities: list[str]
    verified_until: date


class PractitionerPublic(BaseModel):
    id: int
    display_name: str
    bio: str
    languages: list[str]
    years_in_practice: int | None
    offers_online: bool
    country_code: str | None = Field(description="The country they practise from, as declared (ISO 3166-1 "
                                                 "alpha-2); null when not declared")
    country: str | None = Field(description="That country's English name")
    gender: Literal["woman", "man", "non_binary"] | None = Field(description="As they stated it; null when not")
    uses_single_use_needles: bool
    modalities: list[Term] = Field(description="Verified modalities only")
    techniques: list[TechniqueTerm]
    concerns: list[Term]
    fees: list[FeeOut]
    locations: list[LocationOut]
    badges: list[Badge]

    @classmethod
    def of(cls, p: Practitioner) -> "PractitionerPublic":
        verified = queries.verified_modalities(p)
        verified_ids = {m.id for m in verified}
        return cls(
            id=p.id, display_name=p.display_name, bio=p.bio, languages=list(p.languages or []),
            years_in_practice=p.years_in_practice, offers_online=p.offers_online,
            country_code=p.country_code, country=country_name(p.country_code),
            gender=p.gender.value if p.gender else None,
            uses_single_use_needles=p.uses_single_use_needles,
            modalities=[Term(slug=m.slug, name=m.name) for m in verified],
            techniques=[TechniqueTerm(slug=t.slug, name=t.name, modality=t.modality.slug)
                        for t in p.techniques if t.modality_id in verified_ids],
            concerns=[Term(slug=c.slug, name=c.name) for c in p.concerns],
            fees=[FeeOut(label=f.label, minutes=f.minutes, amount=f.amount, currency=f.currency) for f in p.fees],
            locations=[LocationOut.of(loc, public=True) for loc in p.locations],
            badges=[badge(c, verified_ids) for c in queries.live_credentials(p)],
        )


def badge(c: Credential, verified_ids: set[int]) -> Badge:
    return Badge(credential_type=c.type.value, credential_label=c.type.label, issuing_body=c.issuing_body,
                 jurisdiction=c.jurisdiction, modalities=[m.slug for m in c.modalities if m.id in verified_ids],
                 verified_until=c.expires_on)


class CredentialOut(BaseModel):
    id: int
    type: str
    number: str
    issuing_body: str
    jurisdiction: str
    issued_on: date
    expires_on: date
    modalities: list[str]
    status: Literal["pending", "approved", "rejected", "expired"]
    rejection_reason: str | None
    document_mime: str
    document_url: str
    created_at: datetime
    reviewed_at: datetime | None
    practitioner_id: int
    practitioner_name: str

    @classmethod
    def of(cls, c: Credential) -> "CredentialOut":
        return cls(
            id=c.id, type=c.type.value, number=c.number, issuing_body=c.issuing_body,
            jurisdiction=c.jurisdiction, issued_on=c.issued_on, expires_on=c.expires_on,
            modalities=[m.slug for m in c.modalities], status=c.status.value,
            rejection_reason=c.rejection_reason, document_mime=c.document_mime,
            document_url=f"/api/v1/credentials/{c.id}/document", created_at=c.created_at,
            reviewed_at=c.reviewed_at, practitioner_id=c.practitioner_id,
            practitioner_name=c.practitioner.display_name,
        )


class ListingOwner(PractitionerPublic):
    """The owner's (and admins') view: every listed modality with its verification state."""

    listed_modalities: list[Term]
    is_visible: bool
    is_suspended: bool
    suspended_reason: str | None
    credentials: list[CredentialOut]
    user_id: int

    @classmethod
    def of(cls, p: Practitioner) -> "ListingOwner":  # type: ignore[override]
        public = PractitionerPublic.of(p)
        creds = queries.credentials_of(p)
        return cls(
            **public.model_dump(),
            listed_modalities=[Term(slug=m.slug, name=m.name) for m in p.modalities],
            is_visible=bool(public.modalities), is_suspended=p.is_suspended,
            suspended_reason=p.suspended_reason,
            credentials=[CredentialOut.of(c) for c in creds], user_id=p.user_id,
        )
