"""The care a seeker asks for by name, in their own words: a therapy ("physio for
sciatica", "I'd like a deep tissue massage", "ayurvedic doctor for back pain"), the
kind of place ("a physio who does home visits"), how they want to be seen ("an online
consultation", "face to face"), the language they want to be seen in ("a Tamil-speaking
physio"), the town they want to be seen in ("a physio in Pune", "sciatica Pune"), the
most they will pay ("under ₹1,000", :func:`asked_budget`) and who they want to treat them
("a female physio", :func:`asked_gender`). Pure, and safe on any string.

:func:`read_mentions` finds each mention of a term of one vocabulary (therapies: the
curated words below and the names admins gave the terms, :func:`therapy_words`; kinds of
place: :data:`VENUE_VOCABULARY`; ways of being seen: :data:`MODE_VOCABULARY`; languages:
:func:`asked_language`) and whether the seeker asks for it or turns it down: "tried
physio, it didn't help", "not acupuncture", "I'm scared of needling". The search narrows
to what was asked only when the text leaves no doubt (:meth:`Reading.narrowing`); anything
else narrows nothing. What the seeker refuses ("no acupuncture", "anything but massage";
not what they had, doubt or compare) it leaves out (:meth:`Reading.refusals`, and needles
or cracking refused without a therapy named, :func:`refused_doings`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple, Protocol

from marketplace.core.money import MARKERS, parse_price
from marketplace.core.spelling import one_swap_apart
from marketplace.geo.address_words import (
    COUNTRY_INITIALS, LANDMARK_WORDS, POSTCODE_FORMS, numbered_part, postcode_words)
from marketplace.matching.devanagari import has_devanagari
from marketplace.matching.phrases import (
    DEFAULT_PHRASES, HEDGES, NEGATION_CUES, NOT_NEGATING_BEFORE, OTHER_BODY_PARTS, OTHER_PEOPLE, STOPWORDS,
)
from marketplace.matching.understanding import clause_break, normalise, stem, tokens_of

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
    "ayurvedic massage": "abhyanga", "ayurvedic oil massage": "abhyanga",  # Ayurveda's warm-oil massage
    # a technique named with the kind of care it is ("abhyanga massage" is no massage therapist's)
    "abhyanga massage": "abhyanga", "shiatsu massage": "shiatsu", "tui na massage": "tui-na",
    "cupping therapy": "cupping", "cupping massage": "cupping",
    "myofascial release": "myofascial-release", "gua sha": "gua-sha", "shiatsu": "shiatsu",
    "spinal manipulation": "spinal-manipulation", "clinical pilates": "clinical-pilates",
    # Hindi, in Latin letters and as Devanagari is spelt before reading ("मालिश" → "malish")
    "malish": "massage", "maalish": "massage", "ayurvedik": "ayurveda", "ayurved": "ayurveda", "vaid": "ayurveda",
    "vaidy": "ayurveda", "phijiyo": "physiotherapy", "phijiyotherepi": "physiotherapy", "fiziyo": "physiotherapy",
    "ekyupankchar": "acupuncture", "kaping": "cupping", "yog": "yoga-pilates",
    # wet cupping's Arabic and Urdu name, and Ayurveda's course of cleansing treatments
    "hijama": "cupping", "panchakarma": "ayurveda", "panchkarma": "ayurveda",
    # Ayurveda's treatments as Indian seekers name them (Kerala's oil and bolus therapies, marma)
    "shirodhara": "ayurveda", "pizhichil": "ayurveda", "njavara kizhi": "ayurveda", "njavarakizhi": "ayurveda",
    "elakizhi": "ayurveda", "ela kizhi": "ayurveda", "podikizhi": "ayurveda",
    "kizhi": "ayurveda", "marma therapy": "ayurveda", "marma chikitsa": "ayurveda", "greeva basti": "ayurveda",
    "griva basti": "ayurveda", "janu basti": "ayurveda",
    "naturopathy": "herbal-naturopathy-care", "naturopath": "herbal-naturopathy-care",
    "naturopathic": "herbal-naturopathy-care",
    # physiotherapists' own treatments, as seekers ask for them
    "ift": "physiotherapy", "interferential therapy": "physiotherapy", "ultrasound therapy": "physiotherapy",
    "spinal traction": "physiotherapy", "traction therapy": "physiotherapy", "tens therapy": "physiotherapy",
    "kinesio taping": "physiotherapy", "kinesiology taping": "physiotherapy", "kinesio tape": "physiotherapy",
    "k tape": "physiotherapy", "mckenzie method": "physiotherapy", "mckenzie exercises": "physiotherapy",
    "mckenzie therapy": "physiotherapy",
}
# Therapies this marketplace does not list, as seekers name them (wording -> the therapy's
# name in a sentence): a search for one says so, rather than silently listing others.
UNLISTED_THERAPY_WORDS: dict[str, str] = {
    "osteopath": "osteopathy", "osteopaths": "osteopathy", "osteopathy": "osteopathy", "osteopathic": "osteopathy",
    "reflexology": "reflexology", "reflexologist": "reflexology", "reiki": "reiki",
    "craniosacral": "craniosacral therapy", "cranio sacral": "craniosacral therapy",
    "homeopathy": "homeopathy", "homoeopathy": "homeopathy", "homeopath": "homeopathy", "homoeopath": "homeopathy",
    "homeopathic": "homeopathy", "homoeopathic": "homeopathy", "aromatherapy": "aromatherapy",
    "aromatherapist": "aromatherapy", "rolfing": "Rolfing", "bowen therapy": "Bowen therapy",
    "bowen technique": "Bowen therapy", "feldenkrais": "the Feldenkrais method",
    "alexander technique": "the Alexander technique", "unani": "Unani medicine", "hakim": "Unani medicine",
    "siddha": "Siddha medicine", "acupressure": "acupressure",
}
# Wishes no search here can meet, as seekers word them (wording -> what is wished): a search
# that asks for one says so, rather than silently ranking as if it had been met.
UNMET_WISH_WORDS: dict[str, str] = {
    **dict.fromkeys(("nhs", "on the nhs", "nhs physio", "nhs referral"), "nhs"),
    **dict.fromkeys(("insurance", "insurer", "health insurance", "covered by insurance", "bupa", "axa", "aviva",
                     "cigna", "medicare", "medicaid", "mediclaim", "cashless"), "insurance"),
    **dict.fromkeys(("free physio", "free physiotherapy", "free massage", "free treatment", "free session",
                     "free sessions", "free therapy", "free acupuncture", "free of cost", "free of charge", "for free",
                     "muft", "muft mein", "free mein", "free me"), "free"),
    **dict.fromkeys(("open on sunday", "open on sundays", "open on saturday", "open on saturdays", "open sunday",
                     "open saturday", "open on weekends", "open on the weekend", "open weekends", "open late",
                     "open now", "open today", "weekend appointment", "weekend appointments", "evening appointment",
                     "evening appointments", "sunday appointment", "saturday appointment", "same day appointment",
                     "same day appointments", "see me today", "see me tomorrow", "appointment today",
                     "appointment tomorrow", "available today", "available tomorrow", "today itself",
                     "early morning appointment", "late appointment", "urgent appointment", "appointment asap",
                     "asap", "as soon as possible", "earliest appointment", "next available appointment",
                     "soonest appointment"), "availability"),
    # (a low price: no order by price, but a budget can be set)
    **dict.fromkeys(("cheap", "cheaper", "cheapest", "affordable", "low cost", "low price", "low fees", "inexpensive",
                     "not expensive", "not too expensive", "reasonably priced", "reasonable price", "reasonable fees",
                     "budget friendly", "on a budget", "low budget", "tight budget", "sasta", "sasti", "saste",
                     "kam paise", "kam fees", "kam kharch", "can't afford", "cant afford", "cannot afford",
                     "can not afford", "afford much", "short of money", "low income"), "price"),
    **dict.fromkeys(("wheelchair", "wheelchair accessible", "step free", "step free access", "disabled access",
                     "accessible clinic", "with parking", "parking available", "free parking", "parking space",
                     "car parking", "car park", "ground floor", "lift access"), "access"),
    **dict.fromkeys(("best rated", "top rated", "highly rated", "well rated", "best reviewed", "good reviews",
                     "best reviews", "patient reviews", "with reviews", "ratings and reviews", "star rating",
                     "five star", "5 star"), "ratings"),
    **dict.fromkeys(("years of experience", "years experience", "most experienced", "very experienced",
                     "highly experienced", "someone experienced", "an experienced", "experienced physio",
                     "experienced physiotherapist", "experienced therapist", "experienced doctor",
                     "experienced practitioner", "experienced chiropractor", "experienced acupuncturist",
                     "experienced masseuse"), "experience"),
}
# The words of those names, none of which is a place's ("in Tui Na", "in Shiatsu", "in Reiki").
_THERAPY_TOKENS = frozenset(word for wording in THERAPY_WORDS for word in wording.split()) \
    | {wording for wording in UNLISTED_THERAPY_WORDS if " " not in wording}

# Before a mention, in its clause: the seeker is turning it down or telling what they had.
_DECLINED_BEFORE = frozenset(NEGATION_CUES | {
    "tried", "had", "did", "done", "went", "was", "were", "been", "hate", "hated", "scared", "afraid", "fear",
    "frightened", "terrified", "wary", "phobia",
    "instead", "rather", "than", "except", "besides", "avoid", "allergic", "stop", "dislike", "won't", "wont",
    "can't", "cant", "cannot",
})
# After a mention, in its clause: "physio didn't help", "acupuncture made it worse".
_DECLINED_AFTER = re.compile(
    r"^(?:\w+ ){0,4}?(?:didn'?t|did not|doesn'?t|does not|won'?t|wasn'?t|isn'?t|hasn'?t|never|no longer|"
    r"not (?:work|help)\w*|made (?:it|things|me|(?:my|the)(?: \w+){1,3}) worse|"
    r"(?:was|were|is|are|been) (?:of )?no (?:help|use|good)|useless|did nothing|"
    # Hindi puts "not" after the thing: "malish nahi chahiye", "physio se fayda nahi hua"
    r"nahi|nahin|nahee|mat)\b")
# Of what is not asked for, what the seeker refuses, which the search leaves out ("no
# acupuncture", "I don't want a chiropractor", "anything but massage", "scared of
# needles"), rather than what they had ("tried physio"), doubt ("not sure about cupping")
# or compare ("better than massage"): the end of the words before it in its clause...
_REFUSING_BEFORE = re.compile(
    r"(?:^| )(?:no|not|neither|without|avoid|avoiding|hate|dislike|no more|(?:anything|everything|all) (?:but|except)|"
    r"instead of|rather than|other than|rather not(?: (?:have|get|see|go to|do|try))?|"
    r"(?:don'?t|do not|wouldn'?t|would not|won'?t|will not|can'?t|cannot) (?:want|like|need|do|have|fancy|take|stand"
    r"|handle)|(?:scared|afraid|terrified|frightened|wary) of|(?:fear|phobia) of|allergic to|"
    r"(?:had enough|sick|fed up|sick and tired) of|fed up with|"
    r"not (?:keen|comfortable|happy|into|a fan)(?: on| with| about| of)?)"
    r"(?: (?:any|a|an|the|more|of|with|to|some|having|getting|doing|trying|being|treated|by|again|have|get|try|"
    r"see|go|for))*$")
# ...unless the clause tells of having had care ("I've tried everything except acupuncture")...
_TOLD_OF_HAVING = frozenset({"tried", "had", "did", "done", "been", "used"})
_HAD_ENOUGH = re.compile(r"\bhad enough of(?: (?:any|the|more|all))*$")
# ...or the words just after it ("acupuncture is not for me", Hindi "massage nahi chahiye",
# "sui se darr lagta hai", needles frighten me; not "physio nahi mila", found none, nor
# "fayda nahi hua", it did not help).
_REFUSING_AFTER = re.compile(
    r"^(?:, )?(?:is |are )?(?:not for me|a no|no thanks|not please|please no|(?:se )?(?:darr?|darta|darti)|"
    r"(?:nahi|nahin|nahee|mat)(?! (?:hua|hui|hue|mila|mili|mile|kiya|kiye|ki|laga|lagi|lage|hota|hoti|diya|tha|thi)"
    r"\b))\b")
# Words between two therapies that carry a refusal of the first to the second ("no
# acupuncture or dry needling")
_LISTING = frozenset({"or", "and", ",", "nor", "/", "any", "a", "an", "the"})
# ...and other care named between, refused with it ("I don't want surgery or acupuncture",
# "no steroid injections, pills or needling"): what the search lists nothing of, carried
# past when the last is joined by "or", so that "no surgery, physio please" asks for physio
_OTHER_CARE = frozenset({
    "surgery", "surgeries", "operation", "operations", "op", "injection", "injections", "steroid", "steroids",
    "epidural", "epidurals", "jab", "jabs", "painkillers", "painkiller", "pills", "tablets", "medication",
    "medications", "medicine", "medicines", "meds", "drugs", "opioids",
} | {word for wording in UNLISTED_THERAPY_WORDS for word in wording.split()})
_LIST_FILLERS = frozenset({"any", "a", "an", "the", "more", "some", "having", "getting"})
_LIST_JOINS = frozenset({"or", "nor", ","})
# What a therapy does, refused without naming it: needles ("no needles please", "needle
# phobia", Hindi "sui"), which is acupuncture, and having the spine cracked ("I don't want
# my back cracked"), which is spinal manipulation
NEEDLES, CRACKING = "acupuncture", "spinal-manipulation"
_DOING_WORDS = {"needle": NEEDLES, "needles": NEEDLES, "needling": NEEDLES, "sui": NEEDLES, "suiyan": NEEDLES,
                "suiyon": NEEDLES, "crack": CRACKING, "cracked": CRACKING, "cracking": CRACKING,
                "manipulation": CRACKING, "manipulated": CRACKING}
_DOING_REFUSED = ((NEEDLES, re.compile(r"\bneedle[- ]?(?:free|less)\b|\bneedleless\b|\bneedle ?phobi\w*|"
                                       r"\bneedles? (?:scare|terrify|terrifies|frighten)\w*|\btrypanophobi\w*")),)
_WHAT_IS_CRACKED = frozenset({"my", "back", "neck", "spine", "spinal", "joints", "bones"})  # ("no back cracking")


# How seekers ask for a kind of place (values of ``VenueType``). Only wordings that say the
# care comes to them or happens there: "I work at home" must not ask for home visits, nor
# "I was in hospital" for a hospital.
VENUE_WORDS: dict[str, str] = {
    "home visit": "home_visit", "house call": "home_visit", "home service": "home_visit",
    "home physio": "home_visit", "home massage": "home_visit", "home treatment": "home_visit",
    "physio at home": "home_visit", "physiotherapy at home": "home_visit", "massage at home": "home_visit",
    "treatment at home": "home_visit", "therapy at home": "home_visit", "session at home": "home_visit",
    "come to my home": "home_visit", "come to my house": "home_visit", "visit me at home": "home_visit",
    # Indian English: "someone who can come home"
    "can come home": "home_visit", "could come home": "home_visit", "to come home": "home_visit",
    "come to my place": "home_visit", "visit my home": "home_visit", "visit my house": "home_visit",
    "spa": "wellness_spa", "wellness spa": "wellness_spa", "day spa": "wellness_spa",
    "retreat": "retreat", "wellness retreat": "retreat", "ayurvedic retreat": "retreat",
    "integrated hospital": "hospital",
    # Hindi in Latin letters: "come home and ...", "treatment / massage at home"
    "ghar aakar": "home_visit", "ghar aake": "home_visit", "ghar aa kar": "home_visit", "ghar par ilaj": "home_visit",
    "ghar pe ilaj": "home_visit", "ghar par malish": "home_visit", "ghar pe malish": "home_visit",
    "ghar par maalish": "home_visit", "ghar pe maalish": "home_visit",
    **{f"{care} {at}": "home_visit" for at in ("ghar par", "ghar pe") for care in ("physio", "massage", "treatment")},
    **{f"{at} {care}": "home_visit" for at in ("ghar par", "ghar pe") for care in ("physio", "massage", "treatment")},
    # ...with "wanted" between: "physio chahiye ghar pe"
    **{f"{care} chahiye {at}": "home_visit" for at in ("ghar par", "ghar pe")
       for care in ("physio", "massage", "treatment", "ilaj", "malish")},
    "physio at my home": "home_visit", "massage at my home": "home_visit", "treatment at my home": "home_visit",
    "physio at my house": "home_visit", "massage at my house": "home_visit", "treatment at my house": "home_visit",
}
# How seekers say how they want to be seen (values of the search's ``mode``). "Offline" is
# Indian English for in person ("offline consultation").
MODE_WORDS: dict[str, str] = {
    "online": "online", "video call": "online", "video consultation": "online", "video consult": "online",
    "video session": "online", "video appointment": "online", "over video": "online", "by video": "online",
    "teleconsultation": "online", "teleconsult": "online", "tele consultation": "online", "telehealth": "online",
    "telemedicine": "online", "virtual consultation": "online", "virtual session": "online",
    "virtual appointment": "online", "zoom": "online",
    "in person": "in_person", "face to face": "in_person", "offline": "in_person",
    # somewhere to go, near the seeker
    "near me": "in_person", "nearby": "in_person", "close to me": "in_person", "close by": "in_person",
    "in my area": "in_person", "near my home": "in_person", "near my house": "in_person",
    "near my office": "in_person", "walking distance": "in_person",
}


class Elsewhere(NamedTuple):
    """Words around a mention that make it about something else than the care asked for."""

    before: frozenset[str] = frozenset()  # the word just before
    after: frozenset[str] = frozenset()  # the word just after
    in_clause: frozenset[str] = frozenset()  # any word before it in its clause
    before_two: frozenset[tuple[str, str]] = frozenset()  # the two words just before


# "Online" about something else than a session: "I read online that ...", "can I book online?"
# (booking on this site), "online classes", "I teach yoga online", "I work online all day".
NOT_A_SESSION = Elsewhere(
    before=frozenset({"read", "found", "saw", "seen", "searched", "looked", "googled", "book", "booked", "booking",
                      "buy", "bought", "order", "ordered", "pay", "paid", "reviews", "shop", "shopping"}),
    after=frozenset({"class", "classes", "meeting", "meetings", "course", "courses", "school", "schooling", "exam",
                     "exams", "game", "games", "gaming", "shopping", "job", "work", "booking", "payment", "reviews",
                     "review", "store", "shop"}),
    in_clause=frozenset({"work", "works", "working", "worked", "teach", "teaches", "teaching", "study", "studies",
                         "studying", "play", "plays", "playing", "gaming", "sell", "sells", "selling"}),
)

# A therapy that is the seeker's work, or what brought the pain on: "I'm a physio with my own
# back pain", "I teach yoga", "back pain after yoga class".
NOT_CARE_ASKED = Elsewhere(
    before=frozenset({"after", "during", "teach", "teaches", "teaching", "taught"}),
    before_two=frozenset((a, b) for a in ("i'm", "im", "am", "as", "work", "works", "working") for b in ("a", "an")),
)

# Languages a seeker may ask to be seen in, as practitioners list them (the search's language
# filter also takes the two-letter codes), and how they ask: "Tamil-speaking", "who speaks
# Hindi", "a consultation in Bengali", "Hindi mein", "Marathi bolne wale".
LANGUAGES = (
    "English", "Hindi", "Bengali", "Marathi", "Telugu", "Tamil", "Gujarati", "Urdu", "Kannada", "Odia", "Malayalam",
    "Punjabi", "Assamese", "Konkani", "Nepali", "Sindhi", "Kashmiri", "Tulu", "Sinhala", "Spanish", "French", "German",
    "Italian", "Portuguese", "Polish", "Russian", "Arabic", "Persian", "Farsi", "Turkish", "Greek", "Dutch", "Chinese",
    "Mandarin", "Cantonese", "Japanese", "Korean", "Thai", "Vietnamese", "Tagalog", "Swahili", "Hebrew", "Somali",
    "Romanian", "Ukrainian",
)
_LANGUAGE_ASKED = ("{} speaking", "{} speaker", "speaks {}", "speak {}", "speaking {}", "in {}", "{} mein",
                   "{} bolne", "{} janne")
# "In Tamil Nadu" is a place, "in English class" something else.
NOT_A_LANGUAGE = Elsewhere(after=frozenset({"nadu", "class", "classes", "medium", "film", "films", "movie", "movies",
                                            "song", "songs", "food", "restaurant", "literature"}))

# Who the seeker wants to treat them: a woman or a man, said of the practitioner ("a female
# physio", "lady doctor", "male massage therapist", "treated by a woman"), not of the seeker
# ("I'm a woman with back pain", "pregnant woman", "massage for ladies" say nothing of who
# treats them). Values of ``Gender``.
# Hindi as typed in Latin letters and as Devanagari is spelt before reading ("महिला डॉक्टर"
# -> "mahila doktar").
_WOMAN_WORDS = ("female", "woman", "women", "lady", "ladies", "mahila", "ledi")
_MAN_WORDS = ("male", "man", "men", "gent", "gents", "purush")
_PRACTITIONER_NOUNS = (
    "therapist", "therapists", "physio", "physios", "physiotherapist", "physiotherapists", "physical therapist",
    "doctor", "doctors", "dr", "practitioner", "practitioners", "masseuse", "masseur", "massage therapist",
    "acupuncturist", "chiropractor", "chiro", "osteopath", "vaidya", "vaid", "staff", "trainer", "instructor",
    "doktar", "daktar", "phijiyo", "fiziyo", "therepist", "vaidy",
)
# ...and the kind of practitioner between the two: "a female ayurvedic doctor", "a male sports
# massage therapist".
_PRACTITIONER_KINDS = ("ayurvedic", "ayurveda", "ayurved", "sports", "massage", "physical", "yoga", "pilates",
                       "acupuncture", "chiropractic", "prenatal", "pregnancy", "physiotherapy")
_NON_BINARY_WORDS = ("non binary", "nonbinary", "enby", "genderqueer")
_GENDER_ASKED = ("{} {}", "by a {}", "from a {}", "prefer a {}", "prefer {}", "preferably a {}", "preferably {}",
                 "a {} to treat", "{} therapist only", "{} therapists only", "{} staff only")
_GENDERS = ((_WOMAN_WORDS, "woman"), (_MAN_WORDS, "man"), (_NON_BINARY_WORDS, "non_binary"))
# "Ladies only", as a spa or clinic says of its staff (plural or adjective forms only: "a
# woman only recently pregnant" asks for no one).
_ONLY = {"ladies": "woman", "women": "woman", "female": "woman", "females": "woman", "gents": "man", "men": "man",
         "male": "man", "males": "man"}
GENDER_WORDS: dict[str, str] = {
    **{f"{word} only": value for word, value in _ONLY.items()},
    # "Female preferred", "lady please", as a list of wishes puts it (not "man": "oh man please")
    **{f"{word} {wish}": value for word, value in (("female", "woman"), ("lady", "woman"), ("ladies", "woman"),
                                                   ("male", "man"))
       for wish in ("preferred", "please", "pls", "preferably", "if possible")},
    **{way.format(word): value for words, value in _GENDERS for word in words for way in _GENDER_ASKED[1:]},
    **{_GENDER_ASKED[0].format(word, noun): value
       for words, value in _GENDERS for word in words for noun in _PRACTITIONER_NOUNS},
}

# A town named after these words is where the seeker wants care: "a physio in Pune",
# "acupuncture near Camden Town", "visiting London next week, need a massage".
_PLACE_BEFORE = frozenset({"in", "near", "around", "nr", "visiting"})
# ...and "to" after these: "close to Paddington", "next to Victoria Station".
_CLOSE_BEFORE_TO = frozenset({"close", "closer", "closest", "next", "nearest"})
# A postcode (see POSTCODE_FORMS) after "near" or "in", or after the word for one, and after
# "postcode" four digits too (Australia's; "in 2019" is a year).
_POSTCODE = re.compile(rf"\b(?:(?:near|in|around|nr|at)\s+(?P<code>{POSTCODE_FORMS})|"
                       rf"(?:pin|pin ?code|post ?code|zip|zip ?code)(?:\s+(?:no|number|is))?\.?\s*[:\-]?\s*"
                       rf"(?P<any>{POSTCODE_FORMS}|\d{{4}}))(?![\w-])", re.IGNORECASE)
# Hindi in Latin letters after a town: "mein" (in) as it is typed, and "ke paas" (near).
_HINDI_IN = frozenset({"mein", "me", "mai", "main", "mei", "mien"})
_HINDI_NEAR = frozenset({"paas", "pass", "pas", "nazdeek", "nazdik", "najdeek", "najdik", "kareeb", "kareb", "qareeb"})
# The middle of a town, after its name: "Leeds city centre", "Austin downtown", "Sydney CBD".
_TOWN_CENTRE = (("city", "centre"), ("city", "center"), ("town", "centre"), ("town", "center"), ("downtown",),
                ("cbd",), ("centre",), ("center",))
# A side of a town before its name: "in south Delhi", "near central London".
COMPASS_WORDS = frozenset("north south east west central northern southern eastern western".split())
# Words of asking that may follow a town ending what is wanted.
_ASKING_AFTER = frozenset({"please", "pls", "plz", "urgent", "urgently", "asap", "thanks", "thx", "help", "needed",
                           "required", "wanted"})
# "St." and the like before a name: "St. Louis", "Ft. Worth".
_ABBREVIATED = re.compile(r"\b(St|Ste|Mt|Ft)\.\s*(?=[A-Za-z])", re.IGNORECASE)


# Words naming a part of a town after its name, before the town: "near Victoria station London",
# "near Phoenix Mall, Chennai" (with every word for a street, a landmark or a station).
_PART_OF_A_TOWN = frozenset("market area sector west east north south metro circle".split()) | LANDMARK_WORDS
# Who or what gives the care, and what may follow a town named right after it ("physio
# mumbai for back pain").
_CARE_NOUNS = frozenset("therapist therapists doctor doctors clinic clinics specialist specialists centre center".split())
_AFTER_A_CARE_TOWN = frozenset({"for", "near", "with", "please", "pls", "who", "that", "urgently", "asap", ",", ".", "!"})
# Wishes a town named mid-text may come before, as keywords run on ("back pain mumbai female
# physio", "physio mumbai hindi speaking", "sciatica london online"): a therapy, who gives
# it, a practitioner's gender, a language, a way of being seen.
_WISH_AFTER_A_TOWN = frozenset(_THERAPY_TOKENS | _CARE_NOUNS | {language.lower() for language in LANGUAGES} | {
    "female", "male", "lady", "ladies", "woman", "women", "online", "speaking", "virtual"})
# A town's name that ends the text is not asked for after these: "since Christmas", "from
# Reading", "my friend in", "a flight to London", "or Mumbai".
_NOT_BEFORE_A_BARE_TOWN = frozenset(STOPWORDS | _PLACE_BEFORE | {
    "since", "before", "until", "till", "during", "via", "moved", "moving", "flew", "flight",
    "trip", "holiday", "holidays", "vacation", "born", "left", "leaving", "or", "and", "but", "not", "than"}
    | OTHER_PEOPLE)  # ("physio for my daughter Victoria": her name)
# ...nor after these and a comma; after any other little word and a comma, it may be: "kaam
# se, Noida", "a physio near me, Leeds".
_NOT_BEFORE_A_COMMA_TOWN = frozenset(_NOT_BEFORE_A_BARE_TOWN - STOPWORDS - OTHER_PEOPLE | _PLACE_BEFORE | {
    "no", "not", "to", "from", "after", "since", "into", "at", "on", "of", "the", "a", "an", "or", "and", "than"})
# After these, "in" names a field, not a place: "trained in Shiatsu", "I work in Sales".
_IN_A_FIELD_AFTER = frozenset({
    "trained", "training", "experienced", "experience", "specialised", "specialized", "specialising", "specializing",
    "specialist", "specialists", "specialises", "specializes", "qualified", "qualification", "certified", "certificate",
    "interested", "expert", "experts", "expertise", "skilled", "work", "works", "working", "worked", "job", "degree",
    "diploma", "course", "courses", "major", "majored", "background", "career", "believe", "believer"})
# ...but after these, "in" and a town written with a capital is where they are sought.
_WHERE_AFTER = frozenset({"specialist", "specialists", "expert", "experts"})
# Words a name the gazetteer lacks is not made of, capitalised or not ("pain in Lower Back",
# "near Tailbone", "in Covid"): every word of the concern phrases, and a few more.
_NOT_A_PLACE_NAME = frozenset(
    # (the phrases' own words: their joining words, "pins and needles", are no concern's)
    {word for phrase in DEFAULT_PHRASES for word in tokens_of(normalise(phrase.text))} - STOPWORDS | OTHER_BODY_PARTS
    | {"back", "lower", "upper", "low", "mid", "middle", "spine", "side", "left", "right", "both", "one", "ache",
       "covid", "corona", "coronavirus", "lockdown", "pandemic", "period", "periods", "exams", "home", "work"})
# Words a town's name does not start with or hold ("in my area", "in the morning").
_NOT_IN_A_NAME = frozenset(STOPWORDS | {"for", "who", "please", "pls", "plz", "because", "but", "or", "if", "than",
                                        "person", "pain", "agony", "bed", "general", "particular", "total", "front",
                                        "public", "private", "hospital", "office", "gym", "love", "case", "fact",
                                        # someone's, not a place's ("in her lower back": Heraklion is "Her")
                                        "her", "hers", "his", "him", "he", "she", "we", "us", "our", "ours", "they",
                                        "them", "their", "you", "your", "yours", "mom", "mum", "dad", "mother",
                                        "father", "wife", "husband", "son", "daughter", "brother", "sister", "friend",
                                        "grandma", "grandmother", "grandpa", "grandfather", "baby", "kids", "child"})
# ...except inside one: "Stoke-on-Trent", "Southend-on-Sea".
_INSIDE_A_NAME = frozenset({"on", "of", "upon", "the", "de", "la", "le", "sur", "en"})
# Words that are towns somewhere but, after "in", are a time or a language.
NOT_PLACES = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "spring", "summer",
    "autumn", "fall", "winter", "morning", "evening", "night", "afternoon", "time", "life", "chair", "yoga",
    "school", "college", "work", "traffic",
    "bad",  # "physio Bad back": a bad back, not Bad, Iran
    "metro",  # "near Indiranagar metro": a station, not Metro, Indonesia
    "airport",  # "near Heathrow Airport": not Airport, California
})
TOWN_MIN_POPULATION = 100_000  # a town named in lower case must be this big to count...
# ...and, ending the words with nothing before it ("sciatica pune"), this big: a million.
BARE_TOWN_MIN_POPULATION = 1_000_000
# ...and not one of these words ("pain in reading", "nice"): written with a capital, they are the town.
LOWER_CASE_WORDS = frozenset({"reading", "nice", "mobile", "orange", "split", "surprise", "independence", "concord",
                              "providence", "temple", "mission", "hope", "deal", "sale", "bath", "march"})
# A town mistyped after "in" or "near" is a city of a million ("in banglore"), or of this many
# when the slip is two letters swapped ("in gurgoan", "near leesd"): a neighbourhood the map
# lacks is seldom two swapped letters from a town ("Malad" is from Malda).
SWAPPED_TOWN_MIN_POPULATION = 500_000

# Words after "near" that say how near, or near what time, not where.
_NOT_NEAR_A_PLACE = frozenset({"future", "death", "enough", "perfect", "impossible", "constant", "normal", "total",
                               "zero", "miss", "term", "end", "here", "there", "where", "everywhere", "anywhere",
                               "instantly", "immediately", "daily", "always", "never", "tears", "fainting",
                               # ...or near what kind of landmark, not which (and a word of LANDMARK_WORDS,
                               # "near a mall", is never the first of a name: see plain_words)
                               "gym", "temple", "church", "mosque", "beach", "downtown", "city", "town", "village",
                               "campus", "university", "hotel", "bus", "highway", "river", "lake", "sea", "office",
                               "house", "locality", "residence"})

# States' and countries' names that are words or names too, never read as the place in
# lower case alone ("sciatica after eating turkey", "pain in my jersey", "physio for georgia").
_AREAS_THAT_ARE_WORDS = frozenset({"turkey", "china", "chile", "chad", "guinea", "jersey", "jordan", "panama",
                                   "reunion", "victoria", "georgia", "washington", "columbia", "orange", "mali",
                                   "niger", "oman"})

# Countries' initials that are no English word, read in lower case too ("in the uk").
_PLAIN_INITIALS = frozenset({"UK", "USA", "UAE"})

# Towns' own names that are words of the seekers' Hindi ("dard ho gaya": the pain came)
# or English words the English word list lacks: never read as a town in lower case without
# "in" before them...
_NOT_A_PLAIN_TOWN = frozenset({"gaya", "bima", "kati", "basti", "mau", "pali", "guna", "sagar", "rugby"})
# ...and, of those whose place is big enough to count in lower case anywhere, Hindi words
# never read as a town in lower case ("koi physio nahi mila": found none; "dard shuru hui";
# "pet dard", a stomach ache)
_HINDI_NOT_TOWNS = frozenset({"mila", "mili", "hui", "maa", "pet", "par", "pati", "wali", "log", "bhi", "jab", "sar",
                              "bua", "khana", "guru", "batao", "bukhar"})

# Words no mistyped town is read from: the readers' own (the gazetteer knows English words).
_KNOWN_WORDS = frozenset(STOPWORDS | _THERAPY_TOKENS | _CARE_NOUNS | _AFTER_A_CARE_TOWN | _NOT_IN_A_NAME
                         | _NOT_A_PLACE_NAME | NOT_PLACES | LOWER_CASE_WORDS  # (the phrases' words among them)
                         # Hindi words one slip from a town ("patla": Patna), units
                         | {"andar", "bhitar", "patla", "patli", "mahila", "daktar", "dawai", "ghante", "bolne",
                            "tatti", "pisab", "bhukhar", "metres", "meters"})

_HEDGE = re.compile(HEDGES)
# A place in a clause that tells of how the pain came is where it came, not where care is
# wanted: "I got back pain on holiday in Spain", "since my trip in Goa". It tells of a trip
# with one of these words...
_TRAVEL_WORDS = frozenset({"holiday", "holidays", "vacation", "vacations", "trip", "trips", "travels", "honeymoon",
                           "tour", "trek", "trekking", "hike", "hiking", "flight"})
# ...and of the past with one of these: "on holiday in Goa, need a massage" asks for Goa.
_HOW_IT_CAME = frozenset({"got", "hurt", "injured", "pulled", "strained", "twisted", "tweaked", "sprained", "slipped",
                          "fell", "fallen", "started", "began", "begun", "happened", "since", "during", "after", "ago",
                          "last", "caught", "developed", "jarred", "cricked", "ricked", "lifted", "carried"})
# A word of what is wanted between them and the place asks for it: "hurt my back, need a
# physio in Leeds" (in one clause when no comma is typed).
_WANTING = frozenset({"need", "needs", "needed", "want", "wants", "wanted", "looking", "find", "book", "recommend",
                      "suggest", "chahiye", "please", "pls", "plz"}) | _CARE_NOUNS
# Before "from", words that say where the seeker is: "I'm from Chennai", "I am writing from Pune"
_I_AM = frozenset({"i'm", "im", "we're"})
_FROM_WHERE_I_AM = frozenset({"writing", "calling", "messaging"})
# "Work in" names a field ("I work in Sales") or, before a town with a capital, where the
# seeker works: searched when no other town is asked for, or when care is wanted near work.
_WORK_IN = frozenset({"work", "works", "working"})
_NEAR_WORK = re.compile(r"\b(?:near|close to|around|by)\s+(?:my\s+|the\s+)?(?:office|work|workplace|job)\b",
                        re.IGNORECASE)
_MAX_WORDS = 4
_LOOKBACK = 8  # words before a mention that can turn it down
_LOOKAHEAD = 4  # words after it that can tell it of (Hindi puts the verb last)


@dataclass(frozen=True)
class Mention:
    slug: str
    words: str  # as the seeker wrote them (normalised)
    asked: bool  # False when turned down or told of as past
    # Asked of the same practitioner as the mention before it ("a physio who does dry needling")
    joined: bool = False
    refused: bool = False  # turned down, to be left out: "no acupuncture" (not "tried acupuncture")
    refusal: str = ""  # the words that turned it down, when they were its own ("no acupuncture")


@dataclass(frozen=True)
class Reading:
    mentions: tuple[Mention, ...] = ()

    def narrowing(self, parent: Mapping[str, str] | None = None) -> Mention | None:
        """The one term to narrow the search to, or None: the mentions asked for, all under
        one parent (``parent``: a technique's modality). A single term narrows to it; a
        parent, or several of its children, to the parent. Mentions turned down or told of
        beside them ("acupuncture didn't help, I want cupping") do not stop it."""
        terms = self.narrowings(parent)
        return terms[0] if len(terms) == 1 else None

    def together(self, parent: Mapping[str, str] | None = None) -> bool:
        """Whether the terms asked for (:meth:`narrowings`, more than one) are asked of one
        practitioner: each named after the first joined to the one before ("a physio who does
        dry needling", "acupuncture with cupping"), not set side by side ("cupping or
        massage"), where any of them will do."""
        asked = [m for m in self.mentions if m.asked]
        return len(self.narrowings(parent)) > 1 and all(m.joined for m in asked[1:])

    def narrowings(self, parent: Mapping[str, str] | None = None) -> tuple[Mention, ...]:
        """Every term asked for, one per parent as :meth:`narrowing` tells one ("cupping and
        massage": both; "massage, deep tissue or sports": massage), in the order first named."""
        groups: dict[str, list[Mention]] = {}
        for m in self.mentions:
            if m.asked:
                groups.setdefault((parent or {}).get(m.slug, m.slug), []).append(m)
        return tuple(_one_term(top, asked) for top, asked in groups.items())

    def refusals(self) -> tuple[Mention, ...]:
        """Every term refused ("no acupuncture or dry needling": both), once each, in the
        order first named."""
        first: dict[str, Mention] = {}
        for m in self.mentions:
            if m.refused:
                first.setdefault(m.slug, m)
        return tuple(first.values())


def _one_term(top: str, asked: list[Mention]) -> Mention:
    """The term that mentions ``asked``, all under the parent ``top``, narrow to: one term
    named (however often), or else the parent, quoted as named if it was."""
    if len({m.slug for m in asked}) == 1:
        return asked[0]
    named = next((m for m in asked if m.slug == top), asked[0])
    return Mention(top, named.words, True)


# Halves of a term's name that name no one therapy alone: "trigger points in my shoulders"
# are knots, which massage therapists treat by hand as well as acupuncturists by needle.
_NOT_A_THERAPY_ALONE = frozenset({("trigger", "point")})


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
            if key and len(key) <= _MAX_WORDS and key not in _NOT_A_THERAPY_ALONE:
                words.setdefault(key, slug)
    for text, slug in THERAPY_WORDS.items():
        if slug in live:
            words[_key(text)] = slug
    return words


def vocabulary(table: Mapping[str, str]) -> dict[tuple[str, ...], str]:
    """Stemmed word tuples -> value, from a table of wordings (such as :data:`VENUE_WORDS`),
    as :func:`read_mentions` looks them up."""
    return {_key(text): value for text, value in table.items()}


def asked_language(text: str) -> Mention | None:
    """The one language ``text`` asks to be seen in ("a Tamil-speaking physio"), or None,
    also when it names another language anywhere ("Hindi or English speaking", "I speak
    English and Hindi"): the seeker has not chosen."""
    asked = read_mentions(text, _LANGUAGE_WORDS, NOT_A_LANGUAGE).narrowing()
    if asked is None or {m.slug for m in read_mentions(text, _LANGUAGE_NAMES).mentions} != {asked.slug}:
        return None
    return asked


_PUNCTUATION = re.compile(r"[^\w\s]+")


def as_written(text: str, words: str) -> str:
    """``words`` as the readers see them ("tamil speaking") as the seeker wrote them in
    ``text`` ("Tamil-speaking"; in Devanagari, which is read in Latin letters, "लखनऊ" for
    "lakhnau"; mistyped, which is read mended, "accupuncture" for "acupuncture"), or as they
    are where the text spells them otherwise."""
    said = [word for word in words.split() if not _PUNCTUATION.fullmatch(word)]  # (read as words of their own)
    found = re.search(r"(?<!\w)" + r"[\W_]+".join(map(re.escape, said)) + r"(?!\w)", text, re.IGNORECASE)
    if found:
        return found.group()
    spans = [(m.start(), m.end(), normalise(m.group())) for m in _A_WORD.finditer(text)]
    wanted = normalise(words)
    for i in range(len(spans)):
        for j in range(i + 1, min(i + len(wanted.split()), len(spans)) + 1):
            if " ".join(s[2] for s in spans[i:j]) == wanted:
                return text[spans[i][0]:spans[j - 1][1]]
    return words


_A_WORD = re.compile(r"[\w\u0900-\u097F]+")  # (Devanagari's vowel signs are no \w)


_OTHER_MODE = {"online": "in_person", "in_person": "online"}
# The seeker turning a way down ("no online sessions", "not online please"), not telling of
# one ("my physio is not online") nor of something else ("no online booking?").
_TURNED_DOWN = re.compile(r"(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )(?<!'s )\b(?:no|not|without|never|don't want|"
                          r"dont want|do not want)\s+(?:\w+\s+){0,2}?$")


def asked_mode(text: str) -> Mention | None:
    """How the seeker asks to be seen ("online", "in person", "near me"), or None: also
    when they leave it open ("in Bangalore or online", "online or in person"). Turning one
    way down asks for the other: "no online sessions please" is in person."""
    reading = read_mentions(text, MODE_VOCABULARY, NOT_A_SESSION)
    norm = " ".join(tokens_of(normalise(text)))
    asked = reading.narrowing()
    if asked is not None:
        # "in Bangalore or online": either way, unless the other side is the same way too
        # ("online or video call")
        for m in re.finditer(rf"(?:^|\s)or {re.escape(asked.words)}\b|\b{re.escape(asked.words)} or(?:\s|$)", norm):
            other = norm[m.end():] if m.group().strip().startswith(asked.words) else norm[:m.start()]
            if not any(mention.slug == asked.slug and mention.words != asked.words and
                       (other.startswith(mention.words) or other.endswith(mention.words))
                       for mention in reading.mentions):
                return None
        return asked
    down = []
    for m in reading.mentions:
        cue = _TURNED_DOWN.search(norm[:norm.find(m.words)]) if not m.asked and m.words in norm else None
        # ...asked for, but for the cue: not about something else
        unsaid = read_mentions(norm[:cue.start()] + norm[cue.end():], MODE_VOCABULARY, NOT_A_SESSION).narrowing() \
            if cue else None
        if unsaid is not None and unsaid.slug == m.slug:
            down.append((m, cue.group() + m.words))
    if len({m.slug for m, _ in down}) == 1 and len(down) == len(reading.mentions):
        return Mention(_OTHER_MODE[down[0][0].slug], down[0][1], True)
    return None


def asked_gender(text: str) -> Mention | None:
    """The practitioner's gender ``text`` asks for ("a female physio", "lady doctor
    please", "I'd prefer a man"), or None: also when it tells who the seeker is ("I'm a
    female physio with back pain"), asks for both, or turns one down
    ("no male therapist" says whom not to list, not whom to), or leaves the choice open
    ("a male or female physio")."""
    asked = read_mentions(text, _GENDER_WORDS, Elsewhere(before_two=NOT_CARE_ASKED.before_two)).narrowing()
    if asked is None:
        return None
    tokens = tokens_of(normalise(text))  # "female/male" comes as two words
    for i in range(len(tokens) - 1):
        after = tokens[i + 2] if tokens[i + 1] in ("or", "and") and i + 2 < len(tokens) else tokens[i + 1]
        if {_GENDER_OF.get(tokens[i]), _GENDER_OF.get(after)} == {"woman", "man"}:
            return None
        # "a male physio or a female one", "male physio or female is fine"
        if tokens[i] == "or" and any(_GENDER_OF.get(t) not in (None, asked.slug) for t in tokens[i + 1:i + 3]):
            return None
    return asked


@dataclass(frozen=True)
class PlaceMention:
    name: str  # as the seeker wrote it: "Pune", "Camden Town"
    words: str  # with the word before it: "in Pune"
    known: bool = True  # False: a name the gazetteer lacks ("near Koramangala"), for the geocoder to try
    # True: two places the seeker has not chosen between ("in Whitefield or Indiranagar", the
    # name); not one to search near
    undecided: bool = False
    choices: tuple[str, ...] = ()  # when undecided, each place as written: ("Whitefield", "Indiranagar")


class PlainTown(Protocol):
    """The people of the largest town of ``at_least`` people (100,000 unless told) whose own
    name ``name`` is, when that is no English word (with ``districts``, a part of a big city
    too, as its city's people), or None: see
    :meth:`marketplace.geo.gazetteer.OfflineGazetteer.plain_town_population`."""

    def __call__(self, name: str, districts: bool = ..., at_least: int = ...) -> int | None: ...


def asked_place(text: str, population_named: Callable[[str], int | None],
                area_named: Callable[[str], str | None] | None = None,
                misspelt: Callable[[str, int], str | None] | None = None,
                plain_town: PlainTown | None = None,
                town_in_area: Callable[[str, str], bool] | None = None) -> PlaceMention | None:
    """The town ``text`` asks for care in (see :func:`_place_asked`), as written: "St. Louis"
    is read as one name, "St Louis", and echoed with its dot."""
    found = _place_asked(_ABBREVIATED.sub(r"\1 ", text), population_named, area_named, misspelt, plain_town,
                         town_in_area)
    if found is None or not _ABBREVIATED.search(text):
        return found

    def name(words: str) -> str:  # "St.Albans" is looked up as "St. Albans"
        return re.sub(r"\.(?=\w)", ". ", as_written(text, words))

    return replace(found, name=name(found.name), words=as_written(text, found.words),
                   choices=tuple(name(choice) for choice in found.choices))


def _place_asked(text: str, population_named: Callable[[str], int | None],
                 area_named: Callable[[str], str | None] | None = None,
                 misspelt: Callable[[str, int], str | None] | None = None,
                 plain_town: PlainTown | None = None,
                 town_in_area: Callable[[str, str], bool] | None = None) -> PlaceMention | None:
    """The town ``text`` asks for care in ("a physio in Pune", "near Camden Town"), or None:
    up to three words after "in" or "near" that ``population_named`` knows as a place's
    whole name (a town written in lower case only when it is a big one, so "in reading"
    is not Reading), not told of as past or turned down ("I was in Delhi", "not in Pune")
    or as where the pain came on a trip ("I got back pain on holiday in Spain"), and only
    one such town in the text ("in Bangalore or Mumbai" is a mention ``undecided`` between
    them), where a town told of in a clause of how the pain came gives way to one asked for
    ("slipped in Toronto, physio near Mississauga"). Without "in", a town's name that ends the text
    after words of what is wanted ("sciatica Pune", "physio Leeds", "neck pain, Leeds") or
    is all of it, written with a capital in text that is not all capitals (or, in lower
    case, a city of a million), or where the seeker says they are ("I'm from Chennai", "based
    out of Pune"). With ``area_named`` (which tells a state's or a country's
    name), a town is read with the state or country after it ("in Cambridge, MA",
    "physio Portland Oregon"), and such a name alone ending the text ("physio, Kerala") is
    a mention for the caller to ask for a town in (``known`` False). With ``misspelt``
    (which tells the town of at least so many people a word is one slip from), a town
    mistyped after "in" or "near" is read as that town ("physio in banglore"), when a city
    of a million: smaller towns' names are too often one slip from a neighbourhood the map
    lacks ("Bandra" from Banda), which a configured geocoder may know. With ``plain_town``
    (which tells the people of a town whose own name a word is, when that is no English
    word), a town of 100,000 or more written in lower case counts where a city of a million
    does ("physio leeds", "gentle massage, cardiff"), unless its name is a word the readers
    know ("gaya": went, in Hindi) or a state's or a country's. With ``town_in_area`` (which
    tells whether a town lies in the state or country a name or code names), a state's code
    in lower case after a town in it counts as one in capitals does ("physio austin tx", "in
    cambridge ma", "pune, mh")."""
    tokens = tokens_of(normalise(text))
    found: list[PlaceMention] = []
    written_words = [w for w in re.split(r"[\W_]+", text) if w and w[:1].isalpha()]
    # In "Back Pain Help" or "BACK PAIN HELP" a capital says nothing of a name.
    capitals_tell = not all(w[:1].isupper() for w in written_words)

    def span_written(span: list[str]) -> tuple[str, bool]:
        """The words as the seeker wrote them, and whether each starts with a capital."""
        words = as_written(text, " ".join(span))
        return words, all(w[:1].isupper() for w in re.split(r"[\W_]+", words)
                          if w and w not in _INSIDE_A_NAME and w != "s")  # ("King's Cross")

    def town(span: list[str], lower_case_min: int = TOWN_MIN_POPULATION, capitals: bool = True,
             plain_too: bool = False, districts: bool = False) -> str | None:
        """``span`` as written, when it is a town's whole name (see above): with a capital
        (when ``capitals`` tell), or in lower case with ``lower_case_min`` people, or
        (``plain_too``: the town ends the words, or follows the care wanted; ``districts``:
        after "in" or "near") a town of 100,000 by its own name, when that is no word, or
        with ``districts`` a part of a big city (see ``plain``)."""
        name = " ".join(span)
        outside = (w in _NOT_IN_A_NAME and (k in (0, len(span) - 1) or w not in _INSIDE_A_NAME)
                   for k, w in enumerate(span))
        if not span or any(outside) or any(w in ".,;:!?" or w in _THERAPY_TOKENS for w in span) \
                or name in NOT_PLACES or _key(name) in _LANGUAGE_NAMES:
            return None
        population = population_named(name)
        words, capitalised = span_written(span)
        if population is None and has_devanagari(words):  # "लखनऊ": the map knows Hindi names
            population = population_named(words)
        if population is None or not ((capitalised and capitals) or (population >= lower_case_min
                                                                      and name not in LOWER_CASE_WORDS
                                                                      and name not in _HINDI_NOT_TOWNS)
                                      or (plain_too or districts) and plain(name, districts)):
            return None
        return words

    def plain(name: str, districts: bool = False) -> bool:
        """Whether ``name``, in lower case with nothing before it that says it is a place,
        is a town of 100,000 people or more all the same, or with ``districts`` (after "in"
        or "near") a part of a big city (see above)."""
        return plain_town is not None and name not in _KNOWN_WORDS and name not in _NOT_A_PLAIN_TOWN \
            and name not in _HINDI_NOT_TOWNS \
            and (plain_town(name, districts) or 0) >= TOWN_MIN_POPULATION \
            and (area_named is None or area_named(name) is None)  # ("ontario": the province, or California's?)

    def after_wanted(start: int) -> bool:
        """Whether a bare town's name may start at ``start``: the text's start, or after a
        word of what is wanted, or a comma after one ("neck pain, Bangalore")."""
        comma = start >= 2 and tokens[start - 1] == ","
        word = tokens[start - 1 - comma] if start else ""
        return start == 0 or word.isalpha() and word not in (_NOT_BEFORE_A_COMMA_TOWN if comma else
                                                             _NOT_BEFORE_A_BARE_TOWN)

    def city_then_locality(end: int) -> tuple[PlaceMention, int] | None:
        """"Physio Chennai Anna Nagar": a city of a million, then a part of it written with
        capitals, ending the text (a name the gazetteer lacks, or a small town elsewhere:
        Whitefield is in England too, Dwarka in Gujarat), or its state ("Pune
        Maharashtra"); and where it starts. Not the last words alone."""
        if not capitals_tell:
            return None
        for k in (2, 1):
            span = tokens[end - k:end]
            if end - k < 1 or any(not w.isalpha() or w in _NOT_IN_A_NAME or w in _THERAPY_TOKENS for w in span):
                continue
            locality, capitalised = span_written(span)
            if not capitalised or " ".join(span) in NOT_PLACES:
                continue
            people = population_named(" ".join(span)) or 0
            for n in (2, 1):
                start = end - k - n
                if start >= 0 and after_wanted(start) and population_named(" ".join(tokens[start:end])) is None \
                        and (city := town(tokens[start:end - k], BARE_TOWN_MIN_POPULATION, capitals=False)):
                    words = f"{city} {locality}"
                    # A smaller place names where: "London Ontario", not Ontario, California.
                    # A town a tenth the city's size or more is a second town: "Delhi Mumbai"
                    # leaves the seeker to choose.
                    second = people >= TOWN_MIN_POPULATION and people * 10 >= (population_named(city) or 0)
                    choices = (city, locality) if second else ()
                    return PlaceMention(words, words, undecided=second, choices=choices), start
        return None

    def area_at(start: int, end: int, any_case: bool = False) -> bool:
        """Whether the words at ``start:end`` name a state or a country as a place is
        qualified by one: with a capital (where capitals tell; ``any_case``, right after a
        town, a name written out in lower case too: "perth scotland"), and an abbreviation
        in capitals ("MA", "BC"; "or" is no Oregon)."""
        span = tokens[start:end] if 0 <= start < end <= len(tokens) else []
        if area_named is None or not span or not all(w.isalpha() for w in span):
            return False
        if any_case and len(span) == 1 and code_after_town(start):
            return True
        # A word that is also a little word ("OR", "AND", "ON") only after a comma: "Pune OR
        # Mumbai" is no Oregon, "London, ON" is Ontario's London ("the Netherlands" is whole).
        if span[-1] in _NOT_IN_A_NAME and not (start and tokens[start - 1] == ",") \
                or area_named(" ".join(span)) is None:
            return False
        words, capitalised = span_written(span)
        return (len(words) > 3 or words.isupper()) and (capitalised or not capitals_tell) \
            or any_case and len(words) > 3 and words.islower()

    def code_after_town(start: int) -> bool:
        """Whether ``tokens[start]`` is a state's code written in lower case ("austin tx",
        "cambridge ma", "pune, mh") right after a town that lies in that state, ending the
        place: a code that is also a little word ("or", "in", "me") is not."""
        code = tokens[start]
        if town_in_area is None or not 2 <= len(code) <= 3 or code in _NOT_IN_A_NAME or area_named is None \
                or area_named(code) is None or not span_written(tokens[start:start + 1])[0].islower() \
                or not place_ends(start + 1):
            return False
        town_end = start - (start > 0 and tokens[start - 1] == ",")
        return any(town_in_area(" ".join(tokens[town_end - n:town_end]), code) for n in (3, 2, 1)
                   if town_end - n >= 0 and "," not in tokens[town_end - n:town_end])

    def place_ends(k: int) -> bool:
        """Whether a place's words end before ``k``: at the end of the text, a stop or a comma,
        a word that may follow a town ("for", "please"), a wish ("female"), a new clause."""
        return k >= len(tokens) or not tokens[k][:1].isalnum() or tokens[k] in _AFTER_A_CARE_TOWN \
            or tokens[k] in _WISH_AFTER_A_TOWN or clause_break(tokens[k], tokens[k + 1] if k + 1 < len(tokens) else "")

    def qualified(named: str, end: int) -> tuple[str, int]:
        """A town's name with the state or country after it ("Cambridge, MA", "Perth,
        Scotland"), as written, and where it ends; else as it was."""
        comma = end < len(tokens) and tokens[end] == ","
        for n in (3, 2, 1):
            if area_at(end + comma, end + comma + n, any_case=True):
                return f"{named}{',' if comma else ''} {span_written(tokens[end + comma:end + comma + n])[0]}", \
                    end + comma + n
        return named, end

    def ending_area(end: int) -> PlaceMention | None:
        """A town and its state or country ending the text ("physio Portland Oregon",
        "sciatica Cambridge, MA", "Hammersmith, London, England, UK"), or a state or
        country written out after what is wanted ("physio, Kerala": a mention for the
        caller to ask a town in); None when the last words are a town's name ("New Delhi").
        A state or country written out in lower case counts too, after a town ("massage,
        austin texas") or alone ("ayurveda for sciatica kerala"), if no word."""
        if any(population_named(" ".join(tokens[end - n:end])) is not None for n in (3, 2)
               if end - n >= 0 and "," not in tokens[end - n:end]):
            return None

        def areas_from(any_case: bool) -> int:  # where the states and countries (each maybe after a comma) start
            areas = end
            while True:
                step = next((n for n in (3, 2, 1) if area_at(areas - n, areas, any_case)), 0)
                if not step:
                    return areas
                areas -= step
                if areas and tokens[areas - 1] == "," \
                        and any(area_at(areas - 1 - n, areas - 1, any_case) for n in (3, 2, 1)):
                    areas -= 1

        areas = areas_from(False)
        lower = areas == end  # none with a capital: in lower case, only after a town
        if lower and (areas := areas_from(True)) == end:
            return None

        def written(start: int) -> str:  # tokens[start:end] as written, each part after a comma
            parts, part = [], []
            for token in [*tokens[start:end], ","]:
                if token != ",":
                    part.append(token)
                elif part:
                    parts.append(span_written(part)[0])
                    part = []
            return ", ".join(parts) if "," in tokens[start:end] else " ".join(parts)

        comma = areas > 0 and tokens[areas - 1] == ","
        before = [tokens[areas - comma - k:areas - comma] for k in (3, 2, 1) if areas - comma - k >= 0]
        for span in before:
            first = areas - comma - len(span)
            if after_wanted(first) and len("".join(span)) >= 4 and town(span, TOWN_MIN_POPULATION, capitals_tell):
                named = written(first)
                return PlaceMention(named, named) if _asked(tokens, first, end, place=True) else None
        area = written(areas)
        if lower and (area in _AREAS_THAT_ARE_WORDS or "," in area):
            return None  # (a word too, "a jersey"; in lower case only one name alone is read)
        # Alone after what is wanted ("physio, Kerala"), not after a place's name, known to the
        # map or written with a capital ("Dwarka, Gujarat", "Koramangala, Karnataka").
        if after_wanted(areas) and len(area) > 3 and population_named(area) is None \
                and not any(population_named(" ".join(span)) is not None for span in before) \
                and not (before and capitals_tell and areas - comma - 1 > 0 and span_written(before[-1])[1]):
            return PlaceMention(area, area, known=False) if _asked(tokens, areas, end, place=True) else None
        return None

    def ending_town() -> PlaceMention | None:
        """A town's name that ends the text, after a word of what is wanted (see above)."""
        end = len(tokens)
        while end and (not tokens[end - 1][:1].isalnum() or tokens[end - 1] in _ASKING_AFTER and end > 2):
            end -= 1  # and "please", "urgent" after the town: "BACK SPASM LONDON URGENT"
        mark = 0  # "sciatica physio pune station", "physio london bridge": a landmark named after a town
        while mark < 2 and end - mark > 2 and tokens[end - mark - 1] in LANDMARK_WORDS:
            mark += 1
        if mark and city_then_locality(end) is None:  # (not "Chennai Anna Nagar", a part of Chennai)
            return ending_landmark(end - mark, end)
        if end >= 3 and (numbered_part(tokens, end - 1) or numbered_part(tokens, end - 2)):
            end -= 2  # "physio Noida sector 62": the town, then where in it
        # "back pain, Leeds LS6", "massage Mumbai 400050": the town, then its postcode
        code = next((k for k in (2, 1) if end - k >= 2 and postcode_words(tokens, end - k) == k), 0)
        end -= code
        for centre in _TOWN_CENTRE:  # "physio Leeds city centre"
            if end > len(centre) and tuple(tokens[end - len(centre):end]) == centre:
                end -= len(centre)
                break
        if (area := ending_area(end)) is not None:
            return area
        if (local := city_then_locality(end)) is not None:
            return local[0] if _asked(tokens, local[1], end, place=True) else None
        for n in (3, 2, 1):
            start = end - n
            # after a word of what is wanted, or a comma after one ("neck pain, Bangalore"),
            # or the whole text ("Pune" typed in the one box), or after a numbered part of it
            # ("physio Sector 62, Noida")
            number = start - 1 - (start >= 2 and tokens[start - 1] == ",")
            if start < 0 or not (after_wanted(start) or number > 0 and numbered_part(tokens, number - 1)):
                continue
            words = town(tokens[start:end], BARE_TOWN_MIN_POPULATION, capitals_tell, plain_too=True)
            if words is not None:
                # (with its postcode, which a configured geocoder may place within the town)
                words = span_written(tokens[start:end + code])[0] if code else words
                return PlaceMention(words, words) if _asked(tokens, start, end, place=True) else None
        return None

    def ending_landmark(end: int, past: int) -> PlaceMention | None:
        """A town's name ending at ``end``, after a word of what is wanted, then words for a
        street, a landmark or a station that end the text at ``past`` ("physio london
        bridge", "sciatica physio pune station"): the whole, for the geocoder (see
        :func:`landmark_after`)."""
        for n in (3, 2, 1):
            start = end - n
            if start >= 0 and after_wanted(start) \
                    and town(tokens[start:end], BARE_TOWN_MIN_POPULATION, capitals_tell, plain_too=True) is not None:
                words = span_written(tokens[start:past])[0]
                return PlaceMention(words, words, known=False) if _asked(tokens, start, past, place=True) else None
        return None

    def town_at(start: int, sizes: tuple[int, ...] = (3, 2, 1)) -> tuple[str, int] | None:
        """The longest town's name starting at ``start``, as written, and where it ends
        (not a numbered part of a town: "in Sector 14" is not the hamlet called Sector)."""
        for n in sizes:
            if start + n <= len(tokens) and not any(numbered_part(tokens, k) for k in range(start, start + n)) \
                    and not cut_short(start, start + n) \
                    and (words := town(tokens[start:start + n], districts=True)) is not None:
                return words, start + n
        return None

    def cut_short(start: int, end: int) -> bool:
        """Whether the words at ``start:end`` are the first of a longer name: "St" alone, or a
        possessive before a name ("St John's Wood" is not St. John's, Newfoundland)."""
        return tokens[start:end] in (["st"], ["ste"], ["mt"], ["ft"]) or tokens[end - 1].endswith("'s") \
            and end < len(tokens) and tokens[end].isalpha() and span_written(tokens[end:end + 1])[1]

    def address_then_town(start: int) -> tuple[str, int] | None:
        """"In Sector 14 Gurgaon", "near DLF Phase 3, Gurgaon", "in Koramangala 5th Block,
        Bangalore": a numbered part of a town (and what it is part of), then the town. As
        written, and where it ends."""
        for end in range(start + 2, min(start + 5, len(tokens)) + 1):
            head = tokens[start:end]
            if not any(numbered_part(tokens, k) for k in range(start, end)) or any(w in _NOT_IN_A_NAME for w in head) \
                    or not all(w.replace("-", "").isalnum() for w in head):
                continue
            comma = end < len(tokens) and tokens[end] == ","
            if (city := town_at(end + comma, (2, 1))) is not None:
                return f"{span_written(head)[0]}{',' if comma else ''} {city[0]}", city[1]
        return None

    def initials_at(start: int) -> str | None:
        """A country's initials at ``start``, in capitals ("UK" in "in the UK"), or in lower
        case where they are no word ("in the uk", not "the us"), else None."""
        written = span_written(tokens[start:start + 1])[0]
        if written.upper() in _PLAIN_INITIALS:
            return written.upper()
        return written if written in COUNTRY_INITIALS else None

    def unknown_name(span: list[str], part_last: bool = False) -> str | None:
        """``span`` as written when it is a name the gazetteer does not know, written with
        capitals: no word of what hurts or of a therapy in it (but, with ``part_last``, a
        word for a part of a town after the first: "MG Road")."""
        if not span or any(
                (w in _NOT_IN_A_NAME or w in _NOT_A_PLACE_NAME) and not (part_last and k and w in _PART_OF_A_TOWN)
                or w in _THERAPY_TOKENS or not w.replace("-", "").isalpha() for k, w in enumerate(span)) \
                or " ".join(span) in NOT_PLACES or _key(" ".join(span)) in _LANGUAGE_NAMES:
            return None
        words, capitalised = span_written(span)
        name = " ".join(span)
        people = population_named(name)
        # a state or country written out, in any case ("in kerala", "in india", though a small
        # town somewhere is called India): for the caller to ask a town in
        if area_named is not None and len(name) > 3 and area_named(name) is not None \
                and (people or 0) < TOWN_MIN_POPULATION:
            return words
        return words if capitalised and capitals_tell and people is None else None

    def plain_spans(start: int) -> Iterable[tuple[list[str], int]]:
        """The two words, then the one, at ``start`` that end a clause, and where they end."""
        for end in (start + 2, start + 1):
            if end <= len(tokens) and (end == len(tokens) or tokens[end] in _AFTER_A_CARE_TOWN
                                       or clause_break(tokens[end], tokens[end + 1] if end + 1 < len(tokens) else "")):
                yield tokens[start:end], end

    def plain_words(span: list[str]) -> bool:
        """Whether ``span``, in lower case, may be a name: no word the readers know, nor a
        language ("hindi"), nor "future" ("in the near future"); a part of a town only after
        its name ("hsr layout", not "near station")."""
        return all(k > 0 if w in _PART_OF_A_TOWN
                   else w.isalpha() and len(w) >= 3 and w not in _KNOWN_WORDS and w not in _NOT_NEAR_A_PLACE
                   and w not in _WISH_AFTER_A_TOWN for k, w in enumerate(span))

    def small_town_at(start: int) -> tuple[str, int] | None:
        """A town smaller than a town in lower case must be to count ("near harrogate",
        "near crewe for sciatica"): after "near", by its own name, no word the readers or
        English know, one or two words that end a clause. As written, and where it ends."""
        for span, end in plain_spans(start):
            name = " ".join(span)
            if plain_town is not None and plain_words(span) and name not in _NOT_A_PLAIN_TOWN \
                    and name not in _HINDI_NOT_TOWNS and (area_named is None or area_named(name) is None) \
                    and plain_town(name, False, 0):
                return span_written(span)[0], end
        return None

    def plain_unknown_at(start: int) -> tuple[str, int] | None:
        """A name in lower case the gazetteer does not know, after "near" ("near heathrow",
        "near hsr layout"): one or two words that end a clause (see :func:`plain_part`). For
        the configured geocoder to try; offline, the seeker is told it was not found rather
        than that no place was given."""
        return next(((name, end) for span, end in plain_spans(start) if (name := plain_part(span)) is not None), None)

    def plain_part(span: list[str]) -> str | None:
        """``span`` as written when it is a name in lower case the map lacks and no word the
        readers know ("bandra west", "hsr layout"; not "lower back", "hindi", "person")."""
        if plain_words(span) and population_named(" ".join(span)) is None:
            return span_written(span)[0]
        return None

    def part_then_town(start: int) -> tuple[str, int] | None:
        """"Near Viman Nagar Pune", "in MG Road Bangalore", "in bandra west mumbai": a part of
        a town the map lacks, then a town of 100,000 or more, with no comma between. As
        written, and where it ends."""
        for n in (1, 2, 3):
            if start + n > len(tokens) or (part := unknown_name(tokens[start:start + n], part_last=True)
                                           or plain_part(tokens[start:start + n])) is None:
                continue
            city = town_at(start + n, (2, 1))
            if city is not None and (population_named(normalise(city[0])) or 0) >= TOWN_MIN_POPULATION:
                return f"{part} {city[0]}", city[1]
        return None

    def unknown_at(start: int) -> tuple[str, int] | None:
        """A name the gazetteer does not know at ``start`` ("near Koramangala", "in
        Whitefield", "near MG Road"), which the configured geocoder may still place."""
        for n in (3, 2, 1):
            if start + n <= len(tokens) \
                    and (words := unknown_name(tokens[start:start + n], part_last=True)) is not None:
                return words, start + n
        return None

    def slip_at(start: int) -> tuple[str, int] | None:
        """A town's name mistyped at ``start`` (see above), one word that ends a clause or
        the text and is no word the readers know: the town's name, and where it ends."""
        word = tokens[start] if start < len(tokens) else ""
        if misspelt is None or not word.isalpha() or word in _KNOWN_WORDS or _key(word) in _LANGUAGE_NAMES \
                or area_named is not None and area_named(word) is not None or start + 1 < len(tokens) \
                and tokens[start + 1].isalnum() and tokens[start + 1] not in _AFTER_A_CARE_TOWN \
                and tokens[start + 1] not in _HINDI_IN:
            return None
        name = misspelt(word, BARE_TOWN_MIN_POPULATION)
        if name is None and (smaller := misspelt(word, SWAPPED_TOWN_MIN_POPULATION)) is not None \
                and one_swap_apart(word, smaller):
            name = smaller  # two letters swapped, the likeliest slip: "gurgoan", "leesd"
        return (name.title(), start + 1) if name is not None else None

    def set_apart_town() -> PlaceMention | None:
        """A city of a million set apart by commas or dashes, or starting the text before
        one ("Bangalore, back pain", "Delhi - sciatica - physio", "back pain, Mumbai,
        female physio"): a capital says nothing at the start (every text starts with one).
        Further in, a town of 100,000 written with a capital, after a comma that follows
        what is wanted ("sciatica down my leg, Bristol, prefer a woman"; not "my mum,
        Florence, has sciatica")."""
        apart = [not w[:1].isalnum() for w in tokens] + [True]  # commas and stops (dashes are not tokens)

        def capital_town(start: int, end: int) -> str | None:
            name, after = " ".join(tokens[start:end]), "".join(tokens[end + 1:end + 2])
            # At the start, not a word a town's name is too ("Reading, back pain"), nor a
            # name then an age ("Florence, 45, back pain").
            if not (capitals_tell and (start >= 2 and tokens[start - 1] == "," and tokens[start - 2] not in OTHER_PEOPLE
                                       or start == 0 and tokens[end:end + 1] == [","] and not after.isdigit()
                                       and name not in LOWER_CASE_WORDS)
                    and after_wanted(start) and (area_named is None or area_named(name) is None)
                    and (population_named(name) or 0) >= TOWN_MIN_POPULATION
                    and span_written(tokens[start:end])[1]):
                return None
            return town(tokens[start:end])

        def dashed(n: int) -> bool:  # the text's first ``n`` words, then a dash or a colon
            return bool(re.match(r"\s*" + r"[\W_]+".join(map(re.escape, tokens[:n])) + r"\s*[-–—:|]", text, re.I))

        seen: list[tuple[str, int, int]] = []  # each town set apart, where it starts and ends
        i = 0
        while i < len(tokens):
            hit = None
            for n in (3, 2, 1) if not i or apart[i - 1] else ():
                end = i + n
                # ("Bristol or Bath": a town with a capital, then another)
                either = capitals_tell and end < len(tokens) and tokens[end] in ("or", "and") \
                    and span_written(tokens[i:end])[1]
                if end > len(tokens) or not (apart[end] and (i or end < len(tokens)) or not i and dashed(n) or either):
                    continue
                if (words := town(tokens[i:end], BARE_TOWN_MIN_POPULATION, capitals=False)
                        or capital_town(i, end)) is not None:
                    hit = (*qualified(words, end), i)  # "Richmond, Virginia, back pain"
                    break
            if hit is None:
                i += 1
                continue
            words, end, start = hit
            seen.append((words, start, end))
            if end < len(tokens) and tokens[end] in ("or", "and") and (other := town_at(end + 1, (2, 1))):
                seen.append((other[0], end + 1, other[1]))
                end = other[1]
            i = end
        if len({normalise(words) for words, _, _ in seen}) > 1:
            # "neck pain, Delhi, Mumbai or Pune": the seeker has not chosen
            first, last = text.find(seen[0][0]), text.rfind(seen[-1][0])
            said = text[first:last + len(seen[-1][0])] if 0 <= first < last else " or ".join(w for w, _, _ in seen)
            return PlaceMention(said, said, undecided=True, choices=tuple(dict.fromkeys(w for w, _, _ in seen)))
        if seen:
            words, start, end = seen[0]
            return PlaceMention(words, words) if _asked(tokens, start, end, place=True) else None
        return None

    def care_town() -> PlaceMention | None:
        """A town right after the care wanted, mid-sentence: "physio mumbai for back pain",
        "massage Leeds please" (in lower case a city of a million), or a city and a part of
        it ("physio Chennai Anna Nagar for sciatica"); the only such one."""
        seen: list[PlaceMention] = []
        for i, token in enumerate(tokens):
            if token not in _THERAPY_TOKENS and token not in _CARE_NOUNS:
                continue
            for end in range(min(i + 6, len(tokens)), i + 1, -1):
                # then a pause, or what hurts ("acupuncture London sciatica", as keywords)
                if end < len(tokens) and tokens[end] not in _AFTER_A_CARE_TOWN and tokens[end] not in _NOT_A_PLACE_NAME:
                    continue
                words = town(tokens[i + 1:end], BARE_TOWN_MIN_POPULATION, capitals_tell, plain_too=True) \
                    if end <= i + 4 else None
                mention = PlaceMention(words, words) if words is not None else None
                if mention is None and (local := city_then_locality(end)) is not None and local[1] == i + 1:
                    mention = local[0]
                if mention is not None:
                    if _asked(tokens, i + 1, end, place=True):
                        seen.append(mention)
                    break
        return seen[0] if len({normalise(s.name) for s in seen}) == 1 else None

    def town_before_wish() -> PlaceMention | None:
        """A town named between what is wanted and another wish, as keywords run on: "back
        pain mumbai female physio", "physio mumbai hindi speaking", "sciatica Leeds online".
        A town of 100,000 or more, with a name of four letters or more ("Sam" is Damascus),
        in lower case or starting the text as a town ending the text is read in lower case (a
        city of a million, or a town by its own name that is no word), not told of or turned
        down; the only such one."""
        seen: list[PlaceMention] = []
        for end in range(1, len(tokens)):
            if tokens[end] not in _WISH_AFTER_A_TOWN:
                continue
            # (with its state's code: "physio austin tx female")
            town_end = end - 1 if end > 1 and area_at(end - 1, end, any_case=True) else end
            for start in range(max(town_end - 3, 0), town_end):
                name = " ".join(tokens[start:town_end])
                if not after_wanted(start) or len(name) < 4 or (population_named(name) or 0) < TOWN_MIN_POPULATION:
                    continue
                words = town(tokens[start:town_end], BARE_TOWN_MIN_POPULATION, capitals_tell and start > 0,
                             plain_too=True)
                if words is not None:
                    if _asked(tokens, start, end, place=True):
                        words = span_written(tokens[start:end])[0] if town_end < end else words
                        seen.append(PlaceMention(words, words))
                    break
        return seen[0] if len({normalise(s.name) for s in seen}) == 1 else None

    def town_within(start: int, end: int) -> tuple[str, int] | None:
        """"In Whitefield, Bangalore": a place a tenth the size of the town or less (here
        Whitefield in England, or Richmond in Virginia), a comma, then the town; "near
        Victoria station, London": a place, a word or two for a part of a town, maybe a
        comma, then the town. As written, and where it ends."""
        part = 0  # ("near Liverpool Street station, London": two words)
        while part < 2 and end + part < len(tokens) and tokens[end + part] in _PART_OF_A_TOWN:
            part += 1
        k = end + part
        comma = k < len(tokens) and tokens[k] == ","
        if not (part or comma) or (city := town_at(k + comma, (2, 1))) is None or not part and \
                (population_named(" ".join(tokens[start:end])) or 0) * 10 >= (population_named(city[0]) or 0):
            return None
        return f"{span_written(tokens[start:k])[0]}{',' if comma else ''} {city[0]}", city[1]

    def landmark_after(start: int, end: int) -> tuple[str, int] | None:
        """"Near Victoria Station", "near Oxford Street", "near Phoenix Mall for back pain": a
        town's name from ``start`` to ``end``, then a word or two for a street, a landmark or
        a station that end the place (no town after them). The whole name, for the geocoder
        (the offline map measures "Pune station" from Pune, but knows Oxford Street nowhere).
        As written, and where it ends."""
        k = end
        while k < len(tokens) and k - end < 2 and tokens[k] in LANDMARK_WORDS:
            k += 1
        return (span_written(tokens[start:k])[0], k) if k > end and place_ends(k) else None

    def hindi_town() -> PlaceMention | None:
        """A town before Hindi "mein" (in, also typed "me", "mai", "main") or "ke paas"
        (near): "kamar dard ka ilaj delhi mein", "Pune me massage", "mumbai ke paas physio"."""
        for i, token in enumerate(tokens):
            if (token in _HINDI_IN or token == "ke" and i + 1 < len(tokens) and tokens[i + 1] in _HINDI_NEAR) and i:
                # (a numbered part of the town between: "noida sector 62 ke paas")
                end = i - 2 if i >= 3 and numbered_part(tokens, i - 2) else i
                for n in (3, 2, 1):
                    # (not a short other name of some city: "ta mein")
                    if end - n >= 0 and len("".join(tokens[end - n:end])) >= 4 and town(tokens[end - n:end]):
                        # echoed with the word after it: "delhi mein", "mumbai ke paas" (the town
                        # as written there, should it be written twice: "PuNE PUNE me")
                        said = span_written(tokens[end - n:i + 1 + (token == "ke")])[0]
                        return PlaceMention(as_written(said, " ".join(tokens[end - n:end])), said)
        return None

    def based_town() -> PlaceMention | None:
        """A town before "based": "a Mumbai-based ayurvedic doctor", "Leeds based physio"."""
        for i, token in enumerate(tokens):
            if token == "based" and i:
                for n in (3, 2, 1):
                    if i - n >= 0 and (words := town(tokens[i - n:i])) is not None:
                        said = span_written(tokens[i - n:i + 1])[0]  # "Mumbai-based"
                        return PlaceMention(words, said) if _asked(tokens, i - n, i, place=True) else None
        return None

    def home_town() -> PlaceMention | None:
        """Where the seeker says they are, when no town is asked for with "in" or "near": "I'm
        from Chennai, need a physio", "based out of Pune", "online physio from Dubai" (not
        "originally from", nor "a doctor from Kerala", who is said to come from there)."""
        def where_i_am(before: list[str]) -> bool:  # "I'm", "I am", "I am writing", "based out"
            last = before[-1] if before else ""
            return before in (["i", "am"], ["we", "are"]) or last in _I_AM or (
                last in _FROM_WHERE_I_AM and before[0] in (*_I_AM, "am"))

        for i, token in enumerate(tokens):
            before = tokens[max(i - 2, 0):i]
            # ("online physio from Dubai": the seeker's country or the practitioner's, either
            # way the country whose practitioners come first)
            online = "online" in tokens[max(i - 5, 0):i]
            if token == "from" and (where_i_am(before) or online) or token == "of" and before == ["based", "out"]:
                said = span_written(tokens[i:i + 1] if token == "from" and not where_i_am(before)
                                    else tokens[max(i - 2, 0):i + 1])[0]
                the = tokens[i + 1:i + 2] == ["the"]
                hit = town_at(i + 1 + the)  # ("from the Hague")
                if hit is not None and (hit[1] == len(tokens) or tokens[hit[1]] not in _PLACE_BEFORE) \
                        and _asked(tokens, i, hit[1], place=True):
                    return PlaceMention(hit[0], f"{said}{' the' if the else ''} {hit[0]}")
                if the and (initials := initials_at(i + 2)) and _asked(tokens, i, i + 3, place=True):
                    return PlaceMention(initials, f"{said} the {span_written(tokens[i + 2:i + 3])[0]}",
                                        known=False)  # "from the UK"
        return None

    def postcode() -> PlaceMention | None:
        """A postcode asked for ("physio near 560034", "pincode: 400050"), the only one: a
        name for the geocoder (see _POSTCODE)."""
        codes = [(m, m["code"] or m["any"]) for m in _POSTCODE.finditer(text)]
        if len({normalise(code).replace(" ", "") for _, code in codes}) != 1:
            return None
        match, code = codes[0]
        start = tokens.index(normalise(code).split()[0]) if normalise(code).split()[0] in tokens else 0
        asked = _asked(tokens, start, start + 1, place=True)
        return PlaceMention(code, match[0].strip(), known=False) if asked else None

    def how_it_came(start: int) -> tuple[bool, bool]:
        """Whether the clause before ``start`` tells how the pain came (a word of
        :data:`_HOW_IT_CAME` with no word of what is wanted after it), and whether of a trip."""
        past = trip = False
        for position in range(start - 1, max(start - _LOOKBACK, 0) - 1, -1):
            token = tokens[position]
            if clause_break(token, tokens[position + 1]) or token in _WANTING or token in _THERAPY_TOKENS:
                break
            trip = trip or token in _TRAVEL_WORDS
            past = past or token in _HOW_IT_CAME
        return past, past and trip

    unknown: list[PlaceMention] = []
    past_told: set[str] = set()  # towns named in a clause of how the pain came
    work_towns: list[PlaceMention] = []  # "I work in Mumbai": a town with a capital where the seeker works
    for i, token in enumerate(tokens):
        close = token == "to" and i > 0 and tokens[i - 1] in _CLOSE_BEFORE_TO  # "close to Paddington"
        if token not in _PLACE_BEFORE and not close:
            continue
        near = token in ("near", "nr") or close
        word = f"{tokens[i - 1]} to" if close else token  # as echoed: "near", "close to"
        past, trip = how_it_came(i)
        if trip or past and token == "visiting":
            continue  # "I got back pain on holiday in Spain": where it came, not where care is wanted
        hit = town_at(i + 1)
        if hit is None and near:
            hit = small_town_at(i + 1)
        if token == "in" and i and tokens[i - 1] in _WORK_IN and hit is not None \
                and span_written(tokens[i + 1:hit[1]])[1] and _asked(tokens, i, hit[1], place=True) \
                and not (i > 1 and tokens[i - 2] in _DECLINED_BEFORE) and "anymore" not in tokens[hit[1]:hit[1] + 3]:
            work_towns.append(PlaceMention(hit[0], span_written(tokens[i - 1:hit[1]])[0]))  # "I work in Mumbai"
        if token == "in" and i and tokens[i - 1] in _IN_A_FIELD_AFTER and not (
                tokens[i - 1] in _WHERE_AFTER and hit is not None and span_written(tokens[i + 1:hit[1]])[1]):
            continue  # "trained in Shiatsu" names a field; "a back pain specialist in Pune" a place
        if hit is None and ((odd := unknown_at(i + 1)) is not None or near
                            and (odd := plain_unknown_at(i + 1)) is not None) \
                and (odd[1] == len(tokens) or town_at(odd[1]) is None) and _asked(tokens, i, odd[1], place=True):
            unknown.append(PlaceMention(odd[0], f"{word} {odd[0]}", known=False))
        if hit is None and i + 2 < len(tokens) and tokens[i + 1] == "the":
            hit = town_at(i + 2)  # "in the Bronx", "in the Hague"
            if hit is None and (initials := initials_at(i + 2)) and _asked(tokens, i, i + 3, place=True):
                unknown.append(PlaceMention(initials, f"{word} the {span_written(tokens[i + 2:i + 3])[0]}",
                                            known=False))  # "in the UK"
        if hit is None and re.fullmatch(r"[a-z]+'s", tokens[i + 1] if i + 1 < len(tokens) else ""):
            # "in Mumbai's suburbs": the town the part is of
            owner = tokens[i + 1][:-2]
            if (words := town([owner])) is not None:
                hit = words, i + 2
        if hit is None:
            hit = address_then_town(i + 1)
        if hit is None:
            hit = part_then_town(i + 1)
        if hit is None and i + 1 < len(tokens) and tokens[i + 1] in COMPASS_WORDS \
                and (city := town_at(i + 2, (2, 1))) is not None:
            hit = f"{span_written(tokens[i + 1:i + 2])[0]} {city[0]}", city[1]  # "in south Delhi"
        if hit is None and "," in tokens[i + 2:i + 4]:
            # "in Koramangala, Bangalore": a neighbourhood the map may not know, then its town
            comma = tokens.index(",", i + 2)
            city = town_at(comma + 1, (2, 1))
            # (not what hurts: "numbness in foot, Delhi", "pain in lower back, London")
            if city is not None and not any(w in _NOT_IN_A_NAME for w in tokens[i + 1:comma]) \
                    and not all(w in _NOT_A_PLACE_NAME for w in tokens[i + 1:comma]):
                hit = f"{span_written(tokens[i + 1:comma])[0]}, {city[0]}", city[1]
        if hit is None and (slip := slip_at(i + 1)) is not None:
            if _asked(tokens, i, slip[1], place=True):  # "physio in banglore": Bangalore, echoed as written
                found.append(PlaceMention(slip[0], f"{word} {span_written(tokens[i + 1:slip[1]])[0]}"))
            continue
        if hit is None:
            continue
        named, end = hit
        landmark = None
        if (with_area := qualified(named, end))[1] > end:
            named, end = with_area  # "in Cambridge, MA": that Cambridge
        elif (city := town_at(end, (2, 1))) is not None and \
                (population_named(city[0]) or 0) >= (population_named(named) or 0):
            # "in Whitefield Bangalore": a neighbourhood (here one England has too), then its town
            # (a bigger one: "in San Francisco Bay Area" is not a place called Bay)
            named, end = span_written(tokens[i + 1:city[1]])[0], city[1]
        elif (within := town_within(i + 1, end)) is not None:
            named, end = within
        elif (landmark := landmark_after(i + 1, end)) is not None:
            named, end = landmark  # (which the gazetteer may not know: "Oxford Street")
        code = postcode_words(tokens, end)  # "in London SW19", "in Leeds LS6 3AB, for sciatica"
        if code and (end + code == len(tokens) or not tokens[end + code][:1].isalnum()):
            named, end = f"{named} {span_written(tokens[end:end + code])[0]}", end + code
        if not _asked(tokens, i, end, place=True):
            continue  # a town told of or turned down ("I was in Delhi"): not where care is wanted
        if end < len(tokens) and tokens[end] in ("or", "and") and (
                other := town_at(end + 1) or unknown_at(end + 1)):
            # "in Bangalore or Mumbai": the seeker has not chosen
            both = span_written(tokens[i + 1:other[1]])[0]
            return PlaceMention(both, f"{word} {both}", undecided=True, choices=(named, other[0]))
        found.append(PlaceMention(named, f"{word} {named}", known=landmark is None))
        if past:
            past_told.add(normalise(named))
    work = work_towns[0] if len({normalise(w.name) for w in work_towns}) == 1 else None
    if work is not None and _NEAR_WORK.search(text):
        return work  # "I live in Pune but work in Mumbai, a physio near my office"
    if not found:
        return ending_town() or (unknown[0] if len(unknown) == 1 else None) or set_apart_town() or hindi_town() \
            or care_town() or town_before_wish() or based_town() or home_town() or postcode() or work
    if len({normalise(f.name) for f in found}) > 1:
        # "slipped on ice in Toronto, physio near Mississauga": the one not told of as how it came
        found = [f for f in found if normalise(f.name) not in past_told]
    return found[0] if len({normalise(f.name) for f in found}) == 1 else None


@dataclass(frozen=True)
class BudgetMention:
    amount: int  # minor units
    currency: str | None  # None: the words named no one currency ("budget 1500", "$50")
    words: str  # as the seeker wrote them: "under ₹1,000", "£50 max"
    rest: str = ""  # the text without them


# Money as seekers write a budget: a marker (from marketplace.core.money, and "quid" and
# "bucks") before or after the digits, "1.5k", the Indian "1500/-". Hindi names the rupee in
# Latin letters or in Devanagari ("रु." too: the dot after any marker is allowed), and may
# write the digits in Devanagari ("₹१०००"), which ``\d`` and ``parse_price`` read.
_MONEY_MARKERS = {**MARKERS, "quid": "GBP", "bucks": None, "rupaye": "INR", "rupaiye": "INR", "rupay": "INR",
                  "rupaya": "INR", "रुपये": "INR", "रुपए": "INR", "रुपया": "INR", "रुपयों": "INR", "रु": "INR",
                  "रू": "INR"}
_MARKER = "|".join(re.escape(m) for m in sorted(_MONEY_MARKERS, key=len, reverse=True))
# Devanagari letters and signs. Vowel signs, the virama and the nukta are marks, not ``\w``,
# so ``\b`` falls inside a Hindi word ("तक|िया"); these edges are written with this instead.
# The danda (।) and the digits are left out: a cue may end a sentence.
_DEVANAGARI = "\u0900-\u0963\u0971-\u097f"
_PRICE = (rf"(?:(?P<pre>{_MARKER})\.?\s*)?(?P<amount>\d(?:[\d,]*\d)?(?:\.\d{{1,2}})?)(?:\s*(?P<k>k)\b)?"
          rf"(?:\s*(?P<post>{_MARKER})(?![a-z{_DEVANAGARI}])\.?|\s*(?P<exact>/-))?")
# "About": a budget of about an amount is read as that amount ("budget around 1500").
_ABOUT = r"(?:around|about|approx\.?|approximately|roughly|near|nearly|close to|~)"
# "Under ₹1,000", "less than £50", "max 1500 rupees", "budget 2000", "up to $80", in Hindi
# "अधिकतम ₹1000" (at most)...
_BUDGET_BEFORE = re.compile(rf"(?<![\w$₹£€{_DEVANAGARI}])(?P<cue>under|below|less than|lesser than|cheaper than|"
                            rf"max|maximum|up ?to|within|no more than|not more than|at most|budget|अधिकतम)"
                            rf"(?:\s+(?:of|is))?(?:\s+{_ABOUT})?:?\s*~?\s*{_PRICE}", re.IGNORECASE)
# ...and "£50 or less", "1000 rupees max", and in Hinglish "1000 rupaye tak" (up to), "₹800 se
# kam" (less than), "₹1500 ke andar" (within); in Devanagari the same, matched on the words
# as written so that the budget's words and the rest stay in the seeker's script: "1000 रुपये
# तक", "₹800 से कम (में)" (for less than), "₹1500 के अंदर / अन्दर / भीतर" (within), "₹1000 से
# ज़्यादा नहीं" (not more than; ज़ typed as one sign, as ज and a nukta, or as plain ज), "₹1000
# अधिकतम".
_BUDGET_AFTER = re.compile(rf"(?<![\w.,{_DEVANAGARI}]){_PRICE}\s*(?P<cue>or less|or under|or below|or cheaper|max|"
                           rf"maximum|tops|at most|tak|se kam|ke andar|ke neeche|ke niche|"
                           rf"तक|से\s+कम(?:\s+में)?|के\s+(?:अंदर|अन्दर|भीतर)|"
                           rf"से\s+(?:\u095b|\u091c\u093c?)्यादा\s+(?:नहीं|नही)|अधिकतम)"
                           rf"(?![\w{_DEVANAGARI}])", re.IGNORECASE)
# Said of money spent or covered, not of a budget: "I paid under £50 last time", "my
# insurance covers up to £500".
_NOT_A_BUDGET = frozenset({"paid", "pay", "spent", "spend", "cost", "costs", "charged", "charge", "charges", "lost",
                           "earn", "earned", "earns", "saved", "refund", "refunded", "fee", "fees", "insurance",
                           "insurer", "cover", "covers", "covered", "claim", "claimed", "salary", "income"})
# ...and in Hindi, which tells the verb after the amount: "पिछली बार ₹500 से कम दिए" (I paid
# under ₹500 last time), "बीमा ₹5000 तक कवर करता है" (insurance covers up to ₹5000). Only the
# past of paying: "₹1000 तक दे सकता हूँ" (I can pay up to ₹1000) is a budget. Spelt as the
# reader sees them, Devanagari being read as Hinglish (``normalise``).
_NOT_A_BUDGET_HINDI = frozenset(tokens_of(normalise(
    "दिए दिये दिया दी चुकाए चुकाये चुकाया भरे भरा बीमा इंश्योरेंस कवर "
    "diye diya chukaye chukaya bhare bhara bima kavar")))


# ...unless the words say what the seeker will pay, not what was paid: "can pay up to 1500",
# "happy to spend £60 max", "fees under 1000", "charges not more than 800".
_WILL_PAY = frozenset({"pay", "spend", "fee", "fees", "charge", "charges"})
_WILLING = frozenset({"can", "could", "will", "would", "i'll", "ill", "we'll", "to", "afford", "willing", "happy",
                      "ready", "want", "able", "prepared"})
_FEE_WORDS = frozenset({"fee", "fees", "charge", "charges", "price", "prices", "rate", "rates"})


def _will_pay(tokens: list[str], start: int) -> bool:
    """Whether the limit at ``start`` says what the seeker will pay: a fee word just before
    its cue ("fees under 1000"), or "pay"/"spend" after a word of willing ("can pay up to")."""
    before = start - 1
    while before >= 0 and tokens[before] in ("not", "is", "are", "should", "be", "must", "of", "my", "the"):
        before -= 1
    if before >= 0 and tokens[before] in _FEE_WORDS:
        return True
    for i in range(max(start - _LOOKBACK, 1), start):
        if tokens[i] in ("pay", "spend") and tokens[i - 1] in _WILLING:
            return True
    return False


def _token_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Where ``text[start:end]`` lies among the words of ``text`` as the readers see them."""
    first = len(tokens_of(normalise(text[:start])))
    return first, first + len(tokens_of(normalise(text[start:end])))


def asked_budget(text: str) -> BudgetMention | None:
    """The most the seeker will pay a session, in their words ("a massage under ₹1,000",
    "physio, £50 max"), or None: an amount with a currency (or after "budget", or a sum of
    a hundred or more with nothing after it: "massage Mumbai under 1000") and a word that
    makes it a limit, not money told of ("I paid under £50", "not under ₹500"), and one
    such amount in the text. Minutes, weeks and kilometres are not money, so "under 30
    minutes" and "within 500 metres" are not read."""
    tokens = tokens_of(normalise(text))
    found: dict[tuple[int, str | None], tuple[int, int]] = {}  # (amount, currency) -> where it is said
    for match in [*_BUDGET_BEFORE.finditer(text), *_BUDGET_AFTER.finditer(text)]:
        pre, post = (m.lower() if m is not None else None for m in (match["pre"], match["post"]))
        marked = pre is not None or post is not None or match["exact"] is not None
        currencies = {_MONEY_MARKERS[m] for m in (pre, post) if m is not None}
        if len(currencies) > 1:
            continue
        try:
            amount, _ = parse_price(match["amount"])
        except ValueError:
            continue
        if match["k"]:
            amount *= 1000
        if not (marked or match["cue"].lower() == "budget" and not _unit_after(text, match.end())
                or _bare_sum(text, match.end(), amount)):
            continue
        start, end = _token_span(text, *match.span())
        told = _NOT_A_BUDGET - _WILL_PAY if _will_pay(tokens, start) else _NOT_A_BUDGET
        if amount <= 0 or not _asked(tokens, start, min(end, len(tokens)), told | _NOT_A_BUDGET_HINDI,
                                     _NOT_A_BUDGET_HINDI):
            return None  # money told of, or a limit turned down: no budget asked for
        key = (amount, currencies.pop() if currencies else None)
        start, end = found.get(key, match.span())
        if start < match.end() and match.start() < end:  # one limit said with two cues: "up to £50 max"
            found[key] = (min(start, match.start()), max(end, match.end()))
    if len(found) != 1:
        return None
    [((amount, currency), (start, end))] = found.items()
    # The words around it, as a sentence: "massage, under £40, for my back" -> "massage, for my back"
    rest = _LOOSE_STOPS.sub(lambda m: m[1] or "", " ".join(f"{text[:start]} {text[end:]}".split())).strip(" ,;:.।")
    return BudgetMention(amount, currency, " ".join(text[start:end].split()), rest)


# A limit with no currency is read as one when it can hardly be anything else: a sum of at
# least a hundred (no age, and no count of minutes or kilometres with its unit left off),
# with no unit after it.
_BARE_MIN = 100_00  # minor units
_NOT_MONEY_AFTER = frozenset({
    "min", "mins", "minute", "minutes", "hr", "hrs", "hour", "hours", "day", "days", "week", "weeks", "month", "months",
    "year", "years", "yr", "yrs", "km", "kms", "kilometre", "kilometres", "kilometer", "kilometers", "mile", "miles",
    "mi", "m", "metre", "metres", "meter", "meters", "ft", "feet", "cm", "mm", "kg", "kgs", "lb", "lbs", "g", "mg",
    "ml", "steps", "calories", "kcal", "reviews", "ratings", "people", "patients", "times", "words", "sq", "sqft",
    "din", "hafte", "hafta", "mahine", "mahina", "saal", "ghante", "ghanta", "minat",
})


def _unit_after(text: str, end: int) -> bool:
    """Whether a unit that is not money follows ("30 minutes", "5 km")."""
    after = re.match(r"[\s,.]*([^\W\d_]+)", text[end:])
    return bool(after and after[1].lower() in _NOT_MONEY_AFTER)


def _bare_sum(text: str, end: int, amount: int) -> bool:
    return amount >= _BARE_MIN and not _unit_after(text, end)


_LOOSE_STOPS = re.compile(r"\s*([,;:])(?:\s*[,;:])*|\s+(?=[.!?।])")  # doubled, or spaced from the word before


@dataclass(frozen=True)
class RadiusMention:
    km: float  # at least the distance said: miles in km, rounded up to a tenth
    words: str  # as the seeker wrote them: "within 5 km", "a 10 mile radius"
    rest: str = ""  # the text without them, where they said "of" or "from" a place "near" it
    place_word: str = ""  # that word as written ("of"), when the rest says "near" for it


_KM_PER_MILE = 1.609344
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_DISTANCE = re.compile(
    rf"(?<![\w.,{_DEVANAGARI}])(?P<n>\d+(?:\.\d+)?|{'|'.join(_NUMBER_WORDS)})\s*-?\s*"
    rf"(?P<unit>kms?|kilomet(?:re|er)s?|k\.m\.?|miles?|mi|किमी|किलोमीटर)(?![\w{_DEVANAGARI}])", re.IGNORECASE)
# A limit before the distance: "within 5 km", "no more than 10 miles", "inside a 3 km radius",
# "radius of 5 km", "I can't travel more than 10 km"...
_RADIUS_BEFORE = re.compile(
    r"(?:(?<![\w])(?:within|inside|under|less than|no more than|not more than|no further than|not further than|"
    r"no farther than|not farther than|at most|max|maximum|up ?to|in)|"
    r"(?:can't|cannot|can not|won't|don't want to|do not want to|unable to|not willing to)\s+"
    r"(?:travel|go|drive|commute|come)\s+(?:more|further|farther|beyond)(?:\s+than)?|"
    r"radius(?:\s+of)?)\s+(?:(?:a|an|the)\s+)?$", re.IGNORECASE)
# ...or after it: "a 5 km radius", "10 km or less", "5 km max", Hinglish "5 km ke andar" /
# "tak" (within, up to), in Devanagari "5 किमी के अंदर"
_RADIUS_AFTER = re.compile(
    rf"\s*(?:radius|range|(?:away\s+)?(?:or less|or closer|or nearer|max|maximum|at most|tops)|"
    rf"ke andar|ke andr|ke bheetar|ke bhitar|tak|के\s+(?:अंदर|अन्दर|भीतर)|तक)(?![\w{_DEVANAGARI}])", re.IGNORECASE)
_FROM_WHERE = re.compile(r"\s*(?:of|from|around|near)\b", re.IGNORECASE)
_FROM_A_PLACE = re.compile(r"\s*(?:away\s+)?(?:from|around)\s+(?!(?:my|the|a|an|here|there|me|home|work)\b)\w",
                           re.IGNORECASE)
# "I live 20 km from Pune": where one is, not how far one will go
_WHERE_ONE_IS = frozenset({"live", "lives", "living", "stay", "stays", "staying", "work", "works", "working", "based",
                           "located", "am", "i'm", "we're", "are", "is", "was", "it's"})
_ARTICLE_BEFORE = re.compile(r"(?<![\w])(?:a|an|the)\s+$", re.IGNORECASE)
_AWAY = re.compile(r"\s*away\b", re.IGNORECASE)
# "Within walking distance", "walkable distance": a couple of kilometres, a half-hour walk.
WALKING_KM = 2.0
_WALKING_DISTANCE = re.compile(r"\b(?:(?:with)?in\s+(?:a\s+)?)?(?:short\s+)?(?:walking|walkable)\s+distance\b",
                               re.IGNORECASE)
# Distances told of, not asked for: "I can't run under 5 km without pain", "pain within a mile of walking"
_NOT_A_RADIUS = frozenset({"run", "ran", "running", "runs", "jog", "jogged", "jogging", "walk", "walked", "walking",
                           "walks", "cycle", "cycled", "cycling", "ride", "rode", "riding", "hike", "hiked", "hiking",
                           "swim", "swam", "swimming", "marathon", "race", "drove", "driving"})
# ...and, measured from a place ("20 km from Pune"), where one is (see _WHERE_ONE_IS)
_NOT_A_RADIUS_FROM = _NOT_A_RADIUS | _WHERE_ONE_IS


def asked_radius(text: str) -> RadiusMention | None:
    """How far the seeker will go, in their words ("a physio within 5 km of Indiranagar",
    "in a 10 mile radius", "can't travel more than 10 km", "5 km ke andar", "within walking
    distance": WALKING_KM), or None: a distance in kilometres or miles with a word that makes
    it a limit, not a distance told of ("I ran 10 km", "I can't run under 5 km"), and one such
    distance in the text. A place it is measured from stays in the rest, as "near" it: "within
    5 km of Pune" -> "near Pune"."""
    tokens = tokens_of(normalise(text))
    found: dict[float, tuple[int, int]] = {}  # km -> where said
    for match in _DISTANCE.finditer(text):
        before = _RADIUS_BEFORE.search(text, 0, match.start())
        after = _RADIUS_AFTER.match(text, match.end())
        number = match["n"].lower()
        if number in ("a", "an") and before is None:  # "a km radius" is no limit said
            continue
        cue = before[0].strip().lower() if before is not None else ""
        # "5 km from Pune", "10 miles (away) from Leeds": as far as that from a place
        measured = before is None and after is None and _FROM_A_PLACE.match(text, match.end()) is not None
        if (before is None or cue.startswith("in ") or cue == "in") and after is None and not measured:
            continue  # "in 5 km" is no limit; "in a 5 km radius" is
        article = _ARTICLE_BEFORE.search(text, 0, match.start()) if before is None else None
        start = before.start() if before is not None else article.start() if article is not None else match.start()
        end = after.end() if after is not None else match.end()
        if (away := _AWAY.match(text, end)) is not None:
            end = away.end()
        count = float(_NUMBER_WORDS.get(number) or number)
        km = math.ceil(round(count * (_KM_PER_MILE if match["unit"].lower().startswith("mi") else 1) * 10, 6)) / 10
        first, last = _token_span(text, start, end)
        if km < 1 or not _asked(tokens, first, min(last, len(tokens)), _NOT_A_RADIUS_FROM if measured
                                else _NOT_A_RADIUS):
            continue
        found.setdefault(km, (start, end))  # (said twice: one limit)
    for match in _WALKING_DISTANCE.finditer(text):
        if _asked(tokens, *_token_span(text, *match.span())):
            found.setdefault(WALKING_KM, match.span())
    if len(found) != 1:
        return None
    [(km, (start, end))] = found.items()
    where = _FROM_WHERE.match(text, end)
    rest = f"{text[:start]} near {text[where.end():]}" if where is not None else f"{text[:start]} {text[end:]}"
    rest = _LOOSE_STOPS.sub(lambda m: m[1] or "", " ".join(rest.split())).strip(" ,;:.।")
    return RadiusMention(km, " ".join(text[start:end].split()), rest, where.group().strip() if where else "")


def read_mentions(text: str, words: Mapping[tuple[str, ...], str], elsewhere: Elsewhere = Elsewhere()) -> Reading:
    """Every term of ``words`` named in ``text``, longest wording first ("deep tissue
    massage" is one mention, of the technique), each marked asked or not (a mention with
    words of ``elsewhere`` around it is about something else, and not asked)."""
    tokens = tokens_of(normalise(text))
    stems = [stem(t) for t in tokens]
    mentions: list[Mention] = []
    i = last = 0  # ``last``: where the mention before ends
    while i < len(tokens):
        for size in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
            slug = words.get(tuple(stems[i:i + size]))
            if slug is not None:
                end = i + size
                beside = (i > 0 and tokens[i - 1] in elsewhere.before) or (
                    end < len(tokens) and tokens[end] in elsewhere.after) or (
                    i > 1 and (tokens[i - 2], tokens[i - 1]) in elsewhere.before_two)
                refusal = None if beside else _refusal(tokens, i, end)
                asked = not beside and refusal is None and _asked(tokens, i, end, elsewhere.in_clause)
                joined = bool(mentions) and _joins(tuple(t for t in tokens[last:i] if t not in _JOINING_FILLERS))
                gap = tokens[last:i]  # a list carries a refusal ("no acupuncture, surgery or cupping")
                refused = refusal is not None or not beside and bool(mentions) and mentions[-1].refused \
                    and set(gap) <= _LISTING | _OTHER_CARE and (not asked or gap[-1:] in (["or"], ["nor"]))
                asked = asked and not refused
                mentions.append(Mention(slug, " ".join(tokens[i:i + size]), asked, joined, refused, refusal or ""))
                i = last = end
                break
        else:
            i += 1
    return Reading(tuple(mentions))


def _refusal(tokens: list[str], start: int, end: int) -> str | None:
    """The words, as normalised, in which the seeker refuses what the words at
    ``start:end`` name ("no acupuncture", "sui se darr"; see :data:`_REFUSING_BEFORE`), or
    None: a refusal ends the words before them in their clause, or follows them."""
    before: list[str] = []
    for position in range(start - 1, max(start - _LOOKBACK, 0) - 1, -1):
        token = tokens[position]
        if token in ("but", "except") and position and tokens[position - 1] in ("anything", "everything", "all"):
            before.append(token)  # "anything but massage": one clause
        elif clause_break(token, tokens[position + 1]) and not (token == "," and _listing_other_care(before)):
            break  # (a comma in a list of other care, "no surgery, injections or cupping", is no break)
        else:
            before.append(token)
    said_before = " ".join(reversed(before))
    if _TOLD_OF_HAVING.intersection(before) and not _HAD_ENOUGH.search(said_before):
        return None  # (but "I've had enough of physio" turns it down)
    named = " ".join(tokens[start:end])
    if (cue := _REFUSING_BEFORE.search(" ".join(reversed(before[_other_care_listed(before):])))) is not None:
        return f"{said_before[cue.start():].strip()} {named}"
    if (cue := _REFUSING_AFTER.match(" ".join(tokens[end:end + 4]) + " ")) is not None:
        return f"{named} {cue.group(0).strip(' ,')}"
    return None


def _other_care_listed(before: list[str]) -> int:
    """How many of the words ``before`` a mention (nearest first) list other care refused
    with it ("surgery or" in "no surgery or acupuncture", "injections , surgery or" in "no
    injections, surgery or cupping"): 0 unless the nearest joins it by "or" or "nor"."""
    position = 0
    while position < len(before) and before[position] in _LIST_FILLERS:
        position += 1  # ("painkillers or a chiropractor")
    if position == len(before) or before[position] not in ("or", "nor"):
        return 0
    listed = 0
    while position < len(before) and before[position] in _LIST_JOINS:
        while position < len(before) and before[position] in _LIST_JOINS:
            position += 1
        item = position
        while position < len(before) and before[position] in _OTHER_CARE | _LIST_FILLERS:
            position += 1
        if not _OTHER_CARE.intersection(before[item:position]):
            break
        listed = position
    return listed


def _listing_other_care(before: list[str]) -> bool:
    """Whether the words ``before`` a mention (nearest first) are, so far, a list of other
    care joined to it by "or" (so that a comma before them is no clause break)."""
    said = [word for word in before if word not in _LIST_FILLERS]
    return bool(said) and said[0] in ("or", "nor") and all(word in _OTHER_CARE or word in _LIST_JOINS
                                                           for word in said)


# A question of what care costs: "how much does physio cost", "what does a session cost",
# "price of acupuncture", "physio fees kitni hai".
_CARE_PAID_FOR = (r"(?:a |an |one |the )?(?:\w+ ){0,2}(?:session|sessions|visit|home visits?|consultation|appointment|"
                  r"treatment|physio\w*|acupunctur\w*|massage|cupping|ayurved\w*|chiropract\w*)\b")
_COST_ASKED = re.compile(
    r"\bhow much\b[^.!?]{0,40}?\b(?:cost|costs|charge|charges|charged|price|fee|fees)\b"
    rf"|\bhow much (?:is|are|for|do you charge for) {_CARE_PAID_FOR}"
    r"|\bwhat (?:does|do|would|will|might) [^.!?]{0,30}?\bcost\b"
    rf"|\b(?:cost|costs|price|prices|fee|fees|charges|rates?)\s+(?:of|for)\s+{_CARE_PAID_FOR}"
    r"|\b(?:fees?|charges?|kharch\w*|paise|paisa)\s+kitn[aei]\b"
    r"|\bkitn[aei]\s+(?:fees?|charges?|kharch\w*|paise|paisa|lagega|lagenge|lagta|lagti)\b")


def unmet_wishes(text: str) -> tuple[str, ...]:
    """What ``text`` asks for that no search here can meet (values of
    :data:`UNMET_WISH_WORDS`: "an NHS physio", "covered by Bupa", "open on Sunday", "best
    rated"), each once, in the order named; not what it turns down ("no parking needed").
    A question of what care costs ("how much does physio cost") is the wish "cost", unless
    a low price is asked for too."""
    said = read_mentions(text, UNMET_WISH_VOCABULARY, _NOT_FREE_OF_COST).mentions
    if any(not m.asked and m.slug != "free" for m in said):  # (the words before say only what "free" means:
        # "back pain covered by insurance" asks for insurance)
        said = tuple(m if m.slug == "free" else plain
                     for m, plain in zip(said, read_mentions(text, UNMET_WISH_VOCABULARY).mentions))
    wishes = tuple(dict.fromkeys(m.slug for m in said if m.asked))
    if "price" not in wishes and _COST_ASKED.search(normalise(text)):
        wishes += ("cost",)
    return wishes


def refused_doings(text: str) -> dict[str, str]:
    """What ``text`` refuses a therapy doing without naming the therapy: the therapy's slug
    (:data:`NEEDLES`, :data:`CRACKING`) -> the words, as normalised, that refuse it ("no
    needles please", "scared of needles", "needle-free", "I don't want my back cracked").
    Not "pins and needles", a tingling, nor "dry needling", a therapy named."""
    normal = normalise(text)
    found = {slug: hit.group(0) for slug, refusing in _DOING_REFUSED if (hit := refusing.search(normal))}
    tokens = tokens_of(normal)
    for i, token in enumerate(tokens):
        slug = _DOING_WORDS.get(token)
        if slug is None or slug in found or i > 1 and tokens[i - 2:i] == ["pins", "and"]:
            continue
        start = i
        while slug == CRACKING and start and tokens[start - 1] in _WHAT_IS_CRACKED:
            start -= 1  # ("no back cracking", "don't want my neck cracked")
        if (refusal := _refusal(tokens, start, i + 1)) is not None:
            found[slug] = refusal
    return found


# Words between two therapies that ask for both from one practitioner ("a physio who does dry
# needling", "acupuncture with cupping"), once the fillers are left out
_JOINING = frozenset({
    ("with",), ("who", "does"), ("who", "do"), ("who", "offers"), ("who", "offer"), ("who", "can", "do"),
    ("who", "practises"), ("who", "practices"), ("who", "uses"), ("who", "use"), ("that", "does"), ("that", "do"),
    ("that", "offers"), ("that", "offer"), ("doing",), ("offering",), ("using",), ("including",), ("trained", "in"),
    ("who", "is", "trained", "in"), ("who", "knows"), ("who", "can"), ("who", "also"), ("skilled", "in"),
    ("by",), ("alongside",), ("along", "with"), ("together", "with"), ("combined", "with"), ("w",),  # "w/"
    ("ke", "saath"), ("ke", "sath"), ("ke", "saat"),  # Hindi: "physio ke saath dry needling"
})
_JOINING_FILLERS = frozenset({"a", "an", "some", "also", "too", "and", "as", "well"})
_DOES = frozenset({"does", "do", "offers", "offer", "practises", "practices", "uses", "use"})


def _joins(gap: tuple[str, ...]) -> bool:
    """Whether the words between two therapies ask for both from one practitioner: a joining
    phrase, or "who ... does" around what else is asked of them ("a physio who speaks Hindi
    and does dry needling"), in one clause."""
    return gap in _JOINING or (len(gap) > 2 and gap[0] in ("who", "that") and gap[-1] in _DOES
                               and not any(clause_break(word) for word in gap))


def _key(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in tokens_of(normalise(text)) if t not in ".,;:!?")


_CHOOSING = re.compile(r"\b(?:not sure|unsure|wonder(?:ing)?|don'?t know|do not know)\s+(?:if|whether|which)\b")
_QUESTION_OPENERS = frozenset({"is", "are", "does", "do", "which", "what", "should", "would", "will", "can", "could"})
_SENTENCE_ENDS = frozenset({".", "!", "?"})


def _in_a_question(tokens: list[str], i: int) -> bool:
    """Whether the sentence the word at ``i`` is in asks a question: it ends with "?", or
    opens with a word that asks ("is", "which", "should")."""
    first = next((k + 1 for k in range(i - 1, -1, -1) if tokens[k] in _SENTENCE_ENDS), 0)
    last = next((k for k in range(i, len(tokens)) if tokens[k] in _SENTENCE_ENDS), len(tokens))
    return last < len(tokens) and tokens[last] == "?" or tokens[first] in _QUESTION_OPENERS


def _asked(tokens: list[str], start: int, end: int, other: frozenset[str] = frozenset(),
           other_after: frozenset[str] = frozenset(), *, place: bool = False) -> bool:
    """Whether the words at ``start:end`` ask for what they name: no cue in their clause of
    turning it down, of having had it, or of doubt ("not sure about acupuncture"), no word
    of ``other`` before them in it, and none of ``other_after`` in the first few words
    after them (Hindi tells the verb last: "₹500 से कम दिए", paid under ₹500). Of a
    ``place``, "no" or "without" before another thing turns that down, not the place
    ("sciatica treatment without surgery in Kolkata")."""
    before: list[str] = []
    for position in range(start - 1, max(start - _LOOKBACK, 0) - 1, -1):
        token = tokens[position]
        if token == "but" and position and tokens[position - 1] in ("anything", "everything", "all") \
                or token == "except" and start - position <= 2:
            return False  # "anything but acupuncture", "anything except chiropractic", "except a chiro"
        if clause_break(token, tokens[position + 1]):
            break  # also "and now": "I had an accident last year and now I need a physio"
        before.append(token)
    said_before = " ".join(reversed(before))
    # "not sure if I need a physio or a chiropractor": a choice between them, not a doubt
    choosing = _CHOOSING.search(said_before) is not None and (
        "or" in before or end < len(tokens) and tokens[end] == "or")
    if _HEDGE.search(said_before) and not choosing:
        return False
    for position, token in enumerate(before):
        if token in other:
            return False
        if token in _DECLINED_BEFORE:
            # "not sure", "no idea", "don't know": a hedge, not a refusal
            following = before[position - 1] if position > 0 else tokens[start]
            if token == "than" and before[position + 1:position + 2] not in (["rather"], ["other"]) \
                    and _in_a_question(tokens, start):
                continue  # "is cupping better than acupuncture?" asks of both
            if place and token in ("no", "without") and position > 0 and following not in _PLACE_BEFORE:
                continue
            if not (token in NEGATION_CUES and following in NOT_NEGATING_BEFORE):
                return False
    after: list[str] = []
    for token in tokens[end:]:
        if clause_break(token):
            break
        after.append(token)
    if any(token in other_after for token in after[:_LOOKAHEAD]):
        return False
    return not _DECLINED_AFTER.match(" ".join(after) + " ")


VENUE_VOCABULARY = vocabulary(VENUE_WORDS)
UNLISTED_THERAPY_VOCABULARY = vocabulary(UNLISTED_THERAPY_WORDS)
UNMET_WISH_VOCABULARY = vocabulary(UNMET_WISH_WORDS)
# Words before "free" that make it "without" ("needle-free treatment", "pain free"), not "at no cost"
_NOT_FREE_OF_COST = Elsewhere(before=frozenset({"needle", "needles", "pain", "stress", "drug", "drugs", "risk",
                                                "hassle", "side", "chemical", "medicine", "medication", "surgery",
                                                "steroid"}))
MODE_VOCABULARY = vocabulary(MODE_WORDS)
# as seekers ask for a language ("Tamil speaking"), and the languages' bare names
_LANGUAGE_WORDS = vocabulary({way.format(language): language for language in LANGUAGES for way in _LANGUAGE_ASKED})
_LANGUAGE_NAMES = vocabulary({language: language for language in LANGUAGES})
_PART_KEYS = {part: _key(part) for part in (*_WOMAN_WORDS, *_MAN_WORDS, *_NON_BINARY_WORDS, *_PRACTITIONER_KINDS,
                                             *_PRACTITIONER_NOUNS)}
_GENDER_WORDS = vocabulary(GENDER_WORDS) | {  # with the kind between: "female ayurvedic doctor" (keys joined)
    (*_PART_KEYS[word], *_PART_KEYS[kind], *_PART_KEYS[noun]): value for words, value in _GENDERS for word in words
    for kind in _PRACTITIONER_KINDS for noun in _PRACTITIONER_NOUNS}
_GENDER_OF = {word: value for words, value in _GENDERS if value != "non_binary" for word in words}  # one word each
