#!/usr/bin/env python
"""Throughput of ``GET /api/v1/search`` under gunicorn, against a trivial JSON endpoint
(``/livez``) on the same server in the same run.

Starts ``gunicorn -w 2`` (sync workers) on a free local port, waits for ``/livez``, sends
every search URL once (a warm-up that also checks each answers 200), then runs
``wrk -t2 -c16 -d15s --latency`` against ``/livez``, then against the search (rotating
through many different URLs: concern slugs or free text, around real cities by lat/lon or by
``near=<city>``), then ``/livez`` again, and prints requests/s, p50/p99 and errors, and the
ratio search_rps / livez_rps. gunicorn is always stopped, also on error.

    .venv/bin/python bench/http_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/marketplace_bench_100000
    .venv/bin/python bench/http_bench.py --database-url sqlite:///$PWD/bench/out/bench_100000.sqlite3

PostgreSQL runs with MARKETPLACE_ENV=production (a random 64-character SECRET_KEY, and
placeholder STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET unless set: production refuses to start
without them, and search never calls Stripe);
SQLite with MARKETPLACE_ENV=development (production refuses SQLite).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
LUA = ROOT / "bench" / "wrk_search.lua"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def code_version() -> dict:
    from search_bench import code_version as search_code

    return search_code()


def workers_cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's workers (the master's children), from /proc: what the
    searches cost the machine, which the other load on a shared machine disturbs less."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == master:  # ppid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def search_paths(count: int, seed: int = 7) -> list[str]:
    """Many different searches: 25 km, 20 per page; 60 % concern slug + lat/lon in person,
    15 % mode any, 10 % free text, 15 % near=<city name>."""
    from search_bench import TEXTS, make_queries
    from marketplace.matching.scoring import _RELEVANCE_ROWS

    rng = random.Random(seed)
    paths = []
    for q in make_queries(count, sorted(_RELEVANCE_ROWS), seed=seed):
        roll = rng.random()
        params: dict[str, object] = {"radius_km": 25, "per_page": 20}
        if roll < 0.60:
            params.update(concern=q["concern"], lat=q["lat"], lon=q["lon"], mode="in_person")
        elif roll < 0.75:
            params.update(concern=q["concern"], lat=q["lat"], lon=q["lon"], mode="any")
        elif roll < 0.85:
            params.update(q=rng.choice(TEXTS), no_red_flags="true", lat=q["lat"], lon=q["lon"], mode="in_person")
        else:
            params.update(concern=q["concern"], near=q["city"], mode="in_person")
        paths.append("/api/v1/search?" + urlencode(params))
    return paths


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/livez", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /livez in time")


def warm_up(base: str, paths: list[str]) -> dict:
    statuses: dict[str, int] = {}
    empty = 0
    bad: list[str] = []
    started = time.perf_counter()
    for path in paths:
        try:
            with urllib.request.urlopen(base + path, timeout=30) as r:
                code = r.status
                body = json.loads(r.read())
                if not body.get("results"):
                    empty += 1
        except urllib.error.HTTPError as exc:
            code = exc.code
            if len(bad) < 5:
                bad.append(f"{code} {path} {exc.read()[:300]!r}")
        statuses[str(code)] = statuses.get(str(code), 0) + 1
    return {"statuses": statuses, "empty_results": empty, "examples_of_errors": bad,
            "seconds": round(time.perf_counter() - started, 1)}


def drain(base: str, timeout: float = 120.0) -> None:
    """Wait until the workers are idle again: sync workers still answer requests that were
    queued when wrk stopped, which would otherwise count against the next run."""
    deadline = time.monotonic() + timeout
    fast = 0
    while time.monotonic() < deadline and fast < 3:
        started = time.perf_counter()
        with urllib.request.urlopen(base + "/livez", timeout=30) as r:
            r.read()
        fast = fast + 1 if time.perf_counter() - started < 0.05 else 0
        time.sleep(0.2)
    time.sleep(1.0)


def run_wrk(base: str, paths_file: Path, args: argparse.Namespace, label: str, master: int) -> dict:
    drain(base)
    cpu_before = workers_cpu_seconds(master)
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
           "--timeout", f"{args.wrk_timeout}s",
           "-s", str(LUA), base, "--", str(paths_file)]
    print(f"[wrk] {label}: {' '.join(cmd)}", flush=True)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    print(out, flush=True)
    data = json.loads(re.search(r"^WRK_JSON (.*)$", out, re.M).group(1))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    rps_line = re.search(r"Requests/sec:\s+([\d.]+)", out)
    data["rps_wrk"] = float(rps_line.group(1)) if rps_line else None
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    data["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    data["socket_errors"] = data["connect_errors"] + data["read_errors"] + data["write_errors"] + data["timeouts"]
    data["label"] = label
    data["workers_cpu_s"] = workers_cpu_seconds(master) - cpu_before
    data["cpu_ms_per_request"] = 1000 * data["workers_cpu_s"] / max(data["requests"], 1)
    data["loadavg_after"] = os.getloadavg()
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--wrk-timeout", type=int, default=10,
                        help="wrk's per-request timeout in s (its default, 2 s, drops slow requests from the latencies)")
    parser.add_argument("--urls", type=int, default=2000, help="how many different search URLs to rotate through")
    parser.add_argument("--name", default=None, help="label for the output file (default: from the URL)")
    parser.add_argument("--search-cache-seconds", type=int, default=0,
                        help="SEARCH_CACHE_SECONDS for the server: 0 (default) measures every search computed "
                             "afresh; > 0 lets identical searches share a cached answer (the warm-up fills it)")
    parser.add_argument("--redis-url", default=None,
                        help="REDIS_URL for the server (shared cache across workers, as in production); "
                             "keys get a per-run prefix")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    url = args.database_url
    postgres = url.startswith(("postgres://", "postgresql"))
    name = args.name or re.sub(r"[^A-Za-z0-9_]+", "_", url.rsplit("/", 1)[-1]).strip("_")
    env = dict(os.environ, DATABASE_URL=url)
    if postgres:
        # Production refuses to start without payment keys; search never calls Stripe, so
        # placeholders do (a real deployment's values are not needed, nor wanted, here).
        env.update(MARKETPLACE_ENV="production", SECRET_KEY=secrets.token_hex(32),
                   STRIPE_SECRET_KEY=env.get("STRIPE_SECRET_KEY") or "sk_test_bench_placeholder",
                   STRIPE_WEBHOOK_SECRET=env.get("STRIPE_WEBHOOK_SECRET") or "whsec_bench_placeholder")
    else:
        env.update(MARKETPLACE_ENV="development")
    # The search rate limit (per client) would turn a benchmark into 429s; keep the limiter
    # on (its cost is part of a request) with a limit no single client reaches here.
    env.update(RATELIMIT_SEARCH="1000000 per minute", SEARCH_CACHE_SECONDS=str(args.search_cache_seconds))
    for inherited in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "CACHE_KEY_PREFIX"):
        env.pop(inherited, None)
    if args.redis_url:
        env.update(REDIS_URL=args.redis_url, RATELIMIT_STORAGE_URI=args.redis_url,
                   CACHE_KEY_PREFIX=f"bench-{secrets.token_hex(4)}:", JOBS_BACKEND="inline")

    paths = search_paths(args.urls)
    search_file = OUT / f"wrk_paths_{name}.txt"
    search_file.write_text("\n".join(paths) + "\n")
    livez_file = OUT / "wrk_paths_livez.txt"
    livez_file.write_text("/livez\n")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "wsgi:app"]
    print(f"[gunicorn] {' '.join(cmd)}  (MARKETPLACE_ENV={env['MARKETPLACE_ENV']}, DATABASE_URL={url})", flush=True)
    log = open(OUT / f"gunicorn_{name}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    report: dict = {"database_url": url, "env": env["MARKETPLACE_ENV"], "gunicorn": cmd,
                    "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "cpus": os.cpu_count(), "urls": len(paths), "loadavg_before": os.getloadavg(),
                    "search_cache_seconds": args.search_cache_seconds, "redis": bool(args.redis_url),
                    "code": code_version()}
    try:
        wait_ready(base, proc)
        print(f"[warm-up] {len(paths)} search URLs, once each", flush=True)
        report["warm_up"] = warm_up(base, paths)
        print(f"[warm-up] {report['warm_up']}", flush=True)
        if set(report["warm_up"]["statuses"]) != {"200"}:  # e.g. a database the code's migrations have not reached
            raise RuntimeError(f"searches failed in the warm-up: {report['warm_up']['examples_of_errors']}")
        runs = [run_wrk(base, livez_file, args, "livez", proc.pid), run_wrk(base, search_file, args, "search", proc.pid),
                run_wrk(base, livez_file, args, "livez (again)", proc.pid)]
        report["runs"] = runs
        report["loadavg_after"] = os.getloadavg()
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass
        log.close()
        print("[gunicorn] stopped", flush=True)

    livez = (runs[0]["rps"] + runs[2]["rps"]) / 2
    search = runs[1]["rps"]
    ratio = search / livez
    report.update(livez_rps=livez, search_rps=search, ratio=ratio, ratio_vs_first_livez=search / runs[0]["rps"])
    print()
    print("| endpoint | req/s | p50 ms | p90 ms | p99 ms | non-2xx | socket errors | worker CPU ms/request | load avg after |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in runs:
        print(f"| {r['label']} | {r['rps']:.0f} | {r['p50_us'] / 1000:.2f} | {r['p90_us'] / 1000:.2f} | "
              f"{r['p99_us'] / 1000:.2f} | {r['non_2xx']} | {r['socket_errors']} | {r['cpu_ms_per_request']:.2f} | "
              f"{' / '.join(f'{x:.1f}' for x in r['loadavg_after'])} |")
    print()
    print(f"search_rps / livez_rps = {search:.0f} / {livez:.0f} = {ratio:.3f}  "
          f"(target >= 0.3: {'PASS' if ratio >= 0.3 else 'FAIL'}; prototype 0.076)")
    (OUT / f"http_{name}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
