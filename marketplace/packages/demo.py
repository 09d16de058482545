"""Demo packages for ``flask seed demo``: in each demo city with verified practitioners
of two different modalities, a combined package for a concern both fit, and a solo
package. Running it twice changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.matching import RELEVANCE
from marketplace.packages import partners, services
from marketplace.packages.models import Package
from marketplace.packages.services import ComponentInput, PackageInput
from marketplace.packages.shares import comparable_fee
from marketplace.packages.queries import single_fees
from marketplace.practitioners.models import Location, Practitioner
from marketplace.verification import queries as verification

DEMO_CITIES = ("London", "Bengaluru", "New York City")
CONCERNS = ("sciatica", "chronic-low-back-pain", "back-spasm")
MINUTES = 45  # the demo's follow-up sessions last 45 minutes


def _price(parts: list[tuple[Practitioner, int]], currency: str) -> int | None:
    """85% of the same sessions bought singly, rounded down to a whole unit."""
    total = 0
    for practitioner, sessions in parts:
        fee = comparable_fee(single_fees(practitioner), MINUTES, currency)
        if fee is None:
            return None
        total += fee.amount * sessions
    return total * 85 // 100 // 100 * 100


def _create(owner: Practitioner, name: str, concern: str,
            parts: list[tuple[Practitioner, str, int]], currency: str) -> Package | None:
    if db.session.scalar(select(Package.id).where(Package.owner_id == owner.id, Package.name == name)):
        return None
    price = _price([(p, n) for p, _, n in parts], currency)
    if not price:
        return None

    def data(rows: list[tuple[Practitioner, str, int]]) -> PackageInput:
        return PackageInput(
            name=name, price=price, currency=currency, validity_days=90, concerns=[concern],
            sessions_per_week=2, weeks=5, rhythm_note="Twice a week at first, then weekly",
            description="A course from the demo data: sessions with each practitioner, booked from your care plan.",
            components=tuple(ComponentInput(modality=m, sessions=n, minutes=MINUTES,
                                            practitioner_id=None if p.id == owner.id else p.id)
                             for p, m, n in rows))

    package = services.save_package(owner, data([r for r in parts if r[0].id == owner.id]))
    others = [p for p, _, _ in parts if p.id != owner.id]
    for partner in others:
        partners.invite_partner(owner, package, str(partner.id))
    services.save_package(owner, data(parts), package)
    partners.set_shares(owner, package, partners.suggested_shares(package))
    for partner in others:
        row = partners.partner_row(package, partner)
        assert row is not None
        partners.respond_to_invitation(partner, row, accept=True)
    services.publish(owner, package)
    return package


def seed_packages() -> int:
    """Create the demo packages that are missing; returns how many were created."""
    created = 0
    for city in DEMO_CITIES:
        people = db.session.scalars(
            select(Practitioner).where(Practitioner.id.in_(select(Location.practitioner_id)
                                                           .where(Location.city == city)))
            .order_by(Practitioner.id)).all()
        names = {}
        verified = []
        for p in people:
            modalities = verification.verified_modalities(p)
            names.update({m.slug: m.name.lower() for m in modalities})
            verified.append((p, [m.slug for m in modalities]))
        verified = [(p, ms) for p, ms in verified if ms and p.fees]
        if not verified:
            continue
        currency = verified[0][0].fees[0].currency
        pair, best = None, 0.0
        for concern in CONCERNS:
            fit = lambda m: RELEVANCE.get((concern, m), 0.0)  # noqa: E731
            for i, (a, a_mods) in enumerate(verified):
                for b, b_mods in verified[i + 1:]:
                    for ma in a_mods:
                        for mb in b_mods:
                            if ma != mb and min(fit(ma), fit(mb)) >= 0.5 and fit(ma) + fit(mb) > best:
                                pair, best = (concern, a, ma, b, mb), fit(ma) + fit(mb)
            if pair:
                break
        if pair:
            concern, a, ma, b, mb = pair
            label = concern.replace("-", " ").capitalize()
            more, fewer = (6, 4) if RELEVANCE.get((concern, ma), 0) >= RELEVANCE.get((concern, mb), 0) else (4, 6)
            if _create(a, f"{label}: {names[ma]} and {names[mb]} over 5 weeks", concern,
                       [(a, ma, more), (b, mb, fewer)], currency):
                created += 1
        solo, solo_mods = verified[0]
        modality = max(solo_mods, key=lambda m: RELEVANCE.get(("back-spasm", m), 0.0))
        if _create(solo, f"Back spasm relief: 4 {names[modality]} sessions", "back-spasm",
                   [(solo, modality, 4)], currency):
            created += 1
    db.session.flush()
    return created
