"""Builders for booking tests: a verified London practitioner with weekly hours, a
frozen clock before London's clocks go forward (Sunday 29 March 2026), and times written
in local wall-clock terms."""

from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Mapping, Sequence
from zoneinfo import ZoneInfo

from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.booking import availability, services
from marketplace.booking.models import Booking
from marketplace.extensions import db
from marketplace.practitioners.models import Practitioner
from tests.builders import make_user, make_verified_practitioner

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
# Wednesday 25 March 2026, 08:00 GMT: London is on GMT (UTC+0) until Sunday 29 March, then BST (UTC+1).
NOW = datetime(2026, 3, 25, 8, 0, tzinfo=UTC)
WEEKDAYS = range(5)

Hours = Mapping[int | None, Mapping[int, Sequence[tuple[str, str]]]]


def local(year: int, month: int, day: int, hour: int, minute: int = 0, zone: ZoneInfo = LONDON) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def london_practitioner(app: Flask, **kwargs) -> Practitioner:  # noqa: ANN003
    """Verified; one London clinic (Europe/London) and online sessions; a 60-minute
    'Consultation' at £75 and a 30-minute 'Short session' at £40."""
    kwargs.setdefault("display_name", "Lena Hart")
    kwargs.setdefault("offers_online", True)
    kwargs.setdefault("fees", (("Consultation", 60, 7500, "GBP"), ("Short session", 30, 4000, "GBP")))
    practitioner = make_verified_practitioner(app, city="London", lat=51.5085, lon=-0.1257, **kwargs)
    practitioner.locations[0].timezone = "Europe/London"
    db.session.commit()
    return practitioner


def clinic_id(practitioner: Practitioner) -> int:
    return practitioner.locations[0].id


def set_hours(practitioner: Practitioner, hours: Hours | None = None, **settings) -> None:  # noqa: ANN003
    """Save weekly hours (default: the clinic Mon–Fri 09:00–17:00, online Mon–Fri
    18:00–20:00) and settings (default: no buffer, 60 minutes' notice, 24 h cut-off)."""
    if hours is None:
        hours = {clinic_id(practitioner): {d: [("09:00", "17:00")] for d in WEEKDAYS},
                 None: {d: [("18:00", "20:00")] for d in WEEKDAYS}}
    rows = [availability.HoursInput(location_id, day, time.fromisoformat(a), time.fromisoformat(b))
            for location_id, days in hours.items() for day, ranges in days.items() for a, b in ranges]
    values = {"timezone": "Europe/London", "buffer_minutes": 0, "min_notice_minutes": 60, "max_days_ahead": 60,
              "cancellation_cutoff_hours": 24, "late_cancellation_refund_percent": 0, "hold_minutes": 10}
    values.update(settings)
    availability.save_availability(practitioner, availability.AvailabilityInput(availability.SettingsInput(**values), rows))
    db.session.commit()


def make_seeker(email: str | None = None) -> User:
    return make_user(Role.SEEKER, email)


def hold_at(seeker: User, practitioner: Practitioner, start: datetime, *, online: bool = False,
            fee_label: str | None = "Consultation", commit: bool = True, **kwargs) -> Booking:  # noqa: ANN003
    booking = services.hold(seeker, services.HoldInput(
        practitioner_id=practitioner.id, start=start, location_id=None if online else clinic_id(practitioner),
        online=online, fee_label=fee_label, **kwargs))
    if commit:
        db.session.commit()
    return booking


def confirmed_at(seeker: User, practitioner: Practitioner, start: datetime, **kwargs) -> Booking:  # noqa: ANN003
    booking = hold_at(seeker, practitioner, start, **kwargs)
    services.confirm(booking)
    db.session.commit()
    return booking
