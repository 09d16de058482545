"""Credentials: upload by contract, the admin queue, decisions, the audit log."""

import io
from datetime import timedelta

import pytest

from marketplace.accounts.models import Role
from marketplace.audit.models import AuditEntry
from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.seed.documents import licence_pdf
from tests.builders import bearer, make_admin, make_credential, make_practitioner, make_user



def image_bytes(fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, fmt)
    return buffer.getvalue()


def credential_form(document: bytes, filename: str = "licence.pdf", **overrides):
    form = {
        "type": "licensed_acupuncturist", "number": "KA-ACU-1234", "issuing_body": "Karnataka Board",
        "jurisdiction": "Karnataka, India", "issued_on": (today() - timedelta(days=300)).isoformat(),
        "expires_on": (today() + timedelta(days=365)).isoformat(), "modalities": "acupuncture",
    }
    form.update(overrides)
    form["document"] = (io.BytesIO(document), filename)
    return form


@pytest.fixture
def practitioner(app):
    return make_practitioner(user=make_user(Role.PRACTITIONER, email="asha@example.com"))


@pytest.fixture
def headers(client, practitioner):
    return bearer(client, practitioner.user)


@pytest.fixture
def admin_headers(client):
    return bearer(client, make_admin("admin@example.com"))


def upload(client, headers, document=None, filename="licence.pdf", **overrides):
    return client.post("/api/v1/me/practitioner/credentials", headers=headers,
                       data=credential_form(document if document is not None else licence_pdf("L.Ac"),
                                            filename, **overrides),
                       content_type="multipart/form-data")


def test_upload_is_pending_and_only_owner_and_admin_see_the_document(client, headers, admin_headers, practitioner):
    response = upload(client, headers)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "pending" and body["modalities"] == ["acupuncture"]

    url = body["document_url"]
    own = client.get(url, headers=headers)
    assert own.status_code == 200 and own.mimetype == "application/pdf" and own.data.startswith(b"%PDF-")
    assert client.get(url, headers=admin_headers).status_code == 200
    other = bearer(client, make_practitioner(display_name="Other").user)
    assert client.get(url, headers=other).status_code == 404
    assert client.get(url, headers=bearer(client, make_user(Role.SEEKER))).status_code == 404
    assert client.get(url).status_code == 401


@pytest.mark.parametrize("fmt, mime", [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_images_are_accepted_by_their_content_whatever_the_name(client, headers, fmt, mime):
    response = upload(client, headers, image_bytes(fmt), "scan.pdf")
    assert response.status_code == 201
    assert response.get_json()["document_mime"] == mime


@pytest.mark.parametrize("content, filename", [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200, "licence.pdf"),  # a Windows executable
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "licence.pdf"),  # a Linux executable
    (b"#!/bin/sh\nrm -rf /\n", "licence.png"),
    (b"%PDF-1.4 truncated without an end", "licence.pdf"),
    (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "scan.png"),
    (b"", "licence.pdf"),
])
def test_files_that_are_not_really_documents_are_rejected(client, headers, content, filename):
    response = upload(client, headers, content, filename)
    assert response.status_code == 400
    assert "document" in response.get_json()["errors"]


def test_documents_over_10_mb_are_rejected(client, headers):
    big = licence_pdf("x")[:-6] + b" " * (10 * 1024 * 1024) + b"%%EOF\n"
    response = upload(client, headers, big)
    assert response.status_code in (400, 413)
    assert response.content_type == "application/problem+json"


def test_bad_fields_are_named(client, headers):
    response = upload(client, headers, type="wizard", expires_on=(today() - timedelta(days=1)).isoformat(),
                      modalities="acupuncture,telepathy")
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert {"type"} <= set(errors)
    response = upload(client, headers, expires_on=(today() - timedelta(days=1)).isoformat(),
                      modalities="acupuncture,telepathy")
    assert {"expires_on", "modalities"} <= set(response.get_json()["errors"])


def test_queue_is_oldest_first_and_admin_only(client, app, headers, admin_headers, practitioner):
    first = make_credential(app, practitioner)
    second = make_credential(app, make_practitioner(display_name="Second"))
    response = client.get("/api/v1/admin/credentials?status=pending", headers=admin_headers)
    assert response.status_code == 200
    assert [c["id"] for c in response.get_json()["items"]] == [first.id, second.id]
    assert client.get("/api/v1/admin/credentials", headers=headers).status_code == 403
    assert client.get("/api/v1/admin/credentials", headers=bearer(client, make_user())).status_code == 403


def test_approval_makes_the_profile_public_and_is_audited(client, app, practitioner, admin_headers, outbox):
    credential = make_credential(app, practitioner)
    profile = f"/api/v1/practitioners/{practitioner.id}"
    assert client.get(profile).status_code == 404

    response = client.post(f"/api/v1/admin/credentials/{credential.id}/approve", headers=admin_headers)
    assert response.status_code == 200 and response.get_json()["status"] == "approved"

    public = client.get(profile)
    assert public.status_code == 200
    body = public.get_json()
    assert [m["slug"] for m in body["modalities"]] == ["acupuncture"]
    assert body["badges"][0]["issuing_body"] == "State Board"
    assert "document" not in str(body) and credential.number not in str(body)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "credential.approved"))
    assert entry.subject_id == credential.id and entry.actor.email == "admin@example.com"
    assert any("approved" in m.subject for m in outbox)


def test_reject_needs_a_reason_the_practitioner_sees(client, app, practitioner, headers, admin_headers):
    credential = make_credential(app, practitioner)
    no_reason = client.post(f"/api/v1/admin/credentials/{credential.id}/reject", json={"reason": " "},
                            headers=admin_headers)
    assert no_reason.status_code == 400 and "reason" in no_reason.get_json()["errors"]

    response = client.post(f"/api/v1/admin/credentials/{credential.id}/reject",
                           json={"reason": "Licence number does not match the register."}, headers=admin_headers)
    assert response.status_code == 200
    mine = client.get("/api/v1/me/practitioner/credentials", headers=headers).get_json()["items"]
    assert mine[0]["status"] == "rejected"
    assert mine[0]["rejection_reason"] == "Licence number does not match the register."
    assert client.get(f"/api/v1/practitioners/{practitioner.id}").status_code == 404
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "credential.rejected"))
    assert entry.reason == "Licence number does not match the register."


def test_deciding_twice_is_a_conflict(client, app, practitioner, admin_headers):
    credential = make_credential(app, practitioner)
    assert client.post(f"/api/v1/admin/credentials/{credential.id}/approve", headers=admin_headers).status_code == 200
    assert client.post(f"/api/v1/admin/credentials/{credential.id}/approve", headers=admin_headers).status_code == 409
    assert client.post("/api/v1/admin/credentials/999999/approve", headers=admin_headers).status_code == 404


def test_suspension_hides_and_unsuspension_restores(client, app, admin_headers):
    practitioner = make_practitioner()
    make_credential(app, practitioner, status="approved")
    profile = f"/api/v1/practitioners/{practitioner.id}"
    assert client.get(profile).status_code == 200

    response = client.post(f"/api/v1/admin/practitioners/{practitioner.id}/suspend",
                           json={"reason": "Complaint under review"}, headers=admin_headers)
    assert response.status_code == 200 and response.get_json()["is_suspended"] is True
    assert client.get(profile).status_code == 404
    # no body at all is fine too (the contract names no body)
    assert client.post(f"/api/v1/admin/practitioners/{practitioner.id}/unsuspend",
                       headers=admin_headers).status_code == 200
    assert client.get(profile).status_code == 200
    actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["practitioner.suspended", "practitioner.unsuspended"]


def test_audit_log_is_readable_by_admins_newest_first(client, app, practitioner, admin_headers):
    credential = make_credential(app, practitioner)
    client.post(f"/api/v1/admin/credentials/{credential.id}/approve", headers=admin_headers)
    client.post(f"/api/v1/admin/practitioners/{practitioner.id}/suspend", headers=admin_headers)
    page = client.get("/api/v1/admin/audit", headers=admin_headers).get_json()
    assert [e["action"] for e in page["items"]] == ["practitioner.suspended", "credential.approved"]
    assert page["items"][0]["actor_email"] == "admin@example.com"
