"""Every page passes axe-core's accessibility rules (WCAG 2 A and AA, and axe's best
practices), for every role, on a phone-sized screen: labels, names, contrast, heading
order, landmarks, table headers, ARIA that means what it says.

The pages are found the way a visitor finds them: from the home page, by following the
links each role is shown (two pages of each shape: ``/practitioners/1`` and another stand
for every profile), on the demo data plus a seeker's booking and a package they bought,
both paid with the test card through the local Stripe (so the refund page, a confirmed
session and the care plan with its sessions to schedule are reached). The states a link
cannot reach (results with a map, urgent advice, a question, forms with errors) are
visited on purpose. axe-core runs inside Chromium (``axe-playwright-python`` ships it);
nothing here is mocked."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

from marketplace.extensions import db
from marketplace.payments.models import Order
from marketplace.payments.stripe_client import build_client
from tests.browser.test_booking_journey import sign_in
from tests.fuzz.seed import accounts, seed
from tests.payments.helpers import pay
from tests.stripe_local import configure, deliver, event_for, stripe_keys, stripe_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

AXE = Axe()
# Pages of a shape: a number in a path is an id (one profile stands for all of them).
_ID = re.compile(r"\d+")
# The fewest page shapes each role must reach, so a broken sign-in or a page of no links
# cannot pass by visiting nothing (with the seed below they reach 10 / 21 / 27 / 34).
FEWEST = {"anonymous": 8, "seeker": 19, "practitioner": 24, "admin": 31}


@pytest.fixture
def seeded(app, stripe_server, stripe_keys):  # noqa: ANN001, ANN201, F811
    configure(app, stripe_server, stripe_keys)
    seed(app)
    # The seeker also buys a package on sale, as the API's clients do: reserve it, order it.
    client = app.test_client()
    seeker = accounts()["seeker"]
    token = client.post("/api/v1/auth/tokens", json={"email": seeker.email, "password": seeker.password})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    package_id = client.get("/api/v1/packages").get_json()["items"][0]["id"]
    reserved = client.post(f"/api/v1/packages/{package_id}/reservations", headers=headers)
    assert reserved.status_code == 201, reserved.get_json()
    ordered = client.post("/api/v1/orders", json={"package_id": package_id}, headers=headers)
    assert ordered.status_code == 201, ordered.get_json()
    # Pay both orders as the browser and Stripe would: the test card, then the webhook.
    sdk = build_client(app.config)
    for order in db.session.scalars(db.select(Order)):
        pay(sdk, order.stripe_payment_intent_id)
        response = deliver(client, event_for(sdk, "payment_intent.succeeded", order.stripe_payment_intent_id))
        assert response.status_code == 200, response.get_data(as_text=True)
    db.session.remove()
    return app


def violations(page) -> list[str]:  # noqa: ANN001
    """axe-core's findings on the page as it stands, one line per rule and element."""
    found = AXE.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}" for v in found for node in v["nodes"]]


def crawl(page, base: str, limit: int = 100, per_shape: int = 2) -> dict[str, list[str]]:  # noqa: ANN001
    """Visit up to ``per_shape`` pages of each shape reachable by links from ``/`` (two: a
    booking's order and a package's share a shape, not their pages); returns each visited
    path with what axe found there (and any error status)."""
    seen: dict[str, int] = {}
    visited: set[str] = set()
    queue, found = deque(["/"]), {}
    while queue and len(found) < limit:
        url = queue.popleft()
        shape = _ID.sub("N", urlsplit(url).path)
        if url in visited or seen.get(shape, 0) >= per_shape:
            continue
        visited.add(url)
        seen[shape] = seen.get(shape, 0) + 1
        try:
            response = page.goto(base + url)
        except PlaywrightError as exc:  # a link that downloads (the data export) is not a page
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or not response.headers.get("content-type", "").startswith("text/html"):
            continue
        found[url] = violations(page) + ([f"status {response.status}"] if response.status >= 400 else [])
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(urljoin(base + urlsplit(url).path, href))
            if f"{target.scheme}://{target.netloc}" == base and not target.path.startswith(("/static/", "/api/")):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return found


@pytest.mark.parametrize("role", ["anonymous", "seeker", "practitioner", "admin"])
def test_every_page_a_role_can_reach_passes_axe(seeded, live_server, phone_page, role):
    if role != "anonymous":
        sign_in(phone_page, live_server, accounts()[role].email, accounts()[role].password)
    found = crawl(phone_page, live_server)
    shapes = {_ID.sub("N", urlsplit(url).path) for url in found}
    assert len(shapes) >= FEWEST[role], sorted(shapes)
    failing = {url: problems for url, problems in found.items() if problems}
    assert not failing, failing


def test_search_states_and_form_errors_pass_axe(seeded, live_server, browser):
    """What links do not lead to: results with the map, a red flag's advice, a question
    about unclear text, an unknown place, results and a choice of concern for words that name
    none, and forms sent with mistakes; on a phone and on a desktop."""
    base = live_server
    for viewport in ({"width": 390, "height": 844}, {"width": 1280, "height": 900}):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        checked: dict[str, list[str]] = {}

        page.goto(f"{base}/search?q=my+lower+back+locked+up+when+I+lifted+a+box&near=Bangalore")
        assert page.locator("#results-map").count() == 1 and page.locator("article.result-card").count() > 0
        checked["results"] = violations(page)
        page.goto(f"{base}/search?q=back+pain+and+I+have+a+fever&near=Delhi")
        assert "urgent" in page.content().lower()
        checked["urgent advice"] = violations(page)
        page.goto(f"{base}/search?q=my+back+hurts+and+my+legs+feel+weak&near=Delhi")
        checked["a question"] = violations(page)
        page.goto(f"{base}/search?concern=sciatica&near=Nowhereville+Xq")
        assert page.locator("[aria-invalid=true]").count() >= 1
        checked["an unknown place"] = violations(page)
        page.goto(f"{base}/search?q=massage+Bangalore+under+%E2%82%B92%2C000")
        assert page.locator(".needs-concern").count() == 1 and page.locator("article.result-card").count() > 0
        checked["a therapy without a concern, its town and budget read"] = violations(page)
        page.goto(f"{base}/search?q=purple+elephant&near=Bangalore")
        assert page.locator(".needs-concern").count() == 1 and page.locator("article.result-card").count() == 0
        checked["which concern"] = violations(page)

        page.goto(f"{base}/account/login")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert page.locator("[aria-invalid=true]").count() >= 1
        checked["sign-in errors"] = violations(page)
        page.goto(f"{base}/account/register")
        page.locator("main #submit").click()
        page.wait_for_load_state()
        checked["registration errors"] = violations(page)

        sign_in(page, base, accounts()["practitioner"].email, accounts()["practitioner"].password)
        page.goto(f"{base}/practitioner/listing")
        page.fill("input[name=display_name]", "")
        page.locator("main #submit").click()
        page.wait_for_load_state()
        assert page.locator("[aria-invalid=true]").count() >= 1
        checked["listing errors"] = violations(page)
        context.close()
        failing = {state: problems for state, problems in checked.items() if problems}
        assert not failing, (viewport, failing)
