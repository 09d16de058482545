"""Which packages are on sale right now, and what each one costs and saves.

"On sale" is decided at query time, like visibility: a package sells only while its
status is ``on_sale``, its owner is visible, and every component's practitioner holds a
live credential for that component's modality (``verification.queries.verified_pair_condition``,
which also drops suspended and disabled accounts). A lapsed licence takes a package off
sale the day after it expires without anyone acting; no sweep is needed for that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, Select, and_, bindparam, exists, or_, select
from sqlalchemy.orm import aliased, selectinload

from marketplace.accounts.models import User
from marketplace.core.clock import today
from marketplace.core.models import in_ids
from marketplace.extensions import db
from marketplace.geo.distance import approx_km, bounding_box
from marketplace.booking.models import Booking
from marketplace.packages.models import (
    Enrollment, EnrollmentSession, Package, PackageComponent, PackagePartner, PackageStatus, PartnerStatus, package_concern,
)
from marketplace.packages.planner import Plan, PlanCandidate, assemble_plan
from marketplace.packages.shares import Saving, SingleFee, comparable_fee, saving_against
from marketplace.practitioners.models import Location, Practitioner, practitioner_concern
from marketplace.taxonomy.models import Concern, Modality, Technique
from marketplace.verification import queries as verification
from marketplace.verification.models import Credential


def sellable_condition(on: date | None = None):  # noqa: ANN201
    """SQL condition on Package: on sale right now (see the module docstring). Every part
    is correlated to the package, so a page that asks about a few packages reads a few
    credentials, not every practitioner's."""
    on = today() if on is None else on  # a date, or a bound parameter
    # Aliases: a caller may read components and practitioners in its own query.
    part, owner = aliased(PackageComponent), aliased(Practitioner)
    unverified = (
        select(part.id)
        .where(part.package_id == Package.id,
               ~verification.verified_pair_condition(part.practitioner_id, part.modality_id, on))
    )
    return and_(
        Package.status == PackageStatus.ON_SALE,
        exists(select(1).select_from(owner).where(owner.id == Package.owner_id,
                                                  verification.visible_condition(on, owner))),
        exists(select(part.id).where(part.package_id == Package.id)),
        ~exists(unverified),
    )


def sellable(on: date | None = None) -> Select[tuple[Package]]:
    return select(Package).where(sellable_condition(on)).order_by(Package.name, Package.id)


def lapsed_components(package: Package, on: date | None = None) -> list[PackageComponent]:
    """Components whose practitioner is not verified for their modality right now (a
    lapsed or rejected licence, a suspension): they cannot be sold or booked."""
    verified: dict[int, set[int]] = {}
    for component in package.components:
        if component.practitioner_id not in verified:
            verified[component.practitioner_id] = {
                m.id for m in verification.verified_modalities(component.practitioner, on)}
    return [c for c in package.components if c.modality_id not in verified[c.practitioner_id]]


def is_bookable(component: PackageComponent, on: date | None = None) -> bool:
    return component.modality_id in {m.id for m in verification.verified_modalities(component.practitioner, on)}


def is_sellable(package: Package, on: date | None = None) -> bool:
    return (package.status is PackageStatus.ON_SALE and bool(package.components)
            and verification.is_visible(package.owner, on) and not lapsed_components(package, on))


def not_sellable_reasons(package: Package, on: date | None = None) -> list[str]:
    """Why ``package`` is not on sale, in words for its partners; empty when it is."""
    reasons = []
    if package.status is not PackageStatus.ON_SALE:
        reasons.append(f"it is {package.status.label.lower()}")
    if not package.components:
        reasons.append("it has no sessions yet")
    if not verification.is_visible(package.owner, on):
        reasons.append(f"{package.owner.display_name}'s listing is not visible")
    for c in lapsed_components(package, on):
        reasons.append(f"{c.practitioner.display_name} is not verified for {c.modality.name.lower()} right now")
    return list(dict.fromkeys(reasons))


# --- What a package costs and saves --------------------------------------------------------

def single_fees(practitioner: Practitioner) -> tuple[SingleFee, ...]:
    return tuple(SingleFee(f.label, f.minutes, f.amount, f.currency) for f in practitioner.fees)


def saving(package: Package) -> Saving | None:
    """Against each deliverer's own single session of the same length and currency;
    None when a component has no comparable fee, or the package saves nothing."""
    return saving_against(package.price, [
        (c.sessions, comparable_fee(single_fees(c.practitioner), c.minutes, package.currency))
        for c in package.components])


@dataclass(frozen=True)
class PackageBrief:
    """A course of care on sale for a searched concern (alone or with partners), as a
    search result mentions it."""

    id: int
    name: str
    price: int
    currency: str
    sessions: int
    weeks: int
    practitioners: tuple[tuple[int, str], ...]  # (id, display name) of those who deliver it, owner first
    modality_slugs: tuple[str, ...]  # its components' modalities, in order
    # ...and the techniques named (a component may be "sessions of electro-acupuncture"), so
    # that a search leaves out a course of one the seeker's health rules out
    technique_slugs: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.practitioners)

    @property
    def is_combined(self) -> bool:
        return len(self.practitioners) > 1


@dataclass(frozen=True)
class PackageSummary(PackageBrief):
    """A package as the package lists and pages show it: the brief, and what a buyer
    weighs (rhythm, validity, modalities, concerns, the saving)."""

    sessions_per_week: int
    validity_days: int
    modalities: tuple[str, ...]  # names
    concerns: tuple[str, ...]  # slugs
    saving: Saving | None
    distance_km: float | None = None


def summary(package: Package, distance_km: float | None = None) -> PackageSummary:
    people = [(package.owner_id, package.owner.display_name)] if package.owner_id in package.deliverer_ids else []
    people += [(c.practitioner_id, c.practitioner.display_name) for c in package.components]
    return PackageSummary(
        id=package.id, name=package.name, price=package.price, currency=package.currency,
        sessions=package.total_sessions, weeks=package.weeks, sessions_per_week=package.sessions_per_week,
        validity_days=package.validity_days, practitioners=tuple(dict.fromkeys(people)),
        modalities=tuple(dict.fromkeys(c.modality.name for c in package.components)),
        modality_slugs=tuple(dict.fromkeys(c.modality.slug for c in package.components)),
        technique_slugs=tuple(dict.fromkeys(c.technique.slug for c in package.components if c.technique)),
        concerns=tuple(c.slug for c in package.concerns), saving=saving(package), distance_km=distance_km,
    )


_LOAD = (
    selectinload(Package.components).selectinload(PackageComponent.practitioner).selectinload(Practitioner.fees),
    selectinload(Package.components).selectinload(PackageComponent.modality),
    selectinload(Package.components).selectinload(PackageComponent.technique),
    selectinload(Package.concerns),
    selectinload(Package.owner),
)


# --- Finding packages ------------------------------------------------------------------------

def _near(package: Package, lat: float, lon: float, radius_km: float) -> tuple[bool, float | None]:
    """Is every deliverer within ``radius_km`` (or online), with at least one in person?
    Returns (qualifies, the farthest in-person deliverer's distance)."""
    farthest: float | None = None
    for practitioner in {c.practitioner for c in package.components}:
        distances = [approx_km(lat, lon, loc.lat, loc.lon) for loc in practitioner.locations]
        nearest = min(distances) if distances else None
        if nearest is not None and nearest <= radius_km:
            farthest = nearest if farthest is None else max(farthest, nearest)
        elif not practitioner.offers_online:
            return False, None
    return farthest is not None, farthest


def find_on_sale(concern: str | None = None, near: tuple[float, float, float] | None = None,
                 on: date | None = None, limit: int = 200) -> list[tuple[Package, float | None]]:
    """Packages on sale, optionally targeting ``concern`` (a slug) and delivered within
    ``near`` = (lat, lon, radius_km): every practitioner in it sees people within the
    radius or offers online sessions, and at least one sees people in person there.
    Each comes with the farthest in-person practitioner's distance (None without
    ``near``). Nearest first when ``near`` is given, else by name."""
    stmt = sellable(on).options(*_LOAD, selectinload(Package.components).selectinload(
        PackageComponent.practitioner).selectinload(Practitioner.locations))
    if concern:
        stmt = stmt.where(exists(
            select(1).select_from(package_concern).join(Concern, Concern.id == package_concern.c.concern_id)
            .where(package_concern.c.package_id == Package.id, Concern.slug == concern)))
    if near is not None:
        lat, lon, radius_km = near
        box = bounding_box(lat, lon, radius_km)
        in_box = and_(Location.lat.between(box.min_lat, box.max_lat),
                      or_(*(Location.lon.between(lo, hi) for lo, hi in box.lon_ranges())))
        stmt = stmt.where(exists(
            select(1).select_from(PackageComponent)
            .join(Location, Location.practitioner_id == PackageComponent.practitioner_id)
            .where(PackageComponent.package_id == Package.id, in_box)))
    found: list[tuple[Package, float | None]] = []
    for package in db.session.scalars(stmt.limit(limit)).unique():
        distance = None
        if near is not None:
            qualifies, distance = _near(package, *near)
            if not qualifies:
                continue
        found.append((package, distance))
    if near is not None:
        found.sort(key=lambda pd: (pd[1] or 0.0, pd[0].name, pd[0].id))
    return found


def on_sale(concern: str | None = None, near: tuple[float, float, float] | None = None,
            on: date | None = None) -> list[PackageSummary]:
    """:func:`find_on_sale` as summaries."""
    return [summary(p, d) for p, d in find_on_sale(concern, near, on)]


# Which of some practitioners (``ids``) deliver a part of a package on sale (by status) that
# targets any of some concerns (``slugs``): (practitioner_id, package_id) rows. Most results
# pages have none, and then nothing more about packages is read. Built once; a results
# page runs it together with the results' availability stamps.
# The package is checked per component (not joined): joined, SQLite reads every package on
# sale and then its components, a cost that grows with the marketplace.
DELIVERED_FOR = (
    select(PackageComponent.practitioner_id, PackageComponent.package_id)
    .where(in_ids(PackageComponent.practitioner_id),
           exists(select(1).select_from(Package)
                  .join(package_concern, package_concern.c.package_id == Package.id)
                  .join(Concern, Concern.id == package_concern.c.concern_id)
                  .where(Package.id == PackageComponent.package_id, Package.status == PackageStatus.ON_SALE,
                         Concern.slug.in_(bindparam("slugs", expanding=True)))))
)

# What a result shows of some packages (``packages``) offered now that target any of some
# concerns (``slugs``): one row per component, in order, with its practitioner's name and
# modality. Built once too.
_PAGE_PACKAGES = (
    select(Package.id, Package.name, Package.price, Package.currency, Package.weeks, Package.owner_id,
           PackageComponent.practitioner_id, PackageComponent.modality_id, PackageComponent.sessions,
           Practitioner.display_name, Modality.slug.label("modality"), Technique.slug.label("technique"))
    .join(PackageComponent, PackageComponent.package_id == Package.id)
    .join(Practitioner, Practitioner.id == PackageComponent.practitioner_id)
    .join(Modality, Modality.id == PackageComponent.modality_id)
    .outerjoin(Technique, Technique.id == PackageComponent.technique_id)
    .where(Package.status == PackageStatus.ON_SALE, in_ids(Package.id, "packages"),
           exists(select(1).select_from(package_concern).join(Concern, Concern.id == package_concern.c.concern_id)
                  .where(package_concern.c.package_id == Package.id,
                         Concern.slug.in_(bindparam("slugs", expanding=True)))))
    .order_by(Package.id, PackageComponent.position, PackageComponent.id)
)
# The verified (practitioner, modality) pairs of some practitioners on a day (``on``).
_PAIRS_OF = verification.verified_pairs(bindparam("on", type_=Date)).where(in_ids(Credential.practitioner_id))


def packages_for(concern_slugs: Iterable[str], practitioner_ids: Iterable[int], on: date | None = None,
                 delivered: Iterable[int] | None = None) -> dict[int, list[PackageBrief]]:
    """For search results: on-sale packages that target any of ``concern_slugs`` and that
    any of ``practitioner_ids`` delivers, keyed by practitioner id (a combined package
    appears under each of its practitioners in the list). Cheapest first. Three small
    statements for a page that has any (one for a page that has none). ``delivered``: the
    package ids :data:`DELIVERED_FOR` gives for these practitioners and concerns, when the
    caller read them (then a page with none costs no statement here)."""
    slugs, ids = list(dict.fromkeys(concern_slugs)), list(dict.fromkeys(practitioner_ids))
    out: dict[int, list[PackageBrief]] = {pid: [] for pid in ids}
    if not slugs or not ids:
        return out
    # Most results deliver no package for the concern: one indexed lookup answers that
    # before the on-sale condition (verified pairs for every component) is run.
    if delivered is None:
        delivered = {package for _, package in db.session.execute(DELIVERED_FOR, {"ids": ids, "slugs": slugs})}
    delivered = sorted(set(delivered))
    if not delivered:
        return out
    rows: dict[int, list] = {}
    # Through the session (not the connection): a caller's pending change to a listing counts.
    for row in db.session.execute(_PAGE_PACKAGES, {"packages": delivered, "slugs": slugs}):
        rows.setdefault(row.id, []).append(row)
    if not rows:
        return out
    # On sale (sellable_condition's rule, checked here against the people's verified pairs:
    # one statement with the condition costs PostgreSQL about 4 ms to plan): the owner is
    # visible, which is having a verified pair, and every component's pair is verified.
    people = {r.owner_id for parts in rows.values() for r in parts} | \
        {r.practitioner_id for parts in rows.values() for r in parts}
    pairs = {(pid, modality) for pid, modality in
             db.session.execute(_PAIRS_OF, {"ids": sorted(people), "on": on or today()})}
    visible = {pid for pid, _ in pairs}
    rows = {package_id: parts for package_id, parts in rows.items()
            if parts[0].owner_id in visible and all((r.practitioner_id, r.modality_id) in pairs for r in parts)}
    for components in rows.values():
        first = components[0]
        deliverers = dict.fromkeys((c.practitioner_id, c.display_name) for c in components)
        owner = [p for p in deliverers if p[0] == first.owner_id]  # owner first, when they deliver a part
        item = PackageBrief(first.id, first.name, first.price, first.currency, sum(c.sessions for c in components),
                            first.weeks, tuple(owner + [p for p in deliverers if p[0] != first.owner_id]),
                            modality_slugs=tuple(dict.fromkeys(c.modality for c in components)),
                            technique_slugs=tuple(dict.fromkeys(c.technique for c in components if c.technique)))
        for pid, _ in item.practitioners:
            if pid in out:
                out[pid].append(item)
    for items in out.values():
        items.sort(key=lambda s: (s.price, s.name, s.id))
    return out


def for_practitioner_page(practitioner_id: int, on: date | None = None) -> list[PackageSummary]:
    """On-sale packages a practitioner delivers, for their public profile."""
    stmt = sellable(on).options(*_LOAD).where(exists(select(1).where(
        PackageComponent.package_id == Package.id, PackageComponent.practitioner_id == practitioner_id)))
    return [summary(p) for p in db.session.scalars(stmt).unique()]


def plan_candidates(lat: float, lon: float, radius_km: float, on: date | None = None) -> list[PlanCandidate]:
    """Visible practitioners with a location in the box around (lat, lon), as the
    planner needs them: verified modality slugs only, their points and fees."""
    on = on or today()
    box = bounding_box(lat, lon, radius_km)
    in_box = and_(Location.lat.between(box.min_lat, box.max_lat),
                  or_(*(Location.lon.between(lo, hi) for lo, hi in box.lon_ranges())))
    ids = select(Location.practitioner_id).where(in_box)
    practitioners = db.session.scalars(
        select(Practitioner).where(Practitioner.id.in_(ids), verification.visible_condition(on))
        .options(selectinload(Practitioner.locations), selectinload(Practitioner.fees))
    ).all()
    if not practitioners:
        return []
    pairs = verification.verified_pairs(on).subquery()
    verified: dict[int, set[str]] = {}
    for pid, slug in db.session.execute(
        select(pairs.c.practitioner_id, Modality.slug).join(Modality, Modality.id == pairs.c.modality_id)
        .where(pairs.c.practitioner_id.in_([p.id for p in practitioners]))
    ):
        verified.setdefault(pid, set()).add(slug)
    declared: dict[int, set[str]] = {}
    for pid, slug in db.session.execute(
        select(practitioner_concern.c.practitioner_id, Concern.slug)
        .join(Concern, Concern.id == practitioner_concern.c.concern_id)
        .where(practitioner_concern.c.practitioner_id.in_([p.id for p in practitioners]))
    ):
        declared.setdefault(pid, set()).add(slug)
    return [
        PlanCandidate(practitioner_id=p.id, display_name=p.display_name,
                      modalities=frozenset(verified.get(p.id, ())), concerns=frozenset(declared.get(p.id, ())),
                      points=tuple((loc.lat, loc.lon) for loc in p.locations), fees=single_fees(p))
        for p in practitioners if verified.get(p.id)
    ]


def plan_for(concern: Concern, lat: float, lon: float, radius_km: float, on: date | None = None) -> Plan:
    """The build-your-own course for ``concern`` near (lat, lon) from the matching data the
    search ranks with: the relevance admins edit and the active modalities' names (the
    packaged defaults would keep proposing a therapy an admin has marked as no fit)."""
    from marketplace.taxonomy import services as taxonomy
    from marketplace.taxonomy.matching import current_relevance

    return assemble_plan(concern.slug, lat, lon, radius_km, plan_candidates(lat, lon, radius_km, on),
                         relevance=current_relevance(), modality_names={m.slug: m.name for m in taxonomy.modalities()},
                         concern_names={concern.slug: concern.name})


# --- A practitioner's and a seeker's own ---------------------------------------------------

def packages_of(practitioner: Practitioner) -> Sequence[Package]:
    """Packages the practitioner owns or has accepted to co-offer, newest first."""
    partnered = select(PackagePartner.package_id).where(
        PackagePartner.practitioner_id == practitioner.id, PackagePartner.status == PartnerStatus.ACCEPTED)
    return db.session.scalars(
        select(Package).where(or_(Package.owner_id == practitioner.id, Package.id.in_(partnered)))
        .order_by(Package.created_at.desc(), Package.id.desc())
    ).all()


def invitations_for(practitioner: Practitioner) -> Sequence[PackagePartner]:
    """Invitations waiting for the practitioner's answer, oldest first."""
    return db.session.scalars(
        select(PackagePartner).join(Package, Package.id == PackagePartner.package_id)
        .where(PackagePartner.practitioner_id == practitioner.id, PackagePartner.status == PartnerStatus.INVITED,
               Package.owner_id != practitioner.id, Package.status != PackageStatus.WITHDRAWN)
        .order_by(PackagePartner.invited_at, PackagePartner.id)
    ).all()


def package_bookings(bookings: Sequence[Booking]) -> list[tuple[Booking, EnrollmentSession]]:
    """The bookings among ``bookings`` that are sessions of a package (directly, or
    rescheduled from one), each with its enrollment session."""
    ids = {b.id for b in bookings} | {b.rescheduled_from_id for b in bookings if b.rescheduled_from_id}
    if not ids:
        return []
    by_booking = {s.booking_id: s for s in db.session.scalars(
        select(EnrollmentSession).where(EnrollmentSession.booking_id.in_(ids)))}
    out = []
    for booking in bookings:
        session = by_booking.get(booking.id) or by_booking.get(booking.rescheduled_from_id)
        if session is not None:
            out.append((booking, session))
    return out


def enrollments_of(seeker: User) -> Sequence[Enrollment]:
    """A seeker's enrollments, newest first."""
    return db.session.scalars(
        select(Enrollment).where(Enrollment.seeker_id == seeker.id)
        .order_by(Enrollment.created_at.desc(), Enrollment.id.desc())
    ).all()
