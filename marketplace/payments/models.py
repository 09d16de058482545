"""Orders, what Stripe told us, refunds, the money ledger and payouts.

Money is always integer minor units plus an ISO 4217 code. An :class:`Order` is written
before anything is asked of Stripe; its ``idempotency_key`` makes every create call to
Stripe for it safe to repeat. :class:`OrderShare` splits an order between the
practitioners who deliver it (one for a session, each partner for a package), and the
ledger (:class:`LedgerEntry`) records every charge, refund, commission and payout as
rows whose transactions each add up to zero (see :mod:`.ledger`).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.booking.models import Booking
from marketplace.core.clock import utcnow
from marketplace.core.models import TimestampMixin, str_enum
from marketplace.extensions import db
from marketplace.packages.models import Enrollment
from marketplace.practitioners.models import Practitioner


class OrderStatus(enum.StrEnum):
    PENDING = "pending"                        # created; waiting for (or retrying) payment
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    FAILED = "failed"                          # the payment was declined; the slot was released
    EXPIRED = "expired"                        # never paid in time
    CANCELLED = "cancelled"                    # cancelled before any payment

    @property
    def label(self) -> str:
        return {"pending": "Waiting for payment", "paid": "Paid", "partially_refunded": "Partly refunded",
                "refunded": "Refunded", "failed": "Payment failed", "expired": "Expired",
                "cancelled": "Cancelled"}[self.value]

    @property
    def is_paid(self) -> bool:
        return self in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED)


class OrderKind(enum.StrEnum):
    BOOKING = "booking"
    PACKAGE = "package"


class Order(TimestampMixin, db.Model):
    """What a seeker pays for: one held booking or one reserved package enrollment."""

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("amount_refunded >= 0 AND amount_refunded <= amount", name="refunded_range"),
        CheckConstraint("commission_percent BETWEEN 0 AND 100", name="commission_range"),
        CheckConstraint("(booking_id IS NULL) <> (enrollment_id IS NULL)", name="one_item"),
        Index("ix_order_status_expires", "status", "expires_at"),
        # The few orders whose PaymentIntent is still to be cancelled (see payments.retries).
        Index("ix_order_intent_left_open", "intent_left_open", postgresql_where=text("intent_left_open"),
              sqlite_where=text("intent_left_open")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[OrderKind] = mapped_column(str_enum(OrderKind))
    # One open order per booking / enrollment (a double click gets the same order).
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"), unique=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollment.id", ondelete="SET NULL"), unique=True)
    description: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    amount_refunded: Mapped[int] = mapped_column(default=0)
    commission_percent: Mapped[int]
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus), default=OrderStatus.PENDING, index=True)
    # Sent with every create call to Stripe for this order: a retry never charges twice.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    failure_reason: Mapped[str | None] = mapped_column(String(300))
    expires_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # The order ended unpaid but Stripe could not be reached to cancel its PaymentIntent:
    # the reconcile job cancels it once Stripe answers (see payments.retries.cancel_intent).
    intent_left_open: Mapped[bool] = mapped_column(default=False, server_default=false())

    seeker: Mapped[User] = relationship()
    booking: Mapped[Booking | None] = relationship()
    enrollment: Mapped[Enrollment | None] = relationship()
    shares: Mapped[list["OrderShare"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderShare.id")
    refunds: Mapped[list["Refund"]] = relationship(back_populates="order", order_by="Refund.id")

    @property
    def refundable(self) -> int:
        """What can still be refunded: paid, minus refunds done or under way."""
        if not self.status.is_paid:
            return 0
        committed = sum(r.amount for r in self.refunds if r.status is not RefundStatus.FAILED)
        return max(self.amount - committed, 0)

    def __repr__(self) -> str:
        return f"<Order {self.id} {self.kind.value} {self.amount} {self.currency} {self.status.value}>"


class OrderShare(db.Model):
    """One practitioner's part of an order (gross, before commission), what of it was
    refunded, and what was paid out to them (net)."""

    __table_args__ = (
        UniqueConstraint("order_id", "practitioner_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("refunded >= 0 AND refunded <= amount", name="refunded_range"),
        CheckConstraint("paid_out >= 0", name="paid_out_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id"), index=True)
    amount: Mapped[int]
    refunded: Mapped[int] = mapped_column(default=0)
    paid_out: Mapped[int] = mapped_column(default=0)

    order: Mapped[Order] = relationship(back_populates="shares")
    practitioner: Mapped[Practitioner] = relationship()


class RefundStatus(enum.StrEnum):
    PENDING = "pending"        # recorded; not yet confirmed by Stripe
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Refund(db.Model):
    """Money going back to the seeker: written before Stripe is asked (so a retry reuses
    ``idempotency_key``), settled by a webhook or by reading Stripe, whichever comes first."""

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), index=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    # Gross amount per practitioner id (as strings: JSON keys), adding up to ``amount``.
    split: Mapped[dict[str, int]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(300))
    status: Mapped[RefundStatus] = mapped_column(str_enum(RefundStatus), default=RefundStatus.PENDING, index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    failure_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship(back_populates="refunds")
    requested_by: Mapped[User | None] = relationship()


class StripeEvent(db.Model):
    """A webhook event already handled: each Stripe event id is processed once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[str | None] = mapped_column(String(255), index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerAccount(enum.StrEnum):
    CHARGE = "charge"          # money taken from seekers (negative balance)
    REFUND = "refund"          # money given back
    COMMISSION = "commission"  # the platform's fee
    HELD = "held"              # owed to a practitioner, not paid out yet (per practitioner)
    PAYOUT = "payout"          # transferred to a practitioner (per practitioner)


class LedgerEntry(db.Model):
    """One line of a balanced transaction (``txn``): the lines of a transaction add up to
    zero, so charges = refunds + commission + payouts + money still held, always."""

    __table_args__ = (
        Index("ix_ledger_entry_currency_account", "currency", "account"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    txn: Mapped[str] = mapped_column(String(80), index=True)
    account: Mapped[LedgerAccount] = mapped_column(str_enum(LedgerAccount))
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioner.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refund.id"))
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("transfer.id"))
    memo: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PayoutAccount(TimestampMixin, db.Model):
    """A practitioner's Stripe Connect (Express) account."""

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), unique=True)
    stripe_account_id: Mapped[str] = mapped_column(String(255), unique=True)
    is_onboarded: Mapped[bool] = mapped_column(default=False)

    practitioner: Mapped[Practitioner] = relationship()


class TransferStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Transfer(db.Model):
    """A payout to a practitioner for one delivered session (or a kept late-cancellation
    fee): written first, then sent to Stripe with its idempotency key."""

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), index=True)
    # What was delivered: a booking (a single session, or a package session's booking).
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"), unique=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[TransferStatus] = mapped_column(str_enum(TransferStatus), default=TransferStatus.PENDING)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    stripe_transfer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    failure_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    practitioner: Mapped[Practitioner] = relationship()
    order: Mapped[Order] = relationship()
