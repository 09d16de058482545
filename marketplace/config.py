"""Settings from the environment.

Every setting the deployment relies on is read here, once, when the app is built. The
embedded default (``development``) runs with no set-up at all: SQLite under ``instance/``,
the offline gazetteer, mail written to the log and an outbox folder. ``production`` refuses
to start without a real ``SECRET_KEY`` and a PostgreSQL ``DATABASE_URL``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

ENVIRONMENTS = ("development", "production", "test")

# Values that must never be accepted as a production secret.
_PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "dev", "secret", "development"}


class ConfigError(RuntimeError):
    """Raised when the environment cannot produce a safe configuration."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _intervals(raw: str) -> list[int]:
    try:
        values = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError as exc:
        raise ConfigError(f"JOBS_RETRY_INTERVALS must be whole seconds separated by commas, got {raw!r}") from exc
    if not values or min(values) < 0:
        raise ConfigError("JOBS_RETRY_INTERVALS needs at least one interval of 0 seconds or more")
    return values


def normalise_database_url(url: str) -> str:
    """Point PostgreSQL URLs at psycopg 3, whichever spelling the operator used."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(instance_path: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from ``env`` (default: ``os.environ``).

    Raises ConfigError when production is asked for without a real secret key or a
    PostgreSQL database, or when a value has the wrong form.
    """
    env = os.environ if env is None else env
    name = env.get("MARKETPLACE_ENV", "development").strip() or "development"
    if name not in ENVIRONMENTS:
        raise ConfigError(f"MARKETPLACE_ENV must be one of {', '.join(ENVIRONMENTS)}, got {name!r}")
    production = name == "production"

    secret_key = env.get("SECRET_KEY", "")
    if production:
        if secret_key.strip().lower() in _PLACEHOLDER_SECRETS or len(secret_key) < 32:
            raise ConfigError("production needs SECRET_KEY: a random value of at least 32 characters")
    elif not secret_key:
        # A per-process key keeps development free of set-up; sessions simply do not
        # survive a restart. Production never reaches this branch.
        secret_key = secrets.token_hex(32)

    database_url = env.get("DATABASE_URL", "")
    if production and not database_url.startswith(("postgres://", "postgresql")):
        raise ConfigError("production needs DATABASE_URL pointing at PostgreSQL")
    if not database_url:
        database_url = "sqlite:///" + str(Path(instance_path) / "marketplace.sqlite3")
    database_url = normalise_database_url(database_url)

    commission = _int(env, "PLATFORM_COMMISSION_PERCENT", 15)
    if not 0 <= commission <= 100:
        raise ConfigError("PLATFORM_COMMISSION_PERCENT must be between 0 and 100")
    search_memory_rows = _int(env, "SEARCH_MEMORY_ROWS", 1_500_000)

    return {
        "MARKETPLACE_ENV": name,
        "TESTING": name == "test",
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": env.get("REDIS_URL") or None,
        "GEOCODER": env.get("GEOCODER", "offline") or "offline",
        "GEOCODER_USER_AGENT": env.get("GEOCODER_USER_AGENT", "practitioner-marketplace"),
        "GEOCODER_CACHE_SECONDS": _int(env, "GEOCODER_CACHE_SECONDS", 7 * 24 * 3600),
        "GEOCODER_FAILURE_CACHE_SECONDS": _int(env, "GEOCODER_FAILURE_CACHE_SECONDS", 30),
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_PUBLISHABLE_KEY": env.get("STRIPE_PUBLISHABLE_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE") or None,
        "STRIPE_TIMEOUT_SECONDS": _int(env, "STRIPE_TIMEOUT_SECONDS", 10),
        "PLATFORM_COMMISSION_PERCENT": commission,
        "MAIL_BACKEND": env.get("MAIL_BACKEND", "smtp" if production else "outbox"),
        "MAIL_SENDER": env.get("MAIL_SENDER", "Marketplace <no-reply@localhost>"),
        "SMTP_HOST": env.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": _int(env, "SMTP_PORT", 25),
        "SMTP_USERNAME": env.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _bool(env.get("SMTP_STARTTLS"), default=True),
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER") or str(Path(instance_path) / "uploads"),
        "OUTBOX_FOLDER": env.get("OUTBOX_FOLDER") or str(Path(instance_path) / "outbox"),
        # 10 MB of document plus room for the other form fields.
        "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,
        "MAX_DOCUMENT_BYTES": 10 * 1024 * 1024,
        "PASSWORD_RESET_MAX_AGE": _int(env, "PASSWORD_RESET_MAX_AGE", 3600),
        "API_TOKEN_MAX_AGE_DAYS": _int(env, "API_TOKEN_MAX_AGE_DAYS", 90),
        "LICENCE_WARNING_DAYS": _int(env, "LICENCE_WARNING_DAYS", 30),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "SHOW_DEMO_ACCOUNTS": name == "development",
        # Behind a proxy (production): how many hops of X-Forwarded-For/-Proto to trust.
        "PROXY_FIX_HOPS": _int(env, "PROXY_FIX_HOPS", 0),
        # Strict-Transport-Security max-age, sent only on HTTPS responses (0 turns it off).
        "HSTS_SECONDS": _int(env, "HSTS_SECONDS", 31536000),
        # Map tiles on the search page; the content security policy allows this host only.
        "MAP_TILE_URL": env.get("MAP_TILE_URL") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "MAP_TILE_ATTRIBUTION": env.get("MAP_TILE_ATTRIBUTION")
        or '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        # Logs: one JSON object per line (default) or plain text; every line has the request id.
        "LOG_FORMAT": (env.get("LOG_FORMAT") or "json").strip().lower(),
        "LOG_LEVEL": (env.get("LOG_LEVEL") or "INFO").strip().upper(),
        # Rate limits (Flask-Limiter syntax; ';' separates several). Stored in Redis when
        # REDIS_URL is set, else in process memory.
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), default=True),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or "memory://",
        "RATELIMIT_SIGN_IN": env.get("RATELIMIT_SIGN_IN") or "10 per minute;100 per day",
        "RATELIMIT_SIGN_IN_PER_EMAIL": env.get("RATELIMIT_SIGN_IN_PER_EMAIL") or "20 per hour",
        "RATELIMIT_REGISTER": env.get("RATELIMIT_REGISTER") or "5 per minute;50 per day",
        "RATELIMIT_PASSWORD_RESET": env.get("RATELIMIT_PASSWORD_RESET") or "5 per minute;20 per day",
        "RATELIMIT_TOKENS": env.get("RATELIMIT_TOKENS") or "10 per minute;100 per day",
        "RATELIMIT_SEARCH": env.get("RATELIMIT_SEARCH") or "120 per minute",
        # Cache for taxonomy, geocoder answers and search answers: Redis when REDIS_URL is
        # set, else in process memory.
        "CACHE_TYPE": "RedisCache" if env.get("REDIS_URL") else "SimpleCache",
        "CACHE_REDIS_URL": env.get("REDIS_URL") or None,
        "CACHE_KEY_PREFIX": env.get("CACHE_KEY_PREFIX") or "marketplace:",
        "CACHE_DEFAULT_TIMEOUT": _int(env, "CACHE_DEFAULT_TIMEOUT", 300),
        # Entries the in-process cache (no REDIS_URL) keeps before pruning: search answers
        # and the booking stamps that retire them share it (Flask-Caching's default is 500).
        "CACHE_THRESHOLD": _int(env, "CACHE_THRESHOLD", 10_000),
        "SEARCH_CACHE_SECONDS": _int(env, "SEARCH_CACHE_SECONDS", 300),
        "SEARCH_MEMORY_ROWS": search_memory_rows,
        # Rows gunicorn's master loads into that memory (busiest areas first, at most nine
        # tenths of it) before it forks the workers, which then share them; 0: none, each
        # worker starts empty. Default: as many as fit.
        "SEARCH_MEMORY_PRELOAD_ROWS": _int(env, "SEARCH_MEMORY_PRELOAD_ROWS", search_memory_rows),
        # Background jobs: "rq" (Redis queue, needs REDIS_URL and `flask jobs worker`) or
        # "inline" (run at once in the web process). Default: rq when REDIS_URL is set.
        "JOBS_BACKEND": (env.get("JOBS_BACKEND") or ("rq" if env.get("REDIS_URL") else "inline")).strip().lower(),
        "JOBS_QUEUE": env.get("JOBS_QUEUE") or "marketplace",
        "JOBS_RETRY_INTERVALS": _intervals(env.get("JOBS_RETRY_INTERVALS") or "10,60,300"),
    }


def engine_options_for(database_url: str) -> dict[str, Any]:
    """Pool settings that suit the backend behind ``database_url``."""
    if database_url.startswith("sqlite"):
        # Flask's dev server and the browser tests serve from threads.
        return {"connect_args": {"check_same_thread": False, "timeout": 30}}
    # pre_ping: a restarted PostgreSQL costs one retry, not a failed request.
    # No parallel query: the web tier runs many short index reads, and the planner would
    # start parallel workers for a search's UNION ALL of shells (measured: 3-7 ms to
    # launch them for under 1 ms of work). Reports that want it can SET it per session.
    return {"pool_pre_ping": True, "pool_recycle": 1800,
            "connect_args": {"options": "-c max_parallel_workers_per_gather=0"}}
