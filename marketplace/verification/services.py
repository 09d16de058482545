"""Credential upload, review, suspension and the expiry sweep.

Every decision is written to the audit log and told to the practitioner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.audit import services as audit
from marketplace.core.clock import today, utcnow
from marketplace.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.practitioners.models import Practitioner
from marketplace.taxonomy.models import Modality
from marketplace.taxonomy.services import by_slugs
from marketplace.verification.models import Credential, CredentialStatus, CredentialType
from marketplace.verification.storage import DocumentStorage, sniff


@dataclass(frozen=True)
class CredentialInput:
    type: str
    number: str
    issuing_body: str
    jurisdiction: str
    issued_on: date | None
    expires_on: date | None
    modalities: Sequence[str]


def _text(errors: dict[str, list[str]], field: str, value: str, limit: int, what: str) -> str:
    value = (value or "").strip()
    if not value:
        errors.setdefault(field, []).append(f"Give the {what}.")
    elif len(value) > limit:
        errors.setdefault(field, []).append(f"Use at most {limit} characters.")
    return value


def upload_credential(practitioner: Practitioner, data: CredentialInput, content: bytes,
                      filename: str, storage: DocumentStorage, max_bytes: int) -> Credential:
    """Store a credential for review (status pending).

    Raises ValidationFailed naming each bad field: unknown type, missing number, dates
    out of order or already expired, unknown modality, or a document that is not really a
    PDF, JPEG or PNG of at most ``max_bytes``.
    """
    errors: dict[str, list[str]] = {}
    try:
        ctype = CredentialType(data.type)
    except ValueError:
        ctype = None
        errors["type"] = ["Choose one of: " + ", ".join(t.value for t in CredentialType) + "."]
    number = _text(errors, "number", data.number, 80, "licence or registration number")
    body = _text(errors, "issuing_body", data.issuing_body, 200, "issuing body")
    jurisdiction = _text(errors, "jurisdiction", data.jurisdiction, 120, "jurisdiction")
    now = today()
    if data.issued_on is None:
        errors["issued_on"] = ["Give the date it was issued."]
    elif data.issued_on > now:
        errors["issued_on"] = ["The issue date cannot be in the future."]
    if data.expires_on is None:
        errors["expires_on"] = ["Give the expiry date."]
    elif data.expires_on < now:
        errors["expires_on"] = ["This credential has already expired."]
    elif data.issued_on and data.expires_on <= data.issued_on:
        errors["expires_on"] = ["The expiry date must be after the issue date."]
    modalities: list[Modality] = []
    try:
        modalities = by_slugs(Modality, data.modalities, "modalities")
        if not modalities:
            errors["modalities"] = ["Name at least one modality this credential covers."]
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        document = sniff(content, max_bytes)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        document = None
    if errors or document is None or ctype is None:
        raise ValidationFailed("The credential could not be accepted.", errors)

    key = storage.save(document)
    credential = Credential(
        practitioner=practitioner, type=ctype, number=number, issuing_body=body,
        jurisdiction=jurisdiction, issued_on=data.issued_on, expires_on=data.expires_on,
        modalities=modalities, document_key=key, document_mime=document.mime,
        document_size=len(document.content), document_sha256=document.sha256,
        document_filename=(filename or "document")[-200:],
    )
    db.session.add(credential)
    db.session.flush()
    return credential


def pending_queue() -> Sequence[Credential]:
    """Credentials waiting for review, oldest first."""
    return db.session.scalars(
        select(Credential).where(Credential.status == CredentialStatus.PENDING)
        .order_by(Credential.created_at, Credential.id)
    ).all()


def credentials_with_status(status: CredentialStatus | None) -> Sequence[Credential]:
    stmt = select(Credential).order_by(Credential.created_at, Credential.id)
    if status is not None:
        stmt = stmt.where(Credential.status == status)
    return db.session.scalars(stmt).all()


def get_credential(credential_id: int) -> Credential:
    credential = db.session.get(Credential, credential_id)
    if credential is None:
        raise NotFound(f"No credential {credential_id}.")
    return credential


def can_view_document(user: User, credential: Credential) -> bool:
    return user.is_admin or credential.practitioner.user_id == user.id


def approve(credential: Credential, admin: User) -> Credential:
    """Approve a pending credential. Raises Conflict when it is not pending or has
    expired meanwhile."""
    if credential.status is not CredentialStatus.PENDING:
        raise Conflict(f"Only pending credentials can be approved; this one is {credential.status.value}.")
    if credential.expires_on < today():
        raise Conflict("This credential expired while waiting for review; ask for a current one.")
    credential.status = CredentialStatus.APPROVED
    credential.reviewed_by = admin
    credential.reviewed_at = utcnow()
    credential.rejection_reason = None
    audit.record(admin, "credential.approved", "credential", credential.id, None,
                 practitioner_id=credential.practitioner_id,
                 modalities=[m.slug for m in credential.modalities])
    names = ", ".join(m.name for m in credential.modalities)
    notify(credential.practitioner.user, "credential.approved",
           f"Your {credential.type.label} credential ({credential.number}) was approved. "
           f"{names} is now shown on your public profile.",
           mail_subject="Your credential was approved")
    return credential


def reject(credential: Credential, admin: User, reason: str) -> Credential:
    """Reject a pending credential, or withdraw an approved one, with a reason the
    practitioner sees. Raises ValidationFailed without a reason, Conflict otherwise."""
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationFailed.on_field("reason", "Say why, so the practitioner can put it right.")
    if len(reason) > 2000:
        raise ValidationFailed.on_field("reason", "Use at most 2000 characters.")
    if credential.status not in (CredentialStatus.PENDING, CredentialStatus.APPROVED):
        raise Conflict(f"This credential is {credential.status.value}; it cannot be rejected.")
    previous = credential.status
    credential.status = CredentialStatus.REJECTED
    credential.reviewed_by = admin
    credential.reviewed_at = utcnow()
    credential.rejection_reason = reason
    audit.record(admin, "credential.rejected", "credential", credential.id, reason,
                 practitioner_id=credential.practitioner_id, previous_status=previous.value)
    notify(credential.practitioner.user, "credential.rejected",
           f"Your {credential.type.label} credential ({credential.number}) was not accepted. "
           f"Reason: {reason}",
           mail_subject="Your credential needs attention")
    return credential


def suspend(practitioner: Practitioner, admin: User, reason: str | None) -> Practitioner:
    """Hide a practitioner everywhere until unsuspended. Raises Conflict if already so."""
    if practitioner.is_suspended:
        raise Conflict("This practitioner is already suspended.")
    reason = (reason or "").strip() or None
    practitioner.is_suspended = True
    practitioner.suspended_reason = reason
    practitioner.suspended_at = utcnow()
    audit.record(admin, "practitioner.suspended", "practitioner", practitioner.id, reason)
    notify(practitioner.user, "practitioner.suspended",
           "Your listing has been suspended and is hidden from seekers."
           + (f" Reason: {reason}" if reason else " Contact support to find out more."),
           mail_subject="Your listing has been suspended")
    return practitioner


def unsuspend(practitioner: Practitioner, admin: User, reason: str | None) -> Practitioner:
    if not practitioner.is_suspended:
        raise Conflict("This practitioner is not suspended.")
    practitioner.is_suspended = False
    practitioner.suspended_reason = None
    practitioner.suspended_at = None
    audit.record(admin, "practitioner.unsuspended", "practitioner", practitioner.id, (reason or "").strip() or None)
    notify(practitioner.user, "practitioner.unsuspended",
           "Your listing is active again.", mail_subject="Your listing is active again")
    return practitioner


@dataclass(frozen=True)
class SweepResult:
    expired: int
    warned: int


def sweep(on: date | None = None, warning_days: int = 30) -> SweepResult:
    """Mark approved credentials past their expiry date as expired, and warn once about
    those expiring within ``warning_days``. Safe to run any number of times a day."""
    on = on or today()
    expired = db.session.scalars(
        select(Credential).where(Credential.status == CredentialStatus.APPROVED, Credential.expires_on < on)
    ).all()
    for credential in expired:
        credential.status = CredentialStatus.EXPIRED
        audit.record(None, "credential.expired", "credential", credential.id,
                     f"Expired on {credential.expires_on.isoformat()}",
                     practitioner_id=credential.practitioner_id)
        notify(credential.practitioner.user, "credential.expired",
               f"Your {credential.type.label} credential ({credential.number}) expired on "
               f"{credential.expires_on:%d %B %Y}. The modalities it covered are hidden until you "
               "upload a current one.",
               mail_subject="Your credential has expired")
    soon = db.session.scalars(
        select(Credential).where(
            Credential.status == CredentialStatus.APPROVED,
            Credential.expires_on >= on,
            Credential.expires_on <= on + timedelta(days=warning_days),
            Credential.expiry_warned_at.is_(None),
        )
    ).all()
    for credential in soon:
        credential.expiry_warned_at = utcnow()
        days = (credential.expires_on - on).days
        notify(credential.practitioner.user, "credential.expiring",
               f"Your {credential.type.label} credential ({credential.number}) expires on "
               f"{credential.expires_on:%d %B %Y}, in {days} day{'s' if days != 1 else ''}. "
               "Upload the renewed licence so your listing stays visible.",
               mail_subject="Your credential expires soon")
    db.session.flush()
    return SweepResult(expired=len(expired), warned=len(soon))


def expiring_soon(on: date | None = None, days: int = 30) -> Sequence[Credential]:
    """Approved credentials that expire within ``days`` (the admin's warning list)."""
    on = on or today()
    return db.session.scalars(
        select(Credential).where(
            Credential.status == CredentialStatus.APPROVED,
            Credential.expires_on >= on, Credential.expires_on <= on + timedelta(days=days),
        ).order_by(Credential.expires_on)
    ).all()


def ensure_owner(user: User, practitioner: Practitioner) -> None:
    if not (user.is_admin or practitioner.user_id == user.id):
        raise Forbidden("Only the practitioner or an admin can do this.")
