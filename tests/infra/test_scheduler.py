"""The periodic scheduler and the ``flask jobs`` commands."""

from __future__ import annotations

from typing import Any, Callable

from flask import Flask

from marketplace.infra.jobs import queue, registered_tasks
from marketplace.infra.scheduler import DAY, PERIODIC, Periodic, Scheduler

NOON = 1_800_000_000.0 - (1_800_000_000.0 % DAY) + DAY / 2  # a fixed UTC noon, epoch seconds


def test_every_periodic_task_exists() -> None:
    assert {p.task for p in PERIODIC} <= set(registered_tasks())


def test_each_periodic_task_is_enqueued_once_per_period_even_by_two_schedulers(
        make_app: Callable[..., Flask], redis_settings: dict[str, Any]) -> None:
    one, two = Scheduler(make_app(**redis_settings)), Scheduler(make_app(**redis_settings))
    first = one.tick(NOON)
    assert len(first) == len(PERIODIC)
    assert two.tick(NOON) == []          # another host, same period
    assert one.tick(NOON + 1) == []      # the same scheduler a moment later
    later = two.tick(NOON + 5 * 60)      # five minutes on: only the five-minute task is due
    assert later == [Periodic("bookings.release_expired", 5 * 60).job_id(NOON + 5 * 60)]
    with one.app.app_context():
        assert queue().count == len(PERIODIC) + 1


def test_inline_scheduler_runs_the_periodic_tasks_once_per_period(make_app: Callable[..., Flask]) -> None:
    app = make_app(JOBS_BACKEND="inline")
    ran: list[str] = []
    schedule = (Periodic("test.sched", 60),)
    from marketplace.infra.jobs import task

    @task("test.sched")
    def note() -> None:
        ran.append("ran")

    scheduler = Scheduler(app, schedule)
    scheduler.tick(NOON)
    scheduler.tick(NOON + 30)
    scheduler.tick(NOON + 60)
    assert ran == ["ran", "ran"]


def test_housekeeping_tasks_run_on_the_real_database(make_app: Callable[..., Flask]) -> None:
    from marketplace.infra.jobs import run_task

    app = make_app(JOBS_BACKEND="inline")
    with app.app_context():
        for name in ("credentials.sweep", "packages.check", "bookings.release_expired", "bookings.remind",
                     "geo.backfill", "db.statistics"):
            run_task(name, [], {})


def test_sqlite_gets_fresh_planner_statistics_daily(make_app: Callable[..., Flask]) -> None:
    """Without ANALYZE, SQLite plans every query as if the tables were empty; the daily task
    gives it statistics for the search index (PostgreSQL's autovacuum does this itself)."""
    from sqlalchemy import text

    from marketplace.extensions import db
    from marketplace.infra.jobs import run_task
    from tests.builders import make_verified_practitioner

    app = make_app(JOBS_BACKEND="inline")
    with app.app_context():
        for i in range(3):
            make_verified_practitioner(app, display_name=f"Physio {i}", modalities=("physiotherapy",))
        db.session.commit()
        result = run_task("db.statistics", [], {})
        if db.engine.dialect.name == "sqlite":
            assert result == {"analyzed": True}
            stats = dict(db.session.execute(text("SELECT tbl, count(*) FROM sqlite_stat1 GROUP BY tbl")).all())
            assert stats.get("search_place", 0) >= 1 and stats.get("practitioner", 0) >= 1
        else:
            assert result["analyzed"] is False


def test_jobs_run_and_list_commands(make_app: Callable[..., Flask]) -> None:
    app = make_app(JOBS_BACKEND="inline")
    runner = app.test_cli_runner()
    with app.app_context():  # commands use the current app context (the test's app has one open)
        result = runner.invoke(args=["jobs", "run", "credentials.sweep"])
        assert result.exit_code == 0, result.output
        assert "credentials.sweep" in result.output and "expired" in result.output
        unknown = runner.invoke(args=["jobs", "run", "no.such.task"])
        assert unknown.exit_code != 0 and "No task" in unknown.output
        listing = runner.invoke(args=["jobs", "list"])
        assert "bookings.release_expired" in listing.output and "every 300s" in listing.output
        worker = runner.invoke(args=["jobs", "worker", "--burst"])
        assert worker.exit_code != 0 and "inline" in worker.output


def test_worker_command_drains_the_queue(make_app: Callable[..., Flask], redis_settings: dict[str, Any]) -> None:
    app = make_app(**redis_settings)
    runner = app.test_cli_runner()
    # Commands use the app context that is current (the test's own app has one open).
    with app.app_context():
        assert runner.invoke(args=["jobs", "run", "--queue", "credentials.sweep"]).exit_code == 0
        assert queue().count == 1
        result = runner.invoke(args=["jobs", "worker", "--burst"])
        assert result.exit_code == 0, result.output
        assert queue().count == 0
        assert len(queue().finished_job_registry) == 1
