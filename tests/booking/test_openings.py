"""The next opening a results page shows, kept in the web process's memory: it must move
as soon as anything it depends on changes (in this process or another), and as time
passes (the notice, a hold running out)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from marketplace.booking import availability, queries, services
from marketplace.booking.models import AvailabilityException
from marketplace.booking.openings import Held, OpeningMemory
from marketplace.extensions import db
from tests.booking.helpers import UTC, hold_at, local, london_practitioner, set_hours

NINE = local(2026, 3, 25, 9).astimezone(UTC)  # the fixture's first start (now is 08:00, notice an hour)


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def first(practitioner) -> object:  # noqa: ANN001
    return queries.next_available([practitioner.id]).get(practitioner.id)


def test_a_page_this_process_worked_out_costs_one_statement_and_the_same_answer(app, now, frozen_clock):
    ids = []
    for i in range(20):
        p = london_practitioner(app, display_name=f"P {i}")
        set_hours(p, min_notice_minutes=30)  # 09:00 stays first until 08:30
        ids.append(p.id)
    found = queries.next_available(ids)
    assert found == {pid: NINE for pid in ids}
    frozen_clock(now + timedelta(minutes=5))
    db.session.expire_all()
    with counted() as statements:
        again = queries.next_available(ids)
    assert again == found
    assert len(statements) == 1  # the stamps: every opening was still held


def test_a_booking_a_cancellation_and_a_closure_move_the_next_opening(practitioner, seeker, now):
    assert first(practitioner) == NINE
    booking = hold_at(seeker, practitioner, local(2026, 3, 25, 9))  # 09:00–10:00
    assert first(practitioner) == local(2026, 3, 25, 10).astimezone(UTC)
    services.cancel(booking, seeker)
    db.session.commit()
    assert first(practitioner) == NINE
    availability.add_exception(practitioner, availability.ExceptionInput(date(2026, 3, 25), date(2026, 3, 25)))
    db.session.commit()
    assert first(practitioner) == local(2026, 3, 26, 9).astimezone(UTC)
    set_hours(practitioner, min_notice_minutes=2 * 24 * 60)  # two days' notice from Wednesday 08:00
    assert first(practitioner) == local(2026, 3, 27, 9).astimezone(UTC)


def test_a_change_another_process_commits_is_seen_at_once(practitioner, now):
    """Another web process (here: its own session and connection) removes the closure;
    this one held the later opening and must drop it."""
    availability.add_exception(practitioner, availability.ExceptionInput(date(2026, 3, 25), date(2026, 3, 25)))
    db.session.commit()
    assert first(practitioner) == local(2026, 3, 26, 9).astimezone(UTC)
    closure = db.session.scalar(select(AvailabilityException.id))
    db.session.commit()  # this request ends (SQLite: a reader would hold the other writer back)
    with Session(db.engine) as other:
        other.delete(other.get(AvailabilityException, closure))
        other.commit()
    assert first(practitioner) == NINE


def test_an_unsaved_change_in_this_transaction_counts_and_a_rollback_undoes_it(practitioner, seeker, now):
    assert first(practitioner) == NINE
    hold_at(seeker, practitioner, local(2026, 3, 25, 9), commit=False)
    assert first(practitioner) == local(2026, 3, 25, 10).astimezone(UTC)
    db.session.rollback()
    assert first(practitioner) == NINE


def test_the_opening_moves_when_it_falls_inside_the_notice(practitioner, frozen_clock, now):
    assert first(practitioner) == NINE
    frozen_clock(now + timedelta(minutes=1))  # 09:00 is now less than an hour away
    assert first(practitioner) == local(2026, 3, 25, 9, 30).astimezone(UTC)


def test_time_a_lapsed_hold_frees_comes_back(practitioner, seeker, frozen_clock, now):
    hold_at(seeker, practitioner, local(2026, 3, 25, 9))  # held for ten minutes
    assert first(practitioner) == local(2026, 3, 25, 10).astimezone(UTC)
    frozen_clock(now + timedelta(minutes=5))
    assert first(practitioner) == local(2026, 3, 25, 10).astimezone(UTC)
    frozen_clock(now + timedelta(minutes=10))  # the hold has run out: 09:30 is open again
    assert first(practitioner) == local(2026, 3, 25, 9, 30).astimezone(UTC)


def test_a_practitioner_turning_online_sessions_off_loses_the_online_opening(app, now):
    evening = london_practitioner(app, display_name="Evenings online")
    set_hours(evening, {None: {d: [("18:00", "20:00")] for d in range(5)}})
    assert first(evening) == local(2026, 3, 25, 18).astimezone(UTC)
    evening.offers_online = False
    db.session.commit()
    assert first(evening) is None


def test_the_memory_forgets_the_oldest_when_full():
    held = OpeningMemory(max_held=8)
    at = local(2026, 3, 25, 8)
    for pid in range(20):
        held.put(pid, held_for(at))
    assert len(held) <= 8
    assert held.get(19, 0, at) is not None and held.get(0, 0, at) is None
    assert held.get(19, 1, at) is None  # another stamp: not this one's
    assert held.get(19, 0, at + timedelta(hours=2)) is None  # past its span


def held_for(at):  # noqa: ANN001, ANN201
    return Held(0, at, at + timedelta(hours=1), at + timedelta(hours=3))



def test_a_page_of_openings_says_when_the_first_of_them_lapses(app, now, frozen_clock):
    """A results page kept whole (the search's answer cache) lives no longer than this."""
    early, late = london_practitioner(app, display_name="Early"), london_practitioner(app, display_name="Late")
    set_hours(early, min_notice_minutes=45)  # 09:00 stays first until 08:15
    set_hours(late, min_notice_minutes=30)  # until 08:30
    found = queries.next_available([early.id, late.id])
    assert found == {early.id: NINE, late.id: NINE}
    assert found.holds_until.replace(microsecond=0) == NINE - timedelta(minutes=45)
    frozen_clock(now + timedelta(minutes=5))
    assert queries.next_available([late.id]).holds_until.replace(microsecond=0) == NINE - timedelta(minutes=30)
    assert queries.next_available([]).holds_until is None
