"""Slot arithmetic on its own: opening hours in local time, daylight saving, buffers,
notice, how far ahead, exceptions and busy time. No database, no Flask."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from marketplace.booking.slots import DateRule, Interval, Opening, Rules, day_openings, is_open_slot, open_slots

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
EVERY_DAY_9_TO_10 = [Opening(d, time(9), time(10)) for d in range(7)]


def rules(minutes: int = 60, buffer: int = 0, earliest: datetime | None = None, latest: datetime | None = None,
          step: int | None = None) -> Rules:
    return Rules(minutes=minutes, buffer_minutes=buffer, earliest=earliest or datetime(2000, 1, 1, tzinfo=UTC),
                 latest=latest or datetime(2100, 1, 1, tzinfo=UTC), step_minutes=step)


def local_times(found: list[datetime], tz: ZoneInfo) -> list[str]:
    return [f"{s.astimezone(tz):%Y-%m-%d %H:%M}" for s in found]


def test_a_nine_oclock_opening_stays_nine_oclock_local_across_londons_spring_change():
    # Clocks go forward on Sunday 29 March 2026: 09:00 is 09:00Z before and 08:00Z after.
    found = open_slots(EVERY_DAY_9_TO_10, [], LONDON, [], rules(),
                       datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    assert local_times(found, LONDON) == ["2026-03-28 09:00", "2026-03-29 09:00", "2026-03-30 09:00"]
    assert [s.hour for s in found] == [9, 8, 8]
    assert all(s.tzinfo == UTC for s in found)


def test_a_nine_oclock_opening_stays_nine_oclock_local_across_londons_autumn_change():
    # Clocks go back on Sunday 25 October 2026.
    found = open_slots(EVERY_DAY_9_TO_10, [], LONDON, [], rules(),
                       datetime(2026, 10, 24, tzinfo=UTC), datetime(2026, 10, 27, tzinfo=UTC))
    assert local_times(found, LONDON) == ["2026-10-24 09:00", "2026-10-25 09:00", "2026-10-26 09:00"]
    assert [s.hour for s in found] == [8, 9, 9]


def test_new_york_changes_on_its_own_dates():
    # New York springs forward on 8 March 2026, three weeks before London.
    found = open_slots(EVERY_DAY_9_TO_10, [], NEW_YORK, [], rules(),
                       datetime(2026, 3, 7, 15, tzinfo=UTC), datetime(2026, 3, 9, 23, tzinfo=UTC))
    assert local_times(found, NEW_YORK) == ["2026-03-08 09:00", "2026-03-09 09:00"]
    assert [s.hour for s in found] == [13, 13]  # 09:00 EDT = 13:00Z
    before = open_slots(EVERY_DAY_9_TO_10, [], NEW_YORK, [], rules(),
                        datetime(2026, 3, 7, 0, tzinfo=UTC), datetime(2026, 3, 7, 23, tzinfo=UTC))
    assert [s.hour for s in before] == [14]  # 09:00 EST = 14:00Z


def test_zones_without_daylight_saving_and_half_hour_offsets():
    found = open_slots(EVERY_DAY_9_TO_10, [], KOLKATA, [], rules(),
                       datetime(2026, 3, 29, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC))
    assert [f"{s:%H:%M}" for s in found] == ["03:30"]


def test_slots_step_by_session_length_plus_buffer_and_must_fit_inside_the_opening():
    monday = [Opening(0, time(9), time(12))]
    window = (datetime(2026, 3, 30, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    assert local_times(open_slots(monday, [], LONDON, [], rules(60), *window), LONDON) == [
        "2026-03-30 09:00", "2026-03-30 10:00", "2026-03-30 11:00"]
    assert local_times(open_slots(monday, [], LONDON, [], rules(60, buffer=15), *window), LONDON) == [
        "2026-03-30 09:00", "2026-03-30 10:15"]  # 11:30 would end after 12:00
    assert len(open_slots(monday, [], LONDON, [], rules(30), *window)) == 6


def test_several_ranges_a_day():
    monday = [Opening(0, time(9), time(11)), Opening(0, time(14), time(15))]
    found = open_slots(monday, [], LONDON, [], rules(60),
                       datetime(2026, 3, 30, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    assert [f"{s.astimezone(LONDON):%H:%M}" for s in found] == ["09:00", "10:00", "14:00"]


def test_notice_and_how_far_ahead_limit_the_window():
    now = datetime(2026, 3, 30, 7, 30, tzinfo=UTC)  # 08:30 in London
    monday_to_sunday = [Opening(d, time(9), time(17)) for d in range(7)]
    found = open_slots(monday_to_sunday, [], LONDON, [],
                       rules(60, earliest=now + timedelta(hours=2), latest=now + timedelta(days=2)),
                       now, now + timedelta(days=10))
    assert found[0].astimezone(LONDON).strftime("%H:%M") == "11:00"  # 09:00 and 10:00 are too soon
    assert found[-1] <= now + timedelta(days=2)  # 08:30 on Wednesday: nothing that day
    assert {s.astimezone(LONDON).date() for s in found} == {date(2026, 3, 30), date(2026, 3, 31)}


def test_busy_time_and_its_buffer_block_overlapping_slots():
    monday = [Opening(0, time(9), time(13))]
    booked = Interval(datetime(2026, 3, 30, 9, 0, tzinfo=UTC), datetime(2026, 3, 30, 10, 0, tzinfo=UTC))  # 10–11 BST
    window = (datetime(2026, 3, 30, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    free = open_slots(monday, [], LONDON, [booked], rules(60), *window)
    assert [f"{s.astimezone(LONDON):%H:%M}" for s in free] == ["09:00", "11:00", "12:00"]
    # A 30-minute grid: 10:00 and 10:30 overlap the booking; with a 15-minute buffer 09:30 and 11:00 do too.
    short = open_slots(monday, [], LONDON, [booked], rules(30), *window)
    assert "10:30" not in [f"{s.astimezone(LONDON):%H:%M}" for s in short]
    padded = open_slots(monday, [], LONDON, [booked], rules(30, buffer=15, step=30), *window)
    assert [f"{s.astimezone(LONDON):%H:%M}" for s in padded] == ["09:00", "11:30", "12:00", "12:30"]


def test_a_whole_day_closure_removes_the_day_and_a_partial_one_cuts_it():
    weekdays = [Opening(d, time(9), time(12)) for d in range(5)]
    holiday = DateRule(date(2026, 4, 3), date(2026, 4, 6), is_open=False)  # Good Friday to Easter Monday
    assert day_openings(date(2026, 4, 3), weekdays, [holiday]) == []
    assert day_openings(date(2026, 4, 6), weekdays, [holiday]) == []
    assert day_openings(date(2026, 4, 7), weekdays, [holiday]) == [(time(9), time(12))]
    dentist = DateRule(date(2026, 4, 7), date(2026, 4, 7), is_open=False, start=time(10), end=time(11))
    assert day_openings(date(2026, 4, 7), weekdays, [dentist]) == [(time(9), time(10)), (time(11), time(12))]


def test_extra_hours_open_a_closed_day_and_merge_with_normal_hours():
    weekdays = [Opening(d, time(9), time(12)) for d in range(5)]
    saturday = DateRule(date(2026, 4, 4), date(2026, 4, 4), is_open=True, start=time(10), end=time(13))
    assert day_openings(date(2026, 4, 4), weekdays, [saturday]) == [(time(10), time(13))]
    late = DateRule(date(2026, 4, 7), date(2026, 4, 7), is_open=True, start=time(11), end=time(15))
    assert day_openings(date(2026, 4, 7), weekdays, [late]) == [(time(9), time(15))]
    found = open_slots(weekdays, [saturday], LONDON, [], rules(60),
                       datetime(2026, 4, 4, tzinfo=UTC), datetime(2026, 4, 5, tzinfo=UTC))
    assert [f"{s.astimezone(LONDON):%H:%M}" for s in found] == ["10:00", "11:00", "12:00"]


def test_is_open_slot_accepts_only_starts_on_the_grid():
    monday = [Opening(0, time(9), time(12))]
    assert is_open_slot(monday, [], LONDON, rules(60), datetime(2026, 3, 30, 9, tzinfo=LONDON))
    assert not is_open_slot(monday, [], LONDON, rules(60), datetime(2026, 3, 30, 9, 30, tzinfo=LONDON))
    assert not is_open_slot(monday, [], LONDON, rules(60), datetime(2026, 3, 30, 11, 30, tzinfo=LONDON))
    assert not is_open_slot(monday, [], LONDON, rules(60), datetime(2026, 3, 31, 9, tzinfo=LONDON))


def test_first_only_stops_at_the_first_open_start():
    found = open_slots(EVERY_DAY_9_TO_10, [], LONDON, [], rules(),
                       datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 4, 28, tzinfo=UTC), first_only=True)
    assert local_times(found, LONDON) == ["2026-03-28 09:00"]
