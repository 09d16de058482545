"""``flask packages …``: the daily check, and an admin activating a reservation paid
outside the app."""

from marketplace.accounts.models import Role
from marketplace.audit.models import AuditEntry
from marketplace.extensions import db
from marketplace.packages.models import EnrollmentStatus
from tests.builders import make_admin, make_user
from tests.packages.helpers import enroll, package, practitioner


def test_an_admin_activates_a_reservation_and_it_is_audited(app, runner):
    asha = practitioner(app, "Asha Rao", "acupuncture")
    enrollment = enroll(make_user(Role.SEEKER), package(asha, [(asha, "acupuncture", 4, 45)], price=20000),
                        activate=False)
    admin = make_admin("admin@example.com")
    refused = runner.invoke(args=["packages", "activate", str(enrollment.id), "--admin", "nobody@example.com"])
    assert refused.exit_code != 0 and "No admin account" in refused.output
    result = runner.invoke(args=["packages", "activate", str(enrollment.id), "--admin", admin.email])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert enrollment.status is EnrollmentStatus.ACTIVE
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "enrollment.activated"))
    assert entry.actor_id == admin.id and entry.subject_id == enrollment.id


def test_the_daily_check_runs_and_reports(app, runner):
    result = runner.invoke(args=["packages", "check"])
    assert result.exit_code == 0, result.output
    assert "0 stopped selling" in result.output
