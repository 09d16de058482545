"""Rate limits: a client that hammers sign-in, registration, password reset, token issue
or search gets 429 after the configured count, with a problem body (API) or a page
(HTML) that says when to come back; the count is shared by every app process through
Redis, and the service keeps answering when Redis is gone."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits.storage import MemoryStorage

from tests.builders import csrf_token, make_user
from tests.infra.conftest import DEAD_REDIS_URL

LOW = "3 per minute"
ALL_LOW = {name: LOW for name in ("RATELIMIT_SIGN_IN", "RATELIMIT_REGISTER", "RATELIMIT_PASSWORD_RESET",
                                  "RATELIMIT_TOKENS", "RATELIMIT_SEARCH")}


def _token_attempt(client: FlaskClient, email: str = "nobody@example.com", ip: str = "203.0.113.7"):  # noqa: ANN202
    return client.post("/api/v1/auth/tokens", json={"email": email, "password": "wrong-password-123"},
                       environ_base={"REMOTE_ADDR": ip})


def _assert_limited_problem(response: Any) -> None:
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 429
    assert body["title"] == "Too many requests"
    assert "try again in" in body["detail"]
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert body["retry_after"] == retry_after


REQUESTS: dict[str, Callable[[FlaskClient], Any]] = {
    "token issue": lambda c: c.post("/api/v1/auth/tokens", json={"email": "a@example.com", "password": "x" * 12}),
    "registration": lambda c: c.post("/api/v1/auth/register", json={"email": "", "password": "", "role": "seeker"}),
    "password reset": lambda c: c.post("/api/v1/auth/password-reset", json={"email": "a@example.com"}),
    "search": lambda c: c.get("/api/v1/search?concern=back-spasm&mode=online"),
}


@pytest.mark.parametrize("call", list(REQUESTS), ids=list(REQUESTS))
def test_api_endpoint_answers_429_problem_after_the_configured_count(make_app: Callable[..., Flask], call: str) -> None:
    client = make_app(**ALL_LOW).test_client()
    answers = [REQUESTS[call](client) for _ in range(3)]
    assert all(r.status_code != 429 and r.status_code < 500 for r in answers), [r.status_code for r in answers]
    _assert_limited_problem(REQUESTS[call](client))


def test_limit_counts_per_client_ip(make_app: Callable[..., Flask]) -> None:
    client = make_app(**ALL_LOW).test_client()
    for n in range(3):
        assert _token_attempt(client, email=f"p{n}@example.com", ip="198.51.100.1").status_code == 401
    assert _token_attempt(client, email="p9@example.com", ip="198.51.100.1").status_code == 429
    assert _token_attempt(client, email="p9@example.com", ip="198.51.100.2").status_code == 401


def test_sign_in_is_also_limited_per_email_across_ips(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMIT_TOKENS="100 per minute", RATELIMIT_SIGN_IN_PER_EMAIL="2 per minute")
    client = app.test_client()
    make_user(email="target@example.com")
    assert _token_attempt(client, "Target@example.com", ip="192.0.2.1").status_code == 401
    assert _token_attempt(client, "target@example.com ", ip="192.0.2.2").status_code == 401
    _assert_limited_problem(_token_attempt(client, "target@example.com", ip="192.0.2.3"))
    assert _token_attempt(client, "someone-else@example.com", ip="192.0.2.3").status_code == 401


def test_page_and_api_share_one_budget(make_app: Callable[..., Flask]) -> None:
    client = make_app(**ALL_LOW).test_client()
    assert client.get("/search?concern=back-spasm&mode=online").status_code == 200
    assert client.get("/search?concern=back-spasm&mode=online").status_code == 200
    assert client.get("/api/v1/search?concern=back-spasm&mode=online").status_code == 200
    _assert_limited_problem(client.get("/api/v1/search?concern=back-spasm&mode=online"))


def test_html_sign_in_gets_a_429_page_saying_when_to_try_again(make_app: Callable[..., Flask]) -> None:
    client = make_app(RATELIMIT_SIGN_IN="2 per minute").test_client()
    token = csrf_token(client, "/account/login")
    form = {"email": "someone@example.com", "password": "wrong-password-123", "csrf_token": token}
    for _ in range(2):
        assert client.post("/account/login", data=form).status_code == 200  # re-rendered with an error
    # Showing the form is not an attempt: it is never limited.
    assert client.get("/account/login").status_code == 200
    response = client.post("/account/login", data=form)
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "try again in" in page
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_limits_are_shared_by_two_app_processes_through_redis(
        make_app: Callable[..., Flask], redis_settings: dict[str, Any]) -> None:
    first = make_app(**redis_settings, **ALL_LOW).test_client()
    second = make_app(**redis_settings, **ALL_LOW).test_client()
    assert _token_attempt(first).status_code == 401
    assert _token_attempt(second).status_code == 401
    assert _token_attempt(first).status_code == 401
    _assert_limited_problem(_token_attempt(second))


def test_without_redis_limits_live_in_process_memory(make_app: Callable[..., Flask]) -> None:
    app = make_app(**ALL_LOW)  # the embedded default: no REDIS_URL
    assert isinstance(app.extensions["marketplace.limiter"].storage, MemoryStorage)
    client = app.test_client()
    for _ in range(3):
        assert _token_attempt(client).status_code == 401
    assert _token_attempt(client).status_code == 429


def test_redis_down_keeps_answering_and_falls_back_to_memory_limits(make_app: Callable[..., Flask]) -> None:
    client = make_app(RATELIMIT_STORAGE_URI=DEAD_REDIS_URL, **ALL_LOW).test_client()
    answers = [_token_attempt(client).status_code for _ in range(3)]
    assert answers == [401, 401, 401]
    assert _token_attempt(client).status_code == 429  # still limited, in memory


def test_limits_can_be_switched_off(make_app: Callable[..., Flask]) -> None:
    client = make_app(RATELIMIT_ENABLED=False, **ALL_LOW).test_client()
    assert [_token_attempt(client).status_code for _ in range(6)] == [401] * 6


def test_the_api_document_says_which_operations_can_answer_429(client: FlaskClient):
    """A client generator learns from the OpenAPI document that search, sign-in tokens,
    registration and password reset may be refused for a while, and nothing else."""
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    limited = {(path, method) for path, ops in paths.items() for method, op in ops.items() if "429" in op["responses"]}
    assert limited == {("/api/v1/search", "get"), ("/api/v1/auth/tokens", "post"),
                       ("/api/v1/auth/register", "post"), ("/api/v1/auth/password-reset", "post")}
    problem = paths["/api/v1/search"]["get"]["responses"]["429"]
    assert "Retry-After" in problem["description"]
