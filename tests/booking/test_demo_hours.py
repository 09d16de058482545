"""The demo data can be booked: demo practitioners get weekly hours, once."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.booking import queries
from marketplace.booking.models import WeeklyHours
from marketplace.extensions import db
from marketplace.verification.queries import visible_practitioners


def test_seeded_practitioners_have_hours_and_open_slots(runner, app):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    rows = db.session.scalar(select(func.count()).select_from(WeeklyHours))
    assert rows > 0
    visible = [p.id for p in db.session.scalars(visible_practitioners()).all()[:20]]
    assert len(queries.next_available(visible)) == len(visible)
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(WeeklyHours)) == rows
