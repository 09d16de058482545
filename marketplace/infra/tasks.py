"""The background tasks. Each is safe to run twice (the services it calls are idempotent,
or it checks before acting), owns its commit like a CLI command, and raises on a failure
worth retrying (RQ retries it; see ``infra.jobs``)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import current_app
from redis.exceptions import RedisError

from marketplace.extensions import db
from marketplace.infra.jobs import connection, task

log = logging.getLogger(__name__)

MAIL_SENT_SECONDS = 7 * 24 * 3600  # how long a delivered mail id is remembered
GEO_BACKFILL_BATCH = 50
GEO_BACKFILL_DAYS = 7


@task("mail.deliver")
def deliver_mail(mail_id: str, to: str, subject: str, body: str) -> bool:
    """Send one message once. Its id is remembered in Redis after a successful send, so a
    retry (or a duplicate job) does not mail the person twice; a failed send raises, and
    RQ tries again. Returns False when the message had already gone."""
    from marketplace.core.mail import Mail, send_now

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    sent_key = f"{app.config.get('CACHE_KEY_PREFIX') or 'marketplace:'}mail:sent:{mail_id}"
    redis = connection(app) if app.config.get("REDIS_URL") else None
    try:
        if redis is not None and redis.exists(sent_key):
            log.info("mail %s already delivered; not sent again", mail_id)
            return False
    except RedisError:
        redis = None  # Redis is down (we run inline as a fallback): send, at least once
    send_now(app, Mail(to=to, subject=subject, body=body))
    if redis is not None:
        try:
            redis.set(sent_key, "1", ex=MAIL_SENT_SECONDS)
        except RedisError:
            log.warning("mail %s sent but not marked as sent", mail_id, exc_info=True)
    return True


@task("credentials.sweep")
def credentials_sweep() -> dict[str, int]:
    """Expire lapsed licences, warn about those expiring soon (daily)."""
    from marketplace.verification.services import sweep

    result = sweep(warning_days=current_app.config["LICENCE_WARNING_DAYS"])
    db.session.commit()
    return {"expired": result.expired, "warned": result.warned}


@task("packages.check")
def packages_check() -> dict[str, int]:
    """Packages that stopped selling, enrollments that expired (daily, after the sweep)."""
    from marketplace.packages.enrollments import check

    result = check()
    db.session.commit()
    return {"packages_lapsed": result.packages_lapsed, "enrollments_expired": result.enrollments_expired}


@task("bookings.release_expired")
def release_expired_holds() -> int:
    """Release holds not paid in time and tell the seekers."""
    from marketplace.booking.services import release_expired

    count = release_expired()
    db.session.commit()
    return count


@task("bookings.remind")
def send_reminders(within_hours: int = 24) -> int:
    """Day-before reminders; each booking is reminded once."""
    from marketplace.booking.services import send_reminders as run

    count = run(within_hours=within_hours)
    db.session.commit()
    return count


@task("payments.reconcile")
def reconcile_payments() -> dict[str, int]:
    """Settle orders and refunds Stripe has news about (commits per order). Raises when
    Stripe was unreachable for some, so the job is retried."""
    from marketplace.payments.services import reconcile

    result = reconcile()
    if result.errors:
        raise RuntimeError(f"{result.errors} orders left for later: Stripe unreachable")
    return {"checked": result.checked, "paid": result.paid, "failed": result.failed}


@task("payments.payouts")
def send_payouts() -> dict[str, int]:
    """Write due transfers, then send each (Stripe idempotency keys make a repeat
    harmless). A transfer that failed stays pending for the next run."""
    from marketplace.core.errors import DomainError
    from marketplace.payments import payouts

    created = payouts.due()
    db.session.commit()
    sent = failed = 0
    for transfer in created:
        try:
            payouts.send(transfer)
            db.session.commit()
            sent += 1
        except DomainError as exc:
            db.session.rollback()
            failed += 1
            log.warning("transfer %s left pending: %s", transfer.id, exc.detail)
    return {"sent": sent, "failed": failed}


@task("geo.label_location")
def label_location(location_id: int) -> bool:
    """Fill in the place name, country and time zone of a location given by coordinates
    when the geocoder could not name it at the time (it was down or over quota). Does
    nothing if the location is gone or already named. Raises GeocoderUnavailable-like
    RuntimeError while a remote geocoder still cannot answer, so RQ retries."""
    from marketplace.practitioners.models import Location

    location = db.session.get(Location, location_id)
    if location is None or location.country_code is not None:
        return False
    resolver = current_app.extensions["place_resolver"]
    nearest = resolver.nearest(location.lat, location.lon)
    if nearest is None:
        if resolver.remote:
            raise RuntimeError(f"geocoder could not name location {location_id} yet")
        return False  # the offline gazetteer knows no place near it: nothing to retry
    location.resolved_label = f"{location.lat:.5f}, {location.lon:.5f} (near {nearest.label})"
    location.country_code, location.timezone = nearest.country_code, nearest.timezone
    db.session.commit()
    return True


@task("geo.backfill")
def backfill_location_labels() -> int:
    """Queue :func:`label_location` for recent locations still without a country (one job
    per location and day). Returns how many were queued."""
    from sqlalchemy import select

    from marketplace.core.clock import utcnow
    from marketplace.infra.jobs import enqueue
    from marketplace.practitioners.models import Location

    since = utcnow() - timedelta(days=GEO_BACKFILL_DAYS)
    ids = db.session.scalars(
        select(Location.id).where(Location.country_code.is_(None), Location.created_at >= since)
        .order_by(Location.id).limit(GEO_BACKFILL_BATCH)).all()
    day = utcnow().strftime("%Y%m%d")
    queued = 0
    for location_id in ids:
        if enqueue(label_location, location_id, job_id=f"geo-label-{location_id}-{day}") is not None:
            queued += 1
    return queued


@task("db.statistics")
def refresh_statistics() -> dict[str, Any]:
    """Refresh the query planner's statistics on SQLite (daily; PostgreSQL's autovacuum
    does it there). SQLite has none until ANALYZE, which ``seed synthetic`` runs after a
    bulk load; a database that grew from a few listings to thousands since would keep
    the plans of a nearly empty one (at 100k a search's page read every approved licence
    through the wrong index: 24 ms). A full ANALYZE of 100k practitioners takes 0.6 s."""
    from sqlalchemy import text

    if db.engine.dialect.name != "sqlite":
        return {"analyzed": False, "why": "PostgreSQL's autovacuum keeps its statistics"}
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return {"analyzed": True}


def describe(name: str) -> str:
    """The first line of a task's docstring, for ``flask jobs list``."""
    from marketplace.infra.jobs import registered_tasks

    fn: Any = registered_tasks()[name]
    return (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""


def dispatch_mail(app: Any, mail: Any) -> None:
    """How committed mail leaves with the RQ backend: one idempotent job per message
    (``core.mail`` calls this after the commit). If even enqueuing fails, the message is
    sent now rather than lost."""
    import uuid

    from marketplace.core.mail import deliver
    from marketplace.infra.jobs import enqueue

    mail_id = uuid.uuid4().hex
    try:
        enqueue(deliver_mail, mail_id, mail.to, mail.subject, mail.body, job_id=f"mail-{mail_id}")
    except Exception:  # noqa: BLE001 - the commit already happened; do not lose the mail
        log.exception("could not queue mail to %s; sending it now", mail.to)
        deliver(app, mail)
