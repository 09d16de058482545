"""Errors served as an HTML page or as ``application/problem+json``, by what was asked."""

from __future__ import annotations

import logging

from flask import Flask, Response, json, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from marketplace.core.errors import DomainError
from marketplace.extensions import db

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://marketplace.invalid/problems/"


def wants_json() -> bool:
    """API and webhook paths always get JSON; elsewhere follow the Accept header."""
    if request.path.startswith(("/api/", "/webhooks/")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "application/problem+json"])
    return best in {"application/json", "application/problem+json"}


def problem(status: int, title: str, detail: str, *, type_slug: str | None = None,
            errors: dict[str, list[str]] | None = None, headers: dict[str, str] | None = None,
            extensions: dict[str, object] | None = None) -> Response:
    body = {**(extensions or {}),
        "type": PROBLEM_BASE + (type_slug or str(status)),
        "title": title,
        "status": status,
        "detail": detail,
        "errors": errors or {},
    }
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _html(status: int, title: str, detail: str) -> tuple[str, int]:
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


DATABASE_RETRY_AFTER = 5


def _discard_session() -> None:
    """Roll back the request's session; with a dead connection even that can fail, and
    then the session is simply thrown away."""
    try:
        db.session.rollback()
    except DBAPIError:
        log.warning("rollback failed: the database connection is gone")
        _release_session()


def _release_session(exc: BaseException | None = None) -> None:
    """End the request's session, tolerating a connection that died after the request's
    work was committed (PostgreSQL restarting between the commit and the teardown's
    rollback): the answer already decided, a 201 for a committed booking say, must not
    become a server error. The dead connection is invalidated, never reused."""
    try:
        db.session.remove()
    except DBAPIError as error:
        log.warning("could not release the database session (%s); its connection is discarded",
                    str(error).splitlines()[0] if str(error) else type(error).__name__)
        try:
            db.session().invalidate()  # close without a rollback; the pool drops the connection
        except DBAPIError:  # pragma: no cover - invalidation does not talk to the server
            pass
        db.session.registry.clear()


def register_error_handlers(app: Flask) -> None:
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (teardowns run
    # in reverse); Flask-SQLAlchemy's remove() then finds an empty session.
    app.teardown_appcontext(_release_session)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):  # noqa: ANN202
        # The request's work is abandoned: nothing half-done may be flushed later.
        db.session.rollback()
        if wants_json():
            headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
            return problem(exc.status, exc.title, exc.detail, type_slug=exc.type_slug,
                           errors=exc.errors, headers=headers, extensions=exc.extensions)
        return _html(exc.status, exc.title, exc.detail)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):  # noqa: ANN202
        detail = "The form's security token is missing or has expired. Reload the page and try again."
        if wants_json():
            return problem(400, "CSRF check failed", detail, type_slug="csrf",
                           errors={"csrf_token": [exc.description or "missing"]})
        return _html(400, "Please try again", detail)

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(exc: RateLimitExceeded):  # noqa: ANN202
        from marketplace.infra.limits import describe_wait, retry_after_seconds

        seconds = retry_after_seconds()
        detail = f"Too many attempts from your connection. Please try again in {describe_wait(seconds)}."
        headers = {"Retry-After": str(seconds)}
        if wants_json():
            return problem(429, "Too many requests", detail, type_slug="rate-limited", headers=headers,
                           extensions={"retry_after": seconds})
        body = render_template("errors/429.html", status=429, title="Too many attempts", detail=detail,
                               retry_after=seconds, wait=describe_wait(seconds))
        return body, 429, headers

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # noqa: ANN202
        status = exc.code or 500
        title = exc.name
        detail = exc.description or title
        if status == 413:
            detail = "The upload is too large: documents may be up to 10 MB."
        if wants_json():
            response = problem(status, title, detail, type_slug=title.lower().replace(" ", "-"))
            if status == 405 and exc.get_response().headers.get("Allow"):
                response.headers["Allow"] = exc.get_response().headers["Allow"]
            return response
        return _html(status, title, detail)

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):  # noqa: ANN202
        """The database is down or restarting: a 503 the client may retry, not a 500. The
        work of the request was not committed (or, if the commit itself failed, the client
        retries and the idempotency keys keep it single)."""
        _discard_session()
        log.warning("database unavailable on %s %s: %s", request.method, request.path,
                    str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        detail = "The service is briefly unavailable. Please try again in a few seconds."
        headers = {"Retry-After": str(DATABASE_RETRY_AFTER)}
        if wants_json():
            return problem(503, "Service unavailable", detail, type_slug="unavailable", headers=headers,
                           extensions={"retry_after": DATABASE_RETRY_AFTER})
        return (*_html(503, "Please try again", detail), headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # noqa: ANN202
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return database_unavailable(exc)  # type: ignore[arg-type]
        _discard_session()
        log.exception("unhandled error on %s %s", request.method, request.path)
        detail = "Something went wrong on our side. It has been logged; please try again."
        if wants_json():
            return problem(500, "Internal server error", detail, type_slug="internal")
        return _html(500, "Something went wrong", detail)
