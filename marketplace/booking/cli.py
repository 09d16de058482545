"""``flask --app wsgi bookings …``: housekeeping to run from a scheduler. Each command
owns its commit; mail leaves after it."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.extensions import db

bookings = AppGroup("bookings", help="Booking housekeeping (run from a scheduler).")


@bookings.command("release-expired")
def release_expired() -> None:
    """Release holds that were not paid in time (every few minutes). Expired holds
    already stop blocking their slot; this records it and tells the seeker."""
    from marketplace.booking.services import release_expired as run

    count = run()
    db.session.commit()
    click.echo(f"Released {count} expired hold{'' if count == 1 else 's'}.")


@bookings.command("remind")
@click.option("--hours", default=24, show_default=True, type=click.IntRange(1, 72),
              help="Remind sessions starting within this many hours.")
def remind(hours: int) -> None:
    """Send the day-before reminders (hourly). Each booking is reminded once."""
    from marketplace.booking.services import send_reminders

    count = send_reminders(within_hours=hours)
    db.session.commit()
    click.echo(f"Sent {count} reminder{'' if count == 1 else 's'}.")
