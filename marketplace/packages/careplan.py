"""The care plan: each enrollment as the seeker sees it (sessions used, left, upcoming,
past, per component too) and the dates its rhythm suggests for the next session.
Read-only: it never changes a session (see ``enrollments.refresh_sessions``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from marketplace.core.clock import utcnow
from marketplace.packages import queries
from marketplace.packages.enrollments import current_booking, session_state, unused_value
from marketplace.packages.models import Enrollment, EnrollmentStatus
from marketplace.packages.planner import suggest_dates


@dataclass(frozen=True)
class SessionView:
    id: int
    component_id: int | None
    number: int
    practitioner_id: int
    practitioner_name: str
    what: str
    minutes: int
    state: str
    starts_at: datetime | None
    place: str | None
    booking_id: int | None


@dataclass(frozen=True)
class ComponentView:
    component_id: int
    what: str  # e.g. "Acupuncture"
    practitioner_id: int
    practitioner_name: str
    minutes: int
    total: int
    used: int
    upcoming: int
    to_book: int
    is_bookable: bool  # False while the practitioner is not verified for it


@dataclass(frozen=True)
class CarePlan:
    """One enrollment as the seeker sees it: sessions used, left (to book or upcoming),
    upcoming and past, per component too, and the dates the rhythm suggests next."""

    enrollment: Enrollment
    components: tuple[ComponentView, ...]
    upcoming: tuple[SessionView, ...]
    past: tuple[SessionView, ...]
    total: int
    used: int
    left: int
    suggested: tuple[date, ...]
    unused_value: int

    @property
    def on_hold(self) -> tuple[ComponentView, ...]:
        """Components with sessions to book that cannot be booked right now."""
        return tuple(c for c in self.components if not c.is_bookable and c.to_book)


def care_plan(enrollment: Enrollment, now: datetime | None = None) -> CarePlan:
    now = now or utcnow()
    views: list[SessionView] = []
    for s in enrollment.sessions:
        state, starts = session_state(s, now)
        booking = current_booking(s) if state not in ("unscheduled", "cancelled") else None
        component = s.component
        what = (component.technique.name if component and component.technique
                else component.modality.name if component else "Session")
        views.append(SessionView(
            id=s.id, component_id=s.component_id, number=s.number, practitioner_id=s.practitioner_id,
            practitioner_name=s.practitioner.display_name, what=what, minutes=s.minutes, state=state,
            starts_at=starts, place=booking.place_label if booking else None,
            booking_id=booking.id if booking else None))
    components = []
    for component in enrollment.package.components:
        mine = [v for v in views if v.component_id == component.id]
        if not mine:
            continue
        used = sum(1 for v in mine if v.state in ("past", "attended", "no_show"))
        upcoming = sum(1 for v in mine if v.state == "upcoming")
        components.append(ComponentView(
            component_id=component.id, what=mine[0].what, practitioner_id=component.practitioner_id,
            practitioner_name=component.practitioner.display_name, minutes=component.minutes, total=len(mine),
            used=used, upcoming=upcoming, to_book=sum(1 for v in mine if v.state == "unscheduled"),
            is_bookable=queries.is_bookable(component, now.date())))
    used = sum(1 for v in views if v.state in ("past", "attended", "no_show"))
    left = sum(1 for v in views if v.state in ("unscheduled", "upcoming"))
    return CarePlan(
        enrollment=enrollment, components=tuple(components),
        upcoming=tuple(sorted((v for v in views if v.state == "upcoming"), key=lambda v: v.starts_at)),
        past=tuple(sorted((v for v in views if v.state in ("past", "attended", "no_show")),
                          key=lambda v: v.starts_at or now, reverse=True)),
        total=len(views), used=used, left=left,
        suggested=tuple(suggested_days(enrollment, now)) if enrollment.status is EnrollmentStatus.ACTIVE else (),
        unused_value=unused_value(enrollment, now),
    )


def last_session_day(enrollment: Enrollment, now: datetime | None = None) -> date | None:
    starts = [session_state(s, now or utcnow())[1] for s in enrollment.sessions]
    booked = [s for s in starts if s is not None]
    return max(booked).date() if booked else None


def suggested_days(enrollment: Enrollment, now: datetime | None = None) -> list[date]:
    """The next dates the package's rhythm suggests, within its validity."""
    if enrollment.expires_at is None:
        return []
    now = now or utcnow()
    return suggest_dates(enrollment.package.sessions_per_week, today=now.date(),
                         until=(enrollment.expires_at - timedelta(seconds=1)).date(),
                         last=last_session_day(enrollment, now))
