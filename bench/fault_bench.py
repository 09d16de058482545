#!/usr/bin/env python
"""PostgreSQL restarted under load: does the service recover by itself, and is any booking
or order lost or duplicated?

It starts, on 127.0.0.1 and free ports, everything it needs and nothing shared:

* its own PostgreSQL cluster (``initdb`` into a temporary directory; as root the cluster
  runs as the ``postgres`` user through ``runuser``, since initdb refuses root);
* the local Stripe (``python -m devtools.stripe_local``);
* ``gunicorn -c gunicorn.conf.py wsgi:app`` in production mode (2 sync workers) on a
  database seeded with ``flask seed demo`` (verified practitioners with weekly hours).

Then seekers (one thread each, bearer tokens) hold open slots (``POST /api/v1/bookings``),
order them (``POST /api/v1/orders``, sent twice like a double click), and search, while
PostgreSQL is stopped (``pg_ctl stop -m fast``) a third of the way in and started again
``--outage`` seconds later (0: ``pg_ctl restart -m fast``). gunicorn is never restarted.
Orders whose request failed are retried once at the end, as a seeker would.

Afterwards it checks, in the database and in the local Stripe:

* every 201 booking and order is exactly one row (same ids, same seeker), and no two 201s
  name the same booking;
* no practitioner has two occupying bookings that overlap;
* one order per booking, the double click got the same order, one PaymentIntent per order;
* requests during the outage failed cleanly (a status, problem+json, within the client's
  timeout), and requests succeed again after the restart without touching gunicorn.

It prints a summary and writes ``bench/out/fault_<stamp>.json``; everything it started is
stopped and the cluster deleted, also on Ctrl-C or failure.

    .venv/bin/python bench/fault_bench.py                    # 45 s, outage of 5 s at 15 s
    .venv/bin/python bench/fault_bench.py --outage 0         # a plain `pg_ctl restart -m fast`
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from http_bench import free_port, wait_ready  # noqa: E402
from load_bench import code_version, stop  # noqa: E402

PASSWORD = "fault-bench-password-2026"
CITIES = ["London", "Manchester", "Bengaluru", "Mumbai", "Delhi", "New York City", "San Francisco"]
CONCERNS = ["chronic-low-back-pain", "back-spasm", "neck-shoulder-tension", "upper-back-pain"]


# --- Our own PostgreSQL ---------------------------------------------------------------------

def pg_bindir() -> Path:
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        if (Path(out) / "initdb").exists():
            return Path(out)
    except (OSError, subprocess.CalledProcessError):
        pass
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("no PostgreSQL binaries (initdb): install postgresql or put pg_config on PATH")
    return Path(found[-1]).parent


class Cluster:
    """A throw-away PostgreSQL on 127.0.0.1:<port>, trust auth, data in a temp dir."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.bindir = pg_bindir()
        self.dir = Path(tempfile.mkdtemp(prefix="marketplace-faultpg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        # initdb and postgres refuse to run as root: run them as the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")
        self.started = False

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *args], capture_output=True, text=True, check=check, timeout=120)

    def init_and_start(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--no-sync")
        self.start()
        self.started = True

    def _opts(self) -> list[str]:
        # -l on every start: without it the postmaster keeps pg_ctl's stdout, our pipe, open.
        return ["-l", str(self.log), "-o", f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                f"-c unix_socket_directories={self.dir} -c max_connections=40"]

    def start(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), *self._opts(), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), *self._opts(), "-m", "fast", "-w", "restart")

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def dsn(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def destroy(self) -> None:
        if self.started:
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


# --- HTTP client ------------------------------------------------------------------------------

@dataclass
class Call:
    """One request as the client saw it (times in seconds since the load started)."""

    kind: str
    started: float
    seconds: float
    status: int  # 0: no answer (connection refused, reset, or the client's timeout)
    problem_json: bool = False
    body: dict = field(default_factory=dict)
    error: str = ""
    seeker: int = -1


class Client:
    def __init__(self, base: str, timeout: float, t0: float) -> None:
        self.base = base
        self.timeout = timeout
        self.t0 = t0

    def send(self, kind: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> Call:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        started = time.monotonic()
        status, ctype, raw, error = 0, "", b"", ""
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                status, ctype, raw = r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as exc:
            status, ctype, raw = exc.code, exc.headers.get("Content-Type", ""), exc.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            error = type(exc).__name__ + ": " + str(getattr(exc, "reason", exc))[:120]
        elapsed = time.monotonic() - started
        parsed: dict = {}
        if raw and "json" in ctype:
            try:
                parsed = json.loads(raw)
            except ValueError:
                pass
        return Call(kind, started - self.t0, elapsed, status, "problem+json" in ctype, parsed, error)


# --- Set-up ---------------------------------------------------------------------------------

def seekers(client: Client, count: int) -> list[str]:
    tokens = []
    for i in range(count):
        email = f"fault-seeker-{i}-{secrets.token_hex(3)}@example.com"
        r = client.send("register", "POST", "/api/v1/auth/register",
                        {"email": email, "password": PASSWORD, "role": "seeker"})
        if r.status != 201:
            raise RuntimeError(f"register: {r.status} {r.body or r.error}")
        r = client.send("token", "POST", "/api/v1/auth/tokens", {"email": email, "password": PASSWORD})
        if r.status != 201:
            raise RuntimeError(f"token: {r.status} {r.body or r.error}")
        tokens.append(r.body["token"])
    return tokens


def open_slots(client: Client, dsn: str) -> list[dict]:
    """Every open slot of every practitioner with weekly hours (404s: not visible)."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        ids = [row[0] for row in conn.execute("SELECT DISTINCT practitioner_id FROM weekly_hours ORDER BY 1")]
    slots = []
    for pid in ids:
        r = client.send("slots", "GET", f"/api/v1/practitioners/{pid}/slots")
        if r.status != 200:
            continue
        for slot in r.body.get("slots", []):
            place = {"online": True} if slot["online"] else {"location_id": slot["location_id"]}
            slots.append({"practitioner_id": pid, "start": slot["start"], "fee_label": r.body.get("fee_label"),
                          **place})
    return slots


# --- The load -------------------------------------------------------------------------------

def seeker_loop(client: Client, seeker: int, token: str, slots: list[dict], hot: list[dict], stop_at: float,
                calls: list[Call], retry: list[tuple[int, int, str]], lock: threading.Lock, seed: int) -> None:
    """Hold a slot (30 % from a small hot set, so seekers race), order it twice, search."""
    rng = random.Random(seed)
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        slot = rng.choice(hot if rng.random() < 0.3 else slots)
        booked = client.send("booking", "POST", "/api/v1/bookings", slot, token)
        mine = [booked]
        if booked.status == 201:
            booking_id = booked.body["id"]
            for attempt in ("order", "order (double click)"):
                ordered = client.send(attempt, "POST", "/api/v1/orders", {"booking_id": booking_id}, token)
                ordered.body = {"booking_id": booking_id, **ordered.body}
                mine.append(ordered)
            if not any(c.status == 201 for c in mine[1:]):
                with lock:
                    retry.append((seeker, booking_id, token))
        if n % 2 == 0:
            city, concern = rng.choice(CITIES), rng.choice(CONCERNS)
            mine.append(client.send("search", "GET", f"/api/v1/search?concern={concern}&near="
                                    f"{urllib.request.quote(city)}&mode=any&radius_km=50"))
        for c in mine:
            c.seeker = seeker
            if c.kind == "booking" and c.status == 201:
                c.body = {"id": c.body["id"], "practitioner_id": c.body.get("practitioner_id")}
            elif c.kind == "search" and c.status == 200:
                c.body = {"total": c.body.get("total")}
            elif c.kind.startswith("order") and c.status == 201:
                c.body = {"id": c.body.get("id"), "booking_id": c.body.get("booking_id"),
                          "payment_intent_id": (c.body.get("payment") or {}).get("payment_intent_id")}
        with lock:
            calls.extend(mine)
        time.sleep(rng.uniform(0.0, 0.05))


def fault(cluster: Cluster, at: float, outage: float, t0: float, timeline: dict) -> None:
    time.sleep(max(0.0, t0 + at - time.monotonic()))
    timeline["db_down_at"] = round(time.monotonic() - t0, 2)
    if outage <= 0:
        cluster.restart()
    else:
        cluster.stop("fast")
        timeline["db_stopped_at"] = round(time.monotonic() - t0, 2)
        time.sleep(outage)
        cluster.start()
    timeline["db_up_at"] = round(time.monotonic() - t0, 2)


# --- Verification ----------------------------------------------------------------------------

def verify(calls: list[Call], dsn: str, stripe_base: str, stripe_key: str) -> dict:
    import psycopg

    findings: dict[str, Any] = {}
    acked = [c for c in calls if c.kind == "booking" and c.status == 201]
    acked_ids = [c.body["id"] for c in acked]
    findings["bookings_acknowledged"] = len(acked_ids)
    findings["bookings_acknowledged_twice"] = len(acked_ids) - len(set(acked_ids))
    orders_ok = [c for c in calls if c.kind.startswith("order") and c.status == 201]
    with psycopg.connect(dsn) as conn:
        rows = {r[0]: r for r in conn.execute(
            "SELECT b.id, u.email, b.practitioner_id, b.status FROM booking b JOIN \"user\" u ON u.id = b.seeker_id "
            "WHERE u.email LIKE 'fault-seeker-%'")}
        findings["bookings_in_db"] = len(rows)
        findings["acknowledged_bookings_missing"] = sorted(set(acked_ids) - set(rows))
        findings["bookings_in_db_never_acknowledged"] = sorted(set(rows) - set(acked_ids))
        findings["overlapping_occupying_bookings"] = conn.execute(
            "SELECT count(*) FROM booking a JOIN booking b ON a.practitioner_id = b.practitioner_id AND a.id < b.id "
            "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at "
            "WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed') "
            "AND (a.status <> 'held' OR a.hold_expires_at > now()) "
            "AND (b.status <> 'held' OR b.hold_expires_at > now())").fetchone()[0]
        orders = {r[0]: r for r in conn.execute(
            "SELECT o.id, o.booking_id, o.stripe_payment_intent_id FROM \"order\" o JOIN booking b ON b.id = o.booking_id "
            "JOIN \"user\" u ON u.id = b.seeker_id WHERE u.email LIKE 'fault-seeker-%'")}
    findings["orders_in_db"] = len(orders)
    per_booking: dict[int, set[int]] = {}
    for c in orders_ok:
        per_booking.setdefault(c.body["booking_id"], set()).add(c.body["id"])
    findings["bookings_with_two_order_ids_answered"] = sorted(b for b, ids in per_booking.items() if len(ids) > 1)
    findings["acknowledged_orders_missing"] = sorted({c.body["id"] for c in orders_ok} - set(orders))
    findings["orders_with_wrong_booking"] = sorted(c.body["id"] for c in orders_ok
                                                  if c.body["id"] in orders and orders[c.body["id"]][1] != c.body["booking_id"])
    findings["orders_in_db_never_acknowledged"] = sorted(set(orders) - {c.body["id"] for c in orders_ok})
    findings["acknowledged_bookings_without_order"] = sorted(set(acked_ids) - {o[1] for o in orders.values()})
    findings["orders_without_payment_intent"] = sorted(o[0] for o in orders.values() if not o[2])
    findings["payment_intents_per_order_over_1"] = intents_per_order(stripe_base, stripe_key, set(orders))
    return findings


def intents_per_order(stripe_base: str, stripe_key: str, order_ids: set[int]) -> dict[str, int]:
    """Orders for which the local Stripe holds more than one PaymentIntent (a double charge)."""
    import stripe

    sdk = stripe.StripeClient(stripe_key, base_addresses={"api": stripe_base})
    counts: dict[str, int] = {}
    for intent in sdk.v1.payment_intents.list({"limit": 100}).auto_paging_iter():
        order_id = (intent.to_dict().get("metadata") or {}).get("order_id")
        if order_id and int(order_id) in order_ids:
            counts[order_id] = counts.get(order_id, 0) + 1
    return {k: v for k, v in counts.items() if v > 1}


def phases(calls: list[Call], timeline: dict, timeout: float) -> dict:
    """Outcomes before, during and after the outage (by when each request started)."""
    down, up = timeline["db_down_at"], timeline["db_up_at"]
    out: dict[str, Any] = {}
    for name, keep in (("before", lambda c: c.started + c.seconds < down),
                       ("during", lambda c: c.started < up and c.started + c.seconds >= down),
                       ("after", lambda c: c.started >= up)):
        chosen = [c for c in calls if keep(c)]
        statuses: dict[str, int] = {}
        for c in chosen:
            key = f"{c.kind} {c.status or c.error.split(':')[0]}"
            statuses[key] = statuses.get(key, 0) + 1
        failed = [c for c in chosen if c.status >= 500 or c.status == 0]
        out[name] = {"requests": len(chosen), "outcomes": dict(sorted(statuses.items())),
                     "failed_5xx_or_no_answer": len(failed),
                     "failed_with_problem_json": sum(1 for c in failed if c.problem_json),
                     "max_seconds": round(max((c.seconds for c in chosen), default=0.0), 3),
                     "over_client_timeout": sum(1 for c in chosen if c.seconds >= timeout)}
    after = sorted((c for c in calls if c.started >= up), key=lambda c: c.started)
    first_ok = next((c for c in after if c.status in (200, 201)), None)
    out["first_success_after_db_up_s"] = round(first_ok.started + first_ok.seconds - up, 3) if first_ok else None
    late = [c for c in after if c.started >= up + 2.0]
    out["after_plus_2s_5xx_or_no_answer"] = sum(1 for c in late if c.status >= 500 or c.status == 0)
    out["after_plus_2s_requests"] = len(late)
    return out


# --- Main -----------------------------------------------------------------------------------

def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=45.0, help="seconds of load")
    parser.add_argument("--fault-at", type=float, default=None, help="when PostgreSQL goes down (default: duration/3)")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds PostgreSQL stays down (0: pg_ctl restart)")
    parser.add_argument("--seekers", type=int, default=6, help="client threads, one seeker account each")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=15.0, help="the client's per-request timeout, seconds")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _interrupt)

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    report: dict[str, Any] = {"started_at": stamp, "code": code_version(), "args": vars(args),
                              "loadavg_before": os.getloadavg()}
    cluster = Cluster(free_port())
    procs: list[subprocess.Popen] = []
    logs = []
    try:
        print(f"[postgres] initdb + start on 127.0.0.1:{cluster.port} ({cluster.bindir})", flush=True)
        cluster.init_and_start()
        import psycopg

        with psycopg.connect(cluster.dsn("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE marketplace")
        url = cluster.url("marketplace")
        files = cluster.dir / "files"
        cli_env = dict(os.environ, DATABASE_URL=url, MARKETPLACE_ENV="development", UPLOAD_FOLDER=str(files / "up"),
                       OUTBOX_FOLDER=str(files / "outbox"))
        for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "JOBS_BACKEND"):
            cli_env.pop(name, None)
        flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=cli_env, check=True, capture_output=True)
        seeded = subprocess.run([*flask, "seed", "demo"], cwd=ROOT, env=cli_env, check=True, capture_output=True,
                                text=True)
        print(f"[seed] {seeded.stdout.splitlines()[0]}", flush=True)

        stripe_port = free_port()
        stripe_base = f"http://127.0.0.1:{stripe_port}"
        logs.append(open(OUT / f"fault_stripe_{stamp}.log", "w"))  # noqa: SIM115
        procs.append(subprocess.Popen([sys.executable, "-m", "devtools.stripe_local", "--host", "127.0.0.1",
                                       "--port", str(stripe_port)], cwd=ROOT, stdout=logs[-1],
                                      stderr=subprocess.STDOUT, start_new_session=True))
        from devtools.stripe_local.register import wait_until_up

        wait_until_up(stripe_base, timeout=30)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        stripe_key = "sk_test_" + secrets.token_hex(12)
        env = dict(cli_env, MARKETPLACE_ENV="production", SECRET_KEY=secrets.token_hex(32),
                   STRIPE_SECRET_KEY=stripe_key, STRIPE_PUBLISHABLE_KEY="pk_test_" + secrets.token_hex(12),
                   STRIPE_WEBHOOK_SECRET="whsec_" + secrets.token_hex(16), STRIPE_API_BASE=stripe_base,
                   STRIPE_TIMEOUT_SECONDS="5", MAIL_BACKEND="outbox",
                   # One client IP registers the seekers and sends everything: limits would
                   # measure themselves. Production keeps them on, per client.
                   RATELIMIT_ENABLED="false", LOG_LEVEL="WARNING",
                   GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(args.workers), GUNICORN_TIMEOUT="30")
        logs.append(open(OUT / f"fault_gunicorn_{stamp}.log", "w"))  # noqa: SIM115
        procs.append(subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py",
                                       "wsgi:app"], cwd=ROOT, env=env, stdout=logs[-1], stderr=subprocess.STDOUT,
                                      start_new_session=True))
        wait_ready(base, procs[-1])
        gunicorn_pid = procs[-1].pid
        print(f"[gunicorn] production, {args.workers} workers on {base}; local Stripe on {stripe_base}", flush=True)

        setup = Client(base, args.timeout, time.monotonic())
        tokens = seekers(setup, args.seekers)
        slots = open_slots(setup, cluster.dsn("marketplace"))
        if not slots:
            raise RuntimeError("no open slots: did `flask seed demo` give anyone weekly hours?")
        rng = random.Random(5)
        hot = rng.sample(slots, min(len(slots), 12))
        print(f"[set-up] {len(tokens)} seekers, {len(slots)} open slots ({len(hot)} hot)", flush=True)

        t0 = time.monotonic()
        client = Client(base, args.timeout, t0)
        calls: list[Call] = []
        retry: list[tuple[int, int, str]] = []
        lock = threading.Lock()
        timeline: dict[str, Any] = {}
        stop_at = t0 + args.duration
        fault_at = args.duration / 3 if args.fault_at is None else args.fault_at
        threads = [threading.Thread(target=seeker_loop, args=(client, i, tok, slots, hot, stop_at, calls, retry,
                                                              lock, 100 + i), daemon=True)
                   for i, tok in enumerate(tokens)]
        threads.append(threading.Thread(target=fault, args=(cluster, fault_at, args.outage, t0, timeline),
                                        daemon=True))
        print(f"[load] {args.duration:.0f} s; PostgreSQL down at {fault_at:.0f} s for {args.outage:.0f} s", flush=True)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        timeline["load_ended_at"] = round(time.monotonic() - t0, 2)
        # A seeker whose order failed tries again (same booking): still one order.
        for seeker, booking_id, token in retry:
            again = client.send("order (retry after outage)", "POST", "/api/v1/orders", {"booking_id": booking_id},
                                token)
            again.seeker = seeker
            again.body = {"booking_id": booking_id, "id": again.body.get("id"),
                          "payment_intent_id": (again.body.get("payment") or {}).get("payment_intent_id"),
                          "detail": again.body.get("detail")}
            calls.append(again)
        report["gunicorn_master_same_pid"] = procs[-1].poll() is None and procs[-1].pid == gunicorn_pid
        report["timeline"] = timeline
        report["phases"] = phases(calls, timeline, args.timeout)
        report["verify"] = verify(calls, cluster.dsn("marketplace"), stripe_base, stripe_key)
        report["retries"] = {"orders_retried": len(retry),
                             "outcomes": _count(c.status for c in calls if c.kind == "order (retry after outage)")}
        report["errors_seen"] = _examples(calls)
        report["loadavg_after"] = os.getloadavg()
        report["calls"] = [asdict(c) for c in calls]
    finally:
        for proc in reversed(procs):
            stop(proc)
        for log in logs:
            log.close()
        if cluster.started:
            (OUT / f"fault_postgres_{stamp}.log").write_text(cluster.log.read_text() if cluster.log.exists() else "")
        cluster.destroy()
        print("[cleanup] gunicorn, local Stripe and the PostgreSQL cluster stopped; cluster removed", flush=True)

    path = OUT / f"fault_{stamp}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    print_summary(report)
    print(f"wrote {path}")


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[str(v)] = out.get(str(v), 0) + 1
    return out


def _examples(calls: list[Call]) -> list[dict]:
    """One example per (kind, status) of what failed, for the report."""
    seen: dict[tuple[str, int, str], dict] = {}
    for c in calls:
        if c.status >= 500 or c.status == 0:
            key = (c.kind, c.status, c.error.split(":")[0])
            seen.setdefault(key, {"kind": c.kind, "status": c.status, "error": c.error,
                                  "problem_json": c.problem_json,
                                  "title": c.body.get("title"), "detail": c.body.get("detail")})
    return list(seen.values())


def print_summary(report: dict) -> None:
    t, p, v = report["timeline"], report["phases"], report["verify"]
    print()
    print(f"PostgreSQL down at {t['db_down_at']} s, up at {t['db_up_at']} s; load ended at {t['load_ended_at']} s")
    print("| phase | requests | 5xx or no answer | of which problem+json | max s | over timeout |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in ("before", "during", "after"):
        ph = p[name]
        print(f"| {name} | {ph['requests']} | {ph['failed_5xx_or_no_answer']} | {ph['failed_with_problem_json']} | "
              f"{ph['max_seconds']} | {ph['over_client_timeout']} |")
    for name in ("before", "during", "after"):
        print(f"{name}: {p[name]['outcomes']}")
    print(f"first success {p['first_success_after_db_up_s']} s after PostgreSQL was back; "
          f"from 2 s after: {p['after_plus_2s_5xx_or_no_answer']} failures in {p['after_plus_2s_requests']} requests")
    print(f"gunicorn never restarted: {report['gunicorn_master_same_pid']}")
    print(f"orders retried after the outage: {report['retries']}")
    print("checks:")
    for key, value in v.items():
        print(f"  {key}: {value}")
    for example in report["errors_seen"]:
        print(f"  error seen: {example}")


if __name__ == "__main__":
    main()
