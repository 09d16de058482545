"""Logs: one JSON object per line, the request id on every line of a request and in the
response, one access line per request, and nothing private (health answers in query
strings, passwords, tokens, cookies) anywhere."""

from __future__ import annotations

import logging
import re

from marketplace import create_app
from tests.builders import PASSWORD, bearer, csrf_token, login, make_user, make_verified_practitioner


def noisy_view():  # noqa: ANN201
    """A view that logs through the app logger, a module logger and an exception."""
    from flask import current_app

    current_app.logger.info("first line", extra={"order_id": 42})
    logging.getLogger("marketplace.payments.fake").warning("second line")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("marketplace.ops").exception("third line")
    return "done"


def test_every_line_of_a_request_carries_its_id_and_the_response_names_it(app, client, json_logs):
    app.add_url_rule("/_noisy", "noisy", noisy_view)
    response = client.get("/_noisy?secret=1")
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)

    records = json_logs()
    assert [r["message"] for r in records] == ["first line", "second line", "third line", "GET /_noisy 200"]
    assert {r["request_id"] for r in records} == {request_id}
    first, second, third, access = records
    assert first["order_id"] == 42 and first["level"] == "INFO" and first["logger"] == "marketplace"
    assert second["level"] == "WARNING" and second["logger"] == "marketplace.payments.fake"
    assert third["exception"].startswith("Traceback") and "ValueError: boom" in third["exception"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", access["time"])
    assert access["logger"] == "marketplace.access"
    assert access["method"] == "GET" and access["path"] == "/_noisy" and access["endpoint"] == "noisy"
    assert access["status"] == 200 and isinstance(access["duration_ms"], float) and access["user_id"] is None

    # The next request gets a new id.
    assert client.get("/_noisy").headers["X-Request-ID"] != request_id


def test_a_sane_incoming_request_id_is_kept_and_a_forged_one_replaced(client, json_logs):
    kept = client.get("/livez", headers={"X-Request-ID": "edge-1a2B.3_c"})
    assert kept.headers["X-Request-ID"] == "edge-1a2B.3_c"
    for bad in ("has space", "x" * 129, "new\\nline", "semi;colon", "ünï"):
        response = client.get("/livez", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"]), bad


def test_the_access_line_names_the_signed_in_user(app, client, json_logs):
    seeker = make_user(email="logged@example.com")
    login(client, seeker)
    client.get("/")
    access = [r for r in json_logs() if r["logger"] == "marketplace.access"]
    assert access[-1]["path"] == "/" and access[-1]["user_id"] == seeker.id


def test_screening_answers_in_a_search_leave_no_trace(app, client, log_output):
    make_verified_practitioner(app, display_name="Asha Rao", concerns=("sciatica",))
    page = client.get("/search", query_string={"q": "pregnant and numb groin", "near": "Bangalore",
                                               "red_flags": "saddle-numbness", "cautions": ["pregnancy", "implant"]})
    api = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Bangalore",
                                                     "cautions": "blood-thinners", "red_flags": "fever-weight-loss"})
    assert page.status_code == 200 and api.status_code in (200, 400)
    logged = log_output()
    assert "/search" in logged and "/api/v1/search" in logged  # the requests were logged...
    for private in ("pregnan", "numb", "saddle", "implant", "blood-thinners", "fever", "red_flags", "cautions",
                    "Bangalore", "?"):
        assert private not in logged, private  # ...without their answers


def test_passwords_tokens_and_cookies_never_reach_the_log(app, client, log_output):
    user = make_user(email="careful@example.com")
    token_headers = bearer(client, user)
    client.get("/api/v1/me", headers=token_headers)
    client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-real-token-zz9"})
    client.post("/account/login", data={"email": "careful@example.com", "password": "Wrong-Pa55word-Zq",
                                        "csrf_token": csrf_token(client)})
    client.post("/api/v1/auth/tokens", json={"email": "careful@example.com", "password": "Wrong-Pa55word-Zq"})
    client.post("/api/v1/auth/register", json={"email": "new@example.com", "password": "Another-Pa55-Xy", "role": "seeker"})
    logged = log_output()
    assert "POST /account/login" in logged
    token = token_headers["Authorization"].split()[1]
    cookies = [c.value for c in client._cookies.values()] if hasattr(client, "_cookies") else []
    for secret in ("Wrong-Pa55word-Zq", "Another-Pa55-Xy", PASSWORD, token, "not-a-real-token-zz9",
                   "Authorization", "Bearer", *cookies):
        assert secret not in logged, secret


def test_health_probes_are_not_access_logged(client, log_output):
    client.get("/healthz")
    client.get("/livez")
    assert "/healthz" not in log_output() and "livez" not in log_output()


def test_text_format_is_readable_and_still_has_the_request_id(app, log_output):
    text_app = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                           "SECRET_KEY": app.config["SECRET_KEY"], "LOG_FORMAT": "text"}, env={"MARKETPLACE_ENV": "test"})
    try:
        response = text_app.test_client().get("/account/login?next=/x", headers={"X-Request-ID": "trace-77"})
        line = [x for x in log_output().splitlines() if "marketplace.access" in x][-1]
        assert response.headers["X-Request-ID"] == "trace-77"
        assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO \[trace-77\] marketplace.access: GET /account/login 200 ", line)
        assert "status=200" in line and "next=" not in line
    finally:
        # Logging is per process: put JSON back for the tests that follow.
        create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                    "SECRET_KEY": app.config["SECRET_KEY"]}, env={"MARKETPLACE_ENV": "test"})


def test_building_the_app_twice_does_not_double_the_lines(app, client, json_logs):
    create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": app.config["SECRET_KEY"]}, env={"MARKETPLACE_ENV": "test"})
    client.get("/account/login")
    assert len([r for r in json_logs() if r["logger"] == "marketplace.access"]) == 1


def test_the_development_servers_request_line_with_its_query_string_is_dropped(app, log_output):
    """``flask run`` and the browser tests' server log the full URL; ours replaces it."""
    werkzeug = logging.getLogger("werkzeug")
    werkzeug.info('127.0.0.1 - - [22/Nov/2026 06:54:36] "GET /search?red_flags=saddle-numbness HTTP/1.1" 200 -')
    werkzeug.info(" * Running on http://127.0.0.1:5000")
    logged = log_output()
    assert "saddle-numbness" not in logged and "Running on http://127.0.0.1:5000" in logged


def test_the_access_line_does_not_query_the_database_after_a_rollback(app, client, json_logs):
    """A request that failed (a database outage ends in a rollback, which expires the
    signed-in user's row) must still get its access line and its answer: naming the user
    in the log may not ask the database again (found by bench/fault_bench.py, where that
    query turned a clean 503 into a 500)."""
    from sqlalchemy import event

    from marketplace.extensions import csrf, db

    seeker = make_user(email="outage@example.com")
    seeker_id = seeker.id
    statements: list[str] = []

    @app.post("/_rolled_back")
    @csrf.exempt
    def rolled_back():  # noqa: ANN202
        from flask_login import current_user

        assert current_user.is_authenticated  # loads the user for this request
        db.session.rollback()  # what the 503 handler does: every loaded row is now expired
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        return "rolled back", 503

    response = client.post("/_rolled_back", headers=bearer(client, seeker))
    assert response.status_code == 503
    assert statements == []
    access = [r for r in json_logs() if r["logger"] == "marketplace.access"]
    assert access[-1]["path"] == "/_rolled_back" and access[-1]["user_id"] == seeker_id
