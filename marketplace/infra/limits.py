"""Rate limits on the endpoints that attackers and scrapers hammer, from one table.

Each app gets its own :class:`~flask_limiter.Limiter` (stored in
``app.extensions[LIMITER]``): Flask-Limiter keeps its storage and its decorated limits on
the instance, so one module-level limiter shared by several apps (tests, or a process
hosting two) would mix their storages and settings.

The view modules are not decorated by hand: :func:`apply_route_limits` wraps
``app.view_functions[endpoint]`` for every row of :data:`ROUTE_LIMITS` once the
blueprints are registered. Flask-Limiter keys a decorated limit by the wrapped view's
module and name, which ``functools.wraps`` keeps, so the page and the API views of the
same name (``accounts.views.register`` / ``accounts.api.register``) stay distinct.

Counting: per client IP (``request.remote_addr``, corrected by ProxyFix behind a proxy).
A page and its API twin share one budget (``scope``), so switching between them does not
double an attacker's allowance. Signing in is also counted per submitted e-mail address
(hashed, never stored in clear), which slows password guessing spread over many IPs; the
per-address limit is looser than the per-IP one so that a stranger cannot easily lock a
person out of their own account.

Storage: Redis when ``RATELIMIT_STORAGE_URI`` points at it, else process memory. When
Redis stops answering, the limiter falls back to memory and keeps serving (and goes back
to Redis when it recovers); errors are never turned into 5xx answers.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

LIMITER = "marketplace.limiter"
DEFAULT_SIGN_IN_PER_EMAIL = "20 per hour"


@dataclass(frozen=True)
class RouteLimit:
    """One limited endpoint: which setting holds its limit, which methods count, and the
    budget (``scope``) it shares with its twin page or API call."""

    endpoint: str
    setting: str
    methods: tuple[str, ...]
    scope: str
    per_email: bool = False


ROUTE_LIMITS: tuple[RouteLimit, ...] = (
    RouteLimit("accounts.login", "RATELIMIT_SIGN_IN", ("POST",), "sign-in", per_email=True),
    RouteLimit("api.issue_token", "RATELIMIT_TOKENS", ("POST",), "tokens", per_email=True),
    RouteLimit("accounts.register", "RATELIMIT_REGISTER", ("POST",), "register"),
    RouteLimit("api.register", "RATELIMIT_REGISTER", ("POST",), "register"),
    RouteLimit("accounts.forgot_password", "RATELIMIT_PASSWORD_RESET", ("POST",), "password-reset"),
    RouteLimit("api.request_password_reset", "RATELIMIT_PASSWORD_RESET", ("POST",), "password-reset"),
    RouteLimit("search.search", "RATELIMIT_SEARCH", ("GET",), "search"),
    RouteLimit("api.search", "RATELIMIT_SEARCH", ("GET",), "search"),
)


def init_app(app: Flask) -> None:
    """Create and bind this app's limiter (before any request hook of the views runs)."""
    config = app.config
    storage_uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if storage_uri.startswith(("redis://", "rediss://", "redis+")):
        # A Redis that hangs must not hang every sign-in: fail fast, then fall back.
        options = {"socket_timeout": 1, "socket_connect_timeout": 1, **config.get("RATELIMIT_STORAGE_OPTIONS", {})}
        config["RATELIMIT_STORAGE_OPTIONS"] = options
    config["RATELIMIT_STORAGE_URI"] = storage_uri
    config.setdefault("RATELIMIT_KEY_PREFIX", (config.get("CACHE_KEY_PREFIX") or "marketplace:") + "limits")
    limiter = Limiter(
        key_func=get_remote_address,
        headers_enabled=False,  # the 429 handler sets Retry-After; no extra storage reads per answer
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        # Limits apply only where the table says; nothing else is limited by default.
        default_limits=[],
    )
    limiter.init_app(app)
    app.extensions[LIMITER] = limiter


def apply_route_limits(app: Flask) -> None:
    """Wrap the views named in :data:`ROUTE_LIMITS`; call once, after the blueprints are
    registered. Does nothing when ``RATELIMIT_ENABLED`` is false. Raises KeyError naming a
    table row whose endpoint no longer exists, so a renamed view cannot silently lose
    its limit."""
    limiter: Limiter | None = app.extensions.get(LIMITER)
    if limiter is None or not app.config.get("RATELIMIT_ENABLED", True):
        return
    for row in ROUTE_LIMITS:
        if row.endpoint not in app.view_functions:
            raise KeyError(f"rate limit table names {row.endpoint!r}, which is not a registered endpoint")
        view = app.view_functions[row.endpoint]
        view = limiter.shared_limit(app.config[row.setting], scope=row.scope, methods=list(row.methods))(view)
        if row.per_email:
            per_email = app.config.get("RATELIMIT_SIGN_IN_PER_EMAIL", DEFAULT_SIGN_IN_PER_EMAIL)
            view = limiter.shared_limit(per_email, scope="sign-in-email", key_func=submitted_email_key,
                                        methods=list(row.methods))(view)
        app.view_functions[row.endpoint] = view


def submitted_email_key() -> str:
    """The e-mail address in the sign-in form or JSON body, normalised and hashed (rate
    limit keys live in Redis; addresses should not). A request without one shares a
    single bucket: it fails validation anyway."""
    email = ""
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict) and isinstance(body.get("email"), str):
            email = body["email"]
    else:
        email = request.form.get("email", "")
    email = email.strip().lower()
    if not email:
        return "email:none"
    return "email:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def retry_after_seconds() -> int:
    """Whole seconds until the limit this request broke lets the client in again (at
    least 1). Falls back to 60 when the limiter cannot tell (its storage is down)."""
    limiter: Limiter | None = current_app.extensions.get(LIMITER)
    try:
        breached = limiter.current_limit if limiter is not None else None
        if breached is not None:
            return max(1, int(breached.reset_at - time.time()))
    except Exception:  # noqa: BLE001 - the 429 answer must not fail because storage did
        pass
    return 60


def describe_wait(seconds: int) -> str:
    """'30 seconds', '2 minutes', '3 hours': how long to wait, in words."""
    if seconds < 90:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    if seconds < 90 * 60:
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minutes"
    hours = math.ceil(seconds / 3600)
    return f"{hours} hour{'' if hours == 1 else 's'}"
