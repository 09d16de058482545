"""A practitioner edits a place: a new name at any time; a new address moves it (search
finds it there at once), but not from under people booked there without confirming: on the
page, through the API and in the service."""

from __future__ import annotations

import pytest

from marketplace.booking.models import BookingStatus
from marketplace.core.errors import Conflict
from marketplace.extensions import db
from marketplace.practitioners.models import Location
from marketplace.practitioners.services import LocationInput, update_location
from tests.booking.helpers import clinic_id, confirmed_at, local
from tests.builders import bearer, login, make_practitioner
from tests.pages.helpers import post, text

MONDAY_10 = local(2026, 3, 30, 10)  # London, BST: 09:00Z
KEEP = dict(address="12 MG Road", city="London", country="")  # the clinic's address as the builder made it


def _search(client, near: str) -> list[dict]:  # noqa: ANN001
    body = client.get("/api/v1/search", query_string={"concern": "back-spasm", "near": near,
                                                       "mode": "in_person"}).get_json()
    return body["results"]


def test_renaming_a_booked_place_keeps_its_point_and_its_bookings(app, practitioner, seeker):
    booking = confirmed_at(seeker, practitioner, MONDAY_10)
    clinic = db.session.get(Location, clinic_id(practitioner))
    before = (clinic.lat, clinic.lon, clinic.resolved_label, clinic.timezone)

    update_location(practitioner, clinic.id, LocationInput(label="Hart Physio, Covent Garden", venue_type="hospital",
                                                           **KEEP), app.extensions["place_resolver"])
    db.session.commit()
    db.session.expire_all()
    clinic = db.session.get(Location, clinic.id)
    assert (clinic.label, clinic.venue_type.value) == ("Hart Physio, Covent Garden", "hospital")
    assert (clinic.lat, clinic.lon, clinic.resolved_label, clinic.timezone) == before  # not looked up again
    assert booking.status is BookingStatus.CONFIRMED and booking.location_id == clinic.id


def test_moving_a_booked_place_needs_confirming_then_search_finds_it_there(app, client, practitioner, seeker):
    booking = confirmed_at(seeker, practitioner, MONDAY_10)
    given = booking.place_label
    to_manchester = LocationInput(label="London clinic", venue_type="clinic", address="1 Deansgate",
                                  city="Manchester", country="United Kingdom")
    with pytest.raises(Conflict) as caught:
        update_location(practitioner, clinic_id(practitioner), to_manchester, app.extensions["place_resolver"])
    assert caught.value.detail.startswith("1 upcoming booking is at London clinic, the first on Mon 30 Mar 2026")
    assert "move it anyway: that booking keeps its address" in caught.value.detail
    db.session.rollback()
    assert [r["practitioner"]["id"] for r in _search(client, "London")] == [practitioner.id]

    update_location(practitioner, clinic_id(practitioner), to_manchester, app.extensions["place_resolver"],
                    keep_bookings=True)
    db.session.commit()
    assert _search(client, "London") == []
    [found] = _search(client, "Manchester")
    assert found["practitioner"]["id"] == practitioner.id and found["distance_km"] < 5
    db.session.expire_all()
    assert booking.place_label == given and booking.status is BookingStatus.CONFIRMED


def test_the_edit_page_is_filled_in_and_asks_before_moving_a_booked_place(client, practitioner, seeker):
    confirmed_at(seeker, practitioner, MONDAY_10)
    login(client, practitioner.user)
    assert f'/practitioner/locations/{clinic_id(practitioner)}/edit"' in text(client.get("/practitioner/locations"))
    url = f"/practitioner/locations/{clinic_id(practitioner)}/edit"
    page = text(client.get(url))
    assert 'value="London clinic"' in page and 'value="12 MG Road"' in page and 'value="London"' in page

    fields = {"label": "London clinic", "venue_type": "clinic", "address": "1 Deansgate", "city": "Manchester",
              "country": "United Kingdom"}
    asked = text(post(client, url, fields))
    assert "Move London clinic?" in asked and "1 upcoming booking is at London clinic" in asked
    assert 'name="keep_bookings" value="1"' in asked and "Move it anyway" in asked
    assert db.session.get(Location, clinic_id(practitioner)).city == "London"

    done = post(client, url, {**fields, "keep_bookings": "1"})
    assert done.status_code == 302
    assert "Saved London clinic (Manchester" in text(client.get(done.headers["Location"]))
    assert db.session.get(Location, clinic_id(practitioner)).city == "Manchester"


def test_the_api_moves_a_place_and_guards_its_bookings(client, practitioner, seeker):
    confirmed_at(seeker, practitioner, MONDAY_10)
    headers = bearer(client, practitioner.user)
    url = f"/api/v1/me/practitioner/locations/{clinic_id(practitioner)}"
    point = {"label": "Camden rooms", "venue_type": "clinic", "lat": 51.5390, "lon": -0.1426}

    refused = client.put(url, json=point, headers=headers)
    assert refused.status_code == 409 and refused.get_json()["upcoming_bookings"] == 1
    moved = client.put(url + "?keep_bookings=true", json=point, headers=headers)
    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()
    assert (body["label"], body["lat"], body["lon"]) == ("Camden rooms", 51.5390, -0.1426)
    assert body["resolved_label"].startswith("51.53900, -0.14260 (near ")

    other = make_practitioner(display_name="Other")
    assert client.put(f"/api/v1/me/practitioner/locations/{other.locations[0].id}", json=point,
                      headers=headers).status_code == 404
