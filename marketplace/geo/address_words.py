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


# Words for a street or a landmark after a name, which is then its own place, anywhere:
# Oxford Street is in London, Phoenix Mall in Chennai, Green Park in London or Delhi, and
# Liverpool Street station in London. Not the town of that name.
STREET_WORDS = frozenset("street st road rd lane avenue ave boulevard mall park square plaza place gardens bridge "
                         "bazaar chowk marg nagar colony layout".split())
# Words for where people arrive in a town, after its name: "Pune station", "Leeds station",
# "Delhi airport" are in or by that town (though "Victoria Station" is in London, not in
# Victoria): measured from the town's middle, and said so.
ARRIVAL_WORDS = frozenset("station airport terminal junction railway".split())
LANDMARK_WORDS = STREET_WORDS | ARRIVAL_WORDS


# A UK postcode's two halves: the district ("LS6", "SW19") and the rest ("3AB").
_UK_OUTWARD, _UK_INWARD = r"[a-z]{1,2}\d[a-z\d]?", r"\d[a-z]{2}"
# Postcodes as they are written: an Indian PIN ("560034", "560 034"), a US ZIP, a UK or a
# Canadian postcode. The offline gazetteer knows none; a configured geocoder may.
POSTCODE_FORMS = rf"[1-9]\d{{2}} ?\d{{3}}|\d{{5}}(?:-\d{{4}})?|{_UK_OUTWARD} ?{_UK_INWARD}|[a-z]\d[a-z] ?\d[a-z]\d"
# A postcode written after a town's name, as its words: a UK district, maybe with the rest
# ("Leeds LS6", "London SW19 1AA"), or an Indian PIN ("Mumbai 400050"). Not five digits,
# which after a town are as often a sum.
POSTCODE_AFTER_TOWN = re.compile(rf"{_UK_OUTWARD}(?: {_UK_INWARD})?|[1-9]\d{{5}}", re.IGNORECASE)


def postcode_words(words: list[str], start: int) -> int:
    """How many of ``words`` from ``start`` are a postcode after a town (see
    POSTCODE_AFTER_TOWN): 2, 1 or 0."""
    return next((k for k in (2, 1) if start + k <= len(words)
                 and POSTCODE_AFTER_TOWN.fullmatch(" ".join(words[start:start + k]))), 0)


def is_postcode(text: str) -> bool:
    """Whether ``text`` is a postcode alone, in one of the forms of POSTCODE_FORMS."""
    return re.fullmatch(POSTCODE_FORMS, text.strip(), re.IGNORECASE) is not None


# Countries people name by their initials, written in capitals ("physio in the UK", "I'm in
# the US"): whole countries, though most codes of two or three letters may be something else
# ("MG Road" is no Madagascar), and "us" in lower case is a pronoun.
COUNTRY_INITIALS = frozenset({"UK", "US", "USA", "UAE"})
