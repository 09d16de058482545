"""Where a warm in-process search spends its time: the ranking, and the page's extras.

For the databases ``search_bench.py`` prepared (it does not seed), it runs the in_person
query set twice (the first pass warms the process's memory of cells, as a server that
has served these places would be), and on the second times, per search, the whole
:func:`marketplace.search.services.search` and the calls it makes to

* ``rank``           :func:`marketplace.search.engine.rank` (the walk, scoring, explaining);
* ``next_available`` when each result can next be seen (:mod:`marketplace.booking.queries`);
* ``packages_for``   the courses of care each result sells (:mod:`marketplace.packages.queries`);

then prints the medians and each part's share of the search's median. It also counts the
SQL statements a search sends. Nothing is mocked: the parts are wrapped where the search
calls them.

    .venv/bin/python bench/page_parts.py --backend sqlite --sizes 10000,100000
    .venv/bin/python bench/page_parts.py --backend postgresql --sizes 10000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import RADIUS_KM, PER_PAGE, database_url, make_queries  # noqa: E402

PARTS = ("rank", "next_available", "packages_for")


def measure(url: str, count: int) -> dict:
    from flask import current_app
    from sqlalchemy import event

    from marketplace import create_app
    from marketplace.booking import queries as booking
    from marketplace.extensions import db
    from marketplace.packages import queries as packages
    from marketplace.search import engine, services
    from marketplace.search.outcome import SearchInput

    app = create_app(env=dict(os.environ, DATABASE_URL=url, MARKETPLACE_ENV="development"))
    spent: dict[str, float] = {}
    wrapped = {"rank": engine, "next_available": booking, "packages_for": packages}
    for name, module in wrapped.items():
        original = getattr(module, name)

        def timed(*args, _original=original, _name=name, **kwargs):  # noqa: ANN002, ANN003, ANN202
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - started

        setattr(module, name, timed)
    statements = [0]
    rows: dict[str, list[float]] = {k: [] for k in ("search", "statements", *PARTS)}
    with app.app_context():
        resolver = current_app.extensions["place_resolver"]
        queries = make_queries(count, sorted(services._taxonomy().concerns))
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.__setitem__(0, statements[0] + 1))

        def one(q: dict) -> float:
            db.session.commit()  # as a search request ends (a rollback would drop psycopg's prepared statements)
            started = time.perf_counter()
            services.search(SearchInput(lat=q["lat"], lon=q["lon"], concern=q["concern"], radius_km=RADIUS_KM,
                                        mode="in_person", per_page=PER_PAGE, page=1), resolver)
            return time.perf_counter() - started

        for q in queries:  # warm: the memory of cells, the caches, the database's pages
            one(q)
        for q in queries:
            spent.clear()
            statements[0] = 0
            rows["search"].append(one(q) * 1000)
            rows["statements"].append(statements[0])
            for part in PARTS:
                rows[part].append(spent.get(part, 0.0) * 1000)
    return {k: statistics.median(v) for k, v in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=150)
    args = parser.parse_args()
    print(f"### {args.backend}: warm in_person search, p50 ms ({args.queries} queries, 20 per page, 25 km)\n")
    print("| N | search | rank | next_available | packages_for | rest | statements |")
    print("|---:|---:|---|---|---|---|---:|")
    for n in (int(s) for s in args.sizes.split(",")):
        m = measure(database_url(args.backend, n), args.queries)
        rest = m["search"] - sum(m[p] for p in PARTS)
        share = {p: f"{m[p]:.2f} ({m[p] / m['search']:.0%})" for p in PARTS}
        print(f"| {n:,} | {m['search']:.2f} | {share['rank']} | {share['next_available']} | "
              f"{share['packages_for']} | {rest:.2f} ({rest / m['search']:.0%}) | {m['statements']:.0f} |", flush=True)
    print("\nShares are of the search's median; the parts' medians need not add up to it.")


if __name__ == "__main__":
    main()
