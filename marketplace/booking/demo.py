"""Weekly hours for ``flask seed demo``, so the demo can book. Running it twice changes
nothing: practitioners who already have hours (or rules) are left alone."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from marketplace.booking import availability, queries
from marketplace.booking.models import BookingSettings, WeeklyHours
from marketplace.extensions import db
from marketplace.practitioners.models import Practitioner

WEEKDAYS = range(5)


def seed_hours() -> int:
    """Clinic hours Mon–Fri 09:00–13:00 and 14:00–18:00 (Saturday mornings at the first
    location), online evenings Mon–Fri 18:00–20:00; returns how many were given hours."""
    configured = set(db.session.scalars(select(WeeklyHours.practitioner_id).distinct())) | set(
        db.session.scalars(select(BookingSettings.practitioner_id)))
    count = 0
    for practitioner in db.session.scalars(select(Practitioner).order_by(Practitioner.id)):
        if practitioner.id in configured or not (practitioner.locations or practitioner.offers_online):
            continue
        hours: list[availability.HoursInput] = []
        for n, location in enumerate(practitioner.locations):
            for day in WEEKDAYS:
                hours += [availability.HoursInput(location.id, day, time(9), time(13)),
                          availability.HoursInput(location.id, day, time(14), time(18))]
            if n == 0:
                hours.append(availability.HoursInput(location.id, 5, time(10), time(13)))
        if practitioner.offers_online:
            hours += [availability.HoursInput(None, day, time(18), time(20)) for day in WEEKDAYS]
        settings = availability.SettingsInput(timezone=queries.default_timezone(practitioner), buffer_minutes=15)
        availability.save_availability(practitioner, availability.AvailabilityInput(settings, hours))
        count += 1
    return count
