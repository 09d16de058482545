"""Structured logs with a request id on every line, and one access line per request.

Logging is set up once per process on the root logger (a second ``create_app``, as in
the tests, only updates the format and level), so every library's lines come out in the
same shape. The request id lives in a context variable, so a line logged anywhere while
a request is served carries it, and each thread or task sees its own.

What is never logged: query strings (a search's carry screening answers, i.e. health
data), headers (Authorization, cookies), form bodies (passwords, tokens). The access
line names the path only, and /healthz and /livez are logged at debug level, so probes
do not drown the log.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any

from flask import Flask, Response, g, request
from sqlalchemy import inspect as sa_inspect

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
QUIET_PATHS = frozenset({"/healthz", "/livez"})
access_log = logging.getLogger("marketplace.access")

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is shown.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Stamp each record with the current request id ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, the extras,
    and ``exception`` as one string field (so a traceback stays one line)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or "-",
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """A readable line that still carries the request id, then any extras as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        line = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS and not k.startswith("_")}
        if extras:
            first, newline, rest = line.partition("\n")
            line = first + " " + " ".join(f"{k}={v}" for k, v in extras.items()) + newline + rest
        return line


class DropWerkzeugRequestLines(logging.Filter):
    """The development server's own request line prints the query string; ours does not."""

    # werkzeug formats it before logging: '127.0.0.1 - - [date] "GET /path?query HTTP/1.1" 200 -'
    _REQUEST_LINE = re.compile(r'^\S+ - - \[[^\]]*\] "')

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.INFO and self._REQUEST_LINE.match(str(record.msg)))


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the moment (gunicorn and pytest swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self):  # noqa: ANN201
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # noqa: ANN001
        pass


def make_formatter(fmt: str) -> logging.Formatter:
    return TextFormatter() if fmt == "text" else JsonFormatter()


def configure_logging(fmt: str = "json", level: str = "INFO") -> logging.Handler:
    """Install (or update) the one process-wide handler on the root logger; return it."""
    root = logging.getLogger()
    _undo_foreign_console_config(root)
    handler = next((h for h in root.handlers if getattr(h, "_marketplace", False)), None)
    if handler is None:
        handler = StderrHandler()
        handler._marketplace = True  # type: ignore[attr-defined]
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(make_formatter(fmt))
    root.setLevel(logging.getLevelName(level) if isinstance(logging.getLevelName(level), int) else logging.INFO)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, DropWerkzeugRequestLines) for f in werkzeug.filters):
        werkzeug.addFilter(DropWerkzeugRequestLines())
    return handler


def _undo_foreign_console_config(root: logging.Logger) -> None:
    """Alembic's env.py (``fileConfig``) or a ``basicConfig`` call may have run in this
    process: they disable every logger that existed (ours included) and put a bare
    stderr handler on the root that would print each line a second time, unformatted.
    The app owns the process's console logging, so undo both. Subclasses of
    StreamHandler (pytest's capture, a file handler) are left alone."""
    for existing in list(root.handlers):
        if type(existing) is logging.StreamHandler and getattr(existing, "stream", None) in (sys.stderr, sys.__stderr__):
            root.removeHandler(existing)
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger) and logger.disabled:
            logger.disabled = False


def sane_request_id(value: str | None) -> str | None:
    """An incoming id is kept only if it is a short plain token (it goes into logs and a
    response header, so nothing that could forge a line or a header)."""
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return None


def init_app(app: Flask) -> None:
    """Set up logging for the process and give every request an id and an access line."""
    from flask.logging import default_handler

    configure_logging(app.config.get("LOG_FORMAT", "json"), app.config.get("LOG_LEVEL", "INFO"))
    # The root handler formats app.logger's lines; Flask's own would print them twice.
    app.logger.removeHandler(default_handler)
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.teardown_request(_end_request)


def _start_request() -> None:
    request_id = sane_request_id(request.headers.get(REQUEST_ID_HEADER)) or uuid.uuid4().hex
    g.request_id = request_id
    g.request_started = time.perf_counter()
    g.request_id_token = request_id_var.set(request_id)


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id is None:
        return response
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    access_log.log(
        logging.DEBUG if request.path in QUIET_PATHS else logging.INFO,
        "%s %s %s", request.method, request.path, response.status_code,
        extra={"method": request.method, "path": request.path, "endpoint": request.endpoint,
               "status": response.status_code, "duration_ms": duration_ms, "user_id": _user_id()},
    )
    return response


def _end_request(exc: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context (a copied one): just clear it
            request_id_var.set(None)


def _user_id() -> int | None:
    """The signed-in user's id: the user the request loaded, else the id in the session
    cookie (no database query just for a log line)."""
    user = g.get("_login_user")
    if user is not None:
        # The identity map key, not ``user.id``: after a rollback (a database outage) the
        # row's attributes are expired and reading one would query the database again.
        state = sa_inspect(user, raiseerr=False)
        if state is None or state.identity is None:
            return None  # the anonymous user, or a row never loaded
        return state.identity[0]
    if not request.cookies:
        return None  # reading the session would add "Vary: Cookie" for nothing
    from flask import session

    raw = session.get("_user_id")
    return int(raw) if isinstance(raw, str) and raw.isdigit() else None
