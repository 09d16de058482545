"""Helpers for page tests: post a form the way a browser does (with its CSRF token),
read what the user sees, and the form data a valid listing or credential needs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from marketplace.core.clock import today
from tests.builders import csrf_token


def token(client: FlaskClient) -> str:
    """A CSRF token for this client's session: every signed-in page carries one in the
    sign-out form; anonymous visitors get one from the sign-in page."""
    try:
        return csrf_token(client, "/")
    except AssertionError:
        return csrf_token(client, "/account/login")


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
    """POST ``data`` to ``url`` with a valid CSRF token, as a browser form would."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", token(client))
    return client.post(url, data=payload, **kwargs)


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def listing_form(**overrides: Any) -> dict[str, Any]:
    """What the listing page posts for a valid acupuncture listing with one fee row."""
    data: dict[str, Any] = {
        "display_name": "Meera Iyer",
        "bio": "Gentle acupuncture for back spasm.",
        "years_in_practice": "12",
        "languages": "English, kannada",
        "offers_online": "y",
        "modalities": ["acupuncture"],
        "techniques": ["dry-needling"],
        "concerns": ["back-spasm", "sciatica"],
        "fees-0-label": "First consultation",
        "fees-0-minutes": "60",
        "fees-0-price": "45.50",
        "fees-0-currency": "GBP",
        "fees-1-label": "", "fees-1-minutes": "", "fees-1-price": "", "fees-1-currency": "GBP",
        "fees-2-label": "", "fees-2-minutes": "", "fees-2-price": "", "fees-2-currency": "GBP",
    }
    data.update(overrides)
    return data


def credential_form(document: tuple[Any, str] | None, **overrides: Any) -> dict[str, Any]:
    """What the credential page posts; ``document`` is (file-like, filename)."""
    data: dict[str, Any] = {
        "type": "licensed_acupuncturist",
        "number": "BAC-12345",
        "issuing_body": "British Acupuncture Council",
        "jurisdiction": "United Kingdom",
        "issued_on": (today() - timedelta(days=365)).isoformat(),
        "expires_on": (today() + timedelta(days=365)).isoformat(),
        "modalities": ["acupuncture"],
    }
    if document is not None:
        data["document"] = document
    data.update(overrides)
    return data
