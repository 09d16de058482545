"""The matcher and relevance table come from the database, are cached per process, and
every edit reaches them: at once in the process that made it, within the check interval
in every other one."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update

from marketplace.extensions import db
from marketplace.matching import DEFAULT_PHRASES, RELEVANCE, build_matcher
from marketplace.taxonomy import matching_data
from marketplace.taxonomy.matching import current_matcher, current_relevance, matching_version
from marketplace.taxonomy.matching_data import PhraseInput, RelevanceInput, normalise_phrase
from marketplace.taxonomy.models import Concern, ConcernPhrase, MatchingDataVersion, RelevanceWeight
from marketplace.taxonomy.services import load_defaults, set_term_active

SAMPLES = ["my back locked up after lifting a box", "shooting pain down my leg", "lumbago", "butt pain",
           "sore neck from my desk job", "I'm pregnant and my lower back aches", "tennis back", ""]


def _slugs(text: str) -> list[str]:
    return [m.slug for m in current_matcher().match(text)]


def _sciatica() -> Concern:
    return db.session.scalar(select(Concern).where(Concern.slug == "sciatica"))


def _write_as_another_process(statement) -> None:  # noqa: ANN001
    """Change the data on a connection of its own, past this process's session and its
    commit hooks, as another gunicorn worker would."""
    with db.engine.begin() as connection:
        connection.execute(statement)
        connection.execute(update(MatchingDataVersion).values(version=MatchingDataVersion.version + 1))


def test_loading_defaults_fills_the_tables_once(app):
    unique = {(p.concern_slug, normalise_phrase(p.text)) for p in DEFAULT_PHRASES}
    assert db.session.scalar(select(func.count()).select_from(ConcernPhrase)) == len(unique)
    assert db.session.scalar(select(func.count()).select_from(RelevanceWeight)) == len(RELEVANCE)
    version = matching_version()
    assert version >= 1
    assert load_defaults() == 0
    db.session.commit()
    assert db.session.scalar(select(MatchingDataVersion.version)) == version


def test_database_matcher_behaves_like_the_packaged_defaults(app):
    pure = build_matcher()
    for text in SAMPLES:
        assert current_matcher().match(text) == pure.match(text), text
    assert dict(current_relevance()) == RELEVANCE


def test_a_phrase_added_and_committed_is_matched_at_once(app, admin):
    assert "sciatica" not in _slugs("tennis back")
    before = matching_version()
    matching_data.add_phrase(PhraseInput("sciatica", "Tennis back", 0.9), admin)
    db.session.commit()
    assert _slugs("tennis back")[0] == "sciatica"
    assert current_matcher().match("my tennis back is sore")[0].phrase == "tennis back"
    assert matching_version() == before + 1


def test_a_weight_change_reaches_the_relevance_table(app, admin):
    assert current_relevance()[("sciatica", "physiotherapy")] == 0.9
    matching_data.set_relevance(RelevanceInput("sciatica", "physiotherapy", 0.4), admin)
    matching_data.set_relevance(RelevanceInput("sciatica", "cupping", 0.35), admin)
    db.session.commit()
    assert current_relevance()[("sciatica", "physiotherapy")] == 0.4
    assert current_relevance()[("sciatica", "cupping")] == 0.35
    matching_data.remove_relevance("sciatica", "cupping", admin)
    db.session.commit()
    assert ("sciatica", "cupping") not in current_relevance()


def test_an_edit_that_is_rolled_back_never_reaches_the_cache(app, admin):
    version = matching_version()
    matching_data.add_phrase(PhraseInput("sciatica", "tennis back"), admin)
    assert "sciatica" not in _slugs("tennis back")  # uncommitted: not seen, not cached
    db.session.rollback()
    assert "sciatica" not in _slugs("tennis back")
    assert matching_version() == version
    matching_data.add_phrase(PhraseInput("sciatica", "golf back"), admin)
    db.session.commit()
    assert _slugs("golf back") == ["sciatica"] and "sciatica" not in _slugs("tennis back")


def test_another_process_edit_is_seen_once_the_check_interval_passes(app):
    app.config["MATCHING_CACHE_SECONDS"] = 3600
    assert "sciatica" not in _slugs("padel back")
    version = matching_version()
    _write_as_another_process(insert(ConcernPhrase).values(concern_id=_sciatica().id, text="padel back", weight=1.0))
    assert "sciatica" not in _slugs("padel back")  # still within the interval: one cheap check per interval
    app.config["MATCHING_CACHE_SECONDS"] = 0
    assert _slugs("padel back") == ["sciatica"]
    assert matching_version() == version + 1


def test_a_retired_concern_is_no_longer_matched(app, admin):
    assert "sciatica" in _slugs("sciatica")
    set_term_active("concern", _sciatica().id, False, admin)
    db.session.commit()
    assert "sciatica" not in _slugs("sciatica") and "sciatica" not in _slugs("shooting pain down my leg")
    assert "sciatica" not in current_matcher().concern_names


def test_renaming_a_concern_reaches_the_matcher(app, admin):
    from marketplace.taxonomy.services import TermInput, save_term

    concern = _sciatica()
    save_term("concern", TermInput(slug="sciatica", name="Sciatic leg pain"), admin, concern.id)
    db.session.commit()
    assert current_matcher().concern_names["sciatica"] == "Sciatic leg pain"
    assert _slugs("sciatic leg pain") == ["sciatica"]


def test_a_database_that_was_never_loaded_falls_back_to_the_defaults(app):
    with db.engine.begin() as connection:
        for model in (ConcernPhrase, RelevanceWeight, MatchingDataVersion):
            connection.execute(delete(model))
    app.config["MATCHING_CACHE_SECONDS"] = 0
    assert matching_version() == 0
    assert current_matcher().match("shooting pain down my leg")[0].slug == "sciatica"
    assert dict(current_relevance()) == RELEVANCE


def test_a_loaded_database_with_its_phrases_deleted_does_not_fall_back(app):
    _write_as_another_process(delete(ConcernPhrase))
    app.config["MATCHING_CACHE_SECONDS"] = 0
    assert _slugs("shooting pain down my leg") == []
    assert _slugs("Sciatica") == ["sciatica"]  # concern names still match


def test_the_version_goes_up_with_every_edit(app, admin):
    start = matching_version()
    phrase = matching_data.add_phrase(PhraseInput("sciatica", "tennis back"), admin)
    matching_data.remove_phrase(phrase.id, admin)
    matching_data.set_relevance(RelevanceInput("sciatica", "cupping", 0.5), admin)
    matching_data.set_relevance(RelevanceInput("sciatica", "cupping", 0.5), admin)  # unchanged: no bump
    matching_data.remove_relevance("sciatica", "cupping", admin)
    db.session.commit()
    assert matching_version() == start + 4
