"""``flask --app wsgi jobs …``: the background worker, the periodic scheduler, one-offs."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

jobs = AppGroup("jobs", help="Background jobs: worker, scheduler, one-off runs.")


@jobs.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (for cron or tests).")
def worker(burst: bool) -> None:
    """Run queued jobs (JOBS_BACKEND=rq; one process, jobs in its app context)."""
    from marketplace.infra.jobs import run_worker

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("JOBS_BACKEND") != "rq":
        raise click.ClickException("JOBS_BACKEND is not 'rq' (set REDIS_URL): jobs already run inline.")
    click.echo(f"Worker on queue {app.config['JOBS_QUEUE']!r}.")
    run_worker(app, burst=burst)


@jobs.command("scheduler")
@click.option("--once", is_flag=True, help="Enqueue what is due now, then exit.")
@click.option("--poll", default=30.0, show_default=True, type=click.FloatRange(1, 3600),
              help="Seconds between checks.")
def scheduler(once: bool, poll: float) -> None:
    """Enqueue the periodic tasks on their intervals (safe to run on several hosts)."""
    from marketplace.infra.scheduler import Scheduler

    runner = Scheduler(current_app._get_current_object())  # type: ignore[attr-defined]
    if once:
        ids = runner.tick()
        click.echo(f"Enqueued {len(ids)} periodic job{'' if len(ids) == 1 else 's'}.")
        for job_id in ids:
            click.echo(f"  {job_id}")
        return
    runner.run(poll_seconds=poll)


@jobs.command("run")
@click.argument("name")
@click.option("--queue", "queued", is_flag=True, help="Put it on the queue instead of running it here.")
def run(name: str, queued: bool) -> None:
    """Run one task now by NAME (see `flask jobs list`), e.g. credentials.sweep."""
    from marketplace.infra.jobs import UnknownTask, enqueue, registered_tasks, run_task

    if name not in registered_tasks():
        raise click.ClickException(f"No task {name!r}. Known: {', '.join(sorted(registered_tasks()))}.")
    try:
        if queued:
            click.echo(f"Enqueued {enqueue(name)}.")
            return
        result = run_task(name, [], {})
    except UnknownTask as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - an operator wants the reason, not a traceback
        raise click.ClickException(f"{name} failed: {exc}") from None
    click.echo(f"{name}: {json.dumps(result, default=str)}")


@jobs.command("list")
def list_tasks() -> None:
    """The tasks and the periodic schedule."""
    from marketplace.infra.jobs import registered_tasks
    from marketplace.infra.scheduler import PERIODIC
    from marketplace.infra.tasks import describe

    every = {p.task: p.every_seconds for p in PERIODIC}
    for name in sorted(registered_tasks()):
        when = f"every {every[name]}s" if name in every else "on demand"
        click.echo(f"{name:<28} {when:<14} {describe(name)}")
