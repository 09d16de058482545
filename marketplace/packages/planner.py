"""Care plans for a concern: what a seeker is offered when they ask for a package.

How it works, as the seeker sees it (``/packages?concern=…&near=…``):

1. **Packages first.** Packages on sale that target the concern and are delivered near
   the place are listed first: one price, paid once, sessions booked from the care plan.
2. **Otherwise, build your own.** :func:`assemble_plan` proposes a course the brief's
   sources describe (acute pain: about two sessions a week for three weeks; lasting
   pain: around ten sessions over six weeks), mixing the modalities that fit the concern
   best (``matching.RELEVANCE``), each from the best nearby verified practitioner, priced
   from that practitioner's own single-session fee, with one total. Nobody sells this
   plan as a bundle: the seeker books each component as ordinary single sessions with
   the named practitioner and pays each at their usual price. The total is what those
   sessions add up to; nothing is discounted or invented.

Everything here is pure (no Flask, no database): the caller passes candidates that are
already verified, unsuspended and limited to their verified modalities, so choices can
be tested and benchmarked on their own. Also here: the dates a package's rhythm
suggests for the next session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from marketplace.geo.distance import approx_km
from marketplace.matching import RELEVANCE, evidence_for
from marketplace.matching.evidence import EvidenceNote
from marketplace.matching.phrases import CONCERN_NAMES, MODALITY_NAMES
from marketplace.packages.shares import SingleFee

__all__ = [
    "ACUTE_CONCERNS", "COURSES", "MIN_RELEVANCE", "Course", "Plan", "PlanCandidate", "PlanComponent",
    "assemble_plan", "course_for", "session_interval_days", "suggest_dates",
]

MIN_RELEVANCE = 0.5  # below this a modality is not proposed for the concern
STRONG_FIT = 0.7  # from here a reason says "commonly used for", as search results do
SESSION_MINUTES = (30, 60)  # the brief: a session lasts 30-60 minutes

# Concerns the sources treat as acute; everything else gets the longer course.
ACUTE_CONCERNS = frozenset({"back-spasm", "sports-injury"})


@dataclass(frozen=True)
class Course:
    """A typical course from the brief. ``parts`` are the sessions of each modality,
    the best-fitting first."""

    kind: Literal["acute", "lasting"]
    label: str
    weeks: int
    sessions_per_week: int
    parts: tuple[int, ...]

    @property
    def sessions(self) -> int:
        return sum(self.parts)


COURSES: dict[str, Course] = {
    "acute": Course("acute", "Acute pain: about 2 sessions a week for 3 weeks", 3, 2, (4, 2)),
    "lasting": Course("lasting", "Lasting pain: 10 sessions over 6 weeks, about 2 a week", 6, 2, (6, 4)),
}


def course_for(concern_slug: str) -> Course:
    return COURSES["acute" if concern_slug in ACUTE_CONCERNS else "lasting"]


@dataclass(frozen=True)
class PlanCandidate:
    """A verified practitioner as the planner sees them: ``modalities`` are verified
    modality slugs only, ``points`` their in-person locations (lat, lon)."""

    practitioner_id: int
    display_name: str
    modalities: frozenset[str]
    concerns: frozenset[str] = frozenset()
    points: tuple[tuple[float, float], ...] = ()
    fees: tuple[SingleFee, ...] = ()


@dataclass(frozen=True)
class PlanComponent:
    modality: str
    modality_name: str
    practitioner_id: int
    display_name: str
    distance_km: float
    sessions: int
    minutes: int
    fee_label: str
    unit_price: int
    currency: str
    reasons: tuple[str, ...]
    evidence: tuple[EvidenceNote, ...]

    @property
    def subtotal(self) -> int:
        return self.sessions * self.unit_price


@dataclass(frozen=True)
class Plan:
    """A build-your-own plan. ``total`` is None when nothing could be proposed;
    ``missing`` names better-fitting modalities nobody verified offers nearby."""

    concern: str
    concern_name: str
    course: Course
    radius_km: float
    components: tuple[PlanComponent, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def currency(self) -> str | None:
        return self.components[0].currency if self.components else None

    @property
    def total(self) -> int | None:
        return sum(c.subtotal for c in self.components) if self.components else None

    @property
    def sessions(self) -> int:
        return sum(c.sessions for c in self.components)

    @property
    def practitioner_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(c.practitioner_id for c in self.components))


def _session_fee(fees: Sequence[SingleFee], currency: str | None) -> SingleFee | None:
    """The price of an ordinary session: the cheapest 30-60 minute fee (in ``currency``
    when one is fixed), else the cheapest fee at all."""
    usable = [f for f in fees if currency is None or f.currency == currency]
    regular = [f for f in usable if SESSION_MINUTES[0] <= f.minutes <= SESSION_MINUTES[1]]
    pool = regular or usable
    return min(pool, key=lambda f: (f.amount, -f.minutes, f.label)) if pool else None


def _split_sessions(course: Course, picks: int) -> tuple[int, ...]:
    """The course's sessions over ``picks`` modalities, the best-fitting getting more."""
    if picks >= len(course.parts) or picks == 0:
        return course.parts[:picks]
    parts = list(course.parts[:picks])
    parts[-1] += sum(course.parts[picks:])
    return tuple(parts)


def assemble_plan(
    concern_slug: str,
    lat: float,
    lon: float,
    radius_km: float,
    candidates: Sequence[PlanCandidate],
    *,
    relevance: Mapping[tuple[str, str], float] = RELEVANCE,
    modality_names: Mapping[str, str] = MODALITY_NAMES,
    concern_names: Mapping[str, str] = CONCERN_NAMES,
) -> Plan:
    """Propose a course for ``concern_slug`` from ``candidates`` within ``radius_km`` of
    (lat, lon).

    Modalities are tried from the best-fitting down (relevance at least
    :data:`MIN_RELEVANCE`, ties by name); for each, the best candidate offering it is
    the one who declares the concern, then the nearest, then the cheaper, then the lower
    id (deterministic). The first pick fixes the currency; later picks need a fee in it.
    Candidates without a location in the radius or without a fee are never proposed.
    """
    course = course_for(concern_slug)
    concern_name = concern_names.get(concern_slug, concern_slug.replace("-", " "))
    nearby: list[tuple[PlanCandidate, float]] = []
    for candidate in candidates:
        distances = [approx_km(lat, lon, p_lat, p_lon) for p_lat, p_lon in candidate.points]
        if distances and min(distances) <= radius_km and candidate.fees:
            nearby.append((candidate, min(distances)))
    wanted = sorted(
        ((relevance.get((concern_slug, m), 0.0), m) for m in modality_names),
        key=lambda rm: (-rm[0], modality_names[rm[1]]),
    )
    picks: list[tuple[str, PlanCandidate, float, SingleFee]] = []
    skipped: list[tuple[float, str]] = []
    currency: str | None = None
    for fit, modality in wanted:
        if fit < MIN_RELEVANCE or len(picks) == len(course.parts):
            break
        options = []
        for candidate, distance in nearby:
            fee = _session_fee(candidate.fees, currency) if modality in candidate.modalities else None
            if fee is not None:
                key = (concern_slug not in candidate.concerns, round(distance, 3), fee.amount,
                       candidate.practitioner_id)
                options.append((key, candidate, distance, fee))
        if not options:
            skipped.append((fit, modality))
            continue
        _, best, distance, fee = min(options, key=lambda o: o[0])
        currency = currency or fee.currency
        picks.append((modality, best, distance, fee))

    # Worth saying: what fits better than something proposed (or, with nothing proposed,
    # what the course would have used), so the seeker knows what is not on offer nearby.
    floor = min(relevance.get((concern_slug, m), 0.0) for m, *_ in picks) if picks else None
    missing = [modality_names[m] for fit, m in skipped if floor is None or fit > floor]
    if floor is None:
        missing = missing[:len(course.parts)]
    components = []
    for (modality, candidate, distance, fee), sessions in zip(picks, _split_sessions(course, len(picks))):
        name = modality_names[modality]
        fit = relevance.get((concern_slug, modality), 0.0)
        verb = "is commonly used for" if fit >= STRONG_FIT else "can help with"
        reasons = [f"{name} {verb} {concern_name.lower()}"]
        if concern_slug in candidate.concerns:
            reasons.append(f"Treats {concern_name.lower()}")
        reasons.append(f"{distance:.1f} km away" if distance < 10 else f"{distance:.0f} km away")
        reasons.append("Verified credentials")
        components.append(PlanComponent(
            modality=modality, modality_name=name, practitioner_id=candidate.practitioner_id,
            display_name=candidate.display_name, distance_km=round(distance, 1), sessions=sessions,
            minutes=fee.minutes, fee_label=fee.label, unit_price=fee.amount, currency=fee.currency,
            reasons=tuple(reasons), evidence=tuple(evidence_for(concern_slug, modality)),
        ))
    return Plan(concern=concern_slug, concern_name=concern_name, course=course, radius_km=radius_km,
                components=tuple(components), missing=tuple(missing))


# --- Rhythm: when to book the next session ------------------------------------------------

def session_interval_days(sessions_per_week: int) -> int:
    """Days between sessions for a weekly rhythm: 1 a week → 7, 2 → 4, 3 → 2 (at least 1)."""
    if sessions_per_week <= 0:
        raise ValueError("sessions_per_week must be positive")
    return max(1, (7 + sessions_per_week // 2) // sessions_per_week)


def suggest_dates(sessions_per_week: int, *, today: date, until: date, last: date | None = None,
                  count: int = 3) -> list[date]:
    """Up to ``count`` dates for the next session, following the rhythm from the last
    booked session (or from tomorrow when nothing is booked yet), never before tomorrow
    and never after ``until`` (the last day the package is valid)."""
    step = timedelta(days=session_interval_days(sessions_per_week))
    tomorrow = today + timedelta(days=1)
    first = tomorrow if last is None else max(last + step, tomorrow)
    dates = [first + k * step for k in range(count)]
    return [d for d in dates if d <= until]
