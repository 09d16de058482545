"""Availability, exception, booking and cancellation forms.

Weekly hours are typed per place and weekday as ranges ("09:00-13:00, 14:00-18:00"): one
text box a day works without JavaScript, with a keyboard and on a phone.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any, Sequence

from flask_wtf import FlaskForm
from wtforms import (
    DateField, Form, FormField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from marketplace.booking import availability, slots
from marketplace.booking.models import BookingSettings
from marketplace.booking.queries import Channel
from marketplace.web.templating import choices

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_RANGE = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*[-–—]\s*(\d{1,2})(?:[:.](\d{2}))?\s*$")


def _clock(hours: str, minutes: str | None) -> time:
    h, m = int(hours), int(minutes or 0)
    if h == 24 and m == 0:
        return time(23, 59)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError
    return time(h, m)


def parse_ranges(text: str) -> list[tuple[time, time]]:
    """'09:00-13:00, 14:00-18:00' → [(09:00, 13:00), (14:00, 18:00)]; '9-17' works too;
    empty means closed. Raises ValueError with a message a person can act on."""
    out: list[tuple[time, time]] = []
    for part in (p for p in re.split(r"[,;]", text or "") if p.strip()):
        match = _RANGE.match(part)
        if not match:
            raise ValueError(f"Could not read '{part.strip()}'. Write ranges like 09:00-13:00, 14:00-18:00.")
        try:
            start, end = _clock(match[1], match[2]), _clock(match[3], match[4])
        except ValueError:
            raise ValueError(f"'{part.strip()}' has a time that does not exist.") from None
        if end <= start:
            raise ValueError(f"In '{part.strip()}' the end must be after the start.")
        out.append((start, end))
    return out


def format_ranges(ranges: Sequence[tuple[time, time]]) -> str:
    return ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in ranges)


def hours_field(place: Channel, weekday: int) -> str:
    return f"hours_{'online' if place.online else f'loc{place.location_id}'}_{weekday}"


class SettingsForm(Form):
    timezone = SelectField("Time zone for online sessions", choices=[],
                           description="In-person hours follow each location's own time zone.")
    buffer_minutes = IntegerField("Buffer between sessions (minutes)", validators=[NumberRange(0, 240)],
                                  render_kw={"inputmode": "numeric", "min": 0, "max": 240})
    min_notice_minutes = IntegerField("Minimum notice (minutes)", validators=[NumberRange(0, 43_200)],
                                      description="How soon before a session it can still be booked (120 = 2 hours).",
                                      render_kw={"inputmode": "numeric", "min": 0})
    max_days_ahead = IntegerField("Take bookings up to (days ahead)", validators=[NumberRange(1, 365)],
                                  render_kw={"inputmode": "numeric", "min": 1, "max": 365})
    cancellation_cutoff_hours = IntegerField(
        "Free cancellation until (hours before)", validators=[NumberRange(0, 336)],
        description="Seekers can cancel or move a booking for free until this many hours before it.",
        render_kw={"inputmode": "numeric", "min": 0, "max": 336})
    late_cancellation_refund_percent = IntegerField(
        "Refund for a later cancellation (%)", validators=[NumberRange(0, 100)],
        render_kw={"inputmode": "numeric", "min": 0, "max": 100})
    hold_minutes = IntegerField("Hold a slot while the seeker pays (minutes)", validators=[NumberRange(2, 60)],
                                render_kw={"inputmode": "numeric", "min": 2, "max": 60})


class _RangesValidator:
    def __call__(self, form: Form, field: StringField) -> None:
        try:
            parse_ranges(field.data or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class AvailabilityForm(FlaskForm):
    settings = FormField(SettingsForm)
    submit = SubmitField("Save availability")

    places: list[Channel] = []

    @classmethod
    def build(cls, places: list[Channel], settings: BookingSettings, hours: dict[str, str] | None = None,
              formdata: Any = None) -> "AvailabilityForm":
        """A form with one box per place and weekday; filled from ``settings`` and
        ``hours`` (field name → ranges) on GET, from the request on POST."""

        class Bound(cls):  # type: ignore[valid-type, misc]
            pass

        for place in places:
            for day in range(7):
                setattr(Bound, hours_field(place, day), StringField(
                    DAY_NAMES[day], validators=[Optional(), Length(max=200), _RangesValidator()],
                    render_kw={"placeholder": "closed", "autocomplete": "off"}))
        data = {"settings": {
            "timezone": settings.timezone, "buffer_minutes": settings.buffer_minutes,
            "min_notice_minutes": settings.min_notice_minutes, "max_days_ahead": settings.max_days_ahead,
            "cancellation_cutoff_hours": settings.cancellation_cutoff_hours,
            "late_cancellation_refund_percent": settings.late_cancellation_refund_percent,
            "hold_minutes": settings.hold_minutes,
        }, **(hours or {})}
        form = Bound(formdata=formdata, data=data) if formdata is not None else Bound(data=data)
        form.places = places
        zones = slots.zone_names()
        if settings.timezone not in zones:
            zones.insert(0, settings.timezone)
        form.settings.form.timezone.choices = choices((z, z.replace("_", " ")) for z in zones)
        return form

    def hours_box(self, place: Channel, weekday: int) -> StringField:
        return self[hours_field(place, weekday)]

    def to_input(self) -> tuple[availability.AvailabilityInput, dict[str, str]]:
        """The service input, and which box each ``hours.<n>`` index came from."""
        s = self.settings.form
        hours: list[availability.HoursInput] = []
        origin: dict[str, str] = {}
        for place in self.places:
            for day in range(7):
                name = hours_field(place, day)
                for start, end in parse_ranges(self[name].data or ""):
                    origin[str(len(hours))] = name
                    hours.append(availability.HoursInput(place.location_id, day, start, end))
        return availability.AvailabilityInput(
            settings=availability.SettingsInput(
                timezone=s.timezone.data or "", buffer_minutes=s.buffer_minutes.data or 0,
                min_notice_minutes=s.min_notice_minutes.data or 0, max_days_ahead=s.max_days_ahead.data or 0,
                cancellation_cutoff_hours=s.cancellation_cutoff_hours.data or 0,
                late_cancellation_refund_percent=s.late_cancellation_refund_percent.data or 0,
                hold_minutes=s.hold_minutes.data or 0,
            ),
            hours=tuple(hours),
        ), origin


class ExceptionForm(FlaskForm):
    applies_to = SelectField("Where", choices=[])
    kind = SelectField("What", choices=choices([("closed", "Closed (holiday or closure)"),
                                                ("open", "Extra hours")]))
    starts_on = DateField("First day", validators=[DataRequired(message="Give the first day.")])
    ends_on = DateField("Last day", validators=[Optional()], description="Leave empty for a single day.")
    start_time = TimeField("From", validators=[Optional()], description="Leave both times empty for whole days.")
    end_time = TimeField("Until", validators=[Optional()])
    reason = StringField("Note (only you see it)", validators=[Length(max=200)])
    submit = SubmitField("Add exception")

    def with_places(self, places: list[Channel]) -> "ExceptionForm":
        options = [("all", "Everywhere")] + [("online" if p.online else f"location-{p.location_id}", p.label)
                                             for p in places]
        self.applies_to.choices = choices(options)
        return self

    def to_input(self) -> availability.ExceptionInput:
        where = self.applies_to.data or "all"
        location_id = int(where.removeprefix("location-")) if where.startswith("location-") else None
        return availability.ExceptionInput(
            starts_on=self.starts_on.data, ends_on=self.ends_on.data or self.starts_on.data,
            closed=self.kind.data != "open", location_id=location_id, online=where == "online",
            start_time=self.start_time.data, end_time=self.end_time.data, reason=self.reason.data or "",
        )


def parse_instant(value: str | None) -> datetime | None:
    """An aware datetime from a slot's ISO value, or None."""
    try:
        parsed = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


class HoldForm(FlaskForm):
    start = HiddenField()
    fee = HiddenField()
    place = HiddenField()
    tz = HiddenField()
    submit = SubmitField("Hold this time")


class RescheduleForm(FlaskForm):
    start = HiddenField()
    tz = HiddenField()
    submit = SubmitField("Move to this time")


class CancelForm(FlaskForm):
    reason = TextAreaField("Reason (optional; the other side sees it)", validators=[Length(max=1000)],
                           render_kw={"rows": 3})
    tz = HiddenField()
    submit = SubmitField("Cancel booking")


class MarkForm(FlaskForm):
    """Attended / no-show buttons carry only the CSRF token."""
