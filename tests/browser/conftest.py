"""A real browser against the real app: Playwright drives Debian's Chromium.

The app is served by werkzeug on 127.0.0.1 (a free port) from a thread, on the same
fresh test database as the ``app`` fixture. Each request runs in its own app context in
the server thread, so it behaves like production. The server is shut down after the test.
Screenshots of failures land in ``test-artifacts/``.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator:
    executable = _chromium()
    if executable is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app) -> Iterator[str]:  # noqa: ANN001
    """The app served over HTTP on 127.0.0.1; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _page(browser, request, **context_options):  # noqa: ANN001, ANN202
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(browser, request) -> Iterator:  # noqa: ANN001
    """A desktop-sized page in a fresh browser context (no cookies)."""
    yield from _page(browser, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser, request) -> Iterator:  # noqa: ANN001
    """A phone-sized page (390×844, touch) in a fresh context."""
    yield from _page(browser, request, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001, ANN201
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
