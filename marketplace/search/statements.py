"""The SQL the ranking walk runs, built once per shape with every value bound at execution.

Binding the term list and the cell ranges (instead of inlining ~60 literals per
statement) lets SQLAlchemy reuse the compiled statement: building and compiling it was
most of what a sparse search cost. The search runs them on the session's connection
(Core execution): the ORM's execution path adds about 0.1 ms a statement and these
return plain columns, never entities. See :mod:`marketplace.search.engine` for the walk.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import (
    BigInteger, Integer, Select, String, Text, any_, bindparam, cast, func, literal, null, select, tuple_, union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY

from marketplace.core.models import in_ids
from marketplace.practitioners.models import Location, Practitioner
from marketplace.search.grid import LON_CELLS
from marketplace.search.models import SearchOnline, SearchPlace, SearchProfile

ONLINE_BATCH = 64


def binds_arrays(bind) -> bool:  # noqa: ANN001
    """Whether statements on this connection (or engine) bind lists as arrays: on
    PostgreSQL (see :func:`_one_of`)."""
    return bind.dialect.name == "postgresql"


def _one_of(column, name: str, item_type, arrays: bool):  # noqa: ANN001, ANN202
    """``column`` is one of the list bound as ``name``: ``= ANY(:name)`` with one array
    parameter on PostgreSQL (the SQL text stays the same whatever the list's length, so
    the server prepares it once and stops planning it on every search), an expanding
    ``IN`` elsewhere."""
    if arrays:
        return column == any_(bindparam(name, type_=ARRAY(item_type)))
    return column.in_(bindparam(name, expanding=True))


@lru_cache(maxsize=256)
def place_statement(shape: tuple[bool, ...], declared: bool, generic: bool, venue: bool,
                    arrays: bool = False, full: bool = False) -> Select:
    """UNION ALL of one SELECT per rectangle and kind of row (an OR across rectangles would
    stop SQLite, and sometimes PostgreSQL, from seeking the (term, concern, lat, lon) index).
    ``shape[i]`` says whether rectangle i lists its latitude rows (exact seeks) or gives a
    range; ``declared`` reads the rows of the seeker's concerns for ``dterms``, ``generic``
    the everyone rows for ``gterms``; ``arrays`` binds lists as arrays (PostgreSQL). Each
    row carries its practitioner's profile (glued, see :func:`_profile_columns`) and display
    name: a join per row is far cheaper than a statement per shell. ``full`` adds the
    cell, ``valid_until`` and the place's label and city (for
    :mod:`marketplace.search.memory`, which keeps rows across days and shows a held place
    on the page without another statement)."""
    kinds = ([_one_of(SearchPlace.term, "dterms", String, arrays),
              _one_of(SearchPlace.concern, "dconcerns", String, arrays)] if declared else None,
             [_one_of(SearchPlace.term, "gterms", String, arrays), SearchPlace.concern == ""]
             if generic else None)
    selects = []
    for i, listed in enumerate(shape):
        lat = (_one_of(SearchPlace.lat_idx, f"lat{i}", Integer, arrays) if listed
               else SearchPlace.lat_idx.between(bindparam(f"lat_lo{i}"), bindparam(f"lat_hi{i}")))
        for kind in kinds:
            if kind is None:
                continue
            part = (_place_select(full)
                    .where(*kind, lat, SearchPlace.lon_idx.between(bindparam(f"lon_lo{i}"), bindparam(f"lon_hi{i}")),
                           SearchPlace.valid_until >= bindparam("on")))
            if venue:
                part = part.where(SearchPlace.venue_type == bindparam("venue"))
            selects.append(part)
    return selects[0] if len(selects) == 1 else union_all(*selects)


def _place_select(full: bool) -> Select:
    """The columns of a place row (see :func:`place_statement`) with the joins they need."""
    stmt = (select(SearchPlace.practitioner_id, SearchPlace.location_id, SearchPlace.term, SearchPlace.concern,
                   SearchPlace.lat, SearchPlace.lon, SearchPlace.venue_type, *_profile_columns(),
                   SearchProfile.display_name,
                   *((SearchPlace.lat_idx, SearchPlace.lon_idx, SearchPlace.valid_until, Location.label,
                      Location.city) if full else ()))
            .join(SearchProfile, SearchProfile.practitioner_id == SearchPlace.practitioner_id))
    return stmt.join(Location, Location.id == SearchPlace.location_id) if full else stmt


def tile_key(tile: tuple, tile_cells: int):  # noqa: ANN201
    """A tile's key in :func:`tiles_statement`: one integer per (row, column) of tiles (of
    numbers, or of the columns' expressions in SQL)."""
    return tile[0] * (LON_CELLS // tile_cells + 1) + tile[1]


@lru_cache(maxsize=2)
def tiles_statement(tile_cells: int) -> Select:
    """Every place row (``full`` columns, see :func:`place_statement`) live on ``on`` in
    the tiles of ``tile_cells`` cells on a side whose keys (:func:`tile_key`) are bound as
    ``tiles``, by tile: one pass over the index for many tiles, for
    :meth:`marketplace.search.memory.PlaceMemory.preload`."""
    key = tile_key((SearchPlace.lat_idx // tile_cells, SearchPlace.lon_idx // tile_cells), tile_cells)
    return (_place_select(True).where(SearchPlace.valid_until >= bindparam("on"), in_ids(key, "tiles"))
            .order_by(key).execution_options(yield_per=4096))


@lru_cache(maxsize=8)
def online_statement(after: bool, limit: int = ONLINE_BATCH, home: bool = False) -> Select:
    """The next ``limit`` rows of one online list (``term``, ``concern``; of practitioners
    based in ``country`` alone when ``home``), best price factor first, live on ``on``,
    after (``after_factor``, ``after_id``) when ``after``; each with its practitioner's
    profile (as :func:`place_statement`), ``valid_until``, display name and country."""
    stmt = (select(SearchOnline.price_factor, SearchOnline.practitioner_id, *_profile_columns(),
                   SearchOnline.valid_until, SearchProfile.display_name, SearchOnline.country)
            .join(SearchProfile, SearchProfile.practitioner_id == SearchOnline.practitioner_id)
            .where(SearchOnline.term == bindparam("term"), SearchOnline.concern == bindparam("concern"),
                   SearchOnline.valid_until >= bindparam("on"))
            .order_by(SearchOnline.price_factor.desc(), SearchOnline.practitioner_id.desc())
            .limit(limit))
    if home:
        stmt = stmt.where(SearchOnline.country == bindparam("country"))
    if after:
        stmt = stmt.where(tuple_(SearchOnline.price_factor, SearchOnline.practitioner_id)
                          < tuple_(bindparam("after_factor"), bindparam("after_id")))
    return stmt


def _profile_columns() -> tuple:
    """The four JSON columns and the gender glued into one JSON array in SQL (one
    ``json.loads`` per profile instead of five, and no per-column JSON result processing),
    then min_price, currency and offers_online. The gender is a plain word (a
    :class:`~marketplace.practitioners.models.Gender` value), quoted here, or null."""
    gender = func.coalesce(literal('"', String) + SearchProfile.gender + literal('"', String), literal("null", String))
    glued = (literal("[", String) + cast(SearchProfile.modalities, Text) + literal(",", String)
             + cast(SearchProfile.techniques, Text) + literal(",", String) + cast(SearchProfile.concerns, Text)
             + literal(",", String) + cast(SearchProfile.languages, Text) + literal(",", String) + gender
             + literal("]", String))
    return glued, SearchProfile.min_price, SearchProfile.currency, SearchProfile.offers_online


# Display names by practitioner id, and the six fields of each place a results page shows
# by location id, for rows read through SQL (the memory's rows carry both).
DISPLAY_NAMES = (select(SearchProfile.practitioner_id, SearchProfile.display_name)
                 .where(in_ids(SearchProfile.practitioner_id)))
# The years in practice a page's practitioners state (those who state them), read in the
# page's one round trip with its availability stamps (see booking.openings.stamps_and).
YEARS_STATED = (select(Practitioner.id, Practitioner.years_in_practice)
                .where(in_ids(Practitioner.id), Practitioner.years_in_practice.is_not(None)))
PLACES_SHOWN = (select(Location.id, Location.label, Location.city, Location.venue_type, Location.lat, Location.lon)
             .where(in_ids(Location.id)))
# Where the practitioners of a page's online results (``online_ids``) see people in person:
# an online result says where they are based (often another city, or another country), and
# which of their places is within the seeker's radius, if any. It rides in the page's one
# round trip (core.models.in_one_trip), whose other lookups have up to three integer
# columns: the text starts at the fourth. One row per place, or one with no place (a null
# location id) for a practitioner who lists none; each with the country they declared.
HOMES = (select(Practitioner.id, Location.id, cast(null(), BigInteger).label("unused"), Location.city,
                Location.country, Location.resolved_label, Location.country_code, Location.label,
                Location.venue_type, Location.lat, Location.lon, Practitioner.country_code.label("declared"))
         .select_from(Practitioner).outerjoin(Location, Location.practitioner_id == Practitioner.id)
         .where(in_ids(Practitioner.id, "online_ids")))
