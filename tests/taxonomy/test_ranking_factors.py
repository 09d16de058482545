"""Ranking factors: how much distance, price, a declared concern and the rest count next to
fit, as admins set them on the page or through the API. A change reaches the very next
search; every factor keeps its range, and together the extras always count less than fit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Role
from marketplace.audit.models import AuditEntry
from marketplace.extensions import db
from marketplace.matching.scoring import DEFAULT_WEIGHTS
from marketplace.taxonomy.matching import current_weights, matching_version
from marketplace.taxonomy.models import RankingFactor
from tests.builders import login, make_user, make_verified_practitioner
from tests.pages.helpers import post, text

LONDON = (51.5074, -0.1278)


@pytest.fixture
def two(app):
    """A physiotherapist (the best fit for sciatica) about 6 km north of the seeker, and an
    acupuncturist (a good fit) round the corner."""
    far = make_verified_practitioner(app, display_name="Far Physio", modalities=("physiotherapy",),
                                     lat=LONDON[0] + 0.054, lon=LONDON[1], city="London")
    near = make_verified_practitioner(app, display_name="Near Acupuncturist", modalities=("acupuncture",),
                                      lat=LONDON[0] + 0.0027, lon=LONDON[1], city="London")
    return far, near


def _order(client) -> list[str]:
    body = client.get("/api/v1/search", query_string={"concern": "sciatica", "lat": LONDON[0], "lon": LONDON[1],
                                                       "mode": "in_person"}).get_json()
    return [r["practitioner"]["display_name"] for r in body["results"]]


def _put(client, headers, name, value):
    return client.put(f"/api/v1/admin/ranking-factors/{name}", headers=headers, json={"value": value})


def test_admins_weigh_nearness_more_and_the_next_search_ranks_with_it(client, admin, admin_headers, two):
    assert _order(client) == ["Far Physio", "Near Acupuncturist"]  # fit first, by default
    before = matching_version()
    for name, value in (("caution_preference", 0), ("distance", 0.5), ("distance_half_km", 2)):
        response = _put(client, admin_headers, name, value)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["value"] == value and response.get_json()["changed"] is True
    assert matching_version() == before + 3
    assert _order(client) == ["Near Acupuncturist", "Far Physio"]
    weights = current_weights()
    assert (weights.distance, weights.distance_half_km, weights.caution_preference) == (0.5, 2.0, 0.0)
    assert weights.price == DEFAULT_WEIGHTS.price  # the rest as packaged

    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "matching.ranking.set")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.actor_id, e.details["factor"], e.details["value"], e.details["previous"]) for e in entries] == [
        (admin.id, "caution_preference", 0, 0.15), (admin.id, "distance", 0.5, 0.3),
        (admin.id, "distance_half_km", 2, 8.0)]

    # Back to the defaults: the ranking is as before, and nothing is stored.
    for name in ("distance", "distance_half_km", "caution_preference"):
        response = client.delete(f"/api/v1/admin/ranking-factors/{name}", headers=admin_headers)
        assert response.status_code == 200 and response.get_json()["changed"] is False
    assert _order(client) == ["Far Physio", "Near Acupuncturist"]
    assert db.session.scalars(select(RankingFactor)).all() == []


def test_the_list_says_each_factor_its_range_and_default(client, admin_headers):
    body = client.get("/api/v1/admin/ranking-factors", headers=admin_headers).get_json()
    by_name = {f["name"]: f for f in body["items"]}
    assert by_name["distance_half_km"] | {"description": ""} == {
        "name": "distance_half_km", "label": "Half-distance", "description": "", "value": 8.0, "default": 8.0,
        "changed": False, "min": 1.0, "max": 100.0, "unit": "km"}
    assert list(by_name)[0] == "relevance" and body["version"] == matching_version()


@pytest.mark.parametrize("name, value, says", [
    ("distance", 2.5, "from 0 to 2"),
    ("distance_half_km", 0, "from 1 to 100 km"),
    ("relevance", -1, "from 0.1 to 5"),
    # The extras together (declared .15, distance, price .05, language .1, caution .15) must
    # stay below fit (1): nearness at .6 would let a near practitioner who does not fit
    # outrank one who fits fully.
    ("distance", 0.6, "must count more than the extras together (now 1 against 1.05)"),
    ("relevance", 0.7, "now 0.7 against 0.75"),
])
def test_a_value_out_of_range_or_above_fit_is_a_400_naming_value(client, admin_headers, name, value, says):
    before = matching_version()
    response = _put(client, admin_headers, name, value)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert any(says in m for m in response.get_json()["errors"]["value"]), response.get_json()
    assert matching_version() == before and current_weights() == DEFAULT_WEIGHTS


def test_an_unknown_factor_is_a_404(client, admin_headers):
    assert _put(client, admin_headers, "charisma", 1).status_code == 404
    assert client.delete("/api/v1/admin/ranking-factors/charisma", headers=admin_headers).status_code == 404


def test_putting_a_factor_back_cannot_break_the_rule_either(client, admin_headers):
    """Fit raised to 2 lets nearness reach 1.5; fit cannot then go back to 1 before
    nearness does, and the problem says why."""
    assert _put(client, admin_headers, "relevance", 2).status_code == 200
    assert _put(client, admin_headers, "distance", 1.5).status_code == 200
    response = client.delete("/api/v1/admin/ranking-factors/relevance", headers=admin_headers)
    assert response.status_code == 400 and "now 1 against 1.95" in response.get_json()["errors"]["value"][0]
    assert current_weights().relevance == 2.0


@pytest.mark.parametrize("role", [Role.SEEKER, Role.PRACTITIONER])
def test_only_admins_see_or_change_the_factors(client, role):
    login(client, make_user(role))
    assert client.get("/admin/matching/ranking").status_code == 403
    assert post(client, "/admin/matching/ranking", {"factor": "distance", "value": "0.1"}).status_code == 403
    assert current_weights() == DEFAULT_WEIGHTS


# --- the page ----------------------------------------------------------------------------------

def test_the_page_lists_the_factors_and_saves_one(admin_client, two):
    page = text(admin_client.get("/admin/matching/ranking"))
    assert "Ranking factors" in page and "Half-distance" in page and "Online from another country" in page
    assert "extras together 0.75" in page

    response = post(admin_client, "/admin/matching/ranking", {"factor": "price", "value": "0.2"},
                    follow_redirects=True)
    page = text(response)
    assert "Price now counts 0.2." in page and "Changed" in page and "extras together 0.9" in page
    assert current_weights().price == 0.2

    response = post(admin_client, "/admin/matching/ranking/price/reset", follow_redirects=True)
    assert "Back to the default, 0.05." in text(response) and current_weights().price == 0.05

    # The audit log lists both, linked to the factor, with what it was and became.
    log = text(admin_client.get("/admin/audit?subject_type=ranking"))
    assert log.count('href="/admin/matching/ranking#factor-price"') == 2
    assert "0.05 → 0.2" in log and "0.2 → 0.05" in log


def test_the_page_shows_a_refused_value_on_its_row(admin_client):
    response = post(admin_client, "/admin/matching/ranking", {"factor": "distance", "value": "0.9"})
    assert response.status_code == 200
    page = text(response)
    assert 'id="value-distance" name="value"' in page and 'value="0.9"' in page and 'aria-invalid="true"' in page
    assert "must count more than the extras together" in page
    assert current_weights() == DEFAULT_WEIGHTS

    response = post(admin_client, "/admin/matching/ranking", {"factor": "language", "value": ""})
    assert response.status_code == 200 and "Give a number." in text(response)


# --- two admins at once -----------------------------------------------------------------------

def _behind_the_sessions_back(sql: str) -> None:
    """What another admin's request commits between this one's read and its write: a
    statement on the same connection that the ORM's objects know nothing about."""
    from sqlalchemy import text as sql_text

    db.session.connection().execute(sql_text(sql))


def test_changing_a_factor_another_admin_just_reset_is_a_409_to_retry(app, admin, monkeypatch):
    from marketplace.core.errors import Conflict
    from marketplace.taxonomy import ranking

    ranking.set_factor("price", 0.2, admin)
    db.session.commit()
    real_stored = ranking._stored

    def raced():
        rows = real_stored()
        _behind_the_sessions_back("DELETE FROM ranking_factor WHERE name = 'price'")
        return rows

    monkeypatch.setattr(ranking, "_stored", raced)
    with pytest.raises(Conflict, match="try again"):
        ranking.set_factor("price", 0.25, admin)
    monkeypatch.undo()
    assert ranking.set_factor("price", 0.25, admin) == 0.25  # the retry works


def test_resetting_a_factor_another_admin_just_reset_changes_nothing_more(app, admin, monkeypatch):
    from marketplace.taxonomy import ranking

    ranking.set_factor("price", 0.2, admin)
    db.session.commit()
    version = matching_version()
    real = ranking.delete_or_gone

    def raced(row):
        _behind_the_sessions_back("DELETE FROM ranking_factor WHERE name = 'price'")
        return real(row)

    monkeypatch.setattr(ranking, "delete_or_gone", raced)
    assert ranking.reset_factor("price", admin) == DEFAULT_WEIGHTS.price  # what both admins wanted
    db.session.commit()
    assert db.session.get(RankingFactor, "price") is None
    assert matching_version() == version
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "matching.ranking.reset")).all() == []
