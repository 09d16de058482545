"""What a seeker bought: enrollments, their sessions, and the daily check.

An enrollment is created by :func:`reserve` before any payment (``pending_payment``).
Payments call :func:`activate` when the payment succeeds and :func:`cancel_enrollment`
to cancel; the latter reports the pro-rata refund of the unused sessions, per
practitioner (:func:`unused_by_practitioner`, :func:`unused_value`), exact to the minor
unit because each session carries its exact part of its practitioner's share. Until
payments exist, only an admin (``flask packages activate``) or the test builders call
:func:`activate`: a seeker can reserve, never fake a payment.

Sessions are booked one at a time from the care plan (:func:`schedule_session`) as
prepaid bookings with the practitioner who delivers them, within the validity, on
dates the package's rhythm suggests (:func:`.careplan.suggested_days`).

When a practitioner's credential lapses, their package stops selling at once (see
:mod:`.queries`); :func:`check` (``flask packages check``, daily) tells the partners and
every seeker holding it, once. Seekers keep every session: those with practitioners
still verified can be booked as usual; those of the lapsed component wait until the
licence is re-verified, and their value is what a refund returns.

Every function here only flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Role, User
from marketplace.audit import services as audit
from marketplace.core.clock import utcnow
from marketplace.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.core.money import format_money
from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.booking.models import Booking, BookingStatus
from marketplace.booking.queries import latest_version
from marketplace.packages import queries
from marketplace.packages.models import (
    Enrollment, EnrollmentSession, EnrollmentShare, EnrollmentStatus, Package, PackageComponent, PackageStatus,
    SessionStatus,
)
from marketplace.packages.services import CARE_PLAN_PATH, PRACTITIONER_PACKAGES_PATH
from marketplace.packages.shares import largest_remainder


# --- Buying ------------------------------------------------------------------------------------

def reserve(seeker: User, package: Package) -> Enrollment:
    """A seeker's purchase, created before payment (``pending_payment``): it snapshots the
    price, each practitioner's share and every session with its exact value. Reserving
    the same package again while a reservation waits for payment returns that one (a
    double click makes one reservation).

    Raises Forbidden for non-seekers and NotFound when the package is not on sale.
    """
    if seeker.role is not Role.SEEKER:
        raise Forbidden("Only seeker accounts can buy packages.")
    if not queries.is_sellable(package):
        raise NotFound(f"No package {package.id} on sale.")
    waiting = db.session.scalar(select(Enrollment).where(
        Enrollment.seeker_id == seeker.id, Enrollment.package_id == package.id,
        Enrollment.status == EnrollmentStatus.PENDING_PAYMENT))
    if waiting is not None:
        return waiting
    enrollment = Enrollment(seeker=seeker, package=package, price=package.price, currency=package.currency,
                            validity_days=package.validity_days)
    sessions: list[EnrollmentSession] = []
    for partner in package.partners:
        enrollment.shares.append(EnrollmentShare(practitioner_id=partner.practitioner_id, amount=partner.share))
        places = [(c, n) for c in package.components if c.practitioner_id == partner.practitioner_id
                  for n in range(1, c.sessions + 1)]
        # Each session's value is its part of the practitioner's share by minutes; the
        # values add up to the share exactly, so refunds of unused sessions are exact.
        values = largest_remainder(partner.share, [c.minutes for c, _ in places]) if places else []
        sessions += [EnrollmentSession(component=c, number=n, practitioner_id=c.practitioner_id, minutes=c.minutes,
                                       value=value) for (c, n), value in zip(places, values)]
    sessions.sort(key=lambda s: (s.component.position if s.component else 0, s.number))
    for session in sessions:
        enrollment.sessions.append(session)
    try:
        with db.session.begin_nested():
            db.session.add(enrollment)
            db.session.flush()
    except IntegrityError:
        # A racing request reserved it first (uq_enrollment_waiting): that one stands.
        waiting = db.session.scalar(select(Enrollment).where(
            Enrollment.seeker_id == seeker.id, Enrollment.package_id == package.id,
            Enrollment.status == EnrollmentStatus.PENDING_PAYMENT))
        if waiting is None:
            raise
        return waiting
    return enrollment


def _lock(enrollment: Enrollment) -> None:
    """Serialise changes to one enrollment until the commit (PostgreSQL row lock), and
    re-read it and its sessions, so two racing requests (a double click, a repeated
    webhook) see each other's work instead of both using the same session."""
    if db.session.get_bind().dialect.name != "postgresql" or enrollment.id is None:
        return
    db.session.execute(select(Enrollment).where(Enrollment.id == enrollment.id).with_for_update()
                       .execution_options(populate_existing=True))
    db.session.execute(select(EnrollmentSession).where(EnrollmentSession.enrollment_id == enrollment.id)
                       .execution_options(populate_existing=True))


def get_enrollment(enrollment_id: int, user: User | None = None) -> Enrollment:
    """An enrollment; with ``user``, only if it is theirs or they are an admin (NotFound
    otherwise, so ids cannot be probed)."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or (user is not None and enrollment.seeker_id != user.id and not user.is_admin):
        raise NotFound(f"No enrollment {enrollment_id}.")
    return enrollment


def activate(enrollment: Enrollment, *, at: datetime | None = None, actor: User | None = None) -> Enrollment:
    """Payment succeeded: the enrollment becomes active and valid for its validity days
    from ``at`` (now). Calling it again changes nothing (a duplicate webhook is harmless).
    Raises Conflict for a cancelled or ended enrollment: refund that payment instead.

    It activates even if a credential lapsed since the reservation (the seeker paid);
    the care plan then says which sessions wait for re-verification.
    """
    _lock(enrollment)
    if enrollment.status is EnrollmentStatus.ACTIVE:
        return enrollment
    if enrollment.status is not EnrollmentStatus.PENDING_PAYMENT:
        raise Conflict(f"This enrollment is {enrollment.status.value}; it cannot be activated.")
    at = at or utcnow()
    enrollment.status = EnrollmentStatus.ACTIVE
    enrollment.bought_at = at
    enrollment.expires_at = at + timedelta(days=enrollment.validity_days)
    audit.record(actor, "enrollment.activated", "enrollment", enrollment.id, None,
                 package_id=enrollment.package_id, price=enrollment.price, currency=enrollment.currency)
    db.session.flush()
    package = enrollment.package
    notify(enrollment.seeker, "enrollment.active",
           f"Your package “{package.name}” is ready: {len(enrollment.sessions)} sessions to book by "
           f"{enrollment.expires_at:%d %B %Y}. Schedule them from your care plan.",
           link=CARE_PLAN_PATH, mail_subject="Your package is ready to book")
    for share in enrollment.shares:
        count = sum(1 for s in enrollment.sessions if s.practitioner_id == share.practitioner_id)
        if count:
            notify(share.practitioner.user, "enrollment.sold",
                   f"Someone bought “{package.name}”: {count} session{'s' if count != 1 else ''} with you, "
                   "which they book from their care plan.", link=PRACTITIONER_PACKAGES_PATH)
    return enrollment


# --- Sessions and what they are worth ----------------------------------------------------------

def current_booking(session: EnrollmentSession) -> Booking | None:
    """The booking that stands now for ``session`` (following reschedules)."""
    return latest_version(session.booking) if session.booking is not None else None


def session_state(session: EnrollmentSession, now: datetime) -> tuple[str, datetime | None]:
    """What a session is as the seeker sees it, from its own status and its booking's:
    ``unscheduled``, ``upcoming``, ``past`` (its time has gone; the practitioner has not
    marked it), ``attended``, ``no_show`` or ``cancelled``."""
    if session.status is SessionStatus.CANCELLED:
        return "cancelled", None
    if session.status in (SessionStatus.ATTENDED, SessionStatus.NO_SHOW):
        booking = current_booking(session)
        return session.status.value, booking.starts_at if booking else session.scheduled_at
    if session.status is SessionStatus.UNSCHEDULED:
        return "unscheduled", None
    booking = current_booking(session)
    if booking is None:
        return "unscheduled", None
    status = booking.effective_status(now)
    if status in (BookingStatus.CANCELLED, BookingStatus.RELEASED):
        return "unscheduled", None
    if status is BookingStatus.ATTENDED:
        return "attended", booking.starts_at
    if status is BookingStatus.NO_SHOW:
        return "no_show", booking.starts_at
    return ("upcoming" if booking.starts_at > now else "past"), booking.starts_at


def is_unused(session: EnrollmentSession, now: datetime | None = None) -> bool:
    """Not delivered yet: never booked, or booked for a time still ahead."""
    return session_state(session, now or utcnow())[0] in ("unscheduled", "upcoming")


def unused_by_practitioner(enrollment: Enrollment, now: datetime | None = None) -> dict[int, int]:
    """The value of the sessions not delivered yet, per practitioner (minor units). Each
    session's value is its exact part of its practitioner's share, so what is used and
    what is unused always add up to the price."""
    now = now or utcnow()
    out = {share.practitioner_id: 0 for share in enrollment.shares}
    for session in enrollment.sessions:
        if is_unused(session, now):
            out[session.practitioner_id] = out.get(session.practitioner_id, 0) + session.value
    return out


def unused_value(enrollment: Enrollment, now: datetime | None = None) -> int:
    """The pro-rata value of the unused sessions, in minor units of the enrollment's
    currency: what cancelling an active enrollment refunds."""
    return sum(unused_by_practitioner(enrollment, now).values())


@dataclass(frozen=True)
class Cancellation:
    """What cancelling refunds: ``refund`` in total and ``by_practitioner`` (whose
    payouts shrink by that much). Zero when nothing was paid."""

    enrollment_id: int
    refund: int
    currency: str
    by_practitioner: dict[int, int]


def _cancel_unused(sessions: list[EnrollmentSession], actor: User, reason: str, now: datetime) -> int:
    """Cancel the ``sessions`` not delivered yet (and the upcoming booking of one) as
    ``actor``; returns their value in minor units."""
    value = 0
    for session in sessions:
        state, _ = session_state(session, now)
        if state == "upcoming":
            from marketplace.booking import services as booking_services

            booking = current_booking(session)
            assert booking is not None
            booking_services.cancel(booking, actor, reason, now=now)
        if state in ("unscheduled", "upcoming"):
            session.status = SessionStatus.CANCELLED
            value += session.value
    return value


def cancel_enrollment(enrollment: Enrollment, actor: User | None, reason: str | None = None) -> Cancellation:
    """Cancel a reservation or an active enrollment: upcoming bookings are cancelled and
    the unused sessions' value is reported for refund; delivered sessions stay paid.
    ``actor`` None means the system (e.g. payments after a failed charge).

    Raises Conflict for an enrollment that already ended, Forbidden for someone who is
    neither its seeker nor an admin.
    """
    if actor is not None and not (actor.is_admin or actor.id == enrollment.seeker_id):
        raise Forbidden("Only the seeker who bought this package (or an admin) can cancel it.")
    _lock(enrollment)
    if enrollment.status not in (EnrollmentStatus.PENDING_PAYMENT, EnrollmentStatus.ACTIVE):
        raise Conflict(f"This enrollment is {enrollment.status.value}; there is nothing to cancel.")
    now = utcnow()
    paid = enrollment.status is EnrollmentStatus.ACTIVE
    by_practitioner = unused_by_practitioner(enrollment, now) if paid else {}
    _cancel_unused(enrollment.sessions, actor or enrollment.seeker, reason or "The package was cancelled.", now)
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.ended_at = now
    refund = sum(by_practitioner.values())
    audit.record(actor, "enrollment.cancelled", "enrollment", enrollment.id, reason, refund=refund,
                 currency=enrollment.currency, by_practitioner={str(k): v for k, v in by_practitioner.items()})
    db.session.flush()
    if paid:
        notify(enrollment.seeker, "enrollment.cancelled",
               f"Your package “{enrollment.package.name}” is cancelled; the unused sessions' value, "
               f"{format_money(refund, enrollment.currency)}, is refunded.",
               link=CARE_PLAN_PATH, mail_subject="Your package is cancelled")
    return Cancellation(enrollment.id, refund, enrollment.currency, by_practitioner)


def _all_done(enrollment: Enrollment) -> bool:
    """Every session delivered (attended or a no-show) or withdrawn, and at least one delivered."""
    done = (SessionStatus.ATTENDED, SessionStatus.NO_SHOW, SessionStatus.CANCELLED)
    return (any(s.status is not SessionStatus.CANCELLED for s in enrollment.sessions)
            and all(s.status in done for s in enrollment.sessions))


def withdraw_practitioner(enrollment: Enrollment, practitioner_id: int, reason: str) -> int:
    """A partner left for good (deleted their account): their sessions not delivered yet
    are cancelled, with an upcoming booking for one, and their value is returned for a
    refund; the sessions with the other partners stay bookable. The enrollment completes
    when nothing is left to deliver, and is cancelled when nothing was ever delivered
    and nothing is left. Returns the value withdrawn (minor units; 0 if none)."""
    _lock(enrollment)
    if enrollment.status is not EnrollmentStatus.ACTIVE:
        return 0
    now = utcnow()
    value = _cancel_unused([s for s in enrollment.sessions if s.practitioner_id == practitioner_id],
                           enrollment.seeker, reason, now)
    if not value:
        return 0
    if all(s.status is SessionStatus.CANCELLED for s in enrollment.sessions):
        enrollment.status, enrollment.ended_at = EnrollmentStatus.CANCELLED, now
    elif _all_done(enrollment):
        enrollment.status, enrollment.ended_at = EnrollmentStatus.COMPLETED, now
    audit.record(None, "enrollment.sessions_withdrawn", "enrollment", enrollment.id, reason,
                 practitioner_id=practitioner_id, refund=value, currency=enrollment.currency)
    db.session.flush()
    notify(enrollment.seeker, "enrollment.sessions_withdrawn",
           f"A practitioner in your package “{enrollment.package.name}” has left the marketplace. "
           f"Their sessions you had not had yet are cancelled and refunded: {format_money(value, enrollment.currency)}."
           + (" Your sessions with the other practitioners stay booked or bookable."
              if enrollment.status is EnrollmentStatus.ACTIVE else ""),
           link=CARE_PLAN_PATH, mail_subject="Sessions in your package are refunded")
    return value


# --- Booking sessions ----------------------------------------------------------------------------

def schedulable_component(seeker: User, enrollment: Enrollment, component_id: int) -> PackageComponent:
    """The component of an active enrollment whose next session the seeker may book now.
    Raises NotFound (not theirs, no such component) or Conflict saying why not: not paid,
    ended, every session booked, or its practitioner not verified for it right now."""
    if enrollment.seeker_id != seeker.id:
        raise NotFound(f"No enrollment {enrollment.id}.")
    if enrollment.status is EnrollmentStatus.PENDING_PAYMENT:
        raise Conflict("This package is reserved but not paid yet; its sessions can be booked once it is paid.")
    if enrollment.status is not EnrollmentStatus.ACTIVE:
        raise Conflict(f"This package is {enrollment.status.value}; its sessions cannot be booked.")
    component = next((c for c in enrollment.package.components if c.id == component_id), None)
    if component is None or not any(s.component_id == component_id for s in enrollment.sessions):
        raise NotFound.on_field("component_id", "This package has no such component.")
    if not queries.is_bookable(component):
        raise Conflict.on_field(
            "component_id",
            f"{component.practitioner.display_name} is not verified for {component.modality.name.lower()} right now, "
            "so these sessions cannot be booked until their licence is re-verified. Your other sessions are not "
            "affected, and you can ask for a refund of these.")
    return component


def schedule_session(seeker: User, enrollment: Enrollment, component_id: int, start: datetime,
                     location_id: int | None = None, online: bool = False) -> EnrollmentSession:
    """Book the next session of a component of an active enrollment at ``start`` with the
    practitioner who delivers it, as a prepaid booking (no price, no payment hold).

    Raises what :func:`schedulable_component` raises; ValidationFailed on ``start`` (no
    offset, in the past) ; Conflict on ``start`` past the validity, or when the slot is
    taken (from the booking service).
    """
    _lock(enrollment)
    component = schedulable_component(seeker, enrollment, component_id)
    now = utcnow()
    if start.tzinfo is None:
        raise ValidationFailed.on_field("start", "Give the time with its UTC offset.")
    if start <= now:
        raise ValidationFailed.on_field("start", "Choose a time in the future.")
    assert enrollment.expires_at is not None
    if start + timedelta(minutes=component.minutes) > enrollment.expires_at:
        raise Conflict.on_field("start", f"The package is valid until {enrollment.expires_at:%d %B %Y, %H:%M} UTC; "
                                         "choose an earlier time.")
    refresh_sessions(enrollment, now)
    free = next((s for s in enrollment.sessions
                 if s.component_id == component_id and s.status is SessionStatus.UNSCHEDULED), None)
    if free is None:
        raise Conflict.on_field("component_id", "Every session of this component is booked already.")
    from marketplace.booking.services import HoldInput, hold

    booking = hold(seeker, HoldInput(
        practitioner_id=component.practitioner_id, start=start, location_id=None if online else location_id,
        online=online, fee_label=None, minutes=component.minutes, priced=False, hold=False))
    free.booking = booking
    free.status = SessionStatus.SCHEDULED
    free.scheduled_at = booking.starts_at
    db.session.flush()
    return free


def refresh_sessions(enrollment: Enrollment, now: datetime | None = None) -> bool:
    """Bring sessions in line with their bookings: a booking cancelled or released
    elsewhere frees its session to be booked again; an outcome the practitioner marked
    (attended, no-show) is copied. Completes the enrollment when every session is done.
    Returns whether anything changed."""
    now = now or utcnow()
    changed = False
    for session in enrollment.sessions:
        if session.status is not SessionStatus.SCHEDULED:
            continue
        state, starts = session_state(session, now)
        if state == "unscheduled":
            session.status, session.booking, session.scheduled_at = SessionStatus.UNSCHEDULED, None, None
            changed = True
        elif state in ("attended", "no_show"):
            session.status, changed = SessionStatus(state), True
        elif starts is not None and session.scheduled_at != starts:
            session.scheduled_at, changed = starts, True
    if enrollment.status is EnrollmentStatus.ACTIVE and _all_done(enrollment):
        enrollment.status, enrollment.ended_at, changed = EnrollmentStatus.COMPLETED, now, True
    if changed:
        db.session.flush()
    return changed


# --- Housekeeping: lapsed credentials and validity ---------------------------------------------

@dataclass(frozen=True)
class CheckResult:
    packages_lapsed: int
    seekers_told: int
    enrollments_expired: int
    enrollments_completed: int


def check(now: datetime | None = None) -> CheckResult:
    """The daily check (``flask packages check``): tell the partners once when their
    package stops selling because a credential lapsed or a practitioner was suspended;
    tell each seeker holding it once which sessions wait for re-verification; bring
    sessions in line with their bookings; expire enrollments past their validity (their
    unbooked sessions lapse). Safe to run any number of times."""
    now = now or utcnow()
    on = now.date()
    lapsed_packages = 0
    for package in db.session.scalars(select(Package).where(Package.status == PackageStatus.ON_SALE)):
        lapsed = queries.lapsed_components(package, on)
        if lapsed and package.lapse_notified_at is None:
            package.lapse_notified_at = now
            lapsed_packages += 1
            names = "; ".join(f"{c.practitioner.display_name} ({c.modality.name.lower()})" for c in lapsed)
            for partner in package.partners:
                notify(partner.practitioner.user, "package.lapsed",
                       f"“{package.name}” is not on sale while these credentials are not current: {names}. "
                       "It goes back on sale by itself once they are re-verified. People who bought it keep "
                       "their sessions.", link=PRACTITIONER_PACKAGES_PATH,
                       mail_subject="A package you offer stopped selling")
        elif not lapsed and package.lapse_notified_at is not None:
            package.lapse_notified_at = None

    told = completed = 0
    holding = db.session.scalars(select(Enrollment).where(
        Enrollment.status.in_((EnrollmentStatus.ACTIVE, EnrollmentStatus.PENDING_PAYMENT)))).all()
    for enrollment in holding:
        refresh_sessions(enrollment, now)
        if enrollment.status is EnrollmentStatus.COMPLETED:
            completed += 1
            continue
        lapsed = [c for c in queries.lapsed_components(enrollment.package, on)
                  if any(s.component_id == c.id and is_unused(s, now) for s in enrollment.sessions)]
        if lapsed and enrollment.lapse_notified_at is None:
            enrollment.lapse_notified_at = now
            told += 1
            parts = "; ".join(f"{c.modality.name.lower()} with {c.practitioner.display_name}" for c in lapsed)
            notify(enrollment.seeker, "enrollment.lapsed",
                   f"Part of your package “{enrollment.package.name}” cannot be booked for now: {parts}. That "
                   "practitioner's credential is not current, so those sessions wait until it is re-verified. Your "
                   "other sessions are not affected, and you can ask for a refund of the unused sessions.",
                   link=CARE_PLAN_PATH, mail_subject="Part of your package is on hold")
        elif not lapsed and enrollment.lapse_notified_at is not None:
            enrollment.lapse_notified_at = None

    expired = db.session.scalars(select(Enrollment).where(
        Enrollment.status == EnrollmentStatus.ACTIVE, Enrollment.expires_at < now)).all()
    for enrollment in expired:
        enrollment.status = EnrollmentStatus.EXPIRED
        enrollment.ended_at = now
        for session in enrollment.sessions:
            if session.status is SessionStatus.UNSCHEDULED:
                session.status = SessionStatus.CANCELLED
        notify(enrollment.seeker, "enrollment.expired",
               f"Your package “{enrollment.package.name}” has reached the end of its validity.",
               link=CARE_PLAN_PATH)
    db.session.flush()
    return CheckResult(lapsed_packages, told, len(expired), completed)
