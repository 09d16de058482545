"""Cancelling a booking or a package that has an order: the booking and package pages and
API call this instead of ``booking.services.cancel`` / ``enrollments.cancel_enrollment``
so that a paid session or package is refunded as the cancellation policy says (booking
and packages do not know about payments; payments knows about them).

The refund is recorded here (in the caller's transaction); Stripe is asked for it after
the commit with :func:`after_commit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.booking import services as booking_services
from marketplace.booking.models import Booking, BookingStatus
from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.packages import enrollments
from marketplace.packages.models import Enrollment
from marketplace.payments import retries, services
from marketplace.payments.models import Order, OrderStatus

OPEN = (OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)


def open_order(booking: Booking) -> Order | None:
    """The booking's order while it can still be cancelled (pending or paid, not cancelled)."""
    order = db.session.scalar(select(Order).where(Order.booking_id == booking.id))
    if order is None or order.status not in OPEN or order.cancelled_at is not None:
        return None
    return order


def cancel_booking(booking: Booking, actor: User, reason: str | None = None, *,
                   now: datetime | None = None) -> tuple[Booking, Order | None]:
    """Cancel ``booking`` (same rules and errors as ``booking.services.cancel``) and its
    order: an unpaid order simply ends; a paid one is refunded by the policy (the seeker's
    share before or after the cut-off; in full when the practitioner or an admin cancels).
    Returns the booking and the order whose refunds :func:`after_commit` must send."""
    now = now or utcnow()
    order = open_order(booking)
    if order is None:
        return booking_services.cancel(booking, actor, reason, now=now), None
    if order.seeker_id == actor.id or actor.is_admin:
        services.cancel_order(order, actor, reason, now=now)
        if order.status is OrderStatus.CANCELLED and booking.status is not BookingStatus.CANCELLED:
            # The unpaid order ended but its hold had already lapsed: say so, as booking does.
            booking_services.cancel(booking, actor, reason, now=now)
        return booking, order
    # The practitioner cancels: the booking's policy gives a full refund of a paid session.
    services.lock(order)
    booking_services.cancel(booking, actor, reason, now=now)
    if order.status is OrderStatus.PENDING:
        order.status = OrderStatus.CANCELLED
    else:
        amount = min(order.amount * (booking.refund_percent or 0) // 100, order.refundable)
        if amount > 0:
            services.request_refund(order, amount, reason="Cancelled by the practitioner: a full refund.",
                                    actor=actor, split={booking.practitioner_id: amount})
    order.cancelled_at = now
    return booking, order


def after_commit(order: Order | None) -> None:
    """*Stripe calls.* Send the refunds the cancellation recorded (an outage leaves them
    pending for the reconcile command), and commit what Stripe answered; an order
    cancelled before payment has its PaymentIntent cancelled."""
    if order is None:
        return
    services.submit_pending_refunds(order)
    db.session.commit()
    retries.cancel_intent(order)  # cancelled before payment: its page can no longer pay


def _order_of(enrollment: Enrollment) -> Order | None:
    return db.session.scalar(select(Order).where(Order.enrollment_id == enrollment.id))


@dataclass(frozen=True)
class EnrollmentCancelled:
    """What cancelling a package did: the order whose refund :func:`after_commit` sends
    (None when nothing was paid through an order) and what to tell the seeker."""

    order: Order | None
    explanation: str


def cancel_enrollment(enrollment: Enrollment, actor: User, reason: str | None = None, *,
                      now: datetime | None = None) -> EnrollmentCancelled:
    """Cancel a package reservation or a bought package from the package pages: with an
    order it goes through :func:`services.cancel_order`, so the order ends with it and a
    paid package refunds its unused sessions pro rata; without one (a free or
    admin-activated enrollment) the enrollment is simply cancelled.

    Raises NotFound / Forbidden for someone else's enrollment, Conflict when it ended.
    """
    order = _order_of(enrollment)
    if order is None or order.status not in OPEN or order.cancelled_at is not None:
        enrollments.cancel_enrollment(enrollment, actor, reason)
        return EnrollmentCancelled(None, "Cancelled. Nothing was paid through an order, so nothing is refunded.")
    result = services.cancel_order(order, actor, reason, now=now)
    return EnrollmentCancelled(order, result.explanation)


def withdraw_practitioner(enrollment: Enrollment, practitioner_id: int, actor: User | None,
                          reason: str) -> Order | None:
    """A partner of a bought package left for good: their undelivered sessions are
    cancelled and, when the package was paid through an order, refunded from their share.
    Returns the order whose refund :func:`after_commit` must send (None when nothing is)."""
    value = enrollments.withdraw_practitioner(enrollment, practitioner_id, reason)
    order = _order_of(enrollment)
    if order is None or services.refund_withdrawn_sessions(
            order, practitioner_id, value, actor, f"Sessions withdrawn: {reason}") is None:
        return None
    return order
