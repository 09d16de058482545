"""Booking in a real browser: a seeker opens a verified practitioner's profile, picks a
time, and sees it held for payment; the practitioner finds it in their schedule."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from marketplace.booking.models import Booking, BookingStatus
from marketplace.extensions import db
from tests.booking.helpers import clinic_id, london_practitioner, make_seeker, set_hours
from tests.builders import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, base, email, password=PASSWORD):  # noqa: ANN001, ANN201
    page.goto(f"{base}/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_seeker_holds_a_slot_and_the_practitioner_sees_it(app, live_server, browser, page):
    base = live_server
    practitioner = london_practitioner(app)
    # Open every day from 07:00 to 21:00, so there is always something in the next days.
    set_hours(practitioner, {clinic_id(practitioner): {d: [("07:00", "21:00")] for d in range(7)}})
    seeker = make_seeker("sam@example.com")
    practitioner_email = practitioner.user.email

    # The seeker finds the practitioner's profile and opens the booking page.
    sign_in(page, base, seeker.email)
    page.goto(f"{base}/practitioners/{practitioner.id}")
    page.get_by_role("link", name="Book a session").click()
    # The page reloads once with the browser's time zone (tz=…).
    page.wait_for_url(re.compile(r".*/book\?.*tz="))
    assert page.get_by_role("heading", name="Book a session with Lena Hart").is_visible()

    # Picks the first open time with the keyboard-reachable radio, and holds it.
    first = page.locator("input[name=start]").first
    chosen = first.get_attribute("value")
    first.check()
    page.get_by_role("button", name="Hold this time").click()
    page.wait_for_url(re.compile(r".*/bookings/\d+"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert re.search(r"Held for (10|9) minutes", heading) and "pay to confirm" in heading
    assert "Payment is the next step" in page.content()

    db.session.expire_all()
    booking = db.session.scalar(db.select(Booking))
    assert booking.status is BookingStatus.HELD and booking.seeker_id == seeker.id
    assert booking.starts_at.isoformat() == chosen

    # The practitioner signs in elsewhere and sees the held session in their schedule.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    other = context.new_page()
    sign_in(other, base, practitioner_email)
    other.get_by_role("link", name="Schedule").click()
    other.wait_for_load_state()
    local_start = booking.starts_at.astimezone(ZoneInfo("Europe/London"))
    monday = local_start.date() - timedelta(days=local_start.weekday())
    if f"{local_start.day} {local_start:%B}" not in other.content():
        other.goto(f"{base}/practitioner/schedule?view=week&date={monday.isoformat()}")
    content = other.content()
    assert "sam@example.com" in content and "Held for payment" in content
    assert f"{local_start:%H:%M}" in content
    context.close()
