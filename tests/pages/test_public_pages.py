"""Public pages: the home page, browsing, and who may see a profile."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace.accounts.models import Role
from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.practitioners.models import VenueType
from marketplace.verification.models import CredentialStatus
from tests.builders import login, make_admin, make_credential, make_practitioner, make_user, make_verified_practitioner
from tests.pages.helpers import post, text


def test_home_page_has_the_hero_concerns_and_honest_note(client):
    html = text(client.get("/"))
    assert "Find a verified practitioner for back pain and muscle spasm" in html
    assert 'href="/practitioners?concern=sciatica"' in html
    assert "checked it before their listing went live" in html
    assert 'class="skip-link" href="#main"' in html and 'id="main"' in html
    assert 'aria-live="polite"' in html


def test_home_lists_only_visible_practitioners(app, client):
    make_verified_practitioner(app, display_name="Visible Vera")
    make_practitioner(display_name="Unchecked Uma")
    html = text(client.get("/"))
    assert "Visible Vera" in html
    assert "Unchecked Uma" not in html


def test_browse_lists_verified_practitioners_and_filters(app, client):
    make_verified_practitioner(app, display_name="Asha London", city="London", lat=51.5, lon=-0.12,
                               concerns=("sciatica",))
    make_verified_practitioner(app, display_name="Ravi Bengaluru", city="Bengaluru", concerns=("back-spasm",))
    make_practitioner(display_name="Pending Priya", city="London", lat=51.5, lon=-0.12)

    everyone = text(client.get("/practitioners"))
    assert "Asha London" in everyone and "Ravi Bengaluru" in everyone
    assert "Pending Priya" not in everyone
    assert "2 practitioners found" in everyone

    london = text(client.get("/practitioners?city=london"))
    assert "Asha London" in london and "Ravi Bengaluru" not in london

    sciatica = text(client.get("/practitioners?concern=sciatica"))
    assert "Asha London" in sciatica and "Ravi Bengaluru" not in sciatica

    massage = text(client.get("/practitioners?modality=massage"))
    assert "No verified practitioner matches" in massage


def test_modality_filter_counts_only_verified_modalities(app, client):
    p = make_practitioner(display_name="Two Skills", modalities=("acupuncture", "massage"))
    make_credential(app, p, status=CredentialStatus.APPROVED, modalities=["acupuncture"])
    assert "Two Skills" in text(client.get("/practitioners?modality=acupuncture"))
    assert "Two Skills" not in text(client.get("/practitioners?modality=massage"))


def test_browse_is_paginated(app, client):
    for i in range(14):
        make_verified_practitioner(app, display_name=f"Practitioner {i:02d}")
    first = text(client.get("/practitioners"))
    second = text(client.get("/practitioners?page=2"))
    assert "Practitioner 00" in first and "Practitioner 13" not in first
    assert "Practitioner 13" in second and "Practitioner 00" not in second
    assert "Page 1 of 2" in first
    assert client.get("/practitioners?page=99").status_code == 200
    assert client.get("/practitioners?page=abc").status_code == 200


def test_profile_shows_badge_and_only_verified_modalities(app, client):
    p = make_practitioner(display_name="Meera Iyer", modalities=("acupuncture", "massage"),
                          techniques=("dry-needling", "deep-tissue-massage"),
                          fees=(("First consultation", 60, 4550, "GBP"),), languages=("English", "Tamil"),
                          offers_online=True)
    credential = make_credential(app, p, status=CredentialStatus.APPROVED, modalities=["acupuncture"])
    response = client.get(f"/practitioners/{p.id}")
    assert response.status_code == 200
    html = text(response)
    assert 'class="verified-badge"' in html
    assert "Licensed acupuncturist (L.Ac)" in html and "State Board" in html
    assert f"Verified until {credential.expires_on:%d %b %Y}" in html
    assert "Acupuncture" in html and "Trigger-point / dry needling" in html
    assert "Massage therapy" not in html and "Deep tissue massage" not in html
    assert "£45.50" in html
    assert "Offers online consultations" in html
    assert "English, Tamil" in html
    assert credential.number not in html
    assert "/document" not in html
    assert "Not visible to the public" not in html


def test_each_badge_names_the_therapy_it_verifies(app, client):
    """A seeker reads which therapy each checked credential covers; a credential of the
    "other" kind is named by that therapy, not as "Other professional credential"."""
    from marketplace.verification.models import CredentialType

    p = make_practitioner(display_name="Daniel Sharma", modalities=("acupuncture", "cupping"))
    make_credential(app, p, status=CredentialStatus.APPROVED, modalities=["acupuncture"])
    make_credential(app, p, status=CredentialStatus.APPROVED, modalities=["cupping"], type=CredentialType.OTHER)
    html = text(client.get(f"/practitioners/{p.id}"))
    titles = re.findall(r'<p class="badge-title">([^<]*)</p>\s*(?:<p>(For [^<]*)</p>)?', html)
    assert sorted(titles) == [("Verified Licensed acupuncturist (L.Ac)", "For Acupuncture"),
                              ("Verified credential for Cupping therapy", "")]
    assert "Other professional credential" not in html


def test_single_use_needles_note_for_acupuncture(app, client):
    p = make_verified_practitioner(app)
    p.uses_single_use_needles = True
    db.session.commit()
    assert "single-use needles" in text(client.get(f"/practitioners/{p.id}"))


def test_home_visit_profile_shows_the_city_not_the_address(app, client):
    p = make_verified_practitioner(app, venue_type=VenueType.HOME_VISIT, city="Pune")
    html = text(client.get(f"/practitioners/{p.id}"))
    assert "Home visits" in html and "Pune" in html
    assert "12 MG Road" not in html


@pytest.mark.parametrize("state", ["no credential", "pending", "rejected", "expired status",
                                   "lapsed date", "suspended", "disabled account"])
def test_profile_is_404_unless_verified(app, client, state):
    p = make_practitioner()
    if state in ("pending", "rejected"):
        make_credential(app, p, status=state)
    elif state == "expired status":
        make_credential(app, p, status=CredentialStatus.EXPIRED)
    elif state == "lapsed date":
        make_credential(app, p, status=CredentialStatus.APPROVED, issued_on=today() - timedelta(days=800),
                        expires_on=today() - timedelta(days=1))
    else:
        make_credential(app, p, status=CredentialStatus.APPROVED)
        if state == "suspended":
            p.is_suspended = True
        else:
            p.user.is_disabled = True
        db.session.commit()
    response = client.get(f"/practitioners/{p.id}")
    assert response.status_code == 404
    assert p.display_name not in text(response)
    assert p.display_name not in text(client.get("/practitioners"))


def test_hidden_and_missing_profiles_answer_alike(app, client):
    hidden = make_practitioner()
    a, b = client.get(f"/practitioners/{hidden.id}"), client.get("/practitioners/999999")
    assert a.status_code == b.status_code == 404
    assert f"No practitioner {hidden.id}." in text(a)
    assert text(a).replace(f"No practitioner {hidden.id}.", "") == text(b).replace("No practitioner 999999.", "")


def test_profile_appears_after_an_admin_approves(app, client):
    p = make_practitioner(display_name="Soon Visible")
    credential = make_credential(app, p, status=CredentialStatus.PENDING)
    assert client.get(f"/practitioners/{p.id}").status_code == 404

    admin_client = app.test_client()
    login(admin_client, make_admin())
    assert post(admin_client, f"/admin/credentials/{credential.id}/approve").status_code == 302

    response = client.get(f"/practitioners/{p.id}")
    assert response.status_code == 200
    assert 'class="verified-badge"' in text(response)


def test_owner_and_admin_see_a_hidden_profile_with_the_reason(app, client):
    p = make_practitioner(display_name="Hidden Hana")
    make_credential(app, p, status=CredentialStatus.PENDING)
    login(client, p.user)
    owner = client.get(f"/practitioners/{p.id}")
    assert owner.status_code == 200
    assert "Not visible to the public:" in text(owner)
    assert "no approved credential yet" in text(owner)

    admin_client = app.test_client()
    login(admin_client, make_admin())
    assert "Not visible to the public:" in text(admin_client.get(f"/practitioners/{p.id}"))

    for role in (Role.SEEKER, Role.PRACTITIONER):
        other = app.test_client()
        login(other, make_user(role))
        assert other.get(f"/practitioners/{p.id}").status_code == 404, role


def test_suspended_owner_sees_why(app, client):
    p = make_verified_practitioner(app)
    p.is_suspended, p.suspended_reason = True, "Complaint under review"
    db.session.commit()
    login(client, p.user)
    html = text(client.get(f"/practitioners/{p.id}"))
    assert "Not visible to the public:" in html and "Complaint under review" in html


def test_unknown_pages_get_the_html_error_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
    assert "Go to the home page" in text(response)
