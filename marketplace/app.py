"""The application factory: binds extensions, blueprints, errors and commands. No I/O."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from werkzeug.routing import IntegerConverter

from marketplace.config import engine_options_for, load_config
from marketplace.extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
MAX_ID = 2**31 - 1


class BoundedInt(IntegerConverter):
    """Ids are 32-bit integers in PostgreSQL. A larger id cannot name a row, so it becomes
    0 (which no row has) and the view answers its own 404. Rejecting it here instead
    would make werkzeug answer 405 whenever another method shares the path."""

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else 0


def create_app(overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None) -> Flask:
    """Build the app from the environment (or ``env``), then apply ``overrides``
    (tests pass their own database URL and settings here)."""
    app = Flask(
        "marketplace",
        root_path=str(ROOT / "marketplace"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_mapping(load_config(app.instance_path, env))
    if overrides:
        app.config.update(overrides)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options_for(app.config["SQLALCHEMY_DATABASE_URI"]))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///" + app.instance_path):
        # The embedded default must work on a fresh checkout with no set-up.
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from marketplace.web import observability, security

    # JSON log lines with the request id; security headers, CSP, proxy handling.
    observability.init_app(app)
    security.init_app(app)

    # Ids are 32-bit integers in PostgreSQL: a larger id in a URL is simply not found.
    app.url_map.converters["int"] = BoundedInt
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    from marketplace import infra

    # Rate limits, cache and background jobs: Redis when REDIS_URL is set, else in-process.
    infra.init_app(app)

    from marketplace import models  # noqa: F401 - every model known to metadata and Alembic
    from marketplace.geo.service import PlaceResolver, build_geocoder
    from marketplace.web import auth, errors, health, templating

    app.extensions["place_resolver"] = PlaceResolver(
        build_geocoder(app.config["GEOCODER"], user_agent=app.config["GEOCODER_USER_AGENT"])
    )
    auth.init_app(app)
    errors.register_error_handlers(app)
    templating.init_app(app)
    _register_blueprints(app)
    app.register_blueprint(health.bp)
    _register_cli(app)
    infra.finish_app(app)  # rate limits on the registered views; the geocoder's shared cache
    return app


def _register_blueprints(app: Flask) -> None:
    # API modules declare their endpoints on the shared blueprint when imported.
    from marketplace.accounts import api as _accounts_api  # noqa: F401
    from marketplace.accounts.views import bp as accounts_bp
    from marketplace.booking import api as _booking_api  # noqa: F401
    from marketplace.booking.views import bp as booking_bp
    from marketplace.admin.views import bp as admin_bp
    from marketplace.notifications.views import bp as notifications_bp
    from marketplace.packages import api as _packages_api  # noqa: F401
    from marketplace.packages.views import bp as packages_bp
    from marketplace.practitioners import api as _practitioners_api  # noqa: F401
    from marketplace.practitioners.views import bp as practitioners_bp
    from marketplace.public.views import bp as public_bp
    from marketplace.search.views import bp as search_bp
    from marketplace.search import api as _search_api  # noqa: F401
    from marketplace.taxonomy import api as _taxonomy_api  # noqa: F401
    from marketplace.taxonomy.views import bp as taxonomy_bp
    from marketplace.verification import api as _verification_api  # noqa: F401
    from marketplace.verification.views import bp as verification_bp
    from marketplace.web.api import api
    from marketplace import payments
    from marketplace.payments import api as _payments_api  # noqa: F401
    from marketplace.payments.views import bp as payments_bp
    from marketplace.payments.webhooks import bp as stripe_webhooks_bp  # csrf-exempt: Stripe signs instead

    payments.init_app(app)
    app.register_blueprint(payments_bp)
    app.register_blueprint(stripe_webhooks_bp)
    for bp in (public_bp, search_bp, accounts_bp, practitioners_bp, verification_bp, admin_bp, taxonomy_bp, notifications_bp, booking_bp, packages_bp, api):
        app.register_blueprint(bp)


def _register_cli(app: Flask) -> None:
    from marketplace.cli import register

    register(app)
