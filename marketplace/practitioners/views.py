"""The practitioner's own area: dashboard, listing, locations.

Every page here acts on the signed-in practitioner's own listing (``listing_for``), never
on an id from the URL, so no page lets one practitioner reach another's listing.
"""

from __future__ import annotations

from typing import Callable

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.accounts.models import Role, User
from marketplace.core.errors import Conflict, DomainError
from marketplace.extensions import db
from marketplace.geo.gazetteer import country_in_sentence, country_name
from marketplace.notifications import services as notifications
from marketplace.practitioners import services
from marketplace.practitioners.forms import ListingForm, LocationForm
from marketplace.practitioners.models import Location, Practitioner
from marketplace.practitioners.schemas import PractitionerPublic
from marketplace.taxonomy import services as taxonomy
from marketplace.verification import queries
from marketplace.web.auth import roles_required
from marketplace.web.templating import apply_errors

bp = Blueprint("practitioners", __name__, url_prefix="/practitioner")
practitioner_only = roles_required(Role.PRACTITIONER)


def _own_listing_or_redirect() -> Practitioner | Response:
    listing = services.listing_for(current_user)
    if listing is None:
        flash("Create your listing first.", "info")
        return redirect(url_for("practitioners.edit_listing"))
    return listing


@bp.get("/")
@practitioner_only
def dashboard() -> str:
    listing = services.listing_for(current_user)
    context = {"listing": listing, "notifications": notifications.for_user(current_user, limit=10)}
    if listing is not None:
        context.update(
            hidden_reason=queries.hidden_reason(listing),
            states=queries.modality_states(listing),
            public=PractitionerPublic.of(listing),
            credentials=queries.credentials_of(listing),
        )
    return render_template("practitioners/dashboard.html", **context)


def listing_editor(owner: User, practitioner: Practitioner | None, *, done: Callable[[Practitioner], str],
                   heading: str, cancel_url: str) -> str | Response:
    """The listing form for ``owner``'s listing; shared with the admin's edit page (an
    admin passes the target practitioner's account and listing)."""
    form = ListingForm() if request.method == "POST" else ListingForm.for_listing(practitioner)
    if form.validate_on_submit():
        data, fee_rows = form.to_input()
        try:
            saved = services.save_listing(owner, data, practitioner)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            # The service counts only filled fee rows; point its messages at the page's rows.
            exc.errors = {_fee_key(key, fee_rows): msgs for key, msgs in exc.errors.items()}
            apply_errors(form, exc, aliases={"amount": "price"})
        else:
            flash("Listing saved.", "success")
            if saved.place_overrides_country:
                flash(f"You chose {country_in_sentence(saved.country_code)}, but your first place is in "
                      f"{country_in_sentence(saved.home_country)}: seekers see you as based there. Change the "
                      "country, or your places, if that is not right.", "info")
            return redirect(done(saved))
    elif request.method == "POST":
        flash("Some fields need attention; see the messages below.", "error")
    form.with_blank_fee_row()
    return render_template(
        "practitioners/listing.html", form=form, heading=heading, cancel_url=cancel_url,
        modalities=taxonomy.modalities(), concerns=taxonomy.concerns(), practitioner=practitioner,
    )


def _fee_key(key: str, fee_rows: dict[str, str]) -> str:
    parts = key.split(".")
    if len(parts) >= 2 and parts[0] == "fees" and parts[1] in fee_rows:
        parts[1] = fee_rows[parts[1]]
    return ".".join(parts)


@bp.route("/listing", methods=["GET", "POST"])
@practitioner_only
def edit_listing() -> str | Response:
    listing = services.listing_for(current_user)
    return listing_editor(
        current_user, listing, done=lambda _: url_for("practitioners.dashboard"),
        heading="Your listing" if listing else "Create your listing",
        cancel_url=url_for("practitioners.dashboard"),
    )


@bp.route("/locations", methods=["GET", "POST"])
@practitioner_only
def locations() -> str | Response:
    listing = _own_listing_or_redirect()
    if isinstance(listing, Response):
        return listing
    resolver, form = current_app.extensions["place_resolver"], LocationForm()
    if request.method == "GET":
        # A new place is likeliest in the country they practise from: "Richmond" from a
        # London practice is not Richmond, Virginia (they can clear or change it).
        form.country.data = country_name(listing.home_country) or ""
    return _location_form(form, lambda data: services.add_location(listing, data, resolver), "Added",
                          "practitioners/locations.html", listing=listing)


@bp.route("/locations/<int:location_id>/edit", methods=["GET", "POST"])
@practitioner_only
def edit_location(location_id: int) -> str | Response:
    listing = _own_listing_or_redirect()
    if isinstance(listing, Response):
        return listing
    location = services.get_location(listing, location_id)  # 404 unless on their own listing
    form = LocationForm()
    if request.method == "GET":
        form.label.data, form.venue_type.data = location.label, location.venue_type.value
        form.address.data, form.city.data, form.country.data = location.address, location.city, location.country
        if not (location.address or location.city):  # given as a point: edit the point
            form.lat.data, form.lon.data = location.lat, location.lon
    resolver, keep = current_app.extensions["place_resolver"], request.form.get("keep_bookings") == "1"
    return _location_form(
        form, lambda data: services.update_location(listing, location_id, data, resolver, keep_bookings=keep),
        "Saved", "practitioners/location_edit.html", location=location)


def _location_form(form: LocationForm, save: Callable[[services.LocationInput], Location], done: str, template: str,
                   **context: object) -> str | Response:
    """Save a submitted location form and go back to the list, or show ``template`` again:
    with the errors (the coordinates open when the address could not be found, the
    geocoder is down, or they were given), or, when people are booked at a place being
    moved, with ``confirm_move`` saying so."""
    show_coordinates, confirm_move = False, None
    if form.validate_on_submit():
        try:
            location = save(form.to_input())
            db.session.commit()
        except Conflict as exc:
            db.session.rollback()
            confirm_move = exc.detail
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            # An address the map cannot find (or a geocoder outage): coordinates are the way through.
            show_coordinates = exc.status == 503 or bool({"address", "city", "lat", "lon"} & set(exc.errors))
        else:
            flash(f"{done} {location.label} ({location.resolved_label}).", "success")
            return redirect(url_for("practitioners.locations"))
    if form.lat.errors or form.lon.errors or form.lat.data is not None or form.lon.data is not None:
        show_coordinates = True
    return render_template(template, form=form, show_coordinates=show_coordinates, confirm_move=confirm_move,
                           **context)


@bp.post("/locations/<int:location_id>/remove")
@practitioner_only
def remove_location(location_id: int) -> Response:
    listing = _own_listing_or_redirect()
    if isinstance(listing, Response):
        return listing
    # NotFound (404) for a location that is not on this practitioner's own listing.
    location = services.get_location(listing, location_id)
    label = location.label
    try:
        kept = services.remove_location(listing, location_id, keep_bookings=request.form.get("keep_bookings") == "1")
    except Conflict as exc:
        # People are booked there: say so, and let the practitioner confirm or keep the place.
        return render_template("practitioners/locations.html", form=LocationForm(formdata=None), listing=listing,
                               show_coordinates=False, confirm_removal=(location, exc.detail))
    db.session.commit()
    flash(f"Removed {label}." + (f" The {kept} upcoming booking{'s' if kept > 1 else ''} there "
                                 f"{'keep' if kept > 1 else 'keeps'} its address." if kept else ""), "success")
    return redirect(url_for("practitioners.locations"))
