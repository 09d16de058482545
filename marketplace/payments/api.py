"""Orders, refunds, the ledger and payouts in the JSON API."""

from __future__ import annotations

from flask import current_app, url_for
from flask_login import current_user

from marketplace.accounts.models import Role
from marketplace.core.errors import NotFound, ServiceUnavailable
from marketplace.extensions import db
from marketplace.payments import cancellations, ledger, payouts, retries, services
from marketplace.payments.models import OrderStatus
from marketplace.payments.schemas import (
    CancelOrderIn, EarningsOut, EarningsRow, LedgerCurrencyOut, LedgerOut, OnboardingIn, OnboardingOut, OrderIn,
    OrderList, OrderOut, PaymentOut, RefundIn, RefundOut,
)
from marketplace.payments.stripe_client import js_url
from marketplace.practitioners import services as listings
from marketplace.web.api import ANY_USER, endpoint


def _payment(order) -> PaymentOut:  # noqa: ANN001
    """Start (or resume) payment and commit what it recorded; on an outage the order is
    kept and the caller is told to retry."""
    try:
        start = services.start_payment(order)
    except ServiceUnavailable as exc:
        db.session.rollback()
        raise ServiceUnavailable(exc.detail, extensions={"order_id": order.id}) from None
    db.session.commit()
    return PaymentOut(payment_intent_id=start.payment_intent_id, client_secret=start.client_secret,
                      publishable_key=current_app.config.get("STRIPE_PUBLISHABLE_KEY"), js_url=js_url(current_app.config))


@endpoint("/orders", "POST", summary="Order a held booking or a package", tag="payments", auth=(Role.SEEKER,),
          body=OrderIn, response=OrderOut, status=201, errors=(404, 409, 503))
def create_order(body: OrderIn) -> OrderOut:
    """Creates the order (or returns the one that exists for that booking or package)
    and its Stripe PaymentIntent; confirm `payment.client_secret` with Stripe.js. When
    Stripe cannot be reached the answer is 503 with `order_id`: the order is kept and
    `POST /orders/{order_id}/pay` (or this call again) retries without charging twice."""
    order = services.create_order(current_user, booking_id=body.booking_id, package_id=body.package_id)
    db.session.commit()
    if order.status is not OrderStatus.PENDING:
        return OrderOut.of(order)
    return OrderOut.of(order, _payment(order))


@endpoint("/orders/<int:order_id>/pay", "POST", summary="Resume or retry paying an order", tag="payments",
          auth=(Role.SEEKER,), response=OrderOut, errors=(404, 409, 503))
def pay_order(order_id: int) -> OrderOut:
    """A pending order: its payment again. A failed one (the card was declined, so its
    slot was let go): a **new** order, for the same time held again if it is still
    free (or the package reserved again), with its own payment; 409 on `booking_id`
    when the time was taken: choose another one. Never charges for a slot not held."""
    order = services.get_order(order_id, current_user)
    if order.status is OrderStatus.FAILED:
        failed, order = order, retries.retry_order(order, current_user)
        db.session.commit()
        retries.cancel_intent(failed)
    return OrderOut.of(order, _payment(order))


@endpoint("/orders", summary="My orders", tag="payments", auth=ANY_USER, response=OrderList)
def list_orders() -> OrderList:
    return OrderList(items=[OrderOut.of(o) for o in services.orders_for(current_user)])


@endpoint("/orders/<int:order_id>", summary="An order", tag="payments", auth=ANY_USER, response=OrderOut,
          errors=(404,))
def get_order(order_id: int) -> OrderOut:
    """The owner or an admin; 404 for anyone else."""
    return OrderOut.of(services.get_order(order_id, current_user))


@endpoint("/orders/<int:order_id>/cancel", "POST", summary="Cancel an order, refunding per policy",
          tag="payments", auth=ANY_USER, body=CancelOrderIn, body_optional=True, response=OrderOut,
          errors=(404, 409))
def cancel_order(order_id: int, body: CancelOrderIn) -> OrderOut:
    """Unpaid: the order ends and nothing is charged. Paid: the booking or package is
    cancelled and refunded as the policy says (a session in full before the cut-off, the
    practitioner's late share after; a package: its unused sessions pro rata)."""
    result = services.cancel_order(services.get_order(order_id, current_user), current_user, body.reason)
    db.session.commit()
    cancellations.after_commit(result.order)
    return OrderOut.of(result.order, explanation=result.explanation)


@endpoint("/admin/orders/<int:order_id>/refunds", "POST", summary="Refund part or all of an order",
          tag="payments", auth=(Role.ADMIN,), body=RefundIn, response=RefundOut, status=201, errors=(404, 409))
def refund_order(order_id: int, body: RefundIn) -> RefundOut:
    order = services.get_order(order_id)
    refund = services.request_refund(order, body.amount, reason=body.reason, actor=current_user)
    db.session.commit()
    services.submit_pending_refunds(order)
    db.session.commit()
    return RefundOut.of(refund)


@endpoint("/admin/ledger", summary="The money ledger, per currency", tag="payments", auth=(Role.ADMIN,),
          response=LedgerOut)
def ledger_report() -> LedgerOut:
    """charges = refunds + commission + payouts + held, per currency (`adds_up`)."""
    return LedgerOut(currencies=[LedgerCurrencyOut.of(r) for r in ledger.report()])


def _listing():  # noqa: ANN202
    listing = listings.listing_for(current_user)
    if listing is None:
        raise NotFound("You have no listing yet: create it with PUT /api/v1/me/practitioner.")
    return listing


@endpoint("/me/payouts/onboarding", "POST", summary="A Stripe Express onboarding link", tag="payments",
          auth=(Role.PRACTITIONER,), body=OnboardingIn, body_optional=True, response=OnboardingOut,
          errors=(404, 503))
def payout_onboarding(body: OnboardingIn) -> OnboardingOut:
    # The earnings page re-reads the account when it is reached with ``back``.
    back = body.return_url or url_for("payments.earnings", back=1, _external=True)
    url = payouts.onboarding_link(_listing(), return_url=back, refresh_url=back)
    db.session.commit()
    return OnboardingOut(url=url)


@endpoint("/me/earnings", summary="My earnings and payouts", tag="payments", auth=(Role.PRACTITIONER,),
          response=EarningsOut, errors=(404,))
def my_earnings() -> EarningsOut:
    listing = _listing()
    account = payouts.payout_account(listing)
    rows = [EarningsRow(currency=c, **v) for c, v in sorted(payouts.earnings(listing).items())]
    return EarningsOut(payouts_ready=bool(account and account.is_onboarded), rows=rows)
