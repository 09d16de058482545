"""Therapies a seeker names in their own words: "physio for sciatica", "I'd like a deep
tissue massage", "ayurvedic doctor for back pain". Pure, and safe on any string.

:func:`read_therapies` finds each mention of a modality or technique (by the curated
words below, or by the name admins gave a term) and whether the seeker asks for it or
turns it down: "tried physio, it didn't help", "not acupuncture", "I'm scared of
needling". The search narrows to what was asked only when the text leaves no doubt
(:meth:`TherapyReading.narrowing`); anything else narrows nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from marketplace.matching.phrases import CLAUSE_BREAKS, HEDGES, NEGATION_CUES, NOT_NEGATING_BEFORE
from marketplace.matching.understanding import normalise, stem

# How seekers name the therapies (the taxonomy's own names are added by the caller). The
# words are for modalities and techniques of the seeded taxonomy; a term an admin retired
# is dropped by the caller.
THERAPY_WORDS: dict[str, str] = {
    "physio": "physiotherapy", "physiotherapist": "physiotherapy", "physical therapy": "physiotherapy",
    "physical therapist": "physiotherapy", "physiotherapy": "physiotherapy",
    "acupuncture": "acupuncture", "acupuncturist": "acupuncture",
    "massage": "massage", "massage therapist": "massage", "masseuse": "massage", "masseur": "massage",
    "ayurveda": "ayurveda", "ayurvedic": "ayurveda", "ayurvedic doctor": "ayurveda", "vaidya": "ayurveda",
    "cupping": "cupping", "tui na": "tui-na", "tuina": "tui-na",
    "chiropractor": "chiropractic", "chiropractic": "chiropractic", "chiro": "chiropractic",
    "yoga": "yoga-pilates", "pilates": "yoga-pilates", "herbalist": "herbal-medicine",
    "posture coach": "posture-coaching", "manual therapy": "manual-therapy", "bodywork": "manual-therapy",
    "dry needling": "dry-needling", "trigger point needling": "dry-needling",
    "electro acupuncture": "electro-acupuncture", "electroacupuncture": "electro-acupuncture",
    "ear acupuncture": "auricular-acupuncture", "auricular acupuncture": "auricular-acupuncture",
    "moxibustion": "moxibustion", "moxa": "moxibustion",
    "deep tissue": "deep-tissue-massage", "deep tissue massage": "deep-tissue-massage",
    "sports massage": "sports-massage", "medical massage": "medical-massage",
    "prenatal massage": "prenatal-massage", "pregnancy massage": "prenatal-massage",
    "lymphatic drainage": "manual-lymphatic-drainage",
    "abhyanga": "abhyanga", "kati basti": "kati-basti", "kati vasti": "kati-basti",
    "myofascial release": "myofascial-release", "gua sha": "gua-sha", "shiatsu": "shiatsu",
    "spinal manipulation": "spinal-manipulation", "clinical pilates": "clinical-pilates",
    # Hindi, in Latin letters and as Devanagari is spelt before reading ("मालिश" → "malish")
    "malish": "massage", "maalish": "massage", "ayurvedik": "ayurveda", "ayurved": "ayurveda", "vaid": "ayurveda",
    "vaidy": "ayurveda", "phijiyo": "physiotherapy", "phijiyotherepi": "physiotherapy", "fiziyo": "physiotherapy",
    "ekyupankchar": "acupuncture", "kaping": "cupping", "yog": "yoga-pilates",
}

# Before a mention, in its clause: the seeker is turning it down or telling what they had.
_DECLINED_BEFORE = frozenset(NEGATION_CUES | {
    "tried", "had", "did", "done", "hate", "hated", "scared", "afraid", "fear", "frightened", "phobia",
    "instead", "rather", "than", "except", "besides", "avoid", "allergic", "stop", "dislike", "won't", "wont",
    "can't", "cant", "cannot",
})
# After a mention, in its clause: "physio didn't help", "acupuncture made it worse".
_DECLINED_AFTER = re.compile(
    r"^(?:\w+ ){0,4}?(?:didn'?t|did not|doesn'?t|does not|won'?t|wasn'?t|isn'?t|hasn'?t|never|no longer|"
    r"not (?:work|help)\w*|made (?:it|things|me|my \w+|the \w+) worse|"
    # Hindi puts "not" after the thing: "malish nahi chahiye", "physio se fayda nahi hua"
    r"nahi|nahin|nahee|mat)\b")
_HEDGE = re.compile(HEDGES)
_WORD = re.compile(r"[a-z0-9']+|[.,;:!?]")
_MAX_WORDS = 3


@dataclass(frozen=True)
class TherapyMention:
    slug: str
    words: str  # as the seeker wrote them (normalised)
    asked: bool  # False when turned down or told of as past


@dataclass(frozen=True)
class TherapyReading:
    mentions: tuple[TherapyMention, ...] = ()

    def narrowing(self, technique_modality: Mapping[str, str]) -> TherapyMention | None:
        """The one therapy to narrow the search to, or None: every mention asked for and
        all of one modality. A single technique narrows to it; a modality, or several of
        its techniques, to the modality (under a modality's slug, not a technique's)."""
        if not self.mentions or not all(m.asked for m in self.mentions):
            return None
        modalities = {technique_modality.get(m.slug, m.slug) for m in self.mentions}
        if len(modalities) != 1:
            return None
        slugs = {m.slug for m in self.mentions}
        if len(slugs) == 1:
            return self.mentions[0]
        [modality] = modalities
        named = next((m for m in self.mentions if m.slug == modality), self.mentions[0])
        return TherapyMention(modality, named.words, True)


def therapy_words(names: Mapping[str, str], active: Iterable[str]) -> dict[tuple[str, ...], str]:
    """Stemmed word tuples -> term slug, from :data:`THERAPY_WORDS` and the terms' own
    names (``names``: slug -> name, "Trigger-point / dry needling" read as both of its
    halves, "Abhyanga (warm-oil massage)" as "Abhyanga"). Only ``active`` slugs."""
    live = frozenset(active)
    words: dict[tuple[str, ...], str] = {}
    for slug, name in names.items():
        if slug not in live:
            continue
        for part in re.split(r"\s*/\s*", name.split(" (")[0]):
            key = _key(part)
            if key and len(key) <= _MAX_WORDS:
                words.setdefault(key, slug)
    for text, slug in THERAPY_WORDS.items():
        if slug in live:
            words[_key(text)] = slug
    return words


def read_therapies(text: str, words: Mapping[tuple[str, ...], str]) -> TherapyReading:
    """Every therapy named in ``text``, longest wording first ("deep tissue massage" is
    one mention, of the technique), each marked asked or not."""
    tokens = _WORD.findall(normalise(text))
    stems = [stem(t) for t in tokens]
    mentions: list[TherapyMention] = []
    i = 0
    while i < len(tokens):
        for size in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
            slug = words.get(tuple(stems[i:i + size]))
            if slug is not None:
                mentions.append(TherapyMention(slug, " ".join(tokens[i:i + size]), _asked(tokens, i, i + size)))
                i += size
                break
        else:
            i += 1
    return TherapyReading(tuple(mentions))


def _key(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in _WORD.findall(normalise(text)) if t not in ".,;:!?")


def _asked(tokens: list[str], start: int, end: int) -> bool:
    """Whether the words at ``start:end`` ask for the therapy: no cue in their clause of
    turning it down, of having had it, or of doubt ("not sure about acupuncture")."""
    before: list[str] = []
    for position in range(start - 1, -1, -1):
        token = tokens[position]
        if token == "but" and position and tokens[position - 1] in ("anything", "everything", "all"):
            return False  # "anything but acupuncture"
        if token in ".,;:!?" or token in CLAUSE_BREAKS:
            break
        before.append(token)
    if _HEDGE.search(" ".join(reversed(before))):
        return False
    for position, token in enumerate(before):
        if token in _DECLINED_BEFORE:
            # "not sure", "no idea", "don't know": a hedge, not a refusal
            following = before[position - 1] if position > 0 else tokens[start]
            if not (token in NEGATION_CUES and following in NOT_NEGATING_BEFORE):
                return False
    after: list[str] = []
    for token in tokens[end:]:
        if token in ".,;:!?" or token in CLAUSE_BREAKS:
            break
        after.append(token)
    return not _DECLINED_AFTER.match(" ".join(after) + " ")
