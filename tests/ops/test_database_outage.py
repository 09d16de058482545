"""A database that is down (or restarting) gives a 503 the client can retry, as a
problem body with Retry-After, and a readable page in the browser: never a 500."""

from __future__ import annotations

import os

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


@pytest.mark.postgres_only
@pytest.mark.skipif(os.environ.get("MARKETPLACE_TEST_DB", "sqlite").strip().lower() != "postgresql",
                    reason="needs PostgreSQL (MARKETPLACE_TEST_DB=postgresql): it kills a server connection")
def test_a_committed_request_keeps_its_answer_when_the_connection_dies_before_teardown(app, tmp_path):
    """PostgreSQL restarting between a request's commit and the end of the request (the
    teardown's rollback) must not turn a committed booking into a 500: found by
    bench/fault_bench.py, reproduced here by killing the request's own backend."""
    from sqlalchemy import create_engine, select, text

    from marketplace.accounts.models import User
    from marketplace.extensions import csrf, db
    from tests.builders import make_user

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    # Its own app, with no app context held open by the test: each request ends with the
    # teardown a server runs (the ``app`` fixture only provides the fresh database).
    served = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "MAIL_BACKEND": "memory",
                         "RATELIMIT_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path / "u"),
                         "OUTBOX_FOLDER": str(tmp_path / "o")}, env={"MARKETPLACE_ENV": "test"})
    killer = create_engine(url, isolation_level="AUTOCOMMIT")

    @served.post("/_test/commit-then-lose-the-connection")
    @csrf.exempt
    def commit_then_lose_the_connection():  # noqa: ANN202
        make_user(email="kept@example.com")  # commits
        # The next statement opens a new transaction on the same connection, which then dies.
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with killer.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return {"created": True}, 201

    try:
        response = served.test_client().post("/_test/commit-then-lose-the-connection")
        assert response.status_code == 201
        # The dead connection was not handed to the next request.
        assert served.test_client().get("/api/v1/concerns").status_code == 200
        with served.app_context():
            assert db.session.scalar(select(User.id).where(User.email == "kept@example.com")) is not None
    finally:
        killer.dispose()
        with served.app_context():
            db.engine.dispose()
