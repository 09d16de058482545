"""Buying a session with the real SDK against the local Stripe: the order comes first,
the PaymentIntent second, and only Stripe's word (a signed webhook) makes it paid."""

from __future__ import annotations

import pytest
import stripe
from sqlalchemy import func, select

from marketplace.booking.models import BookingStatus
from marketplace.extensions import db
from marketplace.payments import ledger
from marketplace.payments.models import LedgerEntry, Order, OrderStatus, StripeEvent
from tests.builders import bearer
from tests.payments.conftest import deliver, event_for
from tests.payments.helpers import held_booking, order_for, pay, start


@pytest.fixture
def now(app, frozen_clock):  # noqa: ANN001, ANN201
    from tests.booking.helpers import NOW

    frozen_clock(NOW)
    return NOW


def test_successful_purchase_confirms_the_booking_and_books_the_money(app, client, sdk, now, outbox):
    seeker, practitioner, booking = held_booking(app)
    response = client.post("/api/v1/orders", json={"booking_id": booking.id}, headers=bearer(client, seeker))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["amount"], body["currency"], body["status"]) == (7500, "GBP", "pending")
    assert body["payment"]["client_secret"].startswith(body["payment"]["payment_intent_id"])
    assert body["payment"]["js_url"].endswith("/js.stripe.com/v3/")
    assert booking.status is BookingStatus.HELD  # nothing is confirmed before Stripe says so

    intent = pay(sdk, body["payment"]["payment_intent_id"])
    assert intent.status == "succeeded"
    assert deliver(client, event_for(sdk, "payment_intent.succeeded", intent.id)).status_code == 200

    order = db.session.get(Order, body["id"])
    db.session.refresh(booking)
    assert order.status is OrderStatus.PAID
    assert booking.status is BookingStatus.CONFIRMED
    [gbp] = ledger.report()
    # 15% commission on £75.00; the rest is held for the practitioner until payout.
    assert (gbp.charges, gbp.commission, gbp.held, gbp.refunds, gbp.payouts) == (7500, 1125, 6375, 0, 0)
    assert gbp.adds_up
    assert any("Payment received" in m.subject for m in outbox)


def test_the_order_api_returns_the_same_order_for_a_double_click(app, client, now):
    seeker, _, booking = held_booking(app)
    headers = bearer(client, seeker)
    first = client.post("/api/v1/orders", json={"booking_id": booking.id}, headers=headers).get_json()
    second = client.post("/api/v1/orders", json={"booking_id": booking.id}, headers=headers).get_json()
    assert first["id"] == second["id"]
    assert first["payment"]["payment_intent_id"] == second["payment"]["payment_intent_id"]


def test_declined_card_releases_the_slot_and_tells_the_seeker_why(app, client, sdk, now, outbox):
    seeker, _, booking = held_booking(app)
    order = order_for(booking)
    payment = start(order)
    with pytest.raises(stripe.CardError):
        pay(sdk, payment.payment_intent_id, "pm_card_visa_chargeDeclined")
    assert deliver(client, event_for(sdk, "payment_intent.payment_failed", payment.payment_intent_id)).status_code == 200

    db.session.refresh(order)
    db.session.refresh(booking)
    assert order.status is OrderStatus.FAILED
    assert "declined" in order.failure_reason
    assert booking.status is BookingStatus.RELEASED
    assert "declined" in booking.release_reason
    assert any(seeker.email == m.to and "declined" in m.body for m in outbox)
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_a_replayed_webhook_counts_one_payment(app, client, sdk, now, outbox):
    _, _, booking = held_booking(app)
    order = order_for(booking)
    payment = start(order)
    pay(sdk, payment.payment_intent_id)
    event = event_for(sdk, "payment_intent.succeeded", payment.payment_intent_id)
    assert deliver(client, event).status_code == 200
    # The same event again (Stripe re-signs each retry, so the signature is fresh).
    again = deliver(client, event)
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert db.session.scalar(select(func.count()).select_from(StripeEvent)) == 1
    charges = db.session.scalars(select(LedgerEntry).where(LedgerEntry.account == "charge")).all()
    assert [c.amount for c in charges] == [-7500]
    assert sum("Payment received" in m.subject for m in outbox) == 1


def test_events_out_of_order_end_paid(app, client, sdk, now):
    """A declined first attempt, then a good card: whichever event arrives last, the
    order ends paid and the booking confirmed."""
    _, _, booking = held_booking(app)
    order = order_for(booking)
    payment = start(order)
    with pytest.raises(stripe.CardError):
        pay(sdk, payment.payment_intent_id, "pm_card_visa_chargeDeclined")
    pay(sdk, payment.payment_intent_id)
    failed = event_for(sdk, "payment_intent.payment_failed", payment.payment_intent_id)
    succeeded = event_for(sdk, "payment_intent.succeeded", payment.payment_intent_id)
    assert deliver(client, succeeded).status_code == 200
    assert deliver(client, failed).status_code == 200   # late and stale: ignored
    db.session.refresh(order)
    db.session.refresh(booking)
    assert order.status is OrderStatus.PAID
    assert booking.status is BookingStatus.CONFIRMED


def test_failure_then_success_in_order_also_ends_paid(app, client, sdk, now):
    _, _, booking = held_booking(app)
    order = order_for(booking)
    payment = start(order)
    with pytest.raises(stripe.CardError):
        pay(sdk, payment.payment_intent_id, "pm_card_visa_chargeDeclined")
    pay(sdk, payment.payment_intent_id)
    deliver(client, event_for(sdk, "payment_intent.payment_failed", payment.payment_intent_id))
    deliver(client, event_for(sdk, "payment_intent.succeeded", payment.payment_intent_id))
    db.session.refresh(order)
    db.session.refresh(booking)
    assert order.status is OrderStatus.PAID
    assert booking.status is BookingStatus.CONFIRMED  # the released slot was still free


def test_only_the_owner_or_an_admin_sees_an_order(app, client, now):
    from tests.builders import make_admin, make_user

    _, _, booking = held_booking(app)
    order = order_for(booking)
    assert client.get(f"/api/v1/orders/{order.id}", headers=bearer(client, make_user())).status_code == 404
    assert client.get(f"/api/v1/orders/{order.id}", headers=bearer(client, booking.seeker)).status_code == 200
    assert client.get(f"/api/v1/orders/{order.id}", headers=bearer(client, make_admin())).status_code == 200


def test_an_order_needs_exactly_one_thing_to_buy(app, client, now):
    seeker, _, booking = held_booking(app)
    response = client.post("/api/v1/orders", json={}, headers=bearer(client, seeker))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_the_payment_page_loads_stripe_js_from_the_configured_server(app, client, now, stripe_server):
    from tests.builders import login

    seeker, _, booking = held_booking(app)
    order = order_for(booking)
    login(client, seeker)
    html = client.get(f"/orders/{order.id}/pay").get_data(as_text=True)
    assert f'src="{stripe_server}/js.stripe.com/v3/"' in html
    assert "data-client-secret=\"pi_" in html
    assert "£75.00" in html
