"""Hindi in Devanagari, spelt the way seekers type Hindi in Latin letters ("Hinglish").

"कमर में दर्द" becomes "kamar mein dard", so the concern phrases written for Hinglish read
Hindi script too. It is a reading aid for matching, not a scholarly transliteration:
long and short vowels are spelt alike (ā → a, ī → i, ū → u), as most people typing
Hinglish do, and the inherent vowel is dropped where Hindi drops it (word-final, and
between a vowel-consonant and a consonant-vowel: दबना → dabna, not dabana).

Screening does not rely on it: a word in Devanagari still makes every red-flag question
be asked (see ``understanding._unreadable``), because Hindi negates and sets tense after
the word ("बुखार नहीं है", no fever) in ways the English reader cannot follow.
"""

from __future__ import annotations

import re

__all__ = ["has_devanagari", "transliterate"]

_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n", "च": "ch", "छ": "chh", "ज": "j", "झ": "jh", "ञ": "n",
    "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n", "त": "t", "थ": "th", "द": "d", "ध": "dh", "न": "n",
    "प": "p", "फ": "ph", "ब": "b", "भ": "bh", "म": "m", "य": "y", "र": "r", "ल": "l", "ळ": "l", "व": "v",
    "श": "sh", "ष": "sh", "स": "s", "ह": "h",
    # with a nukta, precomposed
    "क़": "q", "ख़": "kh", "ग़": "g", "ज़": "z", "ड़": "d", "ढ़": "dh", "फ़": "f", "य़": "y",
}
# a consonant followed by the nukta sign (U+093C), as many keyboards type it
_NUKTA = {"क": "q", "ख": "kh", "ग": "g", "ज": "z", "ड": "d", "ढ": "dh", "फ": "f", "य": "y"}
_VOWELS = {  # independent vowels
    "अ": "a", "आ": "a", "इ": "i", "ई": "i", "उ": "u", "ऊ": "u", "ऋ": "ri", "ए": "e", "ऐ": "ai", "ओ": "o",
    "औ": "au", "ऑ": "o", "ऍ": "e",
}
_SIGNS = {  # dependent vowel signs (matras)
    "ा": "a", "ि": "i", "ी": "i", "ु": "u", "ू": "u", "ृ": "ri", "े": "e", "ै": "ai", "ो": "o", "ौ": "au",
    "ॉ": "o", "ॅ": "e",
}
_VIRAMA, _NUKTA_SIGN = "्", "़"
_NASAL = {"ं": "n", "ँ": "n"}  # anusvara, chandrabindu
_OTHER = {"ः": "h", "।": ".", "॥": ".", "ॐ": "om", **{chr(0x0966 + d): str(d) for d in range(10)}}
# Common words whose usual Hinglish spelling the rules would not give, and English words
# written in Devanagari.
_WORDS = {
    "में": "mein", "मैं": "main", "हैं": "hain", "नहीं": "nahi", "बाद": "baad", "गर्भवती": "garbhvati",
    "डिलीवरी": "delivery", "एक्सीडेंट": "accident", "बैक": "back", "पेन": "pain",
    "दिए": "diye",  # paid, gave: not the English "die"
}

_RUN = re.compile(r"[\u0900-\u097F]+")


def has_devanagari(text: str) -> bool:
    return _RUN.search(text) is not None


def _word(word: str) -> str:
    known = _WORDS.get(word)
    if known is not None:
        return known
    # Syllables as [consonants, vowel, vowel is the inherent "a"]; a bare consonant cluster
    # (before a virama) has vowel "" and is joined to what follows.
    units: list[list] = []
    tail = ""  # nasal, visarga and the like, after the unit they close
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch in _CONSONANTS:
            sound = _CONSONANTS[ch]
            if i + 1 < n and word[i + 1] == _NUKTA_SIGN:
                sound = _NUKTA.get(ch, sound)
                i += 1
            units.append([sound, "a", True])
        elif ch in _SIGNS and units and units[-1][2]:
            units[-1][1:] = [_SIGNS[ch], False]
        elif ch == _VIRAMA and units and units[-1][2]:
            units[-1][1:] = ["", False]
        elif ch in _VOWELS:
            units.append(["", _VOWELS[ch], False])
        elif ch in _NASAL or ch in _OTHER:
            if units:
                units[-1][1] += _NASAL.get(ch) or _OTHER[ch]
                units[-1][2] = False
            else:
                tail += _NASAL.get(ch) or _OTHER[ch]
        i += 1
    if not units:
        return tail
    # Schwa deletion: the last inherent vowel of a word of several syllables, then, right
    # to left, an inherent vowel between a vowel-consonant and a consonant-vowel.
    if len(units) > 1 and units[-1][2]:
        units[-1][1:] = ["", False]
    k = len(units) - 2
    while k >= 1:
        before, here, after = units[k - 1], units[k], units[k + 1]
        if here[2] and here[0] and before[1] and after[0] and after[1]:
            here[1:] = ["", False]
            k -= 2  # a vowel kept before it: never two deletions in a row
        else:
            k -= 1
    return tail + "".join(c + v for c, v, _ in units)


def transliterate(text: str) -> str:
    """``text`` with every run of Devanagari replaced by its Hinglish spelling."""
    return _RUN.sub(lambda m: _word(m.group()), text)
