#!/usr/bin/env python
"""Requests per second and latency of the public read paths under gunicorn in production
mode, on PostgreSQL with N (default 100k) synthetic practitioners.

It seeds (or reuses) ``marketplace_load_<N>`` on the PostgreSQL at 127.0.0.1:5432, starts
``gunicorn -c gunicorn.conf.py wsgi:app`` (2 sync workers unless told otherwise) on a free
local port with ``MARKETPLACE_ENV=production``, warms every URL up once (and checks that
each answers 200), then runs ``wrk --latency`` against, in turn:

* ``/livez``                          the baseline: no database, no template;
* ``/api/v1/search?...``              rotating realistic searches (``http_bench.search_paths``);
* ``/api/v1/practitioners/<id>``      rotating ids of visible practitioners (from the searches);
* ``/search?...``                     the HTML search page, same searches;
* ``/livez`` again                    (did the machine change under us?).

It prints a table (req/s, p50/p90/p99, non-2xx, socket errors) and writes
``bench/out/load_<name>.json``. gunicorn is always stopped, also on Ctrl-C or failure.

    .venv/bin/python bench/load_bench.py                      # 100k, Redis db 15 for limits + cache
    .venv/bin/python bench/load_bench.py --no-redis           # in-process limits and cache
    .venv/bin/python bench/load_bench.py --practitioners 10000 --duration 10

Rate limits stay on (they are part of a request's cost in production) but the search
budget is raised for the run: wrk is one client IP, and the default 120 searches a minute
would turn the run into a measurement of 429 answers. Search never calls Stripe, so the
Stripe settings are placeholders; mail goes to an outbox under bench/out.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
LUA = ROOT / "bench" / "wrk_search.lua"  # generic: rotates through a file of paths
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from http_bench import drain, free_port, run_wrk, search_paths, wait_ready  # noqa: E402


# --- The database ---------------------------------------------------------------------------

def prepare(n: int, name: str) -> dict:
    """``name`` on the shared server holds exactly ``n`` practitioners, migrated (seeded
    here when it does not: about 75 s for 100k on an idle 2-core machine)."""
    import psycopg

    url = PG_SERVER + name
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            print(f"[prepare] creating database {name}", flush=True)
            conn.execute(f'CREATE DATABASE "{name}"')
    env = dict(os.environ, DATABASE_URL=url, MARKETPLACE_ENV="development")
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={name}", autocommit=True) as conn:
        have = conn.execute("SELECT count(*) FROM practitioner").fetchone()[0]
        info: dict = {"database_url": url, "practitioners": n, "reused": have == n, "seed_seconds": None}
        if have not in (0, n):
            raise SystemExit(f"{name} holds {have} practitioners, not {n}: drop it or pick --database")
        if have == 0:
            print(f"[prepare] seeding {n} practitioners into {name}", flush=True)
            started = time.perf_counter()
            subprocess.run([*flask, "seed", "synthetic", "--practitioners", str(n)], cwd=ROOT, env=env, check=True)
            info["seed_seconds"] = round(time.perf_counter() - started, 1)
            conn.execute("VACUUM ANALYZE")  # what autovacuum would do soon after a bulk load
        else:
            print(f"[prepare] reusing {name} ({n} practitioners)", flush=True)
        info["visible_in_index"] = conn.execute(
            "SELECT count(DISTINCT practitioner_id) FROM search_place").fetchone()[0]
    return info


# --- Warm-up ----------------------------------------------------------------------------------

def fetch(base: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def warm_up(base: str, paths: list[str], collect_ids: bool = False) -> tuple[dict, list[int]]:
    """Each path once: the caches and the plans are warm, and every path answers 200
    (anything else is a finding, listed in the report)."""
    statuses: dict[str, int] = {}
    bad: list[str] = []
    ids: list[int] = []
    started = time.perf_counter()
    for path in paths:
        code, body = fetch(base, path)
        statuses[str(code)] = statuses.get(str(code), 0) + 1
        if code != 200 and len(bad) < 5:
            bad.append(f"{code} {path} {body[:300]!r}")
        if code == 200 and collect_ids:
            ids += [hit["practitioner"]["id"] for hit in json.loads(body).get("results", [])]
    return ({"statuses": statuses, "examples_of_errors": bad, "seconds": round(time.perf_counter() - started, 1)},
            ids)


def page_paths(api_paths: list[str]) -> list[str]:
    """The same searches as the HTML page asks them (the page has its own page size)."""
    out = []
    for path in api_paths:
        query = "&".join(p for p in path.split("?", 1)[1].split("&") if not p.startswith("per_page="))
        out.append("/search?" + query)
    return out


# --- The server -------------------------------------------------------------------------------

def server_env(url: str, args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url, MARKETPLACE_ENV="production", SECRET_KEY=secrets.token_hex(32),
               # Search never calls Stripe; production refuses to start without keys.
               STRIPE_SECRET_KEY="sk_test_bench_placeholder", STRIPE_WEBHOOK_SECRET="whsec_bench_placeholder",
               MAIL_BACKEND="outbox", OUTBOX_FOLDER=str(OUT / "outbox"), UPLOAD_FOLDER=str(OUT / "uploads"),
               RATELIMIT_SEARCH="1000000 per minute",
               GUNICORN_WORKERS=str(args.workers), GUNICORN_TIMEOUT="60")
    # Logs as in production (LOG_LEVEL info: one line per request, part of its cost).
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "CACHE_KEY_PREFIX", "JOBS_BACKEND", "LOG_LEVEL"):
        env.pop(name, None)
    if args.redis_url:
        env.update(REDIS_URL=args.redis_url, RATELIMIT_STORAGE_URI=args.redis_url,
                   CACHE_KEY_PREFIX=f"loadbench{os.getpid()}:", JOBS_BACKEND="inline")
    return env


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the gunicorn process group (master and workers), SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def _interrupt(signum: int, frame: object) -> None:
    """A kill ends like Ctrl-C: through the ``finally`` that stops gunicorn."""
    raise KeyboardInterrupt


def code_version() -> dict:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--short"], cwd=ROOT, capture_output=True, text=True).stdout
    return {"head": head, "dirty_files": len([line for line in dirty.splitlines() if line.strip()])}


def table(runs: list[dict]) -> str:
    lines = ["| endpoint | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | socket errors | worker CPU ms/request |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        lines.append(f"| {r['label']} | {r['rps']:.0f} | {r['p50_us'] / 1000:.2f} | {r['p90_us'] / 1000:.2f} | "
                     f"{r['p99_us'] / 1000:.2f} | {r['max_us'] / 1000:.0f} | {r['non_2xx']} | {r['socket_errors']} | "
                     f"{r['cpu_ms_per_request']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--practitioners", type=int, default=100_000)
    parser.add_argument("--database", default=None, help="database name (default marketplace_load_<N>)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--wrk-timeout", type=int, default=10)
    parser.add_argument("--urls", type=int, default=600, help="different search URLs to rotate through")
    parser.add_argument("--profiles", type=int, default=2000, help="different practitioner ids to rotate through")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15",
                        help="Redis for rate limits and cache, as in production (a spare db number)")
    parser.add_argument("--no-redis", dest="redis_url", action="store_const", const=None)
    parser.add_argument("--name", default=None)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    n = args.practitioners
    database = args.database or f"marketplace_load_{n}"
    name = args.name or f"{n}_{'redis' if args.redis_url else 'memory'}_{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}"
    report: dict = {"started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "cpus": os.cpu_count(), "code": code_version(), "args": vars(args)}
    report["database"] = prepare(n, database)

    api = search_paths(args.urls)
    pages = page_paths(api)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(PG_SERVER + database, args)
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
    print(f"[gunicorn] {' '.join(cmd)} on {base} ({args.workers} workers, production, "
          f"redis={args.redis_url or 'none'})", flush=True)
    log = open(OUT / f"gunicorn_load_{name}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    # Ctrl-C and kill both end in the finally below.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        wait_ready(base, proc)
        report["warm_up"] = {}
        report["warm_up"]["search"], ids = warm_up(base, api, collect_ids=True)
        rng = random.Random(11)
        ids = sorted(set(ids))
        profiles = [f"/api/v1/practitioners/{i}" for i in rng.sample(ids, min(args.profiles, len(ids)))]
        report["warm_up"]["profile"], _ = warm_up(base, profiles)
        report["warm_up"]["page"], _ = warm_up(base, pages)
        print(f"[warm-up] {json.dumps(report['warm_up'])}", flush=True)
        files = {}
        for label, paths in (("livez", ["/livez"]), ("search", api), ("profile", profiles), ("page", pages)):
            files[label] = OUT / f"wrk_paths_load_{label}.txt"
            files[label].write_text("\n".join(paths) + "\n")
        runs = []
        report["loadavg"] = {"before": os.getloadavg()}
        for label, key in (("/livez", "livez"), ("/api/v1/search", "search"),
                           ("/api/v1/practitioners/<id>", "profile"), ("/search (HTML)", "page"),
                           ("/livez (again)", "livez")):
            run = run_wrk(base, files[key], args, label, proc.pid)
            run["loadavg_after"] = os.getloadavg()
            runs.append(run)
        report["runs"] = runs
        report["loadavg"]["after"] = os.getloadavg()
        drain(base)
    finally:
        stop(proc)
        log.close()
        print("[gunicorn] stopped", flush=True)

    # max_requests in gunicorn.conf.py recycles workers; a fresh worker starts cold.
    report["worker_boots"] = (OUT / f"gunicorn_load_{name}.log").read_text().count("Booting worker")
    print()
    print(table(runs))
    print(f"\nworkers booted during the run (incl. the first {args.workers}): {report['worker_boots']}")
    print(f"\nload average before {report['loadavg']['before']}, after {report['loadavg']['after']}")
    (OUT / f"load_{name}.json").write_text(json.dumps(report, indent=2))
    print(f"wrote {OUT / f'load_{name}.json'}")


if __name__ == "__main__":
    main()
