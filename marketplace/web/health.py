"""``GET /healthz``: is the database answering?"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from marketplace.extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():  # noqa: ANN201
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - health reports, never raises
        log.warning("health check: database unreachable", exc_info=True)
        db.session.rollback()
        database = "unavailable"
    # Always 200: the process is alive; the body says what it depends on is doing.
    return jsonify({"status": "ok" if database == "ok" else "degraded", "database": database}), 200


@bp.get("/livez")
def livez():  # noqa: ANN201
    """Liveness only (no database): for load balancers, and the benchmarks' baseline."""
    return jsonify({"status": "ok"})
