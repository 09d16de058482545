"""Racing requests on PostgreSQL: a double click, or several tabs, end in one clear
state. Each thread has its own connection and starts at the same moment."""

from __future__ import annotations

import os
import threading
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.accounts.models import Role, User
from marketplace.booking.models import Booking
from marketplace.core.clock import utcnow
from marketplace.core.errors import DomainError
from marketplace.extensions import db
from marketplace.packages import enrollments
from marketplace.packages.models import Enrollment, EnrollmentSession, Package, SessionStatus
from tests.builders import make_user
from tests.packages.helpers import enroll, open_every_day, package, practitioner

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(os.environ.get("MARKETPLACE_TEST_DB", "sqlite").strip().lower() != "postgresql",
                       reason="needs PostgreSQL (MARKETPLACE_TEST_DB=postgresql)"),
]
RACERS = 6


def _race(app, work) -> tuple[list[object], list[str]]:  # noqa: ANN001
    racing_app = create_app({
        **{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "MAIL_BACKEND", "UPLOAD_FOLDER",
                                       "OUTBOX_FOLDER")},
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": RACERS + 2, "max_overflow": 0, "pool_timeout": 30},
    }, env={"MARKETPLACE_ENV": "test"})
    barrier = threading.Barrier(RACERS)
    won: list[object] = []
    lost: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        with racing_app.app_context():
            db.session.connection()
            barrier.wait(timeout=60)
            try:
                result = work(i)
                db.session.commit()
                with lock:
                    won.append(result)
            except DomainError as exc:
                db.session.rollback()
                with lock:
                    lost.append(exc.detail)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    with racing_app.app_context():
        db.engine.dispose()
    return won, lost


def test_racing_reservations_make_one(app):
    asha = practitioner(app, "Asha Rao", "acupuncture")
    package_id = package(asha, [(asha, "acupuncture", 4, 45)], price=20000).id
    seeker_id = make_user(Role.SEEKER).id

    def reserve(i: int) -> int:
        return enrollments.reserve(db.session.get(User, seeker_id), db.session.get(Package, package_id)).id

    won, lost = _race(app, reserve)
    assert lost == [] and len(set(won)) == 1
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1


def test_racing_bookings_of_one_component_never_share_a_session(app):
    asha = practitioner(app, "Asha Rao", "acupuncture")
    open_every_day(asha)
    pkg = package(asha, [(asha, "acupuncture", 4, 45)], price=20000)
    seeker = make_user(Role.SEEKER)
    enrollment_id, component_id, seeker_id, location_id = enroll(seeker, pkg).id, pkg.components[0].id, seeker.id, \
        asha.locations[0].id
    london = ZoneInfo("Europe/London")
    day = (utcnow() + timedelta(days=2)).astimezone(london).date()
    starts = [datetime.combine(day, time(8), tzinfo=london).astimezone(timezone.utc) + timedelta(minutes=45 * i)
              for i in range(RACERS)]

    def book(i: int) -> int:
        enrollment = db.session.get(Enrollment, enrollment_id)
        return enrollments.schedule_session(db.session.get(User, seeker_id), enrollment, component_id, starts[i],
                                            location_id).id

    won, lost = _race(app, book)
    assert len(won) == 4 and len(set(won)) == 4  # four sessions, each booked once
    assert len(lost) == RACERS - 4
    db.session.expire_all()
    scheduled = db.session.scalars(select(EnrollmentSession).where(
        EnrollmentSession.status == SessionStatus.SCHEDULED)).all()
    assert len({s.booking_id for s in scheduled}) == 4
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 4  # no booking left without its session
