"""The booking API: slots, holds, the seeker's and practitioner's bookings, cancellation
and rescheduling under the policy, attendance, and availability editing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from marketplace.booking.models import Booking, BookingStatus, WeeklyHours
from marketplace.extensions import db
from tests.booking.helpers import UTC, clinic_id, confirmed_at, hold_at, local, make_seeker
from tests.builders import bearer, make_admin, make_practitioner, make_user, make_verified_practitioner


@pytest.fixture
def seeker_headers(client, seeker):  # noqa: ANN001, ANN201
    return bearer(client, seeker)


@pytest.fixture
def owner_headers(client, practitioner):  # noqa: ANN001, ANN201
    return bearer(client, practitioner.user)


def _hold(client, headers, practitioner, start="2026-03-30T10:00:00+01:00", **extra):  # noqa: ANN001, ANN003, ANN202
    body = {"practitioner_id": practitioner.id, "start": start, "location_id": clinic_id(practitioner),
            "fee_label": "Consultation", **extra}
    return client.post("/api/v1/bookings", json=body, headers=headers)


# --- slots ----------------------------------------------------------------------------------

def test_slots_are_iso_8601_with_the_places_offset_on_both_sides_of_the_clock_change(client, practitioner):
    response = client.get(f"/api/v1/practitioners/{practitioner.id}/slots",
                          query_string={"from": "2026-03-27", "to": "2026-03-31", "location_id": clinic_id(practitioner)})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["minutes"] == 60 and data["fee_label"] == "Consultation" and data["from"].startswith("2026-03-27")
    starts = [s["start"] for s in data["slots"]]
    assert "2026-03-27T09:00:00Z" in starts or "2026-03-27T09:00:00+00:00" in starts  # Friday, GMT
    assert "2026-03-30T09:00:00+01:00" in starts  # Monday, BST: still 09:00 local
    assert all(s["location_id"] == clinic_id(practitioner) and not s["online"] for s in data["slots"])
    assert {p["label"] for p in data["places"]} == {"London clinic", "Online"}


def test_slots_can_be_asked_for_online_only_and_for_another_fee(client, practitioner):
    data = client.get(f"/api/v1/practitioners/{practitioner.id}/slots",
                      query_string={"from": "2026-03-30T00:00:00+01:00", "to": "2026-03-31T00:00:00+01:00",
                                    "online": "true", "fee_label": "Short session"}).get_json()
    assert data["minutes"] == 30
    assert [s["start"] for s in data["slots"]] == [
        "2026-03-30T18:00:00+01:00", "2026-03-30T18:30:00+01:00", "2026-03-30T19:00:00+01:00",
        "2026-03-30T19:30:00+01:00"]
    assert all(s["online"] and s["location_id"] is None and s["timezone"] == "Europe/London" for s in data["slots"])


def test_slots_leave_out_held_times(client, practitioner, seeker):
    hold_at(seeker, practitioner, local(2026, 3, 30, 10))
    data = client.get(f"/api/v1/practitioners/{practitioner.id}/slots",
                      query_string={"from": "2026-03-30", "to": "2026-03-31"}).get_json()
    starts = [s["start"] for s in data["slots"]]
    assert "2026-03-30T10:00:00+01:00" not in starts and "2026-03-30T11:00:00+01:00" in starts


def test_slots_of_a_hidden_practitioner_are_not_found(client, app, now):
    hidden = make_practitioner(display_name="Hidden")
    assert client.get(f"/api/v1/practitioners/{hidden.id}/slots").status_code == 404
    assert client.get("/api/v1/practitioners/999999/slots").status_code == 404


@pytest.mark.parametrize("query, field", [
    ({"from": "2026-03-30", "to": "2026-03-29"}, "to"),
    ({"from": "2026-03-30", "to": "2026-07-30"}, "to"),
    ({"from": "2026-03-30T09:00:00"}, "from"),
    ({"fee_label": "Massage"}, "fee_label"),
    ({"location_id": 999999}, "location_id"),
    ({"when": "soon"}, "when"),
])
def test_bad_slot_queries_answer_400_naming_the_field(client, practitioner, query, field):
    response = client.get(f"/api/v1/practitioners/{practitioner.id}/slots", query_string=query)
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]


# --- holding ------------------------------------------------------------------------------------

def test_a_seeker_holds_a_slot_and_gets_201_with_the_hold(client, practitioner, seeker_headers, now):
    response = _hold(client, seeker_headers, practitioner)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["status"] == "held" and data["start"] == "2026-03-30T10:00:00+01:00"
    assert data["amount"] == 7500 and data["currency"] == "GBP"
    assert datetime.fromisoformat(data["hold_expires_at"].replace("Z", "+00:00")) == now + timedelta(minutes=10)
    assert data["terms"]["refund_percent"] == 100


def test_a_taken_slot_answers_409(client, practitioner, seeker_headers):
    assert _hold(client, seeker_headers, practitioner).status_code == 201
    other = bearer(client, make_seeker())
    response = _hold(client, other, practitioner)
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    overlapping = _hold(client, other, practitioner, start="2026-03-30T10:30:00+01:00", fee_label="Short session")
    assert overlapping.status_code == 409


def test_only_seekers_book(client, practitioner, owner_headers):
    assert _hold(client, owner_headers, practitioner).status_code == 403
    assert _hold(client, {}, practitioner).status_code == 401
    assert _hold(client, bearer(client, make_admin()), practitioner).status_code == 403


@pytest.mark.parametrize("change, field", [
    ({"start": "2026-03-30T10:00:00"}, "start"),
    ({"start": "2026-03-30T10:20:00+01:00"}, "start"),
    ({"fee_label": "Massage"}, "fee_label"),
    ({"location_id": None}, "body"),
    ({"online": True}, "body"),
])
def test_bad_holds_answer_400_naming_the_field(client, practitioner, seeker_headers, change, field):
    response = _hold(client, seeker_headers, practitioner, **change)
    assert response.status_code == 400
    assert any(key == field or key.startswith(field) for key in response.get_json()["errors"]), response.get_json()


def test_booking_a_hidden_practitioner_is_not_found(client, app, now, seeker_headers):
    hidden = make_practitioner(display_name="Hidden")
    response = client.post("/api/v1/bookings", headers=seeker_headers, json={
        "practitioner_id": hidden.id, "start": "2026-03-30T10:00:00+01:00", "location_id": hidden.locations[0].id})
    assert response.status_code == 404


# --- reading bookings ------------------------------------------------------------------------

def test_seekers_and_practitioners_see_their_own_bookings_and_nobody_elses(client, practitioner, seeker,
                                                                           seeker_headers, owner_headers):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10))
    mine = client.get("/api/v1/bookings", headers=seeker_headers).get_json()
    assert [b["id"] for b in mine["items"]] == [booking.id] and mine["total"] == 1
    theirs = client.get("/api/v1/bookings?when=upcoming", headers=owner_headers).get_json()
    assert [b["id"] for b in theirs["items"]] == [booking.id]
    assert theirs["items"][0]["seeker_email"] == seeker.email
    assert client.get(f"/api/v1/bookings/{booking.id}", headers=seeker_headers).status_code == 200
    stranger = bearer(client, make_seeker())
    assert client.get(f"/api/v1/bookings/{booking.id}", headers=stranger).status_code == 404
    assert client.get("/api/v1/bookings", headers=stranger).get_json()["items"] == []
    other_practitioner = bearer(client, make_practitioner(display_name="Other").user)
    assert client.get(f"/api/v1/bookings/{booking.id}", headers=other_practitioner).status_code == 404


def test_an_expired_hold_reads_as_released(client, practitioner, seeker, seeker_headers, now, frozen_clock):
    booking = hold_at(seeker, practitioner, local(2026, 3, 30, 10))
    frozen_clock(now + timedelta(minutes=11))
    data = client.get(f"/api/v1/bookings/{booking.id}", headers=seeker_headers).get_json()
    assert data["status"] == "released"
    listed = client.get("/api/v1/bookings?status=released", headers=seeker_headers).get_json()
    assert [b["id"] for b in listed["items"]] == [booking.id]


# --- cancelling ---------------------------------------------------------------------------------

def test_cancelling_before_the_cut_off_refunds_in_full(client, practitioner, seeker, seeker_headers, outbox):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10))
    outbox.clear()
    response = client.post(f"/api/v1/bookings/{booking.id}/cancel", headers=seeker_headers, json={"reason": "Feeling better"})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["status"] == "cancelled" and data["refund_percent"] == 100 and data["cancelled_by"] == "seeker"
    assert sorted(m.to for m in outbox) == sorted([seeker.email, practitioner.user.email])
    again = client.post(f"/api/v1/bookings/{booking.id}/cancel", headers=seeker_headers)
    assert again.status_code == 409


def test_cancelling_after_the_cut_off_follows_the_late_policy(client, practitioner, seeker, seeker_headers,
                                                              frozen_clock):
    from tests.booking.helpers import set_hours

    set_hours(practitioner, late_cancellation_refund_percent=50, cancellation_cutoff_hours=48)
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 26, 10))  # tomorrow: inside 48 h
    terms = client.get(f"/api/v1/bookings/{booking.id}", headers=seeker_headers).get_json()["terms"]
    assert terms["refund_percent"] == 50 and "48 hours" in terms["reason"]
    data = client.post(f"/api/v1/bookings/{booking.id}/cancel", headers=seeker_headers).get_json()
    assert data["refund_percent"] == 50


def test_a_practitioner_cancelling_always_refunds_in_full(client, practitioner, seeker, owner_headers):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 25, 15))  # today, inside the cut-off
    data = client.post(f"/api/v1/bookings/{booking.id}/cancel", headers=owner_headers,
                       json={"reason": "I am unwell"}).get_json()
    assert data["refund_percent"] == 100 and data["cancelled_by"] == "practitioner"


def test_a_session_that_has_started_cannot_be_cancelled(client, practitioner, seeker, seeker_headers, frozen_clock):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 25, 10))
    frozen_clock(local(2026, 3, 25, 10, 5).astimezone(UTC))
    assert client.post(f"/api/v1/bookings/{booking.id}/cancel", headers=seeker_headers).status_code == 409


def test_a_stranger_cannot_cancel(client, practitioner, seeker):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10))
    stranger = bearer(client, make_seeker())
    assert client.post(f"/api/v1/bookings/{booking.id}/cancel", headers=stranger).status_code == 404
    assert booking.status is BookingStatus.CONFIRMED


# --- rescheduling -------------------------------------------------------------------------------

def test_a_seeker_moves_a_booking_before_the_cut_off(client, practitioner, seeker, seeker_headers, outbox):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10))
    outbox.clear()
    response = client.post(f"/api/v1/bookings/{booking.id}/reschedule", headers=seeker_headers,
                           json={"start": "2026-03-31T14:00:00+01:00"})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["status"] == "confirmed" and data["rescheduled_from_id"] == booking.id
    assert data["start"] == "2026-03-31T14:00:00+01:00" and data["amount"] == 7500
    old = client.get(f"/api/v1/bookings/{booking.id}", headers=seeker_headers).get_json()
    assert old["status"] == "rescheduled" and old["rescheduled_to_id"] == data["id"]
    assert sorted(m.to for m in outbox) == sorted([seeker.email, practitioner.user.email])
    assert all("moved" in m.subject.lower() for m in outbox)
    # The old time is free again.
    assert hold_at(make_seeker(), practitioner, local(2026, 3, 30, 10)).status is BookingStatus.HELD


def test_moving_by_half_its_length_overlaps_only_itself_and_is_allowed(client, practitioner, seeker, seeker_headers):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10, 30), fee_label="Short session")
    response = client.post(f"/api/v1/bookings/{booking.id}/reschedule", headers=seeker_headers,
                           json={"start": "2026-03-30T10:00:00+01:00"})
    assert response.status_code == 200, response.get_json()


def test_after_the_cut_off_a_seeker_cannot_move_but_the_practitioner_can(client, practitioner, seeker,
                                                                         seeker_headers, owner_headers):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 25, 15))
    refused = client.post(f"/api/v1/bookings/{booking.id}/reschedule", headers=seeker_headers,
                          json={"start": "2026-03-30T10:00:00+01:00"})
    assert refused.status_code == 409
    moved = client.post(f"/api/v1/bookings/{booking.id}/reschedule", headers=owner_headers,
                        json={"start": "2026-03-30T10:00:00+01:00"})
    assert moved.status_code == 200


def test_moving_onto_a_taken_slot_answers_409_and_leaves_the_booking(client, practitioner, seeker, seeker_headers):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10))
    hold_at(make_seeker(), practitioner, local(2026, 3, 31, 10))
    response = client.post(f"/api/v1/bookings/{booking.id}/reschedule", headers=seeker_headers,
                           json={"start": "2026-03-31T10:00:00+01:00"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status is BookingStatus.CONFIRMED


# --- after the session ------------------------------------------------------------------------

def test_only_the_practitioner_marks_attended_or_no_show_once_it_started(client, practitioner, seeker, seeker_headers,
                                                                         owner_headers, frozen_clock):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 25, 10))
    early = client.post(f"/api/v1/bookings/{booking.id}/attended", headers=owner_headers)
    assert early.status_code == 409
    frozen_clock(local(2026, 3, 25, 11, 5).astimezone(UTC))
    assert client.post(f"/api/v1/bookings/{booking.id}/attended", headers=seeker_headers).status_code == 403
    response = client.post(f"/api/v1/bookings/{booking.id}/no-show", headers=owner_headers)
    assert response.status_code == 200 and response.get_json()["status"] == "no_show"
    corrected = client.post(f"/api/v1/bookings/{booking.id}/attended", headers=owner_headers)
    assert corrected.get_json()["status"] == "attended"
    other = bearer(client, make_practitioner(display_name="Other").user)
    assert client.post(f"/api/v1/bookings/{booking.id}/no-show", headers=other).status_code == 404


def test_a_held_booking_cannot_be_marked(client, practitioner, seeker, owner_headers, frozen_clock):
    booking = hold_at(seeker, practitioner, local(2026, 3, 25, 10))
    frozen_clock(local(2026, 3, 25, 11).astimezone(UTC))
    assert client.post(f"/api/v1/bookings/{booking.id}/attended", headers=owner_headers).status_code == 409


# --- availability -------------------------------------------------------------------------------

def test_a_practitioner_reads_and_replaces_their_availability(client, practitioner, owner_headers):
    data = client.get("/api/v1/me/practitioner/availability", headers=owner_headers).get_json()
    assert data["settings"]["cancellation_cutoff_hours"] == 24 and data["settings"]["timezone"] == "Europe/London"
    assert {"location_id": clinic_id(practitioner), "weekday": 0, "start": "09:00", "end": "17:00"} in data["weekly_hours"]
    body = {"settings": {**data["settings"], "buffer_minutes": 15, "hold_minutes": 15},
            "weekly_hours": [{"location_id": clinic_id(practitioner), "weekday": 2, "start": "10:00", "end": "12:00"},
                             {"location_id": None, "weekday": 2, "start": "19:00", "end": "21:00"}]}
    response = client.put("/api/v1/me/practitioner/availability", headers=owner_headers, json=body)
    assert response.status_code == 200, response.get_json()
    saved = response.get_json()
    assert saved["settings"]["buffer_minutes"] == 15 and len(saved["weekly_hours"]) == 2


@pytest.mark.parametrize("hours, settings, field", [
    ([{"location_id": None, "weekday": 1, "start": "10:00", "end": "09:00"}], {}, "weekly_hours.0.end"),
    ([{"location_id": 999999, "weekday": 1, "start": "10:00", "end": "12:00"}], {}, "weekly_hours.0.location_id"),
    ([{"location_id": None, "weekday": 1, "start": "10:00", "end": "12:00"},
      {"location_id": None, "weekday": 1, "start": "11:00", "end": "13:00"}], {}, "weekly_hours.1.start"),
    ([], {"timezone": "Mars/Olympus"}, "settings.timezone"),
    ([{"location_id": None, "weekday": 7, "start": "10:00", "end": "12:00"}], {}, "weekly_hours.0.weekday"),
    ([], {"late_cancellation_refund_percent": 120}, "settings.late_cancellation_refund_percent"),
])
def test_bad_availability_answers_400_naming_the_field(client, practitioner, owner_headers, hours, settings, field):
    body = {"settings": {"timezone": "Europe/London", **settings}, "weekly_hours": hours}
    response = client.put("/api/v1/me/practitioner/availability", headers=owner_headers, json=body)
    assert response.status_code == 400
    assert field in response.get_json()["errors"], response.get_json()


def test_exceptions_can_be_added_changed_listed_and_removed(client, practitioner, owner_headers):
    url = "/api/v1/me/practitioner/availability/exceptions"
    created = client.post(url, headers=owner_headers, json={"starts_on": "2026-04-03", "ends_on": "2026-04-06",
                                                            "reason": "Easter"})
    assert created.status_code == 201, created.get_json()
    row = created.get_json()
    assert row["kind"] == "closed" and row["applies_to"] == "everywhere"
    slots = client.get(f"/api/v1/practitioners/{practitioner.id}/slots",
                       query_string={"from": "2026-04-03", "to": "2026-04-07"}).get_json()["slots"]
    assert slots == []
    changed = client.put(f"{url}/{row['id']}", headers=owner_headers,
                         json={"kind": "open", "starts_on": "2026-04-04", "location_id": clinic_id(practitioner),
                               "start_time": "10:00", "end_time": "12:00"})
    assert changed.status_code == 200 and changed.get_json()["applies_to"] == "London clinic"
    assert len(client.get(url, headers=owner_headers).get_json()["items"]) == 1
    assert client.delete(f"{url}/{row['id']}", headers=owner_headers).status_code == 204
    assert client.get(url, headers=owner_headers).get_json()["items"] == []
    bad = client.post(url, headers=owner_headers, json={"kind": "open", "starts_on": "2026-04-04"})
    assert bad.status_code == 400 and "location_id" in bad.get_json()["errors"]
    other = bearer(client, make_practitioner(display_name="Other").user)
    assert client.delete(f"{url}/{row['id']}", headers=other).status_code == 404


def test_availability_is_for_practitioners_only(client, practitioner, seeker_headers):
    assert client.get("/api/v1/me/practitioner/availability", headers=seeker_headers).status_code == 403
    no_listing = bearer(client, make_user("practitioner"))
    assert client.get("/api/v1/me/practitioner/availability", headers=no_listing).status_code == 404


@pytest.mark.parametrize("start", ["9999-12-31T23:59:00+00:00", "0001-01-01T00:00:00+01:00",
                                   "2027-06-01T10:00:00+01:00"])
def test_absurd_times_answer_400_not_500(client, practitioner, seeker_headers, start):
    assert _hold(client, seeker_headers, practitioner, start=start).status_code == 400
    slots = client.get(f"/api/v1/practitioners/{practitioner.id}/slots", query_string={"from": start})
    assert slots.status_code in (200, 400)


def test_an_online_only_practitioner_works_to_their_declared_countrys_clock(client, app, now):
    """With no place to take a zone from, online hours were read in UTC: an Indian physio's
    09:00 was offered at 14:30 in India. The country they declare gives the clock."""
    video = make_verified_practitioner(app, display_name="Video from Pune", modalities=("physiotherapy",),
                                       concerns=("sciatica",), offers_online=True, city=None, country_code="IN",
                                       fees=(("Video call", 45, 150000, "INR"),))
    data = client.get("/api/v1/me/practitioner/availability", headers=bearer(client, video.user)).get_json()
    assert data["settings"]["timezone"] == "Asia/Kolkata"  # what the hours editor starts from
    assert [(p["online"], p["timezone"]) for p in data["places"]] == [(True, "Asia/Kolkata")]

    # Hours on file before any settings were saved (as an import writes them): Mondays 09:00-10:00.
    db.session.add(WeeklyHours(practitioner_id=video.id, location_id=None, weekday=0, start_time=time(9),
                               end_time=time(10)))
    db.session.commit()
    slots = client.get(f"/api/v1/practitioners/{video.id}/slots",
                       query_string={"from": "2026-03-30", "to": "2026-03-31", "online": "true"}).get_json()
    assert [s["start"] for s in slots["slots"]] == ["2026-03-30T09:00:00+05:30"]
    found = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Mumbai",
                                                        "mode": "online"}).get_json()
    [result] = found["results"]
    assert datetime.fromisoformat(result["next_available"]) == datetime(2026, 3, 30, 3, 30, tzinfo=UTC)

    unstated = make_verified_practitioner(app, display_name="Video Anywhere", offers_online=True, city=None)
    data = client.get("/api/v1/me/practitioner/availability", headers=bearer(client, unstated.user)).get_json()
    assert data["settings"]["timezone"] == "UTC"  # nothing to go on: they choose in the editor
