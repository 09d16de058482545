"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app``.

The app is built once, in the master (``preload_app``), by ``wsgi.py``; a production
environment without SECRET_KEY, a PostgreSQL DATABASE_URL or the Stripe keys makes that
fail, and gunicorn stops instead of serving (``--check-config`` shows it without
starting). Values come from the environment (documented in .env.example) or the command
line.
"""

import gc
import multiprocessing
import os
import time

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = timeout
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound. Rarely: a worker
# boot costs seconds on a small machine, and the load bench saw p99 stalls at 5,000.
max_requests = 200000
max_requests_jitter = 20000
# Behind a proxy that terminates TLS, trust its forwarded headers (the app's ProxyFix,
# PROXY_FIX_HOPS, is what the app itself reads).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


# The app is built once, in the master, which then fills what every worker would
# otherwise build or load for itself (see when_ready) before forking them: they share it
# until they write to it. (Code changes then need a restart, not a HUP.)
preload_app = True


def when_ready(server) -> None:  # noqa: ANN001
    """In the master, before the first worker is forked: build the offline gazetteer's
    index (seconds on a small machine; search reads towns from the words with it whatever
    geocoder is configured) and load the busiest areas into the search memory
    (``SEARCH_MEMORY_PRELOAD_ROWS``), which every worker would otherwise do on its own,
    the first searches there waiting for it. No database connection crosses the fork,
    and what was loaded is frozen out of the collector's sight, so the workers' garbage
    collections neither walk it nor copy the pages it lies on."""
    from marketplace.extensions import db
    from marketplace.search.services import preload_memory, warm_readers
    from wsgi import app

    started = time.monotonic()
    app.extensions["place_resolver"].warm()
    warm_readers()
    with app.app_context():
        try:
            rows = preload_memory()
        finally:
            db.engine.dispose()
    gc.collect()
    gc.freeze()
    server.log.info("search memory: %d rows of the busiest areas loaded in %.1f s", rows,
                    time.monotonic() - started)


def post_worker_init(worker) -> None:  # noqa: ANN001
    """Before a worker takes requests: make sure the gazetteer's index is built (done in
    the master already unless ``preload_app`` was turned off)."""
    from marketplace.search.services import warm_readers
    from wsgi import app

    app.extensions["place_resolver"].warm()
    warm_readers()


# --- Logs --------------------------------------------------------------------------------
# The app logs each request itself (with its request id and without the query string,
# which can carry health answers), so gunicorn's access log stays off. gunicorn's own
# lines (start, worker exits, timeouts) use the app's formatter: one JSON object per line
# (or text), with request_id "-". The root logger is left to the app, which adds its one
# handler when it is built.
accesslog = None
errorlog = "-"
loglevel = (os.environ.get("LOG_LEVEL") or "info").lower()
_formatter = "marketplace.web.observability.TextFormatter" if (
    (os.environ.get("LOG_FORMAT") or "json").strip().lower() == "text"
) else "marketplace.web.observability.JsonFormatter"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": loglevel.upper(), "handlers": []},
    "formatters": {"app": {"()": _formatter}},
    "filters": {"request_id": {"()": "marketplace.web.observability.RequestIdFilter"}},
    "handlers": {
        "stderr": {"class": "marketplace.web.observability.StderrHandler", "formatter": "app",
                   "filters": ["request_id"]},
    },
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}
