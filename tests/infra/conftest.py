"""Fixtures for the Redis-backed infrastructure: the real Redis at 127.0.0.1:6379 (or
``MARKETPLACE_TEST_REDIS_URL``), with a key prefix and queue name unique to each test;
only that test's keys are deleted afterwards. Tests that need Redis are skipped, saying
why, when it is unreachable."""

from __future__ import annotations

import os
import uuid
from typing import Any, Callable, Iterator

import pytest
from flask import Flask
from redis import Redis
from redis.exceptions import RedisError

from marketplace import create_app
from marketplace.extensions import db

REDIS_URL = os.environ.get("MARKETPLACE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Nothing listens here: a Redis that is down (connections are refused at once).
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_client() -> Iterator[Redis]:
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    yield client
    client.close()


@pytest.fixture
def unique() -> str:
    """A tag for this test's Redis keys and queue name."""
    return f"mkt-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def redis_settings(redis_client: Redis, unique: str) -> Iterator[dict[str, Any]]:
    """Settings that put limits, cache and jobs in the real Redis under this test's prefix
    (what setting REDIS_URL does in production); the test's keys are removed after."""
    yield {
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"{unique}:limits",
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"{unique}:",
        "JOBS_BACKEND": "rq",
        "JOBS_QUEUE": unique,
        "JOBS_RETRY_INTERVALS": [0, 0, 0],  # retry at once: tests do not wait minutes
    }
    keys = set(redis_client.scan_iter(match=f"*{unique}*", count=1000))
    # RQ keys a job by its id alone: find this test's jobs through its queue and registries.
    job_ids: set[bytes] = set()
    for key in keys:
        kind = redis_client.type(key)
        if key.startswith(b"rq:") and kind == b"list":
            job_ids.update(redis_client.lrange(key, 0, -1))
        elif key.startswith(b"rq:") and kind == b"zset":
            job_ids.update(member.split(b":")[0] for member in redis_client.zrange(key, 0, -1))
    for job_id in job_ids:
        keys.update(redis_client.scan_iter(match=b"rq:*" + job_id + b"*", count=1000))
    for worker in redis_client.scan_iter(match="rq:worker:*", count=1000):
        if redis_client.type(worker) == b"hash" and redis_client.hget(worker, "queues") == unique.encode():
            keys.add(worker)
            redis_client.srem("rq:workers", worker)
    redis_client.srem("rq:queues", f"rq:queue:{unique}")
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def make_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Build another app on the test's database with ``overrides`` (rate limits on unless
    told otherwise), as a second gunicorn worker would be built."""
    made: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        config = {key: app.config[key] for key in (
            "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "MAIL_BACKEND", "UPLOAD_FOLDER", "OUTBOX_FOLDER")}
        config.update({"SERVER_NAME": None, "RATELIMIT_ENABLED": True})
        config.update(overrides)
        new = create_app(config, env={"MARKETPLACE_ENV": "test"})
        new.extensions["mail_outbox"] = []
        made.append(new)
        return new

    yield build
    for built in made:
        with built.app_context():
            db.session.remove()
            db.engine.dispose()
