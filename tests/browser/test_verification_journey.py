"""The first journey in a real browser: a practitioner builds a listing and uploads a
licence; the public page is not there; an admin approves it in the admin pages; the
public page shows the verified badge."""

import re
from datetime import timedelta

import pytest

from marketplace.core.clock import today
from marketplace.seed.documents import licence_pdf
from tests.builders import PASSWORD, make_admin

pytestmark = pytest.mark.browser


def sign_in(page, base, email, password=PASSWORD):  # noqa: ANN001
    page.goto(f"{base}/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_practitioner_is_public_only_after_an_admin_approves(app, live_server, browser, page, tmp_path):
    base = live_server
    make_admin("admin@example.com")

    # The practitioner signs up and builds a listing.
    page.goto(f"{base}/account/register")
    page.fill("input[name=email]", "asha@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.check("input[name=role][value=practitioner]")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()

    page.goto(f"{base}/practitioner/listing")
    page.fill("input[name=display_name]", "Asha Rao")
    page.fill("textarea[name=bio]", "Acupuncture for back spasm and sciatica.")
    page.fill("input[name=languages]", "English, Kannada")
    page.check("input[name=modalities][value=acupuncture]")
    page.check("input[name=techniques][value=dry-needling]")
    page.check("input[name=concerns][value=back-spasm]")
    page.fill("input[name='fees-0-label']", "First consultation")
    page.fill("input[name='fees-0-minutes']", "60")
    page.fill("input[name='fees-0-price']", "1500.00")
    page.select_option("select[name='fees-0-currency']", "INR")
    page.get_by_role("button", name="Save listing").click()
    page.wait_for_load_state()
    assert "Listing saved" in page.content()

    # …adds a clinic by address (Bangalore resolves to Bengaluru offline)…
    page.goto(f"{base}/practitioner/locations")
    page.fill("input[name=label]", "Indiranagar clinic")
    page.select_option("select[name=venue_type]", "clinic")
    page.fill("input[name=address]", "100 Feet Road, Indiranagar")
    page.fill("input[name=city]", "Bangalore")
    page.fill("input[name=country]", "India")
    page.get_by_role("button", name="Add location").click()
    page.wait_for_load_state()
    assert "Bengaluru" in page.content()

    # …and uploads a licence.
    document = tmp_path / "licence.pdf"
    document.write_bytes(licence_pdf("Licensed Acupuncturist - Asha Rao"))
    page.goto(f"{base}/practitioner/credentials")
    page.select_option("select[name=type]", "licensed_acupuncturist")
    page.fill("input[name=number]", "KA-ACU-2231")
    page.fill("input[name=issuing_body]", "Karnataka Board of Acupuncture")
    page.fill("input[name=jurisdiction]", "Karnataka, India")
    page.fill("input[name=issued_on]", (today() - timedelta(days=400)).isoformat())
    page.fill("input[name=expires_on]", (today() + timedelta(days=700)).isoformat())
    page.check("input[name=modalities][value=acupuncture]")
    page.set_input_files("input[name=document]", str(document))
    page.get_by_role("button", name="Upload credential").click()
    page.wait_for_load_state()
    assert re.search(r"pending", page.content(), re.I)

    from marketplace.practitioners.models import Practitioner
    from marketplace.extensions import db

    practitioner_id = db.session.scalar(db.select(Practitioner.id))

    # Nobody else can see the listing yet.
    visitor = browser.new_context()
    anonymous = visitor.new_page()
    response = anonymous.goto(f"{base}/practitioners/{practitioner_id}")
    assert response.status == 404

    # The admin approves the licence in the admin pages.
    admin_context = browser.new_context()
    admin = admin_context.new_page()
    sign_in(admin, base, "admin@example.com")
    admin.goto(f"{base}/admin/credentials")
    admin.get_by_text("Asha Rao").first.click()
    admin.wait_for_load_state()
    assert "KA-ACU-2231" in admin.content()
    admin.get_by_role("button", name="Approve").click()
    admin.wait_for_load_state()
    assert re.search(r"approved", admin.content(), re.I)
    admin_context.close()

    # The public page now shows the verified badge, naming the credential and its issuer.
    response = anonymous.goto(f"{base}/practitioners/{practitioner_id}")
    assert response.status == 200
    badge = anonymous.locator(".verified-badge").first
    badge.wait_for()
    text = badge.inner_text()
    assert "Karnataka Board of Acupuncture" in text
    assert "KA-ACU-2231" not in anonymous.content()
    visitor.close()
