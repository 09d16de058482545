"""Free text in a seeker's own words → concerns, red flags, cautions. Pure, and safe to
call with any string (never raises on odd input).

* :func:`build_matcher` compiles a phrase list (seed data or the admin-edited table) into
  a :class:`ConcernMatcher`: ``.match(text)`` ranks concerns (``[]`` when nothing fits)
  and ``.suggest(text)`` always offers a few.
* :func:`screen_text` finds red flags and cautions, honours stated negations ("no fever")
  and returns ``unclear`` codes when words are there but the meaning isn't: the UI asks.
"""

from __future__ import annotations

import bisect
import difflib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from marketplace.core.spelling import within_one_edit
from marketplace.matching.devanagari import has_devanagari, transliterate
from marketplace.matching.memo import Memo
from marketplace.matching.phrases import (
    ADVERB_BACK_AFTER, ADVERB_BACK_BEFORE, BACK_NOUN_AFTER, BACK_SAID_BEFORE, CLAUSE_BREAKS, COMMON_CONCERNS,
    CONCERN_NAMES, DEFAULT_PHRASES, FIRST_PERSON, HEDGES, NEGATING_AFTER, NEGATION_CUES, NEGATION_ENDS_AT,
    NEW_CLAUSE_AFTER_AND, NOT_A_LIST, NOT_NEGATING_BEFORE, OTHER_BODY_PARTS, OTHER_PEOPLE, PAST_MARKERS,
    RECENT_MARKERS, SAFETY_WORDS, SIGNAL_CONTEXTS, SIGNAL_RULES, SPELLING_VARIANTS, STOPWORDS, Phrase, SignalContext,
    SignalRule,
)
from marketplace.matching.safety import CAUTIONS, RED_FLAGS

__all__ = [
    "ConcernMatch", "ConcernMatcher", "ConcernSuggestion", "Screening", "Signal", "Understanding",
    "build_matcher", "clause_break", "normalise", "screen_text", "stem", "tells_of_a_stiff_neck", "tokens_of",
    "understand",
]

# --- Normalisation and tokens ------------------------------------------------------------
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_VARIANTS = tuple((re.compile(p), r) for p, r in SPELLING_VARIANTS)
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|[.,;:!?]")
_PUNCT = frozenset(".,;:!?")


@lru_cache(maxsize=4096)  # each reader of a text normalises it: the work is done once
def normalise(text: str) -> str:
    """Lower-case, straighten apostrophes, turn hyphens/slashes/brackets into spaces and
    collapse whitespace; sentence punctuation (``.,;:!?``) is kept because it bounds
    negation scope. Spelling variants ("disk", "IT band") are unified."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    if has_devanagari(text):  # Hindi script, spelt as Hinglish ("कमर दर्द" → "kamar dard")
        text = transliterate(text)
    # Accents off Latin letters ("fièvre" → "fievre", "José" → "jose"), not split words.
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z0-9'.,;:!?\s]+", " ", text)
    text = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", text)  # quotes, not apostrophes
    for pattern, replacement in _VARIANTS:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", " ", text).strip()


def stem(word: str) -> str:
    """A deliberately small stemmer: plurals and -ing/-ed/-ness, so "spasms"/"spasm" and
    "locked"/"locking" meet. Applied to phrases and input alike, so only consistency
    matters, not linguistic correctness."""
    w = word[:-2] if word.endswith("'s") else word
    w = w.replace("'", "")
    if len(w) <= 3:
        return w
    # The plural first, then the rest: "hamstrings" and "hamstring" must meet.
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ness") and len(w) > 6:
        w = w[:-4]
    elif w.endswith(("ing", "ed")) and len(w) > (5 if w.endswith("ing") else 4):
        w = w[:-3] if w.endswith("ing") else w[:-2]
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsfz":  # "runn" → "run"; keep "stiff", "fall"
            w = w[:-1]
    if w.endswith("e") and len(w) >= 4:
        w = w[:-1]
    return w


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


def _tokens(norm: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(norm)]


def tokens_of(norm: str) -> list[str]:
    """The words and sentence punctuation of normalised text, as the readers see them."""
    return _TOKEN.findall(norm)


# --- Negation scope (shared by concerns and screening) -------------------------------------
NEGATION_WINDOW = 6  # words a negation reaches forward, within its clause


def clause_break(word: str, next_word: str = "") -> bool:
    """Whether ``word`` ends a clause: sentence punctuation, "but" and its kind, or "and" /
    "or" when ``next_word`` opens a new clause ("..., and my legs ...")."""
    if word in _PUNCT or word in CLAUSE_BREAKS:
        return True
    return word in ("and", "or") and next_word in NEW_CLAUSE_AFTER_AND


def _is_break(tokens: Sequence[_Token], i: int) -> bool:
    return clause_break(tokens[i].text, tokens[i + 1].text if i + 1 < len(tokens) else "")


def _adverb_back(tokens: Sequence[_Token], i: int) -> bool:
    """Whether "back" at ``i`` is the adverb ("came back from holiday", "the pain is back"),
    not the body part (see :data:`~marketplace.matching.phrases.ADVERB_BACK_AFTER`)."""
    before = tokens[i - 1].text if i else ""
    after = tokens[i + 1].text if i + 1 < len(tokens) else ""
    if after in BACK_NOUN_AFTER:
        return False
    return before in ADVERB_BACK_AFTER or (after in ADVERB_BACK_BEFORE and before not in BACK_SAID_BEFORE)


_OTHER_PART_STEMS = frozenset(stem(w) for w in OTHER_BODY_PARTS)
_PART_STEMS = _OTHER_PART_STEMS | {stem("back"), stem("spine"), stem("lumbar")}


def _said_of_another_part(tokens: Sequence[_Token], i: int, stems: Sequence[str]) -> bool:
    """Whether the word at ``i``, not itself a part of the body, comes right after another
    part (stop words aside) that the phrase of ``stems`` does not name: "neck hurts", "knee
    is sore" (not the back of "neck and back")."""
    if tokens[i].text == "back" or tokens[i].text in OTHER_BODY_PARTS:
        return False
    for j in range(i - 1, max(i - 3, -1), -1):
        word = tokens[j].text
        if word in STOPWORDS:
            continue
        return word in OTHER_BODY_PARTS and stem(word) not in stems
    return False


def _negated_list(tokens: Sequence[_Token], comma: int, first: int) -> bool:
    """"No fever, weakness or numbness": a short list opened by a negation carries it
    across commas. Only bare items count, so "no fever, my legs are weak" stays apart, and
    only a list that goes on with "or" (or "nor"): "no fever, lower back pain" tells what
    is wrong after what is not."""
    between = [t.text for t in tokens[comma + 1:first]]
    if len(between) > 2 or any(t in NEW_CLAUSE_AFTER_AND or t in FIRST_PERSON or t in NOT_A_LIST for t in between):
        return False
    end = comma + 1
    while end < len(tokens) and (tokens[end].text == "," or not _is_break(tokens, end)):
        end += 1
    if not any(t.text in ("or", "nor") for t in tokens[comma + 1:end]):
        return False
    while True:
        b = comma - 1
        while b >= 0 and not _is_break(tokens, b):
            b -= 1
        segment = [t.text for t in tokens[b + 1:comma]]
        if 1 < len(segment) <= 3 and segment[0] in NEGATION_CUES:
            return True
        if b < 0 or tokens[b].text != "," or not 0 < len(segment) <= 2 \
                or any(t in NEW_CLAUSE_AFTER_AND or t in FIRST_PERSON for t in segment):
            return False
        comma = b


Negation = Literal["", "negated", "unsure"]


def _negated(tokens: Sequence[_Token], first: int, last: int) -> Negation:
    """"negated" when a negation cue governs tokens[first..last]: a cue in the few words
    before it in the same clause ("I don't have a fever"), or a "fine"/"normal"/"no" after
    it ("bladder is fine", "Fever: no"). "unsure" when the cue before it stands before an
    "and" ("no fever and numbness in the groin" may deny both, or only the fever), unless
    what follows the "and" speaks of the seeker ("no fever and can't control my bladder"),
    which states it. "" otherwise."""
    seen, across_and = 0, -1
    for j in range(first - 1, -1, -1):
        if _is_break(tokens, j):
            if tokens[j].text == "," and _negated_list(tokens, j, first) or _post_negated(tokens, last):
                return "negated"
            return ""
        t = tokens[j].text
        if t in NEGATION_ENDS_AT:
            break
        if t == "and" and across_and < 0:
            across_and = j
        nxt = tokens[j + 1].text if j + 1 < len(tokens) else ""
        if t == "without" and any(tok.text in _CANT_WORDS for tok in tokens[max(j - 4, 0):j]):
            continue  # "can't stand up without my legs buckling" says they buckle
        if (t in NEGATION_CUES and nxt not in NOT_NEGATING_BEFORE) or (t == "off" and j and tokens[j - 1].text in ("came", "come")):
            if across_and < 0:
                return "negated"
            said = {tok.text for tok in tokens[across_and + 1:last + 1]}
            if said & _OF_THE_SEEKER or t == "no" and _said_of_itself(tokens, first):
                return ""  # "no fever and can't control my bladder"; "no weakness and incontinent since Monday"
            return "unsure"
        seen += 1
        if seen >= NEGATION_WINDOW:
            break
    return "negated" if _post_negated(tokens, last) else ""


_OF_THE_SEEKER = FIRST_PERSON | {"my"}
# Words that say how the seeker is, which a "no" cannot deny ("no weakness and incontinent
# since Monday" says they are), when nothing they describe follows ("no pain and weak legs"
# may deny weak legs).
_HOW_ONE_IS = frozenset("incontinent numb feverish weak unsteady".split())
_AFTER_HOW_ONE_IS = frozenset("""since for in at around between down all from after today now yesterday again and
    but""".split())


def _said_of_itself(tokens: Sequence[_Token], first: int) -> bool:
    """Whether the mention at ``first`` starts with a word of :data:`_HOW_ONE_IS` that
    describes no word after it ("numb in the groin", not "weak legs")."""
    nxt = tokens[first + 1].text if first + 1 < len(tokens) else ""
    return tokens[first].text in _HOW_ONE_IS and (not nxt or nxt in _PUNCT or nxt in _AFTER_HOW_ONE_IS)


_CANT_WORDS = frozenset("can't cant cannot couldn't couldnt unable".split())
_NO_AFTER = frozenset("no nil none nahi nahin nai nhi".split())  # "Fever: no", "fever nahi hai"
# What may follow that "no": the end of the text or a clause, or Hindi "is"/"was"/"am"/"take".
_AFTER_NO_AFTER = frozenset("and or but hai hain he h tha thi hoon hu hun leta leti lete".split())


def _post_negated(tokens: Sequence[_Token], last: int) -> bool:
    """"Bladder is fine", "fever free", "fever negative"; and a bare "no" (or Hindi "nahi")
    right after the word, as checklists write it: "Fever: no", "Fever? No.", "fever - no"
    (but "not fine": "bladder not ok" denies nothing)."""
    after = tokens[last + 1:last + 4]
    if after and after[0].text in (":", "?"):  # "Fever: no", "Fever? No."
        after = after[1:]
    if after and after[0].text in _NO_AFTER and (len(after) == 1 or after[1].text in _PUNCT
                                                  or after[1].text in _AFTER_NO_AFTER):
        return True
    for j in range(last + 1, min(last + 6, len(tokens))):
        if _is_break(tokens, j):
            break
        t, nxt = tokens[j].text, (tokens[j + 1].text if j + 1 < len(tokens) else "")
        if t in NEGATING_AFTER and tokens[j - 1].text not in NEGATION_CUES:
            return True
        if t == "no" and nxt.startswith(("problem", "issue", "change")):
            return True
    return False


# A pain that was ("I used to get sciatica", "my sciatica is gone") ranks after one that is.
_PAST_AFTER = ("is gone", "has gone", "went away", "has gone away", "cleared up", "has cleared", "cleared",
               "healed", "resolved", "got better", "is better", "settled", "has settled", "was fixed", "is fixed")
_PAST_AFTER_TOKENS = tuple(tuple(p.split()) for p in _PAST_AFTER)
_BACK_AGAIN = re.compile(r"\b(?:again|(?:come|came|coming|comes) back|is back|it'?s back|returned)\b")


def _said_as_past(tokens: Sequence[_Token], first: int, last: int) -> bool:
    """Whether the words at tokens[first..last] speak of a pain that is over: "used to"
    before them in their clause, or "is gone", "cleared up", "healed"... right after."""
    j = first - 1
    while j >= 1 and not _is_break(tokens, j):
        if tokens[j - 1].text in ("used", "use") and tokens[j].text == "to":
            return True
        j -= 1
    after = tuple(t.text for t in tokens[last + 1:last + 4])
    return any(after[:len(p)] == p for p in _PAST_AFTER_TOKENS)


def _about_someone_else(tokens: Sequence[_Token], first: int) -> bool:
    """"My mum had cancer": a family member, not "I", is the subject of the clause ("dad" in
    "my dad's back pain", "old" in "my 10 year old's back" too)."""
    for j in range(first - 1, -1, -1):
        if _is_break(tokens, j) or tokens[j].text in FIRST_PERSON:
            return False
        if _person(tokens, j) is not None:
            return True
    return False


def _person(tokens: Sequence[_Token], j: int, pronouns: frozenset[str] = frozenset()) -> str | None:
    """The person token ``j`` names, other than "I" (or one of ``pronouns``), if any."""
    word = tokens[j].text.removesuffix("'s")
    if word in OTHER_PEOPLE or word in pronouns or (tokens[j].text == "old's" and j and tokens[j - 1].text == "year"):
        return word
    return None


def _whose(tokens: Sequence[_Token], first: int) -> str | None:
    """Whose the pain told of at ``first`` is: "i" ("my back hurts", "I have back pain"),
    someone else's ("dad" in "my dad's back pain", "he" in "he has back pain"; a clause that
    opens with its verb goes on with the subject before it), or None when the words do not
    say ("..., back pain")."""
    for j in range(first - 1, -1, -1):
        if _is_break(tokens, j) and not _no_subject(tokens, j + 1, first):
            return None
        if tokens[j].text in FIRST_PERSON or tokens[j].text == "my":
            return "i"
        if (word := _person(tokens, j, _THIRD_PERSON)) is not None:
            return word
    return None


# A clause that opens with one of these (after "now", "then"...) goes on with the subject
# before it: "my mum had breast cancer and now has back pain" is mum's pain.
_SUBJECT_GOES_ON = frozenset("has have had is was gets got feels felt complains suffers having keeps".split())


def _no_subject(tokens: Sequence[_Token], start: int, end: int) -> bool:
    """Whether the clause from ``start`` has no subject of its own before ``end``: it opens
    with a verb, the subject of the clause before going on."""
    for token in tokens[start:end]:
        if token.text not in ("now", "then", "also", "still", "and", "so"):
            return token.text in _SUBJECT_GOES_ON
    return False


# Words that tell of a pain, and the people one seeks care for (not a pet, a patient or a boss)
_PAIN_WORDS = frozenset("""pain pains painful ache aches aching achy hurt hurts hurting sore stiff stiffness spasm
    spasms sciatica""".split())
_THIRD_PERSON = frozenset("he she they his her their him them".split())
_CARED_FOR = OTHER_PEOPLE - {"dog", "cat", "pet", "puppy", "horse", "patient", "patients", "client", "clients", "boss",
                             "colleague"} | {"old"} | _THIRD_PERSON


_Others = Literal["screen", "ask", "drop"]


def _of_others(tokens: Sequence[_Token]) -> _Others:
    """What to make of a red flag told of someone else, from whose pains the words tell of:
    "screen" it when a pain is someone's one seeks care for and none is the seeker's own ("my
    dad has back pain and a fever", "kids physio for back pain after a fall", "dad fell off a
    ladder, his back hurts": the search is for them); "ask" when the words say whose no pain
    is ("my dad can't move his legs, back pain"); else "drop" it ("my mum had cancer, I have
    back pain")."""
    whose = [_whose(tokens, i) for i, t in enumerate(tokens) if t.text in _PAIN_WORDS]
    if "i" in whose:
        return "drop"
    if any(who in _CARED_FOR for who in whose):
        return "screen"
    return "ask" if None in whose else "drop"


def _scope_span(tokens: Sequence[_Token], first: int, last: int) -> tuple[int, int]:
    lo, hi = first, last
    while lo > 0 and not _is_break(tokens, lo - 1):
        lo -= 1
    while hi + 1 < len(tokens) and not _is_break(tokens, hi + 1):
        hi += 1
    return tokens[lo].start, tokens[hi].end


# --- Concern matching --------------------------------------------------------------------
@dataclass(frozen=True)
class ConcernMatch:
    """One concern the text points at; ``confidence`` in 0..1, ``phrase`` the best phrase
    that matched (the concern slug itself when the input was a slug or name)."""

    slug: str
    confidence: float
    phrase: str


@dataclass(frozen=True)
class ConcernSuggestion:
    slug: str
    name: str


@dataclass(frozen=True)
class _Compiled:
    phrase: Phrase
    stems: tuple[str, ...]


class ConcernMatcher:
    """Matches text against a fixed phrase list. Build once (``build_matcher``), reuse:
    it holds no per-request state and is safe to share between threads."""

    MIN_FUZZY_LEN = 6  # typos are tolerated only in longer words ("spasams", "sciatia")

    def __init__(self, phrases: Iterable[Phrase], concern_names: Mapping[str, str],
                 common: Sequence[str]) -> None:
        self.concern_names = dict(concern_names)
        self.common = tuple(s for s in common if s in self.concern_names)
        compiled: dict[tuple[str, tuple[str, ...]], _Compiled] = {}
        for p in phrases:
            stems = tuple(stem(t.text) for t in _tokens(normalise(p.text))
                          if t.text not in _PUNCT and t.text not in STOPWORDS)
            key = (p.concern_slug, stems)
            if stems and (key not in compiled or compiled[key].phrase.weight < p.weight):
                compiled[key] = _Compiled(p, stems)  # duplicates: keep the stronger weight
        self._phrases = tuple(compiled.values())
        self._vocab = frozenset(s for c in self._phrases for s in c.stems)
        self._by_concern: dict[str, set[str]] = {}
        for c in self._phrases:
            self._by_concern.setdefault(c.phrase.concern_slug, set()).update(c.stems)
        for slug, name in self.concern_names.items():
            self._by_concern.setdefault(slug, set()).update(
                stem(t.text) for t in _tokens(normalise(name)) if t.text not in _PUNCT | STOPWORDS)
        # How many concerns use each word: "pain" says little about which one, "hip" a lot.
        self._spread = Counter(w for words in self._by_concern.values() for w in words)
        self._names = {normalise(n): s for s, n in self.concern_names.items()}
        self._answers: Memo[tuple[ConcernMatch, ...]] = Memo()

    def _content(self, tokens: Sequence[_Token]) -> list[tuple[str, int, bool]]:
        """(stem, token index, typo-corrected?) for each content word ("back" only where
        it is the body part)."""
        out = []
        for i, t in enumerate(tokens):
            if t.text in _PUNCT or t.text in STOPWORDS or (t.text == "back" and _adverb_back(tokens, i)):
                continue
            s, fuzzy = stem(t.text), False
            if s not in self._vocab and len(t.text) >= self.MIN_FUZZY_LEN:
                # (a slip keeps the first letter: "trained" is no mistyped "strained")
                near = sorted(v for v in self._vocab if len(v) >= 5 and v[0] == s[0] and within_one_edit(s, v))
                if near:
                    s, fuzzy = near[0], True
            out.append((s, i, fuzzy))
        return out

    def match(self, text: str, *, limit: int = 5, min_confidence: float = 0.35) -> list[ConcernMatch]:
        """Concerns ranked by confidence (ties in phrase-list order); ``[]`` if none. The
        answer for a text is kept (people describe the same pains in the same words)."""
        return list(self._answers.get((text, limit, min_confidence), lambda: tuple(
            self._match(text, limit=limit, min_confidence=min_confidence))))

    def _match(self, text: str, *, limit: int, min_confidence: float) -> list[ConcernMatch]:
        raw = (text or "").strip().lower()
        if not raw:
            return []
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if parts and all(p in self.concern_names for p in parts):  # slugs: an exact answer
            return [ConcernMatch(p, 1.0, p) for p in dict.fromkeys(parts)][:limit]
        norm = normalise(text)
        if norm in self._names:
            return [ConcernMatch(self._names[norm], 1.0, text.strip())]
        tokens = _tokens(norm)
        content = self._content(tokens)
        stems = [c[0] for c in content]
        first_at: dict[str, int] = {}
        for k, s in enumerate(stems):
            first_at.setdefault(s, k)
        hits: list[tuple[float, int, _Compiled, frozenset[int], bool]] = []
        apart: set[int] = set()  # hits (by order) whose words were gathered from across the text
        for order, c in enumerate(self._phrases):
            if not all(s in first_at for s in c.stems):
                continue
            n, quality, where = len(c.stems), 0.85, [first_at[s] for s in c.stems]
            for k in range(len(stems) - n + 1):
                # the words in order, stop words aside, in one clause ("my shoulder hurts and
                # my back is stiff" does not say "hurt my back")
                if tuple(stems[k:k + n]) == c.stems and not any(
                        _is_break(tokens, j) for j in range(content[k][1] + 1, content[k + n - 1][1])):
                    quality, where = 1.0, list(range(k, k + n))
                    break
            else:
                apart.add(order)
            if any(content[k][2] for k in where):
                quality *= 0.9
            idx = [content[k][1] for k in where]
            if _negated(tokens, min(idx), max(idx)) == "negated":  # "no fever and lower back pain" is back pain
                continue
            # Words gathered from across the text: each must be meant ("back pain but no
            # spasm" is not a back spasm).
            if order in apart and any(_negated(tokens, i, i) == "negated" for i in idx):
                continue
            # ...and said of one thing: "my hamstring is tight and my lower back aches" is not
            # a tight back (no clause break between them), and in "my neck hurts when I sleep
            # on my back" the hurt is the neck's.
            if order in apart and (any(_is_break(tokens, j) for j in range(min(idx) + 1, max(idx)))
                                   or any(_said_of_another_part(tokens, i, c.stems) for i in idx)):
                continue
            hits.append((c.phrase.weight * quality, order, c, frozenset(idx),
                         _said_as_past(tokens, min(idx), max(idx))))
        # The longer phrase says where: in "upper back pain", "back pain" is not also lower
        # back pain or a back spasm. A phrase whose words all belong to a longer matched
        # phrase counts only for that phrase's concern.
        hits = [h for h in hits if not any(h[3] < g[3] and g[2].phrase.concern_slug != h[2].phrase.concern_slug
                                           for g in hits)]
        # A phrase naming no part of the body speaks of the back ("spasm keeps coming back"):
        # not when its words are another part's ("neck spasm keeps coming back").
        hits = [h for h in hits if not any(
            h[3] & g[3] and g[2].phrase.concern_slug != h[2].phrase.concern_slug and _OTHER_PART_STEMS & set(g[2].stems)
            and not _PART_STEMS & set(h[2].stems) for g in hits)]
        # Likewise words gathered from across the text that phrases of other concerns, each
        # read as written, already account for: in "stiff neck and upper back pain", "stiff"
        # and "back" are not also a stiff back.
        hits = [h for h in hits if h[1] not in apart or not h[3] <= frozenset().union(*(
            g[3] for g in hits if g[1] not in apart and g[2].phrase.concern_slug != h[2].phrase.concern_slug))]
        hits.sort(key=lambda h: (-h[0], h[1]))
        best: dict[str, tuple[float, str, int]] = {}
        covered: dict[str, set[int]] = {}
        past: dict[str, bool] = {}  # every mention of the concern speaks of it as over
        for conf, order, c, idx, was in hits:
            slug = c.phrase.concern_slug
            past[slug] = past.get(slug, True) and was
            if slug not in best:
                best[slug], covered[slug] = (conf, c.phrase.text, order), set(idx)
            elif not idx <= covered[slug]:  # independent evidence: noisy-or it in
                old, text_, o = best[slug]
                best[slug] = (1 - (1 - old) * (1 - conf), text_, o)
                covered[slug] |= idx
        if _BACK_AGAIN.search(norm):  # "used to get sciatica and it's back": not over after all
            past = {}
        ranked = sorted(best.items(), key=lambda kv: (past.get(kv[0], False), -kv[1][0], kv[1][2]))
        return [ConcernMatch(s, round(min(conf, 1.0), 3), ph) for s, (conf, ph, _) in ranked
                if conf >= min_confidence][:limit]

    def suggest(self, text: str, *, limit: int = 4) -> list[ConcernSuggestion]:
        """A few concerns to offer: matches first, then closest by shared (or nearly
        shared) words, then the most common concerns. Never empty when any are known."""
        chosen = [m.slug for m in self.match(text, limit=limit, min_confidence=0.2)]
        words = {stem(t.text) for t in _tokens(normalise(text or "")) if t.text not in _PUNCT | STOPWORDS} - _SAYS_NO_CONCERN
        vocab = sorted(self._vocab)
        near: set[str] = set()  # words close to an unknown one ("pian" → "pain"), worth half
        for w in words - self._vocab:
            if len(w) >= 4:
                near.update(difflib.get_close_matches(w, vocab, n=3, cutoff=0.75))
        near -= words

        def weight(v: set[str]) -> float:
            return sum(1 / self._spread[w] for w in words & v) + sum(.5 / self._spread[w] for w in near & v)

        # Concerns sharing the rarest words first; among equals, the more common concern.
        usual = {slug: k for k, slug in enumerate(self.common)}
        overlap = sorted(((weight(v), slug) for slug, v in self._by_concern.items() if (words | near) & v),
                         key=lambda x: (-round(x[0], 9), usual.get(x[1], len(usual))))
        for slug in [s for _, s in overlap] + list(self.common) + list(self.concern_names):
            if slug not in chosen and slug in self.concern_names:
                chosen.append(slug)
        return [ConcernSuggestion(s, self.concern_names[s]) for s in chosen[:limit]]


# Words of some phrases that say nothing of which concern on their own: "my back for a week"
# shares "week" with "weeks pregnant" and nothing with the back's phrases.
_SAYS_NO_CONCERN = frozenset(stem(w) for w in """day days week weeks month months year years since ago yesterday today
    hospital doctor night morning post""".split())  # ("post surgery" is no "post natal")


def build_matcher(phrases: Iterable[Phrase] = DEFAULT_PHRASES, *,
                  concern_names: Mapping[str, str] = CONCERN_NAMES,
                  common: Sequence[str] = COMMON_CONCERNS) -> ConcernMatcher:
    """Compile ``phrases`` (seed data or rows from the admin table). Phrases naming a slug
    missing from ``concern_names`` are kept: the caller decides which concerns exist."""
    return ConcernMatcher(phrases, concern_names, common)


# --- Screening for red flags and cautions -----------------------------------------------------
Verdict = Literal["stated", "unclear", "negated", "dropped"]


@dataclass(frozen=True)
class Signal:
    """One hit of a red-flag or caution pattern and what was made of it (for explaining)."""

    code: str
    verdict: Verdict
    text: str


@dataclass(frozen=True)
class Screening:
    """What the text says about safety. ``unclear`` holds red-flag *and* caution codes that
    are mentioned but not settled (ask the seeker); a code is never in two sets."""

    red_flags: frozenset[str] = frozenset()
    unclear: frozenset[str] = frozenset()
    cautions: frozenset[str] = frozenset()
    signals: tuple[Signal, ...] = field(default=(), compare=False)
    unreadable: str = ""  # the first word in a script this reader cannot read (then every red flag is asked)
    # Whether the words may be about someone the seeker searches for: "screen" when every
    # pain told of is someone's one seeks care for ("my dad has back pain and a fever"), "ask"
    # when something of someone else's was asked about, whose pain the words do not say
    others: str = field(default="drop", compare=False)

    @property
    def is_urgent(self) -> bool:
        return bool(self.red_flags)

    @property
    def unclear_red_flags(self) -> frozenset[str]:
        return self.unclear & frozenset(RED_FLAGS)

    @property
    def unclear_cautions(self) -> frozenset[str]:
        return self.unclear & frozenset(CAUTIONS)


_RULES = tuple((r, re.compile(r.pattern)) for r in SIGNAL_RULES)
_CONTEXTS = {code: (ctx, {k: re.compile(getattr(ctx, k)) for k in ("drop_if", "keep_if", "past_if", "unclear_if")
                          if getattr(ctx, k)}) for code, ctx in SIGNAL_CONTEXTS.items()}
_RECENT, _PAST, _HEDGE = re.compile(RECENT_MARKERS), re.compile(PAST_MARKERS), re.compile(HEDGES)
# After a mention, in its sentence: and it is over now. Only for what can be over: a
# history of cancer, weight lost, a pregnancy or an implant stay what they are, and an
# injury's risk (a fracture) is not over because the seeker feels fine (one long ago is
# set aside by its own rule).
_CAN_BE_OVER = frozenset({"fever", "bladder-bowel", "saddle-numbness", "leg-weakness"})
_OVER_NOW = re.compile(r"\b(?:(?:fine|ok|okay|normal|all good|no (?:problems?|issues?)|resolved|sorted|cleared) now|"
                       r"now (?:fine|ok|okay|normal|resolved|sorted)|(?:fully )?recovered|no (?:problems?|issues?) since)\b")
_SENTENCE_END = re.compile(r"[.!?;]")


def _first_token(starts: Sequence[int], m: re.Match[str]) -> int:
    """The token a match starts in."""
    return max(bisect.bisect_right(starts, m.start()) - 1, 0)


def _judge(rule: SignalRule, m: re.Match[str], norm: str, tokens: Sequence[_Token],
           starts: Sequence[int], ends: Sequence[int], others: _Others = "drop") -> Verdict:
    first = _first_token(starts, m)
    last = max(bisect.bisect_left(ends, m.end()), first)
    last = min(last, len(tokens) - 1)
    if rule.strength == "ask":  # another language: only "no bukhar" is read, the rest asks
        return "negated" if first > 0 and tokens[first - 1].text in NEGATION_CUES else "unclear"
    negation = _negated(tokens, first, last)
    if negation == "negated":
        return "negated"
    if others != "screen" and _about_someone_else(tokens, first):
        return "dropped" if others == "drop" else "unclear"
    s_lo = max((e.end() for e in _SENTENCE_END.finditer(norm, 0, m.start())), default=0)
    end = _SENTENCE_END.search(norm, m.end())
    sentence = norm[s_lo:end.end() if end else len(norm)]
    ctx, rx = _CONTEXTS.get(rule.code, (SignalContext(rule.code), {}))
    where = norm if ctx.whole_text else sentence
    if "drop_if" in rx and rx["drop_if"].search(where) and not ("keep_if" in rx and rx["keep_if"].search(where)):
        return "dropped"
    recent = bool(_RECENT.search(where))
    past = not recent and bool(_PAST.search(where) or ("past_if" in rx and rx["past_if"].search(where)))
    if past and ctx.when_past == "drop":
        return "dropped"
    over = rule.code in _CAN_BE_OVER and bool(_OVER_NOW.search(norm, m.end(), s_lo + len(sentence)))
    if over and past:
        return "dropped"  # "had bladder issues years ago, fine now": over, and said to be
    if rule.strength == "vague" or negation == "unsure" or over:
        return "unclear"  # (over lately: "a fever two days ago, fine now" asks)
    lo, hi = _scope_span(tokens, first, last)
    # A question of its own clause ("a pacemaker?"), not one asked after it ("I have a
    # pacemaker, is acupuncture safe?")
    if sentence.rstrip().endswith("?") and not re.search(r"[,;:]", norm[m.end():s_lo + len(sentence)]) \
            or _HEDGE.search(norm, lo, hi):
        return "unclear"
    if (ctx.needs_recent and not recent) or (past and ctx.when_past == "unclear"):
        return "unclear"
    if not recent and "unclear_if" in rx and rx["unclear_if"].search(where):
        return "unclear"
    return "stated"


_WORD_RUN = re.compile(r"[^\W\d_]+")
# Care sought for someone else ("need a physio for my dad", "for her"): what the words say of
# that person is what the search must screen, so it is no longer set aside as another's.
_FOR_SOMEONE = re.compile(r"\b(?:for|on behalf of) (?:him|her|them|my (?:%s))\b" % "|".join(
    sorted(OTHER_PEOPLE - {"dog", "cat", "pet", "puppy", "horse", "patient", "patients", "client", "clients", "boss",
                           "colleague"})))


def _unreadable(text: str) -> str:
    """The first word of ``text`` in a script other than the Latin alphabet (accents
    aside: "José" reads as "Jose"), or "". Screening reads English and Hinglish; a red flag
    written in Devanagari ("बुखार", fever) or any other script would pass unseen."""
    for word in _WORD_RUN.findall(unicodedata.normalize("NFKD", text)):
        if not "".join(ch for ch in word if not unicodedata.combining(ch)).isascii():
            return word
    return ""


_NOT_MENDED_FILE = Path(__file__).resolve().parent / "data" / "near_safety_words.json"
_SAFETY_BY_LETTER = {letter: tuple(sorted(w for w in SAFETY_WORDS if w[0] == letter))
                     for letter in {w[0] for w in SAFETY_WORDS}}
_LETTERS = re.compile(r"[a-z]{5,}")


@lru_cache(maxsize=1)
def _not_mended() -> frozenset[str]:
    """English words one slip from a safety word (devtools/build_safety_words.py)."""
    return frozenset(json.loads(_NOT_MENDED_FILE.read_text(encoding="utf-8"))["words"])


def mend_typos(norm: str) -> str:
    """Normalised text with each word one slip from a word of the red flags
    (:data:`~marketplace.matching.phrases.SAFETY_WORDS`), with the same first letter, mended
    to it ("numbnes between my legs", "history of cancar"), unless the slip is an English
    word itself ("cancel", "fewer")."""
    parts: list[str] = []
    last = 0
    for m in _LETTERS.finditer(norm):
        word = m.group()
        if word in SAFETY_WORDS or word[0] not in _SAFETY_BY_LETTER or word in _not_mended():
            continue
        hit = next((k for k in _SAFETY_BY_LETTER[word[0]]
                    if abs(len(k) - len(word)) <= 1 and within_one_edit(word, k)), None)
        if hit is not None:
            parts += [norm[last:m.start()], hit]
            last = m.end()
    return "".join(parts) + norm[last:] if parts else norm


@lru_cache(maxsize=4096)
def screen_text(text: str) -> Screening:
    """Red flags, cautions and unclear mentions in ``text``.

    A code is *stated* when a definite pattern matches and nothing around it negates,
    hedges ("maybe", a question) or dates it in a way that changes its meaning; a mere
    mention ("numb", "weak") or a hedged one is *unclear*. Negated mentions ("no fever",
    "bladder is fine") and ones about someone else ("my mum had cancer") count for nothing.
    """
    norm = mend_typos(normalise(text or ""))
    tokens = _tokens(norm)
    signals: dict[tuple[str, Verdict, str], Signal] = {}
    unread = _unreadable(text or "")
    if unread:  # words in a script this reader cannot read: ask every red-flag question
        signals.update({(code, "unclear", unread): Signal(code, "unclear", unread) for code in RED_FLAGS})
    if not tokens:
        return Screening(unclear=frozenset(RED_FLAGS) if unread else frozenset(), signals=tuple(signals.values()),
                         unreadable=unread)
    starts, ends = [t.start for t in tokens], [t.end for t in tokens]
    others: _Others = "screen" if _FOR_SOMEONE.search(norm) else _of_others(tokens)
    asked_of_others = False  # (only "ask": a red flag of someone else's, asked about)
    for rule, rx in _RULES:
        for m in rx.finditer(norm):
            verdict = _judge(rule, m, norm, tokens, starts, ends, others)
            signals.setdefault((rule.code, verdict, m.group()), Signal(rule.code, verdict, m.group()))
            if others == "ask" and verdict == "unclear" and not asked_of_others:
                asked_of_others = _about_someone_else(tokens, _first_token(starts, m))
    if others == "ask" and not asked_of_others:
        others = "drop"
    stated = {s.code for s in signals.values() if s.verdict == "stated"}
    unclear = {s.code for s in signals.values() if s.verdict == "unclear"} - stated
    return Screening(red_flags=frozenset(stated & RED_FLAGS.keys()), unclear=frozenset(unclear),
                     cautions=frozenset(stated & CAUTIONS.keys()), signals=tuple(signals.values()), unreadable=unread,
                     others=others)


# A stiff neck told of in the words ("stiff neck", "neck stiffness", "can't bend my neck"),
# not turned down ("no stiff neck"): with a fever, a sign of meningitis (see urgent_advice).
_STIFF_NECK = re.compile(
    r"(?<!\bno )(?<!\bnot )(?<!\bwithout )\b(?:(?:stiff|stiffness (?:in|of))\s+(?:(?:my|his|her|the)\s+)?"
    r"neck|neck\s+(?:is\s+|feels\s+|has\s+gone\s+|went\s+)?(?:very\s+|so\s+|really\s+)?stiff(?:ness)?|"
    r"(?:can'?t|cannot|unable to)\s+(?:bend|move|turn|lower)\s+(?:my|his|her)\s+(?:head|neck)|"
    r"gardan\s+(?:mein\s+|me\s+)?aka?d\w*)\b")


def tells_of_a_stiff_neck(text: str) -> bool:
    """Whether ``text`` tells of a stiff neck, read as screening reads words (a curly
    apostrophe, a hyphen: "can’t bend my neck", "stiff-neck")."""
    return bool(_STIFF_NECK.search(normalise(text or "")))


@dataclass(frozen=True)
class Understanding:
    """Everything the search needs from one free-text box."""

    concerns: list[ConcernMatch]
    screening: Screening
    suggestions: list[ConcernSuggestion]


def understand(text: str, matcher: ConcernMatcher) -> Understanding:
    """Concerns, screening and (when no concern matched) suggestions for ``text``."""
    concerns = matcher.match(text)
    return Understanding(concerns, screen_text(text), [] if concerns else matcher.suggest(text))
