"""Deleting an account: what is cancelled, what is kept, and what is forgotten.

A person may delete their account (SPEC: "a seeker can export and delete their data").
Money and trust records must survive it: orders, refunds, ledger rows and transfers
(the books must still add up), the audit log (append-only), and bookings that are part
of another person's history. So the ``user`` row stays as a *tombstone*: its email
becomes ``deleted-<id>@invalid`` (the address can register again), the password can no
longer match, ``is_disabled`` hides the practitioner everywhere and ``deleted_at`` says
when. Everything that only served the person (notifications, free text they wrote,
listing details, credential documents) is removed or cleared.

Upcoming sessions and packages are cancelled through the booking, package and payment
services, so refunds follow the same policy as any other cancellation. As everywhere,
this module flushes; the caller commits, then calls :func:`after_commit` for the Stripe
refunds and the removal of document files (side effects that must not run if the
transaction rolls back).

The export lives in :mod:`marketplace.accounts.export`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash

from marketplace.accounts.models import Role, User
from marketplace.audit import services as audit
from marketplace.booking.models import Booking, BookingStatus
from marketplace.core.clock import utcnow
from marketplace.core.errors import Conflict, ValidationFailed
from marketplace.core.mail import Mail, send_after_commit
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.packages import services as package_services
from marketplace.packages.models import Enrollment, EnrollmentSession, EnrollmentStatus, Package, PackageStatus
from marketplace.payments import cancellations
from marketplace.payments import services as payments
from marketplace.payments.models import Order, OrderStatus
from marketplace.practitioners.models import Practitioner
from marketplace.verification.models import Credential
from marketplace.verification.storage import DocumentStorage

log = logging.getLogger(__name__)

# An unusable password hash: werkzeug cannot parse it, so no password ever matches.
UNUSABLE_PASSWORD = "!deleted"
DELETED_NAME = "Deleted practitioner"
SEEKER_REASON = "The seeker closed their account."
PRACTITIONER_REASON = "The practitioner closed their account."
_ACTIVE_BOOKING = (BookingStatus.HELD, BookingStatus.CONFIRMED)


@dataclass
class Deletion:
    """What deleting an account did, and what must happen after the commit."""

    user_id: int
    orders: list[Order] = field(default_factory=list)  # whose refunds go to Stripe after the commit
    document_keys: list[str] = field(default_factory=list)  # credential files to remove after the commit
    cancelled_bookings: int = 0
    cancelled_enrollments: int = 0


def tombstone_email(user_id: int) -> str:
    """The address a deleted account keeps: unique, undeliverable (RFC 2606 ``.invalid``)."""
    return f"deleted-{user_id}@invalid"


def check_password(user: User, password: str) -> None:
    """Raise ValidationFailed on ``password`` unless it is the account's password: deleting
    is irreversible, so it asks for the password even in a fresh session."""
    if not password or not check_password_hash(user.password_hash, password):
        raise ValidationFailed.on_field("password", "That is not your password.")


def _ensure_not_last_admin(user: User) -> None:
    if user.role is not Role.ADMIN:
        return
    others = db.session.scalar(
        select(func.count()).select_from(User).where(
            User.role == Role.ADMIN, User.id != user.id, User.is_disabled.is_(False), User.deleted_at.is_(None)))
    if not others:
        raise Conflict("You are the last admin. Create another admin before deleting this account.")


def delete_account(user: User, password: str, *, now: datetime | None = None) -> Deletion:
    """Delete ``user``'s account (see the module docstring for what is kept).

    Raises ValidationFailed on ``password`` when it is wrong (nothing changes), Conflict
    when ``user`` is the last admin or is already deleted.
    """
    now = now or utcnow()
    if user.is_deleted:
        raise Conflict("This account is already deleted.")
    check_password(user, password)
    _ensure_not_last_admin(user)
    email = user.email
    result = Deletion(user_id=user.id)
    _cancel_as_seeker(user, result, now)
    practitioner = db.session.scalar(select(Practitioner).where(Practitioner.user_id == user.id))
    if practitioner is not None:
        _cancel_as_practitioner(user, practitioner, result, now)
        _withdraw_listing(practitioner, result)
    _forget(user, now)
    audit.record(user, "account.deleted", "user", user.id, None, role=user.role.value,
                 cancelled_bookings=result.cancelled_bookings,
                 cancelled_enrollments=result.cancelled_enrollments,
                 orders=sorted({o.id for o in result.orders}))
    send_after_commit(db.session, Mail(
        to=email, subject="Your account is deleted",
        body=("Your account and the personal data we held for it are deleted.\n\n"
              f"Upcoming sessions and packages cancelled: {result.cancelled_bookings + result.cancelled_enrollments}. "
              "Any refund they are due follows the cancellation policy and reaches your card in 5–10 days.\n\n"
              "We keep the records the law asks of us (payments, refunds, the audit log) without your name "
              "or email address.\n"),
    ))
    db.session.flush()
    return result


def _cancel_as_seeker(user: User, result: Deletion, now: datetime) -> None:
    """Cancel the seeker's live packages, then their upcoming sessions, then any order
    still waiting for payment, each through the service that applies the refund policy."""
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.seeker_id == user.id, Enrollment.status.in_(
            (EnrollmentStatus.PENDING_PAYMENT, EnrollmentStatus.ACTIVE))).order_by(Enrollment.id)).all()
    for enrollment in enrollments:
        cancelled = cancellations.cancel_enrollment(enrollment, user, SEEKER_REASON, now=now)
        if cancelled.order is not None:
            result.orders.append(cancelled.order)
        result.cancelled_enrollments += 1
    for booking in _upcoming(Booking.seeker_id == user.id, now):
        _, order = cancellations.cancel_booking(booking, user, SEEKER_REASON, now=now)
        if order is not None:
            result.orders.append(order)
        result.cancelled_bookings += 1
    waiting = db.session.scalars(select(Order).where(
        Order.seeker_id == user.id, Order.status == OrderStatus.PENDING, Order.cancelled_at.is_(None))).all()
    for order in waiting:
        payments.cancel_order(order, user, SEEKER_REASON, now=now)
        result.orders.append(order)  # after the commit its PaymentIntent is cancelled too


def _cancel_as_practitioner(user: User, practitioner: Practitioner, result: Deletion, now: datetime) -> None:
    """Cancel every upcoming session the practitioner would have given: the seekers are
    told and a paid session is refunded in full (the practitioner cancels). Sessions of
    bought packages they had not given yet are withdrawn and refunded from their share;
    the package's other sessions stay with the other partners."""
    for booking in _upcoming(Booking.practitioner_id == practitioner.id, now):
        _, order = cancellations.cancel_booking(booking, user, PRACTITIONER_REASON, now=now)
        if order is not None:
            result.orders.append(order)
        result.cancelled_bookings += 1
    holding = select(EnrollmentSession.enrollment_id).where(EnrollmentSession.practitioner_id == practitioner.id)
    for enrollment in db.session.scalars(select(Enrollment).where(
            Enrollment.status == EnrollmentStatus.ACTIVE, Enrollment.id.in_(holding)).order_by(Enrollment.id)).all():
        order = cancellations.withdraw_practitioner(enrollment, practitioner.id, user, PRACTITIONER_REASON)
        if order is not None:
            result.orders.append(order)


def _upcoming(condition, now: datetime) -> list[Booking]:  # noqa: ANN001
    """Held or confirmed bookings that have not started (an expired hold is not one)."""
    rows = db.session.scalars(
        select(Booking).where(condition, Booking.status.in_(_ACTIVE_BOOKING), Booking.starts_at > now)
        .order_by(Booking.starts_at, Booking.id)).all()
    return [b for b in rows if b.effective_status(now) in _ACTIVE_BOOKING]


def _withdraw_listing(practitioner: Practitioner, result: Deletion) -> None:
    """Take the listing down and strip it to what the books still need (its id and the
    payout account that transfers went to): packages stop selling, credentials and their
    documents go, and the public details are cleared. ``is_disabled`` on the user keeps
    the row out of search (the index rebuilds from the session hook at commit)."""
    for package in db.session.scalars(select(Package).where(
            Package.owner_id == practitioner.id, Package.status == PackageStatus.ON_SALE)).all():
        package_services.withdraw(practitioner, package)
    for credential in db.session.scalars(select(Credential).where(Credential.practitioner_id == practitioner.id)).all():
        result.document_keys.append(credential.document_key)
        db.session.delete(credential)
    practitioner.display_name = DELETED_NAME
    practitioner.bio = ""
    practitioner.languages = []
    practitioner.years_in_practice = None
    practitioner.offers_online = False
    practitioner.country_code = None
    practitioner.gender = None
    practitioner.modalities = []
    practitioner.techniques = []
    practitioner.concerns = []
    practitioner.fees = []
    practitioner.locations = []


def _forget(user: User, now: datetime) -> None:
    """De-identify the user row and remove what only served the person."""
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
    db.session.flush()  # notifications the cancellations queued are rows before we delete them
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    # Free text the seeker typed about their own sessions.
    for booking in db.session.scalars(select(Booking).where(
            Booking.seeker_id == user.id, Booking.cancellation_reason.is_not(None))).all():
        if booking.cancelled_by_id == user.id:
            booking.cancellation_reason = None
    user.email = tombstone_email(user.id)
    user.password_hash = UNUSABLE_PASSWORD
    user.is_disabled = True
    user.last_login_at = None
    user.deleted_at = now


def after_commit(deletion: Deletion, storage: DocumentStorage) -> None:
    """*Stripe calls and file removal*, once the deletion is committed: send the refunds
    the cancellations recorded (an outage leaves them pending for the reconcile command)
    and delete the credential documents from disk."""
    for order in dict.fromkeys(deletion.orders):  # once each, however many items it covered
        try:
            cancellations.after_commit(order)
        except Exception:  # noqa: BLE001 - the deletion is committed; reconcile retries the refund
            db.session.rollback()
            log.exception("refunds of order %s left pending after deleting user %s", order.id, deletion.user_id)
    for key in deletion.document_keys:
        try:
            storage.delete(key)
        except (OSError, ValueError):
            log.exception("could not remove credential document %s of deleted user %s", key, deletion.user_id)
