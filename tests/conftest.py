"""Fixtures that build on each other: database → app → client → signed-in helpers.

The suite runs on SQLite by default and on PostgreSQL with
``MARKETPLACE_TEST_DB=postgresql`` (server from ``MARKETPLACE_TEST_PG_URL``, default
``postgresql://postgres@127.0.0.1:5432/postgres``). The schema is always built by the
Flask-Migrate migrations, never by ``create_all``, so every test also exercises them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from marketplace import create_app
from marketplace.core import clock
from marketplace.extensions import db

BACKEND = os.environ.get("MARKETPLACE_TEST_DB", "sqlite").strip().lower()
PG_SERVER_URL = os.environ.get("MARKETPLACE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_report_header(config: pytest.Config) -> str:
    where = make_url(PG_SERVER_URL).render_as_string(hide_password=True) if BACKEND == "postgresql" else "file"
    return f"marketplace test database: {BACKEND} ({where})"


def _pg_admin_engine():  # noqa: ANN202
    url = make_url(PG_SERVER_URL).set(drivername="postgresql+psycopg")
    return create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


def _test_config(database_url: str, tmp: Path) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": SECRET,
        "MAIL_BACKEND": "memory",
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "OUTBOX_FOLDER": str(tmp / "outbox"),
        "SERVER_NAME": None,
        "RATELIMIT_ENABLED": False,
    }


def _migrate(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        from marketplace.taxonomy.services import load_defaults

        load_defaults()
        db.session.commit()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database with the taxonomy loaded, made once per test session."""
    tmp = tmp_path_factory.mktemp("db")
    if BACKEND == "sqlite":
        template = tmp / "template.sqlite3"
        app = create_app(_test_config(f"sqlite:///{template}", tmp), env={"MARKETPLACE_ENV": "test"})
        _migrate(app)
        with app.app_context():
            db.engine.dispose()
        yield f"sqlite:///{template}"
        return
    if BACKEND != "postgresql":
        pytest.exit(f"MARKETPLACE_TEST_DB must be 'sqlite' or 'postgresql', not {BACKEND!r}", returncode=4)
    admin = _pg_admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - turn any connection failure into one clear message
        pytest.exit(
            f"PostgreSQL is not reachable at {make_url(PG_SERVER_URL).render_as_string(hide_password=True)} "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}).\n"
            "Start PostgreSQL 15 or set MARKETPLACE_TEST_PG_URL, or run on SQLite with MARKETPLACE_TEST_DB=sqlite.",
            returncode=4,
        )
    name = f"marketplace_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_SERVER_URL).set(drivername="postgresql+psycopg", database=name)
    url_text = url.render_as_string(hide_password=False)
    app = create_app(_test_config(url_text, tmp), env={"MARKETPLACE_ENV": "test"})
    _migrate(app)
    with app.app_context():
        db.engine.dispose()
    yield url_text
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _clear_request_globals(sender: Flask, **extra: object) -> None:
    for key in list(vars(g)):
        delattr(g, key)


def _fresh_sqlite(template_url: str, tmp: Path) -> str:
    target = tmp / "test.sqlite3"
    shutil.copyfile(template_url.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


def _reset_postgres(app: Flask) -> None:
    """Empty every table (the audit log's row triggers do not fire on TRUNCATE) and
    reload the taxonomy."""
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        db.session.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        from marketplace.taxonomy.services import load_defaults

        load_defaults()
        db.session.commit()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on a fresh database: migrated schema, taxonomy loaded, mail kept in memory,
    CSRF on (tests post the token like a browser does)."""
    url = _fresh_sqlite(database_url, tmp_path) if BACKEND == "sqlite" else database_url
    app = create_app(_test_config(url, tmp_path), env={"MARKETPLACE_ENV": "test"})
    if BACKEND == "postgresql":
        _reset_postgres(app)
    app.extensions["mail_outbox"] = []
    # The test keeps an app context open (so builders can use the session) and Flask
    # reuses it for each request, so give every request an empty ``g``, as in production:
    # otherwise Flask-Login's user and Flask-WTF's token leak from one request to the next.
    request_started.connect(_clear_request_globals, app)
    ctx = app.app_context()
    ctx.push()
    yield app
    request_started.disconnect(_clear_request_globals, app)
    db.session.remove()
    ctx.pop()
    # The search keeps the active terms per process: they were this test's database's.
    from marketplace.search import services as search_services

    search_services.forget_taxonomy()
    with app.app_context():
        db.engine.dispose()
    clock.freeze(None)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # noqa: ANN201
    return app.test_cli_runner()


@pytest.fixture
def outbox(app: Flask) -> list:
    """Mail the app sent during the test (memory backend)."""
    return app.extensions["mail_outbox"]


@pytest.fixture
def frozen_clock() -> Iterator:
    """Call the yielded function with an aware datetime to move time; unfrozen after."""
    yield clock.freeze
    clock.freeze(None)
