"""A NUL character typed into a page's address or form is a clear 400, on SQLite and on
PostgreSQL (whose text columns refuse it): never a 500."""

from __future__ import annotations

from tests.builders import csrf_token


def test_search_page_with_nul_in_the_query_is_a_400_page(client):
    response = client.get("/search?q=back%00pain&near=London", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "not allowed" in response.get_data(as_text=True)


def test_sign_in_form_with_nul_is_a_400(client):
    token = csrf_token(client, "/account/login")
    response = client.post("/account/login", data={"csrf_token": token, "email": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400


def test_api_keeps_naming_the_field(client):
    response = client.get("/api/v1/search?q=back%00pain&near=London")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
