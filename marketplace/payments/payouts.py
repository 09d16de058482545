"""Paying practitioners through Stripe Connect (Express accounts).

**Transfers per delivered session**, not per package: a practitioner is paid their net
share of a session once it is delivered (marked attended or a no-show), and of a
booking's kept late-cancellation fee once it is cancelled. Money for sessions not yet
delivered stays with the platform, so refunding unused sessions (the cancellation
policy) never needs money back from a practitioner, and each partner in a package is
paid for their own sessions as they happen. Amounts are cumulative (what a practitioner
has earned on an order so far, net of commission, minus what was already sent), so
rounding never drifts and the last session pays exactly the rest of their share.

A transfer is written first, then sent with its own idempotency key; the ledger moves
the money from *held* to *payout* when Stripe accepts it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from marketplace.booking.models import BookingStatus
from marketplace.core.clock import utcnow
from marketplace.core.errors import Conflict
from marketplace.extensions import db
from marketplace.packages.enrollments import current_booking
from marketplace.packages.models import SessionStatus
from marketplace.payments import ledger
from marketplace.payments.models import (
    Order, OrderKind, OrderShare, OrderStatus, PayoutAccount, Transfer, TransferStatus,
)
from marketplace.payments.stripe_client import call, client
from marketplace.practitioners.models import Practitioner

DELIVERED = (BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


# --- onboarding ----------------------------------------------------------------------------------

def payout_account(practitioner: Practitioner) -> PayoutAccount | None:
    return db.session.scalar(select(PayoutAccount).where(PayoutAccount.practitioner_id == practitioner.id))


def onboarding_link(practitioner: Practitioner, *, return_url: str, refresh_url: str) -> str:
    """*Stripe calls.* The practitioner's Express account (created once) and a fresh
    onboarding link to Stripe's hosted form. The caller commits."""
    stripe = client()
    account = payout_account(practitioner)
    if account is None:
        created = call(lambda: stripe.v1.accounts.create(
            {"type": "express", "email": practitioner.user.email,
             "capabilities": {"transfers": {"requested": True}},
             "metadata": {"practitioner_id": str(practitioner.id)}},
            {"idempotency_key": f"practitioner-{practitioner.id}-express-account"}))
        account = PayoutAccount(practitioner=practitioner, stripe_account_id=created.id)
        db.session.add(account)
        db.session.flush()
    link = call(lambda: stripe.v1.account_links.create(
        {"account": account.stripe_account_id, "refresh_url": refresh_url, "return_url": return_url,
         "type": "account_onboarding"}))
    return str(link.url)


def refresh_account(account: PayoutAccount) -> PayoutAccount:
    """*Stripe call.* Read whether onboarding is complete (the return from Stripe)."""
    apply_account(call(lambda: client().v1.accounts.retrieve(account.stripe_account_id)))
    return account


def apply_account(obj: Any) -> str:
    account = db.session.scalar(select(PayoutAccount).where(PayoutAccount.stripe_account_id == obj["id"]))
    if account is None:
        return "no matching payout account"
    account.is_onboarded = bool(obj.get("payouts_enabled") if hasattr(obj, "get") else obj["payouts_enabled"])
    db.session.flush()
    return "onboarded" if account.is_onboarded else "not onboarded yet"


# --- what is due ---------------------------------------------------------------------------------

def _delivered_gross(order: Order, share: OrderShare) -> int:
    """Gross of ``share`` that is earned: delivered sessions, or what a late cancellation kept."""
    if order.kind is OrderKind.BOOKING:
        booking = order.booking
        if booking is None:
            return 0
        if booking.status in DELIVERED:
            return share.amount - share.refunded
        if booking.status is BookingStatus.CANCELLED and order.cancelled_at is not None:
            return share.amount - share.refunded  # the kept part of a late cancellation
        return 0
    enrollment = order.enrollment
    if enrollment is None:
        return 0
    total = 0
    for session in enrollment.sessions:
        if session.practitioner_id != share.practitioner_id:
            continue
        booking = current_booking(session)
        if session.status in (SessionStatus.ATTENDED, SessionStatus.NO_SHOW) or (
                booking is not None and booking.status in DELIVERED):
            total += session.value
    return min(total, share.amount - share.refunded)


def due(now=None) -> list[Transfer]:  # noqa: ANN001
    """Write a pending transfer for every practitioner with earned, unpaid money on a paid
    order and a finished payout account (flushes)."""
    created: list[Transfer] = []
    accounts = {a.practitioner_id: a for a in db.session.scalars(
        select(PayoutAccount).where(PayoutAccount.is_onboarded.is_(True)))}
    orders = db.session.scalars(select(Order).where(
        Order.status.in_((OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED)))).all()
    for order in orders:
        for share in order.shares:
            if share.practitioner_id not in accounts:
                continue
            pending = sum(t.amount for t in db.session.scalars(select(Transfer).where(
                Transfer.order_id == order.id, Transfer.practitioner_id == share.practitioner_id,
                Transfer.status == TransferStatus.PENDING)))
            amount = ledger.net_of(_delivered_gross(order, share), order.commission_percent) - share.paid_out - pending
            if amount > 0:
                transfer = Transfer(practitioner_id=share.practitioner_id, order=order, amount=amount,
                                    currency=order.currency, idempotency_key=f"transfer-{uuid.uuid4().hex}")
                db.session.add(transfer)
                created.append(transfer)
    db.session.flush()
    return created


def send(transfer: Transfer) -> Transfer:
    """*Stripe call.* Send a pending transfer (safe to repeat: same idempotency key)."""
    if transfer.status is not TransferStatus.PENDING:
        return transfer
    account = db.session.scalar(select(PayoutAccount).where(PayoutAccount.practitioner_id == transfer.practitioner_id))
    if account is None or not account.is_onboarded:
        raise Conflict("The practitioner has not finished setting up payouts.")
    obj = call(lambda: client().v1.transfers.create(
        {"amount": transfer.amount, "currency": transfer.currency.lower(), "destination": account.stripe_account_id,
         "transfer_group": f"order-{transfer.order_id}",
         "metadata": {"transfer_id": str(transfer.id), "order_id": str(transfer.order_id)}},
        {"idempotency_key": transfer.idempotency_key}))
    transfer.stripe_transfer_id = obj.id
    _settle(transfer)
    return transfer


def _settle(transfer: Transfer) -> None:
    if transfer.status is not TransferStatus.PENDING:
        return
    transfer.status = TransferStatus.SENT
    transfer.sent_at = utcnow()
    share = db.session.scalar(select(OrderShare).where(
        OrderShare.order_id == transfer.order_id, OrderShare.practitioner_id == transfer.practitioner_id))
    assert share is not None
    share.paid_out += transfer.amount
    ledger.post(f"transfer:{transfer.id}", transfer.currency, ledger.payout_lines(transfer.practitioner_id, transfer.amount),
                order_id=transfer.order_id, transfer_id=transfer.id, memo="Payout")
    db.session.flush()


def apply_transfer(obj: Any) -> str:
    """A ``transfer.*`` event: settle our transfer if the answer to our call was lost."""
    transfer_id = str((obj.get("metadata") or {}).get("transfer_id", ""))
    transfer = db.session.get(Transfer, int(transfer_id)) if transfer_id.isdigit() else None
    if transfer is None:
        return "no matching transfer"
    transfer.stripe_transfer_id = transfer.stripe_transfer_id or obj["id"]
    _settle(transfer)
    return "transfer sent"


def earnings(practitioner: Practitioner) -> dict[str, dict[str, int]]:
    """Per currency: gross sold, refunded, commission, paid out, and held for them."""
    out: dict[str, dict[str, int]] = {}
    shares = db.session.scalars(select(OrderShare).join(Order).where(
        OrderShare.practitioner_id == practitioner.id,
        Order.status.in_((OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED)))).all()
    for share in shares:
        row = out.setdefault(share.order.currency, {"gross": 0, "refunded": 0, "commission": 0, "paid_out": 0, "held": 0})
        kept = share.amount - share.refunded
        row["gross"] += share.amount
        row["refunded"] += share.refunded
        row["commission"] += ledger.commission(kept, share.order.commission_percent)
        row["paid_out"] += share.paid_out
    for currency, held in ledger.held_for(practitioner.id).items():
        out.setdefault(currency, {"gross": 0, "refunded": 0, "commission": 0, "paid_out": 0, "held": 0})["held"] = held
    return out
