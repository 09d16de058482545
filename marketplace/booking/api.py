"""Slots, bookings and availability in the JSON API."""

from __future__ import annotations

from datetime import timedelta

from flask_login import current_user
from sqlalchemy import Select, and_, or_, select

from marketplace.accounts.models import Role
from marketplace.booking import availability, queries, services
from marketplace.booking.models import Booking, BookingStatus
from marketplace.booking.schemas import (
    AvailabilityIn, AvailabilityOut, BookingIn, BookingOut, BookingPage, BookingsQuery, CancelIn, AvailabilityExceptionIn,
    AvailabilityExceptionList, AvailabilityExceptionOut, WeeklyHoursOut, BookingPlaceOut, RescheduleIn, BookingSettingsIO, SlotList, SlotsQuery,
)
from marketplace.core.clock import utcnow
from marketplace.core.errors import NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.practitioners import services as listings
from marketplace.practitioners.models import Practitioner
from marketplace.verification.queries import is_visible
from marketplace.web.api import ANY_USER, endpoint

SEEKER = (Role.SEEKER,)
PRACTITIONER = (Role.PRACTITIONER,)
PRACTITIONER_OR_ADMIN = (Role.PRACTITIONER, Role.ADMIN)
DEFAULT_DAYS = 14


def _own_listing() -> Practitioner:
    listing = listings.listing_for(current_user)
    if listing is None:
        raise NotFound("You have no listing yet: create it with PUT /api/v1/me/practitioner.")
    return listing


def _bookable_practitioner(practitioner_id: int) -> Practitioner:
    """404 unless the public may see the practitioner (the owner and admins always may)."""
    practitioner = listings.get_practitioner(practitioner_id)
    is_owner_or_admin = current_user.is_authenticated and (
        current_user.is_admin or practitioner.user_id == current_user.id)
    if not is_owner_or_admin and not is_visible(practitioner):
        raise NotFound(f"No practitioner {practitioner_id}.")
    return practitioner


@endpoint("/practitioners/<int:practitioner_id>/slots", summary="Open slots, per location or online",
          tag="booking", query=SlotsQuery, response=SlotList, errors=(404,))
def booking_slots(practitioner_id: int, query: SlotsQuery) -> SlotList:
    """Starts of open sessions of the chosen fee's length (default: the first fee), in
    the place's local time with its offset. 404 unless the practitioner is visible."""
    practitioner = _bookable_practitioner(practitioner_id)
    now = utcnow()
    start = query.from_ or now
    end = query.to or start + timedelta(days=DEFAULT_DAYS)
    errors: dict[str, list[str]] = {}
    if end <= start:
        errors["to"] = ["`to` must be after `from`."]
    elif end - start > timedelta(days=queries.MAX_RANGE_DAYS):
        errors["to"] = [f"Ask for at most {queries.MAX_RANGE_DAYS} days at a time."]
    fee = queries.fee_named(practitioner, query.fee_label)
    if query.fee_label and fee is None:
        errors["fee_label"] = ["No fee with that label. Fees: " + ", ".join(f.label for f in practitioner.fees) + "."]
    everywhere = queries.channels(practitioner)
    places = everywhere
    if query.location_id is not None:
        places = [c for c in everywhere if c.location_id == query.location_id]
        if not places:
            errors["location_id"] = [f"Location {query.location_id} is not one of this practitioner's locations."]
    if query.online is True:
        places = [c for c in places if c.online]
        if not places and "location_id" not in errors:
            errors["online"] = ["This practitioner does not offer online sessions."]
    elif query.online is False:
        places = [c for c in places if not c.online]
    if errors:
        raise ValidationFailed("Some query parameters are not valid.", errors)
    minutes = fee.minutes if fee else 60
    found = queries.open_slots(practitioner, start, end, minutes=minutes, places=places, now=now)
    return SlotList.of(practitioner.id, fee, minutes, start, end, everywhere, found)


@endpoint("/bookings", "POST", summary="Hold a slot for payment", tag="booking", auth=SEEKER, body=BookingIn,
          response=BookingOut, status=201, errors=(404, 409))
def create_booking(body: BookingIn) -> BookingOut:
    """Holds the slot for the practitioner's hold time (default 10 minutes) while the
    seeker pays (`POST /api/v1/orders`). 400 names the field when the start is not an
    open slot or the place or fee is wrong; 409 when someone else holds or booked it."""
    booking = services.hold(current_user, body.to_input())
    db.session.commit()
    return BookingOut.of(booking, current_user)


def _mine() -> Select[tuple[Booking]]:
    if current_user.is_admin:
        return select(Booking)
    if current_user.role is Role.PRACTITIONER:
        listing = listings.listing_for(current_user)
        return select(Booking).where(Booking.practitioner_id == (listing.id if listing else -1))
    return select(Booking).where(Booking.seeker_id == current_user.id)


@endpoint("/bookings", summary="The caller's bookings (as seeker, or as practitioner)", tag="booking",
          auth=ANY_USER, query=BookingsQuery, response=BookingPage)
def list_bookings(query: BookingsQuery) -> BookingPage:
    """Seekers see their own bookings, practitioners the bookings with them, admins all.
    `upcoming` runs soonest first, `past` and `all` newest first."""
    now = utcnow()
    stmt = _mine()
    if query.when == "upcoming":
        stmt = stmt.where(Booking.starts_at >= now).order_by(Booking.starts_at, Booking.id)
    elif query.when == "past":
        stmt = stmt.where(Booking.starts_at < now).order_by(Booking.starts_at.desc(), Booking.id.desc())
    else:
        stmt = stmt.order_by(Booking.starts_at.desc(), Booking.id.desc())
    if query.status == "held":
        stmt = stmt.where(Booking.status == BookingStatus.HELD, Booking.hold_expires_at > now)
    elif query.status == "released":
        stmt = stmt.where(or_(Booking.status == BookingStatus.RELEASED,
                              and_(Booking.status == BookingStatus.HELD, Booking.hold_expires_at <= now)))
    elif query.status is not None:
        stmt = stmt.where(Booking.status == BookingStatus(query.status))
    page = db.paginate(stmt, page=query.page, per_page=query.per_page, error_out=False)
    return BookingPage(items=[BookingOut.of(b, current_user, now) for b in page.items], total=page.total or 0,
                       page=query.page, per_page=query.per_page)


@endpoint("/bookings/<int:booking_id>", summary="One booking, with what cancelling it now would refund",
          tag="booking", auth=ANY_USER, response=BookingOut, errors=(404,))
def get_booking(booking_id: int) -> BookingOut:
    """For its seeker, its practitioner and admins; 404 for anyone else."""
    return BookingOut.of(services.visible_booking(current_user, booking_id), current_user)


@endpoint("/bookings/<int:booking_id>/cancel", "POST", summary="Cancel a booking under the practitioner's policy",
          tag="booking", auth=ANY_USER, body=CancelIn, body_optional=True, response=BookingOut, errors=(404, 409))
def cancel_booking(booking_id: int, body: CancelIn) -> BookingOut:
    """Free until the practitioner's cut-off (default 24 hours before); later, the
    late-cancellation share applies. `refund_percent` records what was granted; see
    `terms` on the booking beforehand. 409 when it is not held or confirmed, or has started."""
    from marketplace.payments import cancellations  # payments refunds a paid booking by the policy

    booking, order = cancellations.cancel_booking(services.visible_booking(current_user, booking_id), current_user,
                                                  body.reason)
    db.session.commit()
    cancellations.after_commit(order)
    return BookingOut.of(booking, current_user)


@endpoint("/bookings/<int:booking_id>/reschedule", "POST", summary="Move a booking to another open slot",
          tag="booking", auth=ANY_USER, body=RescheduleIn, response=BookingOut, errors=(404, 409))
def reschedule_booking(booking_id: int, body: RescheduleIn) -> BookingOut:
    """Answers with the new booking (`rescheduled_from_id` points at the old one). Seekers
    may move a booking until the cut-off; 409 after it, or when the new slot is taken."""
    old = services.visible_booking(current_user, booking_id)
    booking = services.reschedule(old, current_user, body.start, location_id=body.location_id, online=body.online)
    db.session.commit()
    return BookingOut.of(booking, current_user)


@endpoint("/bookings/<int:booking_id>/attended", "POST", summary="Mark a session attended",
          tag="booking", auth=PRACTITIONER_OR_ADMIN, response=BookingOut, errors=(404, 409))
def mark_booking_attended(booking_id: int) -> BookingOut:
    """The booking's practitioner (or an admin), once the session has started."""
    booking = services.mark_attended(services.visible_booking(current_user, booking_id), current_user)
    db.session.commit()
    return BookingOut.of(booking, current_user)


@endpoint("/bookings/<int:booking_id>/no-show", "POST", summary="Mark a session as a no-show",
          tag="booking", auth=PRACTITIONER_OR_ADMIN, response=BookingOut, errors=(404, 409))
def mark_booking_no_show(booking_id: int) -> BookingOut:
    """The booking's practitioner (or an admin), once the session has started."""
    booking = services.mark_no_show(services.visible_booking(current_user, booking_id), current_user)
    db.session.commit()
    return BookingOut.of(booking, current_user)


# --- the practitioner's availability ---------------------------------------------------------

def _availability(practitioner: Practitioner) -> AvailabilityOut:
    settings = queries.settings_for(practitioner)
    return AvailabilityOut(
        settings=BookingSettingsIO.of(settings),
        weekly_hours=[WeeklyHoursOut.of(h) for h in queries.weekly_hours(practitioner)],
        places=[BookingPlaceOut(location_id=c.location_id, online=c.online, label=c.label, timezone=c.zone.key)
                for c in queries.channels(practitioner, settings)],
        exceptions=[AvailabilityExceptionOut.of(e) for e in queries.exceptions(practitioner)],
    )


@endpoint("/me/practitioner/availability", summary="The caller's weekly hours, exceptions and booking rules",
          tag="booking", auth=PRACTITIONER, response=AvailabilityOut, errors=(404,))
def get_availability() -> AvailabilityOut:
    """Hours are local times of their place: a location's own zone, or `settings.timezone`
    for online hours (`places` lists each place with its zone)."""
    return _availability(_own_listing())


@endpoint("/me/practitioner/availability", "PUT", summary="Replace the weekly hours and booking rules",
          tag="booking", auth=PRACTITIONER, body=AvailabilityIn, response=AvailabilityOut, errors=(404,))
def put_availability(body: AvailabilityIn) -> AvailabilityOut:
    """Replaces every weekly range and setting (exceptions are kept). 400 names the
    field (`weekly_hours.<n>.…`, `settings.…`)."""
    practitioner = _own_listing()
    try:
        availability.save_availability(practitioner, body.to_input())
    except ValidationFailed as exc:
        exc.errors = {key.replace("hours.", "weekly_hours.", 1) if key.startswith("hours.") else key: messages
                      for key, messages in exc.errors.items()}
        raise
    db.session.commit()
    return _availability(practitioner)


@endpoint("/me/practitioner/availability/exceptions", summary="Closures and extra hours",
          tag="booking", auth=PRACTITIONER, response=AvailabilityExceptionList, errors=(404,))
def list_availability_exceptions() -> AvailabilityExceptionList:
    return AvailabilityExceptionList(items=[AvailabilityExceptionOut.of(e) for e in queries.exceptions(_own_listing())])


@endpoint("/me/practitioner/availability/exceptions", "POST", summary="Close dates or add extra hours",
          tag="booking", auth=PRACTITIONER, body=AvailabilityExceptionIn, response=AvailabilityExceptionOut, status=201, errors=(404,))
def add_availability_exception(body: AvailabilityExceptionIn) -> AvailabilityExceptionOut:
    """`kind` closed (everywhere, one location or online) or open (extra hours at one
    place, with times). Without times whole days are meant. Existing bookings stay."""
    row = availability.add_exception(_own_listing(), body.to_input())
    db.session.commit()
    return AvailabilityExceptionOut.of(row)


@endpoint("/me/practitioner/availability/exceptions/<int:exception_id>", "PUT", summary="Change an exception",
          tag="booking", auth=PRACTITIONER, body=AvailabilityExceptionIn, response=AvailabilityExceptionOut, errors=(404,))
def update_availability_exception(exception_id: int, body: AvailabilityExceptionIn) -> AvailabilityExceptionOut:
    row = availability.update_exception(_own_listing(), exception_id, body.to_input())
    db.session.commit()
    return AvailabilityExceptionOut.of(row)


@endpoint("/me/practitioner/availability/exceptions/<int:exception_id>", "DELETE", summary="Remove an exception",
          tag="booking", auth=PRACTITIONER, status=204, errors=(404,))
def delete_availability_exception(exception_id: int) -> None:
    availability.remove_exception(_own_listing(), exception_id)
    db.session.commit()
    return None

