"""What reading a seeker's words costs: each reader of ``q`` on a text it has not seen.

The search reads its free text for a concern (and screens it), then for a therapy and a
kind of place (session 24), a way of being seen, a language and a town (session 25), a
budget (session 26), the practitioner's gender (session 27) and how far the seeker will go
(session 32); since session 33 a town may be mistyped ("physio in banglore"), and since
session 35 written in lower case with no "in" ("physio leeds"); since session 36 the
therapies the words turn down ("no acupuncture", "scared of needles") are read too (the
"turned down" row reads the therapies again, which the search does once for both), and
for wishes no search meets ("an NHS physio", "open on Sunday").
Each reading is kept per text and process, so a repeated text costs a lookup; this prints
what a new text costs each reader (median and worst over the bench's own texts, and over
texts that name all of them), in microseconds. Nothing is mocked; no database. Since
session 31 the readers share one normalising of the text (kept per text): its cost, paid
once per new text, is the first row, and the readers' rows are what each adds to it.

    .venv/bin/python bench/text_readers.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import TEXTS  # noqa: E402

from marketplace.geo.gazetteer import OfflineGazetteer, _misspelt  # noqa: E402
from marketplace.matching import care_words  # noqa: E402
from marketplace.matching.care_words import (  # noqa: E402
    VENUE_VOCABULARY, asked_budget, asked_gender, asked_language, asked_mode, asked_place, asked_radius,
    read_mentions, therapy_words,
)
from marketplace.matching.phrases import MODALITY_NAMES, TECHNIQUE_MODALITY, TECHNIQUE_NAMES  # noqa: E402
from marketplace.matching.understanding import normalise  # noqa: E402

NAMING = ["an online physio who speaks Hindi, in Pune, for sciatica", "physio near me for my back",
          "a Tamil-speaking physio in Koramangala, Bangalore, home visits please",
          "sciatica physio home visit Pune under ₹1,500", "a female physio for my sciatica in Bangalore",
          "a physio within 5 km of Indiranagar, Bangalore", "lower back pain physio in banglore",
          # session 35: a town in lower case with no "in", a name after "near" the map lacks, a
          # distance from a place, a state in lower case
          "physio leeds for back pain", "chiropractor near heathrow", "massage 5 km from koramangala, bangalore",
          "ayurvedic retreat for back pain in kerala",
          # session 36: therapies turned down
          "sciatica but no acupuncture or dry needling please", "lower back pain, scared of needles",
          "NHS physio for sciatica, open on Sunday"]
REPEAT = 300


def timed(read: Callable[[str], object], texts: list[str]) -> tuple[float, float]:
    """Median and worst microseconds per reading over ``texts``."""
    each = []
    for text in texts:
        start = time.perf_counter()
        for _ in range(REPEAT):
            read(text)
        each.append((time.perf_counter() - start) / REPEAT * 1e6)
    return statistics.median(each), max(each)


def main() -> None:
    names = {**TECHNIQUE_NAMES, **MODALITY_NAMES}
    therapies, venues = therapy_words(names, names), VENUE_VOCABULARY
    gazetteer = OfflineGazetteer()
    gazetteer.warm()
    fresh = getattr(normalise, "cache_clear", lambda: None)
    # (since session 35 a town in lower case is told from a word by its own name, as the search does)
    plain_town = [gazetteer.plain_town_population] if hasattr(gazetteer, "plain_town_population") else []
    # (since session 39 also a state's code in lower case after a town: "austin tx")
    plain_town += [gazetteer.town_in_area] if hasattr(gazetteer, "town_in_area") else []
    readers: list[tuple[str, Callable[[str], object]]] = [
        ("normalise", lambda t: (fresh(), normalise(t))),
        ("therapy", lambda t: read_mentions(t, therapies).narrowings(TECHNIQUE_MODALITY)),
        ("kind of place", lambda t: read_mentions(t, venues).narrowing()),
        ("mode", asked_mode),
        ("language", asked_language),
        # as the search reads it; a mistyped town is kept per word, so that is forgotten too
        ("town", lambda t: (_misspelt.cache_clear(), asked_place(t, gazetteer.population_named, gazetteer.area_named,
                                                                 gazetteer.misspelt_town, *plain_town))),
        ("budget", asked_budget),
        ("gender", asked_gender),
        ("distance", asked_radius),
    ]
    if hasattr(care_words, "refused_doings"):  # (since session 36: what the words turn down)
        readers.append(("turned down", lambda t: (read_mentions(t, therapies).refusals(),
                                                   care_words.refused_doings(t))))
    if hasattr(care_words, "unmet_wishes"):  # (since session 36: wishes no search meets, said)
        readers.append(("unmet wishes", care_words.unmet_wishes))
    print(f"{'reader':<14} {'bench texts (µs)':>18} {'naming texts (µs)':>19}")
    total = [0.0, 0.0]
    for label, read in readers:
        plain, naming = timed(read, TEXTS), timed(read, NAMING)
        total[0] += plain[0]
        total[1] += naming[0]
        print(f"{label:<14} {plain[0]:>8.1f} / {plain[1]:>6.1f} {naming[0]:>9.1f} / {naming[1]:>6.1f}")
    print(f"{'all, median':<14} {total[0]:>8.1f} {total[1]:>18.1f}")


if __name__ == "__main__":
    main()
