"""Trying again after a declined card, safely.

A decline lets the held slot go (or the package reservation), so the order ends as
failed and its PaymentIntent is cancelled: a payment page left open cannot charge for a
slot nobody holds any more. Trying again makes a *new* order: for the same time if it
is still free (held again as a new booking), else the seeker is sent back to choose a
time; for a package, a new reservation.
"""

from __future__ import annotations

import logging
from datetime import datetime

import stripe as stripe_sdk

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.booking import services as booking_services
from marketplace.booking.models import Booking
from marketplace.core.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from marketplace.extensions import db
from marketplace.payments.models import Order, OrderKind, OrderStatus
from marketplace.payments.services import create_order
from marketplace.payments.stripe_client import call, client

log = logging.getLogger(__name__)

ENDED_UNPAID = (OrderStatus.FAILED, OrderStatus.CANCELLED, OrderStatus.EXPIRED)
NO_LONGER_FREE = ("That time is no longer free, so nothing was charged for it. Choose another time and "
                  "pay for that one.")


def cancel_intent(order: Order) -> bool:
    """*Stripe call*, after the caller's commit. An order that ended unpaid (declined,
    cancelled, expired) must not be payable from a page still open somewhere: cancel its
    PaymentIntent. Harmless when Stripe already ended it or it succeeded meanwhile (that
    payment is then refunded as usual). If Stripe cannot be reached, the order is marked
    ``intent_left_open`` (committed here) and the reconcile job cancels the intent once
    Stripe answers; a payment made on it meanwhile confirms the time if still free or is
    refunded in full. Returns whether Stripe cancelled it."""
    if order.status not in ENDED_UNPAID or not order.stripe_payment_intent_id:
        return False
    cancelled = left_open = False
    try:
        call(lambda: client().v1.payment_intents.cancel(order.stripe_payment_intent_id))
        cancelled = True
    except ServiceUnavailable as exc:
        log.warning("payment intent of order %s left open for the reconcile job: %s", order.id, exc)
        left_open = True
    except stripe_sdk.InvalidRequestError as exc:  # already canceled, or it succeeded
        log.info("payment intent of order %s not cancelled: %s", order.id, exc)
    if order.intent_left_open != left_open:
        order.intent_left_open = left_open
        db.session.commit()
    return cancelled


def close_left_open_intents(now: datetime | None = None) -> tuple[int, int]:
    """*Stripe calls.* For every order marked ``intent_left_open``: read its PaymentIntent;
    a payment that succeeded meanwhile is settled as the webhook would have (the time
    confirmed if still free, else refunded); one still payable is cancelled. Commits per
    order. Returns (closed, left for later because Stripe could not be reached)."""
    from marketplace.payments.services import apply_payment_intent

    closed = errors = 0
    stripe = client()
    for order in db.session.scalars(select(Order).where(Order.intent_left_open.is_(True)).order_by(Order.id)).all():
        try:
            intent = call(lambda: stripe.v1.payment_intents.retrieve(order.stripe_payment_intent_id))
            if intent.status == "succeeded":
                apply_payment_intent(intent, now=now)
            elif intent.status == "processing":
                continue  # Stripe decides shortly: its webhook, or the next run, settles it
            elif intent.status != "canceled":
                call(lambda: stripe.v1.payment_intents.cancel(order.stripe_payment_intent_id))
            order.intent_left_open = False
            db.session.commit()
            closed += 1
        except ServiceUnavailable:
            db.session.rollback()
            errors += 1
    return closed, errors


def retry_order(order: Order, seeker: User) -> Order:
    """After a declined card the slot was let go: a retry pays for a *new* order, never
    for a slot no longer held. The same time is held again if it is still free (a new
    booking); a package is reserved again. Repeating the retry returns the same new
    order. The old order stays failed; its PaymentIntent is cancelled by the caller
    after the commit (:func:`cancel_intent`).

    Raises NotFound for someone else's order; Conflict when the order is not a failed
    one, or (on ``booking_id``) when the time was taken or is no longer open: the seeker
    chooses another time.
    """
    if order.seeker_id != seeker.id:
        raise NotFound(f"No order {order.id}.")
    if order.status is not OrderStatus.FAILED:
        raise Conflict(f"This order is {order.status.label.lower()}; there is nothing to retry.")
    if order.kind is OrderKind.PACKAGE:
        if order.enrollment is None:
            raise Conflict("This package reservation is gone; reserve the package again.")
        return create_order(seeker, package_id=order.enrollment.package_id)
    old = order.booking
    if old is None:
        raise Conflict.on_field("booking_id", NO_LONGER_FREE)
    again = db.session.scalar(select(Order).join(Booking, Order.booking_id == Booking.id).where(
        Order.seeker_id == seeker.id, Order.status == OrderStatus.PENDING, Order.id != order.id,
        Booking.practitioner_id == old.practitioner_id, Booking.starts_at == old.starts_at))
    if again is not None:
        return again  # a retry already re-held this time (a double click)
    try:
        with db.session.begin_nested():
            booking = booking_services.hold(seeker, booking_services.HoldInput(
                practitioner_id=old.practitioner_id, start=old.starts_at, location_id=old.location_id,
                online=old.is_online, fee_label=old.fee_label, minutes=old.minutes))
    except (Conflict, ValidationFailed, NotFound):
        raise Conflict.on_field("booking_id", NO_LONGER_FREE) from None
    return create_order(seeker, booking_id=booking.id)
