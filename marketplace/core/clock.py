"""One place that says what time it is, so tests can move it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

_frozen: datetime | None = None


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return _frozen if _frozen is not None else datetime.now(timezone.utc)


def today() -> date:
    """Today's date in UTC: licences expire at the end of their expiry day."""
    return utcnow().date()


def today_ends() -> datetime:
    """The moment today (UTC) ends: licences lapse then, and what search shows with them."""
    return datetime.combine(today() + timedelta(days=1), time.min, tzinfo=timezone.utc)


def freeze(at: datetime | None) -> None:
    """Pin the clock (tests only); ``None`` lets it run again."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = at
