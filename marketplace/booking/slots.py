"""Slot arithmetic: which session start times are open. Pure functions (no Flask, no
database), so every rule can be tested on its own.

Opening hours are wall-clock times in one IANA zone. Each local day is turned into UTC
separately, so a 09:00 opening stays 09:00 local on both sides of a daylight-saving
change. Candidate starts run from each opening in steps of the session length plus the
buffer; a candidate is open when the whole session fits inside the opening, it respects
the notice and how-far-ahead limits, and it keeps ``buffer`` minutes clear of every busy
interval (existing bookings).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable, Iterator, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

UTC = timezone.utc


@dataclass(frozen=True)
class Opening:
    """``start``–``end`` local time every ``weekday`` (Monday = 0)."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class DateRule:
    """Local dates ``first``–``last`` (inclusive): closed (``is_open`` False) or extra hours,
    all day when ``start``/``end`` are None."""

    first: date
    last: date
    is_open: bool
    start: time | None = None
    end: time | None = None

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    def overlaps(self, other: "Interval") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Rules:
    """How slots are cut: session length, buffer between sessions, the earliest start
    (now + notice) and the latest start (how far ahead)."""

    minutes: int
    buffer_minutes: int
    earliest: datetime
    latest: datetime
    step_minutes: int | None = None  # default: minutes + buffer


def zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    """The named IANA zone; ``fallback`` when the name is empty or unknown."""
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
                continue
    return ZoneInfo("UTC")


def is_valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        return False
    return True


_REGIONS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/",
            "Pacific/")


def zone_names() -> list[str]:
    """The IANA zones a practitioner may choose (by region, without legacy aliases such
    as 'US/Eastern'), sorted, then UTC."""
    return sorted(n for n in available_timezones() if n.startswith(_REGIONS)) + ["UTC"]


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``at`` on ``day`` in ``tz``. A time skipped by a
    spring-forward gap maps forward (fold=0), as clocks do."""
    local = datetime.combine(day, at, tzinfo=tz)
    # Round-trip through UTC to normalise a non-existent local time.
    return local.astimezone(UTC)


def _merge(intervals: Iterable[tuple[time, time]]) -> list[tuple[time, time]]:
    merged: list[tuple[time, time]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(intervals: list[tuple[time, time]], cut: tuple[time, time]) -> list[tuple[time, time]]:
    out: list[tuple[time, time]] = []
    c_start, c_end = cut
    for start, end in intervals:
        if c_end <= start or c_start >= end:
            out.append((start, end))
            continue
        if start < c_start:
            out.append((start, c_start))
        if c_end < end:
            out.append((c_end, end))
    return out


def day_openings(day: date, openings: Sequence[Opening], rules: Sequence[DateRule]) -> list[tuple[time, time]]:
    """The local time ranges open on ``day``: weekly hours, plus extra hours, minus
    closures (a whole-day closure wins over everything)."""
    ranges = [(o.start, o.end) for o in openings if o.weekday == day.weekday()]
    todays = [r for r in rules if r.covers(day)]
    ranges += [(r.start, r.end) for r in todays if r.is_open and r.start is not None and r.end is not None]
    ranges = _merge(ranges)
    for r in todays:
        if r.is_open:
            continue
        if r.start is None or r.end is None:
            return []
        ranges = _subtract(ranges, (r.start, r.end))
    return ranges


def _days(start: datetime, end: datetime, tz: ZoneInfo) -> Iterator[date]:
    day = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    while day <= last:
        yield day
        day += timedelta(days=1)


def open_intervals(openings: Sequence[Opening], rules: Sequence[DateRule], tz: ZoneInfo,
                   start: datetime, end: datetime) -> Iterator[Interval]:
    """The open time between ``start`` and ``end`` (aware), as UTC intervals, one per
    local opening range (not clipped to the window), day by day: a caller that wants the
    first opening stops after the first open day instead of working out four weeks."""
    for day in _days(start, end, tz):
        for a, b in day_openings(day, openings, rules):
            interval = Interval(local_to_utc(day, a, tz), local_to_utc(day, b, tz))
            if interval.end > interval.start and interval.start < end and interval.end > start:
                yield interval


def is_clear(candidate: Interval, busy: Sequence[Interval], buffer: timedelta) -> bool:
    padded = Interval(candidate.start - buffer, candidate.end + buffer)
    return not any(padded.overlaps(b) for b in busy)


def open_slots(openings: Sequence[Opening], rules: Sequence[DateRule], tz: ZoneInfo, busy: Sequence[Interval],
               limits: Rules, start: datetime, end: datetime, *, first_only: bool = False) -> list[datetime]:
    """Session starts (UTC, ascending) in [``start``, ``end``) that are open.

    ``busy`` are the practitioner's occupied intervals (any place: one person cannot be
    in two rooms). With ``first_only`` the search stops at the first open start.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("open_slots needs aware datetimes")
    length = timedelta(minutes=limits.minutes)
    buffer = timedelta(minutes=limits.buffer_minutes)
    step = timedelta(minutes=limits.step_minutes or (limits.minutes + limits.buffer_minutes))
    lower = max(start, limits.earliest)
    upper = min(end, limits.latest + timedelta(microseconds=1))
    busy = sorted(busy, key=lambda b: b.start)
    found: list[datetime] = []
    if lower >= upper:
        return found
    for interval in open_intervals(openings, rules, tz, lower, upper):
        at = interval.start
        while at + length <= interval.end:
            if at >= upper:
                break
            if at >= lower and is_clear(Interval(at, at + length), busy, buffer):
                found.append(at.astimezone(UTC))
                if first_only:
                    return found
            at += step
    return sorted(set(found))


def is_open_slot(openings: Sequence[Opening], rules: Sequence[DateRule], tz: ZoneInfo,
                 limits: Rules, at: datetime) -> bool:
    """Is ``at`` a start the grid offers (ignoring bookings)?"""
    day_start = at - timedelta(days=1)
    return at.astimezone(UTC) in open_slots(openings, rules, tz, (), limits, day_start, at + timedelta(minutes=1))
