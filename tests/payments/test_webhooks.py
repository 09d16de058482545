"""The webhook believes only Stripe: signed with our secret, on the exact body, recently.
Payloads here are signed with the SDK's own ``stripe.WebhookSignature``."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.payments.models import StripeEvent
from tests.payments.conftest import deliver, sign

EVENT = {"id": "evt_test_1", "type": "payment_intent.succeeded", "created": 1,
         "data": {"object": {"id": "pi_unknown", "object": "payment_intent", "status": "succeeded",
                             "amount": 100, "currency": "gbp", "metadata": {}}}}


def _events() -> int:
    return db.session.scalar(select(func.count()).select_from(StripeEvent))


def test_a_correctly_signed_event_is_accepted_and_recorded(client):
    response = deliver(client, EVENT)
    assert response.status_code == 200
    assert _events() == 1


def test_a_wrong_secret_is_refused(client):
    assert deliver(client, EVENT, secret="whsec_not_ours").status_code == 400
    assert _events() == 0


def test_a_tampered_body_is_refused(client):
    payload = json.dumps(EVENT)
    header = sign(payload)
    forged = payload.replace('"amount": 100', '"amount": 1')
    response = client.post("/webhooks/stripe", data=forged, content_type="application/json",
                           headers={"Stripe-Signature": header})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert _events() == 0


@pytest.mark.parametrize("age", [301, 3 * 24 * 3600])
def test_a_stale_timestamp_is_refused(client, age):
    assert deliver(client, EVENT, timestamp=int(time.time()) - age).status_code == 400


def test_a_missing_signature_is_refused(client):
    response = client.post("/webhooks/stripe", data=json.dumps(EVENT), content_type="application/json")
    assert response.status_code == 400


def test_the_webhook_needs_no_csrf_token_and_no_login(client):
    # CSRF protection is on in tests; Stripe has no token: the signature replaces it.
    assert deliver(client, {**EVENT, "id": "evt_test_2"}).status_code == 200


def test_an_unknown_event_type_is_acknowledged_and_ignored(client):
    response = deliver(client, {**EVENT, "id": "evt_test_3", "type": "customer.created"})
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "ignored"
