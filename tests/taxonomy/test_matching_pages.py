"""The admin pages for the matching data: phrases (with the try-it box) and relevance
weights. Edits through the pages reach search at once; bad input re-renders the form
with the field's error; other roles are kept out."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Role
from marketplace.audit.models import AuditEntry
from marketplace.extensions import db
from marketplace.taxonomy.matching import current_matcher, current_relevance, matching_version
from marketplace.taxonomy.models import ConcernPhrase
from tests.builders import login, make_user
from tests.pages.helpers import post, text

PAGES = ["/admin/matching/", "/admin/matching/phrases", "/admin/matching/phrases?concern=sciatica",
         "/admin/matching/phrases?concern=nope", "/admin/matching/phrases?q=my+back+locked+up",
         "/admin/matching/relevance", "/admin/matching/relevance?concern=sciatica",
         "/admin/matching/relevance?concern=nope"]
POSTS = ["/admin/matching/phrases", "/admin/matching/phrases/1/delete", "/admin/matching/relevance",
         "/admin/matching/relevance/sciatica/physiotherapy/delete"]


def _phrase(text_: str) -> ConcernPhrase | None:
    return db.session.scalar(select(ConcernPhrase).where(ConcernPhrase.text == text_))


# --- who may enter ------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.SEEKER, Role.PRACTITIONER])
def test_other_roles_get_403(client, role):
    login(client, make_user(role))
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    version = matching_version()
    for url in POSTS:
        response = post(client, url, {"concern": "sciatica", "text": "tennis back", "term": "cupping", "weight": "1"})
        assert response.status_code == 403, url
    assert matching_version() == version and _phrase("tennis back") is None


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/account/login?next=" in response.headers["Location"], url


def test_every_page_renders_and_is_in_the_admin_navigation(admin_client):
    for url in PAGES:
        assert admin_client.get(url, follow_redirects=True).status_code == 200, url
    html = text(admin_client.get("/admin/taxonomy"))
    assert 'href="/admin/matching/phrases"' in html


# --- phrases ------------------------------------------------------------------------------

def test_phrases_are_grouped_by_concern_and_filterable(admin_client):
    everything = text(admin_client.get("/admin/matching/phrases"))
    assert 'id="concern-sciatica"' in everything and 'id="concern-back-spasm"' in everything
    only = text(admin_client.get("/admin/matching/phrases?concern=sciatica"))
    assert 'id="concern-sciatica"' in only and 'id="concern-back-spasm"' not in only
    assert "shooting pain down my leg" in only and "put my back out" not in only


def test_adding_a_phrase_on_the_page_teaches_the_matcher(admin_client):
    response = post(admin_client, "/admin/matching/phrases",
                    {"concern": "sciatica", "text": "Tennis back", "weight": "0.9"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/matching/phrases?concern=sciatica#phrases")
    assert current_matcher().match("tennis back")[0].slug == "sciatica"
    page = text(admin_client.get(response.headers["Location"]))
    assert "Added “tennis back” to Sciatica." in page and "<td data-label=\"Phrase\">tennis back</td>" in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "matching.phrase.added"))
    assert entry.actor_id == admin_client.user.id


@pytest.mark.parametrize(("form", "field"), [
    ({"concern": "sciatica", "text": "sciatica", "weight": "1"}, "text"),
    ({"concern": "sciatica", "text": "", "weight": "1"}, "text"),
    ({"concern": "sciatica", "text": "tennis back", "weight": "1.2"}, "weight"),
    ({"concern": "sciatica", "text": "tennis back", "weight": "lots"}, "weight"),
    ({"concern": "", "text": "tennis back", "weight": "1"}, "concern"),
    ({"concern": "nope", "text": "tennis back", "weight": "1"}, "concern"),
])
def test_bad_phrases_show_the_fields_error(admin_client, form, field):
    version = matching_version()
    response = post(admin_client, "/admin/matching/phrases", form)
    assert response.status_code == 200
    assert f'id="{field}-error"' in text(response)
    assert matching_version() == version


def test_deleting_a_phrase_on_the_page(admin_client):
    phrase = _phrase("shooting pain down my leg")
    response = post(admin_client, f"/admin/matching/phrases/{phrase.id}/delete", {"filter": "sciatica"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/matching/phrases?concern=sciatica#phrases")
    assert _phrase("shooting pain down my leg") is None
    assert current_matcher().match("shooting pain down my leg")[0].phrase != "shooting pain down my leg"
    # A second tab (or another admin) removing it again is told it is done, not shown a 404.
    again = post(admin_client, f"/admin/matching/phrases/{phrase.id}/delete", {"filter": "sciatica"})
    assert again.status_code == 302 and again.headers["Location"].endswith("?concern=sciatica#phrases")
    assert "That phrase was already removed" in text(admin_client.get(again.headers["Location"]))


def test_the_try_it_box_shows_what_the_live_matcher_reads(admin_client):
    before = text(admin_client.get("/admin/matching/phrases?q=wobbly+zebra"))
    assert "No concern matches “wobbly zebra”" in before
    post(admin_client, "/admin/matching/phrases", {"concern": "sciatica", "text": "wobbly zebra", "weight": "0.8"})
    after = text(admin_client.get("/admin/matching/phrases?q=wobbly+zebra"))
    assert "“wobbly zebra” resolves to:" in after
    assert '<td data-label="Concern">Sciatica <code>sciatica</code></td>' in after
    assert '<td data-label="Confidence">80%</td>' in after
    urgent = text(admin_client.get("/admin/matching/phrases?q=back+pain+and+I+have+a+fever"))
    assert "urgent-care advice" in urgent


# --- relevance ------------------------------------------------------------------------------

def test_relevance_lists_a_concerns_weights(admin_client):
    html = text(admin_client.get("/admin/matching/relevance?concern=sciatica"))
    assert "Physiotherapy <code class=\"small\">physiotherapy</code>" in html
    assert 'id="weight-physiotherapy"' in html and 'value="0.9"' in html


def test_editing_a_weight_on_the_page_reaches_scoring(admin_client):
    response = post(admin_client, "/admin/matching/relevance",
                    {"concern": "sciatica", "term": "physiotherapy", "weight": "0.45"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/matching/relevance?concern=sciatica#weights")
    assert current_relevance()[("sciatica", "physiotherapy")] == 0.45
    assert "Physiotherapy now fits Sciatica at 0.45." in text(admin_client.get(response.headers["Location"]))


def test_adding_and_removing_a_term(admin_client):
    post(admin_client, "/admin/matching/relevance", {"concern": "sciatica", "term": "gua-sha", "weight": "0.3"})
    assert current_relevance()[("sciatica", "gua-sha")] == 0.3
    response = post(admin_client, "/admin/matching/relevance/sciatica/gua-sha/delete")
    assert response.status_code == 302
    assert ("sciatica", "gua-sha") not in current_relevance()
    again = post(admin_client, "/admin/matching/relevance/sciatica/gua-sha/delete")
    assert again.status_code == 302
    assert "was already removed" in text(admin_client.get(again.headers["Location"]))
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"matching.relevance.set", "matching.relevance.removed"} <= actions


def test_a_bad_edit_of_a_listed_weight_shows_on_its_row(admin_client):
    response = post(admin_client, "/admin/matching/relevance",
                    {"concern": "sciatica", "term": "physiotherapy", "weight": "7"})
    assert response.status_code == 200
    html = text(response)
    assert 'id="weight-physiotherapy-error"' in html and 'aria-invalid="true"' in html
    assert current_relevance()[("sciatica", "physiotherapy")] == 0.9


@pytest.mark.parametrize(("form", "field"), [
    ({"concern": "sciatica", "term": "astrology", "weight": "0.5"}, "term"),
    ({"concern": "sciatica", "term": "", "weight": "0.5"}, "term"),
    ({"concern": "sciatica", "term": "gua-sha", "weight": ""}, "weight"),
    ({"concern": "sciatica", "term": "gua-sha", "weight": "-0.5"}, "weight"),
])
def test_bad_new_weights_show_the_fields_error(admin_client, form, field):
    response = post(admin_client, "/admin/matching/relevance", form)
    assert response.status_code == 200
    assert f'id="{field}-error"' in text(response)
    assert ("sciatica", "gua-sha") not in current_relevance()
