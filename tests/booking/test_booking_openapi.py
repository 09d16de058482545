"""The booking calls are in the OpenAPI document, and their answers match it."""

from __future__ import annotations

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.booking.helpers import confirmed_at, local
from tests.builders import bearer


def _errors(document, path, method, status, body, content_type="application/json"):  # noqa: ANN001, ANN202
    schema = document["paths"][path][method]["responses"][str(status)]["content"][content_type]["schema"]
    registry = Registry().with_resource("urn:openapi", Resource(contents=document, specification=DRAFT202012))
    schema = {**schema, "$ref": "urn:openapi" + schema["$ref"]} if "$ref" in schema else schema
    return [e.message for e in Draft202012Validator(schema, registry=registry).iter_errors(body)]


def test_booking_calls_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in [
        ("/api/v1/practitioners/{practitioner_id}/slots", "get"), ("/api/v1/bookings", "post"),
        ("/api/v1/bookings", "get"), ("/api/v1/bookings/{booking_id}", "get"),
        ("/api/v1/bookings/{booking_id}/cancel", "post"), ("/api/v1/bookings/{booking_id}/reschedule", "post"),
        ("/api/v1/bookings/{booking_id}/attended", "post"), ("/api/v1/bookings/{booking_id}/no-show", "post"),
        ("/api/v1/me/practitioner/availability", "get"), ("/api/v1/me/practitioner/availability", "put"),
        ("/api/v1/me/practitioner/availability/exceptions", "get"),
        ("/api/v1/me/practitioner/availability/exceptions", "post"),
        ("/api/v1/me/practitioner/availability/exceptions/{exception_id}", "put"),
        ("/api/v1/me/practitioner/availability/exceptions/{exception_id}", "delete"),
    ]:
        assert method in paths.get(path, {}), (method, path)
    params = {p["name"] for p in paths["/api/v1/practitioners/{practitioner_id}/slots"]["get"]["parameters"]}
    assert {"from", "to", "fee_label", "location_id", "online"} <= params


def test_booking_answers_match_their_documented_schemas(client, practitioner, seeker):
    document = client.get("/api/v1/openapi.json").get_json()
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10))
    as_seeker = bearer(client, seeker)
    as_owner = bearer(client, practitioner.user)
    calls = [
        ("get", f"/api/v1/practitioners/{practitioner.id}/slots", "/api/v1/practitioners/{practitioner_id}/slots",
         None, None, 200),
        ("post", "/api/v1/bookings", "/api/v1/bookings", as_seeker,
         {"practitioner_id": practitioner.id, "start": "2026-03-31T10:00:00+01:00", "online": False,
          "location_id": practitioner.locations[0].id}, 201),
        ("post", "/api/v1/bookings", "/api/v1/bookings", as_seeker,
         {"practitioner_id": practitioner.id, "start": "2026-03-31T10:00:00+01:00",
          "location_id": practitioner.locations[0].id}, 409),
        ("get", "/api/v1/bookings", "/api/v1/bookings", as_owner, None, 200),
        ("get", f"/api/v1/bookings/{booking.id}", "/api/v1/bookings/{booking_id}", as_seeker, None, 200),
        ("post", f"/api/v1/bookings/{booking.id}/reschedule", "/api/v1/bookings/{booking_id}/reschedule", as_seeker,
         {"start": "2026-04-01T10:00:00+01:00"}, 200),
        ("get", "/api/v1/me/practitioner/availability", "/api/v1/me/practitioner/availability", as_owner, None, 200),
        ("get", "/api/v1/me/practitioner/availability/exceptions",
         "/api/v1/me/practitioner/availability/exceptions", as_owner, None, 200),
        ("get", "/api/v1/bookings/999999", "/api/v1/bookings/{booking_id}", as_seeker, None, 404),
    ]
    for method, url, path, headers, body, status in calls:
        response = getattr(client, method)(url, headers=headers or {}, json=body)
        assert response.status_code == status, (url, response.get_json())
        content_type = "application/json" if status < 400 else "application/problem+json"
        assert response.mimetype == content_type
        assert _errors(document, path, method, status, response.get_json(), content_type) == [], url
