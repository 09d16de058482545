"""API shapes for slots, bookings and availability. Instants go out as ISO 8601 in the
local time of the place the session happens, with its offset (``2026-03-30T09:00:00+01:00``)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from marketplace.accounts.models import User
from marketplace.booking import availability, queries, services
from marketplace.booking.models import AvailabilityException, Booking, BookingSettings, WeeklyHours
from marketplace.core.clock import utcnow
from marketplace.web.api import Schema

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
StatusLiteral = Literal["held", "confirmed", "cancelled", "released", "rescheduled", "attended", "no_show"]


def _aware(value: Any) -> Any:
    """A date alone means midnight UTC; a date-time must carry its offset."""
    if isinstance(value, str) and _DATE_ONLY.match(value.strip()):
        return value.strip() + "T00:00:00+00:00"
    return value


def _require_offset(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("include the UTC offset, e.g. 2026-03-30T09:00:00+01:00")
    if value is not None and not 2000 <= value.year <= 2200:
        raise ValueError("give a date between the years 2000 and 2200")
    return value


def hhmm(value: time) -> str:
    return value.strftime("%H:%M")


# --- slots ----------------------------------------------------------------------------------

class SlotsQuery(Schema):
    from_: datetime | None = Field(default=None, alias="from",
                                   description="ISO 8601 with offset, or a date (midnight UTC); default now")
    to: datetime | None = Field(default=None, description="Default: 14 days after `from`; at most 62 days after it")
    fee_label: str | None = Field(default=None, max_length=80, description="Session type; default the first fee")
    location_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="Only this location")
    online: bool | None = Field(default=None, description="true: only online slots; false: only in person")

    _offset_from = field_validator("from_", "to", mode="before")(_aware)
    _offset_check = field_validator("from_", "to")(_require_offset)


class BookingPlaceOut(BaseModel):
    location_id: int | None
    online: bool
    label: str
    timezone: str


class SlotOut(BaseModel):
    start: datetime = Field(description="Local time of the place, with offset")
    end: datetime
    minutes: int
    location_id: int | None
    online: bool
    timezone: str


class SlotList(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True)

    practitioner_id: int
    fee_label: str | None
    minutes: int
    amount: int | None
    currency: str | None
    from_: datetime = Field(serialization_alias="from")
    to: datetime
    places: list[BookingPlaceOut]
    slots: list[SlotOut]

    @classmethod
    def of(cls, practitioner_id: int, fee, minutes: int, start: datetime, end: datetime,  # noqa: ANN001
           channels: list[queries.Channel], found: list[queries.Slot]) -> "SlotList":
        return cls(
            practitioner_id=practitioner_id, fee_label=fee.label if fee else None, minutes=minutes,
            amount=fee.amount if fee else None, currency=fee.currency if fee else None, from_=start, to=end,
            places=[BookingPlaceOut(location_id=c.location_id, online=c.online, label=c.label, timezone=c.zone.key)
                    for c in channels],
            slots=[SlotOut(start=s.local_start, end=s.local_end, minutes=s.minutes, location_id=s.channel.location_id,
                           online=s.channel.online, timezone=s.channel.zone.key) for s in found],
        )


# --- bookings -------------------------------------------------------------------------------

class BookingIn(Schema):
    practitioner_id: int = Field(ge=1, le=2**31 - 1)
    start: datetime = Field(description="A slot's start, ISO 8601 with offset")
    location_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    online: bool = False
    fee_label: str | None = Field(default=None, max_length=80, description="Default: the first fee")

    _offset_check = field_validator("start")(_require_offset)

    @model_validator(mode="after")
    def _one_place(self) -> "BookingIn":
        if self.online and self.location_id is not None:
            raise ValueError("give location_id or online: true, not both")
        if not self.online and self.location_id is None:
            raise ValueError("give location_id, or online: true")
        return self

    def to_input(self) -> services.HoldInput:
        return services.HoldInput(practitioner_id=self.practitioner_id, start=self.start,
                                  location_id=self.location_id, online=self.online, fee_label=self.fee_label)


class BookingsQuery(Schema):
    when: Literal["upcoming", "past", "all"] = "all"
    status: StatusLiteral | None = None
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=100)


class CancelIn(Schema):
    reason: str | None = Field(default=None, max_length=1000)


class RescheduleIn(Schema):
    start: datetime = Field(description="An open slot's start, ISO 8601 with offset")
    location_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="Move to this location")
    online: bool | None = Field(default=None, description="true: move online")

    _offset_check = field_validator("start")(_require_offset)


class CancellationTermsOut(BaseModel):
    refund_percent: int = Field(description="Share of the payment refunded if cancelled now")
    reason: str
    can_cancel: bool
    can_reschedule: bool
    change_deadline: datetime = Field(description="Until when the seeker may reschedule or cancel for free")


class BookingOut(BaseModel):
    id: int
    status: StatusLiteral = Field(description="An expired hold shows as released")
    practitioner_id: int
    practitioner_name: str
    seeker_id: int
    seeker_email: str
    location_id: int | None
    online: bool
    place: str
    timezone: str
    start: datetime = Field(description="Local time of the place, with offset")
    end: datetime
    minutes: int
    fee_label: str | None
    amount: int | None = Field(description="Minor units; null for a session a package covers")
    currency: str | None
    hold_expires_at: datetime | None
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: Literal["seeker", "practitioner", "admin"] | None
    cancellation_reason: str | None
    refund_percent: int | None
    release_reason: str | None
    rescheduled_from_id: int | None
    rescheduled_to_id: int | None
    created_at: datetime
    terms: CancellationTermsOut | None = Field(description="For the caller, now: what cancelling would refund")

    @classmethod
    def of(cls, b: Booking, viewer: User | None = None, now: datetime | None = None) -> "BookingOut":
        now = now or utcnow()
        tz = ZoneInfo(b.timezone)
        status = b.effective_status(now)
        cancelled_by = None
        if b.cancelled_by_id is not None:
            cancelled_by = ("seeker" if b.cancelled_by_id == b.seeker_id else
                            "practitioner" if b.cancelled_by_id == b.practitioner.user_id else "admin")
        terms = None
        if viewer is not None and status.value in ("held", "confirmed"):
            t = services.cancellation_terms(b, now, viewer)
            who = services.party(viewer, b)
            deadline = services.change_deadline(b)
            terms = CancellationTermsOut(refund_percent=t.refund_percent, reason=t.reason, can_cancel=b.starts_at > now,
                             can_reschedule=b.starts_at > now and (who != "seeker" or now <= deadline
                                                                    or status.value == "held"),
                             change_deadline=deadline.astimezone(tz))
        nxt = queries.rescheduled_to(b) if b.status.value == "rescheduled" else None
        return cls(
            id=b.id, status=status.value, practitioner_id=b.practitioner_id,
            practitioner_name=b.practitioner.display_name, seeker_id=b.seeker_id, seeker_email=b.seeker.email,
            location_id=b.location_id, online=b.is_online, place=b.place_label, timezone=b.timezone,
            start=b.starts_at.astimezone(tz), end=b.ends_at.astimezone(tz), minutes=b.minutes,
            fee_label=b.fee_label, amount=b.amount, currency=b.currency, hold_expires_at=b.hold_expires_at,
            confirmed_at=b.confirmed_at, cancelled_at=b.cancelled_at, cancelled_by=cancelled_by,
            cancellation_reason=b.cancellation_reason, refund_percent=b.refund_percent,
            release_reason=b.release_reason if status.value == "released" else None,
            rescheduled_from_id=b.rescheduled_from_id, rescheduled_to_id=nxt.id if nxt else None,
            created_at=b.created_at, terms=terms,
        )


class BookingPage(BaseModel):
    items: list[BookingOut]
    total: int
    page: int
    per_page: int


# --- availability ---------------------------------------------------------------------------

class BookingSettingsIO(Schema):
    timezone: str = Field(max_length=64, description="IANA zone of the online hours, e.g. Europe/London")
    buffer_minutes: int = Field(default=0, ge=0, le=240)
    min_notice_minutes: int = Field(default=120, ge=0, le=43_200)
    max_days_ahead: int = Field(default=60, ge=1, le=365)
    cancellation_cutoff_hours: int = Field(default=24, ge=0, le=336)
    late_cancellation_refund_percent: int = Field(default=0, ge=0, le=100)
    hold_minutes: int = Field(default=10, ge=2, le=60)

    @classmethod
    def of(cls, s: BookingSettings) -> "BookingSettingsIO":
        return cls(timezone=s.timezone, buffer_minutes=s.buffer_minutes, min_notice_minutes=s.min_notice_minutes,
                   max_days_ahead=s.max_days_ahead, cancellation_cutoff_hours=s.cancellation_cutoff_hours,
                   late_cancellation_refund_percent=s.late_cancellation_refund_percent, hold_minutes=s.hold_minutes)

    def to_input(self) -> availability.SettingsInput:
        return availability.SettingsInput(**self.model_dump())


class WeeklyHoursIn(Schema):
    location_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="null: online")
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    start: time = Field(description="Local time, HH:MM")
    end: time = Field(description="Local time, HH:MM, after start")


class WeeklyHoursOut(BaseModel):
    location_id: int | None
    weekday: int
    start: str
    end: str

    @classmethod
    def of(cls, h: WeeklyHours) -> "WeeklyHoursOut":
        return cls(location_id=h.location_id, weekday=h.weekday, start=hhmm(h.start_time), end=hhmm(h.end_time))


class AvailabilityIn(Schema):
    settings: BookingSettingsIO
    weekly_hours: list[WeeklyHoursIn] = Field(default_factory=list, max_length=200)

    def to_input(self) -> availability.AvailabilityInput:
        return availability.AvailabilityInput(
            settings=self.settings.to_input(),
            hours=tuple(availability.HoursInput(h.location_id, h.weekday, h.start, h.end) for h in self.weekly_hours),
        )


class AvailabilityExceptionIn(Schema):
    kind: Literal["closed", "open"] = "closed"
    starts_on: date
    ends_on: date | None = Field(default=None, description="Default: starts_on")
    start_time: time | None = Field(default=None, description="Local HH:MM; omit both times for whole days")
    end_time: time | None = None
    location_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    online: bool = False
    reason: str = Field(default="", max_length=200)

    def to_input(self) -> availability.ExceptionInput:
        return availability.ExceptionInput(
            starts_on=self.starts_on, ends_on=self.ends_on or self.starts_on, closed=self.kind == "closed",
            location_id=self.location_id, online=self.online, start_time=self.start_time, end_time=self.end_time,
            reason=self.reason,
        )


class AvailabilityExceptionOut(BaseModel):
    id: int
    kind: Literal["closed", "open"]
    starts_on: date
    ends_on: date
    start_time: str | None
    end_time: str | None
    location_id: int | None
    online: bool
    applies_to: str = Field(description="'everywhere', 'online' or the location's label")
    reason: str

    @classmethod
    def of(cls, e: AvailabilityException) -> "AvailabilityExceptionOut":
        where = "everywhere" if e.applies_to_all else ("online" if e.is_online else
                                                       (e.location.label if e.location else "a removed location"))
        return cls(id=e.id, kind=e.kind.value, starts_on=e.starts_on, ends_on=e.ends_on,
                   start_time=hhmm(e.start_time) if e.start_time else None,
                   end_time=hhmm(e.end_time) if e.end_time else None, location_id=e.location_id,
                   online=e.is_online, applies_to=where, reason=e.reason)


class AvailabilityExceptionList(BaseModel):
    items: list[AvailabilityExceptionOut]


class AvailabilityOut(BaseModel):
    settings: BookingSettingsIO
    weekly_hours: list[WeeklyHoursOut]
    places: list[BookingPlaceOut]
    exceptions: list[AvailabilityExceptionOut]
