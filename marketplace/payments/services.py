"""Orders, checkout, what Stripe tells us, refunds and cancellations.

The order is written (and committed) before Stripe is asked for anything; every create
call to Stripe carries an idempotency key stored in our database, so a retry (the seeker
pressing "Pay" again, two tabs, the reconcile command) reuses the first answer and never
charges twice. Functions here flush and never commit. The ones marked *Stripe call* talk
to Stripe and are called by the edge after the commit that wrote what they need.

What Stripe reports (webhooks or reads) goes through :func:`apply_payment_intent` and
:func:`apply_refund`. They only move an order forward: a payment that succeeded stays
paid whatever arrives after it, and an event seen twice changes nothing, so events that
arrive out of order or days late end in the same state.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Role, User
from marketplace.booking import services as booking_services
from marketplace.booking.models import BookingStatus
from marketplace.core.clock import utcnow
from marketplace.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.packages import enrollments
from marketplace.packages.models import EnrollmentStatus, Package
from marketplace.packages.shares import largest_remainder
from marketplace.payments import ledger
from marketplace.payments.models import (
    Order, OrderKind, OrderShare, OrderStatus, Refund, RefundStatus,
)
from marketplace.payments.stripe_client import call, client

log = logging.getLogger(__name__)

PACKAGE_ORDER_HOURS = 24
# How a package's unused sessions are valued (see packages.enrollments.reserve): said to
# the seeker with every package refund, so the exact amount can be checked by hand.
PRO_RATA_RULE = ("Each session is worth its part of its practitioner's share by length, rounded to whole "
                 "minor units (pennies, cents), any leftover unit going to the earliest sessions.")
ORDERS_PATH = "/orders"


def money(amount: int, currency: str) -> str:
    return f"{currency} {amount // 100:,}.{amount % 100:02d}"


def _key(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


# --- finding and locking -----------------------------------------------------------------------

def get_order(order_id: int, user: User | None = None) -> Order:
    """The order; with ``user``, only if it is theirs or they are an admin (NotFound
    otherwise, so ids cannot be probed)."""
    order = db.session.get(Order, order_id)
    if order is None or (user is not None and order.seeker_id != user.id and not user.is_admin):
        raise NotFound(f"No order {order_id}.")
    return order


def lock(order: Order) -> Order:
    """Serialise changes to one order until the commit, and re-read it: on PostgreSQL a
    row lock; on SQLite a no-op write that takes the database's write lock. Pending
    changes are flushed first so the re-read keeps them."""
    db.session.flush()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Order).where(Order.id == order.id).with_for_update()
                           .execution_options(populate_existing=True))
    else:
        db.session.execute(text('UPDATE "order" SET id = id WHERE id = :id'), {"id": order.id})
        db.session.refresh(order)
    return order


def orders_for(user: User) -> list[Order]:
    return list(db.session.scalars(select(Order).where(Order.seeker_id == user.id).order_by(Order.id.desc())))


# --- creating an order --------------------------------------------------------------------------

def _insert(order: Order, existing: Any) -> Order:
    """Insert inside a savepoint; a racing request that inserted first wins."""
    try:
        with db.session.begin_nested():
            db.session.add(order)
            db.session.flush()
    except IntegrityError:
        found = db.session.scalar(existing)
        if found is None:
            raise
        return found
    return order


def create_order(seeker: User, *, booking_id: int | None = None, package_id: int | None = None) -> Order:
    """The order for a held booking or a package (reserving it first), or the one that
    already exists for it (a double click makes one order).

    Raises Forbidden for non-seekers; NotFound for someone else's booking or a package
    not on sale; ValidationFailed unless exactly one of the two is given; Conflict when
    the hold expired, the booking is not waiting for payment, or its order already ended.
    """
    if (booking_id is None) == (package_id is None):
        raise ValidationFailed("Give either booking_id or package_id.",
                               {"booking_id": ["Give either booking_id or package_id."]})
    if seeker.role is not Role.SEEKER:
        from marketplace.core.errors import Forbidden

        raise Forbidden("Only seeker accounts can buy sessions and packages.")
    percent = int(current_app.config["PLATFORM_COMMISSION_PERCENT"])
    now = utcnow()
    if booking_id is not None:
        booking = booking_services.get_booking(booking_id) if booking_id else None
        if booking is None or booking.seeker_id != seeker.id:
            raise NotFound.on_field("booking_id", f"No booking {booking_id}.")
        existing = select(Order).where(Order.booking_id == booking.id)
        order = db.session.scalar(existing)
        if order is not None:
            if order.status in (OrderStatus.PENDING,) or order.status.is_paid:
                return order
            raise Conflict(f"The order for this booking is {order.status.label.lower()}. Choose a time again.")
        if booking.amount is None or booking.currency is None:
            raise Conflict.on_field("booking_id", "This session is part of a package you bought; there is nothing to pay.")
        if booking.effective_status(now) is not BookingStatus.HELD:
            raise Conflict.on_field("booking_id", "This booking is no longer held for payment "
                                    f"({booking.effective_status(now).label.lower()}). Choose a time again.")
        when = booking.starts_at.strftime("%d %b %Y %H:%M UTC")
        order = Order(seeker=seeker, kind=OrderKind.BOOKING, booking=booking, amount=booking.amount,
                      currency=booking.currency, commission_percent=percent, idempotency_key=_key("order"),
                      description=f"{booking.fee_label or 'Session'} with {booking.practitioner.display_name}, {when}"[:200],
                      expires_at=booking.hold_expires_at)
        order.shares.append(OrderShare(practitioner_id=booking.practitioner_id, amount=booking.amount))
        return _insert(order, existing)

    package = db.session.get(Package, package_id)
    if package is None:
        raise NotFound.on_field("package_id", f"No package {package_id} on sale.")
    enrollment = enrollments.reserve(seeker, package)
    existing = select(Order).where(Order.enrollment_id == enrollment.id)
    order = db.session.scalar(existing)
    if order is not None:
        return order
    if enrollment.price <= 0:
        raise Conflict.on_field("package_id", "This package is free; there is nothing to pay.")
    order = Order(seeker=seeker, kind=OrderKind.PACKAGE, enrollment=enrollment, amount=enrollment.price,
                  currency=enrollment.currency, commission_percent=percent, idempotency_key=_key("order"),
                  description=f"Package: {package.name}"[:200], expires_at=now + timedelta(hours=PACKAGE_ORDER_HOURS))
    for share in enrollment.shares:
        order.shares.append(OrderShare(practitioner_id=share.practitioner_id, amount=share.amount))
    return _insert(order, existing)


# --- paying -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaymentStart:
    client_secret: str
    payment_intent_id: str


def start_payment(order: Order) -> PaymentStart:
    """*Stripe call.* The PaymentIntent the page confirms with Stripe.js: created once
    (idempotency key from the order), then re-read. The caller commits.

    Raises Conflict when the order is not waiting for payment or its hold expired;
    ServiceUnavailable when Stripe cannot be reached (the order stays pending).
    """
    lock(order)
    if order.status is not OrderStatus.PENDING:
        raise Conflict(f"This order is {order.status.label.lower()}; there is nothing to pay.")
    if order.expires_at is not None and order.expires_at <= utcnow():
        raise Conflict("The time held for this order ran out. Choose a time again.")
    stripe = client()
    if order.stripe_payment_intent_id:
        intent = call(lambda: stripe.v1.payment_intents.retrieve(order.stripe_payment_intent_id))
    else:
        params = {"amount": order.amount, "currency": order.currency.lower(), "payment_method_types": ["card"],
                  "metadata": {"order_id": str(order.id), "order_key": order.idempotency_key,
                               "kind": order.kind.value}}
        intent = call(lambda: stripe.v1.payment_intents.create(
            params, {"idempotency_key": f"{order.idempotency_key}:payment_intent"}))  # type: ignore[arg-type]
        order.stripe_payment_intent_id = intent.id
        db.session.flush()
    if intent.status == "succeeded":
        apply_payment_intent(intent)
        raise Conflict("This order is already paid.")
    return PaymentStart(intent.client_secret, intent.id)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    try:
        value = obj[name]
    except (KeyError, TypeError, IndexError):
        return getattr(obj, name, default)
    return default if value is None else value


def _order_for_intent(intent: Any) -> Order | None:
    order = db.session.scalar(select(Order).where(Order.stripe_payment_intent_id == intent["id"]))
    if order is None:
        metadata = _get(intent, "metadata", {})
        order_id = str(_get(metadata, "order_id", "") or "")
        if order_id.isdigit():
            order = db.session.get(Order, int(order_id))
            if order is not None and order.idempotency_key != _get(metadata, "order_key"):
                return None  # another database's order (a shared test or staging account)
            if order is not None and order.stripe_payment_intent_id is None:
                order.stripe_payment_intent_id = intent["id"]
            elif order is not None and order.stripe_payment_intent_id != intent["id"]:
                return None
    return order


def apply_payment_intent(intent: Any, *, now: datetime | None = None) -> str:
    """Bring our order in line with a PaymentIntent as Stripe reports it (webhook object
    or a fresh read). Returns what happened, for the event log."""
    order = _order_for_intent(intent)
    if order is None:
        return "no matching order"
    status = intent["status"]
    if status == "succeeded":
        return mark_paid(order, int(_get(intent, "amount_received", 0) or intent["amount"]),
                         str(intent["currency"]), now=now)
    if status == "requires_payment_method" and _get(intent, "last_payment_error"):
        error = _get(intent, "last_payment_error")
        return mark_failed(order, str(_get(error, "message", "") or "The payment was declined."), now=now)
    if status == "canceled":
        return expire(order, "The payment was cancelled.", now=now)
    return f"nothing to do ({status})"


def mark_paid(order: Order, amount: int, currency: str, *, now: datetime | None = None) -> str:
    """The payment succeeded: the order is paid, the ledger records it, and the booking is
    confirmed or the package activated. If that slot went to someone else meanwhile (or
    the order was cancelled), the whole payment is refunded. Idempotent."""
    now = now or utcnow()
    lock(order)
    if order.status.is_paid:
        return "already paid"
    if amount != order.amount or currency.upper() != order.currency:
        log.error("order %s: Stripe reports %s %s, order is %s %s", order.id, amount, currency,
                  order.amount, order.currency)
        return "amount does not match; left for review"
    was = order.status
    order.status = OrderStatus.PAID
    order.paid_at = now
    order.failure_reason = None
    ledger.post(f"charge:{order.id}", order.currency,
                ledger.charge_lines(order.amount, {s.practitioner_id: s.amount for s in order.shares},
                                    order.commission_percent), order_id=order.id, memo=order.description)
    problem = None
    try:
        if order.booking is not None:
            booking_services.confirm(order.booking, now=now)
        elif order.enrollment is not None:
            if order.enrollment.status is EnrollmentStatus.CANCELLED and was is not OrderStatus.CANCELLED:
                raise Conflict("The package reservation was cancelled.")
            enrollments.activate(order.enrollment, at=now)
    except Conflict as exc:
        problem = exc.detail
    if problem is not None or was is OrderStatus.CANCELLED:
        reason = problem or "The order was cancelled before the payment arrived."
        request_refund(order, order.amount, reason=f"Refunded in full: {reason}", actor=None)
        notify(order.seeker, "order.refunded_on_arrival",
               f"Your payment for {order.description} arrived, but {reason[0].lower() + reason[1:]} "
               f"We are refunding all of it ({money(order.amount, order.currency)}).",
               link=f"{ORDERS_PATH}/{order.id}", mail_subject="Your payment is being refunded")
        return "paid, then refunded in full"
    notify(order.seeker, "order.paid", f"Payment received: {money(order.amount, order.currency)} for "
           f"{order.description}.", link=f"{ORDERS_PATH}/{order.id}", mail_subject="Payment received")
    return "paid"


def mark_failed(order: Order, reason: str, *, now: datetime | None = None) -> str:
    """The payment was declined: the order fails, the held slot is released (or the
    package reservation cancelled), and the seeker is told why. A paid order stays paid."""
    now = now or utcnow()
    lock(order)
    if order.status is not OrderStatus.PENDING:
        return f"ignored: order is {order.status.value}"
    order.status = OrderStatus.FAILED
    order.failed_at = now
    order.failure_reason = reason[:300]
    _let_go(order, f"The payment did not go through: {reason}")
    notify(order.seeker, "order.failed", f"Your payment for {order.description} did not go through: {reason} "
           "Nothing was charged.", link=f"{ORDERS_PATH}/{order.id}")
    return "failed"


def _let_go(order: Order, reason: str) -> None:
    booking, enrollment = order.booking, order.enrollment
    if booking is not None and booking.status is BookingStatus.HELD:
        booking_services.release(booking, reason)
    if enrollment is not None and enrollment.status is EnrollmentStatus.PENDING_PAYMENT:
        enrollments.cancel_enrollment(enrollment, None, reason)


def expire(order: Order, reason: str = "It was not paid in time.", *, now: datetime | None = None) -> str:
    """An order that was never paid ends; its slot or reservation is let go."""
    now = now or utcnow()
    lock(order)
    if order.status is not OrderStatus.PENDING:
        return f"ignored: order is {order.status.value}"
    order.status = OrderStatus.EXPIRED
    order.failure_reason = reason[:300]
    _let_go(order, reason)
    return "expired"


# --- refunds ------------------------------------------------------------------------------------

def _remaining(order: Order) -> dict[int, int]:
    """Gross left per practitioner after refunds done or under way."""
    left = {s.practitioner_id: s.amount - s.refunded for s in order.shares}
    for refund in order.refunds:
        if refund.status is RefundStatus.PENDING:
            for pid, amount in refund.split.items():
                left[int(pid)] -= amount
    return left


def request_refund(order: Order, amount: int, *, reason: str, actor: User | None,
                   split: dict[int, int] | None = None) -> Refund:
    """Record a refund of ``amount`` (taken from the practitioners as ``split`` says, or
    in proportion to what each still keeps). Stripe is asked by :func:`submit_refund`
    after the commit. Raises Conflict for an unpaid order, ValidationFailed on ``amount``."""
    lock(order)
    if not order.status.is_paid:
        raise Conflict(f"This order is {order.status.label.lower()}; there is nothing to refund.")
    if amount <= 0 or amount > order.refundable:
        raise ValidationFailed.on_field(
            "amount", f"Refund between 1 and {order.refundable} (minor units, {money(order.refundable, order.currency)}).")
    left = _remaining(order)
    if split is None:
        ids = sorted(left)
        split = dict(zip(ids, largest_remainder(amount, [max(left[i], 0) for i in ids])))
    split = {pid: part for pid, part in split.items() if part}
    if sum(split.values()) != amount or any(part > left.get(pid, 0) for pid, part in split.items()):
        raise ValidationFailed.on_field("amount", "That refund does not fit what each practitioner still keeps.")
    refund = Refund(order=order, amount=amount, currency=order.currency, reason=reason[:300],
                    split={str(pid): part for pid, part in split.items()}, idempotency_key=_key("refund"),
                    requested_by=actor)
    db.session.add(refund)
    db.session.flush()
    return refund


def submit_refund(refund: Refund) -> Refund:
    """*Stripe call.* Ask Stripe for a pending refund (again, safely: same idempotency
    key). Settles it at once when Stripe says it succeeded; otherwise a webhook or the
    reconcile command will. The caller commits."""
    if refund.status is not RefundStatus.PENDING:
        return refund
    order = refund.order
    stripe = client()
    params = {"payment_intent": order.stripe_payment_intent_id, "amount": refund.amount,
              "metadata": {"refund_id": str(refund.id), "order_id": str(order.id)}}
    obj = call(lambda: stripe.v1.refunds.create(params, {"idempotency_key": refund.idempotency_key}))  # type: ignore[arg-type]
    refund.stripe_refund_id = obj.id
    db.session.flush()
    apply_refund(obj)
    return refund


def submit_pending_refunds(order: Order) -> None:
    """After a commit: send the order's pending refunds; an outage leaves them pending."""
    from marketplace.core.errors import ServiceUnavailable

    for refund in list(order.refunds):
        if refund.status is RefundStatus.PENDING and refund.stripe_refund_id is None:
            try:
                submit_refund(refund)
            except ServiceUnavailable:
                log.warning("refund %s stays pending: Stripe unreachable", refund.id)


def apply_refund(obj: Any, *, now: datetime | None = None) -> str:
    """Settle our refund from Stripe's refund object (webhook or read). A refund made in
    Stripe's dashboard is recorded too."""
    now = now or utcnow()
    refund = db.session.scalar(select(Refund).where(Refund.stripe_refund_id == obj["id"]))
    if refund is None:
        refund_id = str(_get(_get(obj, "metadata", {}), "refund_id", "") or "")
        refund = db.session.get(Refund, int(refund_id)) if refund_id.isdigit() else None
        if refund is not None and refund.stripe_refund_id not in (None, obj["id"]):
            refund = None
        if refund is None:
            order = db.session.scalar(select(Order).where(
                Order.stripe_payment_intent_id == _get(obj, "payment_intent")))
            if order is None or not order.status.is_paid:
                return "no matching order"
            if int(obj["amount"]) > order.refundable:
                return "refund larger than what is refundable; left for review"
            refund = request_refund(order, int(obj["amount"]), reason="Refunded in Stripe.", actor=None)
        refund.stripe_refund_id = obj["id"]
    order = lock(refund.order)
    status = obj["status"]
    if refund.status is not RefundStatus.PENDING:
        return f"already {refund.status.value}"
    if status in ("failed", "canceled"):
        refund.status = RefundStatus.FAILED
        refund.failure_reason = str(_get(obj, "failure_reason", status))[:300]
        refund.settled_at = now
        return "refund failed"
    if status != "succeeded":
        return f"refund {status}"
    refund.status = RefundStatus.SUCCEEDED
    refund.settled_at = now
    shares = {s.practitioner_id: s for s in order.shares}
    split = {int(pid): amount for pid, amount in refund.split.items()}
    kept = {pid: shares[pid].amount - shares[pid].refunded for pid in split}
    ledger.post(f"refund:{refund.id}", order.currency,
                ledger.refund_lines(split, kept, order.commission_percent, _held_on(order)),
                order_id=order.id, refund_id=refund.id, memo=refund.reason)
    for pid, amount in split.items():
        shares[pid].refunded += amount
    order.amount_refunded += refund.amount
    order.status = OrderStatus.REFUNDED if order.amount_refunded >= order.amount else OrderStatus.PARTIALLY_REFUNDED
    notify(order.seeker, "order.refund", f"Refunded {money(refund.amount, refund.currency)} for "
           f"{order.description}. It reaches your card in 5–10 days.", link=f"{ORDERS_PATH}/{order.id}",
           mail_subject="Your refund")
    db.session.flush()
    return "refund succeeded"


def _held_on(order: Order) -> dict[int, int]:
    """What the platform still holds per practitioner on ``order``: their net share of
    what they keep, less what was sent or is being sent to them (a transfer in flight
    counts as gone, so settling it later cannot make held negative)."""
    from marketplace.payments.models import Transfer, TransferStatus

    pending: dict[int, int] = {}
    for transfer in db.session.scalars(select(Transfer).where(
            Transfer.order_id == order.id, Transfer.status == TransferStatus.PENDING)):
        pending[transfer.practitioner_id] = pending.get(transfer.practitioner_id, 0) + transfer.amount
    return {s.practitioner_id: max(ledger.net_of(s.amount - s.refunded, order.commission_percent) - s.paid_out
                                   - pending.get(s.practitioner_id, 0), 0) for s in order.shares}


# --- cancelling ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CancelResult:
    order: Order
    refund: Refund | None
    explanation: str


def cancel_order(order: Order, actor: User, reason: str | None = None, *, now: datetime | None = None) -> CancelResult:
    """Cancel an order: unpaid, it simply ends (the hold or reservation is let go); paid,
    the booking or package is cancelled and refunded as the cancellation policy says
    (a session: full before the practitioner's cut-off, their late share after; a
    package: the value of the unused sessions). The refund goes to Stripe after the
    commit (:func:`submit_pending_refunds`).

    Raises NotFound for someone else's order, Conflict when it cannot be cancelled.
    """
    now = now or utcnow()
    if order.seeker_id != actor.id and not actor.is_admin:
        raise NotFound(f"No order {order.id}.")
    lock(order)
    if order.status is OrderStatus.PENDING:
        order.status = OrderStatus.CANCELLED
        order.cancelled_at = now
        booking, enrollment = order.booking, order.enrollment
        if booking is not None and booking.effective_status(now) is BookingStatus.HELD:
            booking_services.cancel(booking, actor, reason, now=now)
        if enrollment is not None and enrollment.status is EnrollmentStatus.PENDING_PAYMENT:
            enrollments.cancel_enrollment(enrollment, actor, reason)
        return CancelResult(order, None, "Cancelled before payment: nothing was charged.")
    if order.status not in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED) or order.cancelled_at is not None:
        raise Conflict(f"This order is {order.status.label.lower()}; it cannot be cancelled.")
    if order.booking is not None:
        terms = booking_services.cancellation_terms(order.booking, now, actor)
        booking_services.cancel(order.booking, actor, reason, now=now)
        amount = min(order.amount * (order.booking.refund_percent or 0) // 100, order.refundable)
        split = {order.booking.practitioner_id: amount}
        explanation = terms.reason
    else:
        assert order.enrollment is not None
        unused = sum(1 for s in order.enrollment.sessions if enrollments.is_unused(s, now))
        cancellation = enrollments.cancel_enrollment(order.enrollment, actor, reason)
        left = _remaining(order)
        split = {pid: min(v, left.get(pid, 0)) for pid, v in cancellation.by_practitioner.items()}
        amount = sum(split.values())
        explanation = (f"The {unused} unused session{'s' if unused != 1 else ''} of {len(order.enrollment.sessions)} "
                       f"{'are' if unused != 1 else 'is'} refunded pro rata: {money(amount, order.currency)}. "
                       f"{PRO_RATA_RULE} Delivered sessions stay paid.")
    order.cancelled_at = now
    refund = None
    if amount > 0:
        refund = request_refund(order, amount, reason=f"Cancelled: {explanation}", actor=actor, split=split)
    return CancelResult(order, refund, explanation)


def refund_withdrawn_sessions(order: Order, practitioner_id: int, value: int, actor: User | None,
                              reason: str) -> Refund | None:
    """Refund ``value`` (the sessions a departed partner will not give, see
    ``enrollments.withdraw_practitioner``) from that partner's share alone, within what
    the order still holds for them. None when nothing is refundable."""
    if not order.status.is_paid or value <= 0:
        return None
    amount = min(value, max(_remaining(order).get(practitioner_id, 0), 0), order.refundable)
    if amount <= 0:
        return None
    return request_refund(order, amount, reason=reason, actor=actor, split={practitioner_id: amount})


# --- reconciling -----------------------------------------------------------------------------------

@dataclass
class ReconcileResult:
    checked: int = 0
    paid: int = 0
    failed: int = 0
    expired: int = 0
    refunds_settled: int = 0
    intents_closed: int = 0  # of orders that ended unpaid while Stripe was unreachable
    errors: int = 0


def reconcile(now: datetime | None = None) -> ReconcileResult:
    """*Stripe calls.* Read Stripe's state for every order left pending and every refund
    not settled, and settle them; expire unpaid orders past their time (cancelling their
    PaymentIntent so it can no longer be paid), and cancel the PaymentIntents of orders
    that ended unpaid while Stripe was unreachable. Commits after each order, so one bad
    order does not undo the others."""
    from marketplace.core.errors import ServiceUnavailable
    from marketplace.payments.retries import close_left_open_intents

    now = now or utcnow()
    result = ReconcileResult()
    stripe = client()
    pending = db.session.scalars(select(Order).where(Order.status == OrderStatus.PENDING).order_by(Order.id)).all()
    for order in pending:
        result.checked += 1
        try:
            outcome = ""
            if order.stripe_payment_intent_id:
                intent = call(lambda: stripe.v1.payment_intents.retrieve(order.stripe_payment_intent_id))
                outcome = apply_payment_intent(intent, now=now)
                if (order.status is OrderStatus.PENDING and order.expires_at is not None
                        and order.expires_at <= now and intent.status != "processing"):
                    if intent.status not in ("canceled", "succeeded"):
                        call(lambda: stripe.v1.payment_intents.cancel(order.stripe_payment_intent_id))
                    outcome = expire(order, now=now)
            elif order.expires_at is not None and order.expires_at <= now:
                outcome = expire(order, now=now)
            result.paid += outcome.startswith("paid")
            result.failed += outcome == "failed"
            result.expired += outcome == "expired"
            db.session.commit()
            submit_pending_refunds(order)
            db.session.commit()
        except ServiceUnavailable:
            db.session.rollback()
            result.errors += 1
    # Before the refunds: a payment made on an intent left open may need one.
    result.intents_closed, errors = close_left_open_intents(now)
    result.errors += errors
    unsettled = db.session.scalars(select(Refund).where(Refund.status == RefundStatus.PENDING)).all()
    for refund in unsettled:
        try:
            if refund.stripe_refund_id:
                outcome = apply_refund(call(lambda: stripe.v1.refunds.retrieve(refund.stripe_refund_id)), now=now)
            else:
                submit_refund(refund)
                outcome = "refund succeeded" if refund.status is RefundStatus.SUCCEEDED else ""
            result.refunds_settled += outcome == "refund succeeded"
            db.session.commit()
        except ServiceUnavailable:
            db.session.rollback()
            result.errors += 1
    return result
