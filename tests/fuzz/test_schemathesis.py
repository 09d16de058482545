"""The JSON API under hostile input: schemathesis (the CLI, from PyPI) fuzzes every
operation in ``/api/v1/openapi.json`` against the running app, once per role.

Which checks, and why these: the promise is "0 server errors and 0 responses that break
the schema", so the run uses

* ``not_a_server_error``: no input may produce a 5xx;
* ``status_code_conformance``: every status the API answers is one the document lists
  for that operation (an undocumented 404 or 409 is a broken contract for a client);
* ``content_type_conformance``: the body is the media type documented for that status
  (``application/json`` for success, ``application/problem+json`` for errors);
* ``response_schema_conformance``: the body validates against the documented schema.

Checks that judge the *inputs* (``negative_data_rejection``, ``positive_data_acceptance``)
are left out: they test schemathesis' idea of which generated values are valid, which
differs from ours wherever a rule lives in the code rather than in the JSON Schema (a
slug that does not exist, a slot that is taken), and they are not part of the promise.

Operations left out, so the later roles still have a working account and the run
stays meaningful:

* ``DELETE /api/v1/me`` (``delete_me``): it would delete the role's own account;
* ``POST /webhooks/stripe`` is not in the API document, so it is never fuzzed here
  (its signature check has its own tests in ``tests/payments``).

There is no token-revocation call. Payment operations reach Stripe: the app is pointed
at the local Stripe (``tests/stripe_local.py``), so nothing leaves 127.0.0.1.

Each role gets its own freshly seeded database. The app is served by werkzeug on a free
127.0.0.1 port in a thread and stopped at the end; the schemathesis CLI runs in a
subprocess, and its report is attached to the failure message.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.fuzz.seed import accounts, seed
from tests.stripe_local import configure, stripe_keys, stripe_server  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
EXCLUDED_OPERATIONS = ("delete_me",)
MAX_EXAMPLES = int(os.environ.get("MARKETPLACE_FUZZ_EXAMPLES", "15"))
ROLES = ("anonymous", "seeker", "practitioner", "admin")


@pytest.fixture
def live_api(app: Flask, stripe_server: str, stripe_keys: dict[str, str], tmp_path: Path) -> Iterator[str]:  # noqa: F811
    """The seeded app on 127.0.0.1:<free port>, one request at a time; yields its origin."""
    configure(app, stripe_server, stripe_keys)
    seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, name="fuzz-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def _token(app: Flask, role: str) -> str:
    account = accounts()[role]
    response = app.test_client().post("/api/v1/auth/tokens", json={"email": account.email, "password": account.password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def _schemathesis(origin: str, headers: list[str], workdir: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{origin}/api/v1/openapi.json",
        "--checks", CHECKS,
        "--phases", "examples,fuzzing",
        "--max-examples", str(MAX_EXAMPLES),
        "--workers", "1",
        "--seed", os.environ.get("MARKETPLACE_FUZZ_SEED", "20260325"),
        "--generation-database", "none",
        "--request-timeout", "30",
        "--no-color",
        "--suppress-health-check", "all",
        *[arg for name in EXCLUDED_OPERATIONS for arg in ("--exclude-operation-id", name)],
        *[arg for header in headers for arg in ("-H", header)],
    ]
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
    return subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.parametrize("role", ROLES)
def test_no_input_breaks_the_api(app: Flask, live_api: str, tmp_path: Path, role: str) -> None:
    """0 server errors, 0 responses outside the documented statuses, media types and
    schemas, for each role on its own freshly seeded database."""
    headers = [] if role == "anonymous" else [f"Authorization: Bearer {_token(app, role)}"]
    result = _schemathesis(live_api, headers, tmp_path)
    assert result.returncode == 0, (f"schemathesis as {role}: exit {result.returncode}\n"
                                    f"{result.stdout[-30000:]}\n{result.stderr[-4000:]}")
