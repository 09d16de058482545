"""Helpers for privacy tests: a seeker with a paid upcoming session, and reading a JSON
document as text to prove something is *not* in it."""

from __future__ import annotations

import json

from marketplace.payments.models import Order
from tests.payments.test_refunds import paid_order as _paid_order


def paid_order(app, client, sdk, **settings) -> Order:  # noqa: ANN001, ANN003
    """A seeker's paid order for a confirmed session with a verified London practitioner
    on Monday 30 March 2026 (paid with a test card through the local Stripe)."""
    return _paid_order(app, client, sdk, **settings)


def as_text(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)
