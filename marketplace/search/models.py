"""The search index: a denormalised copy of what search needs, rebuilt from the source
tables whenever a listing, location, fee, credential or suspension changes
(see :mod:`marketplace.search.index`). Nothing here is the truth; everything here can
be rebuilt with ``flask search reindex``.

Rows carry ``valid_until`` (the latest expiry of the credentials behind them), so a
licence that expires at midnight stops counting at query time even if nobody rebuilt
anything. Terms are modality or technique slugs: a practitioner appears once per
(location, verified term), so the ranking can bound each term's relevance exactly.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.clock import utcnow
from marketplace.extensions import db


class SearchProfile(db.Model):
    """One row per visible practitioner: what the ranking reads about them.

    ``modalities`` maps each verified modality slug to the ISO date its latest live
    credential expires; ``techniques`` maps each listed technique under a verified
    modality to that modality's slug. ``languages`` are as the practitioner wrote them.
    ``min_price`` is the cheapest fee in ``currency`` (minor units)."""

    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120))
    modalities: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    techniques: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    concerns: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    gender: Mapped[str | None] = mapped_column(String(32))  # as stated (Practitioner.gender), or None
    min_price: Mapped[int | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    offers_online: Mapped[bool] = mapped_column(default=False)
    valid_until: Mapped[date]
    indexed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchPlace(db.Model):
    """One row per (practitioner, location, verified term) with ``concern`` = "", plus one
    per declared concern, as :class:`SearchOnline` has. ``lat_idx``/``lon_idx`` are the grid
    cell (:data:`marketplace.search.grid.CELL_DEG` degrees) the ranking walks outward
    through, ring by ring, so its cost follows the page size. The concern rows let it read
    practitioners who say they treat the seeker's concern with the full "declares it" bonus
    in the bound, and everyone else with a bound that much lower."""

    __table_args__ = (Index("ix_search_place_term_concern_cell", "term", "concern", "lat_idx", "lon_idx"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(80))
    concern: Mapped[str] = mapped_column(String(80), default="", server_default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    lat_idx: Mapped[int]
    lon_idx: Mapped[int]
    venue_type: Mapped[str] = mapped_column(String(32))
    valid_until: Mapped[date]


class SearchOnline(db.Model):
    """One row per (practitioner offering online sessions, verified term, declared
    concern), plus one with ``concern`` = "" for every term: the lists online search
    reads best-first. ``price_factor`` (0..1) is the static part of the price score,
    stored so each list can be read in descending order of what it can still add.
    ``country`` is where the practitioner is based (``Practitioner.home_country``: their
    first location's country code, else the one they declared; "" when unknown): a seeker's
    own country's share of each list is read on its own."""

    __table_args__ = (Index("ix_search_online_list", "term", "concern", "price_factor", "practitioner_id"),
                      Index("ix_search_online_country_list", "term", "concern", "country", "price_factor",
                            "practitioner_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(String(80))
    concern: Mapped[str] = mapped_column(String(80), default="")
    price_factor: Mapped[float] = mapped_column(Float, default=0.0)
    country: Mapped[str] = mapped_column(String(2), default="", server_default="")
    valid_until: Mapped[date]


class UrgentOutcome(db.Model):
    """How many searches ended in urgent-care advice, per day and red flag. Anonymous by
    design: no text, no user, no place, no time of day."""

    day: Mapped[date] = mapped_column(primary_key=True)
    red_flag: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class SearchStamp(db.Model):
    """A token per block of grid cells (:data:`marketplace.search.grid.BLOCK_CELLS` on a
    side), replaced in the same transaction as any index rows in that block. Each web
    process keeps the place rows it read lately in memory
    (:mod:`marketplace.search.memory`); it reads the stamps around the seeker once per
    search, and a changed stamp retires what it holds of that block."""

    block_lat: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    block_lon: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[int] = mapped_column(BigInteger)
