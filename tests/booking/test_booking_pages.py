"""The booking pages: a seeker books from the profile, sees the hold, manages their
bookings; a practitioner edits availability and works from their schedule."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.booking.models import Booking, BookingStatus, WeeklyHours
from marketplace.extensions import db
from tests.booking.helpers import UTC, clinic_id, confirmed_at, hold_at, local, make_seeker
from tests.builders import login, make_practitioner
from tests.pages.helpers import post, text


def _slot_values(html: str) -> list[str]:
    return re.findall(r'name="start"[^>]*value="([^"]+)"', html)


# --- booking as a seeker ---------------------------------------------------------------------

def test_the_profile_links_to_booking(client, practitioner):
    html = text(client.get(f"/practitioners/{practitioner.id}"))
    assert f"/practitioners/{practitioner.id}/book" in html and "Book a session" in html


def test_the_book_page_lists_open_times_by_day_in_local_time(client, practitioner, seeker):
    login(client, seeker)
    html = text(client.get(f"/practitioners/{practitioner.id}/book"))
    assert "Book a session with Lena Hart" in html
    assert "Wednesday 25 March" in html and "Monday 30 March" in html
    assert "Saturday 28 March" not in html  # closed at weekends
    values = _slot_values(html)
    assert "2026-03-30T09:00:00+00:00" in values  # 10:00 BST, sent as UTC
    assert ">10:00</time>" in html
    assert "Hold this time" in html and "Europe/London" in html
    assert re.search(r"Times are local to [^<]+ \(Europe/London\)", html)
    assert "Free cancellation or changes until 24 hours before" in html


def test_the_seekers_own_time_shows_when_it_differs(client, practitioner, seeker):
    login(client, seeker)
    html = text(client.get(f"/practitioners/{practitioner.id}/book?tz=Asia/Kolkata"))
    assert "your time" in html and "(14:30 your time)" in html  # 09:00 GMT = 14:30 IST on 25 March
    same = text(client.get(f"/practitioners/{practitioner.id}/book?tz=Europe/London"))
    assert "your time)" not in same
    bogus = client.get(f"/practitioners/{practitioner.id}/book?tz=Not/AZone")
    assert bogus.status_code == 200


def test_online_and_other_fees_can_be_chosen(client, practitioner, seeker):
    login(client, seeker)
    html = text(client.get(f"/practitioners/{practitioner.id}/book",
                           query_string={"place": "online", "fee": "Short session"}))
    values = _slot_values(html)
    assert "2026-03-25T18:30:00+00:00" in values  # 30-minute grid in the online evening hours
    assert 'name="place" value="online"' in html


def test_a_seeker_holds_a_slot_and_sees_it_held_with_its_expiry(client, practitioner, seeker):
    login(client, seeker)
    response = post(client, f"/practitioners/{practitioner.id}/book",
                    {"start": "2026-03-30T09:00:00+00:00", "fee": "Consultation",
                     "place": f"location-{clinic_id(practitioner)}", "tz": "Asia/Kolkata"})
    assert response.status_code == 302
    booking = db.session.scalar(select(Booking))
    assert booking.status is BookingStatus.HELD and booking.seeker_id == seeker.id
    assert f"/bookings/{booking.id}" in response.headers["Location"] and "tz=Asia" in response.headers["Location"]
    html = text(client.get(response.headers["Location"]))
    assert "Held for 10 minutes" in html and "pay to confirm" in html
    assert "Payment is the next step" in html and "08:10" in html  # hold ends 08:10 GMT
    assert "Mon 30 Mar 2026, 10:00" in html and "14:30 your time" in html


def test_a_taken_slot_is_explained_on_the_page(client, practitioner, seeker):
    hold_at(make_seeker(), practitioner, local(2026, 3, 30, 10))
    login(client, seeker)
    response = post(client, f"/practitioners/{practitioner.id}/book",
                    {"start": "2026-03-30T09:00:00+00:00", "fee": "Consultation",
                     "place": f"location-{clinic_id(practitioner)}"})
    assert response.status_code == 409
    assert "just been taken" in text(response)


def test_only_seekers_can_hold_from_the_page(client, practitioner):
    anonymous = text(client.get(f"/practitioners/{practitioner.id}/book"))
    assert "Sign in to book" in anonymous and "Hold this time" not in anonymous
    login(client, practitioner.user)
    assert "Only seeker accounts can book" in text(client.get(f"/practitioners/{practitioner.id}/book"))
    response = post(client, f"/practitioners/{practitioner.id}/book", {"start": "2026-03-30T09:00:00+00:00"})
    assert response.status_code == 403


def test_a_hidden_practitioners_book_page_is_not_found(client, app, now):
    hidden = make_practitioner(display_name="Hidden")
    assert client.get(f"/practitioners/{hidden.id}/book").status_code == 404


def test_my_bookings_lists_upcoming_and_past(client, practitioner, seeker, now, frozen_clock):
    upcoming = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10))
    expired = hold_at(seeker, practitioner, local(2026, 3, 31, 10))
    frozen_clock(now + timedelta(minutes=20))
    login(client, seeker)
    html = text(client.get("/bookings"))
    assert "My bookings" in html and "Lena Hart" in html
    coming_up, _, past = html.partition("Past, cancelled and released")
    assert f"/bookings/{upcoming.id}/cancel" in coming_up
    assert f"/bookings/{expired.id}" in past and "Released" in past


def test_cancel_page_shows_the_consequence_before_confirming(client, practitioner, seeker):
    from tests.booking.helpers import set_hours

    set_hours(practitioner, late_cancellation_refund_percent=50)
    late = confirmed_at(seeker, practitioner, local(2026, 3, 25, 15))
    early = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10))
    login(client, seeker)
    late_html = text(client.get(f"/bookings/{late.id}/cancel"))
    assert "refunds 50%" in late_html and "£37.50 back" in late_html
    early_html = text(client.get(f"/bookings/{early.id}/cancel"))
    assert "full refund" in early_html and "£75.00 back" in early_html
    response = post(client, f"/bookings/{early.id}/cancel", {"reason": "Feeling better"})
    assert response.status_code == 302
    db.session.expire_all()
    assert early.status is BookingStatus.CANCELLED and early.refund_percent == 100


def test_reschedule_page_moves_a_booking(client, practitioner, seeker):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10))
    login(client, seeker)
    html = text(client.get(f"/bookings/{booking.id}/reschedule"))
    assert "Changes are free until" in html
    assert "2026-03-30T09:00:00+00:00" not in _slot_values(html)
    response = post(client, f"/bookings/{booking.id}/reschedule", {"start": "2026-03-31T13:00:00+00:00"})
    assert response.status_code == 302
    moved = db.session.scalar(select(Booking).where(Booking.rescheduled_from_id == booking.id))
    assert moved.starts_at == local(2026, 3, 31, 14).astimezone(UTC)
    assert "confirmed" in text(client.get(response.headers["Location"])).lower()


def test_reschedule_page_explains_when_it_is_too_late(client, practitioner, seeker):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 25, 15))
    login(client, seeker)
    html = text(client.get(f"/bookings/{booking.id}/reschedule"))
    assert "Changes were free until" in html and 'name="start"' not in html


def test_other_peoples_bookings_are_not_found(client, practitioner, seeker):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10))
    login(client, make_seeker())
    for url in (f"/bookings/{booking.id}", f"/bookings/{booking.id}/cancel", f"/bookings/{booking.id}/reschedule"):
        assert client.get(url).status_code == 404, url


# --- the practitioner's side ---------------------------------------------------------------------

def test_nav_links_for_each_role(client, practitioner, seeker):
    login(client, seeker)
    assert "My bookings" in text(client.get("/"))
    login(client, practitioner.user)
    html = text(client.get("/practitioner/"))
    assert "Availability" in html and "Schedule" in html and "My bookings" not in html


def test_practitioner_pages_need_a_practitioner(client, seeker):
    for url in ("/practitioner/availability", "/practitioner/schedule"):
        assert client.get(url).status_code == 302
    login(client, seeker)
    for url in ("/practitioner/availability", "/practitioner/schedule"):
        assert client.get(url).status_code == 403


def _availability_form(practitioner, **changes) -> dict:  # noqa: ANN001
    clinic = f"loc{clinic_id(practitioner)}"
    data = {f"hours_{clinic}_{d}": "" for d in range(7)} | {f"hours_online_{d}": "" for d in range(7)}
    data |= {
        f"hours_{clinic}_0": "09:00-13:00, 14:00-18:00", f"hours_{clinic}_2": "9-12", "hours_online_4": "18:00-20:00",
        "settings-timezone": "Europe/London", "settings-buffer_minutes": "10", "settings-min_notice_minutes": "120",
        "settings-max_days_ahead": "30", "settings-cancellation_cutoff_hours": "48",
        "settings-late_cancellation_refund_percent": "25", "settings-hold_minutes": "15",
    }
    data.update(changes)
    return data


def test_the_availability_editor_shows_and_saves_hours_and_rules(client, practitioner):
    login(client, practitioner.user)
    html = text(client.get("/practitioner/availability"))
    assert "09:00-17:00" in html and "18:00-20:00" in html and "London clinic" in html
    response = post(client, "/practitioner/availability", _availability_form(practitioner))
    assert response.status_code == 302, text(response)
    rows = db.session.scalars(select(WeeklyHours).where(WeeklyHours.practitioner_id == practitioner.id)).all()
    assert sorted((r.location_id or 0, r.weekday, f"{r.start_time:%H:%M}", f"{r.end_time:%H:%M}") for r in rows) == sorted([
        (clinic_id(practitioner), 0, "09:00", "13:00"), (clinic_id(practitioner), 0, "14:00", "18:00"),
        (clinic_id(practitioner), 2, "09:00", "12:00"), (0, 4, "18:00", "20:00")])
    html = text(client.get("/practitioner/availability"))
    assert "09:00-13:00, 14:00-18:00" in html and 'value="48"' in html


def test_the_availability_editor_shows_errors_on_the_right_box(client, practitioner):
    login(client, practitioner.user)
    clinic = f"loc{clinic_id(practitioner)}"
    response = post(client, "/practitioner/availability",
                    _availability_form(practitioner, **{f"hours_{clinic}_1": "nine to five"}))
    assert response.status_code == 400
    assert "Could not read" in text(response) and f'id="hours_{clinic}_1-error"' in text(response)
    overlap = post(client, "/practitioner/availability",
                   _availability_form(practitioner, **{f"hours_{clinic}_1": "09:00-12:00, 11:00-13:00"}))
    assert overlap.status_code == 400 and "Overlaps another range" in text(overlap)
    bad_zone = post(client, "/practitioner/availability",
                    _availability_form(practitioner, **{"settings-late_cancellation_refund_percent": "150"}))
    assert bad_zone.status_code == 400


def test_exceptions_are_added_and_removed_from_the_page(client, practitioner):
    login(client, practitioner.user)
    response = post(client, "/practitioner/availability/exceptions",
                    {"applies_to": "all", "kind": "closed", "starts_on": "2026-04-03", "ends_on": "2026-04-06",
                     "reason": "Easter break"})
    assert response.status_code == 302
    html = text(client.get("/practitioner/availability"))
    assert "Easter break" in html and "03 Apr 2026" in html
    exception_id = re.search(r"/practitioner/availability/exceptions/(\d+)/remove", html).group(1)
    bad = post(client, "/practitioner/availability/exceptions",
               {"applies_to": "all", "kind": "open", "starts_on": "2026-04-04"})
    assert bad.status_code == 400 and "Extra hours need a place" in text(bad)
    removed = post(client, f"/practitioner/availability/exceptions/{exception_id}/remove")
    assert removed.status_code == 302
    assert "Easter break" not in text(client.get("/practitioner/availability"))


def test_the_schedule_shows_the_day_and_week_and_marks_attendance(client, practitioner, seeker, frozen_clock):
    today = confirmed_at(seeker, practitioner, local(2026, 3, 25, 10))
    monday = confirmed_at(make_seeker(), practitioner, local(2026, 3, 30, 10))
    login(client, practitioner.user)
    week = text(client.get("/practitioner/schedule?view=week&date=2026-03-25"))
    assert seeker.email in week and "Wednesday 25 March 2026" in week and "Monday 30 March" not in week
    day = text(client.get("/practitioner/schedule?view=day&date=2026-03-30"))
    assert monday.seeker.email in day and seeker.email not in day
    frozen_clock(local(2026, 3, 25, 11, 5).astimezone(UTC))
    html = text(client.get("/practitioner/schedule?view=day&date=2026-03-25"))
    assert "Mark attended" in html and "No-show" in html
    response = post(client, f"/practitioner/bookings/{today.id}/attended", {"view": "day"})
    assert response.status_code == 302 and "date=2026-03-25" in response.headers["Location"]
    db.session.expire_all()
    assert today.status is BookingStatus.ATTENDED
    intruder = make_practitioner(display_name="Intruder")
    login(client, intruder.user)
    assert post(client, f"/practitioner/bookings/{monday.id}/no-show").status_code == 404


@pytest.mark.parametrize("date", ["", "not-a-date", "2026-13-40"])
def test_the_schedule_survives_odd_dates(client, practitioner, date):
    login(client, practitioner.user)
    assert client.get(f"/practitioner/schedule?date={date}").status_code == 200


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:00+00:00", "soon", ""])
def test_absurd_times_posted_to_the_book_page_are_refused_politely(client, practitioner, seeker, start):
    login(client, seeker)
    response = post(client, f"/practitioners/{practitioner.id}/book",
                    {"start": start, "fee": "Consultation", "place": f"location-{clinic_id(practitioner)}"})
    assert response.status_code == 400


def test_the_schedule_survives_far_dates(client, practitioner):
    login(client, practitioner.user)
    assert client.get("/practitioner/schedule?date=9999-12-31").status_code == 200
    assert client.get("/practitioner/schedule?date=0001-01-01&view=week").status_code == 200
