"""The practitioner's area: dashboard, listing form, locations and credentials."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Role
from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.practitioners.forms import price_to_minor_units
from marketplace.practitioners.models import Location, Practitioner
from marketplace.seed.documents import licence_pdf
from marketplace.verification.models import Credential, CredentialStatus
from tests.builders import login, make_credential, make_practitioner, make_user
from tests.pages.helpers import credential_form, listing_form, post, text


@pytest.fixture
def practitioner_client(client):
    """A signed-in practitioner account with no listing yet."""
    user = make_user(Role.PRACTITIONER)
    login(client, user)
    client.user = user
    return client


@pytest.fixture
def listed(client):
    """A signed-in practitioner with an acupuncture listing and one location."""
    practitioner = make_practitioner(display_name="Listed Lee")
    login(client, practitioner.user)
    return practitioner


def _listing(user) -> Practitioner | None:
    return db.session.scalar(select(Practitioner).where(Practitioner.user_id == user.id))


# --- roles ------------------------------------------------------------------------------

def test_practitioner_pages_need_a_practitioner(client):
    for url in ("/practitioner/", "/practitioner/listing", "/practitioner/locations", "/practitioner/credentials"):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"], url
    login(client, make_user(Role.SEEKER))
    for url in ("/practitioner/", "/practitioner/listing", "/practitioner/locations", "/practitioner/credentials"):
        assert client.get(url).status_code == 403, url


def test_nav_shows_the_practitioner_area(listed, client):
    html = text(client.get("/practitioner/"))
    for label in ("Dashboard", "Listing", "Locations", "Credentials", "Notifications", "Sign out"):
        assert label in html
    assert "Verification queue" not in html


# --- dashboard --------------------------------------------------------------------------

def test_dashboard_without_a_listing_invites_you_to_create_one(practitioner_client):
    html = text(practitioner_client.get("/practitioner/"))
    assert "Create your listing" in html
    locations = practitioner_client.get("/practitioner/locations")
    assert locations.status_code == 302 and locations.headers["Location"] == "/practitioner/listing"


def test_dashboard_says_why_the_listing_is_hidden_and_where_each_modality_stands(app, client):
    p = make_practitioner(modalities=("acupuncture", "massage"))
    make_credential(app, p, status=CredentialStatus.PENDING, modalities=["acupuncture"])
    login(client, p.user)
    html = text(client.get("/practitioner/"))
    assert "Not visible to the public:" in html
    assert "no approved credential yet" in html
    assert "Pending" in html and "Not covered" in html


def test_dashboard_shows_visible_and_notifications(app, client):
    p = make_practitioner()
    make_credential(app, p, status=CredentialStatus.APPROVED)
    from marketplace.notifications.services import notify

    notify(p.user, "test", "Your credential was approved.")
    db.session.commit()
    login(client, p.user)
    html = text(client.get("/practitioner/"))
    assert "Visible to the public." in html
    assert "Verified" in html
    assert "Your credential was approved." in html
    assert '<span class="count">1' in html


# --- listing form -------------------------------------------------------------------------

def test_listing_form_has_the_stable_field_names(listed, client):
    html = text(client.get("/practitioner/listing"))
    for name in ("display_name", "bio", "years_in_practice", "languages", "offers_online",
                 "fees-0-label", "fees-0-minutes", "fees-0-price", "fees-0-currency"):
        assert f'name="{name}"' in html, name
    assert 'name="modalities" value="acupuncture" checked' in html
    assert 'name="techniques" value="dry-needling"' in html
    assert 'name="concerns" value="back-spasm" checked' in html
    assert 'value="Save listing"' in html
    assert 'value="1500.00"' in html  # the existing fee (150000 minor units), as a decimal price


def test_a_declared_country_that_differs_from_the_first_place_is_pointed_out(listed, client):
    saved = post(client, "/practitioner/listing", listing_form(country_code="GB"), follow_redirects=True)
    html = text(saved)
    assert "You chose the United Kingdom, but your first place is in India: seekers see you as based there." in html
    assert listed.home_country == "IN"
    same = post(client, "/practitioner/listing", listing_form(country_code="IN"), follow_redirects=True)
    assert "seekers see you as based there" not in text(same)


def test_blank_fee_rows_start_in_the_currency_the_listing_prices_in(client):
    practitioner = make_practitioner(display_name="London Lee", fees=(("Consultation", 60, 7500, "GBP"),))
    login(client, practitioner.user)
    html = text(client.get("/practitioner/listing"))
    for row in (1, 2):
        select = html[html.index(f'name="fees-{row}-currency"'):]
        select = select[:select.index("</select>")]
        assert '<option selected value="GBP">' in select, row
    # A failed save keeps what was typed, and the fresh row follows the fees above it.
    failed = post(client, "/practitioner/listing", listing_form(**{
        "display_name": "", "fees-0-currency": "GBP", "fees-1-label": "Follow-up", "fees-1-minutes": "45",
        "fees-1-price": "50", "fees-1-currency": "GBP", "fees-2-label": "Home visit", "fees-2-minutes": "60",
        "fees-2-price": "90", "fees-2-currency": "GBP"}))
    html = text(failed)
    select = html[html.index('name="fees-3-currency"'):]
    assert '<option selected value="GBP">' in select[:select.index("</select>")]


def test_creating_a_listing_converts_prices_exactly(practitioner_client):
    response = post(practitioner_client, "/practitioner/listing", listing_form(**{
        "fees-1-label": "Follow-up", "fees-1-minutes": "45", "fees-1-price": "1,200.10", "fees-1-currency": "INR",
    }))
    assert response.status_code == 302, text(response)
    listing = _listing(practitioner_client.user)
    assert listing.display_name == "Meera Iyer"
    assert listing.languages == ["English", "Kannada"]
    assert listing.offers_online is True
    assert [m.slug for m in listing.modalities] == ["acupuncture"]
    assert [(f.label, f.minutes, f.amount, f.currency) for f in listing.fees] == [
        ("First consultation", 60, 4550, "GBP"), ("Follow-up", 45, 120010, "INR")]


def test_an_online_only_practitioner_picks_the_country_they_practise_from(practitioner_client):
    form = listing_form(country_code="GB")
    assert post(practitioner_client, "/practitioner/listing", form).status_code == 302
    listing = _listing(practitioner_client.user)
    assert listing.country_code == "GB" and listing.home_country == "GB"  # no place listed: the declared one
    html = text(practitioner_client.get("/practitioner/listing"))
    assert '<option selected value="GB">United Kingdom</option>' in html
    assert '<option value="IN">India</option>' in html
    # The public profile says where the video calls come from.
    make_credential(practitioner_client.application, listing, status=CredentialStatus.APPROVED)
    profile = text(practitioner_client.get(f"/practitioners/{listing.id}"))
    assert "Offers online consultations from the United Kingdom." in profile
    assert "those in the United Kingdom see you with the practitioners of their own country" in text(
        practitioner_client.get("/practitioner/locations"))
    # A code not on the list is a field error, and "Not stated" clears it.
    refused = post(practitioner_client, "/practitioner/listing", listing_form(country_code="XX"))
    assert refused.status_code == 200 and "Not a valid choice" in text(refused)
    assert post(practitioner_client, "/practitioner/listing", listing_form(country_code="")).status_code == 302
    db.session.refresh(listing)
    assert listing.country_code is None
    assert "Say which country you practise from" in text(practitioner_client.get("/practitioner/locations"))


def test_a_practitioner_may_state_their_gender_and_the_profile_shows_it(practitioner_client):
    html = text(practitioner_client.get("/practitioner/listing"))
    assert '<option selected value="">Not stated</option>' in html and '<option value="woman">Woman</option>' in html
    assert post(practitioner_client, "/practitioner/listing", listing_form(gender="woman")).status_code == 302
    listing = _listing(practitioner_client.user)
    assert listing.gender.value == "woman"
    assert '<option selected value="woman">Woman</option>' in text(practitioner_client.get("/practitioner/listing"))
    make_credential(practitioner_client.application, listing, status=CredentialStatus.APPROVED)
    assert "12 years in practice · Woman · Speaks English, Kannada" in text(
        practitioner_client.get(f"/practitioners/{listing.id}"))
    refused = post(practitioner_client, "/practitioner/listing", listing_form(gender="female"))
    assert refused.status_code == 200 and "Not a valid choice" in text(refused)
    # "Not stated" takes it off the listing and the profile.
    assert post(practitioner_client, "/practitioner/listing", listing_form(gender="")).status_code == 302
    db.session.refresh(listing)
    assert listing.gender is None
    assert "12 years in practice · Speaks English, Kannada" in text(
        practitioner_client.get(f"/practitioners/{listing.id}"))


@pytest.mark.parametrize("typed, minor", [("45", 4500), ("45.5", 4550), ("0.29", 29), ("19.99", 1999),
                                          ("1,200.00", 120000), (" 7.10 ", 710), ("0", 0),
                                          # as people write prices: symbols, words, Indian and
                                          # European habits
                                          ("₹1,500", 150000), ("Rs. 1500/-", 150000), ("Rs.1500", 150000),
                                          ("1500 rupees", 150000), ("£45.50", 4550), ("45 GBP", 4500),
                                          ("45,50 €", 4550), ("1,50,000", 15000000), ("$.50", 50),
                                          ("US$60", 6000), ("AED 200", 20000)])
def test_prices_become_exact_minor_units(typed, minor):
    assert price_to_minor_units(typed) == minor


@pytest.mark.parametrize("typed", ["4.555", "abc", "-5", "1e3x", "NaN", "Infinity", "45 bananas", "£45 INR",
                                   "₹", "--45"])
def test_bad_prices_are_refused(typed):
    with pytest.raises(ValueError):
        price_to_minor_units(typed)


def test_a_symbol_for_another_currency_is_refused_not_converted():
    assert price_to_minor_units("₹1,500", "INR") == 150000
    assert price_to_minor_units("$45", "CAD") == 4500  # "$" alone names no one currency
    with pytest.raises(ValueError, match="This price is in INR, but GBP was typed"):
        price_to_minor_units("£45", "INR")


def test_a_fee_typed_with_its_symbol_is_stored_and_one_with_another_is_a_row_error(practitioner_client):
    response = post(practitioner_client, "/practitioner/listing", listing_form(**{
        "fees-1-label": "Follow-up", "fees-1-minutes": "45", "fees-1-price": "£30", "fees-1-currency": "INR",
    }))
    assert response.status_code == 200
    html = text(response)
    assert "This price is in INR, but GBP was typed" in html and 'id="fees-1-price-error"' in html
    assert _listing(practitioner_client.user) is None

    response = post(practitioner_client, "/practitioner/listing", listing_form(**{
        "fees-1-label": "Follow-up", "fees-1-minutes": "45", "fees-1-price": "Rs. 1,200/-", "fees-1-currency": "INR",
    }))
    assert response.status_code == 302, text(response)
    assert [(f.amount, f.currency) for f in _listing(practitioner_client.user).fees] == [(4550, "GBP"),
                                                                                         (120000, "INR")]


def test_bad_price_re_renders_on_its_row(practitioner_client):
    response = post(practitioner_client, "/practitioner/listing", listing_form(**{"fees-0-price": "45.555"}))
    assert response.status_code == 200
    html = text(response)
    assert "Use at most two decimal places." in html
    assert 'id="fees-0-price-error"' in html
    assert 'value="45.555"' in html  # what was typed stays in the box
    assert _listing(practitioner_client.user) is None


def test_service_errors_land_on_the_right_fields(practitioner_client):
    response = post(practitioner_client, "/practitioner/listing", listing_form(**{
        "display_name": "X",
        "modalities": [], "techniques": ["dry-needling"],
        # row 0 left blank; row 1 filled with a bad duration: the message must sit on row 1
        "fees-0-label": "", "fees-0-minutes": "", "fees-0-price": "",
        "fees-1-label": "Quick look", "fees-1-minutes": "2", "fees-1-price": "10", "fees-1-currency": "GBP",
    }))
    assert response.status_code == 200
    html = text(response)
    assert "Give the name seekers will see" in html and 'id="display_name-error"' in html
    assert "Add the modality for each technique first" in html
    assert 'id="fees-1-minutes-error"' in html and "Sessions last between 5 and 480 minutes." in html
    assert 'id="fees-0-minutes-error"' not in html
    assert _listing(practitioner_client.user) is None


def test_a_fee_row_without_a_price_is_a_field_error(practitioner_client):
    response = post(practitioner_client, "/practitioner/listing", listing_form(**{"fees-0-price": ""}))
    assert "Enter the price, e.g. 45 or 45.50." in text(response)
    assert _listing(practitioner_client.user) is None


def test_rows_added_in_the_browser_are_saved(practitioner_client):
    data = listing_form()
    data.update({"fees-3-label": "Cupping add-on", "fees-3-minutes": "20", "fees-3-price": "15", "fees-3-currency": "GBP"})
    assert post(practitioner_client, "/practitioner/listing", data).status_code == 302
    assert [f.label for f in _listing(practitioner_client.user).fees] == ["First consultation", "Cupping add-on"]


def test_clearing_a_fee_row_removes_the_fee(listed, client):
    data = listing_form(**{"fees-0-label": "", "fees-0-minutes": "", "fees-0-price": ""})
    assert post(client, "/practitioner/listing", data).status_code == 302
    db.session.refresh(listed)
    assert listed.fees == []


def test_the_listing_form_edits_only_your_own_listing(app, client):
    other = make_practitioner(display_name="Other Person")
    mine = make_practitioner(display_name="Mine")
    login(client, mine.user)
    # No page takes a listing id: extra fields naming someone else change nothing.
    post(client, "/practitioner/listing", listing_form(display_name="Renamed", practitioner_id=str(other.id),
                                                       id=str(other.id)))
    db.session.refresh(other)
    db.session.refresh(mine)
    assert other.display_name == "Other Person"
    assert mine.display_name == "Renamed"


def test_a_practitioner_cannot_use_the_admin_listing_editor(app, client):
    other = make_practitioner(display_name="Other Person")
    me = make_practitioner(display_name="Me")
    login(client, me.user)
    assert client.get(f"/admin/practitioners/{other.id}/listing").status_code == 403
    response = post(client, f"/admin/practitioners/{other.id}/listing", listing_form(display_name="Hijacked"))
    assert response.status_code == 403
    db.session.refresh(other)
    assert other.display_name == "Other Person"


# --- locations ----------------------------------------------------------------------------

def test_location_form_has_the_stable_fields(listed, client):
    html = text(client.get("/practitioner/locations"))
    for name in ("label", "venue_type", "address", "city", "country", "lat", "lon"):
        assert f'name="{name}"' in html, name
    assert 'value="Add location"' in html
    assert "Bengaluru clinic" in html


def test_a_new_location_starts_in_the_country_they_practise_from(client):
    """A London practice adding "Richmond" means Richmond, London: the form starts with their
    country, so the address is looked up there (and they can change it)."""
    london = make_practitioner(display_name="London Lee", city=None, country_code="GB")
    login(client, london.user)
    html = text(client.get("/practitioner/locations"))
    assert 'name="country" type="text" value="United Kingdom"' in html
    response = post(client, "/practitioner/locations", {
        "label": "Richmond rooms", "venue_type": "clinic", "address": "", "city": "Richmond",
        "country": "United Kingdom"})
    assert response.status_code == 302
    db.session.refresh(london)
    assert london.locations[0].resolved_label == "Richmond, England, United Kingdom"


def test_adding_a_location_by_coordinates(listed, client):
    response = post(client, "/practitioner/locations", {
        "label": "Koramangala studio", "venue_type": "clinic", "address": "", "city": "Bengaluru",
        "country": "India", "lat": "12.9352", "lon": "77.6245"})
    assert response.status_code == 302
    db.session.refresh(listed)
    added = [loc for loc in listed.locations if loc.label == "Koramangala studio"]
    assert added and abs(added[0].lat - 12.9352) < 1e-9
    assert "Koramangala studio" in text(client.get("/practitioner/locations"))


def test_a_whole_state_for_a_city_asks_for_the_town(listed, client):
    """A state typed as the city would be placed at the state's middle by an online geocoder
    (and was Florida, Cuba offline): the town is asked for, the state's biggest offered."""
    response = post(client, "/practitioner/locations", {
        "label": "Home clinic", "venue_type": "clinic", "address": "", "city": "Karnataka", "country": "India"})
    assert response.status_code == 200
    html = text(response)
    assert "“Karnataka, India” is a whole state: type a town or city in it." in html and "Bengaluru" in html
    db.session.refresh(listed)
    assert not [loc for loc in listed.locations if loc.label == "Home clinic"]


def test_an_address_the_map_cannot_find_opens_the_coordinates(listed, client):
    response = post(client, "/practitioner/locations", {
        "label": "Nowhere clinic", "venue_type": "clinic", "address": "1 Nowhere Lane",
        "city": "Bengalurux", "country": ""})
    assert response.status_code == 200
    html = text(response)
    assert "We could not find" in html
    assert "Did you mean" in html and "Bengaluru" in html
    assert 'id="address-error"' in html
    assert '<details class="coordinates" id="coordinates" open>' in html
    assert len(listed.locations) == 1


def test_location_field_errors_re_render(listed, client):
    response = post(client, "/practitioner/locations", {"label": "", "venue_type": "clinic", "lat": "95", "lon": "10"})
    html = text(response)
    assert response.status_code == 200
    assert "Name this location" in html
    assert "Latitude must be between -90 and 90." in html


def test_removing_a_location(listed, client):
    location_id = listed.locations[0].id
    assert client.get(f"/practitioner/locations/{location_id}/remove").status_code == 405
    response = post(client, f"/practitioner/locations/{location_id}/remove")
    assert response.status_code == 302
    assert db.session.get(Location, location_id) is None


def test_a_practitioner_cannot_remove_someone_elses_location(app, client):
    other = make_practitioner(display_name="Other")
    me = make_practitioner(display_name="Me")
    login(client, me.user)
    their_location = other.locations[0].id
    response = post(client, f"/practitioner/locations/{their_location}/remove")
    assert response.status_code == 404
    assert db.session.get(Location, their_location) is not None


# --- credentials ---------------------------------------------------------------------------

def test_credential_form_has_the_stable_fields(listed, client):
    html = text(client.get("/practitioner/credentials"))
    for name in ("type", "number", "issuing_body", "jurisdiction", "issued_on", "expires_on", "document"):
        assert f'name="{name}"' in html, name
    assert 'type="date"' in html
    assert 'name="modalities" value="acupuncture"' in html
    assert 'accept=".pdf,.jpg,.jpeg,.png"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'value="Upload credential"' in html


def test_uploading_a_credential_puts_it_in_the_queue(listed, client):
    pdf = licence_pdf("Licence for Listed Lee")
    response = post(client, "/practitioner/credentials",
                    credential_form((io.BytesIO(pdf), "licence.pdf")), content_type="multipart/form-data")
    assert response.status_code == 302, text(response)
    credential = db.session.scalar(select(Credential).where(Credential.practitioner_id == listed.id))
    assert credential.status is CredentialStatus.PENDING
    assert credential.number == "BAC-12345" and credential.document_mime == "application/pdf"
    page = text(client.get("/practitioner/credentials"))
    assert "Pending" in page and "BAC-12345" in page


def test_a_file_that_is_not_a_document_is_a_field_error(listed, client):
    response = post(client, "/practitioner/credentials",
                    credential_form((io.BytesIO(b"MZ not really a pdf"), "licence.pdf"),
                                    expires_on=(today() - timedelta(days=3)).isoformat()),
                    content_type="multipart/form-data")
    assert response.status_code == 200
    html = text(response)
    assert 'id="document-error"' in html and "not a readable PDF, JPEG or PNG" in html
    assert 'id="expires_on-error"' in html and "already expired" in html
    assert db.session.scalar(select(Credential.id)) is None


def test_a_missing_document_and_fields_are_reported(listed, client):
    response = post(client, "/practitioner/credentials", credential_form(None, number="", modalities=[]),
                    content_type="multipart/form-data")
    html = text(response)
    assert "Attach the licence document" in html
    assert "Give the licence or registration number." in html
    assert "Name at least one modality" in html


def test_rejection_reason_is_shown_prominently(app, listed, client):
    make_credential(app, listed, status=CredentialStatus.REJECTED)
    html = text(client.get("/practitioner/credentials"))
    assert 'class="rejection"' in html and "Unreadable scan." in html


def test_owner_can_open_their_document_others_cannot(app, client):
    p = make_practitioner()
    credential = make_credential(app, p)
    login(client, p.user)
    response = client.get(f"/credentials/{credential.id}/document")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline")

    other = app.test_client()
    login(other, make_practitioner(display_name="Nosy").user)
    assert other.get(f"/credentials/{credential.id}/document").status_code == 404
    assert app.test_client().get(f"/credentials/{credential.id}/document").status_code == 302
