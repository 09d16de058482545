"""Small pieces of English the pages and messages share."""

from __future__ import annotations

from collections.abc import Sequence


def in_a_list(items: Sequence[str]) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c" ("" for none)."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# Names kept capitalised mid-sentence (the first word of "Tui Na"): proper nouns
_PROPER = frozenset({"Ayurveda", "Tui", "Pilates"})


def mid_sentence(name: str) -> str:
    """A term's name as it reads mid-sentence: "Acute back spasm" → "acute back spasm",
    without a bracketed aside ("Disc-related pain (herniation, stenosis)" → "disc-related
    pain"); "IT band", "Ayurveda" and "Tui Na" stay as they are."""
    name = name.split(" (")[0]
    words = name.split()
    if (len(name) > 1 and name[1].isupper()) or (words and words[0] in _PROPER):
        return name
    return name[:1].lower() + name[1:]
