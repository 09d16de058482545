"""Trying again after a declined card: the decline lets the held slot go, so the old
payment can no longer be used (its PaymentIntent is cancelled) and a retry pays for a
new order, for the same time only if it is still free; otherwise the seeker is sent
back to choose a time. Nothing is ever charged for a slot nobody holds."""

from __future__ import annotations

import pytest
import stripe
from sqlalchemy import func, select

from marketplace.booking.models import Booking, BookingStatus
from marketplace.extensions import db
from marketplace.payments.models import Order, OrderStatus
from tests.booking.helpers import hold_at, local, make_seeker
from tests.builders import bearer, login
from tests.payments.conftest import deliver, event_for
from tests.payments.helpers import SLOT, held_booking, order_for, pay, start


@pytest.fixture
def now(app, frozen_clock):  # noqa: ANN001, ANN201
    from tests.booking.helpers import NOW

    frozen_clock(NOW)
    return NOW


def declined(client, sdk, booking) -> Order:  # noqa: ANN001
    order = order_for(booking)
    payment = start(order)
    with pytest.raises(stripe.CardError):
        pay(sdk, payment.payment_intent_id, "pm_card_visa_chargeDeclined")
    assert deliver(client, event_for(sdk, "payment_intent.payment_failed", payment.payment_intent_id)).status_code == 200
    db.session.refresh(order)
    assert order.status is OrderStatus.FAILED
    return order


def test_the_declined_payment_cannot_be_used_again_once_the_slot_is_let_go(app, client, sdk, now):
    _, _, booking = held_booking(app)
    order = declined(client, sdk, booking)
    assert booking.status is BookingStatus.RELEASED
    assert sdk.v1.payment_intents.retrieve(order.stripe_payment_intent_id).status == "canceled"
    # The payment page left open tries a good card on the old payment: Stripe refuses.
    with pytest.raises(stripe.InvalidRequestError):
        pay(sdk, order.stripe_payment_intent_id)
    charges = [c for c in sdk.v1.charges.list({"limit": 100}).data if c.payment_intent == order.stripe_payment_intent_id]
    assert charges and all(c.status == "failed" for c in charges)


def test_a_retry_holds_the_same_time_again_when_it_is_still_free(app, client, sdk, now):
    seeker, _, booking = held_booking(app)
    order = declined(client, sdk, booking)
    headers = bearer(client, seeker)
    response = client.post(f"/api/v1/orders/{order.id}/pay", headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["id"] != order.id and body["status"] == "pending" and body["amount"] == 7500
    assert body["payment"]["payment_intent_id"] != order.stripe_payment_intent_id
    # A second press gets the same new order, not a second hold.
    assert client.post(f"/api/v1/orders/{order.id}/pay", headers=headers).get_json()["id"] == body["id"]
    again = db.session.get(Order, body["id"])
    assert again.booking.status is BookingStatus.HELD and again.booking.starts_at == booking.starts_at

    intent = pay(sdk, body["payment"]["payment_intent_id"])
    assert deliver(client, event_for(sdk, "payment_intent.succeeded", intent.id)).status_code == 200
    db.session.refresh(again)
    assert again.status is OrderStatus.PAID and again.booking.status is BookingStatus.CONFIRMED
    db.session.refresh(order)
    assert order.status is OrderStatus.FAILED  # the declined order stays as it was


def test_a_retry_for_a_time_taken_meanwhile_sends_the_seeker_to_choose_again(app, client, sdk, now):
    seeker, practitioner, booking = held_booking(app)
    order = declined(client, sdk, booking)
    hold_at(make_seeker(), practitioner, local(*SLOT))  # someone else takes the released time

    response = client.post(f"/api/v1/orders/{order.id}/pay", headers=bearer(client, seeker))
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert "Choose another time" in response.get_json()["errors"]["booking_id"][0]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1

    login(client, seeker)
    page = client.get(f"/orders/{order.id}/pay")
    assert page.status_code == 302
    assert page.headers["Location"].endswith(f"/practitioners/{practitioner.id}/book")
    assert "That time is no longer free" in client.get(page.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.seeker_id == seeker.id, Booking.status == BookingStatus.HELD)) == 0


def test_the_failed_order_page_offers_to_try_again(app, client, sdk, now):
    seeker, _, booking = held_booking(app)
    order = declined(client, sdk, booking)
    login(client, seeker)
    html = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Try again" in html and "Nothing was charged" in html
    response = client.get(f"/orders/{order.id}/pay")
    new = db.session.scalar(select(Order).where(Order.id != order.id))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/orders/{new.id}/pay")


def _stripe_down(app) -> None:  # noqa: ANN001
    from tests.payments.conftest import _free_port

    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    app.extensions.pop("stripe_client", None)


def _stripe_back(app, stripe_server: str) -> None:  # noqa: ANN001
    app.config["STRIPE_API_BASE"] = stripe_server
    app.extensions.pop("stripe_client", None)


def _declined_while_stripe_is_down(app, client, sdk, booking) -> tuple[Order, str]:  # noqa: ANN001
    """A declined card whose webhook arrives while our calls to Stripe fail: the slot is let
    go, but the PaymentIntent cannot be cancelled yet."""
    order = order_for(booking)
    intent_id = start(order).payment_intent_id
    with pytest.raises(stripe.CardError):
        pay(sdk, intent_id, "pm_card_visa_chargeDeclined")
    event = event_for(sdk, "payment_intent.payment_failed", intent_id)
    _stripe_down(app)
    assert deliver(client, event).status_code == 200
    db.session.expire_all()
    assert order.status is OrderStatus.FAILED and order.intent_left_open
    assert sdk.v1.payment_intents.retrieve(intent_id).status == "requires_payment_method"  # still payable
    return order, intent_id


def test_a_payment_stripe_could_not_cancel_is_cancelled_by_the_next_reconcile(app, client, sdk, now, runner,
                                                                              stripe_server):
    _, _, booking = held_booking(app)
    order, intent_id = _declined_while_stripe_is_down(app, client, sdk, booking)

    down = runner.invoke(args=["payments", "reconcile"])
    assert down.exit_code == 1 and "1 left for later" in down.output
    db.session.expire_all()
    assert order.intent_left_open

    _stripe_back(app, stripe_server)
    result = runner.invoke(args=["payments", "reconcile"])
    assert result.exit_code == 0, result.output
    assert "1 open payments of ended orders closed" in result.output
    assert sdk.v1.payment_intents.retrieve(intent_id).status == "canceled"
    with pytest.raises(stripe.InvalidRequestError):  # the page left open can no longer pay
        pay(sdk, intent_id)
    db.session.expire_all()
    assert not order.intent_left_open and order.status is OrderStatus.FAILED
    assert "0 open payments of ended orders closed" in runner.invoke(args=["payments", "reconcile"]).output


def test_a_payment_made_on_an_intent_left_open_is_settled_by_the_reconcile(app, client, sdk, now, runner,
                                                                           stripe_server):
    """The page stayed open and the seeker tried another card before the intent was
    cancelled; its webhook never came. The time is still free, so it is confirmed."""
    _, _, booking = held_booking(app)
    order, intent_id = _declined_while_stripe_is_down(app, client, sdk, booking)
    _stripe_back(app, stripe_server)
    pay(sdk, intent_id)  # a good card, on the old payment page

    result = runner.invoke(args=["payments", "reconcile"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert order.status is OrderStatus.PAID and not order.intent_left_open
    assert booking.status is BookingStatus.CONFIRMED
