"""Package pages: browsing packages and plans (public), a practitioner's packages and
invitations, and a seeker's care plan.

Practitioner pages act on the signed-in practitioner's own listing; a package id in the
URL is only honoured for its owner (or, for invitations, the invited practitioner), so
nobody reaches another practitioner's package by changing a number.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta, timezone

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.accounts.models import Role
from marketplace.core.clock import utcnow
from marketplace.core.errors import DomainError, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.geo.service import region_of
from marketplace.packages import careplan
from marketplace.packages import enrollments as enrolling
from marketplace.packages import partners, queries, services
from marketplace.packages.forms import InviteForm, PackageForm, ScheduleForm, share_text, shares_from
from marketplace.packages.models import EnrollmentStatus, Package, PackagePartner, PartnerStatus
from marketplace.packages.schemas import EnrollmentOut, PackageOut, PackageOwner
from marketplace.practitioners.models import Practitioner
from marketplace.practitioners.services import listing_for
from marketplace.search.outcome import DEFAULT_RADIUS_KM, MAX_RADIUS_KM
from marketplace.taxonomy import services as taxonomy
from marketplace.web.auth import roles_required
from marketplace.web.templating import apply_errors

bp = Blueprint("packages", __name__)
practitioner_only = roles_required(Role.PRACTITIONER)
seeker_only = roles_required(Role.SEEKER)
SLOT_DAYS = 14  # how far the schedule page looks for open times


# --- Public ---------------------------------------------------------------------------------

@bp.get("/packages")
def browse() -> str:
    concern = request.args.get("concern", "").strip()[:80] or None
    near = request.args.get("near", "").strip()[:200] or None
    radius = request.args.get("radius_km", DEFAULT_RADIUS_KM, type=float)
    radius = min(max(radius, 1.0), MAX_RADIUS_KM) if math.isfinite(radius) else DEFAULT_RADIUS_KM
    concerns = taxonomy.concerns()
    concern_row = next((c for c in concerns if c.slug == concern), None)
    where, place_error, plan = None, None, None
    try:
        where = services.locate(current_app.extensions["place_resolver"], near,
                                region=region_of(request.accept_languages.values()))
    except DomainError as exc:
        place_error = (exc.errors.get("near") or [exc.detail])[0]
    found = queries.find_on_sale(concern_row.slug if concern_row else None,
                                 (where.lat, where.lon, radius) if where else None)
    if concern_row and where:
        plan = queries.plan_for(concern_row, where.lat, where.lon, radius)
    return render_template(
        "packages/list.html", packages=[PackageOut.of(p, d) for p, d in found], concerns=concerns,
        concern=concern_row, near=near, radius=radius, where=where, place_error=place_error, plan=plan,
        unknown_concern=concern is not None and concern_row is None,
    )


@bp.get("/packages/<int:package_id>")
def detail(package_id: int) -> str:
    package = services.get_package(package_id)
    insider = current_user.is_authenticated and services.can_view(current_user, package)
    sellable = queries.is_sellable(package)
    if not sellable and not insider:
        raise NotFound(f"No package {package_id} on sale.")
    return render_template(
        "packages/detail.html", p=PackageOut.of(package), package=package, sellable=sellable,
        reasons=queries.not_sellable_reasons(package) if insider else [],
        can_reserve=sellable and (not current_user.is_authenticated or current_user.role is Role.SEEKER),
    )


@bp.post("/packages/<int:package_id>/reserve")
@seeker_only
def reserve(package_id: int) -> Response:
    enrollment = enrolling.reserve(current_user, services.get_sellable(package_id))
    db.session.commit()
    flash(f"“{enrollment.package.name}” is reserved for you. Pay for it below; once it is paid, "
          "you book its sessions here.", "success")
    return redirect(url_for("packages.care_plan") + f"#enrollment-{enrollment.id}")


# --- A practitioner's packages -----------------------------------------------------------------

def _listing_or_redirect() -> Practitioner | Response:
    listing = listing_for(current_user)
    if listing is None:
        flash("Create your listing first.", "info")
        return redirect(url_for("practitioners.edit_listing"))
    return listing


def _own(listing: Practitioner, package_id: int) -> Package:
    package = services.get_package(package_id)
    if package.owner_id != listing.id:
        raise NotFound(f"No package {package_id} of yours.")
    return package


@bp.get("/practitioner/packages")
@practitioner_only
def mine() -> str | Response:
    listing = _listing_or_redirect()
    if isinstance(listing, Response):
        return listing
    from marketplace.booking.queries import for_practitioner

    now = utcnow()
    bookings = db.session.scalars(for_practitioner(listing, start=now).limit(50)).all()
    return render_template(
        "packages/mine.html", listing=listing,
        packages=[PackageOwner.of(p) for p in queries.packages_of(listing)],
        invitations=queries.invitations_for(listing), package_bookings=queries.package_bookings(bookings),
    )


def _edit(listing: Practitioner, package: Package | None) -> str | Response:
    form = PackageForm() if request.method == "POST" else PackageForm.for_package(package)
    if form.validate_on_submit():
        data, rows = form.to_input()
        try:
            saved = services.save_package(listing, data, package)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            exc.errors = {_row_key(k, rows): v for k, v in exc.errors.items()}
            apply_errors(form, exc)
        else:
            flash("Package saved. Invite partners and check the shares, then put it on sale.", "success")
            return redirect(url_for("packages.manage", package_id=saved.id))
    elif request.method == "POST":
        flash("Some fields need attention; see the messages below.", "error")
    people = [(listing.id, f"You ({listing.display_name})")]
    if package is not None:
        people += [(p.practitioner_id, p.practitioner.display_name) for p in package.partners
                   if p.practitioner_id != listing.id and p.status is not PartnerStatus.DECLINED]
    form.offer(people, [(m.slug, m.name) for m in taxonomy.modalities()],
               [(t.slug, f"{t.modality.name}: {t.name}") for t in taxonomy.techniques()])
    return render_template("packages/edit.html", form=form, package=package, listing=listing,
                           concerns=taxonomy.concerns())


def _row_key(key: str, rows: dict[str, str]) -> str:
    parts = key.split(".")
    if len(parts) >= 2 and parts[0] == "components" and parts[1] in rows:
        parts[1] = rows[parts[1]]
    return ".".join(parts)


@bp.route("/practitioner/packages/new", methods=["GET", "POST"])
@practitioner_only
def new() -> str | Response:
    listing = _listing_or_redirect()
    return listing if isinstance(listing, Response) else _edit(listing, None)


@bp.route("/practitioner/packages/<int:package_id>/edit", methods=["GET", "POST"])
@practitioner_only
def edit(package_id: int) -> str | Response:
    listing = _listing_or_redirect()
    return listing if isinstance(listing, Response) else _edit(listing, _own(listing, package_id))


def _manage_page(listing: Practitioner, package: Package, invite: InviteForm | None = None,
                 share_errors: dict[str, list[str]] | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "packages/manage.html", listing=listing, package=package, p=PackageOwner.of(package),
        invite=invite or InviteForm(), share_errors=share_errors or {}, share_text=share_text,
        suggested=partners.suggested_shares(package),
    ), status


@bp.get("/practitioner/packages/<int:package_id>")
@practitioner_only
def manage(package_id: int) -> str | Response | tuple[str, int]:
    listing = _listing_or_redirect()
    if isinstance(listing, Response):
        return listing
    return _manage_page(listing, _own(listing, package_id))


@bp.post("/practitioner/packages/<int:package_id>/partners")
@practitioner_only
def invite(package_id: int) -> Response | tuple[str, int]:
    listing = _listing_or_redirect()
    if isinstance(listing, Response):
        return listing
    package = _own(listing, package_id)
    form = InviteForm()
    form.package_currency = package.currency
    if form.validate_on_submit():
        try:
            row = partners.invite_partner(listing, package, form.partner.data or "", form.share.data or 0)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            flash(f"{row.practitioner.display_name} is invited. Give them sessions in the package; they accept "
                  "from their own account.", "success")
            return redirect(url_for("packages.manage", package_id=package.id))
    return _manage_page(listing, services.get_package(package_id), invite=form, status=400)


@bp.post("/practitioner/packages/<int:package_id>/partners/<int:practitioner_id>/remove")
@practitioner_only
def remove_partner(package_id: int, practitioner_id: int) -> Response:
    listing = _listing_or_redirect()
    if isinstance(listing, Response):
        return listing
    package = _own(listing, package_id)
    try:
        partners.remove_partner(listing, package, practitioner_id)
        db.session.commit()
        flash("Partner removed.", "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.detail, "error")
    return redirect(url_for("packages.manage", package_id=package_id))


@bp.post("/practitioner/packages/<int:package_id>/shares")
@practitioner_only
def set_shares(package_id: int) -> Response | tuple[str, int]:
    listing = _listing_or_redirect()
    if isinstance(listing, Response):
        return listing
    package = _own(listing, package_id)
    if request.form.get("split") == "minutes":
        shares, errors = partners.suggested_shares(package), {}
    else:
        shares, errors = shares_from(request.form, [p.practitioner_id for p in package.partners],
                                     package.currency)
    try:
        if errors:
            raise ValidationFailed("The shares do not work yet.", errors)
        partners.set_shares(listing, package, shares)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _manage_page(listing, services.get_package(package_id), share_errors=exc.errors, status=400)
    flash("Shares saved.", "success")
    return redirect(url_for("packages.manage", package_id=package_id))


@bp.post("/practitioner/packages/<int:package_id>/publish")
@practitioner_only
def publish(package_id: int) -> Response:
    listing = _listing_or_redirect()
    if isinstance(listing, Response):
        return listing
    own = _own(listing, package_id)  # outside the try: someone else's package is a 403/404, not a flash
    try:
        package = services.publish(listing, own)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        problems = [m for messages in exc.errors.values() for m in messages] or [exc.detail]
        flash("Not on sale yet: " + " ".join(problems), "error")
    else:
        flash(f"“{package.name}” is on sale.", "success")
    return redirect(url_for("packages.manage", package_id=package_id))


@bp.post("/practitioner/packages/<int:package_id>/withdraw")
@practitioner_only
def withdraw(package_id: int) -> Response:
    listing = _listing_or_redirect()
    if isinstance(listing, Response):
        return listing
    package = services.withdraw(listing, _own(listing, package_id))
    db.session.commit()
    flash(f"“{package.name}” is withdrawn. People who bought it keep their sessions.", "success")
    return redirect(url_for("packages.manage", package_id=package_id))


@bp.post("/practitioner/packages/invitations/<int:invitation_id>/<any(accept, decline):answer>")
@practitioner_only
def answer(invitation_id: int, answer: str) -> Response:
    listing = _listing_or_redirect()
    if isinstance(listing, Response):
        return listing
    row = db.session.get(PackagePartner, invitation_id)
    if row is None or row.practitioner_id != listing.id:
        raise NotFound(f"No invitation {invitation_id}.")
    try:
        partners.respond_to_invitation(listing, row, accept=answer == "accept")
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.detail, "error")
    else:
        flash(f"You {answer}ed “{row.package.name}”.", "success")
    return redirect(url_for("packages.mine"))


# --- The seeker's care plan ------------------------------------------------------------------

@bp.get("/care-plan")
@seeker_only
def care_plan() -> str:
    items = [(e, EnrollmentOut.of(e)) for e in queries.enrollments_of(current_user)]
    # What cancelling each bought package would refund now (its unused sessions).
    refunds = {e.id: enrolling.unused_value(e) for e, _ in items if e.status is EnrollmentStatus.ACTIVE}
    return render_template("packages/care_plan.html", items=items, EnrollmentStatus=EnrollmentStatus,
                           refunds=refunds)


@bp.route("/care-plan/<int:enrollment_id>/components/<int:component_id>/schedule", methods=["GET", "POST"])
@seeker_only
def schedule(enrollment_id: int, component_id: int) -> str | Response | tuple[str, int]:
    from marketplace.booking.queries import channels, open_slots

    enrollment = enrolling.get_enrollment(enrollment_id, current_user)
    try:
        component = enrolling.schedulable_component(current_user, enrollment, component_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        flash(exc.detail, "error")
        return redirect(url_for("packages.care_plan"))
    form = ScheduleForm()
    if form.validate_on_submit():
        chosen = form.chosen()
        try:
            if chosen is None:
                raise ValidationFailed.on_field("slot", "Choose one of the times shown.")
            start, location_id, online = chosen
            session = enrolling.schedule_session(current_user, enrollment, component_id, start, location_id, online)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc, aliases={"start": "slot", "location_id": "slot", "online": "slot"})
        else:
            flash(f"Booked: {component.modality.name} with {component.practitioner.display_name}, "
                  f"session {session.number} of {component.sessions}.", "success")
            return redirect(url_for("packages.care_plan") + f"#enrollment-{enrollment.id}")
    suggested = careplan.suggested_days(enrollment)
    now = utcnow()
    first_day = suggested[0] if suggested else (now + timedelta(days=1)).date()
    start = max(now, datetime.combine(first_day, time.min, tzinfo=timezone.utc) - timedelta(hours=14))
    end = min(enrollment.expires_at or start + timedelta(days=SLOT_DAYS), start + timedelta(days=SLOT_DAYS))
    slots = open_slots(component.practitioner, start, end, minutes=component.minutes) if end > start else []
    choices = [(ScheduleForm.slot_value(s.start, s.channel.key), s) for s in slots[:60]]
    page = render_template("packages/schedule.html", form=form, enrollment=enrollment, component=component,
                           suggested=suggested, choices=choices, places=channels(component.practitioner))
    return page, 400 if request.method == "POST" else 200


@bp.post("/care-plan/<int:enrollment_id>/cancel")
@seeker_only
def cancel_reservation(enrollment_id: int) -> Response:
    """Cancel a reservation or a bought package. Payments decide the money: the order
    ends with it, and a paid package refunds its unused sessions pro rata."""
    from marketplace.payments import cancellations

    enrollment = enrolling.get_enrollment(enrollment_id, current_user)
    paid = enrollment.status is not EnrollmentStatus.PENDING_PAYMENT
    reason = "Cancelled by the seeker." if paid else "Cancelled by the seeker before paying."
    try:
        result = cancellations.cancel_enrollment(enrollment, current_user, reason)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.detail, "error")
        return redirect(url_for("packages.care_plan"))
    cancellations.after_commit(result.order)
    flash(f"Package cancelled. {result.explanation}" if paid else "Reservation cancelled.", "success")
    return redirect(url_for("packages.care_plan"))


@bp.app_template_global("packages_delivered_by")
def packages_delivered_by(practitioner_id: int) -> list[queries.PackageSummary]:
    """On-sale packages a practitioner delivers, for their public profile (whose view
    belongs to the public pages)."""
    return queries.for_practitioner_page(practitioner_id)
