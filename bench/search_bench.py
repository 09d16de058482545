#!/usr/bin/env python
"""In-process search speed at N = 10k, 100k, 1M practitioners (SQLite or PostgreSQL).

For each N it prepares a database (``flask db upgrade`` + ``flask seed synthetic
--practitioners N`` through a subprocess; an existing database that already holds exactly
N practitioners is reused), then, inside an app context, times over a fixed, seeded set of
queries:

* ``raw``    the raw candidate query: the indexed bounding-box SELECT over ``search_place``
             (term IN the concern's relevant terms, the generic rows (concern = ""),
             lat_idx/lon_idx within the radius box, valid_until >= today) fetching
             practitioner_id, lat, lon. No scoring.
* ``rank``   :func:`marketplace.search.engine.rank` alone.
* ``search`` :func:`marketplace.search.services.search` with lat/lon, warm: an untimed pass
             of the set first fills the process's memory of cells and of next openings,
             as a server that has served these places holds them.
* ``cold``   the same search with both memories empty (a fresh process).
* ``near``   the same with ``near=<city name>`` (adds geocoding with the offline gazetteer).

Each kind is timed in its own pass over the set (``--method passes``); ``--method
interleaved`` times the five calls of each query together (the older reports' method).
The exactness checks (``--verify``) run after the timing.

Three query sets: ``in_person`` (concern slug, mode in_person), ``any`` (concern slug,
mode any: in person and online together) and ``text`` (free text ``q``, mode in_person).
Every query: radius 25 km, 20 per page, page 1, around a city drawn by population from
:func:`marketplace.seed.synthetic.cities` (the cities the seeder uses), jittered a few km.

It prints a table and the ratios, and writes ``bench/out/search_<backend>_<N>.json`` per N
and ``bench/out/search_<backend>.json`` (all sizes found in bench/out for that backend).

    .venv/bin/python bench/search_bench.py --backend sqlite --sizes 10000,100000,1000000
    .venv/bin/python bench/search_bench.py --backend postgresql --sizes 10000,100000,1000000 --queries 300
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
RADIUS_KM = 25.0
PER_PAGE = 20
TEXTS = [
    "pinched nerve down my leg",
    "my lower back has ached for months",
    "stiff neck and shoulders from sitting at a desk all day",
    "back spasm after lifting a box",
    "tight hamstrings and sore IT band from running",
    "upper back pain between my shoulder blades",
]

sys.path.insert(0, str(ROOT))


# --- Preparing the databases ------------------------------------------------------------------

def database_url(backend: str, n: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{OUT / f'bench_{n}.sqlite3'}"
    return f"{PG_SERVER}marketplace_bench_{n}"


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(sql)


def _pg_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def _count_practitioners(url: str) -> int:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("practitioner"):
                return 0
            return int(conn.execute(text("SELECT count(*) FROM practitioner")).scalar() or 0)
    finally:
        engine.dispose()


def _flask(args: list[str], url: str) -> None:
    env = dict(os.environ, DATABASE_URL=url, MARKETPLACE_ENV="development")
    subprocess.run(FLASK + args, cwd=ROOT, env=env, check=True)


def _sqlite_analyzed(url: str) -> bool:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return bool(conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0])


def prepare(backend: str, n: int) -> dict:
    """Make sure the database for N exists, is migrated and holds exactly N practitioners."""
    OUT.mkdir(parents=True, exist_ok=True)
    url = database_url(backend, n)
    info: dict = {"database_url": url, "reused": False, "seed_seconds": None}
    if backend == "postgresql":
        name = f"marketplace_bench_{n}"
        if not _pg_exists(name):
            print(f"[prepare] creating database {name}", flush=True)
            _pg_admin(f'CREATE DATABASE "{name}"')
    have = _count_practitioners(url)
    if have not in (0, n):
        print(f"[prepare] {url} holds {have} practitioners, not {n}: recreating it", flush=True)
        if backend == "sqlite":
            Path(url.removeprefix("sqlite:///")).unlink()
        else:
            _pg_admin(f'DROP DATABASE "marketplace_bench_{n}" WITH (FORCE)')
            _pg_admin(f'CREATE DATABASE "marketplace_bench_{n}"')
        have = 0
    _flask(["db", "upgrade"], url)  # cheap when current; keeps a reused database in step with the code
    if have == n:
        print(f"[prepare] reusing {url} ({n} practitioners)", flush=True)
        info["reused"] = True
        if backend == "sqlite" and not _sqlite_analyzed(url):
            # Seeded before `seed synthetic` ended with ANALYZE: give it the statistics a
            # fresh seed has (without them a results page with a package cost 24 ms at 100k).
            print("[prepare] ANALYZE (no planner statistics yet)", flush=True)
            with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
                conn.execute("ANALYZE")
    else:
        print(f"[prepare] seeding {n} practitioners into {url}", flush=True)
        started = time.perf_counter()
        _flask(["seed", "synthetic", "--practitioners", str(n)], url)
        info["seed_seconds"] = round(time.perf_counter() - started, 1)
        print(f"[prepare] seeded {n} in {info['seed_seconds']} s "
              f"({n / info['seed_seconds']:.0f} practitioners/s)", flush=True)
        if backend == "postgresql":
            # What autovacuum does shortly after a bulk load anyway; done here so the
            # first measurements don't depend on when it happens to run.
            import psycopg

            with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname=marketplace_bench_{n}",
                                 autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
    info["index_rows"] = _index_sizes(url)
    return info


def _index_sizes(url: str) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar())
                    for t in ("search_profile", "search_place", "search_online")}
    finally:
        engine.dispose()


# --- The queries ------------------------------------------------------------------------------

def make_queries(count: int, concerns: list[str], seed: int = 20260101) -> list[dict]:
    from marketplace.seed.synthetic import cities

    rng = random.Random(seed)
    places = cities()
    weights = [c.population for c in places]
    queries = []
    for _ in range(count):
        city = rng.choices(places, weights=weights, k=1)[0]
        # A seeker somewhere in town, not exactly at the city's centroid.
        lat = city.lat + rng.gauss(0, 3.0) / 110.6
        lon = city.lon + rng.gauss(0, 3.0) / (111.3 * max(0.2, math.cos(math.radians(city.lat))))
        queries.append({"concern": rng.choice(concerns), "text": rng.choice(TEXTS), "city": city.name,
                        "country": city.country, "lat": round(lat, 5), "lon": round(lon, 5)})
    return queries


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(values: list[float]) -> dict:
    return {"p50": percentile(values, 50), "p90": percentile(values, 90), "p99": percentile(values, 99),
            "mean": statistics.fmean(values) if values else float("nan"), "max": max(values, default=float("nan")),
            "n": len(values)}


def measure(url: str, n: int, count: int, verify: int, method: str = "passes") -> dict:
    from flask import current_app
    from sqlalchemy import and_, or_, select

    from marketplace import create_app
    from marketplace.core.clock import today
    from marketplace.extensions import db
    from marketplace.geo.distance import approx_km
    from marketplace.matching.scoring import Query
    from marketplace.search import engine, services
    from marketplace.booking.openings import OpeningMemory, StampedMemory
    from marketplace.search.memory import PlaceMemory, memory_for
    from marketplace.search.grid import cell_of, rings_for_km, shell
    from marketplace.search.models import SearchPlace
    from marketplace.search.outcome import SearchInput

    app = create_app(env=dict(os.environ, DATABASE_URL=url, MARKETPLACE_ENV="development"))
    result: dict = {"sets": {}}
    with app.app_context():
        resolver = current_app.extensions["place_resolver"]
        memory = memory_for(current_app)
        result["memory_rows"] = current_app.config.get("SEARCH_MEMORY_ROWS")
        tax = services._taxonomy()
        matcher, relevance = services._matching_data()
        all_terms = services._terms(tax, None, None)
        concerns = sorted(tax.concerns)
        queries = make_queries(count, concerns)
        on = today()

        def relevant_terms(concern_slugs: tuple[str, ...]) -> list[str]:
            return [t for t in all_terms if max((relevance.get((c, t), 0.0) for c in concern_slugs), default=0) > 0]

        # Since migration 0007 the place index also holds one row per declared concern; the
        # raw candidate query reads the generic rows only (one per practitioner, location and
        # term), i.e. exactly the rows it read before.
        generic = [SearchPlace.concern == ""] if hasattr(SearchPlace, "concern") else []

        def raw_statement(concern_slugs: tuple[str, ...], lat: float, lon: float):  # noqa: ANN202
            rings = rings_for_km(lat, lon, RADIUS_KM)
            boxes = shell(cell_of(lat, lon), 0, rings)
            box = or_(*(and_(SearchPlace.lat_idx.between(r.lat_lo, r.lat_hi),
                             SearchPlace.lon_idx.between(r.lon_lo, r.lon_hi)) for r in boxes))
            return (select(SearchPlace.practitioner_id, SearchPlace.lat, SearchPlace.lon)
                    .where(SearchPlace.term.in_(relevant_terms(concern_slugs)), *generic,
                           SearchPlace.valid_until >= on, box))

        def concerns_of_text(text: str) -> tuple[str, ...]:
            return tuple(m.slug for m in matcher.match(text) if m.slug in tax.concerns)

        def timed(fn):  # noqa: ANN001, ANN202
            # Each timed call starts its own transaction, and the one before ends with a commit,
            # as a search request's does (answers.answer commits after the search). Not a
            # rollback: psycopg drops its prepared statements on every ROLLBACK, so each of a
            # search's statements would be planned again on every search, which a server's
            # requests (and the raw query, whose text changes with each query) do not pay.
            db.session.commit()
            started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
            value = fn()
            return (time.perf_counter_ns() - started) / 1e6, (time.thread_time_ns() - started_cpu) / 1e6, value

        mismatches: list[dict] = []
        verified = 0
        kinds = ("raw", "rank", "search", "cold", "near")
        for set_name, mode, use_text in (("in_person", "in_person", False), ("any", "any", False),
                                         ("text", "in_person", True)):
            rows: dict[str, list] = {k: [] for k in ("raw", "rank", "search", "cold", "near", "rows_read", "queries",
                                                      "raw_rows", "in_radius", "results", "total")}
            cpu: dict[str, list[float]] = {k: [] for k in kinds}
            outcomes = {"results": 0, "empty": 0, "questions": 0, "urgent": 0, "no_concern": 0}
            warmup = min(20, len(queries))

            def prepared(q: dict) -> dict:
                common = dict(radius_km=RADIUS_KM, mode=mode, per_page=PER_PAGE, page=1)
                common.update(q=q["text"], no_red_flags=True) if use_text else common.update(concern=q["concern"])
                cs = concerns_of_text(q["text"]) if use_text else (q["concern"],)
                return dict(q=q, cs=cs, common=common, stmt=raw_statement(cs, q["lat"], q["lon"]) if cs else None,
                            query=Query(concerns=cs, radius_km=RADIUS_KM, mode=mode))

            work = [prepared(q) for q in queries[:warmup] + queries]
            outcomes["no_concern"] = sum(1 for p in work[warmup:] if not p["cs"])
            work = [(i >= warmup, p) for i, p in enumerate(work) if p["cs"]]
            if memory is not None:
                # A server that has served these places before: one untimed pass of the set's
                # searches fills this process's memory of cells (the "cold" column shows a
                # search without it).
                for _, p in work:
                    db.session.commit()
                    services.search(SearchInput(lat=p["q"]["lat"], lon=p["q"]["lon"], **p["common"]), resolver)
                memory.loads = 0

            def run(kind: str, p: dict):  # noqa: ANN202
                q = p["q"]
                if kind == "raw":  # the raw candidate query
                    return timed(lambda: db.session.execute(p["stmt"]).all())
                if kind == "rank":  # engine.rank alone, through SQL
                    return timed(lambda: engine.rank(db.session, p["query"], terms=all_terms,
                                                     center=(q["lat"], q["lon"]), need=PER_PAGE, on=on,
                                                     relevance=relevance))
                if kind == "near":
                    return timed(lambda: services.search(SearchInput(near=q["city"], **p["common"]), resolver))
                # the whole search with lat/lon: warm, or with an empty memory of cells (a
                # process that has not searched here since the last change to this area)
                # (and nothing of next openings or online practitioners' places held: a fresh
                # process has none of them)
                held = {k: current_app.extensions.get(k) for k in ("next_openings", "practitioner_places")}
                if kind == "cold":
                    current_app.extensions["next_openings"] = OpeningMemory()
                    current_app.extensions["practitioner_places"] = StampedMemory()
                    if memory is not None:
                        current_app.extensions["search_memory"] = PlaceMemory(memory.max_rows)
                try:
                    return timed(lambda: services.search(SearchInput(lat=q["lat"], lon=q["lon"], **p["common"]),
                                                         resolver))
                finally:
                    if memory is not None:
                        current_app.extensions["search_memory"] = memory
                    for k, v in held.items():
                        if v is not None:
                            current_app.extensions[k] = v

            # "passes" (the default) times each kind of call over the whole set in turn, as a
            # server serving that kind of request would run it; "interleaved" runs the five
            # calls of each query together (the method of the reports before "Passes").
            order = ([(kind, item) for item in work for kind in kinds] if method == "interleaved"
                     else [(kind, item) for kind in kinds for item in work])
            rankings = []
            for kind, (timing, p) in order:
                elapsed, cpu_ms, value = run(kind, p)
                if not timing:
                    continue
                rows[kind].append(elapsed)
                cpu[kind].append(cpu_ms)
                q = p["q"]
                if kind == "raw":
                    rows["raw_rows"].append(len(value))
                    rows["in_radius"].append(len({pid for pid, plat, plon in value
                                                  if approx_km(q["lat"], q["lon"], plat, plon) <= RADIUS_KM}))
                elif kind == "rank":
                    rows["rows_read"].append(value.rows_read)
                    rows["queries"].append(value.queries)
                    rankings.append((p, value))
                elif kind == "search":
                    rows["results"].append(len(value.results))
                    rows["total"].append(value.total)
                    outcomes["urgent" if value.urgent else "questions" if value.questions
                             else "results" if value.results else "empty"] += 1
            # Exactness, after the timing: the walk's page must equal ranking everything in scope.
            # (Not for mode any above 100k: ranking everything reads every online list in full.)
            for p, ranking in rankings[:verify] if mode != "any" or n <= 100_000 else []:
                if len(mismatches) >= 20:
                    break
                verified += 1
                db.session.rollback()
                q = p["q"]
                full = engine.rank(db.session, p["query"], terms=all_terms, center=(q["lat"], q["lon"]), need=10**9,
                                   on=on, relevance=relevance)
                got = [(h.candidate.practitioner_id, round(h.scored.score, 9)) for h in ranking.hits]
                want = [(h.candidate.practitioner_id, round(h.scored.score, 9)) for h in full.hits[:PER_PAGE]]
                if got != want:
                    mismatches.append({"set": set_name, "query": q, "got": got[:5], "want": want[:5]})
            db.session.rollback()
            result["sets"][set_name] = {
                "mode": mode,
                "ms": {k: summary(rows[k]) for k in kinds},
                # CPU time of this thread (SQLite runs in-process; PostgreSQL's own work is not in it).
                "cpu_ms": {k: summary(cpu[k]) for k in kinds},
                "rows_read": summary(rows["rows_read"]), "queries": summary(rows["queries"]),
                "raw_rows": summary(rows["raw_rows"]), "in_radius": summary(rows["in_radius"]),
                "results": summary(rows["results"]), "total": summary(rows["total"]), "outcomes": outcomes,
                "memory": None if memory is None else {"rows": memory.rows, "tiles": len(memory._tiles),
                                                       "loads_while_timing": memory.loads},
            }
        result["method"] = method
        result["verified_queries"] = verified
        result["mismatches"] = mismatches
    with app.app_context():
        db.engine.dispose()
    return result


# --- Reporting --------------------------------------------------------------------------------

def fmt(x: float, digits: int = 2) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def table(backend: str, runs: dict[int, dict]) -> str:
    lines = [f"### {backend}: in-process, ms (p50 / p90 / p99), {PER_PAGE} per page, {RADIUS_KM:.0f} km", "",
             "| N | set | raw | rank (SQL) | search (lat/lon) | search (cold memory) | search (near) | "
             "rank rows read p50 / max | rank SQL queries p50 / max | raw rows p50 / max | "
             "practitioners in radius p50 / max | search / raw p50 | cold / raw p50 | CPU p50 raw / rank / search |",
             "|---:|---|---|---|---|---|---|---|---|---|---|---:|---:|---|"]
    for n in sorted(runs):
        for set_name, s in runs[n]["sets"].items():
            ms = s["ms"]

            def three(k: str) -> str:
                return f"{fmt(ms[k]['p50'])} / {fmt(ms[k]['p90'])} / {fmt(ms[k]['p99'])}"

            ratio = ms["search"]["p50"] / ms["raw"]["p50"] if ms["raw"]["p50"] else float("nan")
            cold = ms["cold"]["p50"] / ms["raw"]["p50"] if "cold" in ms and ms["raw"]["p50"] else float("nan")
            if "cold" not in ms:
                ms["cold"] = {"p50": float("nan"), "p90": float("nan"), "p99": float("nan")}
            lines.append(
                f"| {n:,} | {set_name} | {three('raw')} | {three('rank')} | {three('search')} | {three('cold')} | "
                f"{three('near')} | "
                f"{fmt(s['rows_read']['p50'], 0)} / {fmt(s['rows_read']['max'], 0)} | "
                f"{fmt(s['queries']['p50'], 0)} / {fmt(s['queries']['max'], 0)} | "
                f"{fmt(s['raw_rows']['p50'], 0)} / {fmt(s['raw_rows']['max'], 0)} | "
                f"{fmt(s['in_radius']['p50'], 0)} / {fmt(s['in_radius']['max'], 0)} | {fmt(ratio)} | {fmt(cold)} | "
                f"{fmt(s['cpu_ms']['raw']['p50'])} / {fmt(s['cpu_ms']['rank']['p50'])} / "
                f"{fmt(s['cpu_ms']['search']['p50'])} |")
    return "\n".join(lines)


def ratios(runs: dict[int, dict]) -> list[str]:
    out = []
    sizes = sorted(runs)
    for n in sizes:
        for set_name, s in runs[n]["sets"].items():
            r = s["ms"]["search"]["p50"] / s["ms"]["raw"]["p50"]
            out.append(f"search/raw p50 at N={n:,} [{set_name}]: {r:.2f}  (target <= 2: "
                       f"{'PASS' if r <= 2 else 'FAIL'})")
            if "cold" in s["ms"]:
                out.append(f"  cold memory: search/raw p50 at N={n:,} [{set_name}]: "
                           f"{s['ms']['cold']['p50'] / s['ms']['raw']['p50']:.2f}")
    if 100_000 in runs and 1_000_000 in runs:
        for set_name in runs[1_000_000]["sets"]:
            for k in ("raw", "rank", "search", "near"):
                a = runs[100_000]["sets"][set_name]["ms"][k]["p50"]
                b = runs[1_000_000]["sets"][set_name]["ms"][k]["p50"]
                verdict = f"  (target <= 2: {'PASS' if b / a <= 2 else 'FAIL'})" if k == "search" else ""
                out.append(f"p50(1M)/p50(100k) {k:6s} [{set_name}]: {b / a:.2f}{verdict}")
    # The same ratios on CPU time (less disturbed by other load; for PostgreSQL it leaves
    # out the server's own work, so read it as "the Python side").
    for n in sizes:
        for set_name, s in runs[n]["sets"].items():
            c = s.get("cpu_ms")
            if c:
                out.append(f"CPU: search/raw p50 at N={n:,} [{set_name}]: "
                           f"{c['search']['p50'] / c['raw']['p50']:.2f}")
    if 100_000 in runs and 1_000_000 in runs:
        for set_name in runs[1_000_000]["sets"]:
            a, b = runs[100_000]["sets"][set_name].get("cpu_ms"), runs[1_000_000]["sets"][set_name].get("cpu_ms")
            if a and b:
                out.append(f"CPU: p50(1M)/p50(100k) search [{set_name}]: "
                           f"{b['search']['p50'] / a['search']['p50']:.2f}")
    return out


def code_version() -> dict:
    """Which search code was measured (other people edit it while benchmarks run)."""
    import hashlib

    files = ["marketplace/search/engine.py", "marketplace/search/services.py", "marketplace/search/index.py",
             "marketplace/search/grid.py", "marketplace/search/models.py", "marketplace/search/answers.py",
             "marketplace/search/statements.py", "marketplace/search/api.py", "marketplace/search/memory.py",
             "marketplace/matching/scoring.py"]
    return {f: hashlib.sha256((ROOT / f).read_bytes()).hexdigest()[:12] for f in files}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=300, help="queries per set (after 20 warm-up ones)")
    parser.add_argument("--verify", type=int, default=30,
                        help="per set, check this many pages against ranking everything in scope")
    parser.add_argument("--method", choices=("passes", "interleaved"), default="passes",
                        help="passes: time each kind of call over the whole set in turn (default); "
                             "interleaved: the five calls of each query together (the older reports' method)")
    parser.add_argument("--prepare-only", action="store_true", help="seed the databases, measure nothing")
    parser.add_argument("--report-only", action="store_true",
                        help="print the table and ratios from the JSON files already in bench/out")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    # Hashed now: the modules are imported once, at the first measurement, so this is the
    # code measured even if someone edits the files while the run goes on.
    code = code_version()

    for n in ([] if args.report_only else sizes):
        info = prepare(args.backend, n)
        if args.prepare_only:
            continue
        print(f"[measure] N={n:,} on {args.backend}: {args.queries} queries x 3 sets", flush=True)
        started = time.perf_counter()
        load_before = os.getloadavg()
        run = measure(info["database_url"], n, args.queries, args.verify, args.method)
        run.update(n=n, backend=args.backend, prepare=info, queries_per_set=args.queries,
                   measured_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   machine={"cpus": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()},
                   wall_seconds=round(time.perf_counter() - started, 1), code=code,
                   code_changed_during_run=code != code_version(),
                   loadavg_before=load_before, loadavg_after=os.getloadavg())
        (OUT / f"search_{args.backend}_{n}.json").write_text(json.dumps(run, indent=2))
        print(table(args.backend, {n: run}), flush=True)
        if run["mismatches"]:
            print(f"!! {len(run['mismatches'])} pages differ from ranking everything in scope:")
            for m in run["mismatches"][:5]:
                print("  ", json.dumps(m))
        else:
            print(f"exactness: {run['verified_queries']} pages equal to ranking everything in scope")

    if args.prepare_only:
        return
    runs = {}
    for path in sorted(OUT.glob(f"search_{args.backend}_*.json")):
        data = json.loads(path.read_text())
        runs[int(data["n"])] = data
    print()
    print(table(args.backend, runs))
    print()
    for line in ratios(runs):
        print(line)
    (OUT / f"search_{args.backend}.json").write_text(json.dumps(
        {"backend": args.backend, "runs": {str(n): runs[n] for n in sorted(runs)}, "ratios": ratios(runs)},
        indent=2))


if __name__ == "__main__":
    main()
