"""The admin area: practitioners (suspend, edit), the audit log and the taxonomy.
The verification queue lives with the credentials, in ``verification.views``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.accounts.models import Role
from marketplace.admin.forms import (
    AUDIT_SUBJECTS, KIND_LABELS, PRACTITIONER_STATUSES, SuspendForm, TermForm, TermStateForm, UnsuspendForm,
)
from marketplace.audit import services as audit
from marketplace.extensions import db
from marketplace.practitioners import services as listings
from marketplace.practitioners.views import listing_editor
from marketplace.taxonomy import services as taxonomy
from marketplace.verification import queries
from marketplace.verification import services as verification
from marketplace.web.actions import attempt
from marketplace.web.auth import roles_required
from marketplace.web.templating import apply_errors, choices

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@roles_required(Role.ADMIN)
def _admins_only() -> None:
    """Every page under /admin: anonymous → sign in, other roles → 403."""
    return None


@bp.get("/")
def index() -> Response:
    return redirect(url_for("verification.queue"))


# --- Practitioners ------------------------------------------------------------------------

@bp.get("/practitioners")
def practitioners() -> str:
    q = request.args.get("q", "").strip()[:120]
    status = request.args.get("status", "")
    if status not in dict(PRACTITIONER_STATUSES):
        status = ""
    pagination = db.paginate(queries.admin_search(q or None, status or None),
                             page=max(request.args.get("page", 1, type=int), 1), per_page=25, error_out=False)
    rows = [(p, queries.hidden_reason(p)) for p in pagination.items]
    return render_template("admin/practitioners.html", pagination=pagination, rows=rows, q=q, status=status,
                           statuses=PRACTITIONER_STATUSES)


def _practitioner_page(practitioner_id: int, suspend_form: SuspendForm | None = None) -> str:
    practitioner = listings.get_practitioner(practitioner_id)
    return render_template(
        "admin/practitioner.html", p=practitioner, hidden_reason=queries.hidden_reason(practitioner),
        states=queries.modality_states(practitioner), credentials=queries.credentials_of(practitioner),
        suspend_form=suspend_form or SuspendForm(formdata=None), unsuspend_form=UnsuspendForm(formdata=None),
        history=db.paginate(audit.entries_query("practitioner", practitioner.id), page=1, per_page=20,
                            error_out=False).items,
    )


@bp.get("/practitioners/<int:practitioner_id>")
def practitioner(practitioner_id: int) -> str:
    return _practitioner_page(practitioner_id)


@bp.post("/practitioners/<int:practitioner_id>/suspend")
def suspend(practitioner_id: int) -> str | Response:
    form = SuspendForm()
    if form.validate_on_submit():
        _, error = attempt(lambda: verification.suspend(
            listings.get_practitioner(practitioner_id), current_user, form.reason.data))
        if error:
            flash(error.detail, "error")
        else:
            flash("Suspended: the listing is hidden everywhere and the practitioner has been told.", "success")
        return redirect(url_for("admin.practitioner", practitioner_id=practitioner_id))
    return _practitioner_page(practitioner_id, form)


@bp.post("/practitioners/<int:practitioner_id>/unsuspend")
def unsuspend(practitioner_id: int) -> Response:
    form = UnsuspendForm()
    _, error = attempt(lambda: verification.unsuspend(
        listings.get_practitioner(practitioner_id), current_user, form.reason.data))
    if error:
        flash(error.detail, "error")
    else:
        flash("Suspension lifted.", "success")
    return redirect(url_for("admin.practitioner", practitioner_id=practitioner_id))


@bp.route("/practitioners/<int:practitioner_id>/listing", methods=["GET", "POST"])
def edit_listing(practitioner_id: int) -> str | Response:
    practitioner = listings.get_practitioner(practitioner_id)
    back = url_for("admin.practitioner", practitioner_id=practitioner.id)
    return listing_editor(practitioner.user, practitioner, done=lambda _: back,
                          heading=f"Edit listing: {practitioner.display_name}", cancel_url=back)


# --- Audit log ----------------------------------------------------------------------------

@bp.get("/audit")
def audit_log() -> str:
    subject = request.args.get("subject_type", "")
    if subject not in dict(AUDIT_SUBJECTS):
        subject = ""
    pagination = db.paginate(audit.entries_query(subject or None), page=max(request.args.get("page", 1, type=int), 1),
                             per_page=50, error_out=False)
    return render_template("admin/audit.html", pagination=pagination, subject=subject, subjects=AUDIT_SUBJECTS)


# --- Taxonomy -----------------------------------------------------------------------------

def _kind(kind: str) -> str:
    if kind not in KIND_LABELS:
        abort(404)
    return kind


@bp.get("/taxonomy")
def taxonomy_index() -> str:
    return render_template(
        "admin/taxonomy.html", state_form=TermStateForm(formdata=None),
        groups=[("concern", "Concerns", taxonomy.concerns(active_only=False)),
                ("modality", "Modalities", taxonomy.modalities(active_only=False)),
                ("technique", "Techniques", taxonomy.techniques(active_only=False))],
    )


def _term_form(kind: str, form: TermForm) -> TermForm:
    if kind == "technique":
        form.modality_slug.choices = choices([("", "Choose…")] + [(m.slug, m.name) for m in taxonomy.modalities(False)])
    else:
        del form.modality_slug
    return form


@bp.route("/taxonomy/<kind>/new", methods=["GET", "POST"], endpoint="new_term")
@bp.route("/taxonomy/<kind>/<int:term_id>", methods=["GET", "POST"], endpoint="edit_term")
def term(kind: str, term_id: int | None = None) -> str | Response:
    kind = _kind(kind)
    existing = taxonomy.get_term(kind, term_id) if term_id is not None else None
    if request.method == "GET" and existing is not None:
        form = TermForm(obj=existing, modality_slug=getattr(getattr(existing, "modality", None), "slug", ""))
    else:
        form = TermForm()
    form = _term_form(kind, form)
    if form.validate_on_submit():
        saved, error = attempt(lambda: taxonomy.save_term(kind, form.to_input(), current_user, term_id))
        if error:
            apply_errors(form, error)
        else:
            flash(f"Saved {KIND_LABELS[kind].lower()} “{saved.name}”.", "success")
            return redirect(url_for("admin.taxonomy_index") + f"#{kind}")
    return render_template("admin/term.html", form=form, kind=kind, kind_label=KIND_LABELS[kind], term=existing)


@bp.post("/taxonomy/<kind>/<int:term_id>/state")
def set_term_state(kind: str, term_id: int) -> Response:
    active = TermStateForm().active.data == "1"
    saved = taxonomy.set_term_active(_kind(kind), term_id, active, current_user)
    db.session.commit()
    flash(f"“{saved.name}” is {'offered again' if active else 'retired'}.", "success")
    return redirect(url_for("admin.taxonomy_index") + f"#{kind}")
