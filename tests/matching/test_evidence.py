"""Spec: every result carries honest guideline context, with its source."""

from __future__ import annotations

import pytest

from marketplace.matching.evidence import evidence_for
from marketplace.matching.phrases import CONCERN_NAMES, MODALITY_NAMES


def _by_source(concern: str, modality: str) -> dict[str, object]:
    return {n.source: n for n in evidence_for(concern, modality)}


def test_acupuncture_for_back_spasm_shows_both_guidelines_and_says_they_disagree() -> None:
    notes = _by_source("back-spasm", "acupuncture")
    assert set(notes) == {"ACP 2017", "NICE NG59"}
    assert notes["ACP 2017"].stance == "recommends"
    assert "low-quality" in notes["ACP 2017"].summary
    assert notes["NICE NG59"].stance == "does-not-recommend"
    assert all("disagree" in n.summary for n in notes.values())


def test_guidelines_come_acp_first_then_nice() -> None:
    assert [n.source for n in evidence_for("chronic-low-back-pain", "acupuncture")] == ["ACP 2017", "NICE NG59"]


@pytest.mark.parametrize("slug", ["physiotherapy", "exercise-therapy", "core-strengthening"])
def test_exercise_for_chronic_low_back_pain_is_recommended(slug: str) -> None:
    notes = _by_source("chronic-low-back-pain", slug)
    assert notes["ACP 2017"].stance == "recommends"
    assert "exercise" in notes["ACP 2017"].summary
    assert notes["NICE NG59"].stance == "recommends"


def test_acupuncture_for_sciatica_is_not_recommended_by_nice_and_the_disagreement_is_stated() -> None:
    notes = _by_source("sciatica", "acupuncture")
    assert notes["NICE NG59"].stance == "does-not-recommend"
    assert "sciatica" in notes["NICE NG59"].summary
    assert "disagree" in notes["NICE NG59"].summary


@pytest.mark.parametrize("concern", sorted(CONCERN_NAMES))
def test_ayurveda_has_no_guideline_behind_it_for_any_concern(concern: str) -> None:
    notes = evidence_for(concern, "ayurveda")
    assert [n.stance for n in notes] == ["no-guideline"]
    assert "Ayurveda" in notes[0].summary


def test_cupping_says_plainly_that_no_major_guideline_recommends_it() -> None:
    [note] = evidence_for("back-spasm", "cupping")
    assert note.stance == "no-guideline"
    assert note.summary.startswith("No major guideline recommends cupping therapy")
    assert "limited" in note.summary


def test_manual_therapy_is_conditional_on_exercise_under_nice() -> None:
    notes = _by_source("back-spasm", "massage")
    assert notes["ACP 2017"].stance == "recommends"
    assert notes["NICE NG59"].stance == "conditional"
    assert "includes exercise" in notes["NICE NG59"].summary


def test_concerns_outside_the_guidelines_scope_say_so() -> None:
    [note] = evidence_for("neck-shoulder-tension", "acupuncture")
    assert note.stance == "no-guideline"
    assert "cover low back pain and sciatica, not neck and shoulder tension or spasm" in note.summary


def test_sports_injury_notes_limit_acp_to_the_lower_back() -> None:
    [note] = evidence_for("sports-injury", "massage")
    assert note.source == "ACP 2017"
    assert "lower back" in note.summary


def test_citations_point_at_the_real_documents() -> None:
    notes = _by_source("chronic-low-back-pain", "acupuncture")
    assert "Ann Intern Med. 2017;166(7):514-530" in notes["ACP 2017"].source_url_or_citation
    assert "https://www.nice.org.uk/guidance/ng59" in notes["NICE NG59"].source_url_or_citation


def test_every_seeded_pair_has_at_least_one_note_and_unknown_slugs_never_raise() -> None:
    for concern in CONCERN_NAMES:
        for modality in MODALITY_NAMES:
            notes = evidence_for(concern, modality)
            assert notes and all(n.summary and n.source_url_or_citation for n in notes)
    assert evidence_for("made-up", "nothing")[0].stance == "no-guideline"
