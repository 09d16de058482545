"""The one place that builds the Stripe SDK client, from configuration.

``STRIPE_API_BASE`` points the official SDK at another Stripe-compatible server (the
local one in development and tests); unset, it talks to Stripe. Calls time out after
``STRIPE_TIMEOUT_SECONDS`` and are not retried by the SDK: our own retries (the seeker's
"try again", the reconcile command) reuse the same idempotency key, so nothing is done
twice. :func:`call` turns an unreachable or failing provider into a ServiceUnavailable
the seeker can act on.
"""

from __future__ import annotations

import logging
from typing import Callable, TypeVar

import stripe
from flask import Flask, current_app

from marketplace.core.errors import ServiceUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_JS_URL = "https://js.stripe.com/v3/"
UNAVAILABLE = ("We could not reach our payment provider just now, so nothing was charged. "
               "Your order is kept: please try again in a minute.")


def build_client(config: dict) -> stripe.StripeClient:
    """A ``StripeClient`` for ``config`` (raises ServiceUnavailable when no key is set)."""
    api_key = config.get("STRIPE_SECRET_KEY")
    if not api_key:
        raise ServiceUnavailable("Payments are not configured (STRIPE_SECRET_KEY is missing).")
    base = config.get("STRIPE_API_BASE")
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": base, "connect": base, "files": base} if base else None,
        http_client=stripe.RequestsClient(timeout=config.get("STRIPE_TIMEOUT_SECONDS", 10)),
        max_network_retries=0,
    )


def client(app: Flask | None = None) -> stripe.StripeClient:
    """The app's client, built once (tests may put their own in ``app.extensions``)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    existing = app.extensions.get("stripe_client")
    if existing is None:
        existing = app.extensions["stripe_client"] = build_client(app.config)
    return existing


def js_url(config: dict) -> str:
    """Where the payment page loads Stripe.js: Stripe's own, or the local stand-in."""
    base = config.get("STRIPE_API_BASE")
    return f"{base.rstrip('/')}/js.stripe.com/v3/" if base else DEFAULT_JS_URL


def call(fn: Callable[[], T]) -> T:
    """Run one Stripe call; connection problems, timeouts and Stripe's own outages become
    ServiceUnavailable (card declines and invalid requests are raised as they are)."""
    try:
        return fn()
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        log.warning("Stripe unreachable: %s", exc)
        raise ServiceUnavailable(UNAVAILABLE) from None
    except stripe.APIError as exc:
        log.warning("Stripe error: %s", exc)
        raise ServiceUnavailable(UNAVAILABLE) from None
