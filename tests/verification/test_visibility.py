"""Only verified practitioners are visible: the invariant, through every public path."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from marketplace.accounts.models import Role
from marketplace.audit.models import AppendOnlyViolation, AuditEntry
from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.verification import queries, services
from marketplace.verification.models import CredentialStatus
from tests.builders import make_admin, make_credential, make_practitioner


def public_paths(practitioner):
    return [f"/api/v1/practitioners/{practitioner.id}", f"/practitioners/{practitioner.id}"]


def assert_invisible(client, practitioner):
    for path in public_paths(practitioner):
        assert client.get(path).status_code == 404, path
    assert practitioner not in db.session.scalars(queries.visible_practitioners()).all()


def assert_visible(client, practitioner):
    for path in public_paths(practitioner):
        assert client.get(path).status_code == 200, path
    assert practitioner in db.session.scalars(queries.visible_practitioners()).all()


@pytest.mark.parametrize("status", ["pending", "rejected", "expired"])
def test_unapproved_credentials_never_make_a_listing_public(client, app, status):
    practitioner = make_practitioner()
    make_credential(app, practitioner, status=status)
    assert_invisible(client, practitioner)


def test_approved_listing_is_public(client, app):
    practitioner = make_practitioner()
    make_credential(app, practitioner, status="approved")
    assert_visible(client, practitioner)


def test_expiry_hides_the_listing_the_next_day_without_the_sweep(client, app, frozen_clock):
    practitioner = make_practitioner()
    make_credential(app, practitioner, status="approved", expires_on=today() + timedelta(days=3))
    assert_visible(client, practitioner)
    frozen_clock(datetime.combine(today() + timedelta(days=4), datetime.min.time(), tzinfo=timezone.utc))
    assert_invisible(client, practitioner)


def test_expiring_on_its_last_day_still_counts(client, app, frozen_clock):
    practitioner = make_practitioner()
    last_day = today() + timedelta(days=10)
    make_credential(app, practitioner, status="approved", expires_on=last_day)
    frozen_clock(datetime.combine(last_day, datetime.max.time(), tzinfo=timezone.utc))
    assert_visible(client, practitioner)


def test_suspended_practitioner_is_invisible_everywhere(client, app):
    practitioner = make_practitioner()
    make_credential(app, practitioner, status="approved")
    services.suspend(practitioner, make_admin(), "Complaint")
    db.session.commit()
    assert_invisible(client, practitioner)


def test_only_the_verified_modality_is_shown(client, app):
    practitioner = make_practitioner(modalities=("acupuncture", "massage"),
                                     techniques=("dry-needling", "deep-tissue-massage"))
    make_credential(app, practitioner, status="approved", modalities=["massage"])
    make_credential(app, practitioner, status="pending", modalities=["acupuncture"])
    body = client.get(f"/api/v1/practitioners/{practitioner.id}").get_json()
    assert [m["slug"] for m in body["modalities"]] == ["massage"]
    assert [t["slug"] for t in body["techniques"]] == ["deep-tissue-massage"]


def test_a_credential_for_an_unlisted_modality_does_not_publish_the_listing(client, app):
    practitioner = make_practitioner(modalities=("acupuncture",))
    make_credential(app, practitioner, status="approved", modalities=["massage"])
    assert_invisible(client, practitioner)


def test_owner_and_admin_can_see_an_unverified_profile(client, app):
    from tests.builders import bearer

    practitioner = make_practitioner()
    path = f"/api/v1/practitioners/{practitioner.id}"
    assert client.get(path).status_code == 404
    assert client.get(path, headers=bearer(client, practitioner.user)).status_code == 200
    assert client.get(path, headers=bearer(client, make_admin())).status_code == 200


def test_sweep_expires_audits_and_warns_30_days_ahead_once(app, outbox):
    practitioner = make_practitioner()
    lapsed = make_credential(app, practitioner, status="approved", modalities=["acupuncture"],
                             issued_on=today() - timedelta(days=800), expires_on=today() - timedelta(days=1))
    soon = make_credential(app, practitioner, status="approved", expires_on=today() + timedelta(days=30))
    later = make_credential(app, practitioner, status="approved", expires_on=today() + timedelta(days=31))

    result = services.sweep(warning_days=30)
    db.session.commit()
    assert (result.expired, result.warned) == (1, 1)
    assert lapsed.status is CredentialStatus.EXPIRED
    assert soon.expiry_warned_at is not None and later.expiry_warned_at is None
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "credential.expired"))
    assert entry.actor is None and entry.subject_id == lapsed.id
    kinds = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == practitioner.user_id)).all()
    assert sorted(kinds) == ["credential.expired", "credential.expiring"]
    assert sorted(m.subject for m in outbox) == ["Your credential expires soon", "Your credential has expired"]

    again = services.sweep(warning_days=30)
    db.session.commit()
    assert (again.expired, again.warned) == (0, 0)


def test_sweep_cli_reports_counts(app, runner):
    practitioner = make_practitioner()
    make_credential(app, practitioner, status="approved", issued_on=today() - timedelta(days=800),
                    expires_on=today() - timedelta(days=2))
    result = runner.invoke(args=["credentials", "sweep"])
    assert result.exit_code == 0, result.output
    assert "1 expired" in result.output


def test_audit_entries_cannot_be_changed_or_deleted(app):
    admin = make_admin()
    practitioner = make_practitioner()
    services.suspend(practitioner, admin, "Complaint")
    db.session.commit()
    entry = db.session.scalar(db.select(AuditEntry))
    entry.reason = "rewritten"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    # and beneath the ORM, the database refuses too
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("UPDATE audit_entry SET reason = 'x'"))
    db.session.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("DELETE FROM audit_entry"))
    db.session.rollback()
    assert db.session.scalar(db.select(AuditEntry.reason)) == "Complaint"


def test_disabled_practitioner_account_is_invisible(client, app):
    practitioner = make_practitioner()
    make_credential(app, practitioner, status="approved")
    practitioner.user.is_disabled = True
    db.session.commit()
    assert_invisible(client, practitioner)
    assert practitioner.user.role is Role.PRACTITIONER
