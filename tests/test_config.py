"""Settings from the environment: safe defaults, and production that fails fast."""

import pytest

from marketplace import create_app
from marketplace.config import ConfigError, load_config

PG = "postgresql://app@db.internal/marketplace"


def test_development_runs_with_no_setup(tmp_path):
    config = load_config(str(tmp_path), env={})
    assert config["MARKETPLACE_ENV"] == "development"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/marketplace.sqlite3"
    assert config["GEOCODER"] == "offline"
    assert len(config["SECRET_KEY"]) >= 32


@pytest.mark.parametrize("secret", ["", "change-me", "short"])
def test_production_refuses_a_missing_or_weak_secret_key(tmp_path, secret):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), env={"MARKETPLACE_ENV": "production", "SECRET_KEY": secret, "DATABASE_URL": PG})


def test_production_refuses_sqlite(tmp_path):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config(str(tmp_path), env={"MARKETPLACE_ENV": "production", "SECRET_KEY": "x" * 40})


def test_production_uses_psycopg3_and_secure_cookies(tmp_path):
    config = load_config(str(tmp_path), env={"MARKETPLACE_ENV": "production", "SECRET_KEY": "x" * 40,
                                             "DATABASE_URL": "postgres://app@db.internal/marketplace"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db.internal/marketplace"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SHOW_DEMO_ACCOUNTS"] is False


def test_unknown_environment_is_an_error(tmp_path):
    with pytest.raises(ConfigError):
        load_config(str(tmp_path), env={"MARKETPLACE_ENV": "staging"})


def test_factory_refuses_to_build_an_unsafe_production_app():
    with pytest.raises(ConfigError):
        create_app(env={"MARKETPLACE_ENV": "production"})


def test_env_example_documents_every_variable_the_service_reads():
    """An operator reads .env.example to configure a deployment: a setting read from the
    environment but missing there is a setting nobody knows exists."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    read = set()
    for source in [root / "marketplace" / "config.py", root / "gunicorn.conf.py"]:
        read |= set(re.findall(r"""(?:env|os\.environ)\.get\(\s*["']([A-Z][A-Z0-9_]+)["']""", source.read_text()))
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (root / ".env.example").read_text(), re.MULTILINE))
    assert read, "the pattern found no settings: the test is broken"
    assert sorted(read - documented) == []
