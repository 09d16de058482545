"""API shapes for packages: what the public sees, what partners see (shares, who has
accepted, why it is not on sale), and a seeker's enrollments (the care plan)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from marketplace.packages import careplan
from marketplace.packages import queries
from marketplace.packages.models import Enrollment, Package, PackageComponent, PackagePartner
from marketplace.packages.planner import Plan
from marketplace.packages.services import ComponentInput, PackageInput, publication_problems
from marketplace.practitioners.models import Practitioner
from marketplace.practitioners.schemas import Term
from marketplace.search.outcome import DEFAULT_RADIUS_KM, MAX_RADIUS_KM
from marketplace.web.api import Schema

PackageStatusLiteral = Literal["draft", "on_sale", "withdrawn"]
PartnerStatusLiteral = Literal["invited", "accepted", "declined"]
EnrollmentStatusLiteral = Literal["pending_payment", "active", "completed", "cancelled", "expired"]


# --- Input -------------------------------------------------------------------------------------

class ComponentIn(Schema):
    modality: str = Field(max_length=80, description="Modality slug; the practitioner must be verified for it")
    technique: str | None = Field(default=None, max_length=80, description="Technique slug of that modality")
    sessions: int = Field(ge=1, le=30)
    minutes: int = Field(ge=10, le=240)
    practitioner_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Who delivers it: you (omit) or a partner you invited")


class PackageIn(Schema):
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=5000)
    concerns: list[str] = Field(default_factory=list, max_length=20, description="Concern slugs")
    components: list[ComponentIn] = Field(default_factory=list, max_length=12)
    sessions_per_week: int = Field(default=1, ge=1, le=7)
    weeks: int = Field(default=1, ge=1, le=52)
    rhythm_note: str = Field(default="", max_length=200)
    validity_days: int = Field(ge=7, le=730)
    price: int = Field(ge=1, le=100_000_000, description="Minor units (e.g. 450000 = 4,500.00)")
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217 code")

    def to_input(self) -> PackageInput:
        return PackageInput(
            name=self.name, description=self.description, concerns=self.concerns,
            components=tuple(ComponentInput(modality=c.modality, technique=c.technique, sessions=c.sessions,
                                            minutes=c.minutes, practitioner_id=c.practitioner_id)
                             for c in self.components),
            sessions_per_week=self.sessions_per_week, weeks=self.weeks, rhythm_note=self.rhythm_note,
            validity_days=self.validity_days, price=self.price, currency=self.currency,
        )


class PartnerIn(Schema):
    partner: str = Field(min_length=1, max_length=254, description="The practitioner's id or account email")
    share: int = Field(default=0, ge=0, le=100_000_000, description="Their share of the price, minor units")


class ShareIn(Schema):
    practitioner_id: int = Field(ge=1, le=2**31 - 1)
    amount: int = Field(ge=0, le=100_000_000)


class SharesIn(Schema):
    shares: list[ShareIn] = Field(max_length=20, description="Every partner's share; they add up to the price")


class PackagesQuery(Schema):
    concern: str | None = Field(default=None, max_length=80, description="Concern slug")
    near: str | None = Field(default=None, max_length=200, description="A place name, geocoded")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    radius_km: float = Field(default=DEFAULT_RADIUS_KM, gt=0, le=MAX_RADIUS_KM)

    @field_validator("concern", "near")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class PlanQuery(PackagesQuery):
    concern: str = Field(min_length=1, max_length=80, description="Concern slug")  # type: ignore[assignment]


class ScheduleIn(Schema):
    component_id: int = Field(ge=1, le=2**31 - 1)
    start: datetime = Field(description="ISO 8601 with its UTC offset, as the slots API gives it")
    location_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    online: bool = False


# --- Output ------------------------------------------------------------------------------------

class PersonRef(BaseModel):
    id: int
    display_name: str


class DelivererOut(PersonRef):
    towns: list[str] = Field(description="Where they see people in person (empty: online only)")
    offers_online: bool

    @classmethod
    def of(cls, practitioner: Practitioner) -> "DelivererOut":
        towns = dict.fromkeys(loc.town for loc in practitioner.locations if loc.town)  # first listed first
        return cls(id=practitioner.id, display_name=practitioner.display_name, towns=list(towns),
                   offers_online=practitioner.offers_online)


class PackageRef(BaseModel):
    id: int
    name: str


class PlanEvidence(BaseModel):
    source: str
    citation: str
    stance: Literal["recommends", "conditional", "does-not-recommend", "no-guideline"]
    summary: str


class ComponentOut(BaseModel):
    id: int
    practitioner: DelivererOut
    modality: Term
    technique: Term | None
    sessions: int
    minutes: int

    @classmethod
    def of(cls, c: PackageComponent) -> "ComponentOut":
        return cls(id=c.id, practitioner=DelivererOut.of(c.practitioner),
                   modality=Term(slug=c.modality.slug, name=c.modality.name),
                   technique=Term(slug=c.technique.slug, name=c.technique.name) if c.technique else None,
                   sessions=c.sessions, minutes=c.minutes)


class RhythmOut(BaseModel):
    sessions_per_week: int
    weeks: int
    note: str


class SavingOut(BaseModel):
    amount: int = Field(description="Minor units saved against the same single sessions")
    percent: int
    singles_total: int


class PackageOut(BaseModel):
    """A package as the public sees it (never the partners' shares)."""

    id: int
    name: str
    description: str
    status: PackageStatusLiteral
    concerns: list[Term]
    components: list[ComponentOut]
    practitioners: list[DelivererOut] = Field(description="Who delivers it, the owner first, and where")
    is_combined: bool = Field(description="Delivered by more than one practitioner")
    rhythm: RhythmOut
    validity_days: int
    total_sessions: int
    price: int
    currency: str
    saving: SavingOut | None = Field(description="Null when there is nothing comparable to compare with")
    distance_km: float | None = None

    @classmethod
    def of(cls, p: Package, distance_km: float | None = None) -> "PackageOut":
        s = queries.summary(p, distance_km)
        people = {p.owner_id: p.owner, **{c.practitioner_id: c.practitioner for c in p.components}}
        return cls(
            id=p.id, name=p.name, description=p.description, status=p.status.value,
            concerns=[Term(slug=c.slug, name=c.name) for c in p.concerns],
            components=[ComponentOut.of(c) for c in p.components],
            practitioners=[DelivererOut.of(people[i]) for i, _ in s.practitioners],
            is_combined=s.is_combined,
            rhythm=RhythmOut(sessions_per_week=p.sessions_per_week, weeks=p.weeks, note=p.rhythm_note),
            validity_days=p.validity_days, total_sessions=p.total_sessions, price=p.price, currency=p.currency,
            saving=SavingOut(amount=s.saving.amount, percent=s.saving.percent, singles_total=s.saving.singles_total)
            if s.saving else None,
            distance_km=None if distance_km is None else round(distance_km, 1),
        )


class PackagePlace(BaseModel):
    query: str | None
    label: str
    lat: float
    lon: float


class PackageList(BaseModel):
    items: list[PackageOut]
    total: int
    place: PackagePlace | None = None


class PartnerOut(BaseModel):
    practitioner: PersonRef
    share: int
    status: PartnerStatusLiteral
    is_owner: bool
    invited_at: datetime
    responded_at: datetime | None

    @classmethod
    def of(cls, row: PackagePartner) -> "PartnerOut":
        return cls(practitioner=PersonRef(id=row.practitioner_id, display_name=row.practitioner.display_name),
                   share=row.share, status=row.status.value, is_owner=row.practitioner_id == row.package.owner_id,
                   invited_at=row.invited_at, responded_at=row.responded_at)


class PackageOwner(PackageOut):
    """Partners' and admins' view: shares, answers, and what stops it selling."""

    owner_id: int
    partners: list[PartnerOut]
    is_on_sale: bool
    not_on_sale_because: list[str]
    problems: dict[str, list[str]] = Field(description="What stands between a draft and going on sale, by field")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, p: Package, distance_km: float | None = None) -> "PackageOwner":  # type: ignore[override]
        public = PackageOut.of(p)
        return cls(**public.model_dump(), owner_id=p.owner_id, partners=[PartnerOut.of(r) for r in p.partners],
                   is_on_sale=queries.is_sellable(p), not_on_sale_because=queries.not_sellable_reasons(p),
                   problems=publication_problems(p) if p.status.value != "on_sale" else {},
                   created_at=p.created_at, updated_at=p.updated_at)


class PackageOwnerList(BaseModel):
    items: list[PackageOwner]


class InvitationOut(BaseModel):
    id: int
    package: PackageOut
    owner: PersonRef
    share: int
    currency: str
    status: PartnerStatusLiteral
    your_components: list[ComponentOut]

    @classmethod
    def of(cls, row: PackagePartner) -> "InvitationOut":
        p = row.package
        return cls(id=row.id, package=PackageOut.of(p),
                   owner=PersonRef(id=p.owner_id, display_name=p.owner.display_name), share=row.share,
                   currency=p.currency, status=row.status.value,
                   your_components=[ComponentOut.of(c) for c in p.components
                                    if c.practitioner_id == row.practitioner_id])


class InvitationList(BaseModel):
    items: list[InvitationOut]


class PlanComponentOut(BaseModel):
    modality: Term
    practitioner: PersonRef
    distance_km: float
    sessions: int
    minutes: int
    fee_label: str
    unit_price: int
    subtotal: int
    currency: str
    reasons: list[str]
    evidence: list[PlanEvidence]


class CourseOut(BaseModel):
    kind: Literal["acute", "lasting"]
    label: str
    weeks: int
    sessions_per_week: int


class PlanOut(BaseModel):
    """Packages on sale for the concern near the place first; then a build-your-own
    plan whose components are booked as ordinary single sessions (``total`` is what
    those add up to, not a bundle price)."""

    concern: Term
    place: PackagePlace
    packages: list[PackageOut]
    course: CourseOut
    components: list[PlanComponentOut]
    total: int | None
    currency: str | None
    missing: list[str] = Field(description="Better-fitting modalities nobody verified offers nearby")

    @classmethod
    def of(cls, plan: Plan, place: PackagePlace, packages: list[PackageOut]) -> "PlanOut":
        return cls(
            concern=Term(slug=plan.concern, name=plan.concern_name), place=place, packages=packages,
            course=CourseOut(kind=plan.course.kind, label=plan.course.label, weeks=plan.course.weeks,
                             sessions_per_week=plan.course.sessions_per_week),
            components=[PlanComponentOut(
                modality=Term(slug=c.modality, name=c.modality_name),
                practitioner=PersonRef(id=c.practitioner_id, display_name=c.display_name),
                distance_km=c.distance_km, sessions=c.sessions, minutes=c.minutes, fee_label=c.fee_label,
                unit_price=c.unit_price, subtotal=c.subtotal, currency=c.currency, reasons=list(c.reasons),
                evidence=[PlanEvidence(source=e.source, citation=e.source_url_or_citation, stance=e.stance,
                                      summary=e.summary) for e in c.evidence],
            ) for c in plan.components],
            total=plan.total, currency=plan.currency, missing=list(plan.missing),
        )


class SessionOut(BaseModel):
    id: int
    component_id: int | None
    number: int
    practitioner: PersonRef
    what: str
    minutes: int
    state: Literal["unscheduled", "upcoming", "past", "attended", "no_show", "cancelled"]
    starts_at: datetime | None
    place: str | None
    booking_id: int | None

    @classmethod
    def of(cls, v: careplan.SessionView) -> "SessionOut":
        return cls(id=v.id, component_id=v.component_id, number=v.number,
                   practitioner=PersonRef(id=v.practitioner_id, display_name=v.practitioner_name),
                   what=v.what, minutes=v.minutes, state=v.state, starts_at=v.starts_at, place=v.place,
                   booking_id=v.booking_id)


class ComponentProgress(BaseModel):
    component_id: int
    what: str
    practitioner: PersonRef
    minutes: int
    total: int
    used: int
    upcoming: int
    to_book: int
    is_bookable: bool = Field(description="False while the practitioner is not verified for it")


class EnrollmentOut(BaseModel):
    id: int
    package: PackageRef
    status: EnrollmentStatusLiteral
    price: int
    currency: str
    reserved_at: datetime
    bought_at: datetime | None
    expires_at: datetime | None
    sessions_total: int
    sessions_used: int
    sessions_left: int
    components: list[ComponentProgress]
    upcoming: list[SessionOut]
    past: list[SessionOut]
    suggested_dates: list[date]
    unused_value: int = Field(description="Minor units: what cancelling now would refund, once paid")

    @classmethod
    def of(cls, e: Enrollment) -> "EnrollmentOut":
        plan = careplan.care_plan(e)
        return cls(
            id=e.id, package=PackageRef(id=e.package_id, name=e.package.name), status=e.status.value,
            price=e.price, currency=e.currency, reserved_at=e.created_at, bought_at=e.bought_at,
            expires_at=e.expires_at, sessions_total=plan.total, sessions_used=plan.used, sessions_left=plan.left,
            components=[ComponentProgress(
                component_id=c.component_id, what=c.what,
                practitioner=PersonRef(id=c.practitioner_id, display_name=c.practitioner_name), minutes=c.minutes,
                total=c.total, used=c.used, upcoming=c.upcoming, to_book=c.to_book, is_bookable=c.is_bookable,
            ) for c in plan.components],
            upcoming=[SessionOut.of(v) for v in plan.upcoming], past=[SessionOut.of(v) for v in plan.past],
            suggested_dates=list(plan.suggested),
            unused_value=plan.unused_value if e.status.value == "active" else 0,
        )


class EnrollmentList(BaseModel):
    items: list[EnrollmentOut]


class ScheduledOut(BaseModel):
    session: SessionOut
    enrollment_id: int
