"""The search API's input and output, as documented in /api/v1/openapi.json."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from marketplace.search.outcome import DEFAULT_RADIUS_KM, MAX_PER_PAGE, MAX_RADIUS_KM, SearchInput, SearchOutcome
from marketplace.web.api import Schema


def _codes(values: list[str]) -> frozenset[str]:
    return frozenset(part.strip() for v in values for part in v.split(",") if part.strip())


class SearchQuery(Schema):
    concern: str | None = Field(default=None, max_length=80, description="A concern slug (see /concerns)")
    q: str | None = Field(default=None, max_length=500, description=(
        "What hurts, in the seeker's own words: English, or Hindi in Latin letters or Devanagari. Screened for red "
        "flags and cautions; text in any other script asks every red-flag question. Also read for a therapy, kind "
        "of place, way of being seen, language, town, distance and budget, each echoed as its `*_from_text`"))
    near: str | None = Field(default=None, max_length=200, description=(
        "A place name, geocoded. Without it (or `lat`/`lon`), a town `q` names (\"a physio in Pune\", \"sciatica "
        "physio Pune\", \"near Koramangala\", \"near 560034\") is searched near when the geocoder places it, echoed "
        "as `place_from_text`. A whole state or country (\"Karnataka\", \"Florida\") is not a place to search near: "
        "a 400 here (a note for `q`) with its biggest towns as `suggestions`; but for online sessions it says "
        "whose come first (those based in that country), here or in `q` (\"an online physio, I'm in the UK\")"))
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    radius_km: float | None = Field(default=None, gt=0, le=MAX_RADIUS_KM, description=(
        f"How far to look, in km. Without it, as far as `q` says (\"within 5 km\", \"a 10 mile radius\"; at most "
        f"{MAX_RADIUS_KM:g}), echoed as `radius_from_text`, else {DEFAULT_RADIUS_KM:g}; `query` echoes the radius "
        "searched"))
    mode: Literal["in_person", "online", "any"] | None = Field(default=None, description=(
        "How the seeker wants to be seen. Without it, as `q` asks (\"an online physio\", \"face to face\"), echoed "
        "as `mode_from_text`; else in person when a kind of place is asked for (a place to go, or a home visit); "
        "else `any`. The search's mode is echoed in `query`"))
    cautions: list[str] = Field(default_factory=list, description="Caution codes, repeated or comma-separated: "
                                "pregnancy, bleeding-risk, pacemaker, implant")
    red_flags: list[str] = Field(default_factory=list, description="Red-flag codes, repeated or comma-separated")
    no_red_flags: bool = Field(default=False, description="The seeker answered 'none of these' to the red-flag "
                               "questions")
    modality: str | None = Field(default=None, max_length=400, description=(
        "A modality slug, several separated by commas (`acupuncture,cupping`: practitioners who offer any of them), "
        "or `any` for every therapy. Without it, a therapy that `q` asks for by name (\"physio for sciatica\", \"a "
        "deep tissue massage\", \"cupping or massage\") narrows the search as this filter would, echoed as "
        "`therapies_from_text`; `any` keeps every therapy"))
    technique: str | None = Field(default=None, max_length=80)
    max_price: int | None = Field(default=None, ge=0, le=10**9,
                                  description="Minor units of `currency`; without one, of the searched place's "
                                              "currency (echoed in `query`), else of each practitioner's own. "
                                              "Without it, a limit `q` states (\"under ₹1,000\", \"£50 max\") "
                                              "applies as this would, echoed as `budget_from_text`")
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    language: str | None = Field(default=None, max_length=40, description=(
        "A language the practitioner speaks (a name, or a two-letter code), or `any`. Without it, a language that `q` "
        "asks to be seen in (\"a Tamil-speaking physio\", \"who speaks Hindi\") narrows the search as this filter "
        "would, echoed as `language_from_text`; `any` keeps every language"))
    venue_type: str | None = Field(default=None, max_length=32, description=(
        "A kind of place (clinic, wellness_spa, hospital, retreat, home_visit), or `any`. Without it, a kind of place "
        "that `q` asks for by name (\"a physio who does home visits\") narrows the search as this filter would, "
        "echoed as `venue_from_text`; `any` keeps every kind"))
    exclude: str | None = Field(default=None, max_length=400, description=(
        "Modality or technique slugs to leave out, separated by commas (`acupuncture,cupping`): practitioners keep "
        "only what else they offer, and those who offer nothing else are not listed. So are the therapies `q` "
        "turns down (\"no acupuncture\", \"anything but massage\", \"scared of needles\": acupuncture), echoed as "
        "`declined_from_text`, unless `none` is among the slugs (`none`, `cupping,none`)"))
    gender: Literal["woman", "man", "non_binary", "any"] | None = Field(default=None, description=(
        "Only practitioners who stated this gender (practitioners who did not state one are left out), or `any`. "
        "Without it, a practitioner's gender that `q` asks for (\"a female physio\", \"lady doctor\") narrows the "
        "search as this filter would, echoed as `gender_from_text`; `any` keeps everyone"))
    page: int = Field(default=1, ge=1, le=1000)
    per_page: int = Field(default=20, ge=1, le=MAX_PER_PAGE)
    region: str | None = Field(default=None, min_length=2, max_length=2, pattern="^[A-Za-z]{2}$", description=(
        "The country the seeker is in or near (ISO code): when `near` is a name places in several countries share "
        "(\"Richmond\"), its place there comes first and the others are offered as `place.alternatives`. Without "
        "it, the region of the request's Accept-Language (en-GB, hi-IN; not en-US, the default of most browsers)"))
    sort: Literal["best", "nearest"] = Field(default="best", description=(
        "`best`: the best fit for the concern first, then nearness, a declared concern, language, price (the "
        "ranking's weights); `nearest`: the same practitioners, nearest first, then online sessions"))

    @field_validator("mode", "region", "gender", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """``mode=`` (as a form's first "Either" sends it) is no choice yet, like no ``mode``."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("concern", "q", "near", "modality", "technique", "language", "venue_type", "currency", "exclude")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    def to_input(self, region: str | None = None) -> SearchInput:
        """The service input; ``region`` (from the request's languages) when the query names none."""
        return SearchInput(
            concern=self.concern, q=self.q, near=self.near, lat=self.lat, lon=self.lon, radius_km=self.radius_km,
            mode=self.mode, cautions=_codes(self.cautions), red_flags=_codes(self.red_flags),
            no_red_flags=self.no_red_flags, modality=self.modality, technique=self.technique,
            max_price=self.max_price, currency=self.currency.upper() if self.currency else None,
            language=self.language, venue_type=self.venue_type, gender=self.gender, exclude=self.exclude,
            page=self.page,
            per_page=self.per_page, sort=self.sort, region=(self.region or region or "").upper() or None,
        )


class UnderstoodConcernOut(BaseModel):
    slug: str
    name: str
    confidence: float
    matched: str


class SearchPlaceOut(BaseModel):
    query: str | None
    label: str = Field(description="The place searched around: show it so the seeker can correct it")
    lat: float
    lon: float
    country_code: str | None
    alternatives: list[str] = Field(description="Other places the same words could mean")
    timezone: str | None = Field(default=None, description="The place's IANA time zone, when known: times in "
                                 "results are UTC, to show in this zone")


class UrgentAdviceOut(BaseModel):
    title: str
    message: str
    actions: list[str]


class ScreeningQuestionOut(BaseModel):
    code: str
    kind: Literal["red_flag", "caution"]
    text: str


class EvidenceNoteOut(BaseModel):
    concern: str
    source: str
    citation: str
    stance: str
    summary: str


class ResultModalityOut(BaseModel):
    slug: str
    name: str
    evidence: list[EvidenceNoteOut] = Field(description=(
        "What the guidelines say of it for the seeker's concerns; none for a therapy the seeker turned down or "
        "their cautions rule out"))


class ResultLocationOut(BaseModel):
    id: int
    label: str
    city: str
    venue_type: str
    lat: float
    lon: float


class NearbyPlaceOut(ResultLocationOut):
    distance_km: float = Field(description="From the searched place")


class BasedInOut(BaseModel):
    label: str = Field(description="Town and country, such as 'Mumbai, India' (the country alone for a "
                                   "practitioner who lists no place and declared where they practise from)")
    country_code: str | None


class PractitionerSummary(BaseModel):
    id: int
    display_name: str
    modalities: list[ResultModalityOut] = Field(description="Verified modalities only")
    techniques: list[str]
    languages: list[str]
    offers_online: bool
    min_price: int | None = Field(description="Cheapest session, minor units of `currency`")
    currency: str | None
    location: ResultLocationOut | None = Field(description="Nearest location within the radius; null for online")
    based_in: BasedInOut | None = Field(default=None, description="For an online result, where the practitioner "
                                        "is based: their first place, else the country they declared (null "
                                        "when neither is known)")
    also_in_person: NearbyPlaceOut | None = Field(
        default=None, description="For an online result, their nearest place within the radius where they also see "
                                  "people in person (null when none is)")
    gender: Literal["woman", "man", "non_binary"] | None = Field(
        default=None, description="As the practitioner stated it; null when they did not")
    years_in_practice: int | None = Field(
        default=None, description="As the practitioner stated it (not checked); null when they did not")


class ResultCautionOut(BaseModel):
    code: str
    applies_to: str
    message: str


class ResultLeftOutOut(BaseModel):
    applies_to: str = Field(description="The modality or technique slug left out")
    message: str


class PackageOfferOut(BaseModel):
    id: int
    name: str
    price: int = Field(description="Minor units of `currency`")
    currency: str
    sessions: int
    weeks: int
    practitioners: list[str]


class ResultOut(BaseModel):
    practitioner: PractitionerSummary
    next_available: datetime | None = Field(description="First open slot (ISO 8601, UTC), if any in 4 weeks")
    packages: list[PackageOfferOut] = Field(description="Packages on sale for this concern that they deliver in")
    distance_km: float | None = Field(description="null when the match is an online session")
    score: float
    reasons: list[str]
    cautions: list[ResultCautionOut]
    left_out: list[ResultLeftOutOut] = Field(
        default_factory=list, description="What they offer that the seeker turned down (`exclude`, or "
                                          "`declined_from_text`), left out of this match")


class NearestBeyondOut(BaseModel):
    distance_km: float = Field(description="How far the nearest match to visit is")
    radius_km: float = Field(description="The smallest offered `radius_km` (5, 10, 25, 50, 100, 200) that reaches it")
    city: str | None = Field(description="The town of their location, when it names one")


class TherapyFromTextOut(BaseModel):
    slug: str
    name: str
    kind: Literal["modality", "technique"]
    matched: str = Field(description="The words in `q` that named it")


class VenueFromTextOut(BaseModel):
    value: str = Field(description="A `venue_type` value")
    name: str
    matched: str = Field(description="The words in `q` that named it")


class ModeFromTextOut(BaseModel):
    value: Literal["in_person", "online"] = Field(description="A `mode` value")
    name: str
    matched: str = Field(description="The words in `q` that asked for it")


class LanguageFromTextOut(BaseModel):
    name: str = Field(description="The language, as practitioners list it")
    matched: str = Field(description="The words in `q` that asked for it")


class GenderFromTextOut(BaseModel):
    value: Literal["woman", "man", "non_binary"] = Field(description="A `gender` value")
    name: str
    matched: str = Field(description="The words in `q` that asked for it")


class BudgetFromTextOut(BaseModel):
    amount: int = Field(description="The most per session, in minor units of `currency`")
    currency: str | None = Field(description="The currency the words named; null when none (the search then reads "
                                             "the amount in the searched place's, echoed in `query`)")
    matched: str = Field(description="The words in `q` that said it")


class RadiusFromTextOut(BaseModel):
    km: float = Field(description="The distance `q` said, in km (miles turned to km, rounded up to a tenth); "
                                  "the radius searched, at most 200, is `query.radius_km`")
    matched: str = Field(description="The words in `q` that said it")


class PlaceFromTextOut(BaseModel):
    name: str = Field(description="The town as `q` named it, searched as `near` would be (see `place`)")
    matched: str = Field(description="The words in `q` that named it")


class SearchOut(BaseModel):
    query: dict = Field(description="The search as understood (echo of the input)")
    concerns: list[UnderstoodConcernOut]
    suggestions: list[UnderstoodConcernOut] = Field(
        description="Concerns to pick from (as `concern`) when `q` named none. When `q` named the care wanted "
                    "instead (a therapy, a kind of place, a language, a town, online or in person), `results` lists "
                    "everyone who offers it, not ranked for a concern (`without_concern`); otherwise `results` is "
                    "empty")
    without_concern: bool = Field(
        default=False, description="`q` named no concern but the care wanted: `results` are everyone who offers it, "
                                   "not ranked for a concern; `suggestions` offer one to rank by")
    place: SearchPlaceOut | None
    urgent: bool
    advice: UrgentAdviceOut | None
    questions: list[ScreeningQuestionOut] = Field(description="Answer these (red_flags / no_red_flags) before results")
    cautions: list[str]
    notes: list[str]
    results: list[ResultOut]
    total: int
    total_is_exact: bool
    page: int
    per_page: int
    has_more: bool
    nearest_beyond: NearestBeyondOut | None = Field(
        description="Nobody to visit within `radius_km` matched (page 1, not online only): the nearest who does "
                    "within 200 km, or null")
    therapy_from_text: TherapyFromTextOut | None = Field(
        default=None, description="The therapy `q` asked for by name, which the results are narrowed to (as the "
                                  "`modality` or `technique` filter would); null when none, when it asked for "
                                  "several (see `therapies_from_text`), or when a filter was given")
    therapies_from_text: list[TherapyFromTextOut] = Field(
        default_factory=list, description="Every therapy `q` asked for by name (\"cupping or massage\"), in the order "
                                          "named: the results are narrowed to practitioners who offer one of them "
                                          "(or each of them: `therapies_together`). Empty when none, or when "
                                          "`modality` or `technique` was given")
    therapies_together: bool = Field(
        default=False, description="True when `q` asked for one practitioner who offers every one of "
                                   "`therapies_from_text` (\"a physio who does dry needling\"), and the results "
                                   "are narrowed to those; false when any of them will do, or when nobody who "
                                   "matches offers them all within 200 km or online (a note then says so)")
    venue_from_text: VenueFromTextOut | None = Field(
        default=None, description="The kind of place `q` asked for by name, which the results are narrowed to (as "
                                  "`venue_type` would); null when none, or when `venue_type` was given")
    mode_from_text: ModeFromTextOut | None = Field(
        default=None, description="How `q` asked to be seen (online, or in person), which the search used as "
                                  "`mode`; null when it said neither, or when `mode` was given")
    language_from_text: LanguageFromTextOut | None = Field(
        default=None, description="The language `q` asked to be seen in, which the results are narrowed to (as "
                                  "`language` would); null when none, or when `language` was given")
    place_from_text: PlaceFromTextOut | None = Field(
        default=None, description="The town `q` asked for care in (\"a physio in Pune\"), searched near when "
                                  "neither `near` nor `lat`/`lon` was given; null otherwise")
    radius_from_text: RadiusFromTextOut | None = Field(
        default=None, description="How far `q` said the seeker will go (\"within 5 km of Pune\"), searched within "
                                  "as `radius_km` would be; null when none, when `radius_km` was given, or with no "
                                  "place to measure from")
    place_suggestions: list[str] = Field(
        default_factory=list, description="`q` named a place that cannot be searched near as written (a whole "
                                          "state: \"physio in Karnataka\"; two towns: \"in Pune or Mumbai\"; a name "
                                          "the geocoder could not find): towns it may mean, to search as `near`; a "
                                          "note says so")
    budget_from_text: BudgetFromTextOut | None = Field(
        default=None, description="The most `q` said the seeker will pay a session (\"a massage under ₹1,000\"), "
                                  "applied as `max_price` (and `currency`) would be; null when none, or when "
                                  "`max_price` was given")
    gender_from_text: GenderFromTextOut | None = Field(
        default=None, description="The practitioner's gender `q` asked for (\"a female physio\"), which the results "
                                  "are narrowed to (as `gender` would); null when none, or when `gender` was given")
    declined_from_text: list[TherapyFromTextOut] = Field(
        default_factory=list, description="The therapies `q` turned down (\"no acupuncture or dry needling\", "
                                          "\"anything but massage\"; \"no needles\" is acupuncture), left out as "
                                          "`exclude` would: not those it only tells of having had (\"acupuncture "
                                          "didn't help\"), nor one asked for; each `matched` is the words that "
                                          "turned it down (\"no acupuncture\"). Empty when none, or when `exclude` "
                                          "holds `none`")

    @classmethod
    def of(cls, o: SearchOutcome) -> "SearchOut":
        i = o.input
        echo = {k: v for k, v in {
            "concern": i.concern, "q": i.q, "near": i.near, "lat": i.lat, "lon": i.lon, "radius_km": i.radius_km,
            "mode": i.mode, "cautions": sorted(i.cautions), "red_flags": sorted(i.red_flags),
            "no_red_flags": i.no_red_flags, "modality": i.modality, "technique": i.technique,
            "max_price": i.max_price, "currency": i.currency, "language": i.language, "venue_type": i.venue_type,
            "gender": i.gender, "exclude": i.exclude, "sort": i.sort if i.sort != "best" else None,
            "region": i.region,
        }.items() if v not in (None, [], False)}
        return cls(
            query=echo,
            concerns=[UnderstoodConcernOut(slug=c.slug, name=c.name, confidence=c.confidence, matched=c.matched)
                      for c in o.concerns],
            suggestions=[UnderstoodConcernOut(slug=c.slug, name=c.name, confidence=c.confidence, matched=c.matched)
                         for c in o.suggestions],
            without_concern=o.without_concern,
            place=SearchPlaceOut(query=o.place.query, label=o.place.label, lat=o.place.lat, lon=o.place.lon,
                           country_code=o.place.country_code, alternatives=list(o.place.alternatives),
                           timezone=o.place.timezone)
            if o.place else None,
            urgent=o.urgent,
            advice=UrgentAdviceOut(title=o.advice.title, message=o.advice.message, actions=o.advice.actions)
            if o.advice else None,
            questions=[ScreeningQuestionOut(code=q.code, kind=q.kind, text=q.text) for q in o.questions],
            cautions=sorted(o.cautions), notes=list(o.notes),
            results=[ResultOut(
                practitioner=PractitionerSummary(
                    id=r.practitioner_id, display_name=r.display_name,
                    modalities=[ResultModalityOut(slug=m.slug, name=m.name, evidence=[
                        EvidenceNoteOut(concern=concern, source=e.source, citation=e.source_url_or_citation,
                                    stance=e.stance, summary=e.summary)
                        for concern, e in zip(m.evidence_concerns, m.evidence)
                    ]) for m in r.modalities],
                    techniques=list(r.techniques), languages=list(r.languages), offers_online=r.offers_online,
                    min_price=r.min_price, currency=r.currency,
                    location=ResultLocationOut(id=r.location.id, label=r.location.label, city=r.location.city,
                                         venue_type=r.location.venue_type, lat=r.location.lat, lon=r.location.lon)
                    if r.location else None,
                    based_in=BasedInOut(label=r.based_in.label, country_code=r.based_in.country_code)
                    if r.based_in else None,
                    also_in_person=NearbyPlaceOut(**asdict(r.also_in_person)) if r.also_in_person else None,
                    gender=r.gender, years_in_practice=r.years_in_practice,
                ),
                next_available=r.next_available,
                packages=[PackageOfferOut(id=k.id, name=k.name, price=k.price, currency=k.currency,
                                          sessions=k.sessions, weeks=k.weeks, practitioners=list(k.names))
                          for k in r.packages],
                distance_km=r.distance_km, score=r.score, reasons=list(r.reasons),
                cautions=[ResultCautionOut(code=n.code, applies_to=n.technique_or_modality, message=n.message)
                          for n in r.cautions],
                left_out=[ResultLeftOutOut(applies_to=n.technique_or_modality, message=n.message) for n in r.left_out],
            ) for r in o.results],
            total=o.total, total_is_exact=o.total_is_exact, page=o.page, per_page=o.per_page, has_more=o.has_more,
            nearest_beyond=NearestBeyondOut(**asdict(o.nearest_beyond)) if o.nearest_beyond else None,
            therapy_from_text=TherapyFromTextOut(**asdict(o.therapy_from_text)) if o.therapy_from_text else None,
            therapies_from_text=[TherapyFromTextOut(**asdict(t)) for t in o.therapies_from_text],
            therapies_together=o.therapies_together,
            venue_from_text=VenueFromTextOut(**asdict(o.venue_from_text)) if o.venue_from_text else None,
            mode_from_text=ModeFromTextOut(**asdict(o.mode_from_text)) if o.mode_from_text else None,
            language_from_text=LanguageFromTextOut(**asdict(o.language_from_text)) if o.language_from_text else None,
            place_from_text=PlaceFromTextOut(**asdict(o.place_from_text)) if o.place_from_text else None,
            radius_from_text=RadiusFromTextOut(**asdict(o.radius_from_text)) if o.radius_from_text else None,
            place_suggestions=list(o.place_suggestions),
            budget_from_text=BudgetFromTextOut(amount=o.budget_from_text.amount, currency=o.budget_from_text.currency,
                                               matched=o.budget_from_text.matched) if o.budget_from_text else None,
            gender_from_text=GenderFromTextOut(**asdict(o.gender_from_text)) if o.gender_from_text else None,
            declined_from_text=[TherapyFromTextOut(**asdict(t)) for t in o.declined_from_text],
        )

