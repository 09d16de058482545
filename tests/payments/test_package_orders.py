"""Buying a combined (two-practitioner) package with the real SDK against the local
Stripe: the order is split into each partner's share, paying activates the package,
cancelling part-way refunds the unused sessions pro rata to the exact minor unit, each
partner is paid out per delivered session, and the ledger adds up throughout."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.booking import services as booking_services
from marketplace.booking.models import BookingStatus
from marketplace.extensions import db
from marketplace.packages import enrollments
from marketplace.packages.models import Enrollment, EnrollmentStatus
from marketplace.payments import ledger
from marketplace.payments.models import Order, OrderStatus, Transfer
from tests.builders import bearer, csrf_token, login, make_user
from tests.packages.helpers import SOHO, open_every_day, package, practitioner
from tests.payments.conftest import deliver, event_for
from tests.payments.helpers import onboard, pay


@pytest.fixture
def now(app, frozen_clock):  # noqa: ANN001, ANN201
    from tests.booking.helpers import NOW

    frozen_clock(NOW)
    return NOW


@pytest.fixture
def asha(app, now):  # noqa: ANN001, ANN201
    p = practitioner(app, "Asha Rao", "acupuncture", fee=5000)
    open_every_day(p)
    return p


@pytest.fixture
def ben(app, now):  # noqa: ANN001, ANN201
    p = practitioner(app, "Ben Okafor", "physiotherapy", at=SOHO, fee=7000)
    open_every_day(p)
    return p


@pytest.fixture
def combined(asha, ben):  # noqa: ANN001, ANN201
    # £450.01 split by minutes: Asha 4 × 45 min → £180.00 (£45.00 a session), Ben
    # 6 × 45 min → £270.01 (£45.01 for his first session, £45.00 for the others).
    return package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45001)


@pytest.fixture
def seeker():  # noqa: ANN201
    from marketplace.accounts.models import Role

    return make_user(Role.SEEKER, email="sam@example.com")


def buy(client, sdk, seeker, pkg) -> Order:  # noqa: ANN001
    """POST /api/v1/orders {package_id}, pay with the test card, Stripe's webhook arrives."""
    response = client.post("/api/v1/orders", json={"package_id": pkg.id}, headers=bearer(client, seeker))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    intent = pay(sdk, body["payment"]["payment_intent_id"])
    assert deliver(client, event_for(sdk, "payment_intent.succeeded", intent.id)).status_code == 200
    order = db.session.get(Order, body["id"])
    db.session.refresh(order)
    return order


def slot(days_ahead: int, hour: int = 11):  # noqa: ANN201
    from datetime import datetime, time, timezone
    from zoneinfo import ZoneInfo

    from marketplace.core.clock import utcnow

    day = (utcnow() + timedelta(days=days_ahead)).astimezone(ZoneInfo("Europe/London")).date()
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo("Europe/London")).astimezone(timezone.utc)


def test_buying_a_combined_package_splits_the_order_between_the_partners(client, sdk, seeker, combined, asha, ben):
    response = client.post("/api/v1/orders", json={"package_id": combined.id}, headers=bearer(client, seeker))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["kind"], body["amount"], body["currency"], body["status"]) == ("package", 45001, "GBP", "pending")
    shares = {s["practitioner_id"]: s["amount"] for s in body["shares"]}
    assert shares == {asha.id: 18000, ben.id: 27001}
    assert sum(shares.values()) == body["amount"]
    enrollment = db.session.get(Enrollment, body["enrollment_id"])
    assert enrollment.status is EnrollmentStatus.PENDING_PAYMENT  # nothing to book before Stripe says paid

    intent = pay(sdk, body["payment"]["payment_intent_id"])
    assert deliver(client, event_for(sdk, "payment_intent.succeeded", intent.id)).status_code == 200
    db.session.refresh(enrollment)
    assert enrollment.status is EnrollmentStatus.ACTIVE
    assert client.get(f"/api/v1/orders/{body['id']}", headers=bearer(client, seeker)).get_json()["status"] == "paid"
    [gbp] = ledger.report()
    # 15% of each partner's share, half up: £27.00 + £40.50 (of £270.01).
    assert (gbp.charges, gbp.commission, gbp.held) == (45001, 2700 + 4050, 45001 - 6750)
    assert gbp.held_by_practitioner == {asha.id: 18000 - 2700, ben.id: 27001 - 4050}
    assert gbp.adds_up


def test_the_care_plan_pay_now_button_opens_the_payment_page(client, seeker, combined):
    login(client, seeker)
    token = csrf_token(client, f"/packages/{combined.id}")
    assert client.post(f"/packages/{combined.id}/reserve", data={"csrf_token": token}).status_code == 302
    plan = client.get("/care-plan").get_data(as_text=True)
    assert "Pay now" in plan and f'name="package_id" value="{combined.id}"' in plan
    response = client.post("/orders", data={"csrf_token": csrf_token(client, "/care-plan"), "package_id": combined.id})
    assert response.status_code == 302 and response.headers["Location"].endswith("/pay")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "£450.01" in page and 'data-client-secret="pi_' in page
    # Pressing it again (a double click, or back and again) reuses the order.
    again = client.post("/orders", data={"csrf_token": csrf_token(client, "/care-plan"), "package_id": combined.id})
    assert again.headers["Location"] == response.headers["Location"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Order)) == 1


def test_cancelling_part_way_refunds_the_unused_sessions_pro_rata(client, sdk, seeker, combined, asha, ben,
                                                                   frozen_clock, runner):
    order = buy(client, sdk, seeker, combined)
    enrollment = order.enrollment
    acupuncture, physio = combined.components
    first = enrollments.schedule_session(seeker, enrollment, acupuncture.id, slot(2), asha.locations[0].id)
    later = enrollments.schedule_session(seeker, enrollment, physio.id, slot(6), ben.locations[0].id)
    db.session.commit()
    frozen_clock(slot(2) + timedelta(hours=1))
    booking_services.mark_attended(first.booking, asha.user)
    db.session.commit()

    response = client.post(f"/api/v1/orders/{order.id}/cancel", json={"reason": "Moving away"},
                           headers=bearer(client, seeker))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    # One £45.00 acupuncture session was delivered; the other nine are refunded exactly.
    assert first.value == 4500
    assert body["status"] == "partially_refunded"
    assert [r["amount"] for r in body["refunds"]] == [45001 - 4500] == [40501]
    assert {s["practitioner_id"]: s["refunded"] for s in body["shares"]} == {asha.id: 13500, ben.id: 27001}
    assert "9 unused sessions of 10" in body["explanation"] and "GBP 405.01" in body["explanation"]
    assert "leftover unit going to the earliest sessions" in body["explanation"]
    db.session.refresh(later.booking)
    assert later.booking.status is BookingStatus.CANCELLED
    assert enrollment.status is EnrollmentStatus.CANCELLED

    # Asha is paid for her delivered session; Ben, who delivered none, nothing.
    onboard(client, asha)
    onboard(client, ben)
    assert "Payouts: 1 sent" in runner.invoke(args=["payments", "payouts"]).output
    [transfer] = db.session.scalars(db.select(Transfer)).all()
    assert (transfer.practitioner_id, transfer.amount) == (asha.id, 4500 - 675)
    [gbp] = ledger.report()
    assert (gbp.charges, gbp.refunds, gbp.commission, gbp.payouts, gbp.held) == (45001, 40501, 675, 3825, 0)
    assert gbp.adds_up


def test_each_partner_is_paid_per_delivered_session(client, sdk, seeker, combined, asha, ben, frozen_clock, runner):
    order = buy(client, sdk, seeker, combined)
    acupuncture, physio = combined.components
    a = enrollments.schedule_session(seeker, order.enrollment, acupuncture.id, slot(2), asha.locations[0].id)
    b = enrollments.schedule_session(seeker, order.enrollment, physio.id, slot(2, 14), ben.locations[0].id)
    db.session.commit()
    onboard(client, asha)
    onboard(client, ben)
    frozen_clock(slot(2, 15))
    booking_services.mark_attended(a.booking, asha.user)
    booking_services.mark_no_show(b.booking, ben.user)
    db.session.commit()
    assert "Payouts: 2 sent" in runner.invoke(args=["payments", "payouts"]).output
    paid = {t.practitioner_id: t.amount for t in db.session.scalars(db.select(Transfer))}
    # Net of 15% commission on each session's own value (Ben's first is worth £45.01).
    assert paid == {asha.id: 4500 - 675, ben.id: 4501 - 675}
    [gbp] = ledger.report()
    assert gbp.payouts == 3825 + 3826 and gbp.adds_up


def test_cancelling_a_paid_package_from_the_care_plan_refunds_it(client, sdk, seeker, combined, outbox):
    order = buy(client, sdk, seeker, combined)
    login(client, seeker)
    plan = client.get("/care-plan").get_data(as_text=True)
    assert "Cancel and refund the unused sessions" in plan and "£450.01" in plan
    response = client.post(f"/care-plan/{order.enrollment_id}/cancel",
                           data={"csrf_token": csrf_token(client, "/care-plan")}, follow_redirects=True)
    assert response.status_code == 200
    assert "Package cancelled. The 10 unused sessions of 10 are refunded pro rata: GBP 450.01." \
        in response.get_data(as_text=True)
    db.session.refresh(order)
    assert order.status is OrderStatus.REFUNDED and order.cancelled_at is not None
    assert order.enrollment.status is EnrollmentStatus.CANCELLED
    [refund] = sdk.v1.refunds.list({"payment_intent": order.stripe_payment_intent_id}).data
    assert refund.amount == 45001
    assert ledger.report()[0].adds_up


def test_cancelling_an_unpaid_reservation_from_the_care_plan_ends_its_order(client, seeker, combined):
    login(client, seeker)
    client.post(f"/packages/{combined.id}/reserve", data={"csrf_token": csrf_token(client, f"/packages/{combined.id}")})
    client.post("/orders", data={"csrf_token": csrf_token(client, "/care-plan"), "package_id": combined.id})
    order = db.session.scalar(db.select(Order))
    response = client.post(f"/care-plan/{order.enrollment_id}/cancel",
                           data={"csrf_token": csrf_token(client, "/care-plan")}, follow_redirects=True)
    assert "Reservation cancelled." in response.get_data(as_text=True)
    db.session.refresh(order)
    assert order.status is OrderStatus.CANCELLED
    assert order.enrollment.status is EnrollmentStatus.CANCELLED


def test_cancelling_an_unpaid_reservation_through_the_api_ends_its_order(client, sdk, seeker, combined):
    """The API's cancel goes through the order too: its payment page can no longer charge."""
    headers = bearer(client, seeker)
    response = client.post("/api/v1/orders", json={"package_id": combined.id}, headers=headers)
    assert response.status_code == 201, response.get_json()
    order = db.session.get(Order, response.get_json()["id"])
    cancelled = client.post(f"/api/v1/me/enrollments/{order.enrollment_id}/cancel", headers=headers)
    assert cancelled.status_code == 200, cancelled.get_json()
    assert cancelled.get_json()["status"] == "cancelled"
    db.session.refresh(order)
    assert order.status is OrderStatus.CANCELLED
    assert sdk.v1.payment_intents.retrieve(order.stripe_payment_intent_id).status == "canceled"
