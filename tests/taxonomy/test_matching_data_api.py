"""The matching data in the JSON API: admins list, add and remove concern phrases, and
set or remove relevance weights; every edit is audited and reaches search at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Role
from marketplace.audit.models import AuditEntry
from marketplace.extensions import db
from marketplace.taxonomy.matching import current_matcher, current_relevance, matching_version
from marketplace.taxonomy.models import Concern
from tests.builders import bearer, make_user
from tests.test_openapi import _validator


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _problem(response, status: int = 400) -> dict:
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    return response.get_json()


# --- phrases --------------------------------------------------------------------------------

def test_admin_lists_a_concerns_phrases(client, admin_headers):
    response = client.get("/api/v1/admin/concerns/sciatica/phrases", headers=admin_headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["concern"] == "sciatica" and body["total"] == len(body["items"]) > 5
    assert {"text": "sciatica", "weight": 1.0, "concern": "sciatica"}.items() <= \
        next(i for i in body["items"] if i["text"] == "sciatica").items()
    weights = [i["weight"] for i in body["items"]]
    assert weights == sorted(weights, reverse=True)  # strongest first
    assert body["version"] == matching_version()


def test_adding_a_phrase_teaches_the_matcher(client, admin, admin_headers):
    assert not [m for m in current_matcher().match("tennis back") if m.slug == "sciatica"]
    version = matching_version()
    response = client.post("/api/v1/admin/concerns/sciatica/phrases", headers=admin_headers,
                           json={"text": "  Tennis   Back ", "weight": 0.9})
    assert response.status_code == 201
    body = response.get_json()
    assert body["text"] == "tennis back" and body["weight"] == 0.9 and body["concern"] == "sciatica"
    assert current_matcher().match("tennis back")[0].slug == "sciatica"
    assert matching_version() == version + 1
    (entry,) = _audit("matching.phrase.added")
    sciatica = db.session.scalar(select(Concern).where(Concern.slug == "sciatica"))
    assert entry.actor_id == admin.id and (entry.subject_type, entry.subject_id) == ("concern", sciatica.id)
    assert entry.details["text"] == "tennis back" and entry.details["phrase_id"] == body["id"]


def test_the_weight_defaults_to_one(client, admin_headers):
    response = client.post("/api/v1/admin/concerns/sciatica/phrases", headers=admin_headers, json={"text": "golf back"})
    assert response.status_code == 201 and response.get_json()["weight"] == 1.0


@pytest.mark.parametrize(("concern", "body", "field"), [
    ("sciatica", {"text": "sciatica"}, "text"),  # a default phrase already there
    ("sciatica", {"text": "SCIATICA "}, "text"),  # the same once normalised
    ("sciatica", {"text": "   "}, "text"),
    ("sciatica", {"text": "my the"}, "text"),  # only words the matcher ignores
    ("sciatica", {"text": "x" * 201}, "text"),
    ("sciatica", {"text": "tennis back", "weight": 1.5}, "weight"),
    ("sciatica", {"text": "tennis back", "weight": -0.1}, "weight"),
    ("sciatica", {"text": "tennis back", "weight": "heavy"}, "weight"),
    ("sciatica", {"text": "tennis back", "colour": "red"}, "colour"),
    ("no-such-concern", {"text": "tennis back"}, "concern"),
])
def test_bad_phrases_get_a_problem_naming_the_field(client, admin_headers, concern, body, field):
    version = matching_version()
    problem = _problem(client.post(f"/api/v1/admin/concerns/{concern}/phrases", headers=admin_headers, json=body))
    assert field in problem["errors"], problem
    assert matching_version() == version and not _audit("matching.phrase.added")


def test_listing_phrases_of_an_unknown_concern_is_bad_input(client, admin_headers):
    problem = _problem(client.get("/api/v1/admin/concerns/nope/phrases", headers=admin_headers))
    assert "concern" in problem["errors"]


def test_removing_a_phrase(client, admin_headers):
    added = client.post("/api/v1/admin/concerns/sciatica/phrases", headers=admin_headers,
                        json={"text": "tennis back"}).get_json()
    assert client.delete(f"/api/v1/admin/phrases/{added['id']}", headers=admin_headers).status_code == 204
    assert not [m for m in current_matcher().match("tennis back") if m.slug == "sciatica"]
    assert _audit("matching.phrase.removed")[0].details["text"] == "tennis back"
    _problem(client.delete(f"/api/v1/admin/phrases/{added['id']}", headers=admin_headers), 404)
    _problem(client.delete("/api/v1/admin/phrases/99999999999", headers=admin_headers), 404)


# --- relevance ------------------------------------------------------------------------------

def test_admin_lists_relevance_weights(client, admin_headers):
    body = client.get("/api/v1/admin/relevance?concern=sciatica", headers=admin_headers).get_json()
    weights = {i["term"]: i for i in body["items"]}
    assert weights["physiotherapy"]["weight"] == 0.9 and weights["physiotherapy"]["term_name"] == "Physiotherapy"
    assert {i["concern"] for i in body["items"]} == {"sciatica"} and body["total"] == len(body["items"])
    everything = client.get("/api/v1/admin/relevance", headers=admin_headers).get_json()
    assert everything["total"] > body["total"]
    problem = _problem(client.get("/api/v1/admin/relevance?concern=nope", headers=admin_headers))
    assert "concern" in problem["errors"]


def test_setting_a_weight_reaches_scoring(client, admin, admin_headers):
    response = client.put("/api/v1/admin/relevance", headers=admin_headers,
                          json={"concern": "sciatica", "term": "cupping", "weight": 0.65})
    assert response.status_code == 200
    assert response.get_json() | {"updated_at": None} == {
        "concern": "sciatica", "term": "cupping", "term_name": "Cupping therapy", "weight": 0.65, "updated_at": None}
    assert current_relevance()[("sciatica", "cupping")] == 0.65
    client.put("/api/v1/admin/relevance", headers=admin_headers,
               json={"concern": "sciatica", "term": "physiotherapy", "weight": 0.3})
    assert current_relevance()[("sciatica", "physiotherapy")] == 0.3
    entries = _audit("matching.relevance.set")
    assert len(entries) == 2 and entries[0].actor_id == admin.id
    assert {(e.details["term"], e.details["previous"]) for e in entries} == {("cupping", None), ("physiotherapy", 0.9)}
    # the same weight again changes nothing
    version = matching_version()
    again = client.put("/api/v1/admin/relevance", headers=admin_headers,
                       json={"concern": "sciatica", "term": "cupping", "weight": 0.65})
    assert again.status_code == 200 and matching_version() == version and len(_audit("matching.relevance.set")) == 2


@pytest.mark.parametrize(("body", "field"), [
    ({"concern": "nope", "term": "cupping", "weight": 0.5}, "concern"),
    ({"concern": "sciatica", "term": "astrology", "weight": 0.5}, "term"),
    ({"concern": "sciatica", "term": "cupping", "weight": 2}, "weight"),
    ({"concern": "sciatica", "term": "cupping", "weight": -1}, "weight"),
    ({"concern": "sciatica", "term": "cupping"}, "weight"),
    ({"concern": "sciatica", "weight": 0.5}, "term"),
])
def test_bad_weights_get_a_problem_naming_the_field(client, admin_headers, body, field):
    problem = _problem(client.put("/api/v1/admin/relevance", headers=admin_headers, json=body))
    assert field in problem["errors"], problem
    assert current_relevance().get(("sciatica", "cupping")) is None


def test_removing_a_weight(client, admin_headers):
    assert client.delete("/api/v1/admin/relevance/sciatica/physiotherapy", headers=admin_headers).status_code == 204
    assert ("sciatica", "physiotherapy") not in current_relevance()
    assert _audit("matching.relevance.removed")[0].details == {
        "concern": "sciatica", "term": "physiotherapy", "previous": 0.9, "version": matching_version()}
    _problem(client.delete("/api/v1/admin/relevance/sciatica/physiotherapy", headers=admin_headers), 404)
    assert "concern" in _problem(client.delete("/api/v1/admin/relevance/nope/physiotherapy",
                                               headers=admin_headers))["errors"]


# --- two admins removing the same entry at once ---------------------------------------------

def _removed_meanwhile(monkeypatch, sql: str) -> None:
    """Another admin's removal, committed between this request's read of the row and its
    DELETE: a statement on the same connection that the ORM's objects know nothing about."""
    from sqlalchemy import text as sql_text

    from marketplace.taxonomy import matching_data

    real = matching_data.delete_or_gone

    def raced(row):
        db.session.connection().execute(sql_text(sql))
        return real(row)

    monkeypatch.setattr(matching_data, "delete_or_gone", raced)


def test_a_phrase_another_admin_removed_a_moment_ago_is_a_404_with_one_audit_entry(client, admin_headers,
                                                                                   monkeypatch):
    added = client.post("/api/v1/admin/concerns/sciatica/phrases", headers=admin_headers,
                        json={"text": "tennis back"}).get_json()
    version = matching_version()
    _removed_meanwhile(monkeypatch, f"DELETE FROM concern_phrase WHERE id = {int(added['id'])}")
    problem = _problem(client.delete(f"/api/v1/admin/phrases/{added['id']}", headers=admin_headers), 404)
    assert "removed by someone else" in problem["detail"]
    assert _audit("matching.phrase.removed") == []  # the other admin's request audits its own removal
    assert matching_version() == version


def test_a_weight_another_admin_removed_a_moment_ago_is_a_404_with_one_audit_entry(client, admin_headers,
                                                                                   monkeypatch):
    version = matching_version()
    _removed_meanwhile(monkeypatch, "DELETE FROM relevance_weight WHERE term_slug = 'physiotherapy' AND concern_id = "
                                    "(SELECT id FROM concern WHERE slug = 'sciatica')")
    problem = _problem(client.delete("/api/v1/admin/relevance/sciatica/physiotherapy", headers=admin_headers), 404)
    assert "removed by someone else" in problem["detail"]
    assert _audit("matching.relevance.removed") == []
    assert matching_version() == version


def test_trying_the_matcher(client, admin_headers):
    client.post("/api/v1/admin/concerns/sciatica/phrases", headers=admin_headers, json={"text": "tennis back"})
    body = client.get("/api/v1/admin/matching/try?q=my+tennis+back", headers=admin_headers).get_json()
    assert body["matches"][0] | {"confidence": 1} == {"concern": "sciatica", "name": "Sciatica", "confidence": 1,
                                                       "phrase": "tennis back"}
    nothing = client.get("/api/v1/admin/matching/try?q=zzzz", headers=admin_headers).get_json()
    assert nothing["matches"] == [] and nothing["suggestions"]
    assert "q" in _problem(client.get("/api/v1/admin/matching/try", headers=admin_headers))["errors"]


# --- who may -------------------------------------------------------------------------------

CALLS = [
    ("get", "/api/v1/admin/concerns/sciatica/phrases", None),
    ("post", "/api/v1/admin/concerns/sciatica/phrases", {"text": "tennis back"}),
    ("delete", "/api/v1/admin/phrases/1", None),
    ("get", "/api/v1/admin/relevance", None),
    ("put", "/api/v1/admin/relevance", {"concern": "sciatica", "term": "cupping", "weight": 0.5}),
    ("delete", "/api/v1/admin/relevance/sciatica/physiotherapy", None),
    ("get", "/api/v1/admin/matching/try?q=back", None),
]


@pytest.mark.parametrize("role", [Role.SEEKER, Role.PRACTITIONER])
def test_other_roles_get_403_and_change_nothing(client, role):
    headers = bearer(client, make_user(role))
    version = matching_version()
    for method, url, body in CALLS:
        response = getattr(client, method)(url, headers=headers, json=body)
        assert response.status_code == 403, (method, url)
    assert matching_version() == version and current_relevance()[("sciatica", "physiotherapy")] == 0.9


def test_anonymous_callers_get_401(client):
    for method, url, body in CALLS:
        assert getattr(client, method)(url, json=body).status_code == 401, (method, url)


def test_responses_match_the_openapi_document(client, admin_headers):
    document = client.get("/api/v1/openapi.json").get_json()
    added = client.post("/api/v1/admin/concerns/sciatica/phrases", headers=admin_headers, json={"text": "tennis back"})
    calls = [
        (added, "/api/v1/admin/concerns/{slug}/phrases", "post", 201),
        (client.get("/api/v1/admin/concerns/sciatica/phrases", headers=admin_headers),
         "/api/v1/admin/concerns/{slug}/phrases", "get", 200),
        (client.get("/api/v1/admin/relevance", headers=admin_headers), "/api/v1/admin/relevance", "get", 200),
        (client.put("/api/v1/admin/relevance", headers=admin_headers,
                    json={"concern": "sciatica", "term": "cupping", "weight": 0.5}),
         "/api/v1/admin/relevance", "put", 200),
        (client.get("/api/v1/admin/matching/try?q=back", headers=admin_headers),
         "/api/v1/admin/matching/try", "get", 200),
        (client.put("/api/v1/admin/relevance", headers=admin_headers, json={"concern": "x"}),
         "/api/v1/admin/relevance", "put", 400),
    ]
    for response, path, method, status in calls:
        assert response.status_code == status, path
        content_type = "application/json" if status < 400 else "application/problem+json"
        errors = list(_validator(document, path, method, status, content_type).iter_errors(response.get_json()))
        assert errors == [], (path, [e.message for e in errors])
