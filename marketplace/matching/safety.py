"""Safety rules from the domain brief, as data plus two pure functions.

* Red flags mean urgent medical care, not a marketplace match: :func:`urgent_advice`
  writes what the seeker sees instead of results.
* Cautions change which techniques fit: :func:`apply_cautions` says, for one
  practitioner, which of their techniques and modalities are ruled out and which need a
  word with the practitioner, each with a human-readable reason.

Codes are stable identifiers (API parameters, form values, analytics): never rename one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from marketplace.core.wording import in_a_list
from marketplace.matching.phrases import MODALITY_NAMES, TECHNIQUE_MODALITY, TECHNIQUE_NAMES

__all__ = [
    "CAUTIONS", "CAUTION_EFFECTS", "DECLINED", "QUESTIONS", "RED_FLAGS", "CautionEffect", "CautionNote",
    "CautionOutcome", "UrgentAdvice", "apply_cautions", "declined_effects", "excluded_techniques_for",
    "preferred_techniques_for", "ruled_out", "urgent_advice",
]

# code → how the advice names it ("You mentioned ...")
RED_FLAGS: dict[str, str] = {
    "fever": "a fever",
    "leg-weakness": "weakness in your legs that is severe or getting worse, or numbness in both legs",
    "bladder-bowel": "loss of bladder or bowel control (or trouble passing urine)",
    "saddle-numbness": "numbness around your groin, genitals, bottom or inner thighs",
    "major-trauma": "a recent serious fall or crash",
    "cancer-history": "a history of cancer",
    "weight-loss": "weight loss you can't explain",
}
CAUTIONS: dict[str, str] = {
    "pregnancy": "pregnancy",
    "bleeding-risk": "blood thinners or a bleeding disorder",
    "pacemaker": "a pacemaker or other implanted electrical device",
    "implant": "a medical implant",
}
# What the UI asks when screening returns a code as unclear.
QUESTIONS: dict[str, str] = {
    "fever": "Do you have a fever now (a temperature of 38°C / 100.4°F or more, or feeling hot and shivery)?",
    "leg-weakness": "Is there weakness in your legs that is severe or getting worse, or numbness in both legs?",
    "bladder-bowel": "Have you lost any control of your bladder or bowels, or had trouble passing urine?",
    "saddle-numbness": "Is there numbness around your groin, genitals, bottom or inner thighs?",
    "major-trauma": "Did a serious fall or crash happen recently, and has a doctor checked you since?",
    "cancer-history": "Have you ever had cancer?",
    "weight-loss": "Have you lost weight recently without trying?",
    "pregnancy": "Are you pregnant?",
    "bleeding-risk": "Do you take blood thinners (such as warfarin or apixaban) or have a bleeding disorder?",
    "pacemaker": "Do you have a pacemaker or another implanted electrical device?",
    "implant": "Do you have a medical implant, such as metal plates, screws or a joint replacement?",
}


@dataclass(frozen=True)
class CautionEffect:
    """What one caution does to one technique or modality slug (``"*"``: everything).

    ``exclude``: never offered; ``mark``: offered with ``message``; ``prefer``: a
    practitioner who offers it is a better fit (ranked up, and told so). ``unless``: a
    technique slug that lifts a mark (the practitioner is trained in what the caution
    calls for)."""

    code: str
    target: str
    action: Literal["exclude", "mark", "prefer"]
    message: str
    unless: str | None = None


CAUTION_EFFECTS: tuple[CautionEffect, ...] = (
    CautionEffect("pregnancy", "electro-acupuncture", "exclude",
                  "Electro-acupuncture is not used during pregnancy."),
    CautionEffect("pregnancy", "acupuncture", "mark",
                  "Some acupuncture points are avoided in pregnancy: tell your practitioner you are pregnant."),
    CautionEffect("pregnancy", "prenatal-massage", "prefer",
                  "Trained in prenatal massage, which suits pregnancy."),
    # The brief: in pregnancy, prenatal-trained practitioners. A massage therapist who does
    # not list prenatal massage stays bookable, with a word on what to ask.
    CautionEffect("pregnancy", "massage", "mark",
                  "Not listed as trained in prenatal massage: ask whether they are, and tell them you are pregnant.",
                  unless="prenatal-massage"),
    CautionEffect("bleeding-risk", "cupping", "exclude",
                  "Cupping is avoided with blood thinners or a bleeding disorder (bruising and bleeding risk)."),
    CautionEffect("bleeding-risk", "gua-sha", "exclude",
                  "Gua sha is avoided with blood thinners or a bleeding disorder (bruising and bleeding risk)."),
    CautionEffect("bleeding-risk", "dry-needling", "exclude",
                  "Dry needling is avoided with blood thinners or a bleeding disorder (bleeding risk)."),
    CautionEffect("bleeding-risk", "acupuncture", "mark",
                  "Needling needs extra care with blood thinners or a bleeding disorder: tell your practitioner."),
    CautionEffect("pacemaker", "electro-acupuncture", "exclude",
                  "Electro-acupuncture's current can interfere with a pacemaker or other implanted electrical device."),
    CautionEffect("implant", "*", "mark", "Tell your practitioner about your implant before treatment."),
)


@dataclass(frozen=True)
class CautionNote:
    """Why something is excluded or marked for this seeker, in words they can read."""

    code: str
    technique_or_modality: str
    message: str


@dataclass(frozen=True)
class CautionOutcome:
    """The effect of a seeker's cautions on one practitioner's offer.

    ``excluded_modalities`` holds a modality only when every technique the practitioner
    offers under it is excluded (or, if they list none, every technique it has); the
    rest of the modality stays bookable with its notes."""

    excluded_techniques: frozenset[str]
    excluded_modalities: frozenset[str]
    notes: list[CautionNote]
    preferred_techniques: frozenset[str] = frozenset()


def excluded_techniques_for(cautions: Iterable[str],
                            effects: Iterable[CautionEffect] = CAUTION_EFFECTS) -> frozenset[str]:
    """Every technique slug the cautions rule out, for filtering a whole search."""
    codes = set(cautions)
    return frozenset(e.target for e in effects if e.code in codes and e.action == "exclude")


def preferred_techniques_for(cautions: Iterable[str],
                             effects: Iterable[CautionEffect] = CAUTION_EFFECTS) -> frozenset[str]:
    codes = set(cautions)
    return frozenset(e.target for e in effects if e.code in codes and e.action == "prefer")


def ruled_out(cautions: Iterable[str], therapy: str, *,
              effects: Iterable[CautionEffect] = CAUTION_EFFECTS,
              technique_modality: Mapping[str, str] = TECHNIQUE_MODALITY) -> CautionEffect | None:
    """The effect that rules ``therapy`` (a technique or modality slug) out for anyone with
    these cautions, or None: a technique excluded, or a modality whose every technique is
    ("cupping" with blood thinners). A search asked for it offers nobody for it."""
    codes = set(cautions)
    excluding = {e.target: e for e in effects if e.code in codes and e.action == "exclude"}
    if therapy in excluding:
        return excluding[therapy]
    techniques = sorted(_techniques_by_modality(technique_modality).get(therapy, ()))
    if techniques and all(t in excluding for t in techniques):
        return excluding[techniques[0]]
    return None


def _by_modality(technique_modality: Mapping[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for t, m in technique_modality.items():
        out.setdefault(m, set()).add(t)
    return out


_DEFAULT_BY_MODALITY = _by_modality(TECHNIQUE_MODALITY)


def _techniques_by_modality(technique_modality: Mapping[str, str]) -> dict[str, set[str]]:
    """Each modality's techniques: the packaged table's, built once, or those of another."""
    return _DEFAULT_BY_MODALITY if technique_modality is TECHNIQUE_MODALITY else _by_modality(technique_modality)


def _name(slug: str) -> str:
    return TECHNIQUE_NAMES.get(slug) or MODALITY_NAMES.get(slug) or slug


DECLINED = "declined"  # the code of the notes on therapies the seeker turned down


def declined_effects(declined: Iterable[str], technique_modality: Mapping[str, str] = TECHNIQUE_MODALITY
                     ) -> tuple[CautionEffect, ...]:
    """What turning therapies down does: each modality or technique slug of ``declined``
    ("no acupuncture"), and every technique of a modality among them, is excluded."""
    slugs = set(declined)
    by_modality = _techniques_by_modality(technique_modality)
    targets = slugs.union(*(by_modality.get(slug, ()) for slug in slugs))
    # (a modality by its own name: "Cupping therapy" is also its technique "Cupping (dry, fire or moving)")
    return tuple(CautionEffect(DECLINED, t, "exclude",
                               f"{MODALITY_NAMES[t] if t in slugs and t in MODALITY_NAMES else _name(t)} is left out, "
                               "as you asked.")
                 for t in sorted(targets))


def apply_cautions(cautions: Iterable[str], techniques: Iterable[str], modalities: Iterable[str], *,
                   effects: Iterable[CautionEffect] = CAUTION_EFFECTS,
                   technique_modality: Mapping[str, str] = TECHNIQUE_MODALITY,
                   declined: Iterable[str] = ()) -> CautionOutcome:
    """Apply the seeker's ``cautions`` to one practitioner's ``techniques`` and
    ``modalities`` (slugs), with the therapies they ``declined`` (slugs: see
    :func:`declined_effects`; their notes' code is :data:`DECLINED`). Unknown codes and
    slugs are ignored, never an error.

    Notes come in a stable order (by caution code, then target) so results read the same
    on every page load. A declined modality's note stands for its techniques'.
    """
    codes, techs, mods = set(cautions), set(techniques), set(modalities)
    rules = [e for e in effects if e.code in codes]
    excluded_all = {e.target for e in rules if e.action == "exclude"}
    if declined:
        turned_down = declined_effects(declined, technique_modality)
        excluded_all.update(e.target for e in turned_down)
        declined = set(declined)  # (noted once for a modality, not again for each of its techniques)
        rules += [e for e in turned_down
                  if e.target in mods or e.target in techs and technique_modality.get(e.target) not in declined]
    ex_techs = frozenset(techs & excluded_all)
    all_by_modality = _techniques_by_modality(technique_modality)
    ex_mods: dict[str, set[str]] = {}  # excluded modality → the techniques that ruled it out
    for m in mods:
        if m in excluded_all:
            ex_mods[m] = {m}
            continue
        offered = {t for t in techs if technique_modality.get(t) == m} or all_by_modality.get(m, set())
        if offered and offered <= excluded_all:  # nothing left of this modality to book
            ex_mods[m] = offered
    notes: list[CautionNote] = []
    for e in sorted(rules, key=lambda r: (r.code, r.target)):
        if e.unless is not None and e.unless in techs:
            continue
        if e.action == "exclude" and e.target in ex_techs | set(ex_mods):
            if e.code == DECLINED and e.target not in mods and technique_modality.get(e.target) in ex_mods:
                continue  # a technique of a modality left out: said of the modality
            notes.append(CautionNote(e.code, e.target, e.message))
        elif e.action == "mark" and e.target == "*":
            notes.extend(CautionNote(e.code, m, e.message) for m in sorted(mods - set(ex_mods)))
        elif e.action == "mark" and (e.target in mods - set(ex_mods) or e.target in techs - ex_techs):
            notes.append(CautionNote(e.code, e.target, e.message))
        elif e.action == "prefer" and e.target in techs:
            notes.append(CautionNote(e.code, e.target, e.message))
    for m in sorted(set(ex_mods) - excluded_all):
        for code in sorted({e.code for e in rules if e.action == "exclude" and e.target in ex_mods[m]}):
            names = " and ".join(_name(t) for t in sorted(ex_mods[m]))
            notes.append(CautionNote(code, m, f"{_name(m)} is left out, as you asked not to have {names}."
                                     if code == DECLINED else f"{_name(m)} is not offered to you: {names} is "
                                     f"unsuitable with {CAUTIONS.get(code, code)}."))
    preferred = frozenset(e.target for e in rules if e.action == "prefer") & techs
    return CautionOutcome(ex_techs, frozenset(ex_mods), notes, preferred)


# --- Urgent advice ---------------------------------------------------------------------------
@dataclass(frozen=True)
class UrgentAdvice:
    """Shown instead of bookable results when any red flag is reported."""

    title: str
    message: str
    actions: list[str]


# Possible cauda equina (nerve compression) signs: emergency department today.
_EMERGENCY = ("bladder-bowel", "saddle-numbness", "leg-weakness")
_EMERGENCY_NUMBERS = "999 in the UK, 911 in the US, 112 in the EU and India"


def urgent_advice(red_flags: Iterable[str], *, for_someone: bool = False, stiff_neck: bool = False) -> UrgentAdvice:
    """Advice for one or more red-flag codes (unknown codes are treated as "see a doctor
    today"); ``for_someone``: the words told them of someone the seeker searches for, to
    whom the advice, worded to "you", then applies; ``stiff_neck``: the words told of one,
    which with a fever may be meningitis, an emergency. Raises ``ValueError`` when
    ``red_flags`` is empty: no advice is needed then, and showing it would be alarmist."""
    codes = sorted(set(red_flags), key=lambda c: (list(RED_FLAGS).index(c) if c in RED_FLAGS else 99, c))
    if not codes:
        raise ValueError("urgent_advice needs at least one red flag")
    labels = [RED_FLAGS.get(c, c.replace("-", " ")) for c in codes]
    said = in_a_list(labels)
    meningitis = stiff_neck and "fever" in codes
    emergency = any(c in _EMERGENCY for c in codes)
    actions: list[str] = []
    if meningitis:
        actions.append("A fever with a stiff neck can be meningitis, which needs treatment at once: call "
                       f"emergency services ({_EMERGENCY_NUMBERS}) or go to A&E / the emergency department now.")
    if emergency:
        actions.append("Go to A&E / the emergency department today. Don't wait for a routine appointment.")
        actions.append(f"If you can't get there safely, call emergency services ({_EMERGENCY_NUMBERS}).")
    if "major-trauma" in codes:
        actions.append("After a serious fall or crash, get checked at A&E / the emergency room before any "
                       f"treatment for the pain; call emergency services ({_EMERGENCY_NUMBERS}) if you can't "
                       "move safely.")
    if "fever" in codes and not emergency and not meningitis:
        actions.append("See a doctor today (your GP, urgent care or an out-of-hours service): back pain with a "
                       "fever can be an infection that needs treatment. If you feel very unwell, go to A&E / ER.")
    if {"cancer-history", "weight-loss"} & set(codes) or any(c not in RED_FLAGS for c in codes):
        actions.append("Contact your doctor (GP / primary care) today and tell them about your back pain "
                       "together with what you mentioned here, so they can arrange an assessment.")
    actions.append("Once a doctor has checked you and says therapy is fine, come back and search again.")
    title = "Please get urgent medical help" if emergency or meningitis or "major-trauma" in codes else \
        "Please see a doctor before booking any therapy"
    if meningitis:
        said = said.replace("a fever", "a fever with a stiff neck", 1)
        message = (f"You mentioned {said}. Together, a fever and a stiff neck can be a sign of meningitis or another "
                   "serious infection, which needs a doctor at once, before massage, acupuncture, physiotherapy or "
                   "any other therapy. Most neck pain is not serious, but this needs checking now, so we are not "
                   "showing bookable practitioners for this search.")
    else:
        message = (f"You mentioned {said}. With back pain, {'this' if len(codes) == 1 else 'these'} can be a sign "
                   "of a problem that needs a medical assessment before massage, acupuncture, physiotherapy or any "
                   "other therapy. Most back pain is not serious, but this needs checking first, so we are not "
                   "showing bookable practitioners for this search.")
    if for_someone:  # ("my dad has back pain and a fever")
        message += " If you wrote of someone you are searching for, this advice is for them."
    return UrgentAdvice(title, message, actions)
