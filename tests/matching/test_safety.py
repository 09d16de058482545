"""Spec: cautions exclude or mark techniques, with reasons; red flags get urgent advice."""

from __future__ import annotations

import pytest

from marketplace.matching.phrases import MODALITY_NAMES, TECHNIQUE_NAMES
from marketplace.matching.safety import (
    CAUTION_EFFECTS, CAUTIONS, DECLINED, QUESTIONS, RED_FLAGS, CautionNote, apply_cautions,
    excluded_techniques_for, ruled_out, urgent_advice,
)
from marketplace.matching.understanding import screen_text, tells_of_a_stiff_neck


def _targets(outcome) -> set[tuple[str, str]]:  # noqa: ANN001
    return {(n.code, n.technique_or_modality) for n in outcome.notes}


def test_pregnancy_excludes_electro_acupuncture_marks_acupuncture_and_prefers_prenatal_massage() -> None:
    outcome = apply_cautions({"pregnancy"}, {"traditional-acupuncture", "electro-acupuncture", "prenatal-massage"},
                             {"acupuncture", "massage"})
    assert outcome.excluded_techniques == {"electro-acupuncture"}
    assert outcome.excluded_modalities == frozenset()
    assert outcome.preferred_techniques == {"prenatal-massage"}
    assert _targets(outcome) == {("pregnancy", "electro-acupuncture"), ("pregnancy", "acupuncture"),
                                 ("pregnancy", "prenatal-massage")}
    mark = next(n for n in outcome.notes if n.technique_or_modality == "acupuncture")
    assert "points are avoided" in mark.message and "tell your practitioner" in mark.message


def test_pregnancy_marks_massage_unless_the_therapist_is_trained_in_prenatal_massage() -> None:
    general = apply_cautions({"pregnancy"}, {"deep-tissue-massage", "sports-massage"}, {"massage"})
    assert not general.excluded_modalities and not general.excluded_techniques  # still bookable
    [note] = general.notes
    assert (note.code, note.technique_or_modality) == ("pregnancy", "massage")
    assert "prenatal massage" in note.message and "tell them you are pregnant" in note.message
    unlisted = apply_cautions({"pregnancy"}, set(), {"massage"})  # judged by what they list: nothing
    assert _targets(unlisted) == {("pregnancy", "massage")}
    trained = apply_cautions({"pregnancy"}, {"deep-tissue-massage", "prenatal-massage"}, {"massage"})
    assert _targets(trained) == {("pregnancy", "prenatal-massage")}
    assert apply_cautions({"implant"}, {"deep-tissue-massage"}, {"massage"}).notes[0].code == "implant"


def test_a_modality_goes_only_when_all_its_offered_techniques_are_excluded() -> None:
    only_electro = apply_cautions({"pregnancy"}, {"electro-acupuncture"}, {"acupuncture"})
    assert only_electro.excluded_modalities == {"acupuncture"}
    assert ("pregnancy", "acupuncture") in _targets(only_electro)  # says why the modality is gone
    assert all("Some acupuncture points" not in n.message for n in only_electro.notes)  # no mark on what's gone


def test_bleeding_risk_excludes_cupping_gua_sha_and_dry_needling_and_marks_needling() -> None:
    outcome = apply_cautions({"bleeding-risk"},
                             {"cupping", "gua-sha", "myofascial-release", "dry-needling", "traditional-acupuncture"},
                             {"cupping", "manual-therapy", "acupuncture"})
    assert outcome.excluded_techniques == {"cupping", "gua-sha", "dry-needling"}
    assert outcome.excluded_modalities == {"cupping"}  # its only technique is cupping
    assert ("bleeding-risk", "acupuncture") in _targets(outcome)
    assert any("blood thinners" in n.message for n in outcome.notes)


def test_bleeding_risk_removes_acupuncture_offered_only_as_dry_needling() -> None:
    outcome = apply_cautions({"bleeding-risk"}, {"dry-needling"}, {"acupuncture"})
    assert outcome.excluded_modalities == {"acupuncture"}


def test_pacemaker_excludes_electro_acupuncture_only() -> None:
    outcome = apply_cautions({"pacemaker"}, {"electro-acupuncture", "traditional-acupuncture"}, {"acupuncture"})
    assert outcome.excluded_techniques == {"electro-acupuncture"}
    assert outcome.excluded_modalities == frozenset()
    assert _targets(outcome) == {("pacemaker", "electro-acupuncture")}
    assert "pacemaker" in outcome.notes[0].message


def test_implant_marks_every_modality_and_excludes_nothing() -> None:
    outcome = apply_cautions({"implant"}, {"deep-tissue-massage", "exercise-therapy"}, {"massage", "physiotherapy"})
    assert outcome.excluded_techniques == outcome.excluded_modalities == frozenset()
    assert _targets(outcome) == {("implant", "massage"), ("implant", "physiotherapy")}
    assert all("implant" in n.message for n in outcome.notes)


def test_a_modality_listed_without_techniques_is_judged_by_all_its_techniques() -> None:
    assert apply_cautions({"bleeding-risk"}, set(), {"cupping"}).excluded_modalities == {"cupping"}
    assert apply_cautions({"pacemaker"}, set(), {"acupuncture"}).excluded_modalities == frozenset()


def test_no_cautions_or_unknown_codes_change_nothing() -> None:
    for cautions in (set(), {"not-a-code"}):
        outcome = apply_cautions(cautions, {"cupping"}, {"cupping"})
        assert not outcome.excluded_techniques and not outcome.excluded_modalities and not outcome.notes


def test_notes_are_sentences_in_a_stable_order() -> None:
    args = ({"implant", "bleeding-risk", "pregnancy"}, {"cupping", "electro-acupuncture", "prenatal-massage"},
            {"cupping", "acupuncture", "massage"})
    first, second = apply_cautions(*args), apply_cautions(*args)
    assert first.notes == second.notes
    assert all(isinstance(n, CautionNote) and n.message[:1].isupper() and n.message.endswith(".")
               for n in first.notes)


def test_search_wide_exclusions_for_filtering() -> None:
    assert excluded_techniques_for({"bleeding-risk"}) == {"cupping", "gua-sha", "dry-needling"}
    assert excluded_techniques_for({"pregnancy", "pacemaker"}) == {"electro-acupuncture"}
    assert excluded_techniques_for(set()) == frozenset()


def test_caution_rules_name_real_slugs_and_every_code_has_a_question() -> None:
    known = set(TECHNIQUE_NAMES) | set(MODALITY_NAMES) | {"*"}
    assert {e.target for e in CAUTION_EFFECTS} <= known
    assert {e.unless for e in CAUTION_EFFECTS if e.unless} <= set(TECHNIQUE_NAMES)
    assert {e.code for e in CAUTION_EFFECTS} == set(CAUTIONS)
    assert set(QUESTIONS) == set(RED_FLAGS) | set(CAUTIONS)
    assert all(q.endswith("?") for q in QUESTIONS.values())


# --- Urgent advice ---------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["bladder-bowel", "saddle-numbness", "leg-weakness"])
def test_possible_nerve_compression_sends_to_emergency_care_today(code: str) -> None:
    advice = urgent_advice({code})
    assert advice.title == "Please get urgent medical help"
    assert RED_FLAGS[code] in advice.message
    assert "A&E" in advice.actions[0]
    assert any("999" in a and "911" in a and "112" in a for a in advice.actions)


def test_numbness_in_both_legs_is_named_as_the_seeker_said_it() -> None:
    """Screening reads numbness in both legs as the leg red flag: the advice, the box to tick
    and the question say so, not only weakness the seeker never wrote of."""
    stated = screen_text("back pain and numbness in both legs").red_flags
    assert "numbness in both legs" in urgent_advice(stated).message
    assert "numbness in both legs" in QUESTIONS["leg-weakness"]


def test_every_red_flag_gets_advice_that_withholds_bookings_and_invites_back() -> None:
    for code in RED_FLAGS:
        advice = urgent_advice([code])
        assert "medical assessment" in advice.message
        assert "not showing bookable practitioners" in advice.message
        assert advice.actions[-1].startswith("Once a doctor has checked you")


def test_fever_alone_means_a_doctor_today_not_an_ambulance() -> None:
    advice = urgent_advice({"fever"})
    assert advice.title == "Please see a doctor before booking any therapy"
    assert advice.actions[0].startswith("See a doctor today")
    assert not any("999" in a for a in advice.actions)


@pytest.mark.parametrize("text", ["neck stiffness and fever", "stiff neck, high temperature",
                                  "fever and I can't bend my neck", "gardan akad gayi hai aur fever hai",
                                  "Fever and I can’t bend my neck", "fever, stiff-neck"])  # as typed on a phone
def test_a_fever_with_a_stiff_neck_sends_to_emergency_care_now(text: str) -> None:
    """A fever with a stiff neck can be meningitis: not a GP appointment today, but now."""
    advice = urgent_advice(screen_text(text).red_flags, stiff_neck=tells_of_a_stiff_neck(text))
    assert advice.title == "Please get urgent medical help" and "meningitis" in advice.message
    assert "call emergency services" in advice.actions[0] and not any("See a doctor today" in a for a in advice.actions)


@pytest.mark.parametrize("text", ["fever and a stiff back", "no stiff neck, just a fever and back pain",
                                  "fever and my neck is not stiff"])
def test_a_fever_without_a_stiff_neck_is_the_fever_advice(text: str) -> None:
    assert not tells_of_a_stiff_neck(text)
    assert urgent_advice({"fever"}, stiff_neck=tells_of_a_stiff_neck(text)).actions[0].startswith("See a doctor today")


def test_history_flags_ask_for_a_doctor_and_name_what_was_said() -> None:
    advice = urgent_advice(["weight-loss", "cancer-history"])
    assert "a history of cancer and weight loss you can't explain" in advice.message
    assert "these can be a sign" in advice.message
    assert any(a.startswith("Contact your doctor") for a in advice.actions)


def test_urgent_advice_needs_a_red_flag_and_tolerates_unknown_codes() -> None:
    with pytest.raises(ValueError):
        urgent_advice(set())
    advice = urgent_advice({"new-admin-flag"})
    assert "new admin flag" in advice.message


@pytest.mark.parametrize(("cautions", "therapy", "out"), [
    ({"bleeding-risk"}, "cupping", "Cupping is avoided"),  # a modality whose every technique is excluded
    ({"bleeding-risk"}, "gua-sha", "Gua sha is avoided"),  # a technique
    ({"pacemaker"}, "electro-acupuncture", "interfere with a pacemaker"),
    ({"pregnancy"}, "electro-acupuncture", "not used during pregnancy"),
    ({"bleeding-risk"}, "manual-therapy", None),  # gua sha is one of several: the rest stay
    ({"bleeding-risk"}, "acupuncture", None),  # marked, not excluded
    ({"pregnancy"}, "massage", None),
    (set(), "cupping", None),
])
def test_a_therapy_is_ruled_out_only_when_nothing_of_it_is_left(cautions: set[str], therapy: str,
                                                                 out: str | None) -> None:
    effect = ruled_out(cautions, therapy)
    assert (effect.message if effect else None) == out or (out and out in effect.message)


def test_a_modality_turned_down_takes_its_techniques_with_it_in_one_note() -> None:
    outcome = apply_cautions((), {"traditional-acupuncture", "electro-acupuncture", "cupping"},
                             {"acupuncture", "cupping"}, declined={"acupuncture"})
    assert outcome.excluded_modalities == {"acupuncture"}
    assert outcome.excluded_techniques == {"traditional-acupuncture", "electro-acupuncture"}
    assert outcome.notes == [CautionNote(DECLINED, "acupuncture", "Acupuncture is left out, as you asked.")]


def test_a_modality_turned_down_whose_technique_has_its_slug_is_noted_once() -> None:
    """Cupping is a modality and its one technique, under one slug."""
    outcome = apply_cautions((), {"cupping", "electro-acupuncture"}, {"cupping", "acupuncture"}, declined={"cupping"})
    assert outcome.excluded_modalities == {"cupping"}
    assert outcome.notes == [CautionNote(DECLINED, "cupping", "Cupping therapy is left out, as you asked.")]


def test_a_technique_turned_down_leaves_its_modality_unless_it_is_all_they_list() -> None:
    physio = apply_cautions((), {"dry-needling", "traditional-acupuncture"}, {"acupuncture"}, declined={"dry-needling"})
    assert physio.excluded_modalities == set() and physio.excluded_techniques == {"dry-needling"}
    assert [n.message for n in physio.notes] == ["Trigger-point / dry needling is left out, as you asked."]
    only = apply_cautions((), {"dry-needling"}, {"acupuncture"}, declined={"dry-needling"})
    assert only.excluded_modalities == {"acupuncture"}
    assert [n.message for n in only.notes] == [
        "Acupuncture is left out, as you asked not to have Trigger-point / dry needling."]


def test_cautions_and_therapies_turned_down_apply_together() -> None:
    outcome = apply_cautions({"bleeding-risk"}, {"cupping", "traditional-acupuncture"}, {"acupuncture", "cupping"},
                             declined={"acupuncture"})
    assert outcome.excluded_modalities == {"acupuncture", "cupping"}
    assert _targets(outcome) == {("bleeding-risk", "cupping"), (DECLINED, "acupuncture")}
    assert apply_cautions((), {"exercise-therapy"}, {"physiotherapy"}, declined={"acupuncture"}).notes == []
