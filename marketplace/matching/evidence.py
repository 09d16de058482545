"""What the major guidelines say about a concern–modality pair, stated honestly.

Two guidelines frame the product (see the domain brief):

* ACP 2017 — Qaseem et al., Ann Intern Med 2017: non-drug treatment first; for acute or
  subacute low back pain superficial heat (moderate-quality evidence), massage,
  acupuncture or spinal manipulation (low-quality); for chronic low back pain exercise,
  multidisciplinary rehabilitation, acupuncture, mindfulness-based stress reduction
  (moderate-quality), tai chi, yoga, motor control exercise, progressive relaxation, EMG
  biofeedback, low-level laser therapy, operant therapy, CBT or spinal manipulation
  (low-quality).
* NICE NG59 (UK, 2016) — low back pain with or without sciatica: exercise; manual therapy
  (manipulation, mobilisation, soft tissue such as massage) only within a package that
  includes exercise; do **not** offer acupuncture.

They disagree on acupuncture; every acupuncture note says so instead of picking a side.
Both cover low back pain (NICE also sciatica) and nothing else, so for other concerns
the honest note is "no major guideline addresses this". Scope is data: edit the sets
below, not the function.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from marketplace.core.wording import mid_sentence
from marketplace.matching.phrases import CONCERN_NAMES, MODALITY_NAMES, TECHNIQUE_MODALITY

__all__ = ["ACP", "ACP_ACUTE", "ACP_CHRONIC", "NICE", "NICE_LOW_BACK", "NICE_SCIATICA", "EvidenceNote", "Stance",
           "evidence_for"]

Stance = Literal["recommends", "conditional", "does-not-recommend", "no-guideline"]


@dataclass(frozen=True)
class EvidenceNote:
    """One source's position on a concern–modality pair, with where to read it."""

    source: str
    source_url_or_citation: str
    stance: Stance
    summary: str


ACP = ("ACP 2017", "Qaseem A, Wilt TJ, McLean RM, Forciea MA. Noninvasive treatments for acute, subacute, and "
       "chronic low back pain: a clinical practice guideline from the American College of Physicians. "
       "Ann Intern Med. 2017;166(7):514-530. doi:10.7326/M16-2367")
NICE = ("NICE NG59", "NICE guideline NG59: Low back pain and sciatica in over 16s: assessment and management "
        "(2016). https://www.nice.org.uk/guidance/ng59")
NO_GUIDELINE = ("No major guideline", "Neither ACP 2017 (Ann Intern Med 2017;166:514-530) nor NICE NG59 "
                "(https://www.nice.org.uk/guidance/ng59) makes a recommendation on this.")

# Which concerns each guideline's recommendations cover. Sports injuries count as acute
# only when they are in the lower back; the note says so.
ACP_ACUTE = frozenset({"back-spasm", "recurring-back-spasm", "sports-injury"})
ACP_CHRONIC = frozenset({"chronic-low-back-pain"})
NICE_LOW_BACK = frozenset({"back-spasm", "recurring-back-spasm", "chronic-low-back-pain"})
NICE_SCIATICA = frozenset({"sciatica", "disc-related-pain"})

_DISAGREE = "The ACP and NICE guidelines disagree on acupuncture for low back pain; we show both."
_MANUAL = "conditional", ("NICE suggests considering manual therapy ({what}) for low back pain with or without "
                          "sciatica, but only as part of a treatment package that includes exercise.")

# modality → (stance, summary) per guideline scope
_ACP_ACUTE_NOTES: dict[str, tuple[Stance, str]] = {
    "acupuncture": ("recommends", "ACP suggests acupuncture for acute or subacute low back pain (low-quality "
                                  "evidence). " + _DISAGREE),
    "massage": ("recommends", "ACP suggests massage for acute or subacute low back pain (low-quality evidence)."),
    "tui-na": ("recommends", "ACP suggests massage for acute or subacute low back pain (low-quality evidence); "
                             "Tui Na is a form of therapeutic massage."),
    "manual-therapy": ("recommends", "ACP suggests massage or spinal manipulation for acute or subacute low back "
                                     "pain (low-quality evidence)."),
    "chiropractic": ("recommends", "ACP suggests spinal manipulation for acute or subacute low back pain "
                                   "(low-quality evidence)."),
    "physiotherapy": ("conditional", "For acute or subacute low back pain ACP lists superficial heat, massage, "
                                     "acupuncture and spinal manipulation; physiotherapy fits where it uses these. "
                                     "Exercise is recommended for chronic rather than acute pain."),
}
_ACP_CHRONIC_NOTES: dict[str, tuple[Stance, str]] = {
    "acupuncture": ("recommends", "ACP recommends acupuncture among first treatments for chronic low back pain "
                                  "(moderate-quality evidence). " + _DISAGREE),
    "physiotherapy": ("recommends", "ACP recommends exercise, motor control exercise and multidisciplinary "
                                    "rehabilitation for chronic low back pain (moderate- to low-quality evidence)."),
    "yoga-pilates": ("recommends", "ACP recommends yoga, tai chi and motor control exercise for chronic low back "
                                   "pain (low-quality evidence)."),
    "chiropractic": ("recommends", "ACP lists spinal manipulation for chronic low back pain (low-quality "
                                   "evidence)."),
    "manual-therapy": ("conditional", "ACP lists spinal manipulation, not soft-tissue work, for chronic low back "
                                      "pain (low-quality evidence)."),
    "massage": ("no-guideline", "ACP's recommendations for chronic low back pain do not include massage (the "
                                "evidence was insufficient); they cover it for acute pain only."),
    "tui-na": ("no-guideline", "ACP's recommendations for chronic low back pain do not include massage-based "
                               "therapies such as Tui Na."),
}
_NICE_NOTES: dict[str, tuple[Stance, str]] = {
    "acupuncture": ("does-not-recommend", "NICE does not recommend acupuncture for low back pain with or without "
                                          "sciatica. " + _DISAGREE),
    "physiotherapy": ("recommends", "NICE recommends considering exercise (for example a group exercise "
                                    "programme) for low back pain with or without sciatica; manual therapy only "
                                    "alongside exercise."),
    "yoga-pilates": ("recommends", "NICE recommends considering a group exercise programme, including mind-body "
                                   "exercise such as yoga or Pilates, for low back pain with or without sciatica."),
    "massage": (_MANUAL[0], _MANUAL[1].format(what="soft-tissue techniques such as massage")),
    "tui-na": (_MANUAL[0], _MANUAL[1].format(what="soft-tissue techniques such as massage")),
    "manual-therapy": (_MANUAL[0], _MANUAL[1].format(what="manipulation, mobilisation or soft-tissue work")),
    "chiropractic": (_MANUAL[0], _MANUAL[1].format(what="spinal manipulation")),
}


def evidence_for(concern_slug: str, modality_slug: str, *,
                 concern_names: Mapping[str, str] = CONCERN_NAMES,
                 modality_names: Mapping[str, str] = MODALITY_NAMES,
                 technique_modality: Mapping[str, str] = TECHNIQUE_MODALITY) -> list[EvidenceNote]:
    """Guideline notes for the pair, ACP first, then NICE; never empty.

    ``modality_slug`` may also be a technique slug (it is read as its modality). Pairs
    that no guideline covers get one ``"no-guideline"`` note saying so plainly; unknown
    slugs get the same, never an error.
    """
    modality = technique_modality.get(modality_slug, modality_slug)
    concern = mid_sentence(concern_names.get(concern_slug, concern_slug.replace("-", " ")))
    therapy = mid_sentence(modality_names.get(modality, modality.replace("-", " ")))
    notes: list[EvidenceNote] = []
    acp = _ACP_ACUTE_NOTES if concern_slug in ACP_ACUTE else _ACP_CHRONIC_NOTES if concern_slug in ACP_CHRONIC else {}
    if modality in acp:
        stance, summary = acp[modality]
        if concern_slug == "sports-injury":
            summary += " This applies to injuries of the lower back; ACP does not cover other sports injuries."
        notes.append(EvidenceNote(*ACP, stance, summary))
    if (concern_slug in NICE_LOW_BACK or concern_slug in NICE_SCIATICA) and modality in _NICE_NOTES:
        stance, summary = _NICE_NOTES[modality]
        if concern_slug in NICE_SCIATICA and modality == "acupuncture":
            summary = ("NICE does not recommend acupuncture for sciatica or low back pain. ACP 2017 suggests "
                       "acupuncture for low back pain in general; the two guidelines disagree.")
        if concern_slug == "disc-related-pain":
            summary += " Disc-related pain also needs a medical work-up alongside any therapy."
        notes.append(EvidenceNote(*NICE, stance, summary))
    if notes:
        return notes
    in_scope = concern_slug in ACP_ACUTE | ACP_CHRONIC | NICE_LOW_BACK | NICE_SCIATICA
    if in_scope:
        summary = (f"No major guideline recommends {therapy} for {concern}: neither ACP 2017 nor NICE NG59 "
                   "includes it, and the evidence is limited.")
    else:
        summary = (f"ACP 2017 and NICE NG59 cover low back pain and sciatica, not {concern}, so no major "
                   f"guideline addresses {therapy} here; evidence comes from smaller studies and is limited.")
    return [EvidenceNote(*NO_GUIDELINE, "no-guideline", summary)]
