"""Each web process keeps the index cells it read lately in memory
(``marketplace.search.memory``). Searches nearby then read no place rows through SQL, and
nothing it holds is ever shown once the database says otherwise.

The memory hears of changes only through the per-block stamps written in the same
transaction as the index rows: it has no in-process hook. So a change made here through
the application is exactly what a change made by another gunicorn worker looks like to
it. The answer cache is off in these tests, so every search is computed.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import event, func, select, update

from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.matching.scoring import Query
from marketplace.practitioners.models import Location
from marketplace.search import engine
from marketplace.search.grid import Rect, block_of, cell_of
from marketplace.search.memory import PlaceMemory, memory_for
from marketplace.search.models import SearchPlace, SearchStamp
from marketplace.search.services import preload_memory
from marketplace.taxonomy import matching_data
from marketplace.taxonomy.matching_data import RelevanceInput
from marketplace.verification import services as verification
from marketplace.verification.models import Credential
from tests.builders import make_admin, make_verified_practitioner

BLR = (12.9716, 77.5946)
MUMBAI = (19.0760, 72.8777)
MYSURU = (12.2958, 76.6394)


@pytest.fixture
def memory(app) -> PlaceMemory:  # noqa: ANN001
    app.config["SEARCH_CACHE_SECONDS"] = 0
    held = memory_for(app)
    assert held is not None
    return held


def search(client, where: tuple[float, float] = BLR, **params) -> list[str]:  # noqa: ANN001
    response = client.get("/api/v1/search", query_string={"concern": "sciatica", "lat": where[0], "lon": where[1],
                                                          "mode": "in_person", **params})
    assert response.status_code == 200, response.get_json()
    return [r["practitioner"]["display_name"] for r in response.get_json()["results"]]


@pytest.fixture
def physios(app):  # noqa: ANN001, ANN201
    near = make_verified_practitioner(app, display_name="Meera Physio", modalities=("physiotherapy",),
                                      concerns=("sciatica",), lat=12.975, lon=77.59)
    other = make_verified_practitioner(app, display_name="Arjun Physio", modalities=("physiotherapy",),
                                       lat=12.99, lon=77.62)
    far = make_verified_practitioner(app, display_name="Mumbai Physio", modalities=("physiotherapy",),
                                     concerns=("sciatica",), lat=19.07, lon=72.88)
    return near, other, far


def test_searches_near_a_place_read_its_cells_once(client, memory, physios):
    assert search(client) == ["Meera Physio", "Arjun Physio"]
    loads, held = memory.loads, memory.rows
    assert loads > 0 and held > 0
    # Another seeker a few hundred metres away (the same cell), the same concern, other
    # options: the same rows, no SQL for them.
    assert search(client, (BLR[0] + 0.002, BLR[1] + 0.002), per_page=5) == ["Meera Physio", "Arjun Physio"]
    assert memory.loads == loads
    assert search(client) == ["Meera Physio", "Arjun Physio"]
    assert memory.loads == loads


def test_a_suspension_shows_in_the_very_next_search(app, client, memory, physios):
    near, *_ = physios
    assert "Meera Physio" in search(client)
    verification.suspend(near, make_admin(), "Complaint under review")
    db.session.commit()
    assert search(client) == ["Arjun Physio"]


def test_a_moved_clinic_is_found_at_its_new_place_only(client, memory, physios):
    near, *_ = physios
    assert "Meera Physio" in search(client)
    assert search(client, MYSURU) == []
    location = db.session.scalar(select(Location).where(Location.practitioner_id == near.id))
    location.lat, location.lon = MYSURU[0] + 0.01, MYSURU[1]
    db.session.commit()
    assert search(client) == ["Arjun Physio"]
    assert search(client, MYSURU) == ["Meera Physio"]


def test_a_new_practitioner_shows_in_a_cell_already_held(app, client, memory, physios):
    assert search(client) == ["Meera Physio", "Arjun Physio"]
    make_verified_practitioner(app, display_name="Kavya Physio", modalities=("physiotherapy",),
                               concerns=("sciatica",), lat=12.972, lon=77.595)
    assert search(client)[0] == "Kavya Physio"


def test_a_licence_that_expires_overnight_stops_counting_with_no_write(client, memory, physios, frozen_clock):
    near, other, _ = physios
    assert search(client) == ["Meera Physio", "Arjun Physio"]
    expires = db.session.scalar(select(Credential.expires_on).where(Credential.practitioner_id == near.id))
    frozen_clock(datetime.combine(expires + timedelta(days=1), time(9), tzinfo=timezone.utc))
    loads = memory.loads
    assert "Meera Physio" not in search(client)
    assert memory.loads == loads  # the rows were still held; the day decided


def test_a_change_in_one_city_keeps_what_is_held_for_another(client, memory, physios):
    near, *_ = physios
    assert search(client, MUMBAI) == ["Mumbai Physio"]
    assert search(client)
    near.display_name = "Meera Rao"
    db.session.commit()
    loads = memory.loads
    assert search(client, MUMBAI) == ["Mumbai Physio"]
    assert memory.loads == loads  # Mumbai's blocks kept their stamps
    assert search(client)[0] == "Meera Rao"
    assert memory.loads > loads  # Bengaluru's block was read again


@pytest.fixture
def online(app):  # noqa: ANN001, ANN201
    """Two physiotherapists who see patients online only (no place at all)."""
    return [make_verified_practitioner(app, display_name=name, modalities=("physiotherapy",), concerns=concerns,
                                       offers_online=True, city=None)
            for name, concerns in (("Online Physio", ("sciatica",)), ("Video Physio", ()))]


@pytest.mark.parametrize("mode", ["online", "any"])
def test_online_lists_are_read_once_and_a_suspension_shows_at_once(app, client, memory, physios, online, mode):
    first, _ = online
    names = search(client, mode=mode)
    assert {"Online Physio", "Video Physio"} <= set(names)
    loads = memory.loads
    assert search(client, mode=mode) == names
    assert memory.loads == loads  # the heads of the lists (and the cells) were held
    verification.suspend(first, make_admin(), "Complaint under review")
    db.session.commit()
    assert "Online Physio" not in search(client, mode=mode)
    make_verified_practitioner(app, display_name="Telehealth Physio", modalities=("physiotherapy",),
                               concerns=("sciatica",), offers_online=True, city=None)
    assert "Telehealth Physio" in search(client, mode=mode)


def test_a_change_with_no_online_rows_keeps_the_online_lists(client, memory, physios, online):
    near, *_ = physios  # sees patients in person only
    assert set(search(client, mode="online")) == {"Online Physio", "Video Physio"}
    near.display_name = "Meera Rao"
    db.session.commit()
    loads = memory.loads
    assert set(search(client, mode="online")) == {"Online Physio", "Video Physio"}
    assert memory.loads == loads


def test_an_online_licence_that_expires_overnight_stops_counting_with_no_write(client, memory, online, frozen_clock):
    first, _ = online
    assert set(search(client, mode="online")) == {"Online Physio", "Video Physio"}
    expires = db.session.scalar(select(Credential.expires_on).where(Credential.practitioner_id == first.id))
    for other in db.session.scalars(select(Credential).where(Credential.practitioner_id != first.id)):
        other.expires_on = expires + timedelta(days=30)  # written before the lists are read again
    db.session.commit()
    assert set(search(client, mode="online")) == {"Online Physio", "Video Physio"}
    frozen_clock(datetime.combine(expires + timedelta(days=1), time(9), tzinfo=timezone.utc))
    loads = memory.loads
    assert search(client, mode="online") == ["Video Physio"]
    assert memory.loads == loads  # the rows were still held; the day decided


def test_a_page_of_held_places_needs_no_statement_for_names_or_places(app, client, memory, physios):
    params = {"concern": "sciatica", "lat": BLR[0], "lon": BLR[1], "mode": "in_person"}
    held = client.get("/api/v1/search", query_string=params).get_json()["results"]
    assert [r["practitioner"]["display_name"] for r in held] == ["Meera Physio", "Arjun Physio"]
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:  # noqa: ANN001, ANN002
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/api/v1/search", query_string=params).get_json()["results"] == held
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert statements  # the stamps, the next free slots, the packages
    assert not [s for s in statements if "display_name" in s or "from location" in s]
    # Read through SQL instead, the page is the same, to the label and city of each place.
    app.config["SEARCH_MEMORY_ROWS"] = 0
    app.extensions.pop("search_memory")
    assert client.get("/api/v1/search", query_string=params).get_json()["results"] == held


def test_an_admins_weight_edit_reorders_the_next_search_in_a_warm_process(app, client, memory):
    """The walk keeps each profile's score parts per query for the process: a new relevance
    table (an admin's edit) must never be scored with the old parts."""
    make_verified_practitioner(app, display_name="Physio", modalities=("physiotherapy",), concerns=(),
                               lat=12.975, lon=77.59)
    make_verified_practitioner(app, display_name="Masseur", modalities=("massage",), concerns=(),
                               lat=12.975, lon=77.59)
    assert search(client) == ["Physio", "Masseur"]
    assert search(client) == ["Physio", "Masseur"]
    admin = make_admin()
    matching_data.set_relevance(RelevanceInput("sciatica", "physiotherapy", 0.2), admin)
    matching_data.set_relevance(RelevanceInput("sciatica", "massage", 0.9), admin)
    db.session.commit()
    assert search(client) == ["Masseur", "Physio"]


def test_index_writes_stamp_every_block_they_touch(app, memory, physios):
    near, *_ = physios
    cells = db.session.execute(select(SearchPlace.lat_idx, SearchPlace.lon_idx).distinct()).all()
    stamps = dict(((a, b), s) for a, b, s in db.session.execute(select(SearchStamp.block_lat, SearchStamp.block_lon,
                                                                          SearchStamp.stamp)))
    assert {block_of(a, b) for a, b in cells} <= set(stamps)
    block = block_of(*db.session.execute(select(SearchPlace.lat_idx, SearchPlace.lon_idx)
                                         .where(SearchPlace.practitioner_id == near.id)).first())
    near.languages = ["English", "Tamil"]
    db.session.commit()
    after = dict(((a, b), s) for a, b, s in db.session.execute(select(SearchStamp.block_lat, SearchStamp.block_lon,
                                                                         SearchStamp.stamp)))
    assert after[block] != stamps[block]
    assert {k: v for k, v in after.items() if k != block} == {k: v for k, v in stamps.items() if k != block}


def test_synthetic_seeding_stamps_its_blocks(app):
    from marketplace.seed.synthetic import seed_synthetic

    seed_synthetic(db.session, 30, seed=5)
    db.session.commit()
    cells = db.session.execute(select(SearchPlace.lat_idx, SearchPlace.lon_idx).distinct()).all()
    assert cells
    stamped = {(a, b) for a, b in db.session.execute(select(SearchStamp.block_lat, SearchStamp.block_lon))}
    assert {block_of(a, b) for a, b in cells} <= stamped


def test_the_memory_can_be_turned_off(app, client, physios):
    app.config["SEARCH_MEMORY_ROWS"] = 0
    assert memory_for(app) is None
    assert search(client) == ["Meera Physio", "Arjun Physio"]


def test_across_the_antimeridian_both_sides_are_held_and_kept_current(app, client, memory):
    west = make_verified_practitioner(app, display_name="Taveuni West", modalities=("physiotherapy",),
                                      concerns=("sciatica",), lat=-16.80, lon=179.97)
    east = make_verified_practitioner(app, display_name="Taveuni East", modalities=("physiotherapy",),
                                      concerns=("sciatica",), lat=-16.80, lon=-179.97)
    here = (-16.80, 179.999)
    assert set(search(client, here)) == {"Taveuni West", "Taveuni East"}
    loads = memory.loads
    assert set(search(client, here)) == {"Taveuni West", "Taveuni East"}
    assert memory.loads == loads
    verification.suspend(east, make_admin(), None)
    db.session.commit()
    assert search(client, here) == ["Taveuni West"]
    assert west.id != east.id


def test_a_full_reindex_retires_what_every_process_holds(app, client, runner, memory, physios):
    near, *_ = physios
    assert "Meera Physio" in search(client)
    # Move the clinic behind the index's back (no rebuild, no stamp): the index, and so the
    # memory, still say Bengaluru until someone reindexes.
    db.session.execute(update(Location).where(Location.practitioner_id == near.id)
                       .values(lat=MYSURU[0] + 0.01, lon=MYSURU[1]))
    db.session.commit()
    assert "Meera Physio" in search(client)
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert search(client) == ["Arjun Physio"]
    assert search(client, MYSURU) == ["Meera Physio"]


def test_a_busy_tile_is_read_cell_by_cell_and_rows_share_their_place(app):  # noqa: ANN001
    """A shell reads only its own cells of a tile held whole (at a million practitioners a
    city-centre tile holds thousands of rows, and the walk's first shells a few cells), and
    every (term, concern) row of one practitioner's place is one tuple held once."""
    # Opposite corners of one tile (4x4 cells of 0.02 degrees) in Bengaluru.
    corner = make_verified_practitioner(app, display_name="Corner Physio", modalities=("physiotherapy", "massage"),
                                        concerns=("sciatica", "neck-shoulder-tension"), lat=12.965, lon=77.605)
    far = make_verified_practitioner(app, display_name="Far Corner Physio", modalities=("physiotherapy",),
                                     lat=13.03, lon=77.675)
    a, b = cell_of(12.965, 77.605), cell_of(13.03, 77.675)
    assert (a[0] // 4, a[1] // 4) == (b[0] // 4, b[1] // 4) and a != b
    memory = PlaceMemory(10_000)
    with app.app_context():
        walk = engine._Walk(db.session, Query(concerns=("sciatica",), radius_km=25.0, mode="in_person"), {},
                            (12.97, 77.6), today(), engine.DEFAULT_WEIGHTS, {}, 20)
        stamps = memory.begin(db.session, a, 8)
        wanted = {("physiotherapy", ""), ("massage", ""), ("physiotherapy", "sciatica"), ("massage", "sciatica")}

        def read(rect: Rect) -> list[tuple[int, str, str]]:
            groups = memory.read([rect], wanted, stamps, today().isoformat(), None, walk._read)
            return sorted((place[0], term, concern) for term, concern, places in groups for place in places)

        tile = Rect(a[0] // 4 * 4, a[0] // 4 * 4 + 3, a[1] // 4 * 4, a[1] // 4 * 4 + 3)
        everything = read(tile)
        assert {pid for pid, _, _ in everything} == {corner.id, far.id}
        assert (corner.id, "massage", "sciatica") in everything
        loads = memory.loads
        assert read(Rect(a[0], a[0], a[1], a[1])) == [row for row in everything if row[0] == corner.id]
        assert read(Rect(b[0] - 1, b[0], b[1] - 1, b[1])) == [row for row in everything if row[0] == far.id]
        assert read(Rect(a[0] + 1, b[0] - 1, a[1], b[1])) == []  # the cells between them
        assert memory.loads == loads  # all from the tile held
        held = memory._tiles[(a[0] // 4, a[1] // 4)]
        assert len(held.places) == 2 and memory.rows == len(everything)


# --- Preloading (gunicorn's master fills the memory before it forks the workers) ----------------


def test_a_preloaded_memory_answers_searches_in_its_areas_without_reading_rows(client, memory, physios):
    engine._decode.cache_clear()
    held = preload_memory()
    assert held == memory.rows > 0 and memory.loads == 1  # one pass over the index
    loads, decoded = memory.loads, engine._decode.cache_info().misses
    assert decoded > 0  # today's profiles of the practitioners held, decoded up front
    # In person, for any concern (every term and concern was loaded), from anywhere within
    # 25 km of the cities loaded, the empty tiles a 25 km walk crosses around them included.
    assert search(client) == ["Meera Physio", "Arjun Physio"]
    assert set(search(client, concern="back-spasm")) == {"Arjun Physio", "Meera Physio"}
    assert search(client, (BLR[0] + 0.1, BLR[1] - 0.1)) == ["Meera Physio", "Arjun Physio"]  # 15 km out
    assert search(client, MUMBAI) == ["Mumbai Physio"]
    assert memory.loads == loads
    assert engine._decode.cache_info().misses == decoded  # no search decoded a profile again
    assert search(client, MYSURU) == []  # 130 km from anyone: not an area loaded
    assert memory.loads > loads


def test_a_preload_takes_whole_busy_areas_first_within_its_rows(client, memory, physios):
    # Bengaluru has two practitioners with rows for several terms, Mumbai one: room for
    # Bengaluru's rows only.
    rows = db.session.scalar(select(func.count()).select_from(SearchPlace)
                             .where(SearchPlace.practitioner_id != physios[2].id))
    assert preload_memory(rows) <= rows + 10_000  # and the empty tiles around, a row of room each
    loads = memory.loads
    assert search(client) == ["Meera Physio", "Arjun Physio"]
    assert memory.loads == loads
    assert search(client, MUMBAI) == ["Mumbai Physio"]
    assert memory.loads > loads  # Mumbai was not loaded: its first search read it


def test_what_changes_after_a_preload_shows_in_the_very_next_search(app, client, memory, physios):
    near, *_ = physios
    preload_memory()
    verification.suspend(near, make_admin(), "Complaint under review")
    db.session.commit()
    assert search(client) == ["Arjun Physio"]
    make_verified_practitioner(app, display_name="Kavya Physio", modalities=("physiotherapy",),
                               concerns=("sciatica",), lat=12.972, lon=77.595)
    assert search(client) == ["Kavya Physio", "Arjun Physio"]


def test_without_a_memory_or_rows_to_load_nothing_is_preloaded(app, memory, physios):
    assert preload_memory(0) == 0 and memory.loads == 0
    app.config["SEARCH_MEMORY_PRELOAD_ROWS"] = 0
    assert preload_memory() == 0 and memory.loads == 0


# --- A warm search reads its stamps after its walk, with the rest of its page ----------------


def recorded(client, where: tuple[float, float] = BLR, **params) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """A search's names and the statements it sent (lower case)."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:  # noqa: ANN001, ANN002
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        names = search(client, where, **params)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return names, statements


def test_a_warm_search_reads_its_stamps_and_its_pages_facts_in_one_statement(client, memory, physios):
    """What the process holds is read first; the stamps that say it is still current come
    in the same round trip as the results' availability stamps and packages."""
    assert search(client) == ["Meera Physio", "Arjun Physio"]  # the cells and next openings are now held
    names, statements = recorded(client)
    assert names == ["Meera Physio", "Arjun Physio"]
    statements = [s for s in statements if "from matching_data_version" not in s]  # checked every few seconds
    assert len(statements) == 1, statements
    assert all(table in statements[0] for table in ("from search_stamp", "from availability_stamp",
                                                      "from package_component"))


def test_a_search_that_must_read_rows_reads_the_stamps_before_them(client, memory, physios):
    """Rows kept in memory must be at least as new as the stamps they are kept under: a
    search that has to read cells reads the stamps first, and not again with its page."""
    names, statements = recorded(client)
    assert names == ["Meera Physio", "Arjun Physio"]
    stamps = [i for i, s in enumerate(statements) if "from search_stamp" in s]
    rows = [i for i, s in enumerate(statements) if "from search_place" in s]
    assert rows and len(stamps) == 1 and stamps[0] < rows[0], statements


def test_a_suspension_committed_while_a_warm_search_walks_is_not_shown(app, client, memory, physios):
    """Another process suspends a practitioner after this warm search has walked the rows
    it holds, just before it reads the stamps with its page: the stamps no longer agree
    with what it read, and it walks again, stamps first."""
    from sqlalchemy.orm import Session

    from marketplace.practitioners.models import Practitioner

    near, *_ = physios
    assert search(client) == ["Meera Physio", "Arjun Physio"]
    fired: list[bool] = []

    def suspend_elsewhere(conn, cursor, statement, *args) -> None:  # noqa: ANN001, ANN002
        if "from search_stamp" in statement.lower() and "from availability_stamp" in statement.lower() and not fired:
            fired.append(True)
            with Session(db.engine) as other:
                other.get(Practitioner, near.id).is_suspended = True
                other.commit()

    event.listen(db.engine, "before_cursor_execute", suspend_elsewhere)
    try:
        assert search(client) == ["Arjun Physio"]
    finally:
        event.remove(db.engine, "before_cursor_execute", suspend_elsewhere)
    assert fired
    assert search(client) == ["Arjun Physio"]


def test_a_walk_that_read_a_changed_block_before_it_must_load_starts_again(app, memory, physios):
    """A walk that served rows from a block before reading the stamps, and must then load
    another tile, reads the stamps first: when they say that block changed, it stops
    (and the search walks again from the stamps)."""
    from marketplace.search.memory import StaleMemory

    near, *_ = physios
    cell = cell_of(*BLR)
    wanted = {("physiotherapy", ""), ("physiotherapy", "sciatica")}
    walk = engine._Walk(db.session, Query(concerns=("sciatica",), radius_km=25.0, mode="in_person"), {},
                        BLR, today(), engine.DEFAULT_WEIGHTS, {}, 20)
    here = Rect(cell[0], cell[0], cell[1], cell[1])
    memory.read([here], wanted, memory.begin(db.session, cell, 8), today().isoformat(), None, walk._read)
    pending = memory.assume(db.session, cell, 8)
    loads = memory.loads
    held = memory.read([here], wanted, pending, today().isoformat(), None, walk._read)
    assert memory.loads == loads and near.id in {p[0] for _, _, places in held for p in places}
    verification.suspend(near, make_admin(), "Complaint under review")
    db.session.commit()  # a new stamp for Bengaluru's block
    with pytest.raises(StaleMemory):
        memory.read([Rect(cell[0], cell[0], cell[1] + 5, cell[1] + 5)], wanted, pending, today().isoformat(),
                    None, walk._read)  # a cell of the next tile east, not held
    assert pending.confirmed and memory.loads == loads  # nothing was read, or kept, under the old stamp
