"""A practitioner removing a place where people are booked is told so, and removes it only
on confirming (the bookings then keep the address they were given): on the page, through
the API and in the service."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.booking import services
from marketplace.booking.models import BookingStatus
from marketplace.core.errors import Conflict
from marketplace.extensions import db
from marketplace.practitioners.models import Location
from marketplace.practitioners.services import remove_location, upcoming_bookings_at
from tests.booking.helpers import clinic_id, confirmed_at, hold_at, local, make_seeker
from tests.builders import bearer, login
from tests.pages.helpers import post, text

MONDAY_10 = local(2026, 3, 30, 10)  # London, BST: 09:00Z
TUESDAY_11 = local(2026, 3, 31, 11)


def test_removing_a_place_with_upcoming_bookings_needs_confirming(practitioner, seeker):
    clinic = clinic_id(practitioner)
    confirmed_at(seeker, practitioner, TUESDAY_11)
    hold_at(make_seeker(), practitioner, MONDAY_10)  # held for payment: still expected
    with pytest.raises(Conflict) as caught:
        remove_location(practitioner, clinic)
    message = caught.value.detail
    assert message.startswith("2 upcoming bookings are at London clinic, the first on "
                              "Mon 30 Mar 2026, 10:00 (Europe/London).")
    assert "those people will still come there" in message
    assert caught.value.extensions == {"upcoming_bookings": 2, "first_starts_at": "2026-03-30T09:00:00+00:00"}
    db.session.rollback()
    assert db.session.get(Location, clinic) is not None

    assert remove_location(practitioner, clinic, keep_bookings=True) == 2
    db.session.commit()
    assert db.session.get(Location, clinic) is None


def test_bookings_that_are_over_cancelled_or_expired_do_not_hold_a_place(practitioner, seeker, now, frozen_clock):
    cancelled = confirmed_at(seeker, practitioner, TUESDAY_11)
    services.cancel(cancelled, practitioner.user, reason="Unwell")
    db.session.commit()
    hold_at(make_seeker(), practitioner, MONDAY_10)
    frozen_clock(now + timedelta(minutes=11))  # the hold ran out, not yet swept
    location = db.session.get(Location, clinic_id(practitioner))
    assert upcoming_bookings_at(location) == []

    past = confirmed_at(make_seeker(), practitioner, local(2026, 4, 1, 9))
    frozen_clock(past.ends_at + timedelta(minutes=1))
    assert upcoming_bookings_at(location) == []
    assert remove_location(practitioner, location.id) == 0


def test_the_api_answers_409_until_the_practitioner_keeps_the_bookings(client, practitioner, seeker):
    booking = confirmed_at(seeker, practitioner, MONDAY_10)
    headers = bearer(client, practitioner.user)
    url = f"/api/v1/me/practitioner/locations/{clinic_id(practitioner)}"

    refused = client.delete(url, headers=headers)
    assert refused.status_code == 409
    problem = refused.get_json()
    assert problem["upcoming_bookings"] == 1 and "1 upcoming booking is at London clinic" in problem["detail"]

    assert client.delete(url + "?keep_bookings=true", headers=headers).status_code == 204
    db.session.expire_all()
    assert booking.location_id is None and "London clinic" in booking.place_label
    assert booking.status is BookingStatus.CONFIRMED


def test_the_page_asks_before_removing_a_place_people_are_booked_at(client, practitioner, seeker):
    confirmed_at(seeker, practitioner, MONDAY_10)
    login(client, practitioner.user)
    url = f"/practitioner/locations/{clinic_id(practitioner)}/remove"

    page = text(post(client, url))
    assert "Remove London clinic?" in page and "1 upcoming booking is at London clinic" in page
    assert "Remove anyway" in page and 'href="/practitioner/schedule"' in page
    assert db.session.get(Location, clinic_id(practitioner)) is not None

    done = post(client, url, {"keep_bookings": "1"})
    assert done.status_code == 302
    after = text(client.get(done.headers["Location"]))
    assert "Removed London clinic. The 1 upcoming booking there keeps its address." in after
    assert not practitioner.locations


def test_a_place_nobody_is_booked_at_goes_at_once(client, practitioner):
    login(client, practitioner.user)
    done = post(client, f"/practitioner/locations/{clinic_id(practitioner)}/remove")
    assert done.status_code == 302
    assert "Removed London clinic." in text(client.get(done.headers["Location"]))
