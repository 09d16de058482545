"""Background jobs: inline by default, on a Redis queue with RQ when configured, run by a
real RQ worker (``SimpleWorker`` in burst mode, in this process) inside an app context;
retried when they fail, run once per idempotent id; mail goes out exactly once."""

from __future__ import annotations

from typing import Any, Callable

from flask import Flask, current_app
from redis import Redis
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.infra import jobs
from marketplace.infra.jobs import enqueue, queue, run_task, run_worker, task
from marketplace.infra.tasks import deliver_mail
from tests.builders import make_user
from tests.infra.conftest import DEAD_REDIS_URL

RUNS: list[dict[str, Any]] = []


@task("test.record")
def record(tag: str) -> int:
    """Test task: notes that it ran, in which app, and what the database holds."""
    users = db.session.scalar(select(func.count()).select_from(User))
    RUNS.append({"tag": tag, "app": current_app.config["JOBS_QUEUE"], "users": users})
    return users


@task("test.flaky")
def flaky(counter_key: str, failures: int) -> str:
    """Test task: fails ``failures`` times (counted in Redis, like a flaky provider)."""
    attempt = jobs.connection().incr(counter_key)
    if attempt <= failures:
        raise ConnectionError(f"attempt {attempt} failed")
    return "done"


def _work(app: Flask) -> None:
    with app.app_context():
        run_worker(app, burst=True)


def test_inline_backend_runs_the_task_at_once_in_an_app_context(make_app: Callable[..., Flask]) -> None:
    RUNS.clear()
    app = make_app(JOBS_BACKEND="inline", JOBS_QUEUE="inline-q")
    make_user()
    with app.app_context():
        job_id = enqueue(record, "now")
    assert job_id
    assert RUNS == [{"tag": "now", "app": "inline-q", "users": 1}]


def test_rq_backend_queues_on_redis_and_a_worker_runs_it_in_an_app_context(
        make_app: Callable[..., Flask], redis_settings: dict[str, Any], unique: str) -> None:
    RUNS.clear()
    app = make_app(**redis_settings)
    make_user()
    make_user()
    with app.app_context():
        job_id = enqueue(record, "queued")
        assert queue().count == 1
    assert RUNS == []  # nothing ran in the "web" process
    _work(app)
    assert RUNS == [{"tag": "queued", "app": unique, "users": 2}]
    with app.app_context():
        assert queue().fetch_job(job_id).get_status() == "finished"


def test_a_failing_task_is_retried_until_it_succeeds(
        make_app: Callable[..., Flask], redis_settings: dict[str, Any], redis_client: Redis, unique: str) -> None:
    app = make_app(**redis_settings)
    counter = f"{unique}:flaky"
    with app.app_context():
        job_id = enqueue(flaky, counter, 2)
    _work(app)
    assert int(redis_client.get(counter)) == 3  # two failures, then success
    with app.app_context():
        job = queue().fetch_job(job_id)
        assert job.get_status() == "finished"
        assert job.return_value() == "done"


def test_a_task_that_keeps_failing_stops_after_three_retries(
        make_app: Callable[..., Flask], redis_settings: dict[str, Any], redis_client: Redis, unique: str) -> None:
    app = make_app(**redis_settings)
    counter = f"{unique}:broken"
    with app.app_context():
        job_id = enqueue(flaky, counter, 99)
    _work(app)
    assert int(redis_client.get(counter)) == 4  # the first run and three retries
    with app.app_context():
        assert queue().fetch_job(job_id).get_status() == "failed"


def test_an_idempotent_job_enqueued_twice_runs_once(
        make_app: Callable[..., Flask], redis_settings: dict[str, Any]) -> None:
    RUNS.clear()
    first, second = make_app(**redis_settings), make_app(**redis_settings)  # two web workers
    with first.app_context():
        assert enqueue(record, "once", job_id="welcome-mail:42") == "welcome-mail-42"
    with second.app_context():
        assert enqueue(record, "once", job_id="welcome-mail:42") is None
    _work(first)
    assert [r["tag"] for r in RUNS] == ["once"]


def test_redis_down_at_enqueue_runs_the_job_inline(make_app: Callable[..., Flask]) -> None:
    RUNS.clear()
    app = make_app(JOBS_BACKEND="rq", REDIS_URL=DEAD_REDIS_URL, JOBS_QUEUE="down-q")
    with app.app_context():
        assert enqueue(record, "fallback")
    assert [r["tag"] for r in RUNS] == ["fallback"]


def test_mail_through_the_queue_is_delivered_exactly_once(
        make_app: Callable[..., Flask], redis_settings: dict[str, Any]) -> None:
    app = make_app(**redis_settings, RATELIMIT_ENABLED=False)
    user = make_user(email="forgetful@example.com")
    client = app.test_client()
    assert client.post("/api/v1/auth/password-reset", json={"email": user.email}).status_code in (202, 204)
    outbox = app.extensions["mail_outbox"]
    assert outbox == []  # committed, queued, not sent by the web request
    with app.app_context():
        [job_id] = queue().job_ids
        mail_id = queue().fetch_job(job_id).args[1][0]
    _work(app)
    assert [m.to for m in outbox] == ["forgetful@example.com"]
    # The same message again (a retry after a lost acknowledgement, a duplicate job): not re-sent.
    with app.app_context():
        assert run_task(deliver_mail.task_name, [mail_id, user.email, "Reset", "body"], {}) is False
        enqueue(deliver_mail, mail_id, user.email, "Reset", "body", job_id=f"mail-{mail_id}-again")
    _work(app)
    assert len(outbox) == 1


def test_inline_mail_still_leaves_after_the_commit(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMIT_ENABLED=False)  # the embedded default: no Redis, inline
    make_user(email="inline@example.com")
    response = app.test_client().post("/api/v1/auth/password-reset", json={"email": "inline@example.com"})
    assert response.status_code in (202, 204)
    assert [m.to for m in app.extensions["mail_outbox"]] == ["inline@example.com"]
