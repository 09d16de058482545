"""Packages in the JSON API: on sale (public), a practitioner's own and their
invitations, and a seeker's reservations and care plan."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from marketplace.accounts.models import Role
from marketplace.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.geo.service import region_of
from marketplace.packages import careplan
from marketplace.packages import enrollments as enrolling
from marketplace.packages import partners, queries, services
from marketplace.packages.models import EnrollmentStatus, PackagePartner
from marketplace.packages.schemas import (
    EnrollmentList, EnrollmentOut, InvitationList, InvitationOut, PackageIn, PackageList, PackageOut, PackageOwner,
    PackageOwnerList, PackagesQuery, PartnerIn, PackagePlace, PlanOut, PlanQuery, ScheduledOut, ScheduleIn, SessionOut,
    SharesIn,
)
from marketplace.practitioners.models import Practitioner
from marketplace.practitioners.services import listing_for
from marketplace.taxonomy.models import Concern
from marketplace.taxonomy.services import by_slugs
from marketplace.web.api import endpoint

PRACTITIONER = (Role.PRACTITIONER,)
SEEKER = (Role.SEEKER,)


def _own_listing() -> Practitioner:
    listing = listing_for(current_user)
    if listing is None:
        raise NotFound("You have no listing yet: create it with PUT /api/v1/me/practitioner.")
    return listing


def _own_package(package_id: int):  # noqa: ANN202
    package = services.get_package(package_id)
    if package.owner.user_id != current_user.id:
        raise NotFound(f"No package {package_id} of yours.")
    return package


def _place(query: PackagesQuery) -> services.Whereabouts | None:
    return services.locate(current_app.extensions["place_resolver"], query.near, query.lat, query.lon,
                           region_of(request.accept_languages.values()))


def _place_out(where: services.Whereabouts) -> PackagePlace:
    return PackagePlace(query=where.query, label=where.label, lat=where.lat, lon=where.lon)


# --- Public ---------------------------------------------------------------------------------

@endpoint("/packages", summary="Packages on sale, single- and multi-practitioner", tag="packages",
          query=PackagesQuery, response=PackageList, errors=(503,))
def list_packages(query: PackagesQuery) -> PackageList:
    """Optionally for a `concern` (slug) and near a place (`near`, or `lat`+`lon`, within
    `radius_km`): every practitioner in a package sees people within the radius or
    online. An unknown place answers 400 on `near`, with `suggestions`."""
    if query.concern:
        by_slugs(Concern, [query.concern], "concern")
    where = _place(query)
    near = (where.lat, where.lon, query.radius_km) if where else None
    found = queries.find_on_sale(query.concern, near)
    return PackageList(items=[PackageOut.of(p, d) for p, d in found], total=len(found),
                       place=_place_out(where) if where else None)


@endpoint("/packages/<int:package_id>", summary="A package on sale", tag="packages", response=PackageOut,
          errors=(404,))
def get_package(package_id: int) -> PackageOut:
    """404 unless it is on sale right now (every practitioner in it verified for their part)."""
    return PackageOut.of(services.get_sellable(package_id))


@endpoint("/packages/plan", summary="A care plan for a concern near a place", tag="packages",
          query=PlanQuery, response=PlanOut, errors=(503,))
def plan(query: PlanQuery) -> PlanOut:
    """Packages on sale for the concern near the place come first. Then a build-your-own
    plan: the typical course for the concern from the best-fitting nearby verified
    practitioners, each component booked as ordinary single sessions at that
    practitioner's own fee; `total` is what they add up to."""
    concerns = by_slugs(Concern, [query.concern], "concern")
    if not concerns:
        raise ValidationFailed.on_field("concern", "Choose a concern.")
    concern = concerns[0]
    where = _place(query)
    if where is None:
        raise ValidationFailed.on_field("near", "Say where: a place name in 'near', or 'lat' and 'lon'.")
    near = (where.lat, where.lon, query.radius_km)
    found = queries.find_on_sale(concern.slug, near)
    proposal = queries.plan_for(concern, where.lat, where.lon, query.radius_km)
    return PlanOut.of(proposal, _place_out(where),
                      [PackageOut.of(p, d) for p, d in found])


# --- A practitioner's own packages -------------------------------------------------------------

@endpoint("/me/packages", summary="The caller's packages (owned or co-offered)", tag="packages",
          auth=PRACTITIONER, response=PackageOwnerList, errors=(404,))
def my_packages() -> PackageOwnerList:
    return PackageOwnerList(items=[PackageOwner.of(p) for p in queries.packages_of(_own_listing())])


@endpoint("/me/packages", "POST", summary="Create a draft package", tag="packages", auth=PRACTITIONER,
          body=PackageIn, response=PackageOwner, status=201, errors=(404,))
def create_package(body: PackageIn) -> PackageOwner:
    """Components name who delivers them (you, or a partner you invited). Only
    modalities the practitioner is verified for are allowed: 400 naming
    `components.<n>.modality` otherwise."""
    package = services.save_package(_own_listing(), body.to_input())
    db.session.commit()
    return PackageOwner.of(package)


@endpoint("/me/packages/<int:package_id>", "PUT", summary="Replace a package's fields", tag="packages",
          auth=PRACTITIONER, body=PackageIn, response=PackageOwner, errors=(404, 409))
def update_package(package_id: int, body: PackageIn) -> PackageOwner:
    """Partners whose sessions or share change must accept again (a package on sale goes
    back to draft). 409 when people bought it and its sessions, price or validity would
    change."""
    package = services.save_package(_own_listing(), body.to_input(), _own_package(package_id))
    db.session.commit()
    return PackageOwner.of(package)


@endpoint("/me/packages/<int:package_id>/partners", "POST", summary="Invite a partner to co-offer a package",
          tag="packages", auth=PRACTITIONER, body=PartnerIn, response=PackageOwner, status=201, errors=(404, 409))
def invite_partner(package_id: int, body: PartnerIn) -> PackageOwner:
    """`partner` is a verified practitioner's id or account email; `share` their part of
    the price. They accept or decline from their own account."""
    package = _own_package(package_id)
    partners.invite_partner(_own_listing(), package, body.partner, body.share)
    db.session.commit()
    return PackageOwner.of(package)


@endpoint("/me/packages/<int:package_id>/partners/<int:practitioner_id>", "DELETE",
          summary="Remove a partner who delivers nothing", tag="packages", auth=PRACTITIONER, status=204,
          errors=(404, 409))
def remove_partner(package_id: int, practitioner_id: int) -> None:
    partners.remove_partner(_own_listing(), _own_package(package_id), practitioner_id)
    db.session.commit()
    return None


@endpoint("/me/packages/<int:package_id>/shares", "PUT", summary="Set every partner's share of the price",
          tag="packages", auth=PRACTITIONER, body=SharesIn, response=PackageOwner, errors=(404,))
def set_shares(package_id: int, body: SharesIn) -> PackageOwner:
    """The shares must add up to the price exactly (400 on `shares`)."""
    package = _own_package(package_id)
    partners.set_shares(_own_listing(), package, {s.practitioner_id: s.amount for s in body.shares})
    db.session.commit()
    return PackageOwner.of(package)


@endpoint("/me/packages/<int:package_id>/publish", "POST", summary="Put a package on sale", tag="packages",
          auth=PRACTITIONER, response=PackageOwner, errors=(404, 409))
def publish_package(package_id: int) -> PackageOwner:
    """Only when every partner accepted, the shares add up to the price and every
    component's practitioner is verified for it; 400 lists what is missing."""
    package = services.publish(_own_listing(), _own_package(package_id))
    db.session.commit()
    return PackageOwner.of(package)


@endpoint("/me/packages/<int:package_id>/withdraw", "POST", summary="Stop selling a package", tag="packages",
          auth=PRACTITIONER, response=PackageOwner, errors=(404,))
def withdraw_package(package_id: int) -> PackageOwner:
    """People who bought it keep their sessions."""
    package = services.withdraw(_own_listing(), _own_package(package_id))
    db.session.commit()
    return PackageOwner.of(package)


@endpoint("/me/package-invitations", summary="Invitations to co-offer packages, waiting for an answer",
          tag="packages", auth=PRACTITIONER, response=InvitationList, errors=(404,))
def my_invitations() -> InvitationList:
    return InvitationList(items=[InvitationOut.of(r) for r in queries.invitations_for(_own_listing())])


def _invitation(invitation_id: int) -> PackagePartner:
    row = db.session.get(PackagePartner, invitation_id)
    if row is None or row.practitioner.user_id != current_user.id:
        raise NotFound(f"No invitation {invitation_id}.")
    return row


@endpoint("/me/package-invitations/<int:invitation_id>/accept", "POST",
          summary="Accept your sessions and share in a package", tag="packages", auth=PRACTITIONER,
          response=InvitationOut, errors=(404, 409))
def accept_invitation(invitation_id: int) -> InvitationOut:
    row = partners.respond_to_invitation(_own_listing(), _invitation(invitation_id), accept=True)
    db.session.commit()
    return InvitationOut.of(row)


@endpoint("/me/package-invitations/<int:invitation_id>/decline", "POST",
          summary="Decline (or leave) a package", tag="packages", auth=PRACTITIONER, response=InvitationOut,
          errors=(404, 409))
def decline_invitation(invitation_id: int) -> InvitationOut:
    """Leaving a package on sale takes it off sale; people who bought it keep their sessions."""
    row = partners.respond_to_invitation(_own_listing(), _invitation(invitation_id), accept=False)
    db.session.commit()
    return InvitationOut.of(row)


# --- A seeker's packages -----------------------------------------------------------------------

@endpoint("/packages/<int:package_id>/reservations", "POST", summary="Reserve a package before paying",
          tag="packages", auth=SEEKER, response=EnrollmentOut, status=201, errors=(404,))
def reserve(package_id: int) -> EnrollmentOut:
    """Creates an enrollment waiting for payment (`pending_payment`); pay it with
    `POST /api/v1/orders {package_id}`. Reserving again while one waits returns it."""
    enrollment = enrolling.reserve(current_user, services.get_sellable(package_id))
    db.session.commit()
    return EnrollmentOut.of(enrollment)


@endpoint("/me/enrollments", summary="The caller's packages: the care plan", tag="packages", auth=SEEKER,
          response=EnrollmentList)
def my_enrollments() -> EnrollmentList:
    """Each package with sessions used, left, upcoming and past."""
    return EnrollmentList(items=[EnrollmentOut.of(e) for e in queries.enrollments_of(current_user)])


@endpoint("/me/enrollments/<int:enrollment_id>", summary="One package in the care plan", tag="packages",
          auth=SEEKER, response=EnrollmentOut, errors=(404,))
def my_enrollment(enrollment_id: int) -> EnrollmentOut:
    return EnrollmentOut.of(enrolling.get_enrollment(enrollment_id, current_user))


@endpoint("/me/enrollments/<int:enrollment_id>/sessions", "POST", summary="Book the next session of a component",
          tag="packages", auth=SEEKER, body=ScheduleIn, response=ScheduledOut, status=201, errors=(404, 409))
def schedule(enrollment_id: int, body: ScheduleIn) -> ScheduledOut:
    """A prepaid booking with the practitioner who delivers the component, within the
    package's validity. 409 when the slot is taken, the package is not paid, or that
    practitioner is not verified for it right now (those sessions wait)."""
    enrollment = enrolling.get_enrollment(enrollment_id, current_user)
    session = enrolling.schedule_session(current_user, enrollment, body.component_id, body.start,
                                         body.location_id, body.online)
    db.session.commit()
    view = next(v for v in careplan.care_plan(enrollment).upcoming if v.id == session.id)
    return ScheduledOut(enrollment_id=enrollment.id, session=SessionOut.of(view))


@endpoint("/me/enrollments/<int:enrollment_id>/cancel", "POST", summary="Cancel a reservation not paid yet",
          tag="packages", auth=SEEKER, response=EnrollmentOut, errors=(404, 409))
def cancel_reservation(enrollment_id: int) -> EnrollmentOut:
    """Only reservations waiting for payment; a paid package is cancelled through its
    order (`POST /api/v1/orders/<id>/cancel`), which refunds the unused sessions."""
    enrollment = enrolling.get_enrollment(enrollment_id, current_user)
    if enrollment.status is not EnrollmentStatus.PENDING_PAYMENT:
        raise Conflict("Only a reservation waiting for payment can be cancelled here; cancel a paid package "
                       "through its order, which refunds the unused sessions.")
    from marketplace.payments import cancellations

    # Through payments, so the reservation's pending order ends with it (and its payment
    # page can no longer charge).
    result = cancellations.cancel_enrollment(enrollment, current_user, "Cancelled by the seeker before paying.")
    db.session.commit()
    cancellations.after_commit(result.order)
    return EnrollmentOut.of(enrollment)
