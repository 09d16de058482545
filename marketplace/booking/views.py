"""Booking pages: the seeker's "Book" page, hold confirmation, "My bookings" with cancel
and reschedule; the practitioner's availability editor and schedule.

Times are shown in the local time of the place the session happens; when the seeker's
own zone (``tz``, filled in by the browser) differs, theirs is shown beside it.
Notification links point at ``/bookings/<id>`` and ``/practitioner/schedule`` (see
``messages.py``): keep those paths.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.accounts.models import Role
from marketplace.booking import availability as editing, queries, services, slots
from marketplace.booking.forms import (
    AvailabilityForm, CancelForm, ExceptionForm, HoldForm, MarkForm, RescheduleForm, format_ranges, hours_field,
    parse_instant,
)
from marketplace.booking.models import Booking, BookingStatus
from marketplace.core.clock import utcnow
from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.practitioners import services as listings
from marketplace.practitioners.models import Practitioner
from marketplace.verification.queries import is_visible
from marketplace.web.actions import attempt
from marketplace.web.auth import roles_required
from marketplace.web.templating import apply_errors, format_money

bp = Blueprint("booking", __name__)
seeker_only = roles_required(Role.SEEKER)
practitioner_only = roles_required(Role.PRACTITIONER)
BOOK_DAYS = 14


# --- time helpers for templates ----------------------------------------------------------

def _zone_or_none(name: str | None) -> ZoneInfo | None:
    return ZoneInfo(name) if name and slots.is_valid_zone(name) else None


def seeker_zone() -> str | None:
    """The seeker's IANA zone from ``tz`` (query or form), when it is a real zone."""
    name = (request.values.get("tz") or "").strip()[:64]
    return name if _zone_or_none(name) else None


@bp.app_template_filter("in_zone")
def in_zone(value: datetime, zone: str) -> datetime:
    return value.astimezone(slots.zone(zone))


@bp.app_template_global("also_in")
def also_in(value: datetime, place_zone: str, other: str | None) -> str:
    """'(14:30 your time)' when ``other`` shows a different clock than the place; else ''."""
    if not other:
        return ""
    here, there = value.astimezone(slots.zone(place_zone)), value.astimezone(slots.zone(other))
    if here.utcoffset() == there.utcoffset():
        return ""
    day = "" if there.date() == here.date() else f"{there:%a} "
    return f"{day}{there:%H:%M} your time"


@bp.app_template_filter("when")
def when(value: datetime, zone: str) -> str:
    local = value.astimezone(slots.zone(zone))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def _terms_text(booking: Booking, terms: services.CancellationTerms) -> str:
    if booking.status is BookingStatus.HELD or booking.amount is None or booking.currency is None:
        return terms.reason
    refund = booking.amount * terms.refund_percent // 100
    return f"{terms.reason} You would get {format_money(refund, booking.currency)} back."


# --- the seeker's booking page --------------------------------------------------------------

def _bookable(practitioner_id: int) -> Practitioner:
    practitioner = listings.get_practitioner(practitioner_id)
    is_owner_or_admin = current_user.is_authenticated and (
        current_user.is_admin or practitioner.user_id == current_user.id)
    if not is_owner_or_admin and not is_visible(practitioner):
        raise NotFound(f"No practitioner {practitioner_id}.")
    return practitioner


def _group_by_day(found: list[queries.Slot]) -> "OrderedDict[date, list[queries.Slot]]":
    groups: OrderedDict[date, list[queries.Slot]] = OrderedDict()
    for slot in found:
        groups.setdefault(slot.local_start.date(), []).append(slot)
    return groups


def _place_key(channel: queries.Channel) -> str:
    return channel.key


@bp.get("/practitioners/<int:practitioner_id>/book")
def book(practitioner_id: int) -> str:
    practitioner = _bookable(practitioner_id)
    return _book_page(practitioner, HoldForm(formdata=None))


def _book_page(practitioner: Practitioner, form: HoldForm, status: int = 200):  # noqa: ANN202
    now = utcnow()
    settings = queries.settings_for(practitioner)
    places = queries.channels(practitioner, settings)
    fee = queries.fee_named(practitioner, request.values.get("fee")) or queries.fee_named(practitioner, None)
    wanted = request.values.get("place", "")
    place = next((p for p in places if _place_key(p) == wanted), None)
    if place is None:
        # The first place with any hours, so the page opens on something bookable.
        hours = queries.weekly_hours(practitioner)
        with_hours = {h.location_id for h in hours}
        place = next((p for p in places if p.location_id in with_hours), places[0] if places else None)
    found: list[queries.Slot] = []
    if place is not None and fee is not None:
        found = queries.open_slots(practitioner, now, now + timedelta(days=BOOK_DAYS), minutes=fee.minutes,
                                   places=[place], now=now)
    can_book = current_user.is_authenticated and current_user.role is Role.SEEKER
    return render_template(
        "booking/book.html", practitioner=practitioner, places=places, place=place, fee=fee, form=form,
        days=_group_by_day(found), tz=seeker_zone(), can_book=can_book, settings=settings,
        place_key=_place_key(place) if place else "",
    ), status


@bp.post("/practitioners/<int:practitioner_id>/book")
@seeker_only
def hold(practitioner_id: int) -> Response | tuple[str, int]:
    practitioner = _bookable(practitioner_id)
    form = HoldForm()
    if not form.validate_on_submit():
        return _book_page(practitioner, form, 400)
    start = parse_instant(request.form.get("start"))
    if start is None:
        flash("Choose a time first.", "error")
        return _book_page(practitioner, form, 400)
    place = request.form.get("place", "")
    location_id = int(place.removeprefix("location-")) if place.startswith("location-") and \
        place.removeprefix("location-").isdigit() else None
    data = services.HoldInput(practitioner_id=practitioner.id, start=start, location_id=location_id,
                              online=place == "online", fee_label=request.form.get("fee") or None)
    booking, error = attempt(lambda: services.hold(current_user, data))
    if error is not None:
        messages = [m for msgs in error.errors.values() for m in msgs] or [error.detail]
        for message in dict.fromkeys(messages):
            flash(message, "error")
        return _book_page(practitioner, form, error.status)
    return redirect(url_for("booking.detail", booking_id=booking.id, tz=seeker_zone()))


# --- one booking, the seeker's list, cancel and reschedule ---------------------------------------

def _visible(booking_id: int) -> Booking:
    return services.visible_booking(current_user, booking_id)


@bp.get("/bookings")
@seeker_only
def my_bookings() -> str:
    now = utcnow()
    rows = db.session.scalars(queries.for_seeker(current_user).limit(200)).all()
    upcoming = sorted((b for b in rows if b.ends_at > now and b.effective_status(now) in
                       (BookingStatus.HELD, BookingStatus.CONFIRMED)), key=lambda b: b.starts_at)
    others = [b for b in rows if b not in upcoming]
    return render_template("booking/mine.html", upcoming=upcoming, others=others, now=now, tz=seeker_zone())


@bp.get("/bookings/<int:booking_id>")
@login_required
def detail(booking_id: int) -> str:
    booking = _visible(booking_id)
    now = utcnow()
    status = booking.effective_status(now)
    minutes_left = None
    if status is BookingStatus.HELD and booking.hold_expires_at:
        minutes_left = max(1, int((booking.hold_expires_at - now).total_seconds() + 59) // 60)
    return render_template(
        "booking/detail.html", booking=booking, status=status, now=now, tz=seeker_zone(),
        minutes_left=minutes_left, who=services.party(current_user, booking),
        moved_to=queries.rescheduled_to(booking) if status is BookingStatus.RESCHEDULED else None,
    )


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(booking_id: int) -> str | Response:
    booking = _visible(booking_id)
    now = utcnow()
    form = CancelForm()
    if form.validate_on_submit():
        # Through payments, so that a paid booking is refunded as the policy says.
        from marketplace.payments import cancellations

        result, error = attempt(lambda: cancellations.cancel_booking(booking, current_user, form.reason.data, now=now))
        if error is None:
            cancellations.after_commit(result[1])
            flash("The booking is cancelled. We have told the other side.", "success")
            return redirect(_after_change(booking))
        apply_errors(form, error)
    status = booking.effective_status(now)
    can_cancel = status in (BookingStatus.HELD, BookingStatus.CONFIRMED) and booking.starts_at > now
    terms = services.cancellation_terms(booking, now, current_user)
    return render_template("booking/cancel.html", booking=booking, form=form, can_cancel=can_cancel,
                           terms_text=_terms_text(booking, terms), status=status, tz=seeker_zone(), now=now,
                           who=services.party(current_user, booking))


def _after_change(booking: Booking) -> str:
    if services.party(current_user, booking) == "practitioner":
        return url_for("booking.schedule", date=booking.starts_at.astimezone(ZoneInfo(booking.timezone)).date())
    return url_for("booking.detail", booking_id=booking.id, tz=seeker_zone())


@bp.route("/bookings/<int:booking_id>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(booking_id: int) -> str | Response:
    booking = _visible(booking_id)
    now = utcnow()
    form = RescheduleForm()
    if form.validate_on_submit():
        start = parse_instant(request.form.get("start"))
        if start is None:
            flash("Choose a new time first.", "error")
        else:
            moved, error = attempt(lambda: services.reschedule(booking, current_user, start, now=now))
            if error is None:
                flash("The booking has moved. We have told the other side.", "success")
                return redirect(_after_change(moved))
            for message in dict.fromkeys([m for msgs in error.errors.values() for m in msgs] or [error.detail]):
                flash(message, "error")
    who = services.party(current_user, booking)
    status = booking.effective_status(now)
    deadline = services.change_deadline(booking)
    blocked = None
    if status not in (BookingStatus.HELD, BookingStatus.CONFIRMED) or booking.starts_at <= now:
        blocked = f"This booking is {status.label.lower()}; it cannot be moved."
    elif who == "seeker" and status is BookingStatus.CONFIRMED and now > deadline:
        blocked = ("Changes were free until " + when(deadline, booking.timezone) +
                   ". You can still cancel under the practitioner's policy.")
    days: OrderedDict = OrderedDict()
    if blocked is None:
        place = queries.channel_for(booking.practitioner, booking.location_id, booking.is_online)
        if place is not None:
            found = queries.open_slots(booking.practitioner, now, now + timedelta(days=BOOK_DAYS),
                                       minutes=booking.minutes, places=[place], now=now,
                                       exclude_booking_id=booking.id)
            days = _group_by_day([s for s in found if s.start != booking.starts_at])
    return render_template("booking/reschedule.html", booking=booking, form=form, days=days, blocked=blocked,
                           deadline=deadline, tz=seeker_zone(), who=who)


# --- the practitioner's availability ------------------------------------------------------------

def _own_listing() -> Practitioner | None:
    return listings.listing_for(current_user)


def _availability_page(listing: Practitioner, form: AvailabilityForm | None = None,
                       exception_form: ExceptionForm | None = None, status: int = 200):  # noqa: ANN202
    settings = queries.settings_for(listing)
    places = queries.channels(listing, settings)
    if form is None:
        boxes: dict[str, list] = {}
        for h in queries.weekly_hours(listing):
            place = next((p for p in places if p.location_id == h.location_id), None)
            if place is not None:
                boxes.setdefault(hours_field(place, h.weekday), []).append((h.start_time, h.end_time))
        form = AvailabilityForm.build(places, settings, {k: format_ranges(v) for k, v in boxes.items()})
    exception_form = exception_form or ExceptionForm(formdata=None)
    exception_form.with_places(places)
    return render_template(
        "booking/availability.html", listing=listing, form=form, places=places, settings=settings,
        exception_form=exception_form, exceptions=queries.exceptions(listing, upcoming_from=utcnow().date()),
    ), status


@bp.route("/practitioner/availability", methods=["GET", "POST"])
@practitioner_only
def availability() -> str | Response | tuple[str, int]:
    listing = _own_listing()
    if listing is None:
        flash("Create your listing first.", "info")
        return redirect(url_for("practitioners.edit_listing"))
    if request.method == "GET":
        return _availability_page(listing)
    settings = queries.settings_for(listing)
    places = queries.channels(listing, settings)
    form = AvailabilityForm.build(places, settings, formdata=request.form)
    if form.validate_on_submit():
        data, origin = form.to_input()
        _, error = attempt(lambda: editing.save_availability(listing, data, current_user))
        if error is None:
            flash("Availability saved.", "success")
            return redirect(url_for("booking.availability"))
        # Point "hours.<n>.…" at the box it came from; settings.<name> lands on its field.
        error.errors = {_box(key, origin): msgs for key, msgs in error.errors.items()}
        apply_errors(form, error)
    return _availability_page(listing, form=form, status=400)


def _box(key: str, origin: dict[str, str]) -> str:
    parts = key.split(".")
    if parts[0] == "hours" and len(parts) > 1 and parts[1] in origin:
        return origin[parts[1]]
    return key


@bp.post("/practitioner/availability/exceptions")
@practitioner_only
def add_exception() -> Response | tuple[str, int]:
    listing = _own_listing()
    if listing is None:
        return redirect(url_for("practitioners.edit_listing"))
    form = ExceptionForm().with_places(queries.channels(listing))
    if form.validate_on_submit():
        _, error = attempt(lambda: editing.add_exception(listing, form.to_input()))
        if error is None:
            flash("Exception added.", "success")
            return redirect(url_for("booking.availability") + "#exceptions")
        apply_errors(form, error, aliases={"location_id": "applies_to", "online": "applies_to"})
    return _availability_page(listing, exception_form=form, status=400)


@bp.post("/practitioner/availability/exceptions/<int:exception_id>/remove")
@practitioner_only
def remove_exception(exception_id: int) -> Response:
    listing = _own_listing()
    if listing is None:
        abort(404)
    form = MarkForm()
    if not form.validate_on_submit():
        abort(400)
    editing.remove_exception(listing, exception_id)
    db.session.commit()
    flash("Exception removed.", "success")
    return redirect(url_for("booking.availability") + "#exceptions")


# --- the practitioner's schedule ----------------------------------------------------------------

@bp.get("/practitioner/schedule")
@practitioner_only
def schedule() -> str | Response:
    listing = _own_listing()
    if listing is None:
        flash("Create your listing first.", "info")
        return redirect(url_for("practitioners.edit_listing"))
    settings = queries.settings_for(listing)
    tz = slots.zone(settings.timezone)
    now = utcnow()
    view = "day" if request.args.get("view") == "day" else "week"
    try:
        chosen = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        chosen = now.astimezone(tz).date()
    if not 2000 <= chosen.year <= 2200:
        chosen = now.astimezone(tz).date()
    first = chosen if view == "day" else chosen - timedelta(days=chosen.weekday())
    span = 1 if view == "day" else 7
    start = slots.local_to_utc(first, datetime.min.time(), tz)
    end = slots.local_to_utc(first + timedelta(days=span), datetime.min.time(), tz)
    rows = db.session.scalars(queries.for_practitioner(listing, start, end)).all()
    shown = [b for b in rows if b.effective_status(now) not in (BookingStatus.RELEASED, BookingStatus.RESCHEDULED)]
    days: OrderedDict[date, list[Booking]] = OrderedDict(
        (first + timedelta(days=i), []) for i in range(span))
    for b in shown:
        days.setdefault(b.starts_at.astimezone(tz).date(), []).append(b)
    return render_template(
        "booking/schedule.html", listing=listing, days=days, view=view, chosen=chosen, first=first,
        prev_date=first - timedelta(days=span), next_date=first + timedelta(days=span), now=now,
        zone=settings.timezone, today=now.astimezone(tz).date(), mark_form=MarkForm(),
    )


def _mark(booking_id: int, action) -> Response:  # noqa: ANN001
    booking = _visible(booking_id)
    form = MarkForm()
    if not form.validate_on_submit():
        abort(400)
    _, error = attempt(lambda: action(booking, current_user))
    if error is None:
        flash(f"Marked {booking.status.label.lower()}.", "success")
    else:
        flash(error.detail, "error")
    return redirect(url_for("booking.schedule", view=request.form.get("view") or None,
                            date=booking.starts_at.astimezone(ZoneInfo(booking.timezone)).date()))


@bp.post("/practitioner/bookings/<int:booking_id>/attended")
@practitioner_only
def mark_attended(booking_id: int) -> Response:
    return _mark(booking_id, services.mark_attended)


@bp.post("/practitioner/bookings/<int:booking_id>/no-show")
@practitioner_only
def mark_no_show(booking_id: int) -> Response:
    return _mark(booking_id, services.mark_no_show)

