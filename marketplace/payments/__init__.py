"""Payments: orders, Stripe checkout, webhooks, refunds, the ledger and payouts."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Production cannot take money without the real keys: refuse to start without them."""
    from marketplace.config import ConfigError

    if app.config.get("MARKETPLACE_ENV") == "production":
        missing = [n for n in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET") if not app.config.get(n)]
        if missing:
            raise ConfigError(f"production needs {' and '.join(missing)}")
