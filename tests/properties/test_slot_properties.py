"""Slot arithmetic holds for any weekly hours, closures, bookings and session lengths, in
the practitioner's own zone on both sides of a daylight-saving change (Europe/London and
America/New_York change on different dates; Asia/Kolkata never does).

Offered slots never overlap each other or a booking (with its buffer), never fall in a
closure, always fit their opening from start to end, and a day's first slot starts at
the opening's local wall-clock time, whatever the UTC offset that day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.booking.slots import DateRule, Interval, Opening, Rules, day_openings, open_slots

UTC = timezone.utc
FAST = settings(max_examples=100, deadline=None)
ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata"]
# Windows that straddle 2026's changes: London 29 Mar / 25 Oct, New York 8 Mar / 1 Nov.
DST_DAYS = [date(2026, 3, 6), date(2026, 3, 27), date(2026, 10, 23), date(2026, 10, 30), date(2026, 6, 10)]

quarter_hours = st.integers(0, 95).map(lambda q: time(q // 4, q % 4 * 15))


@st.composite
def openings(draw):  # noqa: ANN001, ANN201
    out = []
    for _ in range(draw(st.integers(1, 8))):
        a, b = sorted(draw(st.lists(quarter_hours, min_size=2, max_size=2, unique=True)))
        out.append(Opening(draw(st.integers(0, 6)), a, b))
    return out


@st.composite
def closures(draw, first: date):  # noqa: ANN001, ANN201
    out = []
    for _ in range(draw(st.integers(0, 3))):
        start = first + timedelta(days=draw(st.integers(0, 9)))
        last = start + timedelta(days=draw(st.integers(0, 2)))
        if draw(st.booleans()):
            out.append(DateRule(start, last, is_open=False))
        else:
            a, b = sorted(draw(st.lists(quarter_hours, min_size=2, max_size=2, unique=True)))
            out.append(DateRule(start, last, is_open=False, start=a, end=b))
    return out


@st.composite
def schedules(draw):  # noqa: ANN001, ANN201
    first = draw(st.sampled_from(DST_DAYS))
    tz = ZoneInfo(draw(st.sampled_from(ZONES)))
    start = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end = start + timedelta(days=10)
    busy = []
    for _ in range(draw(st.integers(0, 4))):
        at = start + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 10)))
        busy.append(Interval(at, at + timedelta(minutes=draw(st.sampled_from([30, 45, 60])))))
    limits = Rules(minutes=draw(st.sampled_from([20, 30, 45, 60, 90])), buffer_minutes=draw(st.sampled_from([0, 5, 15])),
                   earliest=start - timedelta(days=1), latest=end + timedelta(days=1))
    return tz, draw(openings()), draw(closures(first)), busy, limits, start, end


def _local_range(day: date, a: time, b: time, tz: ZoneInfo) -> Interval:
    return Interval(datetime.combine(day, a, tzinfo=tz).astimezone(UTC), datetime.combine(day, b, tzinfo=tz).astimezone(UTC))


def _joined(ranges: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for r in sorted(ranges, key=lambda r: r.start):
        if out and r.start <= out[-1].end:
            out[-1] = Interval(out[-1].start, max(out[-1].end, r.end))
        else:
            out.append(r)
    return out


@FAST
@given(schedules())
def test_slots_never_overlap_each_other_or_a_booking(schedule):
    tz, weekly, rules, busy, limits, start, end = schedule
    found = open_slots(weekly, rules, tz, busy, limits, start, end)
    length, buffer = timedelta(minutes=limits.minutes), timedelta(minutes=limits.buffer_minutes)
    assert found == sorted(set(found))
    for earlier, later in zip(found, found[1:]):
        assert later >= earlier + length, (earlier, later)
    for slot in found:
        padded = Interval(slot - buffer, slot + length + buffer)
        assert not any(padded.overlaps(b) for b in busy), slot


@FAST
@given(schedules())
def test_slots_fit_an_opening_from_start_to_end_and_never_fall_in_a_closure(schedule):
    tz, weekly, rules, busy, limits, start, end = schedule
    length = timedelta(minutes=limits.minutes)
    for slot in open_slots(weekly, rules, tz, busy, limits, start, end):
        day = slot.astimezone(tz).date()
        # Touching or overlapping openings are one stretch of hours (09-12 and 12-17 offer 11:30).
        weekly_today = _joined([_local_range(day, o.start, o.end, tz) for o in weekly if o.weekday == day.weekday()])
        assert any(r.start <= slot and slot + length <= r.end for r in weekly_today), slot
        for rule in rules:
            if not rule.covers(day):
                continue
            assert rule.start is not None, f"{slot} is on a closed day {rule}"
            closed = _local_range(day, rule.start, rule.end, tz)
            assert not Interval(slot, slot + length).overlaps(closed), (slot, rule)


@FAST
@given(schedules())
def test_a_days_first_slot_is_at_the_openings_local_time_across_dst(schedule):
    """With nothing booked and no notice, each open range's first slot is its local
    opening time (09:00 stays 09:00 local when the offset changes), shown in the zone."""
    tz, weekly, rules, _, limits, start, end = schedule
    found = set(open_slots(weekly, rules, tz, (), limits, start, end))
    length = timedelta(minutes=limits.minutes)
    day = start.astimezone(tz).date()
    while datetime.combine(day, time(0), tzinfo=tz) < end.astimezone(tz) - timedelta(days=1):
        for a, b in day_openings(day, weekly, rules):
            opening = _local_range(day, a, b, tz)
            if opening.start + length <= opening.end and start <= opening.start and opening.start + length <= end:
                assert opening.start in found, (day, a, b, tz)
                assert opening.start.astimezone(tz).time() == a or _in_gap(day, a, tz)
        day += timedelta(days=1)


def _in_gap(day: date, at: time, tz: ZoneInfo) -> bool:
    """A wall-clock time skipped by a spring-forward change (it maps to the hour after)."""
    local = datetime.combine(day, at, tzinfo=tz)
    return local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None)
