"""A signed-in user downloads everything we hold about them, and nothing about anyone else."""

from __future__ import annotations

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from marketplace.accounts.models import ApiToken
from marketplace.booking.models import BookingStatus
from marketplace.extensions import db
from marketplace.practitioners.models import Gender
from tests.booking.helpers import hold_at, local, london_practitioner, make_seeker, set_hours
from tests.builders import PASSWORD, bearer, login, make_credential
from tests.privacy.helpers import as_text, paid_order


def _matches_openapi(client, document: dict) -> list[str]:  # noqa: ANN001
    """Messages for every way ``document`` departs from the documented response schema."""
    spec = client.get("/api/v1/openapi.json").get_json()
    schema = spec["paths"]["/api/v1/me/export"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    registry = Registry().with_resource("urn:openapi", Resource(contents=spec, specification=DRAFT202012))
    validator = Draft202012Validator({"$ref": "urn:openapi" + schema["$ref"]}, registry=registry)
    return [e.message for e in validator.iter_errors(document)]


def test_export_needs_a_signed_in_user(client):
    response = client.get("/api/v1/me/export")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 401
    page = client.get("/account/export")
    assert page.status_code == 302 and "/account/login" in page.headers["Location"]


def test_seeker_export_has_their_booking_paid_order_and_messages_and_nobody_elses(app, client, sdk):
    order = paid_order(app, client, sdk)
    seeker = order.seeker
    other = make_seeker("someone.else@example.com")
    other_booking = hold_at(other, order.booking.practitioner, local(2026, 3, 31, 11))
    headers = bearer(client, seeker)
    token_hash = db.session.query(ApiToken.token_hash).filter_by(user_id=seeker.id).first()[0]

    response = client.get("/api/v1/me/export", headers=headers)

    assert response.status_code == 200
    data = response.get_json()
    assert _matches_openapi(client, data) == []
    assert data["format"] == 1 and data["exported_at"]
    assert data["account"]["email"] == seeker.email and data["account"]["role"] == "seeker"
    assert len(data["account"]["api_tokens"]) == 1
    [booking] = data["bookings"]
    assert booking["id"] == order.booking_id and booking["status"] == BookingStatus.CONFIRMED.value
    assert (booking["amount"], booking["currency"], booking["practitioner"]) == (7500, "GBP", "Lena Hart")
    [exported_order] = data["orders"]
    assert (exported_order["id"], exported_order["status"], exported_order["amount"]) == (order.id, "paid", 7500)
    assert exported_order["refunds"] == []
    assert any(n["kind"] == "booking.confirmed" for n in data["notifications"])
    assert data["listing"] is None and data["screening_answers"] == "not stored"

    text = as_text(data)
    assert "someone.else@example.com" not in text
    assert other_booking.id not in [b["id"] for b in data["bookings"]]
    assert order.booking.practitioner.user.email not in text
    assert seeker.password_hash not in text and token_hash not in text
    assert "password" not in text and "token_hash" not in text and headers["Authorization"][7:] not in text


def test_practitioner_downloads_listing_credentials_and_sessions_from_the_account_page(app, client, now):
    practitioner = london_practitioner(app, country_code="GB")
    practitioner.gender = Gender.NON_BINARY
    db.session.commit()
    set_hours(practitioner)
    credential = make_credential(app, practitioner, status="pending")
    seeker = make_seeker("private.seeker@example.com")
    session = hold_at(seeker, practitioner, local(2026, 3, 30, 10))
    login(client, practitioner.user)

    page = client.get("/account/")
    assert page.status_code == 200
    assert 'href="/account/export"' in page.get_data(as_text=True)
    response = client.get("/account/export")

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = response.get_json()
    listing = data["listing"]
    assert listing["id"] == practitioner.id and listing["display_name"] == "Lena Hart"
    assert listing["modalities"] == ["acupuncture"] and listing["concerns"] == ["back-spasm"]
    assert {"label": "Consultation", "minutes": 60, "amount": 7500, "currency": "GBP"} in listing["fees"]
    assert [(loc["city"], loc["timezone"]) for loc in listing["locations"]] == [("London", "Europe/London")]
    assert listing["country_code"] == "GB" and listing["gender"] == "non_binary"
    statuses = {c["id"]: c["status"] for c in listing["credentials"]}
    assert statuses[credential.id] == "pending" and "approved" in statuses.values()
    [exported] = [c for c in listing["credentials"] if c["id"] == credential.id]
    # The document is described (it exists, what it is), not included; its storage key stays private.
    assert exported["document"] == {"filename": "licence.pdf", "mime": "application/pdf",
                                    "size": credential.document_size, "sha256": credential.document_sha256}
    assert credential.document_key not in as_text(data)
    # Their sessions are theirs; who booked them is the seeker's data.
    assert [(s["id"], s["status"], s["amount"]) for s in listing["sessions"]] == [(session.id, "held", 7500)]
    assert "private.seeker" not in as_text(data) and data["bookings"] == []
    assert listing["payout_account"] is None
    assert data["account"]["email"] == practitioner.user.email and PASSWORD not in as_text(data)
