"""Production refuses to start without its secrets, and a real gunicorn started the way
docs/OPERATIONS.md says serves /healthz with the security headers, secure cookies and
JSON logs (gunicorn's own lines included).

The gunicorn test needs PostgreSQL (production accepts nothing else): it runs with
MARKETPLACE_TEST_DB=postgresql against the test database.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from marketplace import create_app
from marketplace.config import ConfigError
from marketplace.extensions import db
from marketplace.verification import services as verification
from tests.builders import make_admin, make_verified_practitioner
from tests.conftest import BACKEND

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PG_URL = "postgresql://app@db.internal:5432/marketplace"  # never connected to: building the app does no I/O


def production_env(**changes: str | None) -> dict[str, str]:
    env = {"MARKETPLACE_ENV": "production", "SECRET_KEY": "s" * 48, "DATABASE_URL": PG_URL,
           "STRIPE_SECRET_KEY": "sk_test_made_up", "STRIPE_WEBHOOK_SECRET": "whsec_made_up"}
    env.update(changes)
    return {k: v for k, v in env.items() if v is not None}


@pytest.mark.parametrize(("change", "complaint"), [
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"SECRET_KEY": "change-me"}, "SECRET_KEY"),
    ({"DATABASE_URL": None}, "DATABASE_URL"),
    ({"DATABASE_URL": "sqlite:////tmp/prod.sqlite3"}, "DATABASE_URL"),
    ({"STRIPE_SECRET_KEY": None}, "STRIPE_SECRET_KEY"),
    ({"STRIPE_WEBHOOK_SECRET": None}, "STRIPE_WEBHOOK_SECRET"),
])
def test_production_refuses_to_build_without_each_secret(change, complaint):
    with pytest.raises(ConfigError, match=complaint):
        create_app(env=production_env(**change))


def test_a_complete_production_app_has_secure_cookies():
    app = create_app(env=production_env())
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def _gunicorn(env: dict[str, str], *args: str, **kwargs) -> subprocess.Popen | subprocess.CompletedProcess:  # noqa: ANN003
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **env}
    command = [GUNICORN, "-c", "gunicorn.conf.py", "wsgi:app", *args]
    if kwargs.pop("background", False):
        return subprocess.Popen(command, cwd=ROOT, env=full_env, **kwargs)
    return subprocess.run(command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=60)


def test_gunicorn_check_config_refuses_a_production_env_without_secrets_and_accepts_a_full_one():
    refused = _gunicorn(production_env(SECRET_KEY=None, STRIPE_SECRET_KEY=None), "--check-config")
    assert refused.returncode != 0
    assert "production needs SECRET_KEY" in refused.stderr + refused.stdout
    accepted = _gunicorn(production_env(), "--check-config")
    assert accepted.returncode == 0, accepted.stderr


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None):  # noqa: ANN202
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5)


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer {url} within {timeout}s")


@pytest.mark.skipif(BACKEND != "postgresql", reason="production runs on PostgreSQL only: run with MARKETPLACE_TEST_DB=postgresql")
def test_gunicorn_in_production_answers_health_with_the_headers_and_logs_json(database_url, tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_env(DATABASE_URL=database_url, REDIS_URL="redis://127.0.0.1:6379/0", PROXY_FIX_HOPS="1",
                         GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", LOG_FORMAT="json")
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        server = _gunicorn(env, background=True, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(f"{base}/livez", server)
            health = _get(f"{base}/healthz", {"X-Forwarded-Proto": "https", "X-Request-ID": "probe-1"})
            body = json.loads(health.read())
            headers = health.headers
            login = _get(f"{base}/account/login?next=/secret-place")
            cookie = login.headers.get("Set-Cookie", "")
        finally:
            server.terminate()
            server.wait(timeout=20)
    assert body["status"] in ("ok", "degraded") and body["database"] == "ok"
    assert body["redis"] in ("ok", "unavailable")
    assert headers["X-Request-ID"] == "probe-1"
    assert headers["Strict-Transport-Security"].startswith("max-age=")  # HTTPS as told by the trusted proxy
    assert "https://js.stripe.com" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert "Strict-Transport-Security" not in login.headers  # plain HTTP, no proxy claim

    lines = [line for line in log_path.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line, gunicorn's own included, is JSON
    assert any(r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records)
    access = [r for r in records if r["logger"] == "marketplace.access"]
    assert [r["path"] for r in access] == ["/account/login"]  # probes are not access-logged
    assert "secret-place" not in log_path.read_text()


@pytest.mark.skipif(BACKEND != "postgresql", reason="production runs on PostgreSQL only: run with MARKETPLACE_TEST_DB=postgresql")
def test_gunicorn_loads_the_search_memory_before_forking_and_every_worker_sees_changes(app, database_url, tmp_path):
    """gunicorn.conf.py preloads the app: the master fills the search memory, the workers
    fork with it, and a suspension made by another process still shows at once in each."""
    near = make_verified_practitioner(app, display_name="Meera Physio", modalities=("physiotherapy",),
                                      concerns=("sciatica",), lat=12.975, lon=77.59)
    make_verified_practitioner(app, display_name="Arjun Physio", modalities=("physiotherapy",), lat=12.99, lon=77.62)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_env(DATABASE_URL=database_url, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2",
                         LOG_FORMAT="json", RATELIMIT_SEARCH="1000 per minute")

    def names() -> list[str]:
        body = json.loads(_get(f"{base}/api/v1/search?concern=sciatica&lat=12.9716&lon=77.5946&mode=in_person").read())
        return [r["practitioner"]["display_name"] for r in body["results"]]

    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        server = _gunicorn(env, background=True, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(f"{base}/livez", server)
            before = [names() for _ in range(6)]  # enough requests for both workers to answer some
            verification.suspend(near, make_admin(), "Complaint under review")
            db.session.commit()
            after = [names() for _ in range(6)]
        finally:
            server.terminate()
            server.wait(timeout=20)
    assert before == [["Meera Physio", "Arjun Physio"]] * 6
    assert after == [["Arjun Physio"]] * 6
    records = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    loaded = [r["message"] for r in records if r["message"].startswith("search memory:")]
    assert len(loaded) == 1 and int(loaded[0].split()[2]) > 0  # once, in the master
