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
