"""Paying in a real browser: a seeker holds a slot, presses "Pay now", types the Stripe
test card into the Elements stand-in served by the local Stripe, pays, and the booking
is confirmed by Stripe's webhook (sent by the local Stripe to the live server). The
decline card shows the decline and leaves the order unpaid.

The local Stripe (``python -m devtools.stripe_local``) runs as a separate process on
127.0.0.1; its fixtures live in ``tests/stripe_local.py``.
"""

from __future__ import annotations

import re
import time

import pytest

from devtools.stripe_local.register import register_webhook
from marketplace.booking.models import Booking, BookingStatus
from marketplace.extensions import db
from marketplace.payments.models import Order, OrderStatus
from tests.booking.helpers import clinic_id, london_practitioner, make_seeker, set_hours
from tests.browser.conftest import ARTIFACTS
from tests.builders import PASSWORD
from tests.stripe_local import WEBHOOK_SECRET, configure, stripe_keys, stripe_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


@pytest.fixture
def stripe_live(app, live_server, stripe_server, stripe_keys) -> str:  # noqa: ANN001, F811
    """The live app paying through the local Stripe, whose webhooks go to the live server."""
    configure(app, stripe_server, stripe_keys)
    register_webhook(stripe_server, f"{live_server}/webhooks/stripe", WEBHOOK_SECRET)
    return live_server


def shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, base, email, password=PASSWORD):  # noqa: ANN001, ANN201
    page.goto(f"{base}/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def hold_a_slot(app, page, base: str, email: str) -> None:  # noqa: ANN001
    """A verified practitioner open every day 07:00–21:00; the seeker holds the first time."""
    practitioner = london_practitioner(app)
    set_hours(practitioner, {clinic_id(practitioner): {d: [("07:00", "21:00")] for d in range(7)}})
    seeker = make_seeker(email)
    practitioner_id, seeker_email = practitioner.id, seeker.email
    db.session.rollback()  # no transaction left open in the test while the server writes
    sign_in(page, base, seeker_email)
    page.goto(f"{base}/practitioners/{practitioner_id}/book")
    page.wait_for_url(re.compile(r".*/book\?.*tz="))
    page.locator("input[name=start]").first.check()
    page.get_by_role("button", name="Hold this time").click()
    page.wait_for_url(re.compile(r".*/bookings/\d+"))
    assert "pay to confirm" in page.get_by_role("heading", level=1).inner_text()


def enter_card(page, number: str) -> None:  # noqa: ANN001
    """Type the card into the Elements stand-in (localstripe's inputs, in #card-element)."""
    field = page.locator("#card-element")
    field.get_by_placeholder("number").fill(number.replace(" ", ""))
    field.get_by_placeholder("exp_month").fill("12")
    field.get_by_placeholder("exp_year").fill("34")
    field.get_by_placeholder("cvc").fill("123")
    field.get_by_placeholder("postal_code").fill("42424")


def the_order() -> Order:
    db.session.expire_all()
    order = db.session.scalar(db.select(Order))
    assert order is not None
    return order


def test_a_seeker_pays_for_a_held_slot_and_the_booking_is_confirmed(app, stripe_live, page):
    base = stripe_live
    hold_a_slot(app, page, base, "sam@example.com")
    shot(page, "payment-1-held")

    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url(re.compile(r".*/orders/\d+/pay$"))
    assert page.get_by_role("heading", name="Pay").is_visible()
    assert page.get_by_test_id("order-amount").inner_text() == "£75.00"
    enter_card(page, "4242 4242 4242 4242")
    shot(page, "payment-2-card")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    # The page goes to the order, which refreshes until Stripe's webhook has arrived.
    page.wait_for_url(re.compile(r".*/orders/\d+\?paid=1"))
    page.get_by_text(re.compile(r"Paid on .*Thank you\.")).wait_for(timeout=20_000)
    shot(page, "payment-3-paid")
    page.get_by_role("link", name="See the booking").click()
    page.wait_for_url(re.compile(r".*/bookings/\d+"))
    assert page.get_by_role("heading", level=1).inner_text() == "Booking: confirmed"
    shot(page, "payment-4-confirmed")

    order = the_order()
    assert order.status is OrderStatus.PAID and order.amount == 7500 and order.currency == "GBP"
    booking = db.session.scalar(db.select(Booking))
    assert booking.status is BookingStatus.CONFIRMED and order.booking_id == booking.id
    db.session.rollback()


def test_a_declined_card_says_so_and_leaves_the_order_unpaid(app, stripe_live, page):
    base = stripe_live
    hold_a_slot(app, page, base, "dee@example.com")
    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url(re.compile(r".*/orders/\d+/pay$"))
    enter_card(page, "4000 0000 0000 0002")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    message = page.locator("#payment-message")
    message.get_by_text("Nothing was charged.", exact=False).wait_for()
    assert "declined" in message.inner_text().lower()
    assert page.get_by_role("button", name=re.compile(r"^Pay ")).is_enabled()
    assert "/pay" in page.url
    shot(page, "payment-5-declined")

    # Stripe's payment_failed webhook ends the order (failed, nothing charged) and lets the slot go.
    deadline = time.monotonic() + 10
    while (order := the_order()).status is OrderStatus.PENDING and time.monotonic() < deadline:
        db.session.rollback()
        time.sleep(0.1)
    assert order.status is OrderStatus.FAILED and order.paid_at is None
    assert "declined" in (order.failure_reason or "").lower()
    assert order.booking.status is BookingStatus.RELEASED
    db.session.rollback()
