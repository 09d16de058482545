"""Paying for a combined package in a real browser: the seeker reserves a package
delivered by two practitioners, presses "Pay now" on the care plan, types the Stripe
test card into the Elements stand-in served by the local Stripe, and the package turns
active when Stripe's webhook (sent by the local Stripe to the live server) arrives; the
order is split between the two partners. Then they cancel it from the care plan and
the whole price comes back (no session was used).
"""

from __future__ import annotations

import re

import pytest

from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.packages.models import EnrollmentStatus
from marketplace.payments import ledger
from marketplace.payments.models import Order, OrderStatus
from tests.browser.test_payment_journey import enter_card, shot, sign_in, stripe_live  # noqa: F401 - fixture
from tests.builders import make_user
from tests.packages.helpers import SOHO, open_every_day, package, practitioner
from tests.stripe_local import stripe_keys, stripe_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def the_order() -> Order:
    db.session.expire_all()
    order = db.session.scalar(db.select(Order))
    assert order is not None
    return order


def test_a_seeker_pays_for_a_combined_package_with_the_test_card(app, stripe_live, page):
    base = stripe_live
    asha = practitioner(app, "Asha Rao", "acupuncture", fee=5000)
    ben = practitioner(app, "Ben Okafor", "physiotherapy", at=SOHO, fee=7000)
    open_every_day(asha)
    open_every_day(ben)
    pkg = package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45001)
    seeker = make_user(Role.SEEKER, email="pia@example.com")
    package_id, asha_id, ben_id, email = pkg.id, asha.id, ben.id, seeker.email
    db.session.rollback()  # no transaction left open in the test while the server writes

    sign_in(page, base, email)
    page.goto(f"{base}/packages/{package_id}")
    page.get_by_role("button", name="Reserve this package").click()
    page.wait_for_url(re.compile(r".*/care-plan"))
    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url(re.compile(r".*/orders/\d+/pay$"))
    assert page.get_by_test_id("order-amount").inner_text() == "£450.01"
    enter_card(page, "4242 4242 4242 4242")
    shot(page, "package-payment-1-card")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    page.wait_for_url(re.compile(r".*/orders/\d+\?paid=1"))
    page.get_by_text(re.compile(r"Paid on .*Thank you\.")).wait_for(timeout=20_000)
    shot(page, "package-payment-2-paid")
    order = the_order()
    assert order.status is OrderStatus.PAID and order.amount == 45001
    assert {s.practitioner_id: s.amount for s in order.shares} == {asha_id: 18000, ben_id: 27001}
    assert order.enrollment.status is EnrollmentStatus.ACTIVE
    db.session.rollback()

    page.goto(f"{base}/care-plan")
    assert page.get_by_role("link", name="Schedule next acupuncture session").is_visible()
    page.get_by_text("Cancel this package").click()
    page.get_by_role("button", name="Cancel and refund the unused sessions").click()
    page.wait_for_url(re.compile(r".*/care-plan"))
    page.get_by_text(re.compile(r"Package cancelled\. The 10 unused sessions of 10 are refunded")).wait_for()
    shot(page, "package-payment-3-cancelled")
    order = the_order()
    assert order.status is OrderStatus.REFUNDED and order.amount_refunded == 45001
    assert ledger.report()[0].adds_up
    db.session.rollback()
