"""Credential pages: a practitioner's uploads, the admin verification queue and review,
and the document itself (inline, for the owner and admins only)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.accounts.models import Role
from marketplace.core.errors import DomainError
from marketplace.extensions import db
from marketplace.practitioners import services as listings
from marketplace.taxonomy import services as taxonomy
from marketplace.verification import queries, services
from marketplace.verification.forms import QUEUE_TABS, ApproveForm, CredentialForm, RejectForm, SweepForm
from marketplace.verification.models import CredentialStatus
from marketplace.verification.storage import DocumentStorage
from marketplace.web.actions import attempt
from marketplace.web.auth import roles_required
from marketplace.web.templating import apply_errors

bp = Blueprint("verification", __name__)
admin_only = roles_required(Role.ADMIN)


def _storage() -> DocumentStorage:
    return DocumentStorage(current_app.config["UPLOAD_FOLDER"])


@bp.route("/practitioner/credentials", methods=["GET", "POST"])
@roles_required(Role.PRACTITIONER)
def credentials() -> str | Response:
    listing = listings.listing_for(current_user)
    if listing is None:
        flash("Create your listing first, then upload the licences that back it.", "info")
        return redirect(url_for("practitioners.edit_listing"))
    form = CredentialForm()
    if request.method == "GET":
        form.modalities.data = [m.slug for m in listing.modalities][:1]
    if form.validate_on_submit():
        upload = form.document.data
        try:
            services.upload_credential(
                listing, form.to_input(), upload.read() if upload else b"",
                upload.filename if upload else "", _storage(), current_app.config["MAX_DOCUMENT_BYTES"],
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            flash("Credential uploaded. An admin will review it; we will tell you when they have.", "success")
            return redirect(url_for("verification.credentials"))
    return render_template("verification/credentials.html", form=form, listing=listing,
                           credentials=queries.credentials_of(listing), modalities=taxonomy.modalities())


@bp.get("/credentials/<int:credential_id>/document")
@login_required
def document(credential_id: int) -> Response:
    """The document shown inline (for the review page's frame). 404 for anyone but the
    owner and admins, so documents cannot be probed."""
    credential = services.get_credential(credential_id)
    if not services.can_view_document(current_user, credential):
        abort(404)
    path = _storage().path(credential.document_key)
    if not path.is_file():
        abort(404, "The document file is missing from storage.")
    response = send_file(path, mimetype=credential.document_mime, as_attachment=False,
                         download_name=f"credential-{credential.id}{credential.document_key[-4:]}")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Only our own pages may frame it; the type was checked from the bytes at upload.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response


@bp.get("/admin/credentials")
@admin_only
def queue() -> str:
    status = request.args.get("status", "pending")
    if status not in dict(QUEUE_TABS):
        status = "pending"
    items = services.credentials_with_status(None if status == "all" else CredentialStatus(status))
    days = current_app.config["LICENCE_WARNING_DAYS"]
    return render_template("verification/queue.html", items=items, status=status, tabs=QUEUE_TABS,
                           expiring=services.expiring_soon(days=days), warning_days=days, sweep_form=SweepForm())


def _review_page(credential_id: int, reject_form: RejectForm | None = None, status: int = 200
                 ) -> tuple[str, int]:
    credential = services.get_credential(credential_id)
    return render_template(
        "verification/review.html", credential=credential, approve_form=ApproveForm(),
        reject_form=reject_form or RejectForm(formdata=None), states=queries.modality_states(credential.practitioner),
        hidden_reason=queries.hidden_reason(credential.practitioner),
    ), status


@bp.get("/admin/credentials/<int:credential_id>")
@admin_only
def review(credential_id: int) -> tuple[str, int]:
    return _review_page(credential_id)


@bp.post("/admin/credentials/<int:credential_id>/approve")
@admin_only
def approve(credential_id: int) -> Response:
    credential, error = attempt(lambda: services.approve(services.get_credential(credential_id), current_user))
    if error or credential is None:
        flash(error.detail if error else "Not approved.", "error")
        return redirect(url_for("verification.review", credential_id=credential_id))
    flash(f"Approved {credential.type.label} for {credential.practitioner.display_name}.", "success")
    return redirect(url_for("verification.queue"))


@bp.post("/admin/credentials/<int:credential_id>/reject")
@admin_only
def reject(credential_id: int) -> str | Response | tuple[str, int]:
    form = RejectForm()
    if form.validate_on_submit():
        credential, error = attempt(
            lambda: services.reject(services.get_credential(credential_id), current_user, form.reason.data))
        if error and error.errors:
            apply_errors(form, error)
        elif error:
            flash(error.detail, "error")
            return redirect(url_for("verification.review", credential_id=credential_id))
        else:
            flash(f"Rejected {credential.type.label} for {credential.practitioner.display_name}; "
                  "they have been told why.", "success")
            return redirect(url_for("verification.queue"))
    return _review_page(credential_id, form)


@bp.post("/admin/credentials/sweep")
@admin_only
def sweep() -> Response:
    result = services.sweep(warning_days=current_app.config["LICENCE_WARNING_DAYS"])
    db.session.commit()
    flash(f"Expiry sweep done: {result.expired} expired, {result.warned} warned.", "success")
    return redirect(url_for("verification.queue"))
