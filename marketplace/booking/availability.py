"""Editing availability: the practitioner's booking rules, weekly hours and exceptions.

Operations flush and never commit (the page or API call commits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Sequence

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.booking import slots
from marketplace.booking.models import AvailabilityException, BookingSettings, ExceptionKind, WeeklyHours
from marketplace.core.errors import Forbidden, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.practitioners.models import Practitioner

MAX_WEEKLY_RANGES = 200
MAX_EXCEPTION_DAYS = 366


@dataclass(frozen=True)
class SettingsInput:
    timezone: str
    buffer_minutes: int = 0
    min_notice_minutes: int = 120
    max_days_ahead: int = 60
    cancellation_cutoff_hours: int = 24
    late_cancellation_refund_percent: int = 0
    hold_minutes: int = 10


@dataclass(frozen=True)
class HoursInput:
    """``start``–``end`` local time on ``weekday`` (Monday = 0) at ``location_id``, or online (None)."""

    location_id: int | None
    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class AvailabilityInput:
    settings: SettingsInput
    hours: Sequence[HoursInput] = ()


@dataclass(frozen=True)
class ExceptionInput:
    """Closed (or extra) local dates. ``location_id`` for one location, ``online`` for the
    online hours, neither for everywhere (closures only). Times both or neither."""

    starts_on: date
    ends_on: date
    closed: bool = True
    location_id: int | None = None
    online: bool = False
    start_time: time | None = None
    end_time: time | None = None
    reason: str = ""


def _ensure_owner(actor: User, practitioner: Practitioner) -> None:
    if not (actor.is_admin or practitioner.user_id == actor.id):
        raise Forbidden("Only the practitioner (or an admin) can change this availability.")


def _check_settings(data: SettingsInput, errors: dict[str, list[str]]) -> None:
    if not slots.is_valid_zone(data.timezone or ""):
        errors["settings.timezone"] = ["Choose a time zone such as Europe/London or Asia/Kolkata."]
    for name, low, high, message in (
        ("buffer_minutes", 0, 240, "Give a buffer between 0 and 240 minutes."),
        ("min_notice_minutes", 0, 60 * 24 * 30, "Give a notice between 0 minutes and 30 days."),
        ("max_days_ahead", 1, 365, "Take bookings between 1 and 365 days ahead."),
        ("cancellation_cutoff_hours", 0, 24 * 14, "Give a cut-off between 0 and 336 hours (14 days)."),
        ("late_cancellation_refund_percent", 0, 100, "Give a percentage between 0 and 100."),
        ("hold_minutes", 2, 60, "Hold slots for between 2 and 60 minutes."),
    ):
        value = getattr(data, name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[f"settings.{name}"] = [message]


def save_availability(practitioner: Practitioner, data: AvailabilityInput, actor: User | None = None
                      ) -> BookingSettings:
    """Replace the practitioner's booking rules and weekly hours (as a PUT does).

    Raises ValidationFailed naming each bad field: ``settings.<name>`` and
    ``hours.<index>.<field>`` (unknown location, online hours without online sessions,
    end not after start, ranges that overlap on one day at one place).
    """
    if actor is not None:
        _ensure_owner(actor, practitioner)
    errors: dict[str, list[str]] = {}
    _check_settings(data.settings, errors)
    live = {loc.id for loc in practitioner.locations}
    if len(data.hours) > MAX_WEEKLY_RANGES:
        errors["hours"] = [f"Give at most {MAX_WEEKLY_RANGES} ranges."]
    seen: dict[tuple[int | None, int], list[tuple[time, time, int]]] = {}
    for i, h in enumerate(data.hours):
        key = f"hours.{i}"
        if h.location_id is not None and h.location_id not in live:
            errors[f"{key}.location_id"] = [f"Location {h.location_id} is not one of your locations."]
        if h.location_id is None and not practitioner.offers_online:
            errors[f"{key}.location_id"] = ["You do not offer online sessions: turn them on in your listing, "
                                            "or give a location."]
        if not isinstance(h.weekday, int) or not 0 <= h.weekday <= 6:
            errors[f"{key}.weekday"] = ["Give the weekday as 0 (Monday) to 6 (Sunday)."]
            continue
        if h.end <= h.start:
            errors[f"{key}.end"] = ["The end must be after the start (on the same day)."]
            continue
        for other_start, other_end, j in seen.get((h.location_id, h.weekday), []):
            if h.start < other_end and other_start < h.end:
                errors[f"{key}.start"] = [f"Overlaps another range that day ({other_start:%H:%M}–{other_end:%H:%M})."]
                break
        seen.setdefault((h.location_id, h.weekday), []).append((h.start, h.end, i))
    if errors:
        raise ValidationFailed("The availability has some problems.", errors)

    settings = db.session.get(BookingSettings, practitioner.id)
    if settings is None:
        settings = BookingSettings(practitioner_id=practitioner.id)
        db.session.add(settings)
    s = data.settings
    settings.timezone = s.timezone
    settings.buffer_minutes = s.buffer_minutes
    settings.min_notice_minutes = s.min_notice_minutes
    settings.max_days_ahead = s.max_days_ahead
    settings.cancellation_cutoff_hours = s.cancellation_cutoff_hours
    settings.late_cancellation_refund_percent = s.late_cancellation_refund_percent
    settings.hold_minutes = s.hold_minutes
    for row in db.session.scalars(select(WeeklyHours).where(WeeklyHours.practitioner_id == practitioner.id)):
        db.session.delete(row)
    db.session.flush()
    for h in sorted(data.hours, key=lambda h: (h.location_id or 0, h.weekday, h.start)):
        db.session.add(WeeklyHours(practitioner_id=practitioner.id, location_id=h.location_id, weekday=h.weekday,
                                   start_time=h.start, end_time=h.end))
    db.session.flush()
    return settings


def _check_exception(practitioner: Practitioner, data: ExceptionInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.ends_on < data.starts_on:
        errors["ends_on"] = ["The last day must be on or after the first day."]
    elif (data.ends_on - data.starts_on).days >= MAX_EXCEPTION_DAYS:
        errors["ends_on"] = ["Cover at most a year at a time."]
    if (data.start_time is None) != (data.end_time is None):
        errors["end_time" if data.end_time is None else "start_time"] = [
            "Give both times for part of a day, or neither for whole days."]
    elif data.start_time is not None and data.end_time is not None and data.end_time <= data.start_time:
        errors["end_time"] = ["The end must be after the start."]
    if data.online and data.location_id is not None:
        errors["location_id"] = ["Choose one location, online, or everywhere; not both."]
    elif data.location_id is not None and data.location_id not in {loc.id for loc in practitioner.locations}:
        errors["location_id"] = [f"Location {data.location_id} is not one of your locations."]
    if not data.closed:
        if data.location_id is None and not data.online:
            errors["location_id"] = ["Extra hours need a place: one location, or online."]
        elif data.online and not practitioner.offers_online:
            errors["online"] = ["You do not offer online sessions: turn them on in your listing first."]
        if data.start_time is None and "start_time" not in errors and "end_time" not in errors:
            errors["start_time"] = ["Give the hours you add (start and end)."]
    if len((data.reason or "").strip()) > 200:
        errors["reason"] = ["Keep the reason under 200 characters."]
    return errors


def add_exception(practitioner: Practitioner, data: ExceptionInput) -> AvailabilityException:
    """Close dates (holidays, one-off closures) or add extra hours. Raises
    ValidationFailed naming the field."""
    errors = _check_exception(practitioner, data)
    if errors:
        raise ValidationFailed("The exception has some problems.", errors)
    row = AvailabilityException(practitioner_id=practitioner.id)
    _fill_exception(row, data)
    db.session.add(row)
    db.session.flush()
    return row


def _fill_exception(row: AvailabilityException, data: ExceptionInput) -> None:
    row.kind = ExceptionKind.CLOSED if data.closed else ExceptionKind.OPEN
    row.location_id = data.location_id
    row.is_online = bool(data.online)
    row.starts_on, row.ends_on = data.starts_on, data.ends_on
    row.start_time, row.end_time = data.start_time, data.end_time
    row.reason = (data.reason or "").strip()


def get_exception(practitioner: Practitioner, exception_id: int) -> AvailabilityException:
    row = db.session.get(AvailabilityException, exception_id)
    if row is None or row.practitioner_id != practitioner.id:
        raise NotFound(f"No exception {exception_id} in your availability.")
    return row


def update_exception(practitioner: Practitioner, exception_id: int, data: ExceptionInput) -> AvailabilityException:
    row = get_exception(practitioner, exception_id)
    errors = _check_exception(practitioner, data)
    if errors:
        raise ValidationFailed("The exception has some problems.", errors)
    _fill_exception(row, data)
    db.session.flush()
    return row


def remove_exception(practitioner: Practitioner, exception_id: int) -> None:
    db.session.delete(get_exception(practitioner, exception_id))
    db.session.flush()

