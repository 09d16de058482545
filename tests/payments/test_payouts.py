"""Paying practitioners through Stripe Connect, against the local Stripe: an Express
account is set up through an onboarding link, and each delivered session is paid out
(net of commission) once, by ``flask payments payouts``; money for sessions not yet
delivered stays held, so refunding them never needs money back from a practitioner."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import select

from marketplace.booking import services as booking_services
from marketplace.extensions import db
from marketplace.payments import ledger, payouts
from marketplace.payments.models import PayoutAccount, Transfer, TransferStatus
from tests.builders import bearer, login
from tests.payments.conftest import deliver, event_for
from tests.payments.helpers import onboard, paid_booking_order


@pytest.fixture
def now(app, frozen_clock):  # noqa: ANN001, ANN201
    from tests.booking.helpers import NOW

    frozen_clock(NOW)
    return NOW


def transfers_to(sdk, account: PayoutAccount) -> list:  # noqa: ANN001
    return [t for t in sdk.v1.transfers.list({"limit": 100}).data if t.destination == account.stripe_account_id]


def test_onboarding_gives_an_express_link_and_the_return_page_reads_the_account(app, client, sdk, now):
    _, practitioner, _ = paid_booking_order(app, client, sdk)
    headers = bearer(client, practitioner.user)
    response = client.post("/api/v1/me/payouts/onboarding", json={}, headers=headers)
    assert response.status_code == 200, response.get_json()
    url = response.get_json()["url"]
    account = payouts.payout_account(practitioner)
    assert account is not None and not account.is_onboarded
    remote = sdk.v1.accounts.retrieve(account.stripe_account_id)
    assert remote.type == "express" and remote.payouts_enabled is False
    # Asking again reuses the same Express account (one per practitioner).
    client.post("/api/v1/me/payouts/onboarding", json={}, headers=headers)
    assert db.session.scalar(select(db.func.count()).select_from(PayoutAccount)) == 1
    assert client.get("/api/v1/me/earnings", headers=headers).get_json()["payouts_ready"] is False

    # The practitioner completes Stripe's hosted form, which sends them back to us.
    back = requests.post(url, data={}, allow_redirects=False, timeout=5)
    assert back.status_code == 303
    returned = urlsplit(back.headers["Location"])
    assert returned.path == "/practitioner/earnings" and "back=1" in returned.query
    login(client, practitioner.user)
    page = client.get(f"{returned.path}?{returned.query}")
    assert page.status_code == 200
    assert "Payouts go to your Stripe account" in page.get_data(as_text=True)
    db.session.refresh(account)
    assert account.is_onboarded
    assert client.get("/api/v1/me/earnings", headers=headers).get_json()["payouts_ready"] is True


def test_the_earnings_page_starts_onboarding_and_the_account_webhook_finishes_it(app, client, sdk, now):
    from tests.builders import csrf_token

    _, practitioner, _ = paid_booking_order(app, client, sdk)
    login(client, practitioner.user)
    page = client.get("/practitioner/earnings").get_data(as_text=True)
    assert "Connect a Stripe Express account" in page
    assert "You are paid for each session once it is delivered" in page
    response = client.post("/practitioner/earnings/onboard",
                           data={"csrf_token": csrf_token(client, "/practitioner/earnings")})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(app.config["STRIPE_API_BASE"] + "/_connect/onboard/acct_")
    account = payouts.payout_account(practitioner)
    requests.post(response.headers["Location"], data={}, allow_redirects=False, timeout=5)
    # Stripe's account.updated event (not the return page) can be what tells us.
    assert deliver(client, event_for(sdk, "account.updated", account.stripe_account_id)).status_code == 200
    db.session.refresh(account)
    assert account.is_onboarded


def test_a_delivered_session_is_paid_out_once_net_of_commission(app, client, sdk, now, frozen_clock, runner):
    order, practitioner, booking = paid_booking_order(app, client, sdk)
    account = onboard(client, practitioner)

    # Not delivered yet: nothing is due, the money stays held.
    result = runner.invoke(args=["payments", "payouts"])
    assert result.exit_code == 0, result.output
    assert "Payouts: 0 sent" in result.output
    assert transfers_to(sdk, account) == []

    frozen_clock(booking.starts_at + timedelta(hours=1))
    booking_services.mark_attended(booking, practitioner.user)
    db.session.commit()
    result = runner.invoke(args=["payments", "payouts"])
    assert "Payouts: 1 sent, 0 left pending." in result.output, result.output
    [sent] = transfers_to(sdk, account)
    assert (sent.amount, sent.currency) == (6375, "gbp")  # £75.00 less 15% commission
    transfer = db.session.scalar(select(Transfer))
    assert transfer.status is TransferStatus.SENT and transfer.stripe_transfer_id == sent.id

    # Run again, and Stripe's transfer.created event arrives late: nothing more is paid.
    assert "Payouts: 0 sent" in runner.invoke(args=["payments", "payouts"]).output
    assert deliver(client, event_for(sdk, "transfer.created", sent.id)).status_code == 200
    assert len(transfers_to(sdk, account)) == 1
    [gbp] = ledger.report()
    assert (gbp.charges, gbp.commission, gbp.payouts, gbp.held) == (7500, 1125, 6375, 0)
    assert gbp.adds_up

    headers = bearer(client, practitioner.user)
    [row] = client.get("/api/v1/me/earnings", headers=headers).get_json()["rows"]
    assert row == {"currency": "GBP", "gross": 7500, "refunded": 0, "commission": 1125, "paid_out": 6375, "held": 0}
    login(client, practitioner.user)
    assert "£63.75" in client.get("/practitioner/earnings").get_data(as_text=True)


def test_no_payout_without_a_finished_payout_account(app, client, sdk, now, frozen_clock, runner):
    order, practitioner, booking = paid_booking_order(app, client, sdk)
    frozen_clock(booking.starts_at + timedelta(hours=1))
    booking_services.mark_no_show(booking, practitioner.user)  # a no-show is delivered too
    db.session.commit()
    assert "Payouts: 0 sent" in runner.invoke(args=["payments", "payouts"]).output
    assert ledger.held_for(practitioner.id) == {"GBP": 6375}
    onboard(client, practitioner)
    assert "Payouts: 1 sent" in runner.invoke(args=["payments", "payouts"]).output
    assert ledger.held_for(practitioner.id) == {"GBP": 0}



def test_an_admin_refund_after_the_payout_is_capped_and_borne_by_the_platform(app, client, sdk, now, frozen_clock,
                                                                              runner):
    from tests.builders import make_admin

    order, practitioner, booking = paid_booking_order(app, client, sdk)
    onboard(client, practitioner)
    frozen_clock(booking.starts_at + timedelta(hours=1))
    booking_services.mark_attended(booking, practitioner.user)
    db.session.commit()
    assert "Payouts: 1 sent" in runner.invoke(args=["payments", "payouts"]).output

    admin = make_admin()
    login(client, admin)
    page = client.get(f"/admin/orders/{order.id}/refund").get_data(as_text=True)
    assert "£63.75 of this order was already paid out" in page and "borne by the platform" in page
    headers = bearer(client, admin)
    response = client.post(f"/api/v1/admin/orders/{order.id}/refunds", json={"amount": 2000, "reason": "Late start"},
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "succeeded"
    [gbp] = ledger.report()
    # The practitioner keeps their £63.75; the platform's fee absorbs the £20.00 refund.
    assert (gbp.charges, gbp.refunds, gbp.payouts, gbp.held, gbp.commission) == (7500, 2000, 6375, 0, 1125 - 2000)
    assert gbp.held_by_practitioner == {practitioner.id: 0} and gbp.adds_up

    # Never more than what was paid minus what was refunded.
    too_much = client.post(f"/api/v1/admin/orders/{order.id}/refunds", json={"amount": 5501, "reason": "All of it"},
                           headers=headers)
    assert too_much.status_code == 400 and "amount" in too_much.get_json()["errors"]
    rest = client.post(f"/api/v1/admin/orders/{order.id}/refunds", json={"amount": 5500, "reason": "All of it"},
                       headers=headers)
    assert rest.status_code == 201
    db.session.refresh(order)
    assert order.status.value == "refunded" and order.amount_refunded == 7500
    assert sum(r.amount for r in sdk.v1.refunds.list({"payment_intent": order.stripe_payment_intent_id}).data) == 7500
    assert "Payouts: 0 sent" in runner.invoke(args=["payments", "payouts"]).output
    result = runner.invoke(args=["payments", "ledger"])
    assert result.exit_code == 0 and "adds up" in result.output, result.output
    [gbp] = ledger.report()
    assert (gbp.refunds, gbp.payouts, gbp.held, gbp.commission) == (7500, 6375, 0, -6375)
