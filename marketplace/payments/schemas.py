"""Shapes of orders, refunds and the ledger in the JSON API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from marketplace.payments.ledger import CurrencyReport
from marketplace.payments.models import Order, Refund
from marketplace.web.api import Schema


class OrderIn(Schema):
    booking_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="A booking held for payment")
    package_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="A package on sale")

    @model_validator(mode="after")
    def _one(self) -> "OrderIn":
        if (self.booking_id is None) == (self.package_id is None):
            raise ValueError("give either booking_id or package_id")
        return self


class CancelOrderIn(Schema):
    reason: str | None = Field(default=None, max_length=1000)


class RefundIn(Schema):
    amount: int = Field(ge=1, le=10**12, description="Minor units of the order's currency")
    reason: str = Field(min_length=3, max_length=300)


class PaymentOut(BaseModel):
    provider: str = "stripe"
    payment_intent_id: str
    client_secret: str = Field(description="Confirm it with Stripe.js (`stripe.confirmCardPayment`)")
    publishable_key: str | None
    js_url: str = Field(description="Where to load Stripe.js from")


class RefundOut(BaseModel):
    id: int
    amount: int
    currency: str
    status: str
    reason: str
    created_at: datetime
    settled_at: datetime | None

    @classmethod
    def of(cls, refund: Refund) -> "RefundOut":
        return cls(id=refund.id, amount=refund.amount, currency=refund.currency, status=refund.status.value,
                   reason=refund.reason, created_at=refund.created_at, settled_at=refund.settled_at)


class ShareOut(BaseModel):
    """One practitioner's part of an order (gross, before commission)."""

    practitioner_id: int
    amount: int = Field(description="Minor units; the shares add up to the order's amount")
    refunded: int


class OrderOut(BaseModel):
    id: int
    kind: str
    status: str
    description: str
    amount: int = Field(description="Minor units")
    currency: str = Field(description="ISO 4217")
    amount_refunded: int
    booking_id: int | None
    enrollment_id: int | None
    failure_reason: str | None
    expires_at: datetime | None
    paid_at: datetime | None
    cancelled_at: datetime | None
    refunds: list[RefundOut]
    shares: list[ShareOut] = Field(default_factory=list, description="Who delivers what was bought, and their part")
    payment: PaymentOut | None = Field(default=None, description="Present while the order waits for payment")
    explanation: str | None = Field(default=None, description="What a cancellation refunded, and why")

    @classmethod
    def of(cls, order: Order, payment: PaymentOut | None = None, explanation: str | None = None) -> "OrderOut":
        return cls(id=order.id, kind=order.kind.value, status=order.status.value, description=order.description,
                   amount=order.amount, currency=order.currency, amount_refunded=order.amount_refunded,
                   booking_id=order.booking_id, enrollment_id=order.enrollment_id,
                   failure_reason=order.failure_reason, expires_at=order.expires_at, paid_at=order.paid_at,
                   cancelled_at=order.cancelled_at, refunds=[RefundOut.of(r) for r in order.refunds],
                   shares=[ShareOut(practitioner_id=s.practitioner_id, amount=s.amount, refunded=s.refunded)
                           for s in order.shares],
                   payment=payment, explanation=explanation)


class OrderList(BaseModel):
    items: list[OrderOut]


class LedgerCurrencyOut(BaseModel):
    currency: str
    charges: int
    refunds: int
    commission: int
    payouts: int
    held: int
    adds_up: bool

    @classmethod
    def of(cls, r: CurrencyReport) -> "LedgerCurrencyOut":
        return cls(currency=r.currency, charges=r.charges, refunds=r.refunds, commission=r.commission,
                   payouts=r.payouts, held=r.held, adds_up=r.adds_up)


class LedgerOut(BaseModel):
    currencies: list[LedgerCurrencyOut]


class OnboardingIn(Schema):
    return_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://[^\s/?#]+(?:[/?#]\S*)?$")


class OnboardingOut(BaseModel):
    url: str


class EarningsRow(BaseModel):
    currency: str
    gross: int
    refunded: int
    commission: int
    paid_out: int
    held: int


class EarningsOut(BaseModel):
    payouts_ready: bool
    rows: list[EarningsRow]
