"""A database that is down (or restarting) gives a 503 the client can retry, as a
problem body with Retry-After, and a readable page in the browser: never a 500."""

from __future__ import annotations

import pytest

from marketplace import create_app
from tests.ops.test_health import closed_port

SECRET = "outage-test-secret-key-that-is-long-enough-0123"


@pytest.fixture
def unreachable_app(tmp_path):
    """The app pointed at a PostgreSQL port nothing listens on (a real connection
    attempt that is refused, as during a restart)."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/gone",
         "SECRET_KEY": SECRET, "MAIL_BACKEND": "memory", "RATELIMIT_ENABLED": False,
         "UPLOAD_FOLDER": str(tmp_path / "u"), "OUTBOX_FOLDER": str(tmp_path / "o")},
        env={"MARKETPLACE_ENV": "test"},
    )
    yield app
    with app.app_context():
        from marketplace.extensions import db

        db.engine.dispose()


def test_api_answers_503_problem_with_retry_after(unreachable_app):
    response = unreachable_app.test_client().get("/api/v1/practitioners/1")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert body["status"] == 503 and body["retry_after"] == 5
    assert "try again" in body["detail"]


def test_page_says_try_again(unreachable_app):
    response = unreachable_app.test_client().get("/practitioners/1", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert "try again" in response.get_data(as_text=True).lower()


def test_health_stays_200_and_says_degraded(unreachable_app):
    response = unreachable_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "unavailable"
