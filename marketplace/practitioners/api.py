"""Listings in the JSON API: the owner's listing and locations, public profiles."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from marketplace.accounts.models import Role
from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.practitioners import services
from marketplace.practitioners.schemas import (
    ListingIn, ListingOwner, LocationIn, LocationOut, LocationRemoveQuery, PractitionerPublic,
)
from marketplace.verification import queries
from marketplace.web.api import endpoint

PRACTITIONER = (Role.PRACTITIONER,)


def _own_listing():  # noqa: ANN202
    listing = services.listing_for(current_user)
    if listing is None:
        raise NotFound("You have no listing yet: create it with PUT /api/v1/me/practitioner.")
    return listing


@endpoint("/me/practitioner", "PUT", summary="Create or replace the caller's listing", tag="practitioners",
          auth=PRACTITIONER, body=ListingIn, response=ListingOwner)
def put_listing(body: ListingIn) -> ListingOwner:
    """Replaces every field. Unknown slugs, techniques without their modality and bad
    fees answer 400 naming the field."""
    practitioner = services.save_listing(current_user, body.to_input())
    db.session.commit()
    return ListingOwner.of(practitioner)


@endpoint("/me/practitioner", summary="The caller's listing with its verification state",
          tag="practitioners", auth=PRACTITIONER, response=ListingOwner, errors=(404,))
def get_listing() -> ListingOwner:
    return ListingOwner.of(_own_listing())


@endpoint("/me/practitioner/locations", "POST", summary="Add a location (geocoded, or with lat/lon)",
          tag="practitioners", auth=PRACTITIONER, body=LocationIn, response=LocationOut, status=201,
          errors=(404, 503))
def add_location(body: LocationIn) -> LocationOut:
    """Geocodes `address, city, country`; 400 with suggestions when the place cannot be
    found (give `lat` and `lon` instead)."""
    location = services.add_location(_own_listing(), body.to_input(), current_app.extensions["place_resolver"])
    db.session.commit()
    return LocationOut.of(location)


@endpoint("/me/practitioner/locations/<int:location_id>", "PUT", summary="Change a location",
          tag="practitioners", auth=PRACTITIONER, body=LocationIn, query=LocationRemoveQuery, response=LocationOut,
          errors=(404, 409, 503))
def update_location(location_id: int, body: LocationIn, query: LocationRemoveQuery) -> LocationOut:
    """The whole location, as when adding it. A changed address (or `lat`/`lon`) is
    geocoded again; an unchanged one is not. Moving a place where people have upcoming
    bookings is a 409 (`upcoming_bookings`, `first_starts_at`) unless `keep_bookings=true`:
    those bookings keep the address they were given."""
    location = services.update_location(_own_listing(), location_id, body.to_input(),
                                        current_app.extensions["place_resolver"], keep_bookings=query.keep_bookings)
    db.session.commit()
    return LocationOut.of(location)


@endpoint("/me/practitioner/locations/<int:location_id>", "DELETE", summary="Remove a location",
          tag="practitioners", auth=PRACTITIONER, query=LocationRemoveQuery, status=204, errors=(404, 409))
def delete_location(location_id: int, query: LocationRemoveQuery) -> None:
    """409 while people have upcoming bookings there (`upcoming_bookings`, `first_starts_at`),
    unless `keep_bookings=true`: those bookings then keep the address they were given."""
    services.remove_location(_own_listing(), location_id, keep_bookings=query.keep_bookings)
    db.session.commit()
    return None


@endpoint("/practitioners/<int:practitioner_id>", summary="A practitioner's public profile",
          tag="practitioners", response=PractitionerPublic, errors=(404,))
def public_profile(practitioner_id: int) -> PractitionerPublic:
    """Verified modalities only. 404 unless something is verified and the practitioner is
    not suspended; the owner and admins can always see it."""
    practitioner = services.get_practitioner(practitioner_id)
    is_owner_or_admin = current_user.is_authenticated and (
        current_user.is_admin or practitioner.user_id == current_user.id)
    if not is_owner_or_admin and not queries.is_visible(practitioner):
        raise NotFound(f"No practitioner {practitioner_id}.")
    return PractitionerPublic.of(practitioner)
