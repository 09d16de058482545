"""Builders for package tests. They go through the services (so tests start from states
the product can reach) and commit like a request does. ``enroll`` activates through
``enrollments.activate``: the path payments will take, used here because the app has no
payment yet."""

from __future__ import annotations

from datetime import time
from typing import Iterable, Sequence

from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.booking.services import AvailabilityInput, HoursInput, SettingsInput, save_availability
from marketplace.extensions import db
from marketplace.packages import enrollments, partners, services
from marketplace.packages.models import Enrollment, Package
from marketplace.packages.services import ComponentInput, PackageInput
from marketplace.practitioners.models import Practitioner
from tests.builders import make_user, make_verified_practitioner

# Central London and two places near it; Manchester is ~260 km away.
LONDON = (51.5074, -0.1278)
CAMDEN = (51.5390, -0.1426)
SOHO = (51.5136, -0.1365)
MANCHESTER = (53.4808, -2.2426)


def practitioner(app: Flask, name: str, modality: str, *, at: tuple[float, float] = CAMDEN,
                 city: str = "London", fee: int = 6000, minutes: int = 45, currency: str = "GBP",
                 concerns: Iterable[str] = ("sciatica",), **kwargs) -> Practitioner:  # noqa: ANN003
    """A verified practitioner of one modality with one location and a single-session fee."""
    return make_verified_practitioner(
        app, display_name=name, modalities=(modality,), concerns=tuple(concerns), city=city, lat=at[0], lon=at[1],
        fees=(("Session", minutes, fee, currency),), **kwargs)


def open_every_day(p: Practitioner, start: time = time(8), end: time = time(20), *,
                   timezone: str = "Europe/London") -> None:
    """Weekly hours at every location (and online if offered), every day, in ``timezone``."""
    hours = [HoursInput(loc.id, day, start, end) for loc in p.locations for day in range(7)]
    if p.offers_online:
        hours += [HoursInput(None, day, start, end) for day in range(7)]
    save_availability(p, AvailabilityInput(SettingsInput(timezone=timezone, min_notice_minutes=0,
                                                         max_days_ahead=120), hours))
    db.session.commit()


def package(owner: Practitioner, parts: Sequence[tuple[Practitioner, str, int, int]], *, price: int,
            shares: dict[int, int] | None = None, name: str = "Sciatica relief", currency: str = "GBP",
            concerns: Sequence[str] = ("sciatica",), validity_days: int = 60, publish: bool = True,
            accept: bool = True) -> Package:
    """A package with components ``(deliverer, modality, sessions, minutes)`` (the modality
    may name one of its techniques: "acupuncture/electro-acupuncture"); partners are
    invited, given their sessions, accept, the shares are set (by minutes unless given)
    and it goes on sale (unless ``publish`` is False)."""
    def data(components: Sequence[tuple[Practitioner, str, int, int]]) -> PackageInput:
        return PackageInput(
            name=name, price=price, currency=currency, validity_days=validity_days, concerns=concerns,
            sessions_per_week=2, weeks=5, description="A course mixing therapies.",
            components=tuple(ComponentInput(modality=m.partition("/")[0], technique=m.partition("/")[2] or None,
                                            sessions=n, minutes=mins,
                                            practitioner_id=None if p.id == owner.id else p.id)
                             for p, m, n, mins in components))

    mine = [c for c in parts if c[0].id == owner.id]
    assert mine, "the owner delivers at least one component in these tests"
    pkg = services.save_package(owner, data(mine))
    others = list(dict.fromkeys(p for p, *_ in parts if p.id != owner.id))
    for partner in others:
        partners.invite_partner(owner, pkg, str(partner.id))
    services.save_package(owner, data(parts), pkg)
    partners.set_shares(owner, pkg, shares or partners.suggested_shares(pkg))
    if accept:
        for partner in others:
            partners.respond_to_invitation(partner, partners.partner_row(pkg, partner), accept=True)
    if publish:
        services.publish(owner, pkg)
    db.session.commit()
    return pkg


def enroll(seeker: User | None, pkg: Package, *, activate: bool = True) -> Enrollment:
    seeker = seeker or make_user(Role.SEEKER)
    enrollment = enrollments.reserve(seeker, pkg)
    if activate:
        enrollments.activate(enrollment)
    db.session.commit()
    return enrollment
