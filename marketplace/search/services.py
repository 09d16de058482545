"""Search: safety screening first, then what hurts, then where, then the ranked page.

The order is the product's promise: a red flag (ticked, passed as ``red_flags`` or
stated in the seeker's own words) ends the search with urgent-care advice and no
bookable results, and only an anonymous count of that outcome is kept. Free text that
mentions a red flag without settling it makes the search ask instead of guess.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from marketplace.core.clock import today, today_ends
from marketplace.core.errors import ServiceUnavailable, ValidationFailed
from marketplace.core.money import format_money_plainly
from marketplace.core.wording import in_a_list, mid_sentence
from marketplace.core.models import upsert_for
from marketplace.extensions import db
from marketplace.geo.address_words import LANDMARK_WORDS, POSTCODE_AFTER_TOWN
from marketplace.geo.distance import approx_km
from marketplace.geo.gazetteer import (
    OfflineGazetteer, country_currency, country_in_sentence, country_name, normalize_name,
)
from marketplace.geo.service import (
    GeocoderUnavailable, PlaceNotFound, PlaceResolver, ResolvedPlace, offline_postcode, postcode_error,
    whole_area_error,
)
from marketplace.matching.devanagari import has_devanagari
from marketplace.matching.evidence import evidence_for
from marketplace.matching.memo import Memo
from marketplace.matching.safety import (
    CAUTIONS, DECLINED, QUESTIONS, RED_FLAGS, excluded_techniques_for, ruled_out, urgent_advice,
)
from marketplace.matching.scoring import NAMES, NEAREST_FIRST, TYPICAL_SESSION_PRICE, Query, Weights
from marketplace.matching.care_words import (
    COMPASS_WORDS, NOT_CARE_ASKED, UNLISTED_THERAPY_VOCABULARY, VENUE_VOCABULARY, RadiusMention,
    as_written, asked_budget, asked_gender, asked_language, asked_mode, asked_place, asked_radius, read_mentions,
    refused_doings, therapy_words, unmet_wishes,
)
from marketplace.matching.understanding import screen_text, tells_of_a_stiff_neck
from marketplace.practitioners.models import Gender, Location, VenueType, town_of
from marketplace.practitioners.services import CURRENCIES
from marketplace.search import engine
from marketplace.search.grid import KM_PER_DEG_LAT
from marketplace.search.memory import P_CITY, P_LABEL, Unconfirmed, memory_for
from marketplace.search.models import UrgentOutcome
from marketplace.search.outcome import (
    ANY_GENDER, ANY_LANGUAGE, ANY_THERAPY, ANY_VENUE, DEFAULT_RADIUS_KM, MAX_PER_PAGE, MAX_RADIUS_KM,
    RADIUS_CHOICES_KM, BasedIn, Beyond, BudgetUnderstood, ConcernUnderstood, GenderUnderstood, LanguageUnderstood,
    ModeUnderstood, Place, PlaceUnderstood, Question, RadiusUnderstood, Result, ResultLocation, ResultModality,
    SearchInput, SearchOutcome, TherapyUnderstood, VenueUnderstood, by_distance, chosen_exclusions, chosen_modalities,
    looks_beyond, refusals_count,
)
from marketplace.search.statements import DISPLAY_NAMES, HOMES, PLACES_SHOWN, YEARS_STATED
from marketplace.taxonomy.models import Concern, Modality, Technique

if TYPE_CHECKING:
    from marketplace.booking.openings import StampedMemory

MODES = ("in_person", "online", "any")


@dataclass(frozen=True)
class _Taxonomy:
    concerns: dict[str, str]  # slug -> name (active)
    modalities: dict[str, str]
    techniques: dict[str, str]  # technique slug -> modality slug
    # every term's name by slug (concerns, modalities, techniques), as admins named them:
    # the reasons and the page say what the badges and pickers say
    names: Mapping[str, str]


_taxonomy_cache: tuple[float, int, _Taxonomy] | None = None


def _taxonomy() -> _Taxonomy:
    """Active terms, read again when an admin's edit bumped the matching-data version (every
    term edit does) and at least every few seconds per process (they change rarely)."""
    from marketplace.taxonomy.matching import matching_version

    global _taxonomy_cache
    now, version = time.monotonic(), matching_version()
    if _taxonomy_cache is not None and now - _taxonomy_cache[0] < 5.0 and _taxonomy_cache[1] == version:
        return _taxonomy_cache[2]
    s = db.session
    concerns = s.execute(select(Concern.slug, Concern.name, Concern.is_active)).all()
    modalities = s.execute(select(Modality.slug, Modality.name, Modality.is_active)).all()
    techniques = s.execute(select(Technique.slug, Technique.name, Technique.is_active, Modality.slug)
                           .join(Modality)).all()
    value = _Taxonomy(
        concerns={slug: name for slug, name, active in concerns if active},
        modalities={slug: name for slug, name, active in modalities if active},
        techniques={slug: modality for slug, _, active, modality in techniques if active},
        # retired terms too: a practitioner's listing may still name one
        names={**NAMES, **{t[0]: t[1] for t in (*techniques, *modalities, *concerns)}},
    )
    _taxonomy_cache = (now, version, value)
    return value


def data_versions() -> tuple[int, str]:
    """What an answer depends on besides the index and the input: the matching-data version
    and the active taxonomy (a stable fingerprint of this process's snapshot)."""
    from marketplace.taxonomy.matching import matching_version

    global _fingerprint
    tax = _taxonomy()
    if _fingerprint is None or _fingerprint[0] is not tax:
        text = repr((sorted(tax.concerns.items()), sorted(tax.modalities.items()), sorted(tax.techniques.items()),
                     sorted(tax.names.items())))
        _fingerprint = (tax, hashlib.sha256(text.encode()).hexdigest()[:16])
    return matching_version(), _fingerprint[1]


_fingerprint: tuple[_Taxonomy, str] | None = None


def forget_taxonomy() -> None:
    global _taxonomy_cache
    _taxonomy_cache = None


def _matching_data():  # noqa: ANN202
    """The admin-edited phrases and relevance weights (cached per process by version)."""
    from marketplace.taxonomy.matching import current_matcher, current_relevance

    return current_matcher(), current_relevance()


def ordering(data: SearchInput, place: Place | None) -> Weights:
    """The weights this search's results are ordered by: distance alone when the seeker
    asked for the nearest first (and there are places to be near to), else the ranking's
    weights as admins set them."""
    from marketplace.taxonomy.matching import current_weights

    return NEAREST_FIRST if by_distance(data, place) else current_weights()


def _nearest_beyond(query: Query, terms: list[str], center: tuple[float, float],
                    relevance: Mapping[tuple[str, str], float], tax: _Taxonomy) -> Beyond | None:
    """When nobody to visit is within the radius: the nearest who would match within the
    largest one, the same walk ordered by distance for one result (its cost follows that
    page of one, and it runs only for pages with nobody nearby). None when there is nobody
    within it either, or when someone is within the radius after all (a page of online
    sessions ranked above them)."""
    wide = replace(query, radius_km=MAX_RADIUS_KM, mode="in_person", country=None)
    ranking = engine.rank(db.session, wide, terms=terms, center=center, need=1, on=today(), relevance=relevance,
                          weights=NEAREST_FIRST, names=tax.names, memory=memory_for(current_app))
    hit = ranking.hits[0] if ranking.hits else None
    distance = hit.candidate.distance_km if hit is not None else None
    if distance is None or distance <= query.radius_km:
        return None
    location = db.session.get(Location, hit.location_id) if hit.location_id is not None else None
    return Beyond(distance_km=round(distance, 1), radius_km=float(next(r for r in RADIUS_CHOICES_KM if r >= distance)),
                  city=(location.town or None) if location is not None else None)


# --- Input ------------------------------------------------------------------------------------

def _check(data: SearchInput, tax: _Taxonomy) -> None:
    errors: dict[str, list[str]] = {}

    def bad(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.concern and data.concern not in tax.concerns:
        bad("concern", f"We list no concern called '{data.concern}'. Pick one from the list, or describe it in your "
                       "own words.")
    if data.q is not None and len(data.q) > 500:
        bad("q", "Please keep the description under 500 characters.")
    if data.near is not None and len(data.near) > 200:
        bad("near", "Place names are at most 200 characters.")
    if (data.lat is None) != (data.lon is None):
        bad("lat" if data.lat is None else "lon", "Give both lat and lon, or neither.")
    if data.lat is not None and not (math.isfinite(data.lat) and -90 <= data.lat <= 90):
        bad("lat", "Latitude must be between -90 and 90.")
    if data.lon is not None and not (math.isfinite(data.lon) and -180 <= data.lon <= 180):
        bad("lon", "Longitude must be between -180 and 180.")
    if data.radius_km is not None and not (math.isfinite(data.radius_km) and 0 < data.radius_km <= MAX_RADIUS_KM):
        bad("radius_km", f"The radius must be more than 0 and at most {MAX_RADIUS_KM:.0f} km.")
    if data.mode is not None and data.mode not in MODES:
        bad("mode", "Mode must be in_person, online or any.")
    for code in sorted(data.red_flags - RED_FLAGS.keys()):
        bad("red_flags", f"Unknown red flag '{code}'. Known: {', '.join(RED_FLAGS)}.")
    for code in sorted(data.cautions - CAUTIONS.keys()):
        bad("cautions", f"Unknown caution '{code}'. Known: {', '.join(CAUTIONS)}.")
    for slug in chosen_modalities(data.modality):
        if slug not in tax.modalities:
            bad("modality", f"We list no therapy called '{slug}'. Choose one from the list, or any therapy.")
    if data.technique and data.technique not in tax.techniques:
        bad("technique", f"We list no technique called '{data.technique}'. Choose one from the list, or any "
                         "technique.")
    chosen = {*chosen_modalities(data.modality), data.technique, tax.techniques.get(data.technique or "")}
    for slug in chosen_exclusions(data.exclude):
        if slug not in tax.modalities and slug not in tax.techniques:
            bad("exclude", f"We list no therapy or technique called '{slug}'.")
        elif slug in chosen:
            bad("exclude", f"You chose {tax.names.get(slug, slug)} and asked to leave it out: choose one.")
    if data.max_price is not None and data.max_price < 0:
        bad("max_price", "The maximum price cannot be negative.")
    if data.currency is not None and data.currency not in CURRENCIES:
        bad("currency", f"Currency must be one of {', '.join(CURRENCIES)}.")
    if data.venue_type and data.venue_type != ANY_VENUE and data.venue_type not in {v.value for v in VenueType}:
        bad("venue_type", f"Venue type must be one of {', '.join(v.value for v in VenueType)}.")
    if data.region is not None and not (len(data.region) == 2 and data.region.isalpha()):
        bad("region", "A region is a two-letter country code, such as GB or IN.")
    if data.language is not None and len(data.language) > 40:
        bad("language", "Language names are at most 40 characters.")
    if data.gender and data.gender != ANY_GENDER and data.gender not in {g.value for g in Gender}:
        bad("gender", f"Gender must be one of {', '.join(g.value for g in Gender)}, or any.")
    if data.page < 1:
        bad("page", "Pages start at 1.")
    if not 1 <= data.per_page <= MAX_PER_PAGE:
        bad("per_page", f"Between 1 and {MAX_PER_PAGE} results per page.")
    if errors:
        raise ValidationFailed("Some search options are not valid.", errors)


def _place(data: SearchInput, resolver: PlaceResolver) -> Place | None:
    if data.lat is not None and data.lon is not None:
        named = resolver.nearest(data.lat, data.lon)
        label = f"your location (near {named.label})" if named else f"{data.lat:.4f}, {data.lon:.4f}"
        return Place(None, label, data.lat, data.lon, named.country_code if named else None,
                     timezone=named.timezone if named else None)
    near = (data.near or "").strip()
    if not near:
        return None
    if (error := whole_area_error(near, "near")) is not None:
        raise error
    try:
        places = resolver.resolve_many(near, 4, prefer=data.region)
        if not places:
            resolver.resolve(near)  # raises PlaceNotFound with suggestions
    except PlaceNotFound as exc:
        raise postcode_error(near, resolver, "near") or exc.as_field_error(
            "near", "Try a city name, a neighbourhood with its city (such as 'Bandra, Mumbai'), or use your "
            "location.") from None
    except GeocoderUnavailable:
        raise ServiceUnavailable("Place lookup is unavailable right now. Try again shortly, or use your "
                                 "location or online sessions.") from None
    places = _with_the_city(near, places, resolver, data.region)
    chosen = places[0]
    return Place(near, chosen.label, chosen.lat, chosen.lon, chosen.country_code,
                 tuple(p.label for p in places[1:] if p.label != chosen.label), timezone=chosen.timezone)


def _with_the_city(near: str, places: list[ResolvedPlace], resolver: PlaceResolver,
                   region: str | None) -> list[ResolvedPlace]:
    """``places`` found for ``near``, with the city of a million or more named after a compass
    word when the name is also another town's own: "East London" is a town in South Africa
    and the east of London. The city is offered among the places it may be, first for a
    seeker in its country (then measured from its middle, and the page says so)."""
    words = near.split()
    if len(words) < 2 or "," in near or words[0].lower() not in COMPASS_WORDS:
        return places
    city = " ".join(words[1:])
    if (_GAZETTEER.population_named(city) or 0) < _COMPASS_CITY_MIN_POPULATION or any(
            _is_town_of(city, p.label) for p in places):
        return places  # no such city, or already read as it ("North London")
    try:
        found = resolver.resolve_many(city, 1, prefer=region)
    except GeocoderUnavailable:
        return places
    if not found:
        return places
    mine = region is not None and found[0].country_code == region.upper() != places[0].country_code
    return [found[0], *places][:4] if mine else [*places[:3], found[0]]


_COMPASS_CITY_MIN_POPULATION = 1_000_000


def _is_town_of(name: str, label: str) -> bool:
    """Whether ``name`` is the town a place's label starts with ("London" of "London,
    England, United Kingdom")."""
    return normalize_name(name) == normalize_name(label.split(",")[0])


def _unplaced(place: Place) -> str | None:
    """A part of the place asked for, before its town, that the map could not place ("Bandra"
    in "Bandra, Mumbai", which the offline gazetteer lacks, or Whitefield, which it knows only
    in England; "Viman Nagar" in "Viman Nagar Pune"): the search is then measured from the
    town's middle, and should say so."""
    return _unplaced_part(place.query, place.label, place.lat, place.lon) if place.query else None


@lru_cache(maxsize=4096)
def _unplaced_part(query: str, label: str, lat: float, lon: float) -> str | None:
    words = query.split()
    if "," not in query and len(words) > 1 and words[0].lower() in COMPASS_WORDS \
            and _is_town_of(" ".join(words[1:]), label):
        return words[0]  # the city itself chosen over a town of that name ("East London": London's east)
    if "," in query:
        parts = query.split(",")[:-1]
    else:
        before, code, landmark = _around_town(query)
        if landmark:
            return " ".join(query.split())  # "Pune station": measured from Pune's middle
        parts = [before, code]
    label = normalize_name(label)
    for part in parts:
        key = normalize_name(part)
        if not key or key in label or _GAZETTEER.area_named(part) is not None:
            continue
        alone = _GAZETTEER.geocode(part)
        if alone is None or approx_km(alone.latitude, alone.longitude, lat, lon) > _SAME_PLACE_KM:
            return " ".join(part.split())
    return None


def _around_town(query: str) -> tuple[str, str, str]:
    """The words of ``query`` (no comma in it) before the town the offline map reads in it
    ("Viman Nagar" in "Viman Nagar Pune"), a postcode after it ("LS6" in "Leeds LS6",
    which the offline map does not place), and words for a station or the like after it
    ("station" in "Pune station", which it measures from Pune); "" for none."""
    found = _GAZETTEER.geocode(query)
    town = normalize_name(found.raw.get("matched_name") or "").split() if found is not None else []
    words, key = query.split(), normalize_name(query).split()
    starts = [j for j in range(len(key) - len(town) + 1) if town and key[j:j + len(town)] == town]
    if not starts or len(key) != len(words):  # (a word the normalising split or dropped: not told)
        return "", "", ""
    after = words[starts[-1] + len(town):]
    code = " ".join(after) if after and POSTCODE_AFTER_TOWN.fullmatch(" ".join(after)) else ""
    landmark = " ".join(after) if after and all(w in LANDMARK_WORDS for w in key[-len(after):]) else ""
    return " ".join(words[:starts[-1]]), code, landmark


_SAME_PLACE_KM = 5.0  # "Bangalore, India": another name of the very place searched


def _unreadable_note(word: str, *, understood: bool) -> str:
    """Why every safety question was asked for text with ``word`` in another script, and,
    when no concern came of it, what to do instead."""
    if has_devanagari(word):
        said = ("We read Hindi script for what hurts, but not yet well enough for safety (a \u201c\u0928\u0939\u0940\u0902\u201d "
                "after a word, for one), so we asked every safety question.")
    else:
        said = ("We can read English, and Hindi in Latin letters (\u201ckamar mein dard\u201d) or Devanagari, but "
                f"not yet words such as \u201c{word}\u201d, so we asked every safety question.")
    return said if understood else f"{said} Please pick the closest concern, or describe it in English."


def count_urgent(red_flags: frozenset[str], on: date | None = None) -> None:
    """Add one to today's anonymous count for each red flag (an upsert, safe under races)."""
    on = on or today()
    make = upsert_for(db.session)
    for code in sorted(red_flags):
        stmt = make(UrgentOutcome).values(day=on, red_flag=code, count=1)
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=["day", "red_flag"], set_={"count": UrgentOutcome.count + 1}))


# --- The search -------------------------------------------------------------------------------

def search(data: SearchInput, resolver: PlaceResolver) -> SearchOutcome:
    """Run one search. Raises ValidationFailed naming the field for bad input (for an
    unknown ``near``, with ``suggestions`` in its extensions) and ServiceUnavailable when
    a configured online geocoder is down. Flushes the urgent-outcome count; the caller
    commits."""
    tax = _taxonomy()
    _check(data, tax)
    radius_chosen = data.radius_km is not None
    data = replace(data, radius_km=data.radius_km if radius_chosen else DEFAULT_RADIUS_KM)
    matcher, relevance = _matching_data()
    text = (data.q or "").strip()
    screening = screen_text(text) if text else None

    red = set(data.red_flags) | (set(screening.red_flags) if screening else set())
    cautions = frozenset(data.cautions | (screening.cautions if screening else frozenset()))
    if red:
        count_urgent(frozenset(red))
        for_someone = bool(screening and screening.red_flags and screening.others == "screen")
        advice = urgent_advice(red, for_someone=for_someone, stiff_neck=tells_of_a_stiff_neck(text))
        return SearchOutcome(input=data, urgent=True, advice=advice,
                             cautions=cautions, page=data.page, per_page=data.per_page)

    questions: list[Question] = []
    if screening and not data.no_red_flags:
        questions += [Question(c, "red_flag", QUESTIONS[c]) for c in sorted(screening.unclear_red_flags)]
    notes: list[str] = []
    if questions and screening and screening.others != "drop":
        notes.append("If you are searching for someone else, answer these questions for them.")
    if screening:
        for c in sorted(screening.unclear_cautions - cautions):
            notes.append(f"You mentioned something about {CAUTIONS[c]}. If that applies to you, tick it "
                         "so we can leave out techniques that don't suit it.")

    concerns: list[ConcernUnderstood] = []
    suggestions: list[ConcernUnderstood] = []
    if data.concern:
        concerns.append(ConcernUnderstood(data.concern, tax.concerns[data.concern], 1.0, data.concern))
    elif text:
        for m in matcher.match(text):
            if m.slug in tax.concerns:
                concerns.append(ConcernUnderstood(m.slug, tax.concerns[m.slug], round(m.confidence, 3), m.phrase))
        if not concerns:
            suggestions = [ConcernUnderstood(s.slug, tax.concerns.get(s.slug, s.name), 0.0, "")
                           for s in matcher.suggest(text) if s.slug in tax.concerns]
    if screening and screening.unreadable:
        notes.insert(0, _unreadable_note(screening.unreadable, understood=bool(concerns)))
    # A therapy, kind of place, way of being seen, language, budget or practitioner's gender
    # that the text asks for narrows the search as its filter would, unless the seeker chose
    # that filter (or "any").
    therapies, together, venue, said_mode, said_language, said_budget, said_gender, unlisted, said_declined, unmet = (
        _care_named(text, tax) if text else _NOTHING_NAMED)
    if unlisted is not None and (data.modality is not None or data.technique is not None):
        unlisted = None  # a therapy chosen: nothing to say of one only named
    unlisted_at = len(notes)  # its note goes here, worded by whether anyone is shown
    # A town is read from the words around a budget ("acupuncture Bangalore under ₹2,000") and
    # a distance ("within 5 km of Pune": near Pune).
    said_radius, town_words = _distance_read(said_budget.rest if said_budget is not None else text)
    if said_budget is not None and data.max_price is None and (
            said_budget.currency is None or data.currency in (None, said_budget.currency)):
        # "A massage under ₹1,000": applied as the price filter would be (a currency chosen
        # for another leaves it unread).
        data = replace(data, max_price=said_budget.amount, currency=said_budget.currency or data.currency)
    else:
        said_budget = None
    language = None if data.language is not None and data.language.lower() == ANY_LANGUAGE else data.language
    if said_language is not None and data.language is None:
        language = said_language.name
    else:
        said_language = None
    gender = None if data.gender == ANY_GENDER else data.gender
    if said_gender is not None and data.gender is None:
        gender = said_gender.value
    else:
        said_gender = None
    # Therapies chosen: one, or several ("acupuncture,cupping": any of them)
    chosen = chosen_modalities(data.modality)
    modality = chosen[0] if len(chosen) == 1 else None
    technique, venue_type = data.technique, None if data.venue_type == ANY_VENUE else data.venue_type
    if data.modality is not None or technique is not None:
        therapies = ()  # chosen under the filters (or every therapy): the words narrow nothing
    # A therapy the seeker's health rules out ("cupping" with blood thinners) is offered by
    # nobody to them: searched for anyway, the page would list it under a warning against it.
    # The note says the results are other therapies only when there are results to say it of.
    # Of several asked for ("cupping or massage"), the others are searched.
    instead: tuple[str, str] | None = None
    asked = [t.slug for t in therapies] or ([technique or modality] if technique or modality else list(chosen))
    if ruled := {a: effect for a in asked if (effect := ruled_out(cautions, a)) is not None}:
        not_searched = (" ".join(dict.fromkeys(effect.message for effect in ruled.values()))
                        + f" So we have not searched for {' or '.join(tax.names.get(a, a) for a in ruled)}")
        if len(ruled) < len(asked):
            notes.append(f"{not_searched}. Ask your doctor before trying it.")
        else:
            instead = (f"{not_searched}. Ask your doctor before trying it.",
                       f"{not_searched}: these are practitioners whose other therapies suit you. Ask your doctor "
                       "before trying it.")
            notes.append(instead[0])
            modality = technique = None
        therapies = tuple(t for t in therapies if t.slug not in ruled)
        if len(chosen) > 1:  # of several chosen, the others are searched
            chosen = tuple(slug for slug in chosen if slug not in ruled)
            modality = chosen[0] if len(chosen) == 1 else None
    if len(therapies) == 1:
        modality, technique = (therapies[0].slug, None) if therapies[0].kind == "modality" else (None,
                                                                                                  therapies[0].slug)
    several = tuple(t.slug for t in therapies) if len(therapies) > 1 else chosen if len(chosen) > 1 else ()
    together = together and bool(several)
    # Therapies left out: as chosen, and those the words turn down ("no needles") unless the
    # seeker asked to see them, never one asked for (nor the modality of a technique asked
    # for: "no acupuncture, only dry needling")
    excluded = chosen_exclusions(data.exclude)
    if refusals_count(data.exclude):
        asked_for = {modality, technique, *several, *chosen, *(t.slug for t in therapies)}
        asked_for |= {tax.techniques.get(slug or "") for slug in asked_for}
        said_declined = tuple(t for t in said_declined if t.slug not in asked_for and t.slug not in excluded)
    else:
        said_declined = ()
    declined = (*excluded, *(t.slug for t in said_declined))
    # (with every technique of a modality left out, by the taxonomy admins keep)
    declined_terms = frozenset(_terms(tax, None, None, declined)) if declined else frozenset()
    if venue is not None and data.venue_type is None:
        venue_type = venue.value
    else:
        venue = None
    # How the seeker is seen: as chosen, else as the words ask. A kind of place is somewhere
    # to go (or a visit): it means in person, except against online sessions the seeker
    # chose, where a place chosen too is dropped with a word, and one only read is ignored.
    mode = data.mode or (said_mode.value if said_mode is not None else None)
    if data.mode is not None:
        said_mode = None
    if venue_type is not None and mode == "online":
        if venue is not None:
            venue = venue_type = None
        elif said_mode is not None:  # a kind of place the seeker chose wins over their words
            said_mode, mode = None, None
        else:
            notes.append("Online sessions take place wherever you are, so the kind of place you chose is not "
                         "applied.")
            venue_type = None
    if venue_type is not None:
        mode = "in_person"
    mode = mode or "any"
    data = replace(data, mode=mode)

    place, said_place, undecided, said_unfound, place_suggestions = None, None, None, None, ()
    in_country: tuple[str, str] | None = None  # a whole country or state in the words: its code, and the words
    if text and not data.near and data.lat is None and data.lon is None:
        # A town named in the words ("a physio in Pune") is where to search, when it resolves;
        # a name the offline gazetteer lacks ("near Koramangala"), when the geocoder knows it.
        if (read := _place_read(town_words)) is not None and read[1] is None:
            place_suggestions = _towns_of(read[2])
            undecided = (f"You wrote “{read[0].matched}”: type the one you want under “Near”"
                         f"{', or pick it from the towns listed there,' if place_suggestions else ''} to see "
                         "practitioners there.")
        elif read is not None and (area := _GAZETTEER.whole_area(read[0].name)) is not None:
            country = _GAZETTEER.country_of_area(read[0].name)
            if country is not None and mode != "in_person":
                # Online sessions from practitioners based there first ("an online physio in
                # the UK" needs no town).
                in_country = country, read[0].matched
            if in_country is None or mode != "online":
                kind, place_suggestions = area[0], tuple(area[1])
                said_unfound = _town_wanted(f"You wrote “{read[0].matched}”, a whole {kind}", bool(place_suggestions),
                                            mode)
        elif read is not None:
            said_place, known, _ = read
            if said_radius is not None and said_radius.place_word and said_place.matched.startswith("near "):
                # "within 5 km of Pune" was read as "near Pune": echoed as written
                said_place = replace(said_place, matched=f"{said_radius.place_word} {said_place.matched[5:]}")
            try:
                place = _place(replace(data, near=said_place.name), resolver)
            except (ValidationFailed, ServiceUnavailable) as exc:
                if not known and isinstance(exc, ValidationFailed):
                    # (not for a code of two or three letters: "near MG Road" is no Madagascar)
                    place_suggestions = tuple(str(s) for s in exc.extensions.get("suggestions") or ())[:5] \
                        if len(said_place.name) > 3 else ()
                    said_unfound = _town_wanted(
                        f"You wrote “{said_place.matched}”, but we cannot look up postcodes yet"
                        if offline_postcode(said_place.name, resolver) else
                        f"You wrote “{said_place.matched}”, but we could not find {said_place.name} on the map",
                        bool(place_suggestions), mode)
                said_place = None
    if said_unfound:
        notes.append(said_unfound)
    if place is None and mode == "online" and data.near and data.lat is None and _GAZETTEER.whole_area(data.near) \
            and (country := _GAZETTEER.country_of_area(data.near)) is not None:
        in_country = country, data.near.strip()  # "India" typed for online sessions: no town needed
    else:
        place = place or _place(data, resolver)
    if said_radius is not None and not radius_chosen and place is not None and mode != "online":
        # "A physio within 5 km": searched that far, as if chosen under "Within" (with no
        # place, it is read again once there is one; online, it is no matter).
        data = replace(data, radius_km=min(said_radius.km, MAX_RADIUS_KM))
        if said_radius.km > MAX_RADIUS_KM:
            notes.append(f"You wrote “{said_radius.words}”: we search at most {MAX_RADIUS_KM:g} km away, so these "
                         f"are practitioners within {MAX_RADIUS_KM:g} km.")
    else:
        said_radius = None
    if place is not None and (part := _unplaced(place)) is not None and part.lower() != "central":
        town = place.label.split(",")[0]  # ("central London" is measured from its middle)
        notes.append(f"Distances are from the middle of {town}, not from {part} {town}."
                     if part.lower() in COMPASS_WORDS
                     else f"We could not find {part} on the map, so distances are from the middle of {town}.")
    if place is None and mode == "in_person":
        message = undecided or said_unfound or ("Tell us where you are (a town or city), use your location, or "
                                                "choose online sessions.")
        raise ValidationFailed(message, {"near": [message]}, {"suggestions": list(place_suggestions)})
    if undecided:
        notes.append(undecided)
    of_the_list, list_note_at = "", len(notes)  # a note about the list shown, said only when one is
    first_in = f", those based in {country_in_sentence(in_country[0])} first" if in_country else ""
    if place is None and mode == "any":
        mode = "online"
        of_the_list = (f"Until then, these are online sessions{first_in}." if said_unfound or undecided else
                       "No place given, so these are online sessions. Add a place to see practitioners near you, "
                       "and those based in your country first.")
    elif place is None and mode == "online" and in_country:
        of_the_list = f"Online sessions{first_in}, as you wrote “{in_country[1]}”."
    elif place is None and mode == "online" and not said_unfound:
        # Without a place nobody is from abroad: the list mixes every country's practitioners.
        of_the_list = ("Add where you are to see practitioners based in your country first: their licence is "
                       "likelier to cover treating you, and their hours to suit yours.")

    if data.max_price is not None and data.currency is None and place is not None:
        # "45" typed near London means £45: read in the place's currency, a budget cannot
        # admit every price in another one (₹1,500 would let £60 sessions through).
        local = country_currency(place.country_code)
        if local in CURRENCIES:
            data = replace(data, currency=local)
            notes.append(f"Prices up to {format_money_plainly(data.max_price, local)}, in the currency "
                         "where you are searching. Choose a currency under “More filters” to change it.")

    # Words that name no concern may still say what care is wanted ("acupuncture in Leeds",
    # "a Tamil-speaking physio", "home visits"), or the filters chosen do: everyone who offers
    # it is listed, not ranked for a concern, with the concerns to choose from. Words that
    # say nothing of the kind only offer that choice: a list of everyone would pass for an
    # answer to them.
    unread = bool(text) and not concerns and not data.concern
    wanted = (modality or technique or several or venue_type or language or gender or said_mode or said_place
              or said_budget
              # "Show every therapy" (or place, or language) from such a list keeps listing
              or data.modality == ANY_THERAPY or data.venue_type == ANY_VENUE
              or (data.language or "").lower() == ANY_LANGUAGE or data.gender == ANY_GENDER)
    shown = not (questions or (unread and not wanted))  # anyone listed
    # Notes that depend on it, each put where it was worded (the later one first, so that
    # the earlier place stays put)
    if of_the_list and shown:
        notes.insert(list_note_at, of_the_list)
    if shown:  # what the words wish for that no search here meets, said rather than ignored
        notes.extend(_price_note(place, wish == "cost") if wish in ("price", "cost") else _UNMET_NOTES[wish]
                     for wish in unmet if wish not in ("price", "cost") or data.max_price is None)  # (a budget set
        # meets "cheap", and answers what it costs)
    if unlisted:  # ("physio or osteopath": those shown offer the one listed)
        offered = (" and " if together else " or ").join(t.name for t in therapies) if therapies else "other therapies"
        notes.insert(unlisted_at, f"We do not list {unlisted}"
                     + (f", so the practitioners shown offer {offered}." if shown else "."))
    outcome = dict(input=data, concerns=tuple(concerns), suggestions=tuple(suggestions), place=place,
                   cautions=cautions, page=data.page, per_page=data.per_page, notes=tuple(notes),
                   therapies_from_text=therapies, therapies_together=together, venue_from_text=venue,
                   mode_from_text=said_mode, language_from_text=said_language, place_from_text=said_place,
                   budget_from_text=said_budget,
                   radius_from_text=RadiusUnderstood(said_radius.km, said_radius.words) if said_radius else None,
                   gender_from_text=said_gender, declined_from_text=said_declined,
                   excluded_names=tuple(tax.names.get(slug, slug) for slug in excluded),
                   place_suggestions=place_suggestions,
                   without_concern=unread and bool(wanted))
    if not shown:
        # Ask first (safety), or let the seeker pick a concern: no guessing.
        return SearchOutcome(questions=tuple(questions), **outcome)

    query = Query(
        concerns=tuple(c.slug for c in concerns), radius_km=data.radius_km, mode=mode, max_price=data.max_price,
        currency=data.currency, language=language or None, modality=modality,
        technique=technique, therapies=several, together=together, venue_type=venue_type, gender=gender,
        cautions=cautions, declined=declined_terms,
        # Online sessions from the seeker's own country first (see Weights.online_abroad).
        country=None if mode == "in_person" else place.country_code if place is not None else
        in_country[0] if in_country else None,
    )
    terms = _terms(tax, modality, technique, several)
    left_out = declined_terms | (excluded_techniques_for(cautions) if cautions else frozenset())  # (not listed)
    # ...and the modalities neither offered to them nor sold to them in a course of care
    unwanted = frozenset(declined_terms & tax.modalities.keys())
    if cautions:
        unwanted |= {m for m in tax.modalities if ruled_out(cautions, m) is not None}
    need = data.page * data.per_page
    weights = ordering(data, place)
    unfit = _asked_unfit([technique or modality] if technique or modality else list(several),
                         [c.slug for c in concerns], relevance, tax) if concerns else None

    def ranked(query: Query, optimistic: bool) -> tuple[engine.Ranking, _Page | None]:
        ranking = engine.rank(db.session, query, terms=terms, center=(place.lat, place.lon) if place else None,
                              need=need, on=today(), relevance=relevance, weights=weights, names=tax.names,
                              memory=memory_for(current_app),
                              optimistic=optimistic)
        page_hits = ranking.hits[(data.page - 1) * data.per_page:need]
        return ranking, _page(page_hits, [c.slug for c in concerns], tax, ranking.unconfirmed,
                              center=(place.lat, place.lon) if place else None, radius_km=query.radius_km,
                              left_out=left_out, unwanted=unwanted)

    def walked(query: Query) -> tuple[engine.Ranking, _Page, Beyond | None]:
        # A warm walk reads what this process holds first and its stamps with the rest of the
        # page; in the rare case something it read changed meanwhile, it walks again, stamps first.
        ranking, page = ranked(query, optimistic=True)
        if page is None:
            ranking, page = ranked(query, optimistic=False)
        beyond = None
        if looks_beyond(data, place) and not ranking.near:
            beyond = _nearest_beyond(query, terms, (place.lat, place.lon), relevance, tax)
        return ranking, page, beyond

    ranking, page, beyond = walked(query)
    if query.together and ranking.total == 0 and beyond is None:
        # Nobody offers every therapy asked of one practitioner, here, within 200 km or
        # online: those who offer one of them, said so (rather than nobody).
        either = walked(replace(query, together=False))
        if either[0].total:
            ranking, page, beyond = either
            outcome["therapies_together"] = False
            outcome["notes"] += (f"Nobody who matches offers {' and '.join(t.name for t in therapies)} together, "
                                 "so these are practitioners who offer one of them.",)
    results = page.results
    if unfit is not None and results:  # ("Practitioners who offer it are shown")
        outcome["notes"] += (unfit,)
    if mode == "any" and results and not any(r.distance_km is not None or r.also_in_person for r in results):
        # Listed under "near Sydney", online sessions from far away could pass for local ones.
        outcome["notes"] += (f"Nobody on this page sees people in person within {query.radius_km:g} km: these are "
                             "online sessions, each with where the practitioner is based.",)
    if instead is not None and results:
        outcome["notes"] = tuple(instead[1] if note == instead[0] else note for note in outcome["notes"])
    if beyond is not None:
        outcome["nearest_beyond"] = beyond
    # Time alone changes the answer when a next opening shown lapses, and at the day's end
    # (licences expire at the end of their day, packages go off sale).
    day_ends = today_ends()
    return SearchOutcome(results=tuple(results), total=ranking.total, total_is_exact=ranking.total_is_exact,
                         holds_until=min(page.holds_until or day_ends, day_ends), shown_stamps=page.stamps,
                         **outcome)


def preload_memory(rows: int | None = None) -> int:
    """Fill this process's search memory with the busiest areas, up to ``rows`` rows
    (default ``SEARCH_MEMORY_PRELOAD_ROWS``), for every term and concern, then give the
    connection back. For a server that forks its workers after calling it (see
    gunicorn.conf.py). Returns the rows held; 0 without a memory."""
    memory = memory_for(current_app)
    rows = int(current_app.config.get("SEARCH_MEMORY_PRELOAD_ROWS", 0) or 0) if rows is None else rows
    if memory is None or rows <= 0:
        return 0
    try:
        tax = _taxonomy()
        return engine.preload(db.session, memory, _terms(tax, None, None), sorted(tax.concerns), rows, today(),
                              DEFAULT_RADIUS_KM)
    finally:
        db.session.rollback()


class _CareNamed(NamedTuple):
    therapies: tuple[TherapyUnderstood, ...]  # one, or several: any of them ("cupping or massage"),
    together: bool  # or all of them, from one practitioner ("a physio who does dry needling")
    venue: VenueUnderstood | None
    mode: ModeUnderstood | None
    language: LanguageUnderstood | None
    budget: BudgetUnderstood | None
    gender: GenderUnderstood | None
    unlisted: str | None = None  # therapies asked for that are listed nowhere here ("osteopathy or reiki")
    declined: tuple[TherapyUnderstood, ...] = ()  # therapies turned down ("no acupuncture", "no needles")
    unmet: tuple[str, ...] = ()  # wishes no search here meets ("an NHS physio", "open on Sunday")


_NOTHING_NAMED = _CareNamed((), False, None, None, None, None, None)
_UNMET_NOTES = {
    "nhs": "We list private practitioners, who charge for their sessions. NHS physiotherapy is free: ask your GP, "
           "or refer yourself where your area allows it.",
    "insurance": "We do not show which insurers cover a practitioner yet: ask them before you book whether your "
                 "insurance covers their sessions.",
    "free": "Sessions here are paid, and each result shows its price. For free care, ask your doctor about public "
            "services where you live.",
    "availability": "We cannot search by day or time yet: each result shows when the practitioner can next see "
                    "you, where they publish their hours.",
    "access": "We do not list access details (step-free access, parking) yet: ask the practitioner before you book.",
    "ratings": "There are no ratings or reviews here yet: every practitioner shown had their licence checked, and "
               "each result says why it matches.",
    "experience": "Each result shows the years in practice its practitioner states, where they state them: we "
                  "check licences, not years of experience, and results are not ordered by them.",
}


def _asked_unfit(asked: list[str], concerns: list[str], relevance: Mapping[tuple[str, str], float],
                 tax: _Taxonomy) -> str | None:
    """What a search is told of therapies asked for that the relevance table does not have
    helping with any concern it searches ("Ayurveda for a slipped disc"): found as asked,
    the results' reasons speak only of what else their practitioners offer. None when each
    fits one (a modality by itself or one of its techniques, a technique by itself or its
    modality), as the reasons would say it "can help with"."""
    return _unfit_said.get((tuple(asked), tuple(concerns)), lambda: _unfit_worded(asked, concerns, relevance, tax),
                           relevance)


def _unfit_worded(asked: list[str], concerns: list[str], relevance: Mapping[tuple[str, str], float],
                  tax: _Taxonomy) -> str | None:
    from marketplace.taxonomy.matching import current_weights

    def kin(slug: str) -> list[str]:  # a technique and its modality, or a modality and its techniques
        return [slug, tax.techniques[slug]] if slug in tax.techniques else _terms(tax, slug, None)

    enough = current_weights().some_fit
    weighed = {term for (_, term), value in relevance.items() if value > 0}
    unfit = [tax.names.get(slug, slug).split(" (")[0] for slug in asked
             if (slug in tax.modalities or slug in tax.techniques)
             and max(relevance.get((concern, term), 0.0) for concern in concerns for term in kin(slug)) < enough
             and not weighed.isdisjoint(kin(slug))]
    if not unfit or not any(value >= enough for (concern, _), value in relevance.items() if concern in concerns):
        return None  # (nor of a concern, or a therapy, the table has nothing for: admins have yet to weigh it)
    return (f"{in_a_list(unfit)} {'is' if len(unfit) == 1 else 'are'} not among the therapies we know to help with "
            f"{' or '.join(mid_sentence(tax.names.get(c, c)) for c in concerns)}. Practitioners who offer "
            f"{'it' if len(unfit) == 1 else 'them'} are shown, as you asked; each result says which of their therapies "
            "do, if any.")


def _price_note(place: Place | None, cost_asked: bool = False) -> str:
    """What a search that asks for a low price ("cheap physio") is told: results are not
    ordered by price, and how to set a budget, with one in the currency where it searches
    ("under £40", two thirds of a typical session there). With ``cost_asked`` ("how much
    does physio cost"), that each result shows its price, and how to set a budget."""
    local = country_currency(place.country_code) if place is not None else None
    typical = TYPICAL_SESSION_PRICE.get(local or "")
    example = f" (“under {format_money_plainly(round(typical * 2 / 3, -3), local)}”)" if typical and local else ""
    said = ("Each practitioner sets their own price, and each result shows it." if cost_asked else
            "Results are ordered by how well they fit, not by price, and each shows its price.")
    return (f"{said} To see only sessions within your budget, write the most you would pay{example} or set a "
            "maximum price under “More filters”.")


_GENDER_NAMES = {"woman": "practitioners who are women", "man": "practitioners who are men",
                 "non_binary": "non-binary practitioners"}
_therapy_words_kept: Memo[dict[tuple[str, ...], str]] = Memo()
_care_read: Memo[_CareNamed] = Memo()
# (by the relevance table's version, which every edit of the terms, the table or the weights
# makes anew)
_unfit_said: Memo[str | None] = Memo()
_MODE_NAMES = {"online": "online sessions", "in_person": "in-person sessions"}


def _care_named(text: str, tax: _Taxonomy) -> _CareNamed:
    """The therapies, and the one kind of place, way of being seen, language, budget and
    practitioner's gender, ``text`` asks for, if any (see
    :mod:`marketplace.matching.care_words`): therapies by the taxonomy's active terms, a
    modality before a technique of the same slug. Kept per text under the taxonomy
    snapshot, as searches repeat."""
    def work() -> _CareNamed:
        words = _therapy_words_kept.get(
            "words", lambda: therapy_words(tax.names, {*tax.modalities, *tax.techniques}), tax)
        venue = mode = language = None
        reading = read_mentions(text, words, NOT_CARE_ASKED)
        therapies = tuple(
            TherapyUnderstood(named.slug, tax.names.get(named.slug, named.slug),
                              "modality" if named.slug in tax.modalities else "technique",
                              as_written(text, named.words))
            for named in reading.narrowings(tax.techniques))
        together = reading.together(tax.techniques)
        if (place := read_mentions(text, VENUE_VOCABULARY).narrowing()) is not None:
            venue = VenueUnderstood(place.slug, VenueType(place.slug).label, as_written(text, place.words))
        if (how := asked_mode(text)) is not None:
            mode = ModeUnderstood(how.slug, _MODE_NAMES[how.slug], as_written(text, how.words))  # type: ignore[arg-type]
        if (spoken := asked_language(text)) is not None:
            language = LanguageUnderstood(spoken.slug, as_written(text, spoken.words))
        budget = None
        if (limit := asked_budget(text)) is not None:
            budget = BudgetUnderstood(limit.amount, limit.currency, limit.words, limit.rest)
        gender = None
        if (who := asked_gender(text)) is not None:
            gender = GenderUnderstood(who.slug, _GENDER_NAMES[who.slug], as_written(text, who.words))
        # Therapies asked for that are listed nowhere here (unless admins have since added one)
        unlisted = " or ".join(
            other.slug for other in read_mentions(text, UNLISTED_THERAPY_VOCABULARY, NOT_CARE_ASKED).narrowings()
            if not any(other.slug.lower() in tax.names.get(slug, "").lower()
                       for slug in (*tax.modalities, *tax.techniques))) or None
        # Therapies turned down, by name or by what they do ("no needles": acupuncture, every
        # technique of which but moxa needles; "no cracking": spinal manipulation)
        refused = {named.slug: named.refusal or named.words for named in reading.refusals()}  # ("no acupuncture")
        for slug, words in refused_doings(text).items():
            refused = {slug: words, **{other: said for other, said in refused.items()
                                       if other != slug and tax.techniques.get(other) != slug}}
        declined = tuple(TherapyUnderstood(slug, tax.names.get(slug, slug),
                                           "modality" if slug in tax.modalities else "technique",
                                           as_written(text, words))
                         for slug, words in refused.items() if slug in tax.modalities or slug in tax.techniques)
        return _CareNamed(therapies, together, venue, mode, language, budget, gender, unlisted, declined,
                          unmet_wishes(text))

    return _care_read.get(text, work, tax)


def warm_readers() -> None:
    """Build what reading a town from the words needs: the offline gazetteer's index (a
    couple of seconds, about 50 MB; the offline geocoder's own when that is the one
    configured), so that with a remote geocoder the first search naming a town does not
    wait for it either, and a server can build it once before forking its workers."""
    _GAZETTEER.warm()


@lru_cache(maxsize=4096)
def _place_read(text: str) -> tuple[PlaceUnderstood, bool | None, tuple[str, ...]] | None:
    """The town ``text`` asks for care in, if any (see
    :func:`marketplace.matching.care_words.asked_place`), told from ordinary words by the
    offline gazetteer's names whatever geocoder then places it, whether the gazetteer
    knows it (None: the words name two places, and the seeker has not chosen), and those
    places then."""
    named = asked_place(text, _GAZETTEER.population_named, _GAZETTEER.area_named, _GAZETTEER.misspelt_town,
                        _GAZETTEER.plain_town_population, _GAZETTEER.town_in_area)
    if named is None:
        return None
    return PlaceUnderstood(named.name, named.words), None if named.undecided else named.known, named.choices


_GAZETTEER = OfflineGazetteer()


def _towns_of(choices: tuple[str, ...]) -> tuple[str, ...]:
    """The towns of places not chosen between ("Bangalore", "Mumbai"), to offer, when each
    is a town of 100,000 people or more (a smaller namesake, such as Whitefield in England
    for Bangalore's, would mislead); else none."""
    towns = [_GAZETTEER.geocode(name) for name in choices]
    if towns and all(t is not None and (t.raw.get("population") or 0) >= 100_000 for t in towns):
        return tuple(dict.fromkeys(t.address for t in towns))
    return ()


def _town_wanted(said: str, offered: bool, mode: str) -> str:
    """A note on a place in the words that cannot be searched near: ``said``, then what to do
    (online, where the place only puts those based in the seeker's country first)."""
    pick = ", or pick one of the towns listed there," if offered else ""
    return (f"{said}: type your town or city under “Near”{pick}"
            + (" to see practitioners based in your country first." if mode == "online" else
               " to see practitioners there."))


def names_a_place(text: str) -> bool:
    """Whether ``text`` names a town to search in (or two, undecided), read as the search
    reads it: from the words around a budget."""
    if not text:
        return False
    budget = asked_budget(text)
    return _place_read(_distance_read(budget.rest if budget is not None else text)[1]) is not None


def _distance_read(text: str) -> tuple[RadiusMention | None, str]:
    """How far the words say the seeker will go, and the words to read a town from: without
    it, a place it is measured from kept ("within 5 km of Pune": "near Pune")."""
    said = asked_radius(text)
    return said, said.rest if said is not None else text


def _terms(tax: _Taxonomy, modality: str | None, technique: str | None, several: tuple[str, ...] = ()) -> list[str]:
    """The index terms a search reads: the technique, the modality and its techniques, those
    of each of ``several`` modalities or techniques, or every modality and technique (worked
    out once per taxonomy snapshot; don't change it)."""
    def of(modality: str | None, technique: str | None) -> list[str]:
        if technique:
            return [technique]
        if modality:
            return [modality] + sorted(t for t, m in tax.techniques.items() if m == modality)
        return sorted(tax.modalities) + sorted(tax.techniques)

    def work() -> list[str]:
        if several:
            return sorted({t for s in several for t in (of(s, None) if s in tax.modalities else of(None, s))})
        return of(modality, technique)

    return _terms_kept.get((modality, technique, several), work, tax)


_terms_kept: Memo[list[str]] = Memo()


@lru_cache(maxsize=4096)
def _evidence(concern: str, modality: str) -> tuple:
    """The guideline notes for a pair (fixed text from the brief's sources), built once."""
    return tuple(evidence_for(concern, modality))


_shown: Memo[tuple[ResultModality, ...]] = Memo()


def _shown_modalities(tax: _Taxonomy, modalities: frozenset[str], concerns: tuple[str, ...],
                      unwanted: frozenset[str] = frozenset()) -> tuple:
    """A result's modalities by name, each with the evidence for the seeker's concerns but
    those ``unwanted`` (turned down, or ruled out: no evidence for what is left out). The
    same few combinations come up on every page: built once per taxonomy snapshot."""
    def work() -> tuple[ResultModality, ...]:
        shown = []
        for m in sorted(modalities, key=lambda m: tax.modalities.get(m, m)):
            pairs = [] if m in unwanted else [(concern, note) for concern in concerns for note in _evidence(concern, m)]
            shown.append(ResultModality(m, tax.modalities.get(m, tax.names.get(m, m)),
                                        tuple(n for _, n in pairs), tuple(c for c, _ in pairs)))
        return tuple(shown)

    return _shown.get((modalities, concerns, unwanted), work, tax)


_technique_names: Memo[tuple[str, ...]] = Memo()


class _Page(NamedTuple):
    results: list[Result]
    holds_until: datetime | None  # the first moment a next opening shown may lapse (None: none shown)
    stamps: tuple[tuple[int, int], ...] = ()  # (practitioner id, availability stamp) of each result, as read


def _page(hits: list[engine.Hit], concerns: list[str], tax: _Taxonomy, pending: Unconfirmed | None = None,
          center: tuple[float, float] | None = None, radius_km: float = DEFAULT_RADIUS_KM,
          left_out: frozenset[str] = frozenset(), unwanted: frozenset[str] = frozenset()) -> _Page | None:
    """The page's results, and until when their next openings hold; None when ``pending``
    (the stamps of a walk that read before it read them) does not settle: the walk read
    something that has changed since.
    ``center`` and ``radius_km``: the search's place, for an online result's places nearby.
    ``left_out``: techniques the seeker's cautions rule out or they turned down, not listed
    among what each result offers them (each result's notes say why); ``unwanted``: the
    modalities they turned down or their cautions rule out, whose evidence is not shown and
    whose courses of care are not offered."""
    if not hits:
        if pending is not None:
            statement, params = pending.memory.band(pending.cell, pending.rings)
            if not pending.memory.settle(pending, db.session.connection().execute(statement, params)):
                return None
        return _Page([], None)
    ids = [h.candidate.practitioner_id for h in hits]
    connection = db.session.connection()
    # Names and places the ranking's rows did not carry (the memory's rows carry both).
    unnamed = [h.candidate.practitioner_id for h in hits if h.name is None]
    names = dict(connection.execute(DISPLAY_NAMES, {"ids": unnamed}).all()) if unnamed else {}
    location_ids = [h.location_id for h in hits if h.location_id is not None and h.place is None]
    locations = {row.id: (row.id, row.label, row.city, str(row.venue_type), row.lat, row.lon) for row in
                 connection.execute(PLACES_SHOWN, {"ids": location_ids})} if location_ids else {}
    # Results show when each practitioner can next be seen, and the courses of care they
    # offer for this concern (read for the page only: neither changes the ranking).
    # Both start from one round trip: the results' availability stamps (what the next
    # openings held were kept under) and which results deliver a package for the concern.
    from marketplace.booking.openings import stamps_and
    from marketplace.booking.queries import next_available
    from marketplace.packages.queries import DELIVERED_FOR, packages_for

    # So do the places of the online results' practitioners this process does not keep
    # (where they are based, and whether they also see people nearby), and the walk's own
    # stamps when it has yet to read them.
    others, params = ([YEARS_STATED, DELIVERED_FOR], {"slugs": concerns}) if concerns else ([YEARS_STATED], {})
    online = [h.candidate.practitioner_id for h in hits if h.candidate.distance_km is None]
    kept_places = _places_memory()
    unheld = [pid for pid in online if kept_places.peek(pid) is None]
    if unheld:  # the others are held by this process, most of them under their current stamp
        others.append(HOMES)
        params["online_ids"] = unheld
    if pending is not None:
        band, band_params = pending.memory.band(pending.cell, pending.rings)
        others.append(band)
        params.update(band_params)
    stamps, found = stamps_and(ids, *others, **params)
    years = dict(found.pop(0))  # (the years in practice they state)
    if pending is not None and not pending.memory.settle(pending, found.pop()):
        return None
    places = _places_of(online, unheld, found.pop() if unheld else [], stamps, kept_places) if online else {}
    nearby = _nearby(places, center, radius_km) if center is not None else {}
    offers = packages_for(concerns, ids, delivered=[package for _, package in found[0]]) if concerns else {}
    if unwanted or left_out:  # (a course of care of a therapy left out, or with a technique left out)
        offers = {pid: [k for k in packages if unwanted.isdisjoint(k.modality_slugs)
                        and left_out.isdisjoint(k.technique_slugs)] for pid, packages in offers.items()}
    slots = next_available(ids, stamps=stamps)
    results = []
    for hit in hits:
        c = hit.candidate
        modalities = _shown_modalities(tax, c.modalities, tuple(concerns), unwanted & c.modalities)
        if hit.place is not None:
            p = hit.place
            loc = (p[1], p[P_LABEL], p[P_CITY], p[4], p[2], p[3])
        else:
            loc = locations.get(hit.location_id) if hit.location_id is not None else None
        result_location = None if loc is None else ResultLocation(*loc, round(c.distance_km or 0.0, 2))
        results.append(Result(
            practitioner_id=c.practitioner_id,
            display_name=hit.name if hit.name is not None else names.get(c.practitioner_id, ""),
            modalities=modalities, techniques=_technique_names.get(
                offered := c.techniques - left_out if left_out else c.techniques,
                lambda: tuple(sorted(tax.names.get(t, t) for t in offered)), tax),
            languages=c.languages, distance_km=None if c.distance_km is None else round(c.distance_km, 2),
            location=result_location, offers_online=c.offers_online, min_price=c.min_price, currency=c.currency,
            score=hit.scored.score, reasons=tuple(hit.scored.reasons),
            cautions=tuple(n for n in hit.scored.notes if n.code != DECLINED),
            left_out=tuple(n for n in hit.scored.notes if n.code == DECLINED),
            next_available=slots.get(c.practitioner_id),
            packages=tuple(offers.get(c.practitioner_id, ())),
            based_in=places[c.practitioner_id].home if c.practitioner_id in places else None,  # online only
            also_in_person=nearby.get(c.practitioner_id), gender=c.gender,
            years_in_practice=years.get(c.practitioner_id),
        ))
    return _Page(results, slots.holds_until, tuple((pid, stamps.get(pid, 0)) for pid in ids))


class _Places(NamedTuple):
    """A practitioner's places as an online result shows them, as read under ``stamp``."""

    stamp: int
    home: BasedIn | None  # where they are based (see _home)
    spots: tuple[tuple[int, str, str, str, float, float], ...]  # (location id, label, city, venue, lat, lon)


def _places_memory() -> StampedMemory[_Places]:
    """This process's places of the practitioners its results pages showed online, each
    kept under their availability stamp (which every change to a :class:`Location` renews)."""
    from marketplace.booking.openings import StampedMemory, kept_per_process

    return kept_per_process("practitioner_places", StampedMemory)


def _places_of(online: list[int], unheld: list[int], fresh: list[tuple], stamps: dict[int, int],
               kept: StampedMemory[_Places]) -> dict[int, _Places]:
    """The places of the practitioners ``online``: those of ``unheld`` from ``fresh``, the
    :data:`HOMES` rows read in the page's round trip with their stamps (and kept under
    them); the ones this process keeps under their current stamp; and, for the few kept
    under an older one (a place changed since), read again now: after the stamps, so at
    least as new as them."""
    places: dict[int, _Places] = {}

    def keep(ids: Iterable[int], rows: Iterable[tuple]) -> None:
        by_pid: dict[int, list[tuple]] = {}
        for row in rows:
            by_pid.setdefault(row[0], []).append(row)
        for pid in ids:
            mine = by_pid.get(pid, [])  # none: no longer listed (a place-less one has a row)
            places[pid] = _Places(stamps.get(pid, 0), _home(mine),
                                  tuple((r[1], r[7], r[3], str(r[8]), r[9], r[10]) for r in mine if r[1] is not None))
            kept.put(pid, places[pid])

    keep(unheld, fresh)
    stale = []
    for pid in online:
        if pid not in places:
            held = kept.peek(pid)
            if held is not None and held.stamp == stamps.get(pid, 0):
                places[pid] = held
            else:
                stale.append(pid)
    if stale:
        keep(stale, db.session.connection().execute(HOMES, {"online_ids": stale}))
    return places


def _home(rows: list[tuple]) -> BasedIn | None:
    """Where a practitioner is based, from their :data:`HOMES` rows, as
    :attr:`~marketplace.practitioners.models.Practitioner.home_country` says: their first
    location's town (:func:`~marketplace.practitioners.models.town_of`) and country (named
    from the code the address resolved to, else the one they declared, else as typed); with
    no location, the country they declared."""
    places = [row for row in rows if row[1] is not None]
    if not places:
        declared = rows[0][11] if rows else None
        name = country_name(declared)
        return BasedIn(name, declared, country_in_sentence(declared) or name) if name else None
    _, _, _, city, country, resolved, code, *_, declared = min(places, key=lambda row: row[1])
    code = code or declared
    town = town_of(city, resolved)
    label = ", ".join(dict.fromkeys(p for p in (town, country_name(code) or country) if p))
    return BasedIn(label, code, label if town else country_in_sentence(code) or label) if label else None


def _nearby(places: dict[int, _Places], center: tuple[float, float], radius_km: float) -> dict[int, ResultLocation]:
    """Each practitioner's nearest place within ``radius_km`` of ``center``: an online
    result whose practitioner also sees people nearby says so (ranked on the better of the
    two, a session online can outrank a clinic 10 km away)."""
    lat0, lon0 = center
    nearest = {}
    for pid, kept in places.items():
        best = None
        for spot in kept.spots:
            if abs(spot[4] - lat0) * KM_PER_DEG_LAT > radius_km:  # most are far: no closer than this
                continue
            km = approx_km(lat0, lon0, spot[4], spot[5])
            if km <= radius_km and (best is None or (km, spot[0]) < best[:2]):
                best = (km, spot[0], spot)
        if best is not None:
            nearest[pid] = ResultLocation(*best[2], round(best[0], 2))
    return nearest
