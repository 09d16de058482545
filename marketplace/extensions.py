"""Extensions, created unbound; ``create_app`` binds them."""

import sqlite3

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from marketplace.core.models import Base

db = SQLAlchemy(model_class=Base)


@event.listens_for(Engine, "connect")
def _sqlite_enforces_foreign_keys(dbapi_connection, _record) -> None:  # noqa: ANN001
    """SQLite checks foreign keys (and runs their ON DELETE actions) only when each
    connection asks, as PostgreSQL always does: the embedded default keeps the same rules."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()

from flask_caching import Cache  # noqa: E402

# Bound by marketplace.infra.init_app: Redis when REDIS_URL is set, else in-process.
# The rate limiter is per app (``app.extensions["marketplace.limiter"]``, see
# ``marketplace.infra.limits``): Flask-Limiter keeps storage and limits on the instance.
cache = Cache()
