"""Background jobs behind one call: :func:`enqueue`.

``JOBS_BACKEND=rq`` (the default when ``REDIS_URL`` is set) puts the job on the RQ queue
``JOBS_QUEUE``; ``flask jobs worker`` runs it inside an app context, retrying a failing
job up to three times (after 10 s, 1 min, 5 min). ``inline`` (the embedded default) runs
it at once, in this process, in a fresh app context.

Idempotency: a ``job_id`` names work that must happen once (one mail, one period of a
periodic task). The first :func:`enqueue` with that id claims it in Redis with ``SET NX``
(atomic, so two schedulers or two web workers cannot both claim it); later calls with the
same id, until the claim expires, return ``None`` and enqueue nothing. RQ's own job id
alone would not do: enqueuing an existing id again runs it again.

When Redis is unreachable at enqueue time the job runs inline instead (logged), so a
Redis outage delays nothing that a web request asked for.

Tasks are plain functions registered with :func:`task` in ``marketplace.infra.tasks``;
each owns its commit, like a CLI command.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Callable, TypeVar

from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
REDIS = "marketplace.redis"
DEFAULT_RETRY_INTERVALS = (10, 60, 300)
DEFAULT_UNIQUE_SECONDS = 24 * 3600

_TASKS: dict[str, Callable[..., Any]] = {}
_JOB_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_worker_app: Flask | None = None


class UnknownTask(LookupError):
    """No task is registered under that name."""


def task(name: str) -> Callable[[F], F]:
    """Register ``fn`` as the task ``name`` (what :func:`enqueue` and ``flask jobs run``
    accept, and what a queued job records, so renaming a function keeps old jobs valid)."""

    def register(fn: F) -> F:
        _TASKS[name] = fn
        fn.task_name = name  # type: ignore[attr-defined]
        return fn

    return register


def registered_tasks() -> dict[str, Callable[..., Any]]:
    """Every task by name (imports the task module on first use)."""
    import marketplace.infra.tasks  # noqa: F401 - registers the tasks

    return dict(_TASKS)


def task_name(fn_or_name: Callable[..., Any] | str) -> str:
    name = fn_or_name if isinstance(fn_or_name, str) else getattr(fn_or_name, "task_name", None)
    if not name or name not in registered_tasks():
        raise UnknownTask(f"no task {fn_or_name!r}; known: {', '.join(sorted(registered_tasks()))}")
    return name


def safe_job_id(job_id: str) -> str:
    """RQ accepts letters, digits, ``_`` and ``-`` only in a job id."""
    return _JOB_ID_UNSAFE.sub("-", job_id)[:200]


def connection(app: Flask | None = None) -> Redis:
    """The app's Redis client for jobs (one per app; fails fast when Redis hangs)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    client = app.extensions.get(REDIS)
    if client is None:
        url = app.config.get("REDIS_URL")
        if not url:
            raise RuntimeError("JOBS_BACKEND=rq needs REDIS_URL")
        client = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        app.extensions[REDIS] = client
    return client


def queue(app: Flask | None = None):  # noqa: ANN201 - rq.Queue, imported lazily
    from rq import Queue

    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return Queue(app.config["JOBS_QUEUE"], connection=connection(app))


def _claim_key(app: Flask, job_id: str) -> str:
    return f"{app.config.get('CACHE_KEY_PREFIX') or 'marketplace:'}jobs:once:{app.config['JOBS_QUEUE']}:{job_id}"


def enqueue(fn: Callable[..., Any] | str, *args: Any, job_id: str | None = None,
            unique_for: int | None = None, **kwargs: Any) -> str | None:
    """Run the task ``fn`` (a registered function or its name) with ``args``/``kwargs`` in
    the background, or now with the inline backend. Arguments must be plain values (ids,
    strings, numbers): the job outlives this request.

    ``job_id`` makes the job idempotent: it is enqueued once per ``unique_for`` seconds
    (default a day); a repeat returns ``None``. Returns the job id otherwise. Raises
    UnknownTask for an unregistered task. Inline, the task's own exception propagates.
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    name = task_name(fn)
    job_id = safe_job_id(job_id) if job_id else None
    if app.config.get("JOBS_BACKEND", "inline") == "rq":
        try:
            return _enqueue_rq(app, name, args, kwargs, job_id, unique_for or DEFAULT_UNIQUE_SECONDS)
        except RedisError:
            log.warning("job queue unreachable; running %s inline", name, exc_info=True)
    run_task(name, list(args), kwargs)
    return job_id or f"inline-{uuid.uuid4().hex}"


def _enqueue_rq(app: Flask, name: str, args: tuple[Any, ...], kwargs: dict[str, Any],
                job_id: str | None, unique_for: int) -> str | None:
    from rq import Retry

    conn = connection(app)
    claim = _claim_key(app, job_id) if job_id else None
    if claim is not None and not conn.set(claim, "1", nx=True, ex=unique_for):
        log.info("job %s (%s) already enqueued; skipped", job_id, name)
        return None
    intervals = list(app.config.get("JOBS_RETRY_INTERVALS", DEFAULT_RETRY_INTERVALS))
    try:
        job = queue(app).enqueue(
            run_task, name, list(args), dict(kwargs), job_id=job_id, description=name,
            retry=Retry(max=len(intervals) or 1, interval=intervals or 0),
            result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600,
        )
    except Exception:
        if claim is not None:
            conn.delete(claim)  # not enqueued: let the next attempt claim it
        raise
    return job.id


def run_task(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Run a registered task in a fresh app context (its own database session, removed
    afterwards). This is what RQ calls; it uses the current app when there is one (the
    CLI worker, tests), else builds the app once per worker process."""
    fn = registered_tasks().get(name)
    if fn is None:
        raise UnknownTask(f"no task {name!r}")
    app = current_app._get_current_object() if has_app_context() else _app()  # type: ignore[attr-defined]
    with app.app_context():
        return fn(*args, **kwargs)


def _app() -> Flask:
    global _worker_app
    if _worker_app is None:
        from marketplace import create_app

        _worker_app = create_app()
    return _worker_app


def run_worker(app: Flask, *, burst: bool = False) -> bool:
    """Work the app's queue in this process (no fork per job: the app, its connection
    pool and the gazetteer are built once). Also moves retries that are due back onto
    the queue. Returns whether any job was run."""
    from rq import Queue
    from rq.worker import SimpleWorker

    # Its own client without a read timeout: the worker waits for jobs with a blocking
    # pop that lasts minutes, which the web side's short socket timeout would break.
    conn = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=5, health_check_interval=30)
    worker = SimpleWorker([Queue(app.config["JOBS_QUEUE"], connection=conn)], connection=conn)
    return worker.work(burst=burst, with_scheduler=True)
