"""What is bookable right now, read from the database and cut by :mod:`.slots`.

A held booking whose hold has expired stops blocking its slot here, at query time,
whether or not ``flask bookings release-expired`` has run yet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, NamedTuple, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, bindparam, func, or_, select

from marketplace.accounts.models import User
from marketplace.booking import openings, slots
from marketplace.booking.models import (
    DEFAULT_TIMEZONE, AvailabilityException, Booking, BookingSettings, BookingStatus, ExceptionKind, WeeklyHours,
)
from marketplace.core.clock import utcnow
from marketplace.core.models import UTCDateTime, in_ids
from marketplace.extensions import db
from marketplace.geo.gazetteer import country_timezone
from marketplace.practitioners.models import Fee, Location, Practitioner

# How far next_available() looks when a practitioner allows booking further ahead.
NEXT_AVAILABLE_HORIZON_DAYS = 28
MAX_RANGE_DAYS = 62


@dataclass(frozen=True)
class Channel:
    """A place a session can happen: one of the practitioner's locations, or online."""

    location: Location | None
    zone: ZoneInfo

    @property
    def online(self) -> bool:
        return self.location is None

    @property
    def location_id(self) -> int | None:
        return self.location.id if self.location else None

    @property
    def key(self) -> str:
        return "online" if self.location is None else f"location-{self.location.id}"

    @property
    def label(self) -> str:
        return "Online" if self.location is None else self.location.label

    @property
    def place_label(self) -> str:
        if self.location is None:
            return "Online session"
        loc = self.location
        if loc.venue_type.value == "home_visit":
            return f"Home visit in {loc.city or loc.resolved_label}"
        return ", ".join(part for part in (loc.label, loc.address, loc.city) if part)


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime
    channel: Channel
    minutes: int

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.channel.zone)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.channel.zone)


# --- settings and channels ----------------------------------------------------------------

def default_timezone(practitioner: Practitioner) -> str:
    """The zone their online hours default to (see :func:`zone_of`)."""
    return zone_of((loc.timezone for loc in practitioner.locations), practitioner.country_code)


def zone_of(location_zones: Iterable[str | None], country_code: str | None) -> str:
    """The zone of the first location that knows its zone, else where most of the country
    they declared keeps time (an online-only physio in India works to India's clock, not
    UTC's), else UTC."""
    for zone in (*location_zones, country_timezone(country_code)):
        if zone and slots.is_valid_zone(zone):
            return zone
    return DEFAULT_TIMEZONE


def settings_for(practitioner: Practitioner) -> BookingSettings:
    """The practitioner's rules; an unsaved row of defaults when they never set any."""
    row = db.session.get(BookingSettings, practitioner.id)
    if row is None:
        row = _defaults(practitioner.id, default_timezone(practitioner))
    return row


def _defaults(practitioner_id: int, timezone: str) -> BookingSettings:
    from marketplace.booking import models as m

    return BookingSettings(
        practitioner_id=practitioner_id, timezone=timezone, buffer_minutes=m.DEFAULT_BUFFER_MINUTES,
        min_notice_minutes=m.DEFAULT_MIN_NOTICE_MINUTES, max_days_ahead=m.DEFAULT_MAX_DAYS_AHEAD,
        cancellation_cutoff_hours=m.DEFAULT_CANCELLATION_CUTOFF_HOURS,
        late_cancellation_refund_percent=m.DEFAULT_LATE_CANCELLATION_REFUND_PERCENT,
        hold_minutes=m.DEFAULT_HOLD_MINUTES,
    )


def channel_zone(location: Location | _Place | None, settings: BookingSettings | _Settings) -> ZoneInfo:
    """A location's own zone; online (or a location with no known zone) uses the
    practitioner's zone; UTC if all else fails."""
    return slots.zone(location.timezone if location else None, settings.timezone or DEFAULT_TIMEZONE)


def channels(practitioner: Practitioner, settings: BookingSettings | None = None) -> list[Channel]:
    """Every place the practitioner could see someone: their locations, then online if offered."""
    settings = settings or settings_for(practitioner)
    out = [Channel(loc, channel_zone(loc, settings)) for loc in practitioner.locations]
    if practitioner.offers_online:
        out.append(Channel(None, channel_zone(None, settings)))
    return out


def channel_for(practitioner: Practitioner, location_id: int | None, online: bool,
                settings: BookingSettings | None = None) -> Channel | None:
    for channel in channels(practitioner, settings):
        if online and channel.online:
            return channel
        if not online and location_id is not None and channel.location_id == location_id:
            return channel
    return None


def fee_named(practitioner: Practitioner, label: str | None) -> Fee | None:
    """The fee with this label (case-insensitive); the first fee when no label is given."""
    if not practitioner.fees:
        return None
    if label is None or not label.strip():
        return practitioner.fees[0]
    wanted = label.strip().lower()
    return next((f for f in practitioner.fees if f.label.lower() == wanted), None)


# --- availability rows --------------------------------------------------------------------

def weekly_hours(practitioner: Practitioner) -> list[WeeklyHours]:
    """Weekly hours of live places only (hours of a removed location are ignored)."""
    live = {loc.id for loc in practitioner.locations}
    rows = db.session.scalars(
        select(WeeklyHours).where(WeeklyHours.practitioner_id == practitioner.id)
        .order_by(WeeklyHours.location_id.is_not(None), WeeklyHours.location_id, WeeklyHours.weekday,
                  WeeklyHours.start_time)
    ).all()
    return [r for r in rows if r.location_id is None or r.location_id in live]


def exceptions(practitioner: Practitioner, *, upcoming_from: date | None = None) -> list[AvailabilityException]:
    stmt = select(AvailabilityException).where(AvailabilityException.practitioner_id == practitioner.id)
    if upcoming_from is not None:
        stmt = stmt.where(AvailabilityException.ends_on >= upcoming_from)
    live = {loc.id for loc in practitioner.locations}
    rows = db.session.scalars(stmt.order_by(AvailabilityException.starts_on, AvailabilityException.id)).all()
    return [r for r in rows if r.location_id is None or r.location_id in live]


def openings_of(rows: Iterable, location_id: int | None) -> list[slots.Opening]:
    """``rows``: WeeklyHours, or rows with its fields."""
    return [slots.Opening(r.weekday, r.start_time, r.end_time) for r in rows if r.location_id == location_id]


def rules_of(rows: Iterable[AvailabilityException], location_id: int | None) -> list[slots.DateRule]:
    """The exceptions that apply to one place: its own, and closures for everywhere."""
    online = location_id is None
    out = []
    for r in rows:
        applies = (r.applies_to_all and r.kind is ExceptionKind.CLOSED) or \
            (online and r.is_online) or (not online and r.location_id == location_id)
        if applies:
            out.append(slots.DateRule(r.starts_on, r.ends_on, r.kind is ExceptionKind.OPEN, r.start_time, r.end_time))
    return out


# --- bookings that occupy time ------------------------------------------------------------

def active_condition(at: datetime | None = None):  # noqa: ANN201
    """SQL condition on Booking: it occupies its time at ``at`` (an unexpired hold, or a
    confirmed, attended or no-show session)."""
    at = utcnow() if at is None else at  # a time, or a bound parameter
    return or_(
        Booking.status.in_([BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW]),
        and_(Booking.status == BookingStatus.HELD, Booking.hold_expires_at > at),
    )


def overlapping(practitioner_id: int, start: datetime, end: datetime, *, at: datetime | None = None,
                exclude_id: int | None = None) -> Select[tuple[Booking]]:
    """Active bookings of the practitioner that overlap [start, end)."""
    stmt = select(Booking).where(
        Booking.practitioner_id == practitioner_id, Booking.starts_at < end, Booking.ends_at > start,
        active_condition(at),
    )
    if exclude_id is not None:
        stmt = stmt.where(Booking.id != exclude_id)
    return stmt


# Built once: a results page asks it on every search.
_BUSY = select(Booking.practitioner_id, Booking.starts_at, Booking.ends_at, Booking.status,
               Booking.hold_expires_at).where(
    in_ids(Booking.practitioner_id), Booking.starts_at < bindparam("end"), Booking.ends_at > bindparam("start"),
    active_condition(bindparam("at", type_=UTCDateTime())),
)


def busy_intervals(practitioner_ids: Sequence[int], start: datetime, end: datetime, *,
                   at: datetime | None = None, exclude_id: int | None = None) -> dict[int, list[slots.Interval]]:
    """Occupied time per practitioner in [start, end) (one query for the whole page)."""
    out: dict[int, list[slots.Interval]] = defaultdict(list)
    if not practitioner_ids:
        return out
    params = {"ids": list(practitioner_ids), "start": start, "end": end, "at": utcnow() if at is None else at}
    if exclude_id is None:
        rows = db.session.execute(_BUSY, params)
    else:
        rows = db.session.execute(_BUSY.where(Booking.id != exclude_id), params)
    for row in rows:
        out[row.practitioner_id].append(slots.Interval(row.starts_at, row.ends_at))
    return out


def limits(settings: BookingSettings | _Settings, minutes: int, now: datetime) -> slots.Rules:
    return slots.Rules(
        minutes=minutes, buffer_minutes=settings.buffer_minutes,
        earliest=now + timedelta(minutes=settings.min_notice_minutes),
        latest=now + timedelta(days=settings.max_days_ahead),
    )


def open_slots(practitioner: Practitioner, start: datetime, end: datetime, *, minutes: int,
               places: Sequence[Channel] | None = None, now: datetime | None = None,
               exclude_booking_id: int | None = None) -> list[Slot]:
    """Open slots of ``minutes`` in [start, end) at ``places`` (default: everywhere the
    practitioner sees people), in time order."""
    now = now or utcnow()
    settings = settings_for(practitioner)
    hours = weekly_hours(practitioner)
    rows = exceptions(practitioner)
    busy = busy_intervals([practitioner.id], start - timedelta(days=1), end + timedelta(days=1), at=now,
                          exclude_id=exclude_booking_id)[practitioner.id]
    rules = limits(settings, minutes, now)
    out: list[Slot] = []
    for ch in (channels(practitioner, settings) if places is None else places):
        openings = openings_of(hours, ch.location_id)
        if not openings and not any(r.is_open for r in rules_of(rows, ch.location_id)):
            continue
        for at in slots.open_slots(openings, rules_of(rows, ch.location_id), ch.zone, busy, rules, start, end):
            out.append(Slot(at, at + timedelta(minutes=minutes), ch, minutes))
    out.sort(key=lambda s: (s.start, s.channel.online, s.channel.location_id or 0))
    return out


def is_bookable(practitioner: Practitioner, channel: Channel, start: datetime, minutes: int,
                now: datetime | None = None) -> bool:
    """Does the weekly grid offer ``start`` (ignoring other bookings)?"""
    now = now or utcnow()
    settings = settings_for(practitioner)
    rows = exceptions(practitioner)
    return slots.is_open_slot(openings_of(weekly_hours(practitioner), channel.location_id),
                              rules_of(rows, channel.location_id), channel.zone,
                              limits(settings, minutes, now), start)


# The weekly hours of a page of practitioners, built once and run on the session's connection
# as plain rows (every results page asks; entities would only add the ORM's cost).
_HOURS = (select(WeeklyHours.practitioner_id, WeeklyHours.location_id, WeeklyHours.weekday, WeeklyHours.start_time,
                 WeeklyHours.end_time).where(in_ids(WeeklyHours.practitioner_id)))


# Who the page's practitioners are, as far as their slots go, in one statement: whether
# they see people online, their locations (zone), their shortest fee and their booking
# settings (NULL when they kept the defaults). One row per location.
_PEOPLE = (
    select(Practitioner.id.label("practitioner_id"), Practitioner.offers_online, Practitioner.country_code,
           Location.id.label("location_id"), Location.timezone.label("location_timezone"),
           select(func.min(Fee.minutes)).where(Fee.practitioner_id == Practitioner.id).scalar_subquery()
           .label("shortest"),
           BookingSettings.timezone, BookingSettings.buffer_minutes, BookingSettings.min_notice_minutes,
           BookingSettings.max_days_ahead)
    .outerjoin(Location, Location.practitioner_id == Practitioner.id)
    .outerjoin(BookingSettings, BookingSettings.practitioner_id == Practitioner.id)
    .where(in_ids(Practitioner.id))
    .order_by(Practitioner.id, Location.id)
)
_EXCEPTIONS = select(AvailabilityException).where(in_ids(AvailabilityException.practitioner_id),
                                                  AvailabilityException.ends_on >= bindparam("from_day"))


class _Settings(NamedTuple):
    """The booking settings the slots read (what :func:`limits` and :func:`channel_zone`
    take from a BookingSettings)."""

    timezone: str
    buffer_minutes: int
    min_notice_minutes: int
    max_days_ahead: int


class _Place(NamedTuple):
    id: int
    timezone: str | None


@lru_cache(maxsize=512)
def _page_defaults(timezone: str) -> _Settings:
    """The default settings in one zone (for practitioners who kept them)."""
    d = _defaults(0, timezone)
    return _Settings(d.timezone, d.buffer_minutes, d.min_notice_minutes, d.max_days_ahead)


class NextOpenings(dict[int, datetime]):
    """The first open start per practitioner (see :func:`next_available`), and
    ``holds_until``: the first moment any of them may change with time alone (an opening
    falls inside its notice, a hold on someone's time lapses, the four weeks move on);
    None when it asked about nobody. A change to a practitioner's inputs may come sooner:
    that replaces their stamp instead."""

    holds_until: datetime | None = None


def next_available(practitioner_ids: Sequence[int], after: datetime | None = None,
                   stamps: Mapping[int, int] | None = None) -> NextOpenings:
    """The first open start (UTC) after ``after`` for each practitioner, at any place,
    for their shortest fee (or 60 minutes without fees). Practitioners with nothing open
    in the next four weeks (or no hours at all) are left out.

    Built for a results page: what this process worked out lately and still holds
    (:mod:`marketplace.booking.openings`) costs one statement, the practitioners' stamps;
    the rest are worked out in four more, however many. It does not check visibility;
    callers pass practitioners they already show. ``stamps``: the practitioners' stamps,
    when the caller read them (:func:`~marketplace.booking.openings.stamps_and`) before any
    row the openings come from; otherwise they are read here.
    """
    after = after or utcnow()
    ids = sorted(set(practitioner_ids))
    found = NextOpenings()
    if not ids:
        return found
    memory = openings.memory()
    if stamps is None:
        stamps = openings.stamps(ids)  # before any row the openings come from
    missing = []
    untils = []
    for pid in ids:
        held = memory.get(pid, stamps.get(pid, 0), after)
        if held is None:
            missing.append(pid)
            continue
        untils.append(held.until)
        if held.opening is not None:
            found[pid] = held.opening
    for pid, (opening, until) in _work_out(missing, after).items():
        memory.put(pid, openings.Held(stamps.get(pid, 0), after, until, opening))
        untils.append(until)
        if opening is not None:
            found[pid] = opening
    found.holds_until = min(untils)
    return found


def _work_out(ids: list[int], after: datetime) -> dict[int, tuple[datetime | None, datetime]]:
    """For each practitioner, their first open start after ``after`` (None: nothing in
    the next four weeks, or no hours) and until when that answer holds (see
    :mod:`marketplace.booking.openings`). Four statements for the whole page."""
    if not ids:
        return {}
    worked: dict[int, tuple[datetime | None, datetime]] = {pid: (None, after + openings.NO_HOURS_FOR) for pid in ids}
    connection = db.session.connection()
    # Each practitioner's weekly openings, by place (location id, None online).
    hours_by: dict[int, dict[int | None, list[slots.Opening]]] = defaultdict(lambda: defaultdict(list))
    for row in connection.execute(_HOURS, {"ids": ids}):
        hours_by[row.practitioner_id][row.location_id].append(slots.Opening(row.weekday, row.start_time, row.end_time))
    with_hours = [pid for pid in ids if hours_by.get(pid)]
    if not with_hours:
        return worked
    # Rows with the few fields the slots need, not entities: a results page asks this on
    # every search.
    online: dict[int, bool] = {}
    declared: dict[int, str | None] = {}
    locations: dict[int, list[_Place]] = defaultdict(list)
    settings_rows: dict[int, _Settings] = {}
    shortest: dict[int, int] = {}
    for row in connection.execute(_PEOPLE, {"ids": with_hours}):
        pid = row.practitioner_id
        online[pid] = row.offers_online
        declared[pid] = row.country_code
        if row.location_id is not None:
            locations[pid].append(_Place(row.location_id, row.location_timezone))
        if row.buffer_minutes is not None:
            settings_rows[pid] = _Settings(row.timezone, row.buffer_minutes, row.min_notice_minutes,
                                           row.max_days_ahead)
        if row.shortest is not None:
            shortest[pid] = row.shortest
    horizon = after + timedelta(days=NEXT_AVAILABLE_HORIZON_DAYS)
    exceptions_by: dict[int, list[AvailabilityException]] = defaultdict(list)
    for row in db.session.scalars(_EXCEPTIONS, {"ids": with_hours, "from_day": (after - timedelta(days=1)).date()}):
        exceptions_by[row.practitioner_id].append(row)
    # Occupied time, and when the first hold in the way lapses (freeing time).
    busy: dict[int, list[slots.Interval]] = defaultdict(list)
    lapses: dict[int, datetime] = {}
    for row in connection.execute(_BUSY, {"ids": with_hours, "start": after - timedelta(hours=12),
                                          "end": horizon + timedelta(hours=12), "at": after}):
        busy[row.practitioner_id].append(slots.Interval(row.starts_at, row.ends_at))
        if row.status is BookingStatus.HELD and row.hold_expires_at is not None:
            lapses[row.practitioner_id] = min(row.hold_expires_at, lapses.get(row.practitioner_id, row.hold_expires_at))

    for pid in with_hours:
        if pid not in online:
            continue
        locs = locations.get(pid, [])
        timezone = zone_of((loc.timezone for loc in locs), declared[pid])
        settings = settings_rows.get(pid) or _page_defaults(timezone)
        rules = limits(settings, shortest.get(pid, 60), after)
        places: list = list(locs) + ([None] if online[pid] else [])
        best: datetime | None = None
        for place in places:
            location_id = place.id if place else None
            openings_here = hours_by[pid].get(location_id, [])
            date_rules = rules_of(exceptions_by.get(pid, []), location_id)
            if not openings_here and not any(r.is_open for r in date_rules):
                continue
            first = slots.open_slots(openings_here, date_rules, channel_zone(place, settings), busy.get(pid, []),
                                     rules, after, min(horizon, best) if best else horizon, first_only=True)
            if first and (best is None or first[0] < best):
                best = first[0]
        # Found: it stays first while it is outside the notice (up to that very instant).
        # Not found: the window moves on.
        until = (best - timedelta(minutes=settings.min_notice_minutes, microseconds=-1) if best is not None
                 else after + openings.NOTHING_OPEN_FOR)
        worked[pid] = (best, min(until, lapses.get(pid, until)))
    return worked


# --- lists of bookings --------------------------------------------------------------------

def for_seeker(user: User) -> Select[tuple[Booking]]:
    return select(Booking).where(Booking.seeker_id == user.id).order_by(Booking.starts_at.desc(), Booking.id.desc())


def for_practitioner(practitioner: Practitioner, start: datetime | None = None,
                     end: datetime | None = None) -> Select[tuple[Booking]]:
    stmt = select(Booking).where(Booking.practitioner_id == practitioner.id)
    if start is not None:
        stmt = stmt.where(Booking.ends_at > start)
    if end is not None:
        stmt = stmt.where(Booking.starts_at < end)
    return stmt.order_by(Booking.starts_at, Booking.id)


def rescheduled_to(booking: Booking) -> Booking | None:
    """The booking that replaced this one, when it was rescheduled."""
    return db.session.scalar(select(Booking).where(Booking.rescheduled_from_id == booking.id))


def latest_version(booking: Booking) -> Booking:
    """Follow reschedules to the booking that stands now (what an order paid for)."""
    current = booking
    for _ in range(50):
        nxt = rescheduled_to(current)
        if nxt is None:
            return current
        current = nxt
    return current
