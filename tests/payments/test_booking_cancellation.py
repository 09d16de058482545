"""Cancelling a booking from the booking pages or API cancels its order too: a paid
session is refunded by the practitioner's policy (through Stripe, here the local one),
an unpaid order simply ends."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from marketplace.booking.models import BookingStatus
from marketplace.extensions import db
from marketplace.payments.models import OrderStatus, RefundStatus
from tests.builders import bearer, csrf_token, login
from tests.payments.helpers import held_booking, order_for
from tests.payments.test_refunds import paid_order


@pytest.fixture
def now(app, frozen_clock):  # noqa: ANN001, ANN201
    from tests.booking.helpers import NOW

    frozen_clock(NOW)
    return NOW


def test_seeker_cancels_a_paid_booking_through_the_booking_api_and_gets_it_all_back(app, client, sdk, now):
    order = paid_order(app, client, sdk)
    response = client.post(f"/api/v1/bookings/{order.booking_id}/cancel", json={"reason": "Feeling better"},
                           headers=bearer(client, order.seeker))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "cancelled"

    db.session.expire_all()
    assert order.booking.status is BookingStatus.CANCELLED and order.booking.refund_percent == 100
    assert order.cancelled_at is not None
    [refund] = order.refunds
    assert refund.amount == 7500 and refund.status is RefundStatus.SUCCEEDED and refund.stripe_refund_id
    assert order.status is OrderStatus.REFUNDED and order.amount_refunded == 7500
    stripe_refund = sdk.v1.refunds.retrieve(refund.stripe_refund_id)
    assert stripe_refund.amount == 7500 and stripe_refund.payment_intent == order.stripe_payment_intent_id


def test_a_late_cancellation_on_the_booking_page_refunds_the_policy_share(app, client, sdk, frozen_clock, now):
    order = paid_order(app, client, sdk, late_cancellation_refund_percent=50)
    # Monday 30 March 10:00 BST is 09:00 UTC: 21 hours before, past the 24-hour cut-off.
    frozen_clock(datetime(2026, 3, 29, 12, 0, tzinfo=timezone.utc))
    login(client, order.seeker)
    url = f"/bookings/{order.booking_id}/cancel"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "reason": "Something came up"})
    assert response.status_code == 302

    db.session.expire_all()
    assert order.booking.status is BookingStatus.CANCELLED and order.booking.refund_percent == 50
    [refund] = order.refunds
    assert refund.amount == 3750 and refund.status is RefundStatus.SUCCEEDED
    assert order.status is OrderStatus.PARTIALLY_REFUNDED and order.amount_refunded == 3750
    assert order.cancelled_at is not None


def test_the_practitioner_cancelling_a_paid_booking_refunds_it_in_full(app, client, sdk, frozen_clock, now):
    order = paid_order(app, client, sdk, late_cancellation_refund_percent=0)
    frozen_clock(datetime(2026, 3, 29, 12, 0, tzinfo=timezone.utc))  # after the cut-off: still in full
    practitioner_user = order.booking.practitioner.user
    response = client.post(f"/api/v1/bookings/{order.booking_id}/cancel", json={"reason": "Unwell"},
                           headers=bearer(client, practitioner_user))
    assert response.status_code == 200, response.get_json()

    db.session.expire_all()
    assert order.booking.status is BookingStatus.CANCELLED
    [refund] = order.refunds
    assert refund.amount == 7500 and refund.status is RefundStatus.SUCCEEDED
    assert order.status is OrderStatus.REFUNDED


def test_cancelling_a_held_booking_ends_its_unpaid_order(app, client, now):
    seeker, _, booking = held_booking(app)
    order = order_for(booking)
    response = client.post(f"/api/v1/bookings/{booking.id}/cancel", json={}, headers=bearer(client, seeker))
    assert response.status_code == 200, response.get_json()

    db.session.expire_all()
    assert booking.status is BookingStatus.CANCELLED
    assert order.status is OrderStatus.CANCELLED and order.refunds == []


def test_a_refused_cancellation_changes_neither_the_booking_nor_the_order(app, client, sdk, frozen_clock, now):
    order = paid_order(app, client, sdk)
    frozen_clock(datetime(2026, 3, 30, 9, 30, tzinfo=timezone.utc))  # the session has started
    response = client.post(f"/api/v1/bookings/{order.booking_id}/cancel", json={},
                           headers=bearer(client, order.seeker))
    assert response.status_code == 409

    db.session.expire_all()
    assert order.booking.status is BookingStatus.CONFIRMED
    assert order.status is OrderStatus.PAID and order.cancelled_at is None and order.refunds == []
