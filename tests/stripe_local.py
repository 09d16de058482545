"""The local Stripe for tests (``python -m devtools.stripe_local``: localstripe plus our
extensions), shared by ``tests/payments`` and ``tests/browser``.

It runs as a separate process on 127.0.0.1 (never imported: localstripe is a GPL tool),
one per test session (and per xdist worker) on a free port, stopped at the end. Keys are
made up here (``sk_test_…``): no real secret is ever used. The conftests that need it
import the fixtures from here.
"""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import stripe

from devtools.stripe_local.register import wait_until_up

ROOT = Path(__file__).resolve().parents[1]
WEBHOOK_SECRET = "whsec_test_" + secrets.token_hex(16)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def stripe_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The local Stripe, started for this session; yields its base URL."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("stripe") / "stripe_local.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "devtools.stripe_local", "--host", "127.0.0.1",
                                "--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, timeout=20)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def stripe_keys() -> dict[str, str]:
    return {"STRIPE_SECRET_KEY": "sk_test_" + secrets.token_hex(12),
            "STRIPE_PUBLISHABLE_KEY": "pk_test_" + secrets.token_hex(12),
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}


def configure(app, stripe_server: str, stripe_keys: dict[str, str]):  # noqa: ANN001, ANN201
    """Point the app's StripeClient (and the payment page's Stripe.js) at the local server."""
    app.config.update(stripe_keys, STRIPE_API_BASE=stripe_server, STRIPE_TIMEOUT_SECONDS=5,
                      PLATFORM_COMMISSION_PERCENT=15)
    app.extensions.pop("stripe_client", None)
    return app.config


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)


def deliver(client, event: dict | str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):  # noqa: ANN001, ANN201
    """POST an event to the webhook signed as Stripe does."""
    payload = event if isinstance(event, str) else json.dumps(event)
    return client.post("/webhooks/stripe", data=payload, content_type="application/json",
                       headers={"Stripe-Signature": sign(payload, secret, timestamp)})


def event_for(sdk: stripe.StripeClient, event_type: str, object_id: str, timeout: float = 5) -> dict:
    """The event the local Stripe emitted for ``object_id`` (as Stripe would send it)."""
    deadline = time.monotonic() + timeout
    while True:
        for event in sdk.v1.events.list({"type": event_type, "limit": 100}).data:
            if event.data.object["id"] == object_id:
                return event.to_dict()
        if time.monotonic() > deadline:
            raise AssertionError(f"no {event_type} event for {object_id}")
        time.sleep(0.05)
