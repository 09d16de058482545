"""The admin area: verification queue and review, practitioners, audit log, taxonomy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Role
from marketplace.audit.models import AuditEntry
from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.taxonomy.models import Concern, Technique
from marketplace.verification.models import CredentialStatus
from tests.builders import login, make_admin, make_credential, make_practitioner, make_user, make_verified_practitioner
from tests.pages.helpers import listing_form, post, text

ADMIN_PAGES = ["/admin/", "/admin/credentials", "/admin/credentials?status=all", "/admin/credentials/{cred}",
               "/admin/practitioners", "/admin/practitioners/{prac}", "/admin/practitioners/{prac}/listing",
               "/admin/audit", "/admin/taxonomy", "/admin/taxonomy/concern/new", "/admin/taxonomy/concern/1"]
ADMIN_POSTS = ["/admin/credentials/{cred}/approve", "/admin/credentials/{cred}/reject", "/admin/credentials/sweep",
               "/admin/practitioners/{prac}/suspend", "/admin/practitioners/{prac}/unsuspend",
               "/admin/taxonomy/concern/1/state"]


@pytest.fixture
def admin_client(client):
    admin = make_admin()
    login(client, admin)
    client.user = admin
    return client


@pytest.fixture
def pending(app):
    practitioner = make_practitioner(display_name="Pending Pat")
    return make_credential(app, practitioner, status=CredentialStatus.PENDING)


# --- who may enter ----------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.SEEKER, Role.PRACTITIONER])
def test_other_roles_get_403_on_every_admin_page(app, client, pending, role):
    login(client, make_user(role))
    ids = {"cred": pending.id, "prac": pending.practitioner_id}
    for url in ADMIN_PAGES:
        assert client.get(url.format(**ids)).status_code == 403, url
    for url in ADMIN_POSTS:
        assert post(client, url.format(**ids), {"reason": "because"}).status_code == 403, url
    db.session.refresh(pending)
    assert pending.status is CredentialStatus.PENDING


def test_anonymous_visitors_are_sent_to_sign_in(client, pending):
    for url in ADMIN_PAGES:
        response = client.get(url.format(cred=pending.id, prac=pending.practitioner_id))
        assert response.status_code == 302 and "/account/login?next=" in response.headers["Location"], url


def test_every_admin_page_renders(admin_client, pending):
    for url in ADMIN_PAGES:
        response = admin_client.get(url.format(cred=pending.id, prac=pending.practitioner_id), follow_redirects=True)
        assert response.status_code == 200, url


# --- queue and review ---------------------------------------------------------------------

def test_queue_lists_pending_oldest_first_with_tabs(app, admin_client):
    first = make_credential(app, make_practitioner(display_name="First Fay"))
    second = make_credential(app, make_practitioner(display_name="Second Sam"))
    make_credential(app, make_practitioner(display_name="Approved Al"), status=CredentialStatus.APPROVED)
    html = text(admin_client.get("/admin/credentials"))
    assert html.index("First Fay") < html.index("Second Sam")
    assert "Approved Al" not in html.split("Expiring within")[0]
    assert f'/admin/credentials/{first.id}"' in html and f'/admin/credentials/{second.id}"' in html
    approved_tab = text(admin_client.get("/admin/credentials?status=approved"))
    assert "Approved Al" in approved_tab and "First Fay" not in approved_tab
    assert admin_client.get("/admin/credentials?status=bogus").status_code == 200


def test_queue_warns_about_licences_expiring_within_30_days(app, admin_client):
    make_credential(app, make_practitioner(display_name="Soon Sue"), status=CredentialStatus.APPROVED,
                    expires_on=today() + timedelta(days=10))
    make_credential(app, make_practitioner(display_name="Later Lou"), status=CredentialStatus.APPROVED,
                    expires_on=today() + timedelta(days=200))
    panel = text(admin_client.get("/admin/credentials")).split("Expiring within 30 days")[1]
    assert "Soon Sue" in panel and "Later Lou" not in panel


def test_review_page_shows_every_field_and_the_document_inline(admin_client, pending):
    html = text(admin_client.get(f"/admin/credentials/{pending.id}"))
    for value in (pending.number, "State Board", "Karnataka", "Pending Pat", pending.practitioner.user.email):
        assert value in html
    assert f'<iframe src="/credentials/{pending.id}/document"' in html
    assert 'value="Approve"' in html and 'value="Reject"' in html and 'name="reason"' in html
    document = admin_client.get(f"/credentials/{pending.id}/document")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    assert document.headers["X-Content-Type-Options"] == "nosniff"
    assert document.headers["Content-Disposition"].startswith("inline")
    assert "frame-ancestors 'self'" in document.headers["Content-Security-Policy"]
    assert document.headers["Cache-Control"] == "private, no-store"


def test_approving_publishes_the_practitioner_and_is_audited(admin_client, pending):
    response = post(admin_client, f"/admin/credentials/{pending.id}/approve", follow_redirects=True)
    assert response.status_code == 200
    assert "Approved Licensed acupuncturist (L.Ac) for Pending Pat." in text(response)
    db.session.refresh(pending)
    assert pending.status is CredentialStatus.APPROVED
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "credential.approved"))
    assert entry.actor_id == admin_client.user.id and entry.subject_id == pending.id
    assert db.session.scalar(select(Notification).where(Notification.user_id == pending.practitioner.user_id))


def test_approving_twice_is_a_message_not_an_error(admin_client, pending):
    post(admin_client, f"/admin/credentials/{pending.id}/approve")
    again = post(admin_client, f"/admin/credentials/{pending.id}/approve", follow_redirects=True)
    assert again.status_code == 200
    assert "Only pending credentials can be approved" in text(again)


def test_rejecting_needs_a_reason(admin_client, pending):
    response = post(admin_client, f"/admin/credentials/{pending.id}/reject", {"reason": ""})
    assert response.status_code == 200
    assert 'id="reason-error"' in text(response)
    short = post(admin_client, f"/admin/credentials/{pending.id}/reject", {"reason": "no"})
    assert "Say why, so the practitioner can put it right." in text(short)
    db.session.refresh(pending)
    assert pending.status is CredentialStatus.PENDING


def test_rejecting_with_a_reason_tells_the_practitioner(app, admin_client, pending):
    response = post(admin_client, f"/admin/credentials/{pending.id}/reject", {"reason": "The scan is cut off."})
    assert response.status_code == 302
    db.session.refresh(pending)
    assert pending.status is CredentialStatus.REJECTED
    assert pending.rejection_reason == "The scan is cut off."
    owner = app.test_client()
    login(owner, pending.practitioner.user)
    assert "The scan is cut off." in text(owner.get("/practitioner/credentials"))


def test_unknown_credential_is_404(admin_client):
    assert admin_client.get("/admin/credentials/999999").status_code == 404
    assert post(admin_client, "/admin/credentials/999999/approve").status_code == 404


def test_expiry_sweep_button(app, admin_client):
    credential = make_credential(app, make_practitioner(), status=CredentialStatus.APPROVED,
                                 issued_on=today() - timedelta(days=500), expires_on=today() - timedelta(days=2))
    response = post(admin_client, "/admin/credentials/sweep", follow_redirects=True)
    assert "Expiry sweep done: 1 expired" in text(response)
    db.session.refresh(credential)
    assert credential.status is CredentialStatus.EXPIRED


# --- practitioners --------------------------------------------------------------------------

def test_practitioner_list_searches_by_name_email_and_status(app, admin_client):
    visible = make_verified_practitioner(app, display_name="Visible Vik")
    hidden = make_practitioner(display_name="Hidden Hal")
    suspended = make_verified_practitioner(app, display_name="Suspended Sid")
    suspended.is_suspended = True
    db.session.commit()
    everyone = text(admin_client.get("/admin/practitioners"))
    assert all(name in everyone for name in ("Visible Vik", "Hidden Hal", "Suspended Sid"))
    by_name = text(admin_client.get("/admin/practitioners?q=vik"))
    assert "Visible Vik" in by_name and "Hidden Hal" not in by_name
    by_email = text(admin_client.get(f"/admin/practitioners?q={hidden.user.email}"))
    assert "Hidden Hal" in by_email and "Visible Vik" not in by_email
    assert "Visible Vik" in text(admin_client.get("/admin/practitioners?status=visible"))
    hidden_only = text(admin_client.get("/admin/practitioners?status=hidden"))
    assert "Hidden Hal" in hidden_only and "Visible Vik" not in hidden_only and "Suspended Sid" not in hidden_only
    assert "Suspended Sid" in text(admin_client.get("/admin/practitioners?status=suspended"))
    assert visible.id and admin_client.get("/admin/practitioners?q=%25_").status_code == 200


def test_suspend_and_unsuspend(app, admin_client):
    p = make_verified_practitioner(app, display_name="Sus Pect")
    response = post(admin_client, f"/admin/practitioners/{p.id}/suspend", {"reason": "Complaint received"},
                    follow_redirects=True)
    assert "Suspended:" in text(response)
    db.session.refresh(p)
    assert p.is_suspended and p.suspended_reason == "Complaint received"
    anonymous = app.test_client()
    assert anonymous.get(f"/practitioners/{p.id}").status_code == 404
    assert "Complaint received" in text(admin_client.get("/admin/audit"))

    again = post(admin_client, f"/admin/practitioners/{p.id}/suspend", {"reason": "x"}, follow_redirects=True)
    assert "already suspended" in text(again)

    post(admin_client, f"/admin/practitioners/{p.id}/unsuspend", {"reason": ""})
    db.session.refresh(p)
    assert not p.is_suspended
    assert anonymous.get(f"/practitioners/{p.id}").status_code == 200


def test_admin_edits_any_listing_with_the_same_form(app, admin_client):
    p = make_practitioner(display_name="Typo Nmae")
    page = text(admin_client.get(f"/admin/practitioners/{p.id}/listing"))
    assert 'value="Typo Nmae"' in page and 'value="Save listing"' in page
    response = post(admin_client, f"/admin/practitioners/{p.id}/listing", listing_form(display_name="Typo Name"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/practitioners/{p.id}"
    db.session.refresh(p)
    assert p.display_name == "Typo Name"
    assert [(f.amount, f.currency) for f in p.fees] == [(4550, "GBP")]
    bad = post(admin_client, f"/admin/practitioners/{p.id}/listing", listing_form(display_name=""))
    assert bad.status_code == 200 and 'id="display_name-error"' in text(bad)


# --- audit log --------------------------------------------------------------------------------

def test_audit_log_newest_first_and_filtered(admin_client, pending):
    post(admin_client, f"/admin/credentials/{pending.id}/reject", {"reason": "Blurry photo"})
    post(admin_client, f"/admin/practitioners/{pending.practitioner_id}/suspend", {"reason": "Fake licence"})
    html = text(admin_client.get("/admin/audit"))
    assert html.index("practitioner.suspended") < html.index("credential.rejected")
    assert "Blurry photo" in html and admin_client.user.email in html
    only_credentials = text(admin_client.get("/admin/audit?subject_type=credential"))
    assert "credential.rejected" in only_credentials and "practitioner.suspended" not in only_credentials


# --- taxonomy -----------------------------------------------------------------------------------

def test_taxonomy_lists_terms_and_adds_a_concern(admin_client):
    assert "Acute back spasm" in text(admin_client.get("/admin/taxonomy"))
    response = post(admin_client, "/admin/taxonomy/concern/new",
                    {"slug": "tailbone-pain", "name": "Tailbone pain", "description": "Coccyx pain.", "is_active": "y"})
    assert response.status_code == 302
    concern = db.session.scalar(select(Concern).where(Concern.slug == "tailbone-pain"))
    assert concern is not None and concern.is_active


def test_taxonomy_form_errors(admin_client):
    taken = post(admin_client, "/admin/taxonomy/concern/new", {"slug": "sciatica", "name": "Again", "is_active": "y"})
    assert taken.status_code == 200 and 'id="slug-error"' in text(taken)
    bad_slug = post(admin_client, "/admin/taxonomy/concern/new", {"slug": "Bad Slug", "name": "X"})
    assert "Use lower-case letters" in text(bad_slug)
    no_modality = post(admin_client, "/admin/taxonomy/technique/new", {"slug": "new-thing", "name": "New thing",
                                                                     "modality_slug": ""})
    assert 'id="modality_slug-error"' in text(no_modality)
    assert admin_client.get("/admin/taxonomy/planet/new").status_code == 404


def test_taxonomy_edit_and_retire(admin_client):
    technique = db.session.scalar(select(Technique).where(Technique.slug == "cupping"))
    page = text(admin_client.get(f"/admin/taxonomy/technique/{technique.id}"))
    assert 'name="modality_slug"' in page
    post(admin_client, f"/admin/taxonomy/technique/{technique.id}",
         {"name": "Cupping (dry)", "modality_slug": "cupping", "description": "", "is_active": "y"})
    db.session.refresh(technique)
    assert technique.name == "Cupping (dry)" and technique.slug == "cupping"
    post(admin_client, f"/admin/taxonomy/technique/{technique.id}/state", {"active": "0"})
    db.session.refresh(technique)
    assert technique.is_active is False
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.subject_type == "technique"))


# --- notifications ------------------------------------------------------------------------------

def test_notifications_list_and_mark_all_read(app, admin_client, pending):
    post(admin_client, f"/admin/credentials/{pending.id}/approve")
    owner = app.test_client()
    login(owner, pending.practitioner.user)
    page = text(owner.get("/notifications/"))
    assert "was approved" in page and '<span class="count">1' in page
    post(owner, "/notifications/read")
    assert '<span class="count">' not in text(owner.get("/notifications/"))
