"""Buying a package: a reservation before payment, activation, booking its sessions,
cancelling with a pro-rata refund, and what buyers keep when a credential lapses."""

from datetime import datetime, time, timedelta, timezone

import pytest

from marketplace.accounts.models import Role
from marketplace.booking import services as booking_services
from marketplace.booking.models import BookingStatus
from marketplace.core.clock import today, utcnow
from marketplace.core.errors import Conflict, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.packages import careplan, enrollments, queries
from marketplace.packages.models import EnrollmentStatus, SessionStatus
from marketplace.verification import services as verification
from tests.builders import make_admin, make_user
from tests.packages.helpers import SOHO, enroll, open_every_day, package, practitioner


@pytest.fixture
def asha(app):
    p = practitioner(app, "Asha Rao", "acupuncture", fee=5000)
    open_every_day(p)
    return p


@pytest.fixture
def ben(app):
    p = practitioner(app, "Ben Okafor", "physiotherapy", at=SOHO, fee=7000)
    open_every_day(p)
    return p


@pytest.fixture
def combined(asha, ben):
    # 45000 split 18000 / 27000 by minutes; 45001 would not split evenly by session.
    return package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45001)


@pytest.fixture
def seeker():
    return make_user(Role.SEEKER, email="sam@example.com")


def slot_on(days_ahead: int) -> datetime:
    """11:00 in London (GMT or BST) ``days_ahead`` days from now, as an aware UTC time: on
    the 45-minute grid of slots that open at 08:00."""
    from zoneinfo import ZoneInfo

    day = (utcnow() + timedelta(days=days_ahead)).astimezone(ZoneInfo("Europe/London")).date()
    return datetime.combine(day, time(11), tzinfo=ZoneInfo("Europe/London")).astimezone(timezone.utc)


def kinds(user):
    return [n.kind for n in db.session.scalars(db.select(Notification).where(Notification.user_id == user.id))]


def test_a_reservation_snapshots_price_shares_and_sessions_that_add_up_exactly(combined, seeker, asha, ben):
    enrollment = enroll(seeker, combined, activate=False)
    assert enrollment.status is EnrollmentStatus.PENDING_PAYMENT
    assert enrollment.expires_at is None
    assert {s.practitioner_id: s.amount for s in enrollment.shares} == {asha.id: 18000, ben.id: 27001}
    assert len(enrollment.sessions) == 10
    assert sum(s.value for s in enrollment.sessions) == enrollment.price == 45001
    for share in enrollment.shares:
        assert sum(s.value for s in enrollment.sessions if s.practitioner_id == share.practitioner_id) == share.amount
    # A double click makes one reservation.
    assert enrollments.reserve(seeker, combined).id == enrollment.id


def test_only_seekers_reserve_and_only_packages_on_sale(combined, asha):
    with pytest.raises(Forbidden):
        enrollments.reserve(asha.user, combined)
    from marketplace.packages import services

    services.withdraw(asha, combined)
    with pytest.raises(NotFound):
        enrollments.reserve(make_user(Role.SEEKER), combined)


def test_activation_starts_validity_once_and_tells_everyone(combined, seeker, asha, ben):
    enrollment = enroll(seeker, combined, activate=False)
    enrollments.activate(enrollment)
    db.session.commit()
    first = enrollment.expires_at
    assert enrollment.status is EnrollmentStatus.ACTIVE
    assert first - enrollment.bought_at == timedelta(days=60)
    enrollments.activate(enrollment)  # a duplicate webhook changes nothing
    assert enrollment.expires_at == first
    assert kinds(seeker).count("enrollment.active") == 1
    assert "enrollment.sold" in kinds(asha.user) and "enrollment.sold" in kinds(ben.user)


def test_a_cancelled_reservation_cannot_be_activated(combined, seeker):
    enrollment = enroll(seeker, combined, activate=False)
    result = enrollments.cancel_enrollment(enrollment, seeker)
    assert result.refund == 0
    with pytest.raises(Conflict):
        enrollments.activate(enrollment)


def test_sessions_are_booked_with_the_practitioner_who_delivers_them(combined, seeker, asha, ben):
    enrollment = enroll(seeker, combined)
    acupuncture, physio = combined.components
    first = enrollments.schedule_session(seeker, enrollment, acupuncture.id, slot_on(2), asha.locations[0].id)
    second = enrollments.schedule_session(seeker, enrollment, physio.id, slot_on(3), ben.locations[0].id)
    db.session.commit()
    assert (first.booking.practitioner_id, second.booking.practitioner_id) == (asha.id, ben.id)
    for session in (first, second):
        assert session.status is SessionStatus.SCHEDULED
        assert session.booking.status is BookingStatus.CONFIRMED  # prepaid: no hold, no price
        assert session.booking.amount is None and session.booking.minutes == 45
    plan = careplan.care_plan(enrollment)
    assert (plan.total, plan.used, plan.left, len(plan.upcoming)) == (10, 0, 10, 2)
    assert [c.to_book for c in plan.components] == [3, 5]


def test_a_reservation_not_paid_yet_cannot_book_sessions(combined, seeker, asha):
    enrollment = enroll(seeker, combined, activate=False)
    with pytest.raises(Conflict):
        enrollments.schedule_session(seeker, enrollment, combined.components[0].id, slot_on(2), asha.locations[0].id)


def test_sessions_must_fall_within_the_validity(combined, seeker, asha):
    enrollment = enroll(seeker, combined)
    with pytest.raises(Conflict) as late:
        enrollments.schedule_session(seeker, enrollment, combined.components[0].id, slot_on(61), asha.locations[0].id)
    assert "start" in late.value.errors


def test_a_booking_cancelled_elsewhere_frees_its_session(combined, seeker, asha):
    enrollment = enroll(seeker, combined)
    session = enrollments.schedule_session(seeker, enrollment, combined.components[0].id, slot_on(2),
                                           asha.locations[0].id)
    db.session.commit()
    booking_services.cancel(session.booking, asha.user, "Unwell")
    db.session.commit()
    assert careplan.care_plan(enrollment).components[0].to_book == 4
    again = enrollments.schedule_session(seeker, enrollment, combined.components[0].id, slot_on(3),
                                         asha.locations[0].id)
    assert again.number == 1


def test_unused_value_and_cancellation_refund_exactly_per_practitioner(combined, seeker, asha, ben, frozen_clock):
    enrollment = enroll(seeker, combined)
    acupuncture = combined.components[0]
    session = enrollments.schedule_session(seeker, enrollment, acupuncture.id, slot_on(2), asha.locations[0].id)
    db.session.commit()
    assert enrollments.unused_value(enrollment) == 45001  # booked but not delivered yet
    # Three days on, the acupuncture session is in the past: it counts as used.
    frozen_clock(slot_on(3))
    booking_services.mark_attended(session.booking, asha.user)
    db.session.commit()
    by_practitioner = enrollments.unused_by_practitioner(enrollment)
    assert by_practitioner == {asha.id: 18000 - session.value, ben.id: 27001}
    result = enrollments.cancel_enrollment(enrollment, seeker, "Moving away")
    db.session.commit()
    assert result.refund == 45001 - session.value == sum(result.by_practitioner.values())
    assert enrollment.status is EnrollmentStatus.CANCELLED
    assert {s.status for s in enrollment.sessions if s.id != session.id} == {SessionStatus.CANCELLED}
    assert "enrollment.cancelled" in kinds(seeker)


def test_cancelling_cancels_upcoming_bookings(combined, seeker, asha):
    enrollment = enroll(seeker, combined)
    session = enrollments.schedule_session(seeker, enrollment, combined.components[0].id, slot_on(2),
                                           asha.locations[0].id)
    result = enrollments.cancel_enrollment(enrollment, None, "Payment reversed")
    db.session.commit()
    assert result.refund == 45001
    assert session.booking.status is BookingStatus.CANCELLED


def test_only_the_seeker_or_an_admin_cancels(combined, seeker, asha):
    enrollment = enroll(seeker, combined)
    with pytest.raises(Forbidden):
        enrollments.cancel_enrollment(enrollment, asha.user)
    enrollments.cancel_enrollment(enrollment, make_admin())


def test_a_lapsed_credential_takes_the_package_off_sale_but_buyers_keep_their_sessions(
        app, client, combined, seeker, asha, ben, frozen_clock):
    enrollment = enroll(seeker, combined)
    from marketplace.verification.models import Credential

    credential = db.session.scalar(db.select(Credential).where(Credential.practitioner_id == ben.id))
    credential.expires_on = today() + timedelta(days=5)
    db.session.commit()
    assert client.get(f"/api/v1/packages/{combined.id}").status_code == 200

    # A week later the licence has lapsed: no sweep has run, yet the package is off sale.
    frozen_clock(slot_on(7))
    assert client.get(f"/api/v1/packages/{combined.id}").status_code == 404
    assert client.get("/api/v1/packages?concern=sciatica").get_json()["total"] == 0
    assert queries.packages_for(["sciatica"], [asha.id, ben.id]) == {asha.id: [], ben.id: []}
    with pytest.raises(NotFound):
        enrollments.reserve(make_user(Role.SEEKER), combined)

    # The buyer keeps every session: Asha's can still be booked, Ben's wait.
    plan = careplan.care_plan(enrollment)
    assert [c.is_bookable for c in plan.components] == [True, False]
    assert plan.total == 10 and [c.practitioner_name for c in plan.on_hold] == ["Ben Okafor"]
    enrollments.schedule_session(seeker, enrollment, combined.components[0].id, slot_on(9), asha.locations[0].id)
    with pytest.raises(Conflict) as on_hold:
        enrollments.schedule_session(seeker, enrollment, combined.components[1].id, slot_on(9),
                                     ben.locations[0].id)
    assert "re-verified" in on_hold.value.errors["component_id"][0]

    # The daily check tells the buyer and the partners once.
    first = enrollments.check()
    again = enrollments.check()
    db.session.commit()
    assert (first.packages_lapsed, first.seekers_told) == (1, 1)
    assert (again.packages_lapsed, again.seekers_told) == (0, 0)
    assert kinds(seeker).count("enrollment.lapsed") == 1
    assert kinds(asha.user).count("package.lapsed") == 1 and kinds(ben.user).count("package.lapsed") == 1
    message = db.session.scalar(db.select(Notification.message).where(Notification.kind == "enrollment.lapsed"))
    assert "Ben Okafor" in message and "refund" in message


def test_a_suspended_partner_takes_the_package_off_sale_and_renewal_brings_it_back(app, combined, asha, ben):
    verification.suspend(ben, make_admin(), "Complaint under review")
    db.session.commit()
    assert not queries.is_sellable(combined)
    assert "Ben Okafor is not verified for physiotherapy right now" in queries.not_sellable_reasons(combined)
    verification.unsuspend(ben, make_admin(), None)
    db.session.commit()
    assert queries.is_sellable(combined)


def test_enrollments_past_their_validity_expire(combined, seeker, frozen_clock):
    enrollment = enroll(seeker, combined)
    frozen_clock(enrollment.expires_at + timedelta(minutes=1))
    result = enrollments.check()
    db.session.commit()
    assert result.enrollments_expired == 1
    assert enrollment.status is EnrollmentStatus.EXPIRED
    assert {s.status for s in enrollment.sessions} == {SessionStatus.CANCELLED}


def test_the_database_keeps_one_reservation_waiting_per_seeker_and_package(combined, seeker):
    from sqlalchemy.exc import IntegrityError

    from marketplace.packages.models import Enrollment

    first = enroll(seeker, combined, activate=False)
    racing = Enrollment(seeker=seeker, package=combined, price=first.price, currency=first.currency,
                        validity_days=first.validity_days)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(racing)
            db.session.flush()
    # Once paid, the seeker may reserve the same package again (a second course).
    enrollments.activate(first)
    assert enrollments.reserve(seeker, combined).id != first.id
