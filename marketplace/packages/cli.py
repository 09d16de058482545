"""``flask --app wsgi packages …``: the daily check, and activating a reservation by
hand until payments exist. Each command owns its commit; mail leaves after it."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.core.errors import DomainError
from marketplace.extensions import db

packages = AppGroup("packages", help="Package housekeeping.")


@packages.command("check")
def check() -> None:
    """Tell partners and buyers once when a package stops selling because a credential
    lapsed, sync sessions with their bookings and expire enrollments (run daily, after
    ``credentials sweep``)."""
    from marketplace.packages.enrollments import check as run

    result = run()
    db.session.commit()
    click.echo(f"Packages: {result.packages_lapsed} stopped selling, {result.seekers_told} buyers told, "
               f"{result.enrollments_expired} enrollments expired, {result.enrollments_completed} completed.")


@packages.command("activate")
@click.argument("enrollment_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--admin", "admin_email", required=True, help="The admin taking responsibility (their email).")
def activate(enrollment_id: int, admin_email: str) -> None:
    """Mark a reservation as paid, for a payment taken outside the app (there is no
    online payment yet). Recorded in the audit log under the admin's name."""
    from sqlalchemy import func, select

    from marketplace.accounts.models import Role, User
    from marketplace.packages.enrollments import activate as run, get_enrollment

    admin = db.session.scalar(select(User).where(func.lower(User.email) == admin_email.strip().lower()))
    if admin is None or admin.role is not Role.ADMIN:
        raise click.ClickException(f"No admin account {admin_email}.")
    try:
        enrollment = run(get_enrollment(enrollment_id), actor=admin)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.detail) from None
    click.echo(f"Enrollment {enrollment.id} is active until {enrollment.expires_at:%Y-%m-%d %H:%M} UTC.")
