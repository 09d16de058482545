"""Screening answers (red flags, cautions, the seeker's own words) serve the search they
belong to and are stored nowhere: no table but the anonymous urgent count changes, and
the session cookie does not carry them."""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.search.models import UrgentOutcome
from tests.builders import login, make_user

MARKER = "zebracrossing"  # a word no table could hold by chance


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, as text, so a change anywhere shows."""
    db.session.expire_all()
    out = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        out[table.name] = sorted(tuple(str(v) for v in row) for row in rows)
    return out


def _session_cookie(client, app) -> dict:  # noqa: ANN001
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        return {}
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    return dict(serializer.loads(cookie.value))


def test_a_screened_search_stores_nothing_but_the_anonymous_urgent_count(app, client):
    seeker = make_user("seeker")
    login(client, seeker)
    client.get("/")  # settle what signing in writes (e.g. the CSRF token) before the snapshot
    before = _snapshot()
    session_before = set(_session_cookie(client, app))

    words = f"sciatica after a fall, {MARKER}, and I have a fever"
    page = client.get("/search", query_string={
        "q": words, "near": "Bengaluru", "red_flags": ["fever", "saddle-numbness"],
        "cautions": ["pregnancy", "bleeding-risk"]})
    assert page.status_code == 200
    api = client.get("/api/v1/search", query_string={
        "q": words, "near": "Bengaluru", "cautions": ["pacemaker"], "no_red_flags": "true"})
    assert api.status_code == 200
    urgent = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Bengaluru",
                                                        "red_flags": "leg-weakness", "cautions": "implant"})
    assert urgent.status_code == 200 and urgent.get_json()["urgent"] is True

    after = _snapshot()
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"urgent_outcome"}
    # Only counts per day and flag: no words, no cautions, no person.
    assert {r.red_flag for r in db.session.scalars(select(UrgentOutcome))} <= {
        "fever", "saddle-numbness", "leg-weakness"}
    assert MARKER not in str(after)
    cookie = _session_cookie(client, app)
    assert set(cookie) == session_before
    for answer in (MARKER, "pregnancy", "bleeding-risk", "pacemaker", "implant", "fever", "leg-weakness"):
        assert answer not in str(cookie)
