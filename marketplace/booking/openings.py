"""When each practitioner can next be seen, kept in each web process's memory.

Every result on a results page shows its practitioner's next open start. Working it out
reads the page's hours, places, fees, booking rules, exceptions and bookings, then walks
the days until the first open slot: on a warm search, about as much work as the ranking
itself. Yet the answer rarely changes. It changes when one of those inputs changes, or
as time passes. So each process keeps, per practitioner, the opening it found, with:

* the practitioner's :class:`~marketplace.booking.models.AvailabilityStamp` as read
  *before* any of the inputs. Any flush that changes an input replaces the stamp in the
  same transaction (the session hook below, so no code path can forget to). Rows read
  after the stamp are at least as new as it, so an opening is never kept under a stamp
  newer than the data it came from (the argument of :mod:`marketplace.search.memory`);
* the span of time it holds for, from when it was worked out. An opening found holds
  until it falls inside the practitioner's notice, or until a hold on their time expires
  (which frees time that may come before it), whichever is first. "Nothing open in the
  next four weeks" holds for :data:`NOTHING_OPEN_FOR` (the window moves on, and a hold may
  lapse sooner); "no weekly hours at all" for :data:`NO_HOURS_FOR`. Only a change can
  alter those, and a change replaces the stamp.

Changes written with Core statements, or by hand in the database, bypass the hook. A
bulk loader that does so only adds new practitioners, who have nothing held anywhere.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from itertools import chain, islice
from typing import Generic, NamedTuple, Sequence, TypeVar

from flask import current_app, has_app_context
from sqlalchemy import Select, event, inspect, select
from sqlalchemy.orm import Session

from marketplace.booking.models import AvailabilityException, AvailabilityStamp, Booking, BookingSettings, WeeklyHours
from marketplace.core.models import in_ids, in_one_trip, restamp
from marketplace.extensions import db
from marketplace.practitioners.models import Fee, Location, Practitioner

NOTHING_OPEN_FOR = timedelta(minutes=10)
NO_HOURS_FOR = timedelta(days=1)
MAX_HELD = 200_000  # practitioners per process (about 350 bytes each: up to about 70 MB)
V = TypeVar("V")


class Held(NamedTuple):
    """A practitioner's next opening (None: nothing open), as worked out at ``since``
    under ``stamp``, true for any moment in [``since``, ``until``)."""

    stamp: int
    since: datetime
    until: datetime
    opening: datetime | None


class StampedMemory(Generic[V]):
    """Something kept per practitioner by one process, by practitioner id, each value
    carrying the stamp it was kept under (the oldest forgotten first once ``max_held`` are
    held)."""

    def __init__(self, max_held: int = MAX_HELD) -> None:
        self.max_held = max_held
        self._held: dict[int, V] = {}
        self._lock = threading.Lock()

    def peek(self, practitioner_id: int) -> V | None:
        """What is held for this practitioner, current or not."""
        return self._held.get(practitioner_id)

    def put(self, practitioner_id: int, held: V) -> None:
        with self._lock:
            if practitioner_id not in self._held and len(self._held) >= self.max_held:
                for old in list(islice(self._held, max(self.max_held // 8, 1))):
                    del self._held[old]
            self._held[practitioner_id] = held

    def __len__(self) -> int:
        return len(self._held)


class OpeningMemory(StampedMemory[Held]):
    """One process's next openings."""

    def get(self, practitioner_id: int, stamp: int, at: datetime) -> Held | None:
        """What is held for this practitioner, if it was kept under ``stamp`` and holds at ``at``."""
        held = self._held.get(practitioner_id)
        if held is None or held.stamp != stamp or not held.since <= at < held.until:
            return None
        return held


def memory() -> OpeningMemory:
    """This app's memory of next openings (one per web process)."""
    return kept_per_process("next_openings", OpeningMemory)


def kept_per_process(name: str, make: type) -> StampedMemory:
    """This app's (this web process's) memory called ``name``, made by ``make`` on first use."""
    found = current_app.extensions.get(name)
    if found is None:
        found = current_app.extensions[name] = make()
    return found


# The stamps of some practitioners (``ids``): (practitioner_id, stamp) rows, built once.
STAMPS = select(AvailabilityStamp.practitioner_id, AvailabilityStamp.stamp).where(
    in_ids(AvailabilityStamp.practitioner_id))


def stamps(practitioner_ids: Sequence[int]) -> dict[int, int]:
    """The practitioners' availability stamps (missing: 0), in one statement. Pending
    changes are flushed (and so stamped) first; the statement then runs on the session's
    connection, as plain rows."""
    return stamps_and(practitioner_ids)[0]


def stamps_and(practitioner_ids: Sequence[int], *others: Select, **params: object) -> tuple[dict[int, int],
                                                                                           list[list[tuple]]]:
    """:func:`stamps`, and the rows of ``others`` (small SELECTs of two integer columns that
    take the same ``ids`` and ``params``) in the same round trip: a results page also asks
    which of its practitioners deliver a package."""
    if db.session.autoflush:  # as a query through the session would (cheap when nothing is pending)
        db.session.flush()
    connection, values = db.session.connection(), {"ids": list(practitioner_ids), **params}
    if not others:
        return dict(connection.execute(STAMPS, values).all()), []
    first, *rest = in_one_trip(connection, (STAMPS, *others), values)
    return dict(first), rest


# --- Keeping the stamps current: every flush stamps the practitioners it touched --------------

# Rows whose every change can move a practitioner's openings (a place's zone, the shortest
# fee, a booking's time or status, ...).
_WATCHED = (WeeklyHours, AvailabilityException, BookingSettings, Booking, Location, Fee)


def touched(session: Session) -> set[int]:
    """The practitioners whose openings this flush may change: every row of
    :data:`_WATCHED` it writes, and a practitioner added, removed or turning online
    sessions on or off, or the country they declare (which search keeps under the same
    stamp with their places); the rest of a listing does not bear on either."""
    ids: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, _WATCHED):
            ids.add(obj.practitioner_id)
        elif isinstance(obj, Practitioner):
            attrs = inspect(obj).attrs
            if obj in session.dirty and not (attrs.offers_online.history.has_changes()
                                             or attrs.country_code.history.has_changes()):
                continue
            ids.add(obj.id)
    ids.discard(None)  # type: ignore[arg-type]
    return ids


RESTAMPED = "availability_restamped"  # session.info: {practitioner id: the stamp this transaction gave}


@event.listens_for(Session, "after_flush")
def _stamp_touched(session: Session, flush_context: object) -> None:
    ids = touched(session)
    if ids:
        stamp = restamp(session, AvailabilityStamp, [(i,) for i in ids], ("practitioner_id",))
        session.info.setdefault(RESTAMPED, {}).update(dict.fromkeys(ids, stamp))


@event.listens_for(Session, "after_commit")
def _tell_restamped(session: Session) -> None:
    """Once the new stamps are visible to everyone, tell the search answer cache, which
    serves a kept answer only while the stamps of the practitioners it shows hold (a
    booking takes a next opening it may show). Only after the commit: a transaction that
    fails changes nothing (nor does a savepoint released: the transaction goes on)."""
    if session.in_nested_transaction():
        return
    restamped = session.info.pop(RESTAMPED, None)
    if restamped and has_app_context():
        from marketplace.search.answers import restamped as tell

        tell(restamped)


@event.listens_for(Session, "after_rollback")
def _forget_restamped(session: Session) -> None:
    # Not at a savepoint's: the transaction's stamps before it still stand. (Those given
    # inside it are told with them: a stamp no answer read, which costs only kept answers.)
    if not session.in_nested_transaction():
        session.info.pop(RESTAMPED, None)
