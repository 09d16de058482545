"""Redis-backed (or in-process) rate limits, cache and background jobs.

``init_app`` runs early in ``create_app`` (binds the limiter, the cache and the mail
queue); ``finish_app`` runs last, once the views and the place resolver exist (wraps the
limited views, gives the resolver the shared cache).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Bind the limiter, the cache and the job queue to ``app``."""
    from marketplace.core.mail import DISPATCH
    from marketplace.infra import caching, limits

    limits.init_app(app)
    caching.init_app(app)
    if app.config.get("JOBS_BACKEND") == "rq":
        from marketplace.infra.tasks import dispatch_mail

        app.extensions[DISPATCH] = dispatch_mail


def finish_app(app: Flask) -> None:
    """Apply the rate-limit table to the registered views, and cache a remote geocoder's
    answers in the shared cache (the offline gazetteer answers in microseconds, faster
    than a Redis round trip, so it keeps no cache)."""
    from marketplace.infra import caching, limits

    limits.apply_route_limits(app)
    resolver = app.extensions.get("place_resolver")
    if resolver is not None and resolver.remote:
        resolver.use_cache(
            caching.FlaskPlaceCache(answer_seconds=int(app.config.get("GEOCODER_CACHE_SECONDS", 7 * 24 * 3600))),
            # An outage or a spent quota is not asked again by every request for a while.
            failure_seconds=float(app.config.get("GEOCODER_FAILURE_CACHE_SECONDS", 30)))
