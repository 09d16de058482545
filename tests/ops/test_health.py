"""/healthz: 200 with the state of the database and, when configured, Redis; a dead
Redis makes the answer "degraded" quickly instead of hanging or failing."""

from __future__ import annotations

import socket
import time

import pytest
import redis

LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def local_redis() -> str:
    try:
        redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return LOCAL_REDIS


def test_without_redis_configured_health_reports_the_database_only(app, client):
    app.config.update(REDIS_URL=None)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_with_redis_up_health_reports_both_ok(app, client, local_redis):
    app.config.update(REDIS_URL=local_redis)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_with_redis_down_health_is_degraded_fast_and_says_why_without_the_url(app, client, log_output):
    app.config.update(REDIS_URL=f"redis://:hunter2pw@127.0.0.1:{closed_port()}/0")
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "unavailable"}
    assert elapsed < 2
    logged = log_output()
    assert "redis unreachable" in logged and "hunter2pw" not in logged

