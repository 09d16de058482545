"""What the fuzzer found, pinned down: each was a 5xx or an undocumented status before
its fix, and the fuzzer's random search may not hit the same input again."""

from __future__ import annotations

from marketplace.accounts.models import Role
from tests.builders import bearer, make_practitioner, make_user


def test_an_id_beyond_32_bits_is_not_found_not_method_not_allowed(client):
    """Werkzeug answered 405 when the int converter refused the id and another method
    shared the path; such an id can name no row, so it is a plain 404."""
    headers = bearer(client, make_practitioner().user)
    response = client.delete("/api/v1/me/practitioner/availability/exceptions/198959440109", headers=headers)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert client.get("/api/v1/orders/99999999999", headers=headers).status_code == 404


def test_every_operation_with_a_path_parameter_documents_404(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, operations in paths.items():
        if "{" in path:
            for method, operation in operations.items():
                assert "404" in operation["responses"], (method, path)


def test_a_care_plan_for_an_empty_concern_is_a_400_on_concern(client):
    response = client.get("/api/v1/packages/plan?concern=&near=London")
    assert response.status_code == 400
    assert "concern" in response.get_json()["errors"]


def test_a_nul_character_in_any_api_input_is_a_400_naming_the_field(client):
    """PostgreSQL text cannot hold NUL: it used to fail inside the query (500)."""
    response = client.get("/api/v1/packages/plan?concern=%00back&near=London")
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"concern": ["must not contain NUL characters"]}
    response = client.post("/api/v1/auth/tokens", json={"email": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400 and "email" in response.get_json()["errors"]
    admin = bearer(client, make_user(Role.ADMIN))
    response = client.post("/api/v1/admin/concerns/back%00spasm/phrases", json={"text": "tight back"}, headers=admin)
    assert response.status_code == 400 and "slug" in response.get_json()["errors"]


def test_a_payout_return_url_must_be_a_web_address(client):
    """Stripe refused a relative return URL and the error escaped as a 500."""
    headers = bearer(client, make_practitioner().user)
    response = client.post("/api/v1/me/payouts/onboarding", json={"return_url": "9"}, headers=headers)
    assert response.status_code == 400
    assert "return_url" in response.get_json()["errors"]
