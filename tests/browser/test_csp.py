"""The content security policy in a real browser: the pages a seeker and an admin use
(search with its map, booking with the time-zone script, the payment page with Stripe.js
from the local Stripe, the admin's matching weights) load and work without Chromium
refusing anything. A violation is caught two ways: the page's
``securitypolicyviolation`` events and Chromium's "Refused to …" console messages.
"""

from __future__ import annotations

import re

import pytest

from devtools.stripe_local.register import register_webhook
from tests.browser.test_payment_journey import enter_card, hold_a_slot, sign_in
from tests.builders import make_admin, make_verified_practitioner
from tests.stripe_local import WEBHOOK_SECRET, configure, stripe_keys, stripe_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

REPORT = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__reportCsp(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.documentURI);
});
"""


@pytest.fixture
def violations(page) -> list[str]:  # noqa: ANN001
    """Every CSP violation on ``page`` across navigations."""
    found: list[str] = []
    page.expose_function("__reportCsp", lambda text: found.append(text))
    page.add_init_script(REPORT)
    page.on("console", lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text
            or msg.text.startswith("Refused to") else None)
    return found


def assert_detector_works(page, violations: list[str]) -> None:  # noqa: ANN001
    """Break the policy on purpose once, so a silent detector cannot pass the test."""
    page.evaluate("document.body.setAttribute('style', 'outline: 1px solid red')")
    page.wait_for_function("true")
    page.wait_for_timeout(200)
    assert any("style" in v for v in violations), "the CSP detector saw nothing: it is broken"


def offline(page, base: str) -> None:  # noqa: ANN001
    """Nothing leaves 127.0.0.1: requests to other hosts (map tiles) are aborted."""
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", base))
               else route.abort())


def test_search_with_results_and_map_loads_without_a_csp_violation(app, live_server, page, violations):
    make_verified_practitioner(app, display_name="Asha Rao", concerns=("sciatica",))
    make_verified_practitioner(app, display_name="Vikram Shetty", concerns=("sciatica",), lat=12.9352, lon=77.6245)
    offline(page, live_server)
    page.goto(f"{live_server}/search")
    page.get_by_label("Near", exact=True).fill("Bangalore")
    page.goto(f"{live_server}/search?concern=sciatica&near=Bangalore&mode=in_person")
    page.locator("#results-map[data-map-ready]").wait_for()
    assert page.locator("#results-map .leaflet-marker-icon").count() == 2
    page.locator("#results-map .leaflet-marker-icon").first.click()  # a popup, built by our script
    page.locator(".leaflet-popup-content").wait_for()
    page.wait_for_timeout(300)
    assert violations == []
    assert_detector_works(page, violations)


def test_admin_weights_page_has_no_inline_style(app, live_server, page, violations):
    admin = make_admin(email="csp-admin@example.com")
    from marketplace.extensions import db

    email = admin.email
    db.session.commit()
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/admin/matching/relevance?concern=sciatica")
    weight = page.locator("#weight-physiotherapy")
    assert weight.is_visible()
    box = weight.bounding_box()
    assert box and 80 < box["width"] < 140  # 6.5rem from the stylesheet, not an inline style
    assert violations == []


@pytest.fixture
def stripe_live(app, live_server, stripe_server, stripe_keys) -> str:  # noqa: ANN001, F811
    configure(app, stripe_server, stripe_keys)
    register_webhook(stripe_server, f"{live_server}/webhooks/stripe", WEBHOOK_SECRET)
    return live_server


def test_booking_and_paying_through_stripe_js_raise_no_csp_violation(app, stripe_live, page, violations):
    base = stripe_live
    hold_a_slot(app, page, base, "csp-payer@example.com")  # the booking page reloads itself with ?tz=
    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url(re.compile(r".*/orders/\d+/pay$"))
    enter_card(page, "4242 4242 4242 4242")  # the card field drawn by Stripe.js
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r".*/orders/\d+\?paid=1"))  # Stripe.js confirmed with the local Stripe
    assert violations == []
