"""The place rows a web process read lately, kept in memory by tile of grid cells.

Searches cluster: most of a day's searches near a city read the same rows of the index.
Reading them through SQL costs a statement per shell of the ranking walk (building,
binding, a round trip, decoding rows), which at ten or a hundred thousand practitioners
is most of what a search costs. So each process keeps what the walk
(:mod:`marketplace.search.engine`) asked for, by tile (:data:`TILE_CELLS` cells on a side)
and (term, concern) pair, and serves the next walk nearby from here. A tile's pair is
loaded whole on first use, with the walk's own statement, so the first search near a
place costs about what it did without the memory.

**Always current.** Every transaction that writes index rows also gives their block of
cells a new stamp (:func:`marketplace.search.index.stamp_blocks`, same transaction). A
search reads the stamps around the seeker once (:meth:`PlaceMemory.begin`), which forgets
every tile held under another stamp; rows loaded after the stamps were read are at least as
new as them, so a tile is never kept under a stamp newer than its rows. A suspension or a
moved clinic therefore shows in the very next search, in every process.

A warm search (:meth:`PlaceMemory.assume`) reads what it holds *before* the stamps, noting
the stamp each block it reads from is held under, and reads the stamps afterwards in the
same round trip as the rest of its page (:meth:`PlaceMemory.settle`): one statement fewer.
If a block it read from has a new stamp by then, the walk is done again, stamps first. If
it must load a tile, it reads the stamps first after all (:meth:`Unconfirmed.confirm`),
and stops at once when a block it has already read from changed.
Licence expiry needs no stamp: each row carries ``valid_until``, checked against the day
at read time as SQL does.

**Compact and cheap to read.** A row held is a reference to a *place* (practitioner,
location, coordinates, profile) shared by every (term, concern) pair that names it, and a
pair's places are held in cell order, so a shell reads only its own cells' slices of a
busy tile (a city centre at a million practitioners) and not the whole tile.

**Online lists too.** The online lists (best price factor first, not by place) are held
from their head as far as searches have read them, under the stamp of
:data:`~marketplace.search.grid.ONLINE_BLOCK`, which every write of online rows renews
(and which :meth:`PlaceMemory.begin` reads with the blocks), so an online search reads
no list through SQL either once a process has served the concern.

**Bounded.** A (tile, pair) with more than :data:`DENSE_ROWS` rows, and every pair of a
tile with more than :data:`TILE_ROWS` (denser than any city at a million practitioners),
is not kept: the walk reads it through SQL, where the index reads only the shell it needs.
The rest is kept up to ``SEARCH_MEMORY_ROWS`` rows per process (about 375 bytes a row,
with the names and labels the page shows); least recently used tiles and lists go first.
Searches wider than :data:`MAX_RINGS` rings read through SQL.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import accumulate, islice

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from marketplace.matching.memo import Memo
from marketplace.search.grid import (
    BLOCK_CELLS, CELL_DEG, LAT_CELLS, LON_CELLS, ONLINE_BLOCK, Rect, block_of, rings_for_km,
)
from marketplace.search.models import SearchPlace, SearchStamp

TILE_CELLS = 4  # divides BLOCK_CELLS, so a tile lies in one block
# A (tile, pair) with more rows than this is read through SQL (see the module docstring):
# loading it would cost the first search there far more than the few cells it reads, and
# keeping it would crowd out many lighter tiles. The busiest (tile, pair) of the synthetic
# million (clustered on real cities) holds about 1,400 rows.
DENSE_ROWS = 2000
# A tile holding more rows than this in all is read through SQL for every pair (the
# busiest tile of the synthetic million holds about 15,000).
TILE_ROWS = 16000
# Searches wider than this many rings (about 90 km) read through SQL: the walk would
# visit thousands of mostly empty tiles one by one.
MAX_RINGS = 40

Tile = tuple[int, int]
Block = tuple[int, int]
Pair = tuple[str, str]  # (term, concern or "")
# Reads place rows through SQL: (rects, declared pairs' terms, their concerns, generic
# terms) -> rows with the walk's columns, then lat_idx, lon_idx, valid_until.
Reader = Callable[[list[Rect], list[str], list[str], list[str]], list]

# The reader's row columns: practitioner_id, location_id, term, concern, lat, lon, venue,
# glued profile, min_price, currency, offers_online, display name (the walk's), then
# lat_idx, lon_idx, valid_until, the place's label and city.
_LAT, _LON, _UNTIL = 12, 13, 14
# What is kept is one *place* per practitioner, location and expiry day in a tile, shared
# by all the (term, concern) rows that name it: each row held costs a reference, not a
# tuple of its own. A place: practitioner_id, location_id, lat, lon, venue, glued profile,
# min_price, currency, offers_online, valid_until (ISO), then what the page shows of it:
# display name, label and city.
_P_VENUE, _P_DAY = 4, 9
P_LABEL, P_CITY = 11, 12  # and the display name at 10
# The online lists (one per term and concern, best price factor first, not by place) are
# held from their head as far as searches read them, under the stamp of ONLINE_BLOCK, a
# block no place lies in that every write of online rows renews. Rows are read LIST_BATCH
# at a time, and at most LIST_ROWS of a list are kept (a search that filters out most of
# a list reads on through SQL).
LIST_BATCH = 256
LIST_ROWS = 4096
_L_DAY = 6
# An online list: (term, concern or "", country or None). With a country, only the rows of
# practitioners based there; None, everyone's.
ListKey = tuple[str, str, "str | None"]
# Reads an online list through SQL: (list, after (factor, id) or None, how many, day) ->
# rows: price factor, practitioner id, glued profile, min_price, currency, offers_online,
# valid_until, display name, country.
ListReader = Callable[[ListKey, "tuple[float, int] | None", int, str], list]
# Reads every place row of some tiles (the Reader's columns), live on any day, tile after tile.
TileReader = Callable[[list[Tile]], Iterable]
# A (tile, pair)'s places are held in cell order (row-major within the tile) with the
# offset where each cell starts, so a shell reads only its own cells' slices, and the
# earliest expiry day among them (a read on or before it keeps every place).
Held = tuple[list[tuple], tuple[int, ...], str]
# What a read returns: (term, concern, places), each place a tuple of practitioner_id,
# location_id, lat, lon, venue, glued profile, min_price, currency, offers_online, then
# valid_until (ISO), display name, label and city from the memory; from SQL the same with
# None for valid_until, label and city. A pair's places come as several
# groups when they lie in several slices or tiles; a group is only read, never changed.
Group = tuple[str, str, "list[tuple] | tuple[tuple, ...]"]


@dataclass
class _List:
    """The head of one online list, best first, as far as searches have read it: every row
    live on ``day`` down to the last one held (``complete``: the whole list)."""

    stamp: int
    day: str
    rows: list[tuple] = field(default_factory=list)
    keys: list[tuple[float, int]] = field(default_factory=list)  # (-factor, -id): ascending
    complete: bool = False
    used: int = 0


@dataclass
class _Tile:
    # pair -> its places here in cell order with the cells' offsets; None: dense, read
    # through SQL. A pair loaded (see ``loaded``) that is not a key has no rows here (most
    # pairs of most tiles): nothing is kept for it.
    pairs: dict[Pair, Held | None] = field(default_factory=dict)
    # (practitioner_id, location_id, day) -> its place: the one tuple the pairs' lists share
    places: dict[tuple, tuple] = field(default_factory=dict)
    rows: int = 0
    used: int = 0
    heavy: bool = False  # more than TILE_ROWS rows: every pair is read through SQL
    # The pairs loaded here, as a mask of the memory's pair bits (PlaceMemory._bits), so a
    # read tells whether a tile holds every pair it wants with one integer operation.
    loaded: int = 0
    # The pairs with rows here or read through SQL (most pairs of most tiles have none), by
    # bit, and their mask: a read skips a tile with none it wants in one integer operation,
    # and visits only the bits it wants of the others; rebuilt after a load changes ``pairs``.
    live: dict[int, tuple[Pair, Held | None]] | None = None
    live_mask: int = 0


class StaleMemory(Exception):
    """A walk read rows held under a stamp that has since changed: it must start again,
    reading the stamps first."""


class Unconfirmed(dict):
    """The stamps of a walk that reads before it has read them (:meth:`PlaceMemory.assume`):
    what is known of them so far, and the stamp of each block it served rows (or the
    absence of rows) from, as held then (``used``)."""

    def __init__(self, known: dict[Block, int], *, memory: PlaceMemory, session: Session, cell: tuple[int, int],
                 rings: int) -> None:
        super().__init__(known)
        self.memory, self.session, self.cell, self.rings = memory, session, cell, rings
        self.used: dict[Block, int] = {}
        self.confirmed = False

    def confirm(self) -> None:
        """Read the stamps now, as :meth:`PlaceMemory.begin` does (before a row read through
        SQL is kept under them). Raises :class:`StaleMemory` when a block already read from
        has changed."""
        if self.confirmed:
            return
        stamps = self.memory.begin(self.session, self.cell, self.rings)
        self.confirmed = True
        self.clear()
        self.update(stamps)
        if any(stamps.get(block, 0) != stamp for block, stamp in self.used.items()):
            raise StaleMemory


class PlaceMemory:
    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self._tiles: dict[Tile, _Tile] = {}
        # block -> (the stamp its held tiles were loaded under, those tiles)
        self._blocks: dict[Block, tuple[int, set[Tile]]] = {}
        # one string per glued profile, expiry day, place label and city, shared by the rows
        # and places that carry it (many do)
        self._strings: dict[str, str] = {}
        self._rows = 0
        self._tick = 0
        self._lock = threading.RLock()
        self._lists: dict[ListKey, _List] = {}  # the online lists' heads
        self._lists_stamp: int | None = None  # the online lists' stamp last read
        # pair -> its bit in the tiles' masks: one per pair met, for good (clear() keeps them)
        self._bits: dict[Pair, int] = {}
        self._masks: Memo[int] = Memo()  # the masks of the sets of pairs walks ask for
        self.loads = 0  # statements run to fill tiles or lists (for the bench and tests)

    @property
    def rows(self) -> int:
        return self._rows

    def clear(self) -> None:
        with self._lock:
            self._tiles.clear()
            self._blocks.clear()
            self._strings.clear()
            self._lists.clear()
            self._rows = 0

    def _mask(self, pairs: Iterable[Pair]) -> int:
        """The mask of these pairs' bits, giving a bit to a pair met for the first time (the
        bits are this memory's for good: there is one pair per term and concern)."""
        bits, mask = self._bits, 0
        for pair in pairs:
            bit = bits.get(pair)
            if bit is None:
                with self._lock:
                    bit = bits.setdefault(pair, 1 << len(bits))
            mask |= bit
        return mask

    def _mask_of(self, wanted: Iterable[Pair]) -> int:
        """:meth:`_mask`, kept for a frozenset (the walk asks for the same few sets of pairs
        search after search, and a frozenset's hash is worked out once)."""
        if not isinstance(wanted, frozenset):
            return self._mask(wanted)
        return self._masks.get(wanted, lambda: self._mask(wanted))

    # --- stamps -------------------------------------------------------------------------------
    def begin(self, session: Session, cell: tuple[int, int], rings: int) -> dict[Block, int]:
        """Read the stamps of every block within ``rings`` cells of ``cell`` (one statement;
        a block without a stamp row has stamp 0) and forget the tiles held under any other
        stamp. Returns the stamps, for :meth:`read`: call this before reading any row.
        ``rings`` is at most :data:`MAX_RINGS`, so the band never wraps onto itself."""
        statement, params = self.band(cell, rings)
        stamps = {(a, b): s for a, b, s in session.connection().execute(statement, params)}
        self._apply(cell, rings, stamps)
        return stamps

    @staticmethod
    def band(cell: tuple[int, int], rings: int) -> tuple[Select, dict]:
        """The statement (block_lat, block_lon, stamp rows) and parameters that read what
        :meth:`begin` reads: the stamps of the blocks within ``rings`` of ``cell``, and
        the online lists' stamp."""
        lat_lo, lat_hi, lo, hi, wraps = _band(cell, rings)
        return _stamp_statement(wraps), {"lat_lo": lat_lo, "lat_hi": lat_hi, "lon_lo": lo, "lon_hi": hi}

    def _apply(self, cell: tuple[int, int], rings: int, stamps: dict[Block, int]) -> None:
        """Forget what is held in the band under another stamp than ``stamps`` (read with
        :meth:`band`)."""
        self._forget_lists(stamps.get(ONLINE_BLOCK, 0))
        lat_lo, lat_hi, lo, hi, wraps = _band(cell, rings)
        lon_blocks = [*range(lo, (LON_CELLS - 1) // BLOCK_CELLS + 1), *range(0, hi + 1)] if wraps else range(lo, hi + 1)
        with self._lock:
            blocks = self._blocks
            for a in range(lat_lo, lat_hi + 1):
                for b in lon_blocks:
                    known = blocks.get((a, b))
                    if known is not None and known[0] != stamps.get((a, b), 0):
                        for t in known[1]:
                            held = self._tiles.pop(t, None)
                            if held is not None:
                                self._rows -= held.rows
                        del blocks[(a, b)]

    def assume(self, session: Session, cell: tuple[int, int], rings: int) -> Unconfirmed:
        """Instead of :meth:`begin`, for a search that reads its stamps after its walk, in
        the same round trip as the rest of its page (then :meth:`settle`): nothing is read
        first. :meth:`read` and :meth:`read_online` note the stamp each block they serve
        from was held under, and read the stamps first after all
        (:meth:`Unconfirmed.confirm`) before they keep a row read through SQL."""
        assumed = {ONLINE_BLOCK: self._lists_stamp} if self._lists_stamp is not None else {}
        return Unconfirmed(assumed, memory=self, session=session, cell=cell, rings=rings)

    def settle(self, pending: Unconfirmed, rows: Iterable[tuple[int, int, int]]) -> bool:
        """Whether everything a walk read under ``pending`` was still current when ``rows``
        (what :meth:`band` reads, read after the walk) were read; forgets what was not. A
        walk that read anything since changed must be done again."""
        stamps = {(a, b): s for a, b, s in rows}
        self._apply(pending.cell, pending.rings, stamps)
        pending.confirmed = True
        return all(stamps.get(block, 0) == stamp for block, stamp in pending.used.items())

    def begin_online(self, session: Session) -> dict[Block, int]:
        """For a search with no place: read only the online lists' stamp (see :meth:`begin`)."""
        stamp = session.connection().execute(_online_stamp_statement()).scalar() or 0
        self._forget_lists(stamp)
        return {ONLINE_BLOCK: stamp}

    def _forget_lists(self, stamp: int) -> None:
        """Drop the lists held under another stamp than ``stamp``, looking only when the
        stamp read differs from the last one (a list a slower search loads under an older
        stamp afterwards is caught by :meth:`read_online`, which checks each list's own)."""
        if stamp == self._lists_stamp:
            return
        with self._lock:
            stale = [pair for pair, held in self._lists.items() if held.stamp != stamp]
            for pair in stale:
                self._rows -= len(self._lists.pop(pair).rows)
            self._lists_stamp = stamp

    # --- the online lists -----------------------------------------------------------------------
    def read_online(self, key: ListKey, after: tuple[float, int] | None, want: int, stamps: dict[Block, int],
                    on_iso: str, reader: ListReader) -> list[tuple]:
        """The next ``want`` rows of the online list ``key`` after ``after`` (price factor,
        practitioner id), best first, live on ``on_iso``: from the head of the list held,
        extended through ``reader`` as far as searches have gone (up to :data:`LIST_ROWS`,
        then read through it without keeping). ``stamps``: from :meth:`begin`,
        :meth:`begin_online` or :meth:`assume`. Rows: price factor, practitioner id, glued
        profile, min_price, currency, offers_online, valid_until (ISO from the memory, a date
        from SQL), display name, country."""
        pending = stamps if isinstance(stamps, Unconfirmed) and not stamps.confirmed else None
        if pending is not None:  # read before the stamps (see assume)
            held = self._lists.get(key)
            if ONLINE_BLOCK in pending and held is not None and held.stamp == pending[ONLINE_BLOCK]:
                pending.used.setdefault(ONLINE_BLOCK, held.stamp)
            else:
                pending.confirm()
                pending = None
        stamp = stamps.get(ONLINE_BLOCK, 0)
        after_key = None if after is None else (-after[0], -after[1])
        with self._lock:  # a list grows in place: one thread at a time (sync workers have one)
            held = self._lists.get(key)
            if held is None or held.stamp != stamp or held.day > on_iso:
                if held is not None:
                    self._rows -= len(held.rows)
                # Rows are read live on this day: a later day only drops more of them.
                held = self._lists[key] = _List(stamp, on_iso)
            self._tick += 1
            held.used = self._tick
            while True:
                start = 0 if after_key is None else bisect_right(held.keys, after_key)
                out = list(islice((row for row in islice(held.rows, start, None) if row[_L_DAY] >= on_iso), want))
                if len(out) == want or held.complete:
                    break
                last = held.rows[-1][:2] if held.rows else None
                if len(held.rows) >= LIST_ROWS:  # deep in a long list: read on without keeping,
                    # from the last row held or from ``after`` when it lies beyond them
                    cursor = after if start == len(held.rows) else last
                    return (out + reader(key, cursor, want, on_iso))[:want]
                if pending is not None:
                    pending.confirm()  # before a row is kept (raises if the list changed)
                    pending = None
                self.loads += 1  # the head held grows from its end
                rows = [(factor, pid, self._strings.setdefault(glued, glued), min_price, currency, online,
                         self._strings.setdefault(day := until.isoformat(), day), name, country)
                        for factor, pid, glued, min_price, currency, online, until, name, country
                        in reader(key, last, LIST_BATCH, held.day)]
                held.complete = len(rows) < LIST_BATCH
                held.rows += rows
                held.keys += [(-row[0], -row[1]) for row in rows]
                self._rows += len(rows)
            if self._rows > self.max_rows:
                self._evict()
            return out

    # --- reading ------------------------------------------------------------------------------
    def held_rows(self, cell: tuple[int, int], wanted: Set[Pair]) -> tuple[int, int] | None:
        """How many rows of the ``wanted`` pairs the tiles around ``cell`` (its own and the
        eight beside it) hold, and how many cells those tiles span; None when one of them
        is not held for every wanted pair (the walk then starts from the seeker's cell).
        Call after :meth:`begin`, which drops tiles held under an old stamp."""
        want = self._mask_of(wanted)
        ti, tj = cell[0] // TILE_CELLS, cell[1] // TILE_CELLS
        rows = 0
        for a in (ti - 1, ti, ti + 1):
            for b in (tj - 1, tj, tj + 1):
                t = self._tiles.get((a, b % (LON_CELLS // TILE_CELLS)))
                if t is None or t.loaded & want != want:
                    return None
                live, found = self._live(t), t.live_mask & want
                while found:
                    bit = found & -found
                    found ^= bit
                    held = live[bit][1]
                    if held is None:
                        return None  # read through SQL: too dense to need a wider first shell
                    rows += len(held[0])
        return rows, 9 * TILE_CELLS * TILE_CELLS

    def _note(self, used: dict[Block, int], tile: Tile) -> None:
        """Note the stamp ``tile``'s block is held under (-1, never current, if another thread
        has just forgotten it)."""
        block = _block(tile)
        if block not in used:
            known = self._blocks.get(block)
            used[block] = -1 if known is None else known[0]

    def _live(self, t: _Tile) -> dict[int, tuple[Pair, Held | None]]:
        """The tile's live pairs by bit (built after a load changed its pairs)."""
        live = t.live
        if live is None:
            bits = self._bits
            live = t.live = {bits[pair]: (pair, held) for pair, held in t.pairs.items()}
            t.live_mask = sum(live)  # distinct bits: their sum is their union
        return live

    def read(self, rects: Iterable[Rect], wanted: Set[Pair], stamps: dict[Block, int], on_iso: str,
             venue: str | None, reader: Reader) -> list[Group]:
        """The rows of the ``wanted`` pairs in ``rects``, live on ``on_iso`` (and at
        ``venue``), as groups of places per pair (see :data:`Group`; a pair may have
        several): from the tiles held, loading missing (tile, pair)s through ``reader``
        and reading dense ones through it. ``stamps``: from :meth:`begin` or :meth:`assume`."""
        rects = list(rects)
        self._tick += 1
        tick, tiles = self._tick, self._tiles
        want = self._mask_of(wanted)
        out: list[Group] = []
        visits: list[tuple[Rect, Tile, _Tile | None]] = []
        missing: dict[Tile, set[Pair]] = {}
        # Read before the stamps (see assume): note each block served from, as held now.
        used = stamps.used if isinstance(stamps, Unconfirmed) and not stamps.confirmed else None
        for r in rects:
            for ti in range(r.lat_lo // TILE_CELLS, r.lat_hi // TILE_CELLS + 1):
                for tj in range(r.lon_lo // TILE_CELLS, r.lon_hi // TILE_CELLS + 1):
                    t = tiles.get((ti, tj))
                    if t is None or t.loaded & want != want:
                        bits = self._bits
                        missing.setdefault((ti, tj), set()).update(
                            wanted if t is None else (p for p in wanted if not bits[p] & t.loaded))
                    else:
                        if used is not None:
                            self._note(used, (ti, tj))
                        if t.live is not None and not t.live_mask & want:
                            t.used = tick  # held, and nothing wanted here (most tiles of a sparse area)
                            continue
                    visits.append((r, (ti, tj), t))
        loaded = self._load(missing, stamps, reader) if missing else {}
        dense: set[tuple[Tile, Pair]] = set()
        last = TILE_CELLS - 1
        for r, key, t in visits:
            if loaded:
                t = loaded.get(key) or t
            t.used = tick
            live = t.live if t.live is not None else self._live(t)
            found = t.live_mask & want
            if not found:
                continue  # most tiles of a sparse area have no rows at all, or none wanted
            # the rectangle's cells within this tile, relative to its corner
            a0, b0 = key[0] * TILE_CELLS, key[1] * TILE_CELLS
            a_lo, a_hi = max(r.lat_lo - a0, 0), min(r.lat_hi - a0, last)
            b_lo, b_hi = max(r.lon_lo - b0, 0), min(r.lon_hi - b0, last)
            # the runs of cells to read, as (first, past the last) in the tile's cell order:
            # one run when the rectangle spans the tile's width, else one per row
            if b_lo == 0 and b_hi == last:
                runs = None if a_lo == 0 and a_hi == last else ((a_lo * TILE_CELLS, (a_hi + 1) * TILE_CELLS),)
            else:
                runs = tuple((a * TILE_CELLS + b_lo, a * TILE_CELLS + b_hi + 1) for a in range(a_lo, a_hi + 1))
            while found:
                bit = found & -found  # the lowest bit left
                found ^= bit
                pair, held = live[bit]
                if held is None:
                    dense.add((key, pair))
                    continue
                places, offsets, oldest = held
                every = oldest >= on_iso and venue is None  # nothing here to leave out
                for span in (places,) if runs is None else (
                        places[offsets[lo]:offsets[hi]] for lo, hi in runs if offsets[lo] != offsets[hi]):
                    if not every:
                        span = [p for p in span if p[_P_DAY] >= on_iso and (venue is None or p[_P_VENUE] == venue)]
                    if span:
                        out.append((pair[0], pair[1], span))
        if dense:
            out += grouped(self._read_dense(rects, dense, on_iso, venue, reader))
        return out

    def preload(self, session: Session, terms: list[str], concerns: list[str], rows: int, on: date,
                reader: TileReader, reach_km: float = 25.0) -> int:
        """Load the busiest areas whole, busiest first, until about ``rows`` rows are held
        (at most nine tenths of the room, so searches elsewhere still find some), counting
        rows live on ``on``. An area is every tile a search from within ``reach_km`` of a
        busy tile may read, out to ``reach_km`` from the seeker: its tiles with rows are
        loaded for every pair of ``terms`` with ``concerns`` and alone (but those too busy
        to keep), and those without are held as empty, since a walk crosses them too.
        For a process that forks its workers (gunicorn's ``preload_app``): they start with
        these tiles, shared until written, instead of each meeting every area cold. The
        stamps are read first, as for a search, so a tile changed since is retired by the
        next search there. Returns the rows held."""
        budget = min(rows, self.max_rows * 9 // 10) - self._rows
        if budget <= 0 or not terms:
            return self._rows
        stamps = {(a, b): stamp for a, b, stamp in session.connection().execute(_all_stamps_statement())}
        counts = {(ti, tj): count for ti, tj, count in session.connection().execute(_tile_counts_statement(),
                                                                                   {"on": on})}
        # Whole areas, the busiest first (a search in an area loaded only in part would still
        # load the rest).
        chosen: set[Tile] = set()
        centres: list[Tile] = []
        for busy in counts:  # busiest first
            if busy in chosen or busy in self._tiles or counts[busy] > TILE_ROWS:
                continue
            area = [t for t in _around((busy,), 2 * reach_km)
                    if counts.get(t, TILE_ROWS + 1) <= TILE_ROWS and t not in chosen and t not in self._tiles]
            cost = sum(counts[t] for t in area)
            if cost <= budget:
                budget -= cost
                chosen.update(area)
                centres.append(busy)
        covered = pairs_of(terms, concerns, terms)
        mask = self._mask(covered)
        if chosen:
            self.loads += 1
            tile: Tile | None = None
            found: dict[Pair, list] = {}
            for row in reader(sorted(chosen)):  # tile by tile
                key = (row[_LAT] // TILE_CELLS, row[_LON] // TILE_CELLS)
                if key != tile:
                    if tile is not None:
                        self._keep({tile: found}, covered, mask, stamps)
                    tile, found = key, {}
                found.setdefault((row[2], row[3]), []).append(row)
            if tile is not None:
                self._keep({tile: found}, covered, mask, stamps)
        empty = [t for t in _around(centres, 2 * reach_km) if t not in counts and t not in self._tiles]
        empty = empty[:max(self.max_rows - self._rows, 0)]  # a row of room each
        if empty:
            self._keep(dict.fromkeys(empty, {}), covered, mask, stamps)
        return self._rows

    def places(self) -> Iterable[tuple]:
        """One place per practitioner among those held in tiles (see :data:`Group`)."""
        seen: set[int] = set()
        for tile in list(self._tiles.values()):
            for place in tile.places.values():
                if place[0] not in seen:
                    seen.add(place[0])
                    yield place

    def _read_dense(self, rects: list[Rect], dense: set[tuple[Tile, Pair]], on_iso: str, venue: str | None,
                    reader: Reader) -> list[tuple]:
        """The dense (tile, pair)s through SQL: the request's own rectangles (the walk's
        statement shape) for the dense pairs' terms, cut to the dense (tile, pair)s."""
        pairs = {pair for _, pair in dense}
        rows = reader(rects, sorted({t for t, c in pairs if c}), sorted({c for _, c in pairs if c}),
                      sorted({t for t, c in pairs if not c}))
        t = TILE_CELLS
        return [row for row in rows
                if ((row[_LAT] // t, row[_LON] // t), (row[2], row[3])) in dense
                and row[_UNTIL].isoformat() >= on_iso and (venue is None or row[6] == venue)]

    def _load(self, missing: dict[Tile, set[Pair]], stamps: dict[Block, int], reader: Reader) -> dict[Tile, _Tile]:
        """Load the missing pairs of these tiles (one statement: every tile, the union of
        pairs) and keep them while their block's stamp is still the one read before them
        (another thread may have seen a newer one meanwhile: then they serve this search
        only). Returns the tiles as this search should see them."""
        pairs = set().union(*missing.values())
        concerns = sorted({c for _, c in pairs if c})
        declared_terms = sorted({t for t, c in pairs if c})
        generic_terms = sorted({t for t, c in pairs if not c})
        covered = pairs_of(declared_terms, concerns, generic_terms)
        if isinstance(stamps, Unconfirmed):
            stamps.confirm()  # rows kept must be at least as new as the stamps they are kept under
        rects = _tile_rects(missing)
        fresh: dict[Tile, dict[Pair, list]] = {key: {} for key in missing}
        self.loads += 1
        for row in reader(rects, declared_terms, concerns, generic_terms):
            fresh[(row[_LAT] // TILE_CELLS, row[_LON] // TILE_CELLS)].setdefault((row[2], row[3]), []).append(row)
        return self._keep(fresh, covered, self._mask(covered), stamps)

    def _keep(self, fresh: dict[Tile, dict[Pair, list]], covered: set[Pair], mask: int,
              stamps: dict[Block, int]) -> dict[Tile, _Tile]:
        """Hold the ``covered`` pairs (``mask``: their bits) of these tiles as read
        (``fresh``: each tile's rows by pair, read after ``stamps``), see :meth:`_load`."""
        seen: dict[Tile, _Tile] = {}
        with self._lock:
            for key, found in fresh.items():
                block = _block(key)
                stamp = stamps.get(block, 0)
                known = self._blocks.get(block)
                keep = known is None or known[0] == stamp
                if keep:
                    tile = self._tiles.get(key)
                    if tile is None:
                        tile = self._tiles[key] = _Tile()
                        if known is None:
                            known = self._blocks[block] = (stamp, set())
                        known[1].add(key)
                else:  # another thread saw a newer stamp: a copy for this search only
                    held = self._tiles.get(key)
                    tile = _Tile(dict(held.pairs), loaded=held.loaded) if held is not None else _Tile()
                before = tile.rows
                # the pairs read with rows (most have none), light enough to keep or dense, and
                # then what the tile would hold
                kept = {pair: rows for pair, rows in found.items() if pair in covered and len(rows) <= DENSE_ROWS}
                if not tile.heavy and (sum(len(v[0]) for p, v in tile.pairs.items() if v and p not in covered)
                                       + sum(len(v) for v in kept.values()) > TILE_ROWS):
                    tile.heavy = True
                    tile.pairs = dict.fromkeys(tile.pairs)
                    tile.places = {}
                if tile.heavy:
                    tile.pairs.update(dict.fromkeys(covered))
                else:
                    for pair in [p for p in tile.pairs if p in covered]:  # read again: as read now
                        del tile.pairs[pair]
                    for pair in found:
                        if pair in covered:
                            rows = kept.get(pair)
                            tile.pairs[pair] = None if rows is None else self._held(tile.places, rows)
                tile.loaded |= mask
                tile.live = None
                # an empty tile takes room too
                tile.rows = max(sum(len(v[0]) for v in tile.pairs.values() if v), 1)
                tile.used = self._tick
                if keep:
                    self._rows += tile.rows - before
                seen[key] = tile
            if self._rows > self.max_rows:
                self._evict()
        return seen

    def _held(self, places: dict[tuple, tuple], rows: list) -> Held:
        """A (tile, pair)'s reader rows as held: the tile's places (the one already held for
        a practitioner, location and day, as rows of one stamp agree on everything else, or a
        new one) in cell order, and where each cell starts."""
        strings = self._strings
        counts = [0] * (TILE_CELLS * TILE_CELLS + 1)
        keyed = []
        for (pid, loc, _, _, lat, lon, venue, glued, min_price, currency, offers_online, name, lat_idx, lon_idx, until,
             label, city) in rows:
            day = until.isoformat()
            place = places.get((pid, loc, day))
            if place is None:
                place = places[(pid, loc, day)] = (
                    pid, loc, lat, lon, venue, strings.setdefault(glued, glued), min_price, currency, offers_online,
                    strings.setdefault(day, day), name, strings.setdefault(label, label),
                    strings.setdefault(city, city))
            cell = lat_idx % TILE_CELLS * TILE_CELLS + lon_idx % TILE_CELLS
            counts[cell + 1] += 1
            keyed.append((cell, place))
        keyed.sort(key=lambda k: k[0])
        return [p for _, p in keyed], tuple(accumulate(counts)), min(p[_P_DAY] for _, p in keyed)

    def _evict(self) -> None:
        """Drop least recently used tiles and online lists until a tenth of the room is free."""
        target = self.max_rows * 9 // 10
        held = [(tile.used, 0, key) for key, tile in self._tiles.items()]
        held += [(lst.used, 1, pair) for pair, lst in self._lists.items()]
        for _, is_list, key in sorted(held):
            if self._rows <= target:
                break
            if is_list:
                self._rows -= len(self._lists.pop(key).rows)
                continue
            tile = self._tiles.pop(key)
            self._rows -= tile.rows
            known = self._blocks.get(_block(key))
            if known is not None:
                known[1].discard(key)
        if len(self._strings) > 8 * self.max_rows // 10 + 2000:
            self._strings.clear()  # rows still hold their strings; only the sharing restarts


def grouped(rows: Iterable) -> list[Group]:
    """Place rows read through SQL (the walk's columns first) as groups, one per pair."""
    groups: dict[Pair, list[tuple]] = {}
    for pid, loc, term, concern, lat, lon, venue, glued, min_price, currency, offers_online, name, *_ in rows:
        groups.setdefault((term, concern), []).append(
            (pid, loc, lat, lon, venue, glued, min_price, currency, offers_online, None, name, None, None))
    return [(term, concern, places) for (term, concern), places in groups.items()]


def _band(cell: tuple[int, int], rings: int) -> tuple[int, int, int, int, bool]:
    """The blocks within ``rings`` cells of ``cell``: lat_lo, lat_hi, lon_lo, lon_hi, and
    whether the longitudes wrap across the antimeridian (then lon_lo > lon_hi)."""
    lat_lo, lat_hi = max(cell[0] - rings, 0) // BLOCK_CELLS, min(cell[0] + rings, LAT_CELLS - 1) // BLOCK_CELLS
    lo, hi = (cell[1] - rings) % LON_CELLS // BLOCK_CELLS, (cell[1] + rings) % LON_CELLS // BLOCK_CELLS
    return lat_lo, lat_hi, lo, hi, lo > hi


@lru_cache(maxsize=2)
def _stamp_statement(wraps: bool) -> Select:
    """The stamps of a box of blocks, its longitudes a range or wrapping the antimeridian,
    and the online lists' stamp."""
    lon_lo, lon_hi = bindparam("lon_lo"), bindparam("lon_hi")
    return select(SearchStamp.block_lat, SearchStamp.block_lon, SearchStamp.stamp).where(or_(
        and_(SearchStamp.block_lat.between(bindparam("lat_lo"), bindparam("lat_hi")),
             or_(SearchStamp.block_lon >= lon_lo, SearchStamp.block_lon <= lon_hi) if wraps
             else SearchStamp.block_lon.between(lon_lo, lon_hi)),
        _is_online_block()))


@lru_cache(maxsize=1)
def _all_stamps_statement() -> Select:
    return select(SearchStamp.block_lat, SearchStamp.block_lon, SearchStamp.stamp)


@lru_cache(maxsize=1)
def _tile_counts_statement() -> Select:
    """Each tile's rows live on a day, busiest first."""
    ti, tj = SearchPlace.lat_idx // TILE_CELLS, SearchPlace.lon_idx // TILE_CELLS
    count = func.count()
    return (select(ti, tj, count).where(SearchPlace.valid_until >= bindparam("on"))
            .group_by(ti, tj).order_by(count.desc(), ti, tj))


@lru_cache(maxsize=1)
def _online_stamp_statement() -> Select:
    return select(SearchStamp.stamp).where(_is_online_block())


def _is_online_block():  # noqa: ANN202
    return and_(SearchStamp.block_lat == ONLINE_BLOCK[0], SearchStamp.block_lon == ONLINE_BLOCK[1])


def pairs_of(declared_terms: Iterable[str], concerns: Iterable[str], generic_terms: Iterable[str]) -> set[Pair]:
    """The (term, concern) pairs of every declared term with every concern, and of the
    generic terms (with ""): what a walk's shell wants, and what a reader's statement reads."""
    concerns = list(concerns)
    return {(t, c) for t in declared_terms for c in concerns} | {(t, "") for t in generic_terms}


def _block(tile: Tile) -> Block:
    """The stamp block a tile lies in."""
    return block_of(tile[0] * TILE_CELLS, tile[1] * TILE_CELLS)


def _around(tiles: Iterable[Tile], km: float) -> set[Tile]:
    """The tiles within ``km`` of any of these (by the bound the walk uses: every tile a
    search from one of them as far out as ``km`` may read; no farther than the memory
    serves, :data:`MAX_RINGS`)."""
    t, lon_tiles = TILE_CELLS, LON_CELLS // TILE_CELLS
    out: set[Tile] = set()
    reach: dict[int, int] = {}
    for ti, tj in tiles:
        n = reach.get(ti)
        if n is None:
            rings = min(max(rings_for_km(ti * t * CELL_DEG - 90.0, 0.0, km),
                            rings_for_km(min((ti + 1) * t * CELL_DEG - 90.0, 90.0), 0.0, km)), MAX_RINGS)
            n = reach[ti] = -(-rings // t)
        for a in range(max(ti - n, 0), min(ti + n, (LAT_CELLS - 1) // t) + 1):
            out.update((a, b % lon_tiles) for b in range(tj - n, tj + n + 1))
    return out


def _tile_rects(tiles: Iterable[Tile]) -> list[Rect]:
    """Tiles as few rectangles of cells: runs along each row of tiles, then runs of rows
    with the same span stacked (each rectangle is a part of the statement's UNION ALL)."""
    spans: dict[int, list[list[int]]] = {}
    for ti, tj in sorted(tiles):
        row = spans.setdefault(ti, [])
        if row and row[-1][1] == tj - 1:
            row[-1][1] = tj
        else:
            row.append([tj, tj])
    stacked: list[list[int]] = []  # [ti_lo, ti_hi, tj_lo, tj_hi]
    open_: dict[tuple[int, int], list[int]] = {}
    for ti in sorted(spans):
        for lo, hi in spans[ti]:
            prev = open_.get((lo, hi))
            if prev is not None and prev[1] == ti - 1:
                prev[1] = ti
            else:
                prev = [ti, ti, lo, hi]
                stacked.append(prev)
                open_[(lo, hi)] = prev
    t = TILE_CELLS
    return [Rect(a * t, min(b * t + t - 1, LAT_CELLS - 1), lo * t, min(hi * t + t - 1, LON_CELLS - 1))
            for a, b, lo, hi in stacked]


def memory_for(app) -> PlaceMemory | None:  # noqa: ANN001
    """This app's memory (None when ``SEARCH_MEMORY_ROWS`` is 0)."""
    memory = app.extensions.get("search_memory")
    if memory is None and int(app.config.get("SEARCH_MEMORY_ROWS", 0) or 0) > 0:
        memory = app.extensions["search_memory"] = PlaceMemory(int(app.config["SEARCH_MEMORY_ROWS"]))
    return memory


__all__ = ["DENSE_ROWS", "MAX_RINGS", "TILE_CELLS", "Group", "PlaceMemory", "grouped", "memory_for", "pairs_of"]
