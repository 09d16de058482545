"""Stripe unreachable or slow: the seeker gets a clear answer, the order stays pending and
can be retried, and nothing is ever charged twice (idempotency keys)."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.payments.models import Order, OrderStatus
from tests.builders import bearer
from tests.payments.conftest import _free_port
from tests.payments.helpers import held_booking, order_for, pay, start


@pytest.fixture
def now(app, frozen_clock):  # noqa: ANN001, ANN201
    from tests.booking.helpers import NOW

    frozen_clock(NOW)
    return NOW


def _intents_for(sdk, order: Order) -> list:  # noqa: ANN001
    return [pi for pi in sdk.v1.payment_intents.list({"limit": 100}).data
            if (pi.to_dict().get("metadata") or {}).get("order_key") == order.idempotency_key]


def test_stripe_unreachable_keeps_the_order_and_a_retry_works(app, client, sdk, now, stripe_server):
    seeker, _, booking = held_booking(app)
    headers = bearer(client, seeker)
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    app.extensions.pop("stripe_client", None)
    response = client.post("/api/v1/orders", json={"booking_id": booking.id}, headers=headers)
    assert response.status_code == 503
    problem = response.get_json()
    assert "nothing was charged" in problem["detail"]
    order = db.session.get(Order, problem["order_id"])
    assert order.status is OrderStatus.PENDING and order.stripe_payment_intent_id is None

    app.config["STRIPE_API_BASE"] = stripe_server
    app.extensions.pop("stripe_client", None)
    retry = client.post(f"/api/v1/orders/{order.id}/pay", headers=headers)
    assert retry.status_code == 200, retry.get_json()
    assert retry.get_json()["payment"]["client_secret"]


def test_a_lost_answer_from_stripe_does_not_create_a_second_payment(app, sdk, now):
    """Stripe created the PaymentIntent but our process never stored its id (a timeout on
    the answer): the retry sends the same idempotency key and gets the same intent."""
    _, _, booking = held_booking(app)
    order = order_for(booking)
    lost = sdk.v1.payment_intents.create(
        {"amount": order.amount, "currency": "gbp", "payment_method_types": ["card"],
         "metadata": {"order_id": str(order.id), "order_key": order.idempotency_key, "kind": "booking"}},
        {"idempotency_key": f"{order.idempotency_key}:payment_intent"})
    payment = start(order)
    assert payment.payment_intent_id == lost.id
    assert len(_intents_for(sdk, order)) == 1


def test_the_payment_page_says_clearly_when_stripe_is_down(app, client, now):
    from tests.builders import login

    seeker, _, booking = held_booking(app)
    order = order_for(booking)
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{_free_port()}"
    app.extensions.pop("stripe_client", None)
    login(client, seeker)
    response = client.get(f"/orders/{order.id}/pay")
    assert response.status_code == 503
    assert "nothing was charged" in response.get_data(as_text=True)
    assert "Try again" in response.get_data(as_text=True)


def test_reconcile_settles_an_order_whose_webhook_never_came(app, sdk, now, runner):
    _, _, booking = held_booking(app)
    order = order_for(booking)
    pay(sdk, start(order).payment_intent_id)
    result = runner.invoke(args=["payments", "reconcile"])
    assert result.exit_code == 0, result.output
    assert "1 paid" in result.output
    db.session.refresh(order)
    assert order.status is OrderStatus.PAID


def test_reconcile_expires_an_unpaid_order_after_its_hold(app, sdk, now, runner, frozen_clock):
    from datetime import timedelta

    _, _, booking = held_booking(app)
    order = order_for(booking)
    intent_id = start(order).payment_intent_id
    frozen_clock(now + timedelta(minutes=30))
    assert runner.invoke(args=["payments", "reconcile"]).exit_code == 0
    db.session.refresh(order)
    assert order.status is OrderStatus.EXPIRED
    assert sdk.v1.payment_intents.retrieve(intent_id).status == "canceled"  # cannot be paid later


@pytest.mark.postgres_only
@pytest.mark.skipif(os.environ.get("MARKETPLACE_TEST_DB", "sqlite").strip().lower() != "postgresql",
                    reason="needs PostgreSQL (MARKETPLACE_TEST_DB=postgresql)")
def test_two_concurrent_checkouts_of_one_order_make_one_charge(app, sdk, now):
    from marketplace import create_app
    from marketplace.core import clock
    from marketplace.payments import services

    _, _, booking = held_booking(app)
    order = order_for(booking)
    racing = create_app({**{k: app.config[k] for k in (
        "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "MAIL_BACKEND", "UPLOAD_FOLDER", "OUTBOX_FOLDER", "STRIPE_SECRET_KEY",
        "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "PLATFORM_COMMISSION_PERCENT")},
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 4, "max_overflow": 0}}, env={"MARKETPLACE_ENV": "test"})
    order_id = order.id  # read here: the threads must not touch this thread's session
    barrier = threading.Barrier(2)
    intents: list[str] = []
    errors: list[BaseException] = []
    clock.freeze(now)

    def checkout() -> None:
        try:
            with racing.app_context():
                mine = db.session.get(Order, order_id)
                barrier.wait(timeout=10)
                intents.append(services.start_payment(mine).payment_intent_id)
                db.session.commit()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=checkout) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    assert len(set(intents)) == 1
    pay(sdk, intents[0])
    charges = [c for c in sdk.v1.charges.list({"limit": 100}).data if c.payment_intent == intents[0]]
    assert len(charges) == 1
    assert len(_intents_for(sdk, order)) == 1
    with racing.app_context():
        db.engine.dispose()
