"""Keeping the search index true to the source tables.

Any commit that touched a practitioner, their locations, fees or credentials, or their
user account, rebuilds that practitioner's index rows inside the same transaction (a
session hook), so no code path can forget to. :func:`index_rows` is the pure part,
shared with the bulk synthetic seeder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts.models import User
from marketplace.core.clock import today
from marketplace.core.models import restamp
from marketplace.matching.scoring import typical_price_factor
from marketplace.packages.models import Package, PackageComponent
from marketplace.practitioners.models import Fee, Location, Practitioner
from marketplace.search.grid import ONLINE_BLOCK, block_of, cell_of
from marketplace.search.models import SearchOnline, SearchPlace, SearchProfile, SearchStamp
from marketplace.taxonomy.models import Modality, Technique
from marketplace.verification.models import Credential, CredentialStatus, credential_modality

CHUNK = 500


@dataclass(frozen=True)
class Facts:
    """What the index needs to know about one practitioner. ``live`` maps each modality
    slug that an approved, unexpired credential covers to its latest expiry date."""

    practitioner_id: int
    display_name: str
    modalities: frozenset[str]
    techniques: dict[str, str]  # technique slug -> its modality slug
    concerns: tuple[str, ...]
    languages: tuple[str, ...]
    offers_online: bool
    fees: tuple[tuple[int, str], ...]  # (amount, currency)
    locations: tuple[tuple[int, float, float, str], ...]  # (id, lat, lon, venue type)
    live: dict[str, date] = field(default_factory=dict)
    is_hidden: bool = False  # suspended, or the account is disabled
    country: str = ""  # where they are based (Practitioner.home_country; "" unknown)
    gender: str | None = None  # as they stated it, if they did


@dataclass
class Rows:
    profiles: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)
    online: list[dict] = field(default_factory=list)

    def extend(self, other: "Rows") -> None:
        self.profiles += other.profiles
        self.places += other.places
        self.online += other.online


def cheapest(fees: Sequence[tuple[int, str]]) -> tuple[int | None, str | None]:
    """The cheapest fee in the currency of the practitioner's first fee."""
    if not fees:
        return None, None
    currency = fees[0][1]
    return min(a for a, c in fees if c == currency), currency


def index_rows(facts: Facts, on: date) -> Rows:
    """The index rows for one practitioner (none when nothing is verified today)."""
    rows = Rows()
    verified = {m: until for m, until in facts.live.items() if m in facts.modalities and until >= on}
    if facts.is_hidden or not verified:
        return rows
    techniques = {t: m for t, m in facts.techniques.items() if m in verified}
    valid_until = max(verified.values())
    min_price, currency = cheapest(facts.fees)
    rows.profiles.append({
        "practitioner_id": facts.practitioner_id, "display_name": facts.display_name,
        "modalities": {m: d.isoformat() for m, d in sorted(verified.items())},
        "techniques": dict(sorted(techniques.items())), "concerns": sorted(facts.concerns),
        "languages": list(facts.languages), "gender": facts.gender, "min_price": min_price, "currency": currency,
        "offers_online": facts.offers_online, "valid_until": valid_until,
    })
    terms = {m: until for m, until in verified.items()} | {t: verified[m] for t, m in techniques.items()}
    for location_id, lat, lon, venue in facts.locations:
        lat_idx, lon_idx = cell_of(lat, lon)
        for term, until in sorted(terms.items()):
            for concern in ("", *sorted(set(facts.concerns))):
                rows.places.append({
                    "practitioner_id": facts.practitioner_id, "location_id": location_id, "term": term,
                    "concern": concern, "lat": lat, "lon": lon, "lat_idx": lat_idx, "lon_idx": lon_idx,
                    "venue_type": venue, "valid_until": until,
                })
    if facts.offers_online:
        factor = typical_price_factor(min_price, currency)
        for term, until in sorted(terms.items()):
            for concern in ("", *sorted(set(facts.concerns))):
                rows.online.append({
                    "practitioner_id": facts.practitioner_id, "term": term, "concern": concern,
                    "price_factor": factor, "country": facts.country, "valid_until": until,
                })
    return rows


def stamp_blocks(session: Session, blocks: Iterable[tuple[int, int]]) -> None:
    """Give these blocks a new stamp, in the caller's transaction: every process that keeps
    place rows of them in memory drops those rows at its next search there."""
    restamp(session, SearchStamp, blocks, ("block_lat", "block_lon"))


def row_blocks(rows: Rows) -> set[tuple[int, int]]:
    """The blocks these rows lie in: their places' blocks, and the online lists' block
    (:data:`~marketplace.search.grid.ONLINE_BLOCK`) when any row is online."""
    blocks = {block_of(p["lat_idx"], p["lon_idx"]) for p in rows.places}
    return blocks | {ONLINE_BLOCK} if rows.online else blocks


def indexed_blocks(session: Session, ids: Sequence[int] | None) -> set[tuple[int, int]]:
    """The blocks that hold rows of these practitioners (of everyone for None)."""
    stmt = select(SearchPlace.lat_idx, SearchPlace.lon_idx).distinct()
    online = select(SearchOnline.practitioner_id).limit(1)
    if ids is not None:
        stmt = stmt.where(SearchPlace.practitioner_id.in_(ids))
        online = online.where(SearchOnline.practitioner_id.in_(ids))
    blocks = {block_of(a, b) for a, b in session.execute(stmt)}
    return blocks | {ONLINE_BLOCK} if session.execute(online).first() else blocks


def write_rows(session: Session, rows: Rows) -> None:
    session.info[_CHANGED] = True
    stamp_blocks(session, row_blocks(rows))
    for model, batch in ((SearchProfile, rows.profiles), (SearchPlace, rows.places), (SearchOnline, rows.online)):
        for start in range(0, len(batch), 5000):
            session.execute(insert(model), batch[start:start + 5000])


def _facts(session: Session, ids: Sequence[int], on: date) -> list[Facts]:
    practitioners = session.scalars(
        select(Practitioner).where(Practitioner.id.in_(ids)).options(
            selectinload(Practitioner.user), selectinload(Practitioner.modalities),
            selectinload(Practitioner.techniques).selectinload(Technique.modality),
            selectinload(Practitioner.concerns), selectinload(Practitioner.fees), selectinload(Practitioner.locations),
        )
        # Everything is flushed by now; reload collections that still hold deleted rows.
        .execution_options(populate_existing=True)
    ).all()
    live: dict[int, dict[str, date]] = {}
    for pid, slug, until in session.execute(
        select(Credential.practitioner_id, Modality.slug, func.max(Credential.expires_on))
        .join(credential_modality, credential_modality.c.credential_id == Credential.id)
        .join(Modality, Modality.id == credential_modality.c.modality_id)
        .where(Credential.practitioner_id.in_(ids), Credential.status == CredentialStatus.APPROVED,
               Credential.expires_on >= on)
        .group_by(Credential.practitioner_id, Modality.slug)
    ):
        live.setdefault(pid, {})[slug] = until
    return [
        Facts(
            practitioner_id=p.id, display_name=p.display_name,
            modalities=frozenset(m.slug for m in p.modalities),
            techniques={t.slug: t.modality.slug for t in p.techniques},
            concerns=tuple(c.slug for c in p.concerns), languages=tuple(p.languages or ()),
            offers_online=p.offers_online, fees=tuple((f.amount, f.currency) for f in p.fees),
            locations=tuple((loc.id, loc.lat, loc.lon, str(loc.venue_type)) for loc in p.locations),
            live=live.get(p.id, {}), is_hidden=p.is_suspended or p.user.is_disabled, country=p.home_country,
            gender=p.gender.value if p.gender else None,
        )
        for p in practitioners
    ]


def rebuild(session: Session, practitioner_ids: Iterable[int], on: date | None = None) -> None:
    """Replace the index rows of these practitioners with what the source says today."""
    on = on or today()
    ids = sorted(set(practitioner_ids))
    session.info[_CHANGED] = True  # even when nothing is written back: rows were deleted
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        stamp_blocks(session, indexed_blocks(session, chunk))  # where their rows were
        for model in (SearchOnline, SearchPlace, SearchProfile):
            session.execute(delete(model).where(model.practitioner_id.in_(chunk)))
        rows = Rows()
        for facts in _facts(session, chunk, on):
            rows.extend(index_rows(facts, on))
        write_rows(session, rows)


def rebuild_all(session: Session, on: date | None = None, batch: int = 2000) -> int:
    """Rebuild every practitioner's rows; returns how many practitioners were read."""
    on = on or today()
    session.info[_CHANGED] = True
    stamp_blocks(session, indexed_blocks(session, None))
    for model in (SearchOnline, SearchPlace, SearchProfile):
        session.execute(delete(model))
    ids = session.scalars(select(Practitioner.id).order_by(Practitioner.id)).all()
    for start in range(0, len(ids), batch):
        rows = Rows()
        for facts in _facts(session, ids[start:start + batch], on):
            rows.extend(index_rows(facts, on))
        write_rows(session, rows)
    return len(ids)


# --- Keeping it current: every commit rebuilds what it touched ------------------------------

_DIRTY = "search_index_dirty"
_CHANGED = "search_index_changed"  # index rows (or packages) were written in this transaction
_USERS = "search_index_dirty_users"
DISABLED = "search_index_disabled"  # set in session.info by bulk loaders that index themselves


def _note(session: Session, instances: Iterable[object]) -> None:
    dirty: set[int] = session.info.setdefault(_DIRTY, set())
    users: set[int] = session.info.setdefault(_USERS, set())
    for obj in instances:
        if isinstance(obj, Practitioner):
            if obj.id is not None:
                dirty.add(obj.id)
        elif isinstance(obj, (Location, Fee, Credential)):
            if obj.practitioner_id is not None:
                dirty.add(obj.practitioner_id)
        elif isinstance(obj, User) and obj.id is not None:
            users.add(obj.id)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context: object) -> None:
    if session.info.get(DISABLED):
        return
    changed = list(session.new) + list(session.dirty) + list(session.deleted)
    _note(session, changed)
    if any(isinstance(obj, (Package, PackageComponent)) for obj in changed):
        # Results show the courses of care on sale for the concern: no index row holds
        # them, but a cached answer does (they change rarely, so every answer retires).
        session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    # A savepoint released (begin_nested) commits nothing yet: the outermost commit does it all.
    if session.info.get(DISABLED) or session.in_nested_transaction():
        return
    session.flush()  # collect what is still pending
    dirty: set[int] = session.info.pop(_DIRTY, set())
    users: set[int] = session.info.pop(_USERS, set())
    if users:
        dirty |= set(session.scalars(select(Practitioner.id).where(Practitioner.user_id.in_(users))))
    if dirty:
        rebuild(session, dirty)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    """Once the new rows are visible to everyone, retire every cached search answer (the
    bump must follow the commit: one before it could file old results under the new version)."""
    if not session.in_nested_transaction() and session.info.pop(_CHANGED, False):
        from marketplace.search.answers import bump_index_version

        bump_index_version()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: what the transaction did before it still stands
        return
    session.info.pop(_DIRTY, None)
    session.info.pop(_USERS, None)
    session.info.pop(_CHANGED, None)
