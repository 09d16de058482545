"""Refunds follow the cancellation policy; admins can refund part of an order; the refund's
state comes back through the answer, a webhook or a read, whichever arrives first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.booking.models import BookingStatus
from marketplace.extensions import db
from marketplace.payments import ledger
from marketplace.payments.models import LedgerEntry, OrderStatus, Refund, RefundStatus
from tests.builders import bearer, make_admin
from tests.payments.conftest import deliver, event_for
from tests.payments.helpers import held_booking, order_for, pay, start


@pytest.fixture
def now(app, frozen_clock):  # noqa: ANN001, ANN201
    from tests.booking.helpers import NOW

    frozen_clock(NOW)
    return NOW


def paid_order(app, client, sdk, **settings):  # noqa: ANN001, ANN003, ANN201
    _, _, booking = held_booking(app, **settings)
    order = order_for(booking)
    payment = start(order)
    pay(sdk, payment.payment_intent_id)
    assert deliver(client, event_for(sdk, "payment_intent.succeeded", payment.payment_intent_id)).status_code == 200
    db.session.refresh(order)
    assert order.status is OrderStatus.PAID
    return order


def test_admin_partial_refund_is_recorded_once_whatever_reports_it(app, client, sdk, now):
    order = paid_order(app, client, sdk)
    admin = bearer(client, make_admin())
    response = client.post(f"/api/v1/admin/orders/{order.id}/refunds", json={"amount": 2000, "reason": "Late start"},
                           headers=admin)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "succeeded"
    refund = db.session.get(Refund, response.get_json()["id"])
    # Stripe's refund events arrive afterwards: they change nothing.
    assert deliver(client, event_for(sdk, "refund.created", refund.stripe_refund_id)).status_code == 200
    charge = sdk.v1.payment_intents.retrieve(order.stripe_payment_intent_id).latest_charge
    charge_id = charge if isinstance(charge, str) else charge["id"]
    assert deliver(client, event_for(sdk, "charge.refunded", charge_id)).status_code == 200

    db.session.refresh(order)
    assert order.status is OrderStatus.PARTIALLY_REFUNDED
    assert order.amount_refunded == 2000
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.account == "refund")) == 1
    [gbp] = ledger.report()
    # Commission is 15% of what is kept (£55.00 → £8.25); the practitioner keeps the rest.
    assert (gbp.charges, gbp.refunds, gbp.commission, gbp.held) == (7500, 2000, 825, 4675)
    assert gbp.adds_up


def test_a_refund_can_never_exceed_what_was_paid(app, client, sdk, now):
    order = paid_order(app, client, sdk)
    admin = bearer(client, make_admin())
    response = client.post(f"/api/v1/admin/orders/{order.id}/refunds", json={"amount": 7501, "reason": "Too much"},
                           headers=admin)
    assert response.status_code == 400
    assert "amount" in response.get_json()["errors"]


def test_cancelling_before_the_cutoff_refunds_in_full(app, client, sdk, now):
    order = paid_order(app, client, sdk)
    response = client.post(f"/api/v1/orders/{order.id}/cancel", json={"reason": "Feeling better"},
                           headers=bearer(client, order.seeker))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "refunded"
    assert body["refunds"][0]["amount"] == 7500
    assert order.booking.status is BookingStatus.CANCELLED
    assert ledger.report()[0].adds_up


def test_cancelling_after_the_cutoff_refunds_the_practitioners_late_share(app, client, sdk, now, frozen_clock):
    order = paid_order(app, client, sdk, late_cancellation_refund_percent=50)
    frozen_clock(order.booking.starts_at - timedelta(hours=2))
    response = client.post(f"/api/v1/orders/{order.id}/cancel", headers=bearer(client, order.seeker))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "partially_refunded"
    assert [r["amount"] for r in body["refunds"]] == [3750]
    assert "50%" in body["explanation"]


def test_a_refund_left_pending_by_an_outage_is_sent_by_reconcile_once(app, client, sdk, now, runner):
    order = paid_order(app, client, sdk)
    from marketplace.payments import services

    refund = services.request_refund(order, 1000, reason="Goodwill", actor=None)
    db.session.commit()
    assert refund.status is RefundStatus.PENDING  # Stripe not asked yet (as if it was down)
    result = runner.invoke(args=["payments", "reconcile"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["payments", "reconcile"])
    db.session.refresh(refund)
    assert refund.status is RefundStatus.SUCCEEDED
    assert len(sdk.v1.refunds.list({"payment_intent": order.stripe_payment_intent_id}).data) == 1
