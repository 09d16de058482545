"""Availability (weekly hours, exceptions, booking rules) and bookings.

Times of day in availability are *local* to the place they describe (a location's zone, or
the practitioner's zone for online hours), so a 09:00 opening stays 09:00 across a
daylight-saving change. Bookings store their instants in UTC (``*_at``) together with the
zone they were offered in, for display.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time, timedelta

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.clock import utcnow
from marketplace.core.models import TimestampMixin, str_enum
from marketplace.extensions import db
from marketplace.practitioners.models import Location, Practitioner

DEFAULT_TIMEZONE = "UTC"
DEFAULT_BUFFER_MINUTES = 0
DEFAULT_MIN_NOTICE_MINUTES = 120
DEFAULT_MAX_DAYS_AHEAD = 60
DEFAULT_CANCELLATION_CUTOFF_HOURS = 24
DEFAULT_LATE_CANCELLATION_REFUND_PERCENT = 0
DEFAULT_HOLD_MINUTES = 10


class BookingStatus(enum.StrEnum):
    HELD = "held"                # waiting for payment until hold_expires_at
    CONFIRMED = "confirmed"      # paid (or part of a paid package)
    CANCELLED = "cancelled"      # by the seeker, the practitioner or an admin
    RELEASED = "released"        # the hold expired or the payment failed
    RESCHEDULED = "rescheduled"  # replaced by the booking whose rescheduled_from_id points here
    ATTENDED = "attended"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return {
            "held": "Held for payment", "confirmed": "Confirmed", "cancelled": "Cancelled",
            "released": "Released", "rescheduled": "Rescheduled", "attended": "Attended",
            "no_show": "No-show",
        }[self.value]


# Statuses whose row occupies its time. A HELD row stops occupying it when its hold
# expires, even before the sweep marks it RELEASED (see queries.active_condition).
OCCUPYING = (BookingStatus.HELD, BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
_OCCUPYING_SQL = "status IN ('held', 'confirmed', 'attended', 'no_show')"


class ExceptionKind(enum.StrEnum):
    CLOSED = "closed"  # a holiday or one-off closure
    OPEN = "open"      # extra hours

    @property
    def label(self) -> str:
        return {"closed": "Closed", "open": "Extra hours"}[self.value]


class BookingSettings(db.Model):
    """One practitioner's booking rules. Missing row = the defaults above."""

    __table_args__ = (
        CheckConstraint("buffer_minutes >= 0", name="buffer_not_negative"),
        CheckConstraint("min_notice_minutes >= 0", name="notice_not_negative"),
        CheckConstraint("max_days_ahead > 0", name="days_ahead_positive"),
        CheckConstraint("cancellation_cutoff_hours >= 0", name="cutoff_not_negative"),
        CheckConstraint("late_cancellation_refund_percent BETWEEN 0 AND 100", name="refund_percent_range"),
        CheckConstraint("hold_minutes > 0", name="hold_positive"),
    )

    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), primary_key=True)
    # IANA zone of the online hours (in-person hours use their location's zone).
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    buffer_minutes: Mapped[int] = mapped_column(default=DEFAULT_BUFFER_MINUTES)
    min_notice_minutes: Mapped[int] = mapped_column(default=DEFAULT_MIN_NOTICE_MINUTES)
    max_days_ahead: Mapped[int] = mapped_column(default=DEFAULT_MAX_DAYS_AHEAD)
    cancellation_cutoff_hours: Mapped[int] = mapped_column(default=DEFAULT_CANCELLATION_CUTOFF_HOURS)
    late_cancellation_refund_percent: Mapped[int] = mapped_column(default=DEFAULT_LATE_CANCELLATION_REFUND_PERCENT)
    hold_minutes: Mapped[int] = mapped_column(default=DEFAULT_HOLD_MINUTES)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    practitioner: Mapped[Practitioner] = relationship()


class WeeklyHours(db.Model):
    """A range of local time on one weekday when the practitioner takes bookings at a
    location (``location_id``) or online (``location_id`` is None). Several a day."""

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]  # Monday = 0, as date.weekday()
    start_time: Mapped[time]
    end_time: Mapped[time]

    # The backref lets removing a location drop its hours in the ORM too (SQLite does not
    # enforce foreign keys, and may reuse the id).
    location: Mapped[Location | None] = relationship(backref=backref("weekly_hours", cascade="all, delete-orphan"))

    @property
    def is_online(self) -> bool:
        return self.location_id is None


class AvailabilityException(db.Model):
    """Local dates (and optionally a time range on each) that close, or add, hours.

    ``location_id`` set: that location; ``is_online``: the online hours; neither: every
    location and online (closures only). Without times the whole day is meant.
    """

    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_on_or_after_start"),
        CheckConstraint("(start_time IS NULL AND end_time IS NULL) OR "
                        "(start_time IS NOT NULL AND end_time IS NOT NULL AND end_time > start_time)",
                        name="time_range"),
        CheckConstraint("NOT (is_online AND location_id IS NOT NULL)", name="one_place"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"), index=True)
    is_online: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[ExceptionKind] = mapped_column(str_enum(ExceptionKind))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    location: Mapped[Location | None] = relationship(
        backref=backref("availability_exceptions", cascade="all, delete-orphan"))

    @property
    def applies_to_all(self) -> bool:
        return self.location_id is None and not self.is_online


class AvailabilityStamp(db.Model):
    """A token per practitioner, replaced in the same transaction as any change to what
    their openings depend on (hours, exceptions, booking rules, places, fees, online
    sessions, bookings). Each web process keeps the next opening it worked out for a
    practitioner under the stamp it read (:mod:`marketplace.booking.openings`); a changed
    stamp retires it. No foreign key: a practitioner's stamp outlives them, so an id
    SQLite reuses never meets an old token. A missing row is stamp 0."""

    practitioner_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[int] = mapped_column(BigInteger)


class Booking(TimestampMixin, db.Model):
    """One session between a seeker and a practitioner, from hold to outcome.

    Money: ``amount`` in minor units plus ``currency``, both None for a session that a
    prepaid package covers. Payments point at bookings (an order's ``booking_id``) and
    call :func:`marketplace.booking.services.confirm` / ``release`` / ``cancel``.
    """

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        CheckConstraint("(amount IS NULL) = (currency IS NULL)", name="amount_with_currency"),
        CheckConstraint("refund_percent IS NULL OR refund_percent BETWEEN 0 AND 100", name="refund_percent_range"),
        CheckConstraint("NOT (is_online AND location_id IS NOT NULL)", name="one_place"),
        Index("ix_booking_practitioner_starts", "practitioner_id", "starts_at"),
        Index("ix_booking_status_starts", "status", "starts_at"),
        # The database's own guarantee against double booking: two rows that occupy the
        # same start for one practitioner cannot both exist (overlaps that start at
        # different times are refused under the practitioner row lock in services.hold).
        Index("uq_booking_active_start", "practitioner_id", "starts_at", unique=True,
              postgresql_where=text(_OCCUPYING_SQL), sqlite_where=text(_OCCUPYING_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="SET NULL"))
    is_online: Mapped[bool] = mapped_column(default=False)
    # Where, as the seeker was told (kept if the location is later removed).
    place_label: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64))  # the zone the slot was offered in
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    minutes: Mapped[int]
    fee_label: Mapped[str | None] = mapped_column(String(80))
    amount: Mapped[int | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[BookingStatus] = mapped_column(str_enum(BookingStatus), default=BookingStatus.HELD)
    hold_expires_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]
    release_reason: Mapped[str | None] = mapped_column(String(200))
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    # What the cancellation policy granted when it was cancelled; payments refund this share.
    refund_percent: Mapped[int | None]
    rescheduled_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking.id", ondelete="SET NULL"), index=True)
    outcome_marked_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]

    seeker: Mapped[User] = relationship(foreign_keys=[seeker_id])
    practitioner: Mapped[Practitioner] = relationship()
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    # Removing a location keeps its bookings (location_id becomes NULL; place_label stays).
    location: Mapped[Location | None] = relationship(backref=backref("bookings", passive_deletes=False))
    rescheduled_from: Mapped["Booking | None"] = relationship(remote_side=[id])

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    def is_hold_expired(self, at: datetime | None = None) -> bool:
        return (self.status is BookingStatus.HELD and self.hold_expires_at is not None
                and self.hold_expires_at <= (at or utcnow()))

    def effective_status(self, at: datetime | None = None) -> BookingStatus:
        """The status as the product shows it: an expired hold is already released."""
        return BookingStatus.RELEASED if self.is_hold_expired(at) else self.status

    def __repr__(self) -> str:
        return f"<Booking {self.id} {self.status.value} p{self.practitioner_id} {self.starts_at:%Y-%m-%d %H:%M}Z>"
