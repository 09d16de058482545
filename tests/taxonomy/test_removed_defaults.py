"""An admin's removal of a packaged phrase or relevance weight outlives loading the
defaults again (``flask taxonomy load``, run on every deploy of a new release), until the
admin adds it back."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.matching.scoring import RELEVANCE
from marketplace.taxonomy import matching_data
from marketplace.taxonomy.matching import current_matcher, current_relevance
from marketplace.taxonomy.matching_data import PhraseInput, RelevanceInput
from marketplace.taxonomy.models import Concern, ConcernPhrase, RelevanceWeight
from marketplace.taxonomy.services import load_defaults
from tests.pages.helpers import post, text


def _slugs(text: str) -> list[str]:
    return [m.slug for m in current_matcher().match(text)]


def _phrase(slug: str, text: str) -> ConcernPhrase | None:
    return db.session.scalar(select(ConcernPhrase).join(Concern).where(Concern.slug == slug,
                                                                       ConcernPhrase.text == text))


def _load_as_a_deploy_does(app) -> str:  # noqa: ANN001
    result = app.test_cli_runner().invoke(args=["taxonomy", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_default_phrase_an_admin_removed_stays_removed_after_loading_the_defaults(app, admin):
    # "Radiculopathy" also names nerve pain from the neck: an admin takes it off sciatica.
    assert _slugs("radiculopathy") == ["sciatica"]
    matching_data.remove_phrase(_phrase("sciatica", "radiculopathy").id, admin)
    db.session.commit()

    assert "0 new terms" in _load_as_a_deploy_does(app)
    assert load_defaults() == 0
    db.session.commit()
    assert _phrase("sciatica", "radiculopathy") is None
    assert _slugs("radiculopathy") == []
    # the other defaults are untouched
    assert _slugs("pinched nerve") == ["sciatica"]


def test_adding_a_removed_phrase_back_makes_it_an_ordinary_phrase_again(app, admin):
    matching_data.remove_phrase(_phrase("sciatica", "radiculopathy").id, admin)
    db.session.commit()
    matching_data.add_phrase(PhraseInput("sciatica", "Radiculopathy", 0.5), admin)
    db.session.commit()
    assert _slugs("radiculopathy") == ["sciatica"]

    # Loading the defaults neither duplicates it nor resets the admin's weight...
    assert load_defaults() == 0
    db.session.commit()
    assert _phrase("sciatica", "radiculopathy").weight == 0.5
    # ...and once removed again, it stays removed again.
    matching_data.remove_phrase(_phrase("sciatica", "radiculopathy").id, admin)
    db.session.commit()
    assert load_defaults() == 0
    db.session.commit()
    assert _phrase("sciatica", "radiculopathy") is None


def test_a_default_weight_an_admin_removed_stays_removed_until_it_is_set_again(app, admin):
    assert RELEVANCE[("sciatica", "chiropractic")] > 0
    matching_data.remove_relevance("sciatica", "chiropractic", admin)
    db.session.commit()

    _load_as_a_deploy_does(app)
    assert ("sciatica", "chiropractic") not in current_relevance()
    assert db.session.scalar(select(RelevanceWeight.id).join(Concern).where(
        Concern.slug == "sciatica", RelevanceWeight.term_slug == "chiropractic")) is None

    matching_data.set_relevance(RelevanceInput("sciatica", "chiropractic", 0.2), admin)
    db.session.commit()
    _load_as_a_deploy_does(app)
    assert current_relevance()[("sciatica", "chiropractic")] == 0.2


def test_a_removal_on_one_concern_leaves_the_same_words_on_another(app, admin):
    # "backache" is a default phrase of two concerns; removing one leaves the other.
    assert set(_slugs("backache")) == {"chronic-low-back-pain", "back-spasm"}
    matching_data.remove_phrase(_phrase("chronic-low-back-pain", "backache").id, admin)
    db.session.commit()
    load_defaults()
    db.session.commit()
    assert _slugs("backache") == ["back-spasm"]


def test_the_admin_page_says_a_removed_default_stays_removed(app, admin_client):
    phrase = _phrase("sciatica", "radiculopathy")
    response = post(admin_client, f"/admin/matching/phrases/{phrase.id}/delete", {"filter": "sciatica"})
    page = text(admin_client.get(response.headers["Location"]))
    assert "Removed “radiculopathy”. It stays removed when the packaged defaults are loaded again" in page

    _load_as_a_deploy_does(app)
    page = text(admin_client.get("/admin/matching/phrases?concern=sciatica"))
    assert '<td data-label="Phrase">radiculopathy</td>' not in page
    assert '<td data-label="Phrase">pinched nerve</td>' in page
    assert "“radiculopathy” → Sciatica (0.9)" in page  # listed as a default removed, to add back


def test_the_admin_pages_list_removed_defaults_and_add_them_back(app, admin, admin_client):
    matching_data.remove_phrase(_phrase("sciatica", "radiculopathy").id, admin)
    matching_data.remove_relevance("sciatica", "chiropractic", admin)
    db.session.commit()

    page = text(admin_client.get("/admin/matching/phrases?concern=sciatica"))
    assert "Default phrases you removed" in page and "“radiculopathy” → Sciatica (0.9)" in page
    assert '<input type="hidden" name="text" value="radiculopathy">' in page
    response = post(admin_client, "/admin/matching/phrases",
                    {"concern": "sciatica", "text": "radiculopathy", "weight": "0.9"})  # its "Add back" button
    assert response.status_code == 302
    assert _phrase("sciatica", "radiculopathy").weight == 0.9 and _slugs("radiculopathy") == ["sciatica"]
    assert "Default phrases you removed" not in text(admin_client.get("/admin/matching/phrases?concern=sciatica"))

    page = text(admin_client.get("/admin/matching/relevance?concern=sciatica"))
    assert "Default weights you removed" in page and "Set Chiropractic back to 0.5" in page
    assert '<input type="hidden" name="term" value="chiropractic">' in page
    assert post(admin_client, "/admin/matching/relevance",
                {"concern": "sciatica", "term": "chiropractic", "weight": "0.5"}).status_code == 302
    assert current_relevance()[("sciatica", "chiropractic")] == 0.5
    assert "Default weights you removed" not in text(admin_client.get("/admin/matching/relevance?concern=sciatica"))


def test_only_packaged_defaults_are_listed_as_removed(app, admin):
    phrase = matching_data.add_phrase(PhraseInput("sciatica", "tennis back", 0.7), admin)
    matching_data.remove_phrase(phrase.id, admin)
    db.session.commit()
    assert matching_data.removed_defaults("phrase") == []
