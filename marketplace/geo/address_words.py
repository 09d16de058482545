"""Words of addresses that both the gazetteer and the reading of a seeker's words know.

Pure data, so :mod:`marketplace.matching` may use it without the gazetteer."""

import re

# Words that number a part of a town or a building, next to their number: "Sector 62",
# "DLF Phase 3", "Koramangala 5th Block", "10th Main". They go with the number: "Sector"
# alone is a hamlet near Noida, not Gurgaon's Sector 14.
NUMBERED_PARTS = frozenset("sector sec phase ph block blk stage pocket ward zone plot flat house floor tower unit "
                           "apt apartment suite building bldg cross main no".split())


def numbered_part(words: list[str], k: int) -> bool:
    """Whether ``words[k]`` numbers a part of a town: one of NUMBERED_PARTS next to a
    word holding a digit."""
    return 0 <= k < len(words) and words[k] in NUMBERED_PARTS and any(
        0 <= j < len(words) and any(ch.isdigit() for ch in words[j]) for j in (k - 1, k + 1))


# Postcodes as they are written: an Indian PIN ("560034", "560 034"), a US ZIP, a UK or a
# Canadian postcode. The offline gazetteer knows none; a configured geocoder may.
POSTCODE_FORMS = r"[1-9]\d{2} ?\d{3}|\d{5}(?:-\d{4})?|[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}|[a-z]\d[a-z] ?\d[a-z]\d"


def is_postcode(text: str) -> bool:
    """Whether ``text`` is a postcode alone, in one of the forms of POSTCODE_FORMS."""
    return re.fullmatch(POSTCODE_FORMS, text.strip(), re.IGNORECASE) is not None


# Countries people name by their initials, written in capitals ("physio in the UK", "I'm in
# the US"): whole countries, though most codes of two or three letters may be something else
# ("MG Road" is no Madagascar), and "us" in lower case is a pronoun.
COUNTRY_INITIALS = frozenset({"UK", "US", "USA", "UAE"})
