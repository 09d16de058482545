"""Holding a slot, the hold running out, confirming, releasing and the database's own
guard against two bookings at one time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Role
from marketplace.booking import queries, services
from marketplace.booking.models import Booking, BookingStatus
from marketplace.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.verification.models import CredentialStatus
from tests.booking.helpers import UTC, clinic_id, hold_at, local, make_seeker, set_hours
from tests.builders import make_practitioner, make_user

MONDAY_10 = local(2026, 3, 30, 10)  # BST: 09:00Z


def test_a_hold_keeps_the_slot_for_the_hold_time_and_prices_it_from_the_fee(practitioner, seeker, now):
    booking = hold_at(seeker, practitioner, MONDAY_10)
    assert booking.status is BookingStatus.HELD
    assert booking.starts_at == MONDAY_10.astimezone(UTC) and booking.ends_at - booking.starts_at == timedelta(hours=1)
    assert booking.hold_expires_at == now + timedelta(minutes=10)
    assert (booking.amount, booking.currency, booking.fee_label) == (7500, "GBP", "Consultation")
    assert booking.timezone == "Europe/London" and "London clinic" in booking.place_label
    starts = [s.start for s in queries.open_slots(practitioner, now, now + timedelta(days=7), minutes=60)]
    assert MONDAY_10.astimezone(UTC) not in starts


def test_the_same_slot_cannot_be_held_twice(practitioner, seeker):
    hold_at(seeker, practitioner, MONDAY_10)
    with pytest.raises(Conflict) as caught:
        hold_at(make_seeker(), practitioner, MONDAY_10)
    assert "start" in caught.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


def test_overlapping_sessions_of_different_lengths_conflict(practitioner, seeker):
    hold_at(seeker, practitioner, MONDAY_10)  # 10:00–11:00
    with pytest.raises(Conflict):
        hold_at(make_seeker(), practitioner, local(2026, 3, 30, 10, 30), fee_label="Short session")
    db.session.rollback()
    # …and the other way round: a 30-minute session first blocks an hour that covers it.
    hold_at(seeker, practitioner, local(2026, 3, 30, 14, 30), fee_label="Short session")
    with pytest.raises(Conflict):
        hold_at(make_seeker(), practitioner, local(2026, 3, 30, 14), fee_label="Consultation")


def test_in_person_and_online_sessions_compete_for_the_same_person(practitioner, seeker):
    set_hours(practitioner, {clinic_id(practitioner): {0: [("09:00", "12:00")]}, None: {0: [("09:00", "12:00")]}})
    hold_at(seeker, practitioner, MONDAY_10)
    with pytest.raises(Conflict):
        hold_at(make_seeker(), practitioner, MONDAY_10, online=True)


def test_the_buffer_keeps_sessions_apart(practitioner, seeker):
    set_hours(practitioner, {clinic_id(practitioner): {0: [("09:00", "13:00")]}}, buffer_minutes=15)
    hold_at(seeker, practitioner, local(2026, 3, 30, 9))  # grid: 09:00, 10:15, 11:30
    hold_at(make_seeker(), practitioner, local(2026, 3, 30, 10, 15))


def test_an_expired_hold_stops_blocking_the_slot_before_any_sweep(practitioner, seeker, now, frozen_clock):
    first = hold_at(seeker, practitioner, MONDAY_10)
    frozen_clock(now + timedelta(minutes=11))
    assert first.effective_status() is BookingStatus.RELEASED
    later = now + timedelta(minutes=11)
    starts = [s.start for s in queries.open_slots(practitioner, later, later + timedelta(days=7), minutes=60)]
    assert MONDAY_10.astimezone(UTC) in starts
    second = hold_at(make_seeker(), practitioner, MONDAY_10)
    assert second.status is BookingStatus.HELD
    # The expired row was marked released on the way, so the unique index stays satisfied.
    assert first.status is BookingStatus.RELEASED and first.release_reason


def test_the_release_sweep_marks_expired_holds_and_tells_the_seeker(practitioner, seeker, now, frozen_clock,
                                                                    runner, outbox):
    booking = hold_at(seeker, practitioner, MONDAY_10)
    fresh = hold_at(make_seeker(), practitioner, local(2026, 3, 30, 12))
    frozen_clock(now + timedelta(minutes=10))
    result = runner.invoke(args=["bookings", "release-expired"])
    assert result.exit_code == 0 and "Released 2 expired holds" in result.output
    db.session.expire_all()
    assert booking.status is BookingStatus.RELEASED and fresh.status is BookingStatus.RELEASED
    assert [m.to for m in outbox] == [seeker.email, fresh.seeker.email]
    again = runner.invoke(args=["bookings", "release-expired"])
    assert "Released 0 expired holds" in again.output


def test_confirm_books_the_slot_once_and_is_idempotent(practitioner, seeker, outbox):
    booking = hold_at(seeker, practitioner, MONDAY_10)
    services.confirm(booking)
    db.session.commit()
    services.confirm(booking)  # a repeated payment webhook
    db.session.commit()
    assert booking.status is BookingStatus.CONFIRMED and booking.confirmed_at is not None
    assert sorted(m.to for m in outbox) == sorted([seeker.email, practitioner.user.email])


def test_a_payment_after_the_hold_ran_out_still_confirms_a_free_slot(practitioner, seeker, now, frozen_clock):
    booking = hold_at(seeker, practitioner, MONDAY_10)
    frozen_clock(now + timedelta(minutes=30))
    services.release_expired()
    db.session.commit()
    services.confirm(booking)
    db.session.commit()
    assert booking.status is BookingStatus.CONFIRMED


def test_a_payment_after_someone_else_took_the_slot_is_refused(practitioner, seeker, now, frozen_clock):
    booking = hold_at(seeker, practitioner, MONDAY_10)
    frozen_clock(now + timedelta(minutes=30))
    hold_at(make_seeker(), practitioner, MONDAY_10)
    with pytest.raises(Conflict):
        services.confirm(booking)
    db.session.rollback()
    assert booking.status is BookingStatus.RELEASED


def test_release_gives_the_slot_back_and_cannot_undo_a_confirmation(practitioner, seeker):
    booking = hold_at(seeker, practitioner, MONDAY_10)
    services.release(booking, "The card was declined.")
    db.session.commit()
    assert booking.status is BookingStatus.RELEASED and booking.release_reason == "The card was declined."
    hold_at(make_seeker(), practitioner, MONDAY_10)
    other = hold_at(make_seeker(), practitioner, local(2026, 3, 30, 12))
    services.confirm(other)
    with pytest.raises(Conflict):
        services.release(other, "late failure")


def test_packages_can_book_prepaid_sessions_directly(practitioner, seeker, outbox):
    booking = services.hold(seeker, services.HoldInput(
        practitioner_id=practitioner.id, start=MONDAY_10, location_id=clinic_id(practitioner), fee_label=None,
        minutes=60, priced=False, hold=False))
    db.session.commit()
    assert booking.status is BookingStatus.CONFIRMED and booking.hold_expires_at is None
    assert booking.amount is None and booking.currency is None
    assert len(outbox) == 2  # confirmation to both sides


def test_only_seekers_hold_slots(practitioner):
    for role in (Role.PRACTITIONER, Role.ADMIN):
        with pytest.raises(Forbidden):
            hold_at(make_user(role), practitioner, MONDAY_10)


def test_hidden_practitioners_cannot_be_booked(app, now, seeker):
    unverified = make_practitioner(display_name="Not Yet", city="London", offers_online=True)
    set_hours(unverified)
    with pytest.raises(NotFound):
        hold_at(seeker, unverified, MONDAY_10)


def test_a_suspended_practitioner_cannot_be_booked(practitioner, seeker):
    practitioner.is_suspended = True
    db.session.commit()
    with pytest.raises(NotFound):
        hold_at(seeker, practitioner, MONDAY_10)


@pytest.mark.parametrize("start, field", [
    (local(2026, 3, 30, 10, 20), "start"),   # off the grid
    (local(2026, 3, 28, 10), "start"),       # Saturday: closed
    (local(2026, 3, 25, 8, 30), "start"),    # inside the notice period
    (local(2026, 3, 24, 10), "start"),       # in the past
    (local(2026, 6, 1, 10), "start"),        # beyond 60 days ahead
])
def test_a_start_that_is_not_an_open_slot_is_refused_naming_the_field(practitioner, seeker, start, field):
    with pytest.raises(ValidationFailed) as caught:
        hold_at(seeker, practitioner, start)
    assert field in caught.value.errors


def test_the_place_and_the_fee_must_be_the_practitioners(practitioner, seeker, app):
    other = make_practitioner(display_name="Other", city="London")
    with pytest.raises(ValidationFailed) as caught:
        services.hold(seeker, services.HoldInput(practitioner_id=practitioner.id, start=MONDAY_10,
                                                 location_id=other.locations[0].id, fee_label="Massage"))
    assert {"location_id", "fee_label"} <= set(caught.value.errors)
    practitioner.offers_online = False
    db.session.commit()
    with pytest.raises(ValidationFailed) as caught:
        hold_at(seeker, practitioner, local(2026, 3, 30, 18), online=True)
    assert "online" in caught.value.errors


def test_closures_block_and_extra_hours_open_slots(practitioner, seeker, now):
    services.add_exception(practitioner, services.ExceptionInput(
        starts_on=MONDAY_10.date(), ends_on=MONDAY_10.date(), closed=True, reason="Bank holiday"))
    services.add_exception(practitioner, services.ExceptionInput(
        starts_on=local(2026, 3, 28, 0).date(), ends_on=local(2026, 3, 28, 0).date(), closed=False,
        location_id=clinic_id(practitioner), start_time=local(2026, 3, 28, 10).time(),
        end_time=local(2026, 3, 28, 12).time()))
    db.session.commit()
    with pytest.raises(ValidationFailed):
        hold_at(seeker, practitioner, MONDAY_10)
    saturday = hold_at(seeker, practitioner, local(2026, 3, 28, 11))
    assert saturday.status is BookingStatus.HELD


def test_the_unique_index_refuses_two_occupying_rows_at_one_start(practitioner, seeker):
    """The backstop behind the row lock: even a write that skips the service fails."""
    booking = hold_at(seeker, practitioner, MONDAY_10)
    twin = Booking(seeker_id=seeker.id, practitioner_id=practitioner.id, location_id=booking.location_id,
                   place_label="x", timezone="Europe/London", starts_at=booking.starts_at, ends_at=booking.ends_at,
                   minutes=60, status=BookingStatus.CONFIRMED)
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # Cancelled rows do not occupy: the same start can be stored again.
    booking.status = BookingStatus.CANCELLED
    db.session.commit()
    assert hold_at(make_seeker(), practitioner, MONDAY_10).status is BookingStatus.HELD


def test_next_available_answers_a_page_of_practitioners(app, practitioner, seeker, now):
    # 08:00 now plus an hour's notice: 09:00 is the first start.
    assert queries.next_available([practitioner.id], now)[practitioner.id] == local(2026, 3, 25, 9).astimezone(UTC)
    hold_at(seeker, practitioner, local(2026, 3, 25, 9), fee_label="Short session")
    # The shortest fee (30 minutes) decides; 09:30 is free after the 09:00 short session.
    assert queries.next_available([practitioner.id], now)[practitioner.id] == local(2026, 3, 25, 9, 30).astimezone(UTC)
    no_hours = make_practitioner(display_name="No Hours")
    result = queries.next_available([practitioner.id, no_hours.id, 999_999], now)
    assert set(result) == {practitioner.id}
    assert queries.next_available([], now) == {}


def test_next_available_takes_a_handful_of_queries_for_twenty_practitioners(app, now):
    from sqlalchemy import event

    from tests.booking.helpers import london_practitioner

    ids = []
    for i in range(20):
        p = london_practitioner(app, display_name=f"P {i}")
        set_hours(p)
        ids.append(p.id)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        db.session.expire_all()
        found = queries.next_available(ids, now)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert set(found) == set(ids)
    # Their stamps; hours; who they are (places, fees, settings); exceptions; bookings.
    assert len(statements) <= 5


def test_next_available_follows_each_practitioners_own_settings_and_places(app, now):
    """A page mixes practitioners: one asks a day's notice, one sees people online only in
    hours they no longer offer, one keeps the defaults."""
    from tests.booking.helpers import london_practitioner

    careful = london_practitioner(app, display_name="Careful")
    set_hours(careful, min_notice_minutes=24 * 60)
    offline = london_practitioner(app, display_name="No longer online", offers_online=True)
    set_hours(offline, {None: {d: [("07:00", "20:00")] for d in range(7)}})
    offline.offers_online = False
    db.session.commit()
    plain = london_practitioner(app, display_name="Plain")
    set_hours(plain)
    found = queries.next_available([careful.id, offline.id, plain.id], now)
    # Wednesday 08:00 now: a day's notice makes Thursday 09:00 the first start.
    assert found[careful.id] == local(2026, 3, 26, 9).astimezone(UTC)
    assert offline.id not in found  # online hours, and no online sessions offered
    assert found[plain.id] == local(2026, 3, 25, 9).astimezone(UTC)


def test_an_expired_licence_stops_new_holds(practitioner, seeker):
    from marketplace.verification.models import Credential

    for credential in db.session.scalars(select(Credential).where(Credential.practitioner_id == practitioner.id)):
        credential.status = CredentialStatus.EXPIRED
    db.session.commit()
    with pytest.raises(NotFound):
        hold_at(seeker, practitioner, MONDAY_10)


def test_removing_a_location_drops_its_hours_and_keeps_its_bookings(practitioner, seeker):
    from marketplace.booking.models import WeeklyHours
    from marketplace.practitioners.services import remove_location
    from tests.booking.helpers import confirmed_at

    booking = confirmed_at(seeker, practitioner, MONDAY_10)
    remove_location(practitioner, clinic_id(practitioner), keep_bookings=True)
    db.session.commit()
    db.session.expire_all()
    left = db.session.scalars(select(WeeklyHours).where(WeeklyHours.practitioner_id == practitioner.id)).all()
    assert left and all(h.location_id is None for h in left)  # the online hours stay
    assert booking.location_id is None and not booking.is_online
    assert "London clinic" in booking.place_label and booking.status is BookingStatus.CONFIRMED


def test_without_the_overlap_check_the_unique_index_still_answers_conflict(practitioner, seeker, monkeypatch):
    hold_at(seeker, practitioner, MONDAY_10)
    monkeypatch.setattr(services, "_ensure_free", lambda *args, **kwargs: None)
    with pytest.raises(Conflict):
        hold_at(make_seeker(), practitioner, MONDAY_10)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1
