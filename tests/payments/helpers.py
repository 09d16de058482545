"""Builders for payment tests: a held booking with a London practitioner, an order for
it, and paying the way the browser does (the test card confirmed through the SDK)."""

from __future__ import annotations

import stripe

from marketplace.extensions import db
from marketplace.payments import services
from marketplace.payments.models import Order
from tests.booking.helpers import hold_at, local, london_practitioner, make_seeker, set_hours

SLOT = (2026, 3, 30, 10)  # Monday 30 March 2026, 10:00 London (BST), well after the frozen NOW


def held_booking(app, **settings):  # noqa: ANN001, ANN003, ANN201
    practitioner = london_practitioner(app)
    set_hours(practitioner, **settings)
    seeker = make_seeker()
    booking = hold_at(seeker, practitioner, local(*SLOT))
    return seeker, practitioner, booking


def order_for(booking) -> Order:  # noqa: ANN001
    order = services.create_order(booking.seeker, booking_id=booking.id)
    db.session.commit()
    return order


def start(order: Order) -> services.PaymentStart:
    payment = services.start_payment(order)
    db.session.commit()
    return payment


def pay(sdk: stripe.StripeClient, payment_intent_id: str, card: str = "pm_card_visa"):  # noqa: ANN201
    """Confirm the PaymentIntent with a Stripe test card (what Stripe.js does)."""
    return sdk.v1.payment_intents.confirm(payment_intent_id, {"payment_method": card})


def paid_booking_order(app, client, sdk, **settings):  # noqa: ANN001, ANN003, ANN201
    """A £75 session paid with the test card and confirmed by Stripe's webhook: (order,
    practitioner, booking)."""
    from tests.payments.conftest import deliver, event_for

    _, practitioner, booking = held_booking(app, **settings)
    order = order_for(booking)
    payment = start(order)
    pay(sdk, payment.payment_intent_id)
    response = deliver(client, event_for(sdk, "payment_intent.succeeded", payment.payment_intent_id))
    assert response.status_code == 200, response.get_json()
    db.session.refresh(order)
    return order, practitioner, booking


def onboard(client, practitioner):  # noqa: ANN001, ANN201
    """Set up the practitioner's Express account as they would: ask for the link, finish
    the local Stripe's hosted form, come back to the earnings page."""
    import requests

    from marketplace.payments import payouts
    from tests.builders import bearer

    response = client.post("/api/v1/me/payouts/onboarding", json={}, headers=bearer(client, practitioner.user))
    assert response.status_code == 200, response.get_json()
    requests.post(response.get_json()["url"], data={}, allow_redirects=False, timeout=5)
    account = payouts.payout_account(practitioner)
    payouts.refresh_account(account)
    db.session.commit()
    assert account.is_onboarded
    return account
