"""Seekers racing for one slot on PostgreSQL: many simultaneous requests, each on its own
connection, and exactly one booking. The guarantee comes from the database (a row lock
on the practitioner and a partial unique index), not from anything in this process."""

from __future__ import annotations

import os
import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.core import clock
from marketplace.core.errors import Conflict
from marketplace.extensions import db
from tests.booking.helpers import clinic_id, local, make_seeker

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(os.environ.get("MARKETPLACE_TEST_DB", "sqlite").strip().lower() != "postgresql",
                       reason="needs PostgreSQL (MARKETPLACE_TEST_DB=postgresql)"),
]
RACERS = 24


def _race(app, practitioner_id: int, location_id: int, seeker_ids: list[int],  # noqa: ANN001
          starts: list[datetime], minutes: list[int | None], fees: list[str]) -> tuple[list[int], list[str]]:
    """Every thread waits at a barrier with its own connection open, then holds at once."""
    # A pool big enough that every racer has its own connection at the barrier.
    racing_app = create_app({
        **{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "MAIL_BACKEND", "UPLOAD_FOLDER",
                                       "OUTBOX_FOLDER")},
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": len(seeker_ids) + 2, "max_overflow": 0, "pool_timeout": 30},
    }, env={"MARKETPLACE_ENV": "test"})
    barrier = threading.Barrier(len(seeker_ids))
    won: list[int] = []
    lost: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        with racing_app.app_context():
            from marketplace.accounts.models import User

            seeker = db.session.get(User, seeker_ids[i])
            db.session.commit()
            db.session.connection()  # hold a connection before the start signal
            barrier.wait(timeout=60)
            try:
                booking = services.hold(seeker, services.HoldInput(
                    practitioner_id=practitioner_id, start=starts[i], location_id=location_id, fee_label=fees[i],
                    minutes=minutes[i]))
                db.session.commit()
                with lock:
                    won.append(booking.id)
            except Conflict as exc:
                db.session.rollback()
                with lock:
                    lost.append(exc.detail)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(seeker_ids))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    with racing_app.app_context():
        db.engine.dispose()
    return won, lost


def test_many_simultaneous_holds_on_one_slot_make_exactly_one_booking(app, practitioner, now):
    seekers = [make_seeker().id for _ in range(RACERS)]
    start = local(2026, 3, 30, 10)
    assert clock.utcnow() == now  # the racing threads share the frozen clock
    won, lost = _race(app, practitioner.id, clinic_id(practitioner), seekers, [start] * RACERS,
                      [None] * RACERS, ["Consultation"] * RACERS)
    assert len(won) == 1, (won, lost)
    assert len(lost) == RACERS - 1
    db.session.expire_all()
    rows = db.session.scalar(select(func.count()).select_from(Booking).where(Booking.practitioner_id == practitioner.id))
    assert rows == 1


def test_overlapping_but_different_starts_racing_make_one_booking(app, practitioner, now):
    """60 minutes at 10:00 against 30 minutes at 10:30 (different starts, so the unique
    index cannot help: the row lock decides)."""
    seekers = [make_seeker().id for _ in range(RACERS)]
    starts = [local(2026, 3, 30, 10) if i % 2 == 0 else local(2026, 3, 30, 10, 30) for i in range(RACERS)]
    fees = ["Consultation" if i % 2 == 0 else "Short session" for i in range(RACERS)]
    won, lost = _race(app, practitioner.id, clinic_id(practitioner), seekers, starts, [None] * RACERS, fees)
    assert len(won) == 1, (won, lost)
    assert len(lost) == RACERS - 1
