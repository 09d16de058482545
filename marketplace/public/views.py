"""Public pages: the home page, browsing verified practitioners, and a profile."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.practitioners import services as listings
from marketplace.practitioners.schemas import PractitionerPublic
from marketplace.taxonomy import services as taxonomy
from marketplace.verification import queries

bp = Blueprint("public", __name__)
PER_PAGE = 12


@bp.get("/")
def home() -> str:
    first = db.paginate(queries.visible_practitioners(), page=1, per_page=6, error_out=False)
    return render_template("public/home.html", concerns=taxonomy.concerns(), modalities=taxonomy.modalities(),
                           featured=[PractitionerPublic.of(p) for p in first.items], total=first.total)


@bp.get("/practitioners")
def browse() -> str:
    city = request.args.get("city", "").strip()[:120] or None
    modality = request.args.get("modality", "").strip()[:80] or None
    concern = request.args.get("concern", "").strip()[:80] or None
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(queries.browse(city, modality, concern), page=max(page, 1), per_page=PER_PAGE,
                             error_out=False)
    concerns = taxonomy.concerns()
    return render_template(
        "public/browse.html", pagination=pagination, cards=[PractitionerPublic.of(p) for p in pagination.items],
        city=city, modality=modality, concern=concern, cities=queries.visible_cities(),
        modalities=taxonomy.modalities(), concerns=concerns,
        concern_name=next((c.name for c in concerns if c.slug == concern), None),
    )


@bp.get("/practitioners/<int:practitioner_id>")
def profile(practitioner_id: int) -> str:
    practitioner = listings.get_practitioner(practitioner_id)
    is_owner_or_admin = current_user.is_authenticated and (
        current_user.is_admin or practitioner.user_id == current_user.id)
    if not is_owner_or_admin and not queries.is_visible(practitioner):
        # The same answer as for an id that does not exist: hidden listings cannot be probed.
        raise NotFound(f"No practitioner {practitioner_id}.")
    hidden_reason = queries.hidden_reason(practitioner) if is_owner_or_admin else None
    return render_template("public/profile.html", p=PractitionerPublic.of(practitioner),
                           hidden_reason=hidden_reason, is_owner_or_admin=is_owner_or_admin,
                           owner_id=practitioner.user_id)
