"""Payments are tested with the real Stripe SDK against the local Stripe server
(``python -m devtools.stripe_local``: localstripe plus our extensions) on 127.0.0.1.

The server fixture and the signing helpers live in ``tests/stripe_local.py`` (the browser
tests use them too); they are re-exported here for the tests that import them from this
module.
"""

from __future__ import annotations

import pytest
import stripe

from tests.stripe_local import (  # noqa: F401 - fixtures and helpers used by the tests
    ROOT, WEBHOOK_SECRET, _free_port, configure, deliver, event_for, sign, stripe_keys, stripe_server,
)


@pytest.fixture(autouse=True)
def stripe_config(app, stripe_server, stripe_keys):  # noqa: ANN001, ANN201
    """Point the app's StripeClient at the local server."""
    return configure(app, stripe_server, stripe_keys)


@pytest.fixture
def sdk(app, stripe_config) -> stripe.StripeClient:  # noqa: ANN001
    """The test's own SDK client on the same server (plays the seeker's browser or Stripe)."""
    from marketplace.payments.stripe_client import build_client

    return build_client(app.config)
