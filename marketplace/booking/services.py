"""Holding, confirming, cancelling, rescheduling and closing bookings.

Operations flush and never commit; the view, API call, CLI command or payment webhook
that calls them commits, and mail leaves after that commit.

**No double booking.** :func:`hold`, :func:`reschedule` and :func:`confirm` take a lock on
the practitioner's row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a no-op write
that takes the database's write lock) before they look for overlapping bookings, so two
requests for one practitioner are decided one after the other. A partial unique index on
(practitioner_id, starts_at) for occupying statuses backs this up inside the database.

**For payments.** An order points at a booking made by :func:`hold`. On payment success
call :func:`confirm` (idempotent; raises Conflict when the slot went to someone else after
the hold expired, and the payment should then be refunded), on failure :func:`release`.
Refunds follow :func:`cancellation_terms` (the share is stored on the booking as
``refund_percent`` by :func:`cancel`). A rescheduled booking points back to its
predecessor (``rescheduled_from_id``); ``queries.latest_version`` follows the chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Role, User
from marketplace.booking import messages, queries, slots
# Availability editing lives in availability.py; its names stay importable from here.
from marketplace.booking.availability import (  # noqa: F401
    AvailabilityInput, ExceptionInput, HoursInput, SettingsInput, add_exception, get_exception, remove_exception,
    save_availability, update_exception,
)
from marketplace.booking.models import Booking, BookingStatus
from marketplace.core.clock import utcnow
from marketplace.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.practitioners.models import Practitioner
from marketplace.verification.queries import is_visible

MIN_MINUTES, MAX_MINUTES = 5, 480
TAKEN = "That time has just been taken. Choose another slot."


# --- inputs -------------------------------------------------------------------------------

@dataclass(frozen=True)
class HoldInput:
    """A request for one session. ``start`` is aware; ``location_id`` None with ``online``
    for an online session. ``minutes`` defaults from the fee. Packages pass
    ``priced=False`` (their sessions are prepaid: no amount) and ``hold=False`` to create a
    confirmed session straight away when the enrollment is paid."""

    practitioner_id: int
    start: datetime
    location_id: int | None = None
    online: bool = False
    fee_label: str | None = None
    minutes: int | None = None
    priced: bool = True
    hold: bool = True


class CancellationTerms(NamedTuple):
    refund_percent: int
    reason: str


# --- who may act ----------------------------------------------------------------------------

def get_booking(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(f"No booking {booking_id}.")
    return booking


def party(user: User | None, booking: Booking) -> str | None:
    """'seeker', 'practitioner' or 'admin' when ``user`` may see ``booking``, else None."""
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    if user.id == booking.seeker_id:
        return "seeker"
    if user.id == booking.practitioner.user_id:
        return "practitioner"
    if user.is_admin:
        return "admin"
    return None


def visible_booking(user: User, booking_id: int) -> Booking:
    """The booking if ``user`` is its seeker, its practitioner or an admin; NotFound
    otherwise (other people's bookings cannot be probed)."""
    booking = get_booking(booking_id)
    if party(user, booking) is None:
        raise NotFound(f"No booking {booking_id}.")
    return booking


# --- locking ------------------------------------------------------------------------------

def _lock_practitioner(practitioner_id: int) -> None:
    """Serialise every booking change for one practitioner until the commit."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Practitioner.id).where(Practitioner.id == practitioner_id).with_for_update())
    else:
        # SQLite has no row locks; a write takes the database's write lock for the
        # rest of the transaction (and touches nothing: no ORM onupdate fires).
        db.session.execute(text("UPDATE practitioner SET id = id WHERE id = :id"), {"id": practitioner_id})


def _clear_expired_holds(practitioner_id: int, start: datetime, end: datetime, now: datetime,
                         exclude_id: int | None = None) -> None:
    """Mark held-and-expired rows in [start, end) released, so the unique index no longer
    counts them (they already stopped blocking the slot at query time)."""
    stmt = select(Booking).where(
        Booking.practitioner_id == practitioner_id, Booking.status == BookingStatus.HELD,
        Booking.hold_expires_at <= now, Booking.starts_at < end, Booking.ends_at > start,
    )
    if exclude_id is not None:
        stmt = stmt.where(Booking.id != exclude_id)
    stale = db.session.scalars(stmt).all()
    for booking in stale:
        _release(booking, "It was not paid in time.", now)
    if stale:
        db.session.flush()


def _insert(booking: Booking) -> Booking:
    """Insert inside a savepoint: a unique-index violation (a racing request that won)
    becomes a Conflict and leaves the transaction usable."""
    db.session.flush()
    try:
        with db.session.begin_nested():
            db.session.add(booking)
    except IntegrityError:
        raise Conflict(TAKEN, {"start": [TAKEN]}) from None
    return booking


def _ensure_free(practitioner_id: int, start: datetime, end: datetime, buffer_minutes: int, now: datetime,
                 exclude_id: int | None = None) -> None:
    pad = timedelta(minutes=buffer_minutes)
    _clear_expired_holds(practitioner_id, start - pad, end + pad, now, exclude_id)
    clash = db.session.scalars(
        queries.overlapping(practitioner_id, start - pad, end + pad, at=now, exclude_id=exclude_id).limit(1)
    ).first()
    if clash is not None:
        raise Conflict(TAKEN, {"start": [TAKEN]})


# --- holding a slot -------------------------------------------------------------------------

# No practitioner takes bookings further ahead than a year (max_days_ahead <= 365).
HORIZON = timedelta(days=400)


def _instant(value: datetime, now: datetime, field: str = "start") -> datetime:
    """``value`` in UTC, or ValidationFailed naming ``field`` when it is naive, in the
    past or beyond any booking horizon (absurd years never reach the arithmetic)."""
    if value.tzinfo is None:
        raise ValidationFailed.on_field(field, "Give the start with its UTC offset, e.g. 2026-03-30T09:00:00+01:00.")
    try:
        instant = value.astimezone(slots.UTC)
    except (OverflowError, ValueError):
        instant = None
    if instant is None or instant > now + HORIZON:
        raise ValidationFailed.on_field(field, "That time is too far ahead to book.")
    if instant <= now:
        raise ValidationFailed.on_field(field, "That time has passed. Choose a slot in the future.")
    return instant


def _resolve(practitioner: Practitioner, data: HoldInput, errors: dict[str, list[str]]):  # noqa: ANN202
    """The channel, fee and length a request asks for, or errors naming the field."""
    settings = queries.settings_for(practitioner)
    channel = None
    if data.online and data.location_id is not None:
        errors["location_id"] = ["Give a location_id or online: true, not both."]
    elif data.online:
        channel = queries.channel_for(practitioner, None, True, settings)
        if channel is None:
            errors["online"] = ["This practitioner does not offer online sessions."]
    elif data.location_id is None:
        errors["location_id"] = ["Choose one of the practitioner's locations, or online: true."]
    else:
        channel = queries.channel_for(practitioner, data.location_id, False, settings)
        if channel is None:
            errors["location_id"] = [f"Location {data.location_id} is not one of this practitioner's locations."]
    fee = queries.fee_named(practitioner, data.fee_label)
    if data.fee_label and fee is None:
        options = ", ".join(f"'{f.label}'" for f in practitioner.fees) or "none"
        errors["fee_label"] = [f"No fee called '{data.fee_label}'. This practitioner's fees: {options}."]
    elif data.priced and fee is None:
        errors["fee_label"] = ["This practitioner has not listed a fee yet, so a session cannot be priced."]
    minutes = data.minutes if data.minutes is not None else (fee.minutes if fee else None)
    if minutes is None:
        errors["minutes"] = ["Give the session length in minutes."]
    elif isinstance(minutes, bool) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        errors["minutes"] = [f"Sessions last between {MIN_MINUTES} and {MAX_MINUTES} minutes."]
    elif data.priced and fee is not None and data.minutes is not None and data.minutes != fee.minutes:
        errors["minutes"] = [f"'{fee.label}' is a {fee.minutes}-minute session."]
    if data.start.tzinfo is None:
        errors["start"] = ["Give the start with its UTC offset, e.g. 2026-03-30T09:00:00+01:00."]
    return settings, channel, fee, minutes


def hold(seeker: User, data: HoldInput, *, now: datetime | None = None) -> Booking:
    """Hold an open slot for ``seeker`` while they pay (or confirm it at once with
    ``hold=False``).

    Raises NotFound when the practitioner does not exist or is not visible; Forbidden
    unless ``seeker`` is a seeker account; ValidationFailed naming the field for a wrong
    place, fee, length or a start that is not an open slot; Conflict when someone else
    holds or booked an overlapping time.
    """
    now = now or utcnow()
    if seeker.role is not Role.SEEKER:
        raise Forbidden("Only seeker accounts can book sessions.")
    practitioner = db.session.get(Practitioner, data.practitioner_id)
    if practitioner is None or not is_visible(practitioner):
        message = f"No practitioner {data.practitioner_id}."
        raise NotFound(message, {"practitioner_id": [message]})
    errors: dict[str, list[str]] = {}
    settings, channel, fee, minutes = _resolve(practitioner, data, errors)
    if errors or channel is None or minutes is None:
        raise ValidationFailed("The booking request has some problems.", errors)
    start = _instant(data.start, now)
    if not queries.is_bookable(practitioner, channel, start, minutes, now):
        raise ValidationFailed.on_field(
            "start", "That is not one of the open slots. Choose a time from the practitioner's slots "
                     f"(GET /api/v1/practitioners/{practitioner.id}/slots).")
    end = start + timedelta(minutes=minutes)

    _lock_practitioner(practitioner.id)
    _ensure_free(practitioner.id, start, end, settings.buffer_minutes, now)
    priced = data.priced and fee is not None
    booking = Booking(
        seeker=seeker, practitioner=practitioner, location_id=channel.location_id, is_online=channel.online,
        place_label=channel.place_label, timezone=channel.zone.key, starts_at=start, ends_at=end, minutes=minutes,
        fee_label=fee.label if fee else None, amount=fee.amount if priced and fee else None,
        currency=fee.currency if priced and fee else None,
        status=BookingStatus.HELD if data.hold else BookingStatus.CONFIRMED,
        hold_expires_at=now + timedelta(minutes=settings.hold_minutes) if data.hold else None,
        confirmed_at=None if data.hold else now,
    )
    _insert(booking)
    if not data.hold:
        messages.confirmed(booking)
    return booking


def confirm(booking: Booking, *, now: datetime | None = None) -> Booking:
    """Payment succeeded: the session is booked. Idempotent (a repeated webhook changes
    nothing and tells no one twice).

    A hold that expired (or was released) is confirmed if its time is still free.
    Raises Conflict when the booking was cancelled or rescheduled, when its time has
    passed, or when someone else took the slot meanwhile: the payment should be refunded.
    """
    now = now or utcnow()
    if booking.status in (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
        return booking
    if booking.status in (BookingStatus.CANCELLED, BookingStatus.RESCHEDULED):
        raise Conflict(f"This booking was {booking.status.value}; it cannot be confirmed.")
    if booking.starts_at <= now:
        raise Conflict("The session time has passed; it cannot be confirmed.")
    settings = queries.settings_for(booking.practitioner)
    _lock_practitioner(booking.practitioner_id)
    _ensure_free(booking.practitioner_id, booking.starts_at, booking.ends_at, settings.buffer_minutes, now,
                 exclude_id=booking.id)
    db.session.flush()
    try:
        # A savepoint around the change alone: a unique-index violation leaves the rest usable.
        with db.session.begin_nested():
            booking.status = BookingStatus.CONFIRMED
            booking.confirmed_at = now
            booking.release_reason = None
            booking.released_at = None
    except IntegrityError:
        raise Conflict(TAKEN, {"start": [TAKEN]}) from None
    messages.confirmed(booking)
    return booking


def _release(booking: Booking, reason: str, now: datetime) -> None:
    booking.status = BookingStatus.RELEASED
    booking.released_at = now
    booking.release_reason = reason[:200]
    messages.released(booking)


def release(booking: Booking, reason: str = "The payment did not go through.", *,
            now: datetime | None = None) -> Booking:
    """Give a held slot back (payment failed or the hold expired) and tell the seeker.
    Idempotent for a booking already released; raises Conflict for any other status."""
    now = now or utcnow()
    if booking.status is BookingStatus.RELEASED:
        return booking
    if booking.status is not BookingStatus.HELD:
        raise Conflict(f"Only held bookings can be released; this one is {booking.status.value}.")
    _release(booking, reason, now)
    db.session.flush()
    return booking


def release_expired(now: datetime | None = None) -> int:
    """Release every hold whose time ran out (the sweep; holds already stop blocking at
    query time). Returns how many were released."""
    now = now or utcnow()
    stmt = select(Booking).where(Booking.status == BookingStatus.HELD, Booking.hold_expires_at <= now)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    expired = db.session.scalars(stmt).all()
    for booking in expired:
        _release(booking, "It was not paid in time.", now)
    db.session.flush()
    return len(expired)


# --- cancelling and rescheduling -----------------------------------------------------------

def cancellation_terms(booking: Booking, at: datetime | None = None, by: User | None = None) -> CancellationTerms:
    """What cancelling ``booking`` at ``at`` (by ``by``) refunds, in percent, and why.

    Free (100%) until the practitioner's cut-off before the start, afterwards their
    late-cancellation share; always 100% when the practitioner or an admin cancels, and
    for a hold that was never paid.
    """
    at = at or utcnow()
    settings = queries.settings_for(booking.practitioner)
    if booking.status is BookingStatus.HELD:
        return CancellationTerms(100, "Nothing has been paid yet, so nothing is charged.")
    who = party(by, booking) if by is not None else "seeker"
    if who in ("practitioner", "admin"):
        return CancellationTerms(100, "Cancelled by the practitioner or our team: a full refund.")
    cutoff = settings.cancellation_cutoff_hours
    if at <= booking.starts_at - timedelta(hours=cutoff):
        return CancellationTerms(100, f"Free cancellation until {cutoff} hours before the session: a full refund.")
    percent = settings.late_cancellation_refund_percent
    return CancellationTerms(
        percent, f"Less than {cutoff} hours before the session: the practitioner's policy refunds {percent}%.")


def change_deadline(booking: Booking) -> datetime:
    """Until when the seeker may reschedule (the cancellation cut-off)."""
    settings = queries.settings_for(booking.practitioner)
    return booking.starts_at - timedelta(hours=settings.cancellation_cutoff_hours)


def _ensure_party(actor: User, booking: Booking) -> str:
    who = party(actor, booking)
    if who is None:
        raise Forbidden("Only the seeker, the practitioner or an admin can change this booking.")
    return who


def cancel(booking: Booking, actor: User, reason: str | None = None, *, now: datetime | None = None) -> Booking:
    """Cancel a held or confirmed booking, recording the refund share the policy grants
    (``refund_percent``) and telling both sides.

    Raises Forbidden for anyone but the seeker, the practitioner and admins; Conflict when
    the booking is not held or confirmed, or (except for admins) when it has started.
    """
    now = now or utcnow()
    who = _ensure_party(actor, booking)
    status = booking.effective_status(now)
    if status not in (BookingStatus.HELD, BookingStatus.CONFIRMED):
        raise Conflict(f"This booking is {status.label.lower()}; it cannot be cancelled.")
    if booking.starts_at <= now and who != "admin":
        raise Conflict("The session has already started. Practitioners mark it attended or a no-show.")
    reason = (reason or "").strip()
    if len(reason) > 1000:
        raise ValidationFailed.on_field("reason", "Keep the reason under 1,000 characters.")
    terms = cancellation_terms(booking, now, actor)
    was_held = booking.status is BookingStatus.HELD
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = actor
    booking.cancellation_reason = reason or None
    booking.refund_percent = terms.refund_percent
    db.session.flush()
    # The practitioner never heard of an unpaid hold; only the seeker hears of its end.
    if not was_held or who != "seeker":
        messages.cancelled(booking, practitioner_told=not was_held)
    return booking


def reschedule(booking: Booking, actor: User, start: datetime, *, location_id: int | None = None,
               online: bool | None = None, now: datetime | None = None) -> Booking:
    """Move a held or confirmed booking to another open slot of the same length; returns
    the new booking (``rescheduled_from`` the old one, which becomes ``rescheduled``).
    The place stays unless ``location_id`` or ``online`` is given.

    Seekers may move a booking until the cancellation cut-off; the practitioner and
    admins at any time before it starts. Raises Forbidden, Conflict (too late, wrong
    status, slot taken) or ValidationFailed (not an open slot) naming the field.
    """
    now = now or utcnow()
    who = _ensure_party(actor, booking)
    status = booking.effective_status(now)
    if status not in (BookingStatus.HELD, BookingStatus.CONFIRMED):
        raise Conflict(f"This booking is {status.label.lower()}; it cannot be moved.")
    if booking.starts_at <= now:
        raise Conflict("The session has already started; it cannot be moved.")
    settings = queries.settings_for(booking.practitioner)
    if who == "seeker" and status is BookingStatus.CONFIRMED and now > change_deadline(booking):
        raise Conflict(f"Changes are free until {settings.cancellation_cutoff_hours} hours before the session, "
                       "and that time has passed. You can still cancel under the practitioner's policy.")
    start = _instant(start, now)
    if start == booking.starts_at and location_id is None and online is None:
        raise ValidationFailed.on_field("start", "That is the time already booked. Choose another slot.")
    practitioner = booking.practitioner
    if online or location_id is not None:
        channel = queries.channel_for(practitioner, location_id, bool(online), settings)
        if channel is None:
            field = "online" if online else "location_id"
            raise ValidationFailed.on_field(field, "The practitioner does not see people there.")
    else:
        channel = queries.channel_for(practitioner, booking.location_id, booking.is_online, settings)
        if channel is None:
            raise ValidationFailed.on_field("location_id", "The booked place is no longer offered; choose another.")
    if not queries.is_bookable(practitioner, channel, start, booking.minutes, now):
        raise ValidationFailed.on_field("start", "That is not one of the open slots. Choose another time.")
    end = start + timedelta(minutes=booking.minutes)

    _lock_practitioner(practitioner.id)
    _ensure_free(practitioner.id, start, end, settings.buffer_minutes, now, exclude_id=booking.id)
    booking.status = BookingStatus.RESCHEDULED
    db.session.flush()
    moved = Booking(
        seeker_id=booking.seeker_id, practitioner=practitioner, location_id=channel.location_id,
        is_online=channel.online, place_label=channel.place_label, timezone=channel.zone.key,
        starts_at=start, ends_at=end, minutes=booking.minutes, fee_label=booking.fee_label, amount=booking.amount,
        currency=booking.currency, status=status, hold_expires_at=booking.hold_expires_at,
        confirmed_at=booking.confirmed_at, rescheduled_from=booking,
    )
    _insert(moved)
    if status is BookingStatus.CONFIRMED:
        messages.rescheduled(booking, moved)
    return moved


# --- after the session ---------------------------------------------------------------------

def _mark(booking: Booking, actor: User, outcome: BookingStatus, now: datetime | None) -> Booking:
    now = now or utcnow()
    who = _ensure_party(actor, booking)
    if who not in ("practitioner", "admin"):
        raise Forbidden("Only the practitioner marks a session attended or missed.")
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
        raise Conflict(f"Only confirmed sessions can be marked; this one is {booking.status.label.lower()}.")
    if booking.starts_at > now:
        raise Conflict("The session has not started yet.")
    changed = booking.status is not outcome
    booking.status = outcome
    booking.outcome_marked_at = now
    db.session.flush()
    if changed and outcome is BookingStatus.NO_SHOW:
        messages.no_show(booking)
    return booking


def mark_attended(booking: Booking, actor: User, *, now: datetime | None = None) -> Booking:
    """The seeker came. Can correct an earlier no-show. Raises Forbidden / Conflict."""
    return _mark(booking, actor, BookingStatus.ATTENDED, now)


def mark_no_show(booking: Booking, actor: User, *, now: datetime | None = None) -> Booking:
    """The seeker did not come (no refund follows). Raises Forbidden / Conflict."""
    return _mark(booking, actor, BookingStatus.NO_SHOW, now)


def send_reminders(now: datetime | None = None, *, within_hours: int = 24) -> int:
    """Remind both sides of confirmed sessions starting in the next ``within_hours``.
    Each booking is reminded once (``reminder_sent_at``), so running this hourly is safe."""
    now = now or utcnow()
    stmt = select(Booking).where(
        Booking.status == BookingStatus.CONFIRMED, Booking.reminder_sent_at.is_(None),
        Booking.starts_at > now, Booking.starts_at <= now + timedelta(hours=within_hours),
    ).order_by(Booking.starts_at)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    due = db.session.scalars(stmt).all()
    for booking in due:
        messages.reminder(booking)
        booking.reminder_sent_at = now
    db.session.flush()
    return len(due)
