"""Build ``marketplace/matching/data/near_safety_words.json``: English words one slip from a
word the safety screening reads.

Screening reads a red flag's words mistyped as seekers type them ("numbnes between my legs",
"history of cancar"; see ``marketplace.matching.understanding.mend_typos``). Some ordinary
words are one slip from such a word ("cancel": cancer, "fewer": fever, "groan": groin), and
read as it they would raise an alarm nobody raised; so this script keeps, once, every English
word (and its plural, past and -ing forms) within one slip of one of
``marketplace.matching.phrases.SAFETY_WORDS`` with the same first letter, which screening then
never mends.

    .venv/bin/pip install english-words==2.0.2
    .venv/bin/python -m devtools.build_safety_words

The words are the ``web2`` list of english-words (MIT; the list itself is Webster's Second
International, in the public domain). Run it again when SAFETY_WORDS changes.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from english_words import get_english_words_set

from devtools.build_ordinary_words import forms, write
from marketplace.core.spelling import within_one_edit
from marketplace.matching.phrases import SAFETY_WORDS

OUT = Path(__file__).resolve().parent.parent / "marketplace" / "matching" / "data" / "near_safety_words.json"


def build() -> dict:
    # (with comparatives too: "fewer" is no mistyped "fever")
    words = {form for word in get_english_words_set(["web2"], lower=True, alpha=True)
             for form in forms(word) | {word + "er", word + "r"}}
    kept = sorted(w for w in words if w not in SAFETY_WORDS
                  and any(w[0] == k[0] and within_one_edit(w, k) for k in SAFETY_WORDS))
    return {
        "about": "English words one slip from a word safety screening reads: never mended into it "
                 "(devtools/build_safety_words.py).",
        "english_words": version("english-words"),
        "words": kept,
    }


if __name__ == "__main__":
    write(build(), OUT)
