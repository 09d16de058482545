"""``POST /webhooks/stripe``: Stripe's events, checked and applied once each.

The signature is checked on the raw body with the SDK (``Stripe-Signature``, HMAC with
``STRIPE_WEBHOOK_SECRET``, timestamps older than five minutes refused): a wrong secret,
a changed body or a stale timestamp answers 400. Each event id is recorded in the same
transaction as its effect, so a repeat (Stripe retries, a replay days later) is answered
200 and changes nothing. The work is a few rows in our database, never a call back to
Stripe (refunds the event causes are sent after the commit), so the answer is fast.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable

import stripe
from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import csrf, db
from marketplace.payments import payouts, retries, services
from marketplace.payments.models import Order, StripeEvent

log = logging.getLogger(__name__)
TOLERANCE_SECONDS = 300

bp = Blueprint("stripe_webhooks", __name__, url_prefix="/webhooks")
csrf.exempt(bp)  # Stripe signs its requests; it has no CSRF token


def _charge_refunded(charge: Any) -> str:
    refunds = charge.get("refunds") or {}
    outcomes = [services.apply_refund(r) for r in (refunds.get("data") or [])]
    return "; ".join(outcomes) or "no refunds listed"


HANDLERS: dict[str, Callable[[Any], str]] = {
    "payment_intent.succeeded": services.apply_payment_intent,
    "payment_intent.payment_failed": services.apply_payment_intent,
    "payment_intent.canceled": services.apply_payment_intent,
    "refund.created": services.apply_refund,
    "refund.updated": services.apply_refund,
    "refund.failed": services.apply_refund,
    "charge.refund.updated": services.apply_refund,
    "charge.refunded": _charge_refunded,
    "account.updated": payouts.apply_account,
    "transfer.created": payouts.apply_transfer,
    "transfer.updated": payouts.apply_transfer,
}


def _problem(detail: str) -> tuple[Response, int]:
    response = jsonify({"type": "about:blank", "title": "Bad request", "status": 400, "detail": detail})
    response.mimetype = "application/problem+json"
    return response, 400


@bp.post("/stripe")
def stripe_webhook() -> tuple[Response, int]:
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        log.error("STRIPE_WEBHOOK_SECRET is not set; refusing webhook")
        return _problem("Webhooks are not configured.")
    payload = request.get_data(cache=False, as_text=False)
    try:
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), request.headers.get("Stripe-Signature"),
                                              secret, TOLERANCE_SECONDS)
        event = json.loads(payload)
        event_id, event_type = str(event["id"]), str(event["type"])
        obj = event["data"]["object"]
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        log.warning("webhook refused: %s", exc)
        return _problem("The signature or the payload is not valid.")

    if db.session.scalar(select(StripeEvent.id).where(StripeEvent.event_id == event_id)) is not None:
        return jsonify({"received": True, "duplicate": True}), 200
    handler = HANDLERS.get(event_type)
    outcome = handler(obj) if handler is not None else "ignored"
    try:
        with db.session.begin_nested():
            db.session.add(StripeEvent(event_id=event_id, type=event_type, object_id=str(obj.get("id", ""))[:255],
                                       outcome=outcome))
        db.session.commit()
    except IntegrityError:
        # The same event was being handled by another worker, which committed first.
        db.session.rollback()
        return jsonify({"received": True, "duplicate": True}), 200
    _after_commit(event_type, obj)
    return jsonify({"received": True, "outcome": outcome}), 200


def _after_commit(event_type: str, obj: Any) -> None:
    """Refunds an event caused (a payment for a slot that went to someone else) go to
    Stripe now; if Stripe is unreachable they stay pending for the reconcile command. A
    declined payment's intent is cancelled (see :mod:`.retries`)."""
    if not event_type.startswith("payment_intent."):
        return
    order = db.session.scalar(select(Order).where(Order.stripe_payment_intent_id == obj.get("id")))
    if order is not None:
        services.submit_pending_refunds(order)
        db.session.commit()
        if event_type == "payment_intent.payment_failed":
            # The slot was let go: a page still open must not be able to pay for it.
            retries.cancel_intent(order)
