"""What a search takes and what it answers: plain frozen dataclasses shared by the
service, the JSON API, the HTML page and the benchmarks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from marketplace.core.wording import in_a_list
from marketplace.matching.evidence import EvidenceNote
from marketplace.matching.safety import CautionNote, UrgentAdvice

if TYPE_CHECKING:
    from marketplace.packages.queries import PackageBrief

Mode = Literal["in_person", "online", "any"]
# "best": fit first, then the extras (the ranking's weights); "nearest": the same
# practitioners, nearest first (online sessions after the places one can visit)
Sort = Literal["best", "nearest"]
DEFAULT_RADIUS_KM = 25.0
MAX_RADIUS_KM = 200.0
RADIUS_CHOICES_KM = (5, 10, 25, 50, 100, 200)  # the distances the search page offers
MAX_PER_PAGE = 50
# ``modality`` meaning every therapy, ``venue_type`` every kind of place: what the free text
# names then narrows nothing.
ANY_THERAPY = "any"
ANY_VENUE = "any"
ANY_LANGUAGE = "any"  # likewise for ``language``
ANY_GENDER = "any"  # and for ``gender``
NO_THERAPY = "none"  # among ``exclude``'s slugs: the words leave out nothing more


def chosen_modalities(modality: str | None) -> tuple[str, ...]:
    """The therapies a ``modality`` filter chooses: none for "any" or none, else each slug
    of a comma-separated list ("acupuncture,cupping": practitioners who offer any of them)."""
    if not modality or modality == ANY_THERAPY:
        return ()
    return tuple(dict.fromkeys(slug.strip() for slug in modality.split(",") if slug.strip()))


def chosen_exclusions(exclude: str | None) -> tuple[str, ...]:
    """The therapies an ``exclude`` choice leaves out: each modality or technique slug of a
    comma-separated list but "none" (see :func:`refusals_count`)."""
    return tuple(slug for slug in chosen_modalities(exclude) if slug != NO_THERAPY)


def refusals_count(exclude: str | None) -> bool:
    """Whether the therapies the words turn down are left out too: unless ``exclude`` holds
    "none" (the seeker asked to see them: "Show it too")."""
    return NO_THERAPY not in chosen_modalities(exclude)


@dataclass(frozen=True)
class SearchInput:
    """One search as the seeker asked it. ``max_price`` is in minor units of ``currency``;
    when that is None, of the searched place's currency (the outcome's input names it), or
    with no place (or a currency nobody lists in), of each practitioner's own. ``red_flags`` are
    codes the seeker ticked; ``no_red_flags`` means they answered "none of these" to the
    screening questions, which settles free text that was unclear. ``mode`` None: not
    chosen, so as the text asks ("an online physio"), else in person for a kind of place,
    else any (the outcome's input says which was searched). ``region``: a country code
    whose place comes first when ``near`` is a name several countries share."""

    concern: str | None = None
    q: str | None = None
    near: str | None = None
    lat: float | None = None
    lon: float | None = None
    # None: not chosen, so as far as the words say ("within 5 km"), else DEFAULT_RADIUS_KM (the
    # outcome's input says which was searched)
    radius_km: float | None = None
    mode: Mode | None = None
    cautions: frozenset[str] = frozenset()
    red_flags: frozenset[str] = frozenset()
    no_red_flags: bool = False
    modality: str | None = None
    technique: str | None = None
    max_price: int | None = None
    currency: str | None = None
    language: str | None = None
    venue_type: str | None = None
    gender: str | None = None  # a Gender value: only practitioners who stated it; "any": whatever the text says
    # Modality or technique slugs to leave out, comma-separated ("acupuncture,cupping"), as
    # well as those the text turns down ("no needles"), unless "none" is among them
    exclude: str | None = None
    page: int = 1
    per_page: int = 20
    sort: Sort = "best"
    region: str | None = None  # the country the seeker is likely in: which "Richmond" ``near`` means


@dataclass(frozen=True)
class Place:
    """The place the search measured from, echoed so the seeker can correct it.
    ``alternatives`` are other places the same words could mean; ``timezone`` (IANA, when
    known) is the place's clock, for showing times to someone searching there."""

    query: str | None
    label: str
    lat: float
    lon: float
    country_code: str | None = None
    alternatives: tuple[str, ...] = ()
    timezone: str | None = None


@dataclass(frozen=True)
class ConcernUnderstood:
    slug: str
    name: str
    confidence: float  # 1.0 when picked from the list
    matched: str  # the words that matched, or the slug


@dataclass(frozen=True)
class TherapyUnderstood:
    """A therapy the seeker named in their own words ("physio for sciatica"), which the
    search narrowed to as if it were chosen under the filters."""

    slug: str
    name: str
    kind: Literal["modality", "technique"]
    matched: str  # the words that named it


@dataclass(frozen=True)
class VenueUnderstood:
    """A kind of place the seeker asked for in their own words ("home visits"), which the
    search narrowed to as if it were chosen under the filters."""

    value: str  # a VenueType value
    name: str
    matched: str


@dataclass(frozen=True)
class ModeUnderstood:
    """How the seeker asked to be seen, in their own words ("an online consultation", "face
    to face"), which the search used as if chosen on the page."""

    value: Literal["in_person", "online"]
    name: str
    matched: str


@dataclass(frozen=True)
class LanguageUnderstood:
    """The language the seeker asked to be seen in, in their own words ("a Tamil-speaking
    physio"), which the search narrowed to as if typed under the filters."""

    name: str  # as practitioners list it: "Tamil"
    matched: str


@dataclass(frozen=True)
class GenderUnderstood:
    """The practitioner's gender the seeker asked for in their own words ("a female physio",
    "lady doctor"), which the search narrowed to as if chosen under the filters."""

    value: str  # a Gender value
    name: str  # "a woman"
    matched: str


@dataclass(frozen=True)
class BudgetUnderstood:
    """The most the seeker said they will pay a session ("a massage under ₹1,000"), which
    the search applied as if typed under "Highest price"."""

    amount: int  # minor units of ``currency``
    currency: str | None  # None: the words named none (the search reads the place's)
    matched: str  # "under ₹1,000"
    rest: str  # the seeker's words without it: the same search with every price


@dataclass(frozen=True)
class RadiusUnderstood:
    """How far the seeker said they will go ("within 5 km", "a 10 mile radius") when they
    chose no radius: the search reached that far (at most MAX_RADIUS_KM), as if chosen under
    "Within"."""

    km: float  # as said, miles in km (rounded up to a tenth); the searched radius is ``input.radius_km``
    matched: str  # "within 5 miles"

    @property
    def wider(self) -> float:
        """The radius to offer instead: the next the page offers, or the default."""
        return float(next((r for r in RADIUS_CHOICES_KM if r > self.km), DEFAULT_RADIUS_KM))


@dataclass(frozen=True)
class PlaceUnderstood:
    """The town the seeker named in their own words ("a physio in Pune") when they gave no
    place: the search is near it, as if typed under "Near"."""

    name: str  # as written: "Pune", "Koramangala, Bangalore"
    matched: str  # with the word before it: "in Pune"


@dataclass(frozen=True)
class Question:
    """A screening question the page must ask before showing results."""

    code: str
    kind: Literal["red_flag", "caution"]
    text: str


@dataclass(frozen=True)
class ResultLocation:
    id: int
    label: str
    city: str
    venue_type: str
    lat: float
    lon: float
    distance_km: float


@dataclass(frozen=True)
class BasedIn:
    """Where an online result's practitioner is based (their first location, else the
    country they declared): a seeker far away, perhaps in another country, should know
    before booking a video call."""

    label: str  # town and country, such as "Mumbai, India"; the country alone when declared
    country_code: str | None
    in_sentence: str = ""  # as a page says it: "Mumbai, India", or "the United Kingdom" for a country alone


@dataclass(frozen=True)
class ResultModality:
    slug: str
    name: str
    evidence: tuple[EvidenceNote, ...] = ()  # for each understood concern, source by source
    evidence_concerns: tuple[str, ...] = ()  # the concern slug each evidence note is about



@dataclass(frozen=True)
class Result:
    """One practitioner in the results. ``distance_km`` is None when the match is an
    online session; ``location`` is their nearest location within the radius."""

    practitioner_id: int
    display_name: str
    modalities: tuple[ResultModality, ...]
    techniques: tuple[str, ...]  # display names, verified modalities only
    languages: tuple[str, ...]
    distance_km: float | None
    location: ResultLocation | None
    offers_online: bool
    min_price: int | None
    currency: str | None
    score: float
    reasons: tuple[str, ...]
    cautions: tuple[CautionNote, ...]
    next_available: datetime | None = None  # the first open slot (UTC), if they publish hours
    packages: tuple[PackageBrief, ...] = ()  # on-sale packages for this concern they deliver in
    based_in: BasedIn | None = None  # online results only; None when they list no place
    # Online results only: their nearest place within the radius, where they also see people
    # in person (a seeker who asked for either kind of care may prefer to go there).
    also_in_person: ResultLocation | None = None
    gender: str | None = None  # as the practitioner stated it (a Gender value), if they did
    # What this practitioner offers that the seeker turned down, left out ("Acupuncture is
    # left out, as you asked."); their code is DECLINED
    left_out: tuple[CautionNote, ...] = ()
    years_in_practice: int | None = None  # as the practitioner stated it, if they did


@dataclass(frozen=True)
class Beyond:
    """Where the nearest match lies when none is within the radius: how far, in which
    town (when its location names one), and the smallest offered radius that reaches it."""

    distance_km: float
    radius_km: float
    city: str | None = None


@dataclass(frozen=True)
class SearchOutcome:
    """The answer. When ``urgent`` is True, ``advice`` says what to do and ``results`` is
    empty. When ``questions`` is not empty, the seeker must answer them first (results
    empty). ``total`` counts the matching practitioners when ``total_is_exact``;
    otherwise it is a lower bound ("at least"), and there are more pages."""

    input: SearchInput
    concerns: tuple[ConcernUnderstood, ...] = ()
    suggestions: tuple[ConcernUnderstood, ...] = ()  # when free text named no concern
    place: Place | None = None
    urgent: bool = False
    advice: UrgentAdvice | None = None
    questions: tuple[Question, ...] = ()
    cautions: frozenset[str] = frozenset()  # reported or read from the text
    results: tuple[Result, ...] = ()
    total: int = 0
    total_is_exact: bool = True
    page: int = 1
    per_page: int = 20
    notes: tuple[str, ...] = field(default=())  # e.g. "Showing online sessions: nobody within 25 km"
    nearest_beyond: Beyond | None = None  # nobody to visit within the radius, but someone within 200 km
    # Named in ``q``, and narrowed to: one therapy, or several ("cupping or massage"), any of which
    therapies_from_text: tuple[TherapyUnderstood, ...] = ()
    therapies_together: bool = False  # or every one of which, from one practitioner
    venue_from_text: VenueUnderstood | None = None  # likewise
    mode_from_text: ModeUnderstood | None = None  # likewise (``input.mode`` is the mode searched)
    language_from_text: LanguageUnderstood | None = None  # likewise
    place_from_text: PlaceUnderstood | None = None  # the town ``q`` named, searched near (``place``)
    radius_from_text: RadiusUnderstood | None = None  # how far ``q`` said, searched within (``input.radius_km``)
    # ``q`` named a place that cannot be searched near as written (a whole state: "in
    # Karnataka"; two towns; a name the geocoder could not find): towns it may mean (labels,
    # to search ``near``)
    place_suggestions: tuple[str, ...] = ()
    budget_from_text: BudgetUnderstood | None = None  # applied as ``input.max_price`` (and currency)
    gender_from_text: GenderUnderstood | None = None  # narrowed to, as ``input.gender`` would
    # Turned down in ``q`` ("no acupuncture", "scared of needles"), and left out as
    # ``input.exclude`` would
    declined_from_text: tuple[TherapyUnderstood, ...] = ()
    excluded_names: tuple[str, ...] = ()  # the names of the therapies left out as chosen (``input.exclude``)
    # ``q`` named no concern but the care wanted (a therapy, a kind of place, a language...):
    # the results are everyone offering it, not ranked for a concern; ``suggestions`` offer one.
    without_concern: bool = False
    # The first moment time alone may change this answer (a next opening shown lapses, the
    # day ends); None when nothing in it depends on the time. A cached copy lives no longer.
    holds_until: datetime | None = None
    # The availability stamps of the results' practitioners, as the page read them: a
    # booking (or any change to their hours or places) replaces one, and a cached copy is
    # then no longer served (see marketplace.search.answers).
    shown_stamps: tuple[tuple[int, int], ...] = ()

    @property
    def therapy_from_text(self) -> TherapyUnderstood | None:
        """The one therapy ``q`` named and the results were narrowed to; None when it named
        none, or several (see ``therapies_from_text``)."""
        return self.therapies_from_text[0] if len(self.therapies_from_text) == 1 else None

    @property
    def therapies_named(self) -> str:
        """The therapies narrowed to, by name: "Cupping therapy or Massage therapy", or
        "Physiotherapy with Trigger-point / dry needling" when asked of one practitioner."""
        return (" with " if self.therapies_together else " or ").join(t.name for t in self.therapies_from_text)

    @property
    def declined_named(self) -> str:
        """The therapies the words turned down, by name: "Acupuncture and Cupping therapy"."""
        return in_a_list([t.name for t in self.declined_from_text])

    @property
    def excluded_named(self) -> str:
        """The therapies left out as chosen, by name."""
        return in_a_list(self.excluded_names)

    @property
    def exclude_showing_declined(self) -> str:
        """The ``exclude`` that shows what the words turned down, and leaves out what was chosen."""
        return ",".join((*chosen_exclusions(self.input.exclude), NO_THERAPY))

    @property
    def nearest_first(self) -> bool:
        """Ordered by distance: asked for, with a place to measure from and places to
        visit (online sessions alone have no distance to order by)."""
        return by_distance(self.input, self.place)

    @property
    def looked_beyond(self) -> bool:
        """Whether this search looks past its radius when nobody there matches (see
        :func:`looks_beyond`); ``nearest_beyond`` None then means nobody within 200 km."""
        return looks_beyond(self.input, self.place)

    @property
    def has_more(self) -> bool:
        return not self.urgent and (self.page * self.per_page < self.total or not self.total_is_exact)


def looks_beyond(data: SearchInput, place: Place | None) -> bool:
    """Whether a first page with nobody to visit within the radius looks for the nearest
    match up to MAX_RADIUS_KM (there are places to visit, and room to widen)."""
    return place is not None and data.mode != "online" and data.page == 1 and data.radius_km < MAX_RADIUS_KM


def by_distance(data: SearchInput, place: Place | None) -> bool:
    """Whether this search's results are ordered by distance (see SearchOutcome.nearest_first)."""
    return data.sort == "nearest" and place is not None and data.mode != "online"
