"""Publishing packages: :func:`save_package` (create or edit), :func:`publish`,
:func:`withdraw`.

Only a practitioner's verified modalities can be in a package; a partner accepts their
sessions and their share as they stand, so changing either asks them again (working
with partners is in :mod:`.partners`; what a seeker buys, in :mod:`.enrollments`).

Every function here only flushes; the caller commits. Messages go out through
``notifications.notify`` (mail after the commit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.core.clock import utcnow
from marketplace.core.errors import Conflict, Forbidden, NotFound, ServiceUnavailable, ValidationFailed
from marketplace.core.money import format_money
from marketplace.extensions import db
from marketplace.geo.service import (
    GeocoderUnavailable, PlaceNotFound, PlaceResolver, postcode_error, whole_area_error,
)
from marketplace.notifications.services import notify
from marketplace.packages import queries
from marketplace.packages.models import (
    Enrollment, EnrollmentStatus, Package, PackageComponent, PackagePartner, PackageStatus, PartnerStatus,
)
from marketplace.practitioners.models import Practitioner
from marketplace.practitioners.services import CURRENCIES
from marketplace.taxonomy.models import Concern, Modality, Technique
from marketplace.taxonomy.services import by_slugs
from marketplace.verification import queries as verification

MAX_COMPONENTS = 12
MAX_SESSIONS = 60
MAX_PRICE = 100_000_000
CARE_PLAN_PATH = "/care-plan"  # where notifications send seekers
PRACTITIONER_PACKAGES_PATH = "/practitioner/packages"


# --- Inputs ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComponentInput:
    """Sessions of a modality (optionally one of its techniques) by one practitioner;
    ``practitioner_id`` None means the package's owner."""

    modality: str
    sessions: int
    minutes: int
    technique: str | None = None
    practitioner_id: int | None = None


@dataclass(frozen=True)
class PackageInput:
    name: str
    price: int
    currency: str
    validity_days: int
    description: str = ""
    concerns: Sequence[str] = ()
    components: Sequence[ComponentInput] = field(default_factory=tuple)
    sessions_per_week: int = 1
    weeks: int = 1
    rhythm_note: str = ""


# --- Reading ----------------------------------------------------------------------------------

def get_package(package_id: int) -> Package:
    package = db.session.get(Package, package_id)
    if package is None:
        raise NotFound(f"No package {package_id}.")
    return package


def get_sellable(package_id: int) -> Package:
    """A package the public may see; NotFound otherwise (hidden packages cannot be probed)."""
    package = db.session.get(Package, package_id)
    if package is None or not queries.is_sellable(package):
        raise NotFound(f"No package {package_id} on sale.")
    return package


def can_manage(user: User, package: Package) -> bool:
    return user.is_admin or package.owner.user_id == user.id


def can_view(user: User, package: Package) -> bool:
    """Owners, partners (invited too) and admins see a package whatever its state."""
    return can_manage(user, package) or any(p.practitioner.user_id == user.id for p in package.partners)


def ensure_owner(practitioner: Practitioner, package: Package) -> None:
    if package.owner_id != practitioner.id:
        raise Forbidden("Only the practitioner who created this package can change it.")


def has_enrollments(package: Package) -> bool:
    return bool(db.session.scalar(
        select(func.count()).select_from(Enrollment).where(
            Enrollment.package_id == package.id, Enrollment.status != EnrollmentStatus.CANCELLED)))


# --- Packages ---------------------------------------------------------------------------------

def partner_terms(package: Package) -> dict[int, tuple]:
    """What each partner agreed to: their share, their sessions, and the package's price,
    currency and validity. A change asks them again."""
    terms: dict[int, tuple] = {}
    for partner in package.partners:
        mine = tuple(sorted((c.modality_id, c.technique_id or 0, c.sessions, c.minutes)
                            for c in package.components if c.practitioner_id == partner.practitioner_id))
        terms[partner.practitioner_id] = (partner.share, mine, package.price, package.currency,
                                          package.validity_days)
    return terms


def ask_again(package: Package, before: dict[int, tuple], why: str) -> None:
    """Partners whose terms changed since ``before`` must accept again; a package on sale
    goes back to draft until they do."""
    after = partner_terms(package)
    changed = [p for p in package.partners
               if p.practitioner_id != package.owner_id and p.status is PartnerStatus.ACCEPTED
               and before.get(p.practitioner_id) != after.get(p.practitioner_id)]
    for partner in changed:
        partner.status = PartnerStatus.INVITED
        partner.responded_at = None
        notify(partner.practitioner.user, "package.terms_changed",
               f"{package.owner.display_name} changed “{package.name}” ({why}). Review your sessions and share, "
               "and accept again.", link=PRACTITIONER_PACKAGES_PATH,
               mail_subject="A package you co-offer changed")
    if changed and package.status is PackageStatus.ON_SALE:
        package.status = PackageStatus.DRAFT


def _clean_components(owner: Practitioner, package: Package | None, items: Sequence[ComponentInput],
                      errors: dict[str, list[str]]) -> list[PackageComponent]:
    partners = {p.practitioner_id: p for p in (package.partners if package else [])}
    if not items:
        errors.setdefault("components", []).append("Add at least one component (e.g. 4 sessions of acupuncture).")
    if len(items) > MAX_COMPONENTS:
        errors.setdefault("components", []).append(f"Use at most {MAX_COMPONENTS} components.")
        return []
    rows: list[PackageComponent] = []
    verified_cache: dict[int, set[int]] = {}
    for i, item in enumerate(items):
        key = f"components.{i}"
        deliverer_id = item.practitioner_id or owner.id
        deliverer = owner if deliverer_id == owner.id else db.session.get(Practitioner, deliverer_id)
        partner = partners.get(deliverer_id)
        if deliverer is None or (deliverer_id != owner.id and (partner is None or
                                                                partner.status is PartnerStatus.DECLINED)):
            errors.setdefault(f"{key}.practitioner_id", []).append(
                "Invite this practitioner as a partner first; only you and partners who have not declined can "
                "deliver sessions.")
            continue
        modality = db.session.scalar(select(Modality).where(Modality.slug == (item.modality or "").strip().lower(),
                                                            Modality.is_active.is_(True)))
        if modality is None:
            errors.setdefault(f"{key}.modality", []).append(
                f"Unknown modality: {item.modality}." if item.modality else "Choose the modality.")
            continue
        if deliverer.id not in verified_cache:
            verified_cache[deliverer.id] = {m.id for m in verification.verified_modalities(deliverer)}
        if modality.id not in verified_cache[deliverer.id]:
            errors.setdefault(f"{key}.modality", []).append(
                f"{deliverer.display_name} is not verified for {modality.name.lower()}: only modalities backed by "
                "an approved, current credential can be in a package.")
        technique = None
        if item.technique:
            technique = db.session.scalar(select(Technique).where(
                Technique.slug == item.technique.strip().lower(), Technique.is_active.is_(True)))
            if technique is None or technique.modality_id != modality.id:
                errors.setdefault(f"{key}.technique", []).append(
                    f"Choose a technique of {modality.name.lower()}, or none.")
        if isinstance(item.sessions, bool) or not isinstance(item.sessions, int) or not 1 <= item.sessions <= 30:
            errors.setdefault(f"{key}.sessions", []).append("Give between 1 and 30 sessions.")
        if isinstance(item.minutes, bool) or not isinstance(item.minutes, int) or not 10 <= item.minutes <= 240:
            errors.setdefault(f"{key}.minutes", []).append("Sessions last between 10 and 240 minutes.")
        rows.append(PackageComponent(position=i, practitioner=deliverer, modality=modality, technique=technique,
                                     sessions=item.sessions, minutes=item.minutes))
    if sum(r.sessions for r in rows if isinstance(r.sessions, int)) > MAX_SESSIONS:
        errors.setdefault("components", []).append(f"A package holds at most {MAX_SESSIONS} sessions.")
    return rows


def _same_components(package: Package, rows: Sequence[PackageComponent]) -> bool:
    def key(c: PackageComponent) -> tuple:
        return (c.practitioner.id, c.modality.id, c.technique.id if c.technique else None, c.sessions, c.minutes)

    return [key(c) for c in package.components] == [key(r) for r in rows]


def save_package(owner: Practitioner, data: PackageInput, package: Package | None = None) -> Package:
    """Create a draft package owned by ``owner`` (``package`` None) or replace the fields
    of ``package``, as a PUT does.

    Raises ValidationFailed naming each bad field (``components.<n>.modality`` when a
    component's practitioner is not verified for it), Forbidden when ``owner`` does not
    own ``package``, and Conflict when the sessions, price or validity of a package
    people have bought would change (withdraw it and publish a new one instead).
    Partners whose sessions or share changed must accept again; a package on sale goes
    back to draft until they do.
    """
    if package is not None:
        ensure_owner(owner, package)
    errors: dict[str, list[str]] = {}
    name = " ".join((data.name or "").split())
    if not 3 <= len(name) <= 120:
        errors["name"] = ["Name the package (3 to 120 characters), e.g. 'Sciatica relief: 6 weeks'."]
    description = (data.description or "").strip()
    if len(description) > 5000:
        errors["description"] = ["Keep the description under 5,000 characters."]
    try:
        concerns = by_slugs(Concern, data.concerns, "concerns")
    except ValidationFailed as exc:
        errors.update(exc.errors)
        concerns = []
    if not concerns and "concerns" not in errors:
        errors["concerns"] = ["Choose the concerns this package treats."]
    currency = (data.currency or "").strip().upper()
    if currency not in CURRENCIES:
        errors["currency"] = ["Use one of: " + ", ".join(CURRENCIES) + "."]
    if isinstance(data.price, bool) or not isinstance(data.price, int) or not 1 <= data.price <= MAX_PRICE:
        errors["price"] = ["Give the price in minor units (e.g. 45000 for 450.00), more than 0."]
    if not isinstance(data.sessions_per_week, int) or not 1 <= data.sessions_per_week <= 7:
        errors["sessions_per_week"] = ["Give between 1 and 7 sessions a week."]
    if not isinstance(data.weeks, int) or not 1 <= data.weeks <= 52:
        errors["weeks"] = ["Give a course of 1 to 52 weeks."]
    rhythm_note = " ".join((data.rhythm_note or "").split())
    if len(rhythm_note) > 200:
        errors["rhythm_note"] = ["Keep the note under 200 characters."]
    if not isinstance(data.validity_days, int) or not 7 <= data.validity_days <= 730:
        errors["validity_days"] = ["The package must stay valid for 7 to 730 days."]
    elif isinstance(data.weeks, int) and "weeks" not in errors and data.validity_days < data.weeks * 7:
        errors["validity_days"] = [f"Leave at least the {data.weeks} weeks of the course to use the sessions."]
    components = _clean_components(owner, package, data.components, errors)
    if errors:
        raise ValidationFailed("The package has some problems.", errors)

    if package is None:
        package = Package(owner=owner, validity_days=data.validity_days, price=data.price, currency=currency)
        package.partners.append(PackagePartner(practitioner=owner, status=PartnerStatus.ACCEPTED,
                                               share=data.price, responded_at=utcnow()))
        db.session.add(package)
        before: dict[int, tuple] = {}
    else:
        before = partner_terms(package)
    material_change = (package.id is not None and (
        not _same_components(package, components) or package.price != data.price
        or package.currency != currency or package.validity_days != data.validity_days))
    if material_change and has_enrollments(package):
        raise Conflict.on_field(
            "components", "People have bought this package, so its sessions, price and validity cannot change. "
            "Withdraw it and publish a new package instead.")
    package.name = name
    package.description = description
    package.concerns = concerns
    package.sessions_per_week = data.sessions_per_week
    package.weeks = data.weeks
    package.rhythm_note = rhythm_note
    package.validity_days = data.validity_days
    package.price = data.price
    package.currency = currency
    if package.id is None or not _same_components(package, components):
        package.components.clear()
        db.session.flush()
        package.components.extend(components)
    if len(package.partners) == 1 and package.partners[0].practitioner_id == owner.id:
        package.partners[0].share = package.price  # a solo package: the owner's share is the price
    db.session.flush()
    ask_again(package, before, "its sessions, price or validity")
    db.session.flush()
    return package


def publication_problems(package: Package) -> dict[str, list[str]]:
    """What stands between ``package`` and going on sale, by field; empty when nothing."""
    errors: dict[str, list[str]] = {}
    if not package.components:
        errors["components"] = ["Add the sessions the package includes."]
    if not verification.is_visible(package.owner):
        errors.setdefault("owner", []).append("Your own listing must be verified and visible first.")
    delivering = set(package.deliverer_ids)
    for partner in package.partners:
        name = partner.practitioner.display_name
        if partner.practitioner_id == package.owner_id:
            if partner.practitioner_id not in delivering and partner.share:
                errors.setdefault("shares", []).append("You deliver no sessions, so your share must be 0.")
            continue
        if partner.status is PartnerStatus.INVITED:
            errors.setdefault("partners", []).append(f"{name} has not accepted yet.")
        elif partner.status is PartnerStatus.DECLINED:
            errors.setdefault("partners", []).append(f"{name} declined; give their sessions to someone else "
                                                     "and remove them.")
        if partner.practitioner_id not in delivering:
            errors.setdefault("partners", []).append(f"{name} delivers no sessions; give them some or remove them.")
    total = sum(p.share for p in package.partners)
    if total != package.price:
        errors.setdefault("shares", []).append(
            f"The partners' shares add up to {format_money(total, package.currency)}; they must add up to the "
            f"price, {format_money(package.price, package.currency)}.")
    for i, component in enumerate(package.components):
        if component in queries.lapsed_components(package):
            errors.setdefault(f"components.{i}.modality", []).append(
                f"{component.practitioner.display_name} is not verified for {component.modality.name.lower()} "
                "right now.")
    return errors


def publish(owner: Practitioner, package: Package) -> Package:
    """Put ``package`` on sale. Raises ValidationFailed listing every problem (partners
    who have not accepted, shares that do not add up to the price, a modality that is not
    verified) and Conflict when it is already on sale."""
    ensure_owner(owner, package)
    if package.status is PackageStatus.ON_SALE:
        raise Conflict("This package is already on sale.")
    problems = publication_problems(package)
    if problems:
        raise ValidationFailed("The package cannot go on sale yet.", problems)
    package.status = PackageStatus.ON_SALE
    package.published_at = utcnow()
    package.lapse_notified_at = None
    db.session.flush()
    for partner in package.partners:
        if partner.practitioner_id != owner.id:
            notify(partner.practitioner.user, "package.on_sale",
                   f"“{package.name}”, which you co-offer with {owner.display_name}, is now on sale.",
                   link=PRACTITIONER_PACKAGES_PATH)
    return package


def withdraw(owner: Practitioner, package: Package) -> Package:
    """Stop selling ``package``. People who bought it keep their sessions."""
    ensure_owner(owner, package)
    package.status = PackageStatus.WITHDRAWN
    db.session.flush()
    return package


# --- Where the seeker is ------------------------------------------------------------------------

@dataclass(frozen=True)
class Whereabouts:
    query: str | None
    label: str
    lat: float
    lon: float


def locate(resolver: PlaceResolver, near: str | None, lat: float | None = None,
           lon: float | None = None, region: str | None = None) -> Whereabouts | None:
    """The point to search around: ``lat``/``lon`` when both are given, else ``near``
    geocoded (in the country ``region`` when several share its name), else None. Raises
    ValidationFailed on ``near`` (with ``suggestions``) for a place the map does not know,
    or on ``lat``/``lon`` when only one is given, and ServiceUnavailable when the geocoder
    is down."""
    if (lat is None) != (lon is None):
        field_name = "lon" if lon is None else "lat"
        raise ValidationFailed.on_field(field_name, "Give both lat and lon, or a place name in 'near'.")
    if lat is not None and lon is not None:
        return Whereabouts(near, f"{lat:.4f}, {lon:.4f}", lat, lon)
    if not near:
        return None
    if (error := whole_area_error(near, "near")) is not None:
        raise error  # "Karnataka": a town in it, not the middle of the state
    try:
        place = resolver.resolve(near, prefer=region)
    except PlaceNotFound as exc:
        raise postcode_error(near, resolver, "near") or exc.as_field_error("near") from None
    except GeocoderUnavailable:
        raise ServiceUnavailable("The place lookup service is unavailable; try again shortly.") from None
    return Whereabouts(near, place.label, place.lat, place.lon)
