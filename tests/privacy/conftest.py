"""Privacy tests: the local Stripe (real SDK) for the paid bookings a deletion refunds,
and the booking tests' frozen clock, so slots are in the future."""

from __future__ import annotations

import pytest
import stripe

from tests.stripe_local import configure, stripe_keys, stripe_server  # noqa: F401 - fixtures


@pytest.fixture
def now(app, frozen_clock):  # noqa: ANN001, ANN201
    from tests.booking.helpers import NOW

    frozen_clock(NOW)
    return NOW


@pytest.fixture
def sdk(app, stripe_server, stripe_keys, now) -> stripe.StripeClient:  # noqa: ANN001, F811
    """The app pointed at the local Stripe, and the test's own SDK client on it (plays the
    seeker's browser)."""
    from marketplace.payments.stripe_client import build_client

    configure(app, stripe_server, stripe_keys)
    return build_client(app.config)
