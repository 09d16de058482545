"""Both sides hear about a booking: confirmation, change, cancellation and a reminder the
day before, by mail (after the commit) and in the app."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.booking import services
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests.booking.helpers import UTC, confirmed_at, hold_at, local


def _kinds(user) -> list[str]:  # noqa: ANN001
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def test_a_hold_tells_nobody_and_the_confirmation_tells_both(practitioner, seeker, outbox):
    booking = hold_at(seeker, practitioner, local(2026, 3, 30, 10))
    assert outbox == []
    services.confirm(booking)
    assert outbox == []  # mail waits for the commit
    db.session.commit()
    by_recipient = {m.to: m for m in outbox}
    assert set(by_recipient) == {seeker.email, practitioner.user.email}
    to_seeker = by_recipient[seeker.email]
    assert "confirmed" in to_seeker.subject.lower()
    assert "Monday 30 March 2026, 10:00–11:00 (Europe/London time, UTC+01:00)" in to_seeker.body
    assert "£75.00" in to_seeker.body and "London clinic" in to_seeker.body
    assert seeker.email in by_recipient[practitioner.user.email].body
    assert _kinds(seeker) == ["booking.confirmed"] and _kinds(practitioner.user) == ["booking.confirmed"]


def test_a_rolled_back_confirmation_sends_nothing(practitioner, seeker, outbox):
    booking = hold_at(seeker, practitioner, local(2026, 3, 30, 10))
    services.confirm(booking)
    db.session.rollback()
    assert outbox == []


def test_change_and_cancellation_reach_both_sides(practitioner, seeker, outbox):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10))
    outbox.clear()
    moved = services.reschedule(booking, seeker, local(2026, 3, 31, 11))
    db.session.commit()
    assert {m.to for m in outbox} == {seeker.email, practitioner.user.email}
    assert all("Tuesday 31 March 2026, 11:00" in m.body for m in outbox)
    outbox.clear()
    services.cancel(moved, practitioner.user, "Unwell")
    db.session.commit()
    assert {m.to for m in outbox} == {seeker.email, practitioner.user.email}
    to_seeker = next(m for m in outbox if m.to == seeker.email)
    assert "Lena Hart" in to_seeker.body and "Unwell" in to_seeker.body and "refunded in full" in to_seeker.body
    assert _kinds(seeker) == ["booking.confirmed", "booking.changed", "booking.cancelled"]


def test_cancelling_an_unpaid_hold_does_not_bother_the_practitioner(practitioner, seeker, outbox):
    booking = hold_at(seeker, practitioner, local(2026, 3, 30, 10))
    services.cancel(booking, seeker)
    db.session.commit()
    assert outbox == [] and _kinds(practitioner.user) == []


def test_reminders_go_out_the_day_before_once(practitioner, seeker, outbox, runner, now, frozen_clock):
    soon = confirmed_at(seeker, practitioner, local(2026, 3, 26, 10))       # tomorrow
    later = confirmed_at(seeker, practitioner, local(2026, 3, 30, 10))      # next week
    hold_at(seeker, practitioner, local(2026, 3, 26, 12))                   # unpaid: no reminder
    outbox.clear()
    frozen_clock(local(2026, 3, 25, 12).astimezone(UTC))  # 22 hours before the first
    result = runner.invoke(args=["bookings", "remind"])
    assert result.exit_code == 0 and "Sent 1 reminder." in result.output
    assert {m.to for m in outbox} == {seeker.email, practitioner.user.email}
    assert all("reminder" in m.subject.lower() for m in outbox)
    db.session.expire_all()
    assert soon.reminder_sent_at is not None and later.reminder_sent_at is None
    again = runner.invoke(args=["bookings", "remind"])
    assert "Sent 0 reminders." in again.output and len(outbox) == 2
    frozen_clock(local(2026, 3, 29, 10, 30).astimezone(UTC))
    assert "Sent 1 reminder." in runner.invoke(args=["bookings", "remind"]).output
    db.session.expire_all()
    assert later.reminder_sent_at is not None


def test_a_no_show_tells_the_seeker_in_the_app(practitioner, seeker, outbox, frozen_clock):
    booking = confirmed_at(seeker, practitioner, local(2026, 3, 25, 10))
    outbox.clear()
    frozen_clock(booking.ends_at + timedelta(minutes=5))
    services.mark_no_show(booking, practitioner.user)
    db.session.commit()
    assert outbox == [] and _kinds(seeker)[-1] == "booking.no_show"
