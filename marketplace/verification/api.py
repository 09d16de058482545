"""Credentials and admin review in the JSON API."""

from __future__ import annotations

from flask import current_app, request, send_file
from flask_login import current_user

from marketplace.accounts.models import Role
from marketplace.audit import services as audit
from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.practitioners import services as listings
from marketplace.practitioners.schemas import CredentialOut, ListingOwner
from marketplace.verification import queries, services
from marketplace.verification.models import CredentialStatus
from marketplace.verification.schemas import (
    AuditOut, AuditPage, AuditQuery, CredentialForm, CredentialList, ExpiringQuery, QueueQuery,
    ReasonIn, RejectIn, SweepOut,
)
from marketplace.verification.storage import DocumentStorage
from marketplace.web.api import ANY_USER, endpoint

ADMIN = (Role.ADMIN,)
PRACTITIONER = (Role.PRACTITIONER,)


def storage() -> DocumentStorage:
    return DocumentStorage(current_app.config["UPLOAD_FOLDER"])


@endpoint("/me/practitioner/credentials", "POST", summary="Upload a credential for review",
          tag="verification", auth=PRACTITIONER, form=CredentialForm, files=("document",),
          response=CredentialOut, status=201, errors=(404,))
def upload_credential(form: CredentialForm) -> CredentialOut:
    """`document` must really be a PDF, JPEG or PNG (checked by content) of at most 10 MB.
    The credential starts `pending` until an admin reviews it."""
    practitioner = listings.listing_for(current_user)
    if practitioner is None:
        raise NotFound("Create your listing first (PUT /api/v1/me/practitioner).")
    upload = request.files.get("document")
    content = upload.read() if upload else b""
    credential = services.upload_credential(
        practitioner, form.to_input(), content, upload.filename if upload else "", storage(),
        current_app.config["MAX_DOCUMENT_BYTES"],
    )
    db.session.commit()
    return CredentialOut.of(credential)


@endpoint("/me/practitioner/credentials", summary="The caller's credentials and their review state",
          tag="verification", auth=PRACTITIONER, response=CredentialList, errors=(404,))
def my_credentials() -> CredentialList:
    practitioner = listings.listing_for(current_user)
    if practitioner is None:
        raise NotFound("You have no listing yet.")
    items = [CredentialOut.of(c) for c in queries.credentials_of(practitioner)]
    return CredentialList(items=items, total=len(items))


@endpoint("/credentials/<int:credential_id>/document", summary="A credential's document (owner or admin)",
          tag="verification", auth=ANY_USER, media=("application/pdf", "image/jpeg", "image/png"),
          errors=(404,))
def credential_document(credential_id: int):  # noqa: ANN201
    """404 for anyone but the owner and admins, so documents cannot be probed."""
    credential = services.get_credential(credential_id)
    if not services.can_view_document(current_user, credential):
        raise NotFound(f"No credential {credential_id}.")
    response = send_file(storage().path(credential.document_key), mimetype=credential.document_mime,
                         download_name=f"credential-{credential.id}{credential.document_key[-4:]}")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@endpoint("/admin/credentials", summary="The verification queue, oldest first", tag="admin",
          auth=ADMIN, query=QueueQuery, response=CredentialList)
def admin_credentials(query: QueueQuery) -> CredentialList:
    status = None if query.status == "all" else CredentialStatus(query.status)
    items = [CredentialOut.of(c) for c in services.credentials_with_status(status)]
    return CredentialList(items=items, total=len(items))


@endpoint("/admin/credentials/expiring", summary="Approved credentials that expire soon", tag="admin",
          auth=ADMIN, query=ExpiringQuery, response=CredentialList)
def admin_expiring(query: ExpiringQuery) -> CredentialList:
    items = [CredentialOut.of(c) for c in services.expiring_soon(days=query.days)]
    return CredentialList(items=items, total=len(items))


@endpoint("/admin/credentials/<int:credential_id>/approve", "POST", summary="Approve a credential",
          tag="admin", auth=ADMIN, response=CredentialOut, errors=(404, 409))
def approve_credential(credential_id: int) -> CredentialOut:
    credential = services.approve(services.get_credential(credential_id), current_user)
    db.session.commit()
    return CredentialOut.of(credential)


@endpoint("/admin/credentials/<int:credential_id>/reject", "POST", summary="Reject a credential, with a reason",
          tag="admin", auth=ADMIN, body=RejectIn, response=CredentialOut, errors=(404, 409))
def reject_credential(credential_id: int, body: RejectIn) -> CredentialOut:
    """The practitioner sees the reason. Rejecting an approved credential withdraws it."""
    credential = services.reject(services.get_credential(credential_id), current_user, body.reason)
    db.session.commit()
    return CredentialOut.of(credential)


@endpoint("/admin/practitioners/<int:practitioner_id>/suspend", "POST", summary="Suspend a practitioner",
          tag="admin", auth=ADMIN, body=ReasonIn, body_optional=True, response=ListingOwner, errors=(404, 409))
def suspend_practitioner(practitioner_id: int, body: ReasonIn) -> ListingOwner:
    practitioner = services.suspend(listings.get_practitioner(practitioner_id), current_user, body.reason)
    db.session.commit()
    return ListingOwner.of(practitioner)


@endpoint("/admin/practitioners/<int:practitioner_id>/unsuspend", "POST", summary="Lift a suspension",
          tag="admin", auth=ADMIN, body=ReasonIn, body_optional=True, response=ListingOwner, errors=(404, 409))
def unsuspend_practitioner(practitioner_id: int, body: ReasonIn) -> ListingOwner:
    practitioner = services.unsuspend(listings.get_practitioner(practitioner_id), current_user, body.reason)
    db.session.commit()
    return ListingOwner.of(practitioner)


@endpoint("/admin/practitioners/<int:practitioner_id>", summary="Any practitioner's full listing",
          tag="admin", auth=ADMIN, response=ListingOwner, errors=(404,))
def admin_practitioner(practitioner_id: int) -> ListingOwner:
    return ListingOwner.of(listings.get_practitioner(practitioner_id))


@endpoint("/admin/audit", summary="The audit log, newest first", tag="admin", auth=ADMIN,
          query=AuditQuery, response=AuditPage)
def audit_log(query: AuditQuery) -> AuditPage:
    page = db.paginate(audit.entries_query(query.subject_type, query.subject_id),
                       page=query.page, per_page=query.per_page, error_out=False)
    return AuditPage(items=[AuditOut.of(e) for e in page.items], total=page.total or 0,
                     page=query.page, per_page=query.per_page)


@endpoint("/admin/credentials/sweep", "POST", summary="Run the licence-expiry sweep now", tag="admin",
          auth=ADMIN, response=SweepOut)
def run_sweep() -> SweepOut:
    result = services.sweep(warning_days=current_app.config["LICENCE_WARNING_DAYS"])
    db.session.commit()
    return SweepOut(expired=result.expired, warned=result.warned)
