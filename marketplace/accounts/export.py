"""The data export: everything we hold about one user, as one versioned JSON document.

It reads only rows that belong to the user or are about them, and leaves out what would
expose someone else (the seekers of a practitioner's sessions, the admins who reviewed a
credential) or a secret (password and token hashes, document bytes).
"""

from __future__ import annotations

from sqlalchemy import or_, select

from marketplace.accounts.models import User
from marketplace.accounts.schemas import (
    DataExport, ExportAccount, ExportAuditEntry, ExportBooking, ExportCredential, ExportDocument, ExportEnrollment,
    ExportEnrollmentSession, ExportFee, ExportListing, ExportLocation, ExportNotification, ExportOrder,
    ExportPackage, ExportPayoutAccount, ExportRefund, ExportSession, ExportToken, ExportTransfer,
)
from marketplace.audit.models import AuditEntry
from marketplace.booking.models import Booking
from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.packages.models import Enrollment, Package
from marketplace.payments.models import Order, PayoutAccount, Transfer
from marketplace.practitioners.models import Practitioner
from marketplace.verification.models import Credential


def export_for(user: User) -> DataExport:
    """The export of ``user``'s data (read only; nothing is written)."""
    practitioner = db.session.scalar(select(Practitioner).where(Practitioner.user_id == user.id))
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.seeker_id == user.id).order_by(Enrollment.id)).all()
    credentials = _credentials(practitioner)
    return DataExport(
        exported_at=utcnow(),
        account=ExportAccount(
            id=user.id, email=user.email, role=user.role.value, created_at=user.created_at,
            last_login_at=user.last_login_at,
            api_tokens=[ExportToken(created_at=t.created_at, expires_at=t.expires_at, last_used_at=t.last_used_at,
                                    revoked_at=t.revoked_at) for t in sorted(user.tokens, key=lambda t: t.id)],
        ),
        listing=_listing(practitioner, credentials) if practitioner is not None else None,
        bookings=_bookings(user),
        enrollments=[_enrollment(e) for e in enrollments],
        orders=_orders(user),
        notifications=[
            ExportNotification(kind=n.kind, message=n.message, link=n.link, created_at=n.created_at, read_at=n.read_at)
            for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                        .order_by(Notification.created_at, Notification.id))
        ],
        audit_entries=_audit(user, practitioner, credentials, enrollments),
    )


def _credentials(practitioner: Practitioner | None) -> list[Credential]:
    if practitioner is None:
        return []
    return list(db.session.scalars(
        select(Credential).where(Credential.practitioner_id == practitioner.id).order_by(Credential.id)))


def _listing(p: Practitioner, credentials: list[Credential]) -> ExportListing:
    account = db.session.scalar(select(PayoutAccount).where(PayoutAccount.practitioner_id == p.id))
    transfers = db.session.scalars(select(Transfer).where(Transfer.practitioner_id == p.id).order_by(Transfer.id)).all()
    sessions = db.session.scalars(
        select(Booking).where(Booking.practitioner_id == p.id).order_by(Booking.starts_at, Booking.id)).all()
    packages = db.session.scalars(select(Package).where(Package.owner_id == p.id).order_by(Package.id)).all()
    return ExportListing(
        id=p.id, display_name=p.display_name, bio=p.bio, languages=list(p.languages or []),
        years_in_practice=p.years_in_practice, offers_online=p.offers_online, is_suspended=p.is_suspended,
        country_code=p.country_code, gender=p.gender.value if p.gender else None,
        modalities=[m.slug for m in p.modalities], techniques=[t.slug for t in p.techniques],
        concerns=[c.slug for c in p.concerns],
        fees=[ExportFee(label=f.label, minutes=f.minutes, amount=f.amount, currency=f.currency) for f in p.fees],
        locations=[ExportLocation(label=loc.label, venue_type=loc.venue_type.value, address=loc.address, city=loc.city,
                                  country=loc.country, lat=loc.lat, lon=loc.lon, timezone=loc.timezone)
                   for loc in p.locations],
        credentials=[_credential(c) for c in credentials],
        packages=[ExportPackage(id=k.id, name=k.name, status=k.status.value, price=k.price, currency=k.currency)
                  for k in packages],
        sessions=[ExportSession(id=b.id, starts_at=b.starts_at, ends_at=b.ends_at, status=b.effective_status().value,
                                place_label=b.place_label, is_online=b.is_online, fee_label=b.fee_label,
                                amount=b.amount, currency=b.currency) for b in sessions],
        payout_account=None if account is None else ExportPayoutAccount(
            stripe_account_id=account.stripe_account_id, is_onboarded=account.is_onboarded,
            transfers=[ExportTransfer(id=t.id, order_id=t.order_id, booking_id=t.booking_id, amount=t.amount,
                                      currency=t.currency, status=t.status.value, created_at=t.created_at,
                                      sent_at=t.sent_at) for t in transfers]),
    )


def _credential(c: Credential) -> ExportCredential:
    return ExportCredential(
        id=c.id, type=c.type.value, number=c.number, issuing_body=c.issuing_body, jurisdiction=c.jurisdiction,
        issued_on=c.issued_on, expires_on=c.expires_on, status=c.status.value,
        modalities=[m.slug for m in c.modalities], created_at=c.created_at, reviewed_at=c.reviewed_at,
        rejection_reason=c.rejection_reason,
        document=ExportDocument(filename=c.document_filename, mime=c.document_mime, size=c.document_size,
                                sha256=c.document_sha256),
    )


def _bookings(user: User) -> list[ExportBooking]:
    rows = db.session.scalars(
        select(Booking).where(Booking.seeker_id == user.id).order_by(Booking.starts_at, Booking.id)).all()
    return [
        ExportBooking(
            id=b.id, practitioner_id=b.practitioner_id, practitioner=b.practitioner.display_name,
            starts_at=b.starts_at, ends_at=b.ends_at, timezone=b.timezone, place_label=b.place_label,
            is_online=b.is_online, fee_label=b.fee_label, amount=b.amount, currency=b.currency,
            status=b.effective_status().value, created_at=b.created_at, cancelled_at=b.cancelled_at,
            cancellation_reason=b.cancellation_reason, refund_percent=b.refund_percent,
        )
        for b in rows
    ]


def _enrollment(e: Enrollment) -> ExportEnrollment:
    return ExportEnrollment(
        id=e.id, package_id=e.package_id, package=e.package.name, status=e.status.value, price=e.price,
        currency=e.currency, bought_at=e.bought_at, expires_at=e.expires_at, ended_at=e.ended_at,
        sessions=[ExportEnrollmentSession(number=s.number, minutes=s.minutes, status=s.status.value,
                                          booking_id=s.booking_id) for s in e.sessions],
    )


def _orders(user: User) -> list[ExportOrder]:
    rows = db.session.scalars(select(Order).where(Order.seeker_id == user.id).order_by(Order.id)).all()
    return [
        ExportOrder(
            id=o.id, kind=o.kind.value, description=o.description, amount=o.amount, currency=o.currency,
            amount_refunded=o.amount_refunded, status=o.status.value, booking_id=o.booking_id,
            enrollment_id=o.enrollment_id, created_at=o.created_at, paid_at=o.paid_at,
            refunds=[ExportRefund(id=r.id, amount=r.amount, currency=r.currency, status=r.status.value,
                                  reason=r.reason, created_at=r.created_at, settled_at=r.settled_at)
                     for r in o.refunds],
        )
        for o in rows
    ]


def _audit(user: User, practitioner: Practitioner | None, credentials: list[Credential],
           enrollments: list[Enrollment]) -> list[ExportAuditEntry]:
    """Entries the user made, and entries about their account, listing, credentials and
    packages. Who else acted is said as "our team", not named."""
    about = [(AuditEntry.subject_type == "user") & (AuditEntry.subject_id == user.id)]
    if practitioner is not None:
        about.append((AuditEntry.subject_type == "practitioner") & (AuditEntry.subject_id == practitioner.id))
    if credentials:
        about.append((AuditEntry.subject_type == "credential")
                     & AuditEntry.subject_id.in_([c.id for c in credentials]))
    if enrollments:
        about.append((AuditEntry.subject_type == "enrollment")
                     & AuditEntry.subject_id.in_([e.id for e in enrollments]))
    rows = db.session.scalars(
        select(AuditEntry).where(or_(AuditEntry.actor_id == user.id, *about)).order_by(AuditEntry.at, AuditEntry.id))
    return [
        ExportAuditEntry(
            at=a.at, action=a.action, subject_type=a.subject_type, subject_id=a.subject_id,
            by="you" if a.actor_id == user.id else ("the system" if a.actor_id is None else "our team"),
            reason=a.reason, details=dict(a.details or {}),
        )
        for a in rows
    ]
