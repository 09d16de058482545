"""``flask jobs scheduler``: enqueue the periodic tasks on their intervals.

Time is cut into periods of each task's interval, counted from the Unix epoch (UTC), and
each period's job gets the id ``periodic-<task>-<period number>``. :func:`tick` enqueues
every task whose current period has no job yet; with RQ the id is claimed in Redis
atomically, so any number of schedulers (one per host, or a restarted one) enqueue each
period's job exactly once. A scheduler that was down simply enqueues the current period
when it comes back: every task catches up on its own (they work on "everything due").

With the inline backend, the scheduler runs the tasks itself, once per period per
scheduler process (run one only).

| task                       | every      | why                                            |
|----------------------------|------------|------------------------------------------------|
| bookings.release_expired   | 5 minutes  | holds last minutes; free the slot promptly     |
| payments.reconcile         | 15 minutes | settle payments whose webhook went missing;    |
|                            |            | cancel those left open while Stripe was down   |
| geo.backfill               | 15 minutes | name locations the geocoder could not name     |
| bookings.remind            | 1 hour     | day-before reminders (each sent once)          |
| credentials.sweep          | 1 day      | expire lapsed licences, warn of those expiring |
| packages.check             | 1 day      | after the sweep: packages that stop selling    |
| payments.payouts           | 1 day      | transfer practitioners' earnings               |
| db.statistics              | 1 day      | SQLite: fresh planner statistics (ANALYZE)     |
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from flask import Flask

from marketplace.infra.jobs import enqueue

log = logging.getLogger(__name__)

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


@dataclass(frozen=True)
class Periodic:
    task: str
    every_seconds: int

    def period(self, now: float) -> int:
        return int(now // self.every_seconds)

    def job_id(self, now: float) -> str:
        return f"periodic-{self.task.replace('.', '_')}-{self.period(now)}"


# Order matters within one tick: the sweep is queued before the packages check.
PERIODIC: tuple[Periodic, ...] = (
    Periodic("bookings.release_expired", 5 * MINUTE),
    Periodic("payments.reconcile", 15 * MINUTE),
    Periodic("geo.backfill", 15 * MINUTE),
    Periodic("bookings.remind", HOUR),
    Periodic("credentials.sweep", DAY),
    Periodic("packages.check", DAY),
    Periodic("payments.payouts", DAY),
    Periodic("db.statistics", DAY),
)


class Scheduler:
    """Enqueues :data:`PERIODIC` tasks for ``app``. ``schedule`` can be replaced (tests)."""

    def __init__(self, app: Flask, schedule: tuple[Periodic, ...] = PERIODIC) -> None:
        self.app = app
        self.schedule = schedule
        self._done: set[str] = set()  # this process's memory; Redis is the shared one

    def tick(self, now: float | None = None) -> list[str]:
        """Enqueue each task whose period at ``now`` (epoch seconds) has no job yet.
        Returns the job ids this call enqueued. A task that fails to enqueue (or, inline,
        to run) is logged and tried again on the next tick."""
        now = time.time() if now is None else now
        enqueued: list[str] = []
        with self.app.app_context():
            for item in self.schedule:
                job_id = item.job_id(now)
                if job_id in self._done:
                    continue
                try:
                    # The claim outlives the period a little, so a clock slightly behind
                    # on another host cannot re-enqueue it.
                    if enqueue(item.task, job_id=job_id, unique_for=item.every_seconds + HOUR) is not None:
                        enqueued.append(job_id)
                    self._done.add(job_id)
                except Exception:  # noqa: BLE001 - one broken task must not stop the others
                    log.exception("periodic task %s could not be enqueued", item.task)
        self._forget_old(now)
        return enqueued

    def _forget_old(self, now: float) -> None:
        current = {item.job_id(now) for item in self.schedule}
        self._done &= current

    def run(self, stop: threading.Event | None = None, poll_seconds: float = 30.0) -> None:
        """Tick every ``poll_seconds`` until ``stop`` is set (or forever)."""
        stop = stop or threading.Event()
        log.info("scheduler started: %s", ", ".join(f"{p.task}/{p.every_seconds}s" for p in self.schedule))
        while not stop.is_set():
            for job_id in self.tick():
                log.info("enqueued %s", job_id)
            stop.wait(poll_seconds)
