"""Seed data for understanding a seeker's own words: concern phrases, red-flag and caution
patterns, and the display names the matching code needs.

Everything here is data. The concern phrases are meant to be loaded into a table that
admins extend, so the matcher takes them as an argument (``build_matcher(phrases)``);
this module only supplies the curated defaults. Red-flag and caution patterns are
clinical safety rules: they change by code review, not by an admin form.

Pattern conventions (see ``understanding.normalise``): text is lower-cased, curly
apostrophes are straightened, hyphens and slashes become spaces, so patterns are written
with plain spaces ("blood thinners", "rear ended").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from marketplace.taxonomy.data import CONCERNS as _CONCERNS  # plain data module: no Flask, no DB
from marketplace.taxonomy.data import MODALITIES as _MODALITIES

__all__ = [
    "COMMON_CONCERNS", "CONCERN_NAMES", "DEFAULT_PHRASES", "MODALITY_NAMES", "Phrase",
    "SIGNAL_CONTEXTS", "SIGNAL_RULES", "SignalContext", "SignalRule", "TECHNIQUE_MODALITY",
    "TECHNIQUE_NAMES", "RECENT_MARKERS", "PAST_MARKERS", "HEDGES", "SPELLING_VARIANTS", "STOPWORDS",
    "NEGATION_CUES", "NOT_NEGATING_BEFORE", "NEGATION_ENDS_AT", "CLAUSE_BREAKS", "NEW_CLAUSE_AFTER_AND", "NEGATING_AFTER", "FIRST_PERSON",
    "OTHER_PEOPLE", "NOT_A_LIST",
]


@dataclass(frozen=True)
class Phrase:
    """A way seekers describe a concern. ``weight`` (0..1) is how strongly the phrase on
    its own points at ``concern_slug``: 1.0 for a name ("sciatica"), lower for a hint
    ("desk")."""

    text: str
    concern_slug: str
    weight: float = 1.0


@dataclass(frozen=True)
class SignalRule:
    """A regular expression over normalised text that signals a red flag or caution.

    ``definite`` hits count as stated (unless negated, hedged or out of time);
    ``vague`` hits are a mention that can only make the code *unclear* (ask, don't guess);
    ``ask`` hits are words of another language, whose own negation and tense the reader
    cannot follow: always unclear, unless an English negation comes right before them
    ("no bukhar").
    """

    code: str
    pattern: str
    strength: Literal["definite", "vague", "ask"]


@dataclass(frozen=True)
class SignalContext:
    """How the words around a hit change its meaning, per code.

    * ``drop_if``: the hit is about something else (dropped) when this matches...
    * ``keep_if``: ...unless this matches too.
    * ``past_if``: extra code-specific "this was in the past" pattern.
    * ``when_past``: what a past-time marker does to a hit: ``"unclear"`` (ask) or
      ``"drop"`` (an old event is not a red flag). ``None``: time doesn't matter.
    * ``needs_recent``: a definite hit is only a red flag with a recency marker
      ("this morning"); without any time it becomes unclear.
    * ``unclear_if``: a definite hit is asked about, not settled, when this matches and no
      recency marker does: words of a long-standing condition ("incontinence pads"), where
      the red flag is a new one.
    * ``whole_text``: look for drop/keep/time markers in the whole text, not just the
      sentence ("car accident last year. My doctor cleared me.").
    """

    code: str
    drop_if: str | None = None
    keep_if: str | None = None
    past_if: str | None = None
    when_past: Literal["unclear", "drop"] | None = None
    needs_recent: bool = False
    whole_text: bool = False
    unclear_if: str | None = None


# --- The seeded taxonomy, as lookups (the app can pass DB-backed versions instead) ------
CONCERN_NAMES: dict[str, str] = {slug: name for slug, name, _ in _CONCERNS}
MODALITY_NAMES: dict[str, str] = {slug: name for slug, name, _, _ in _MODALITIES}
TECHNIQUE_NAMES: dict[str, str] = {t: n for *_, techs in _MODALITIES for t, n in techs}
TECHNIQUE_MODALITY: dict[str, str] = {t: m for m, *_, techs in _MODALITIES for t, _ in techs}

# Offered first when nothing matched: the concerns the source texts meet most often.
COMMON_CONCERNS: tuple[str, ...] = (
    "back-spasm", "chronic-low-back-pain", "sciatica", "neck-shoulder-tension", "posture-desk-pain",
)

# --- Concern phrases -------------------------------------------------------------------
# Stop words, plurals and tenses are ignored when matching ("spasms in my back" matches
# "spasm in my back"), so each idea needs one spelling here, not every inflection.
# Care asked for the back with nothing said of how it hurts ("massage for my back", "help
# with my back", "back problems"): read as back pain is, a little less surely. "Back" on its
# own is not ("I sleep on my back").
_CARE_FOR_THE_BACK = tuple(f"{a} {b}" for care in """massage treatment therapy therapist physio physiotherapy
    physiotherapist acupuncture acupuncturist cupping chiropractor chiro osteopath exercise stretch help problem trouble
    issue yoga pilates ayurveda ayurvedic""".split()
    for a, b in ((care, "back"), ("back", care)))
_SPORTS = "cricket golf tennis badminton rugby football hockey basketball volleyball netball".split()
_CONCERN_PHRASES: dict[str, list[tuple[str, float]]] = {
    "back-spasm": [
        ("back spasm", .9), ("spasm in my back", .9), ("acute back spasm", 1.0), ("muscle spasm", .7),
        ("spasm", .6), ("back locked up", 1.0),
        # "Lower back" alone points at the lower-back-pain concern; said of a spasm or a
        # lock-up it only says where the spasm is (the longer phrase wins its words).
        ("lower back spasm", 1.0), ("low back spasm", 1.0), ("lower back locked up", 1.0),
        ("lower back seized", .95), ("lower back went out", .95), ("lower back gave out", .9), ("locked up", .6), ("lifted a box", .6), ("lifting", .3),
        ("put my back out", 1.0), ("threw my back out", 1.0), ("back went out", .95), ("back seized", .95),
        ("back gave out", .9), ("tweaked my back", .9), ("cricked my back", .9), ("sudden back pain", .9),
        ("acute back pain", .9), ("pulled a muscle in my back", .85), ("woke up with back pain", .8),
        ("lumbago", .6), ("back pain", .4), ("back hurts", .4), ("sore back", .4), ("backache", .4),
        ("back muscles twitching", .6), ("twitching in my back", .6),
        ("back cramp", .9), ("tight back", .55), ("back pain since yesterday", .85),
        ("twinge in my back", .85), ("back twinge", .85), ("back gave way", .85),
        ("back pain for a few days", .8), ("back pain for a couple of days", .8), ("back pain days ago", .75),
        ("back killing me", .4), ("achy back", .4), ("back injury", .6), ("injured my back", .7),
        ("hurt my back lifting", .8), ("knots in my back", .7), ("twisted my back", .85), ("back strain", .85),
        ("lumbar strain", .9), ("stiff back", .45), ("bad back", .4),
        # An injury just now, and the lock-up that keeps someone bent over.
        ("hurt my back", .75), ("can't stand up straight", .8), ("can't straighten up", .85),
        ("stuck bent over", .9), ("bent over and couldn't get up", .85), ("can't bend down", .7),
        ("pulled my back", .85),
        # a sudden strain, as seekers in Britain and elsewhere put it
        ("popped something in my back", .85), ("back popped", .75), ("back is in bits", .7),
        ("back in bits", .7),
        *((p, .35) for p in _CARE_FOR_THE_BACK),
    ],
    "recurring-back-spasm": [
        ("recurring back spasm", 1.0), ("recurring spasm", 1.0), ("spasm keeps", .95),
        ("keeps locking up", 1.0), ("back keeps going", .9), ("spasm again", .95), ("spasm every", .9),
        ("spasm coming back", .95), ("frequent spasm", 1.0), ("repeated spasm", 1.0),
        ("always getting spasm", .95), ("spasm returns", .95), ("recurring back pain", .7),
        ("back goes again", .8), ("locks up again", .95), ("back goes every", .85),
        ("keeps seizing up", 1.0), ("seized up again", .95), ("seizes up again", .95), ("seizes up every", .9),
        ("seized up every", .9),
    ],
    "chronic-low-back-pain": [
        ("chronic back pain", 1.0), ("chronic low back pain", 1.0), ("chronic lower back pain", 1.0),
        ("lower back pain", .75), ("low back pain", .75), ("lower back ache", .75), ("lumbar pain", .75),
        ("lumbago", .75), ("back pain for months", 1.0), ("back pain for years", 1.0),
        ("back hurt for months", .95), ("back hurt for years", .95), ("long term back pain", .95),
        ("persistent back pain", .95), ("ongoing back pain", .9), ("constant back pain", .85),
        ("lower back", .55), ("back pain", .5), ("back hurts", .5), ("sore back", .45), ("backache", .5),
        ("waist pain", .7), ("lumbar region", .7),
        ("sacroiliac", .7), ("si joint", .7), ("sacrum", .7), ("sacral pain", .75), ("back killing me", .5),
        ("achy back", .45), ("stiff back", .6), ("bad back", .5), ("tailbone", .75), ("tail bone", .75),
        ("coccyx", .8), ("coccydynia", .9), *((p, .45) for p in _CARE_FOR_THE_BACK),
        ("scoliosis", .5),
        # the spine itself, and its base ("pain at the base of my spine")
        ("spine hurts", .5), ("spine pain", .5), ("spinal pain", .5), ("base of my spine", .8),
        ("bottom of my spine", .8), ("lower spine", .75),
    ],
    "upper-back-pain": [
        ("upper back pain", 1.0), ("upper back", .85), ("mid back pain", 1.0), ("mid back", .9),
        ("middle back", .9), ("between my shoulder blades", 1.0), ("shoulder blade pain", .85),
        ("thoracic pain", .9), ("thoracic spine", .8), ("rhomboid", .8), ("shoulder blade", .8),
        ("between my shoulders", .9), ("rib pain when I twist", .6), ("pain in my ribs at the back", .8),
        # Longer than "back pain for months", so the words go to the upper back.
        ("upper back pain for months", 1.0), ("upper back pain for years", 1.0), ("chronic upper back pain", 1.0),
    ],
    "neck-shoulder-tension": [
        ("stiff neck", .95), ("neck pain", .9), ("neck ache", .9), ("sore neck", .9), ("neck spasm", 1.0),
        ("crick in my neck", .95), ("neck and shoulder", 1.0), ("tight shoulders", .9),
        ("shoulder tension", 1.0), ("shoulders in knots", .9), ("trapezius", .9), ("traps", .7),
        ("tension in my neck", .95), ("wry neck", .9), ("torticollis", .9), ("neck", .5),
        ("shoulder pain", .6), ("pinched nerve in my neck", .85), ("trapped nerve in my neck", .85),
        ("pain down my arm", .7), ("shooting pain down my arm", .8), ("can't turn my head", .9),
        ("can't look over my shoulder", .85),
        # A spasm said of the shoulder is the shoulder's ("spasm" alone reads as the back's).
        ("shoulder spasm", 1.0), ("spasm in my shoulder", 1.0), ("cervical", .7), ("cervical pain", .9),
        ("cervical problem", .9), ("cervical radiculopathy", 1.0), ("cervical spondylosis", .8),
        ("stiff shoulders", .9), ("shoulder stiffness", .9), ("sore shoulders", .8), ("aching shoulders", .8),
        ("knots in my shoulders", .9), ("trigger points in my shoulders", .9), ("trigger points in my neck", .9),
        ("shoulder ache", .7), ("shoulder hurts", .6),
        # a stiff, painful shoulder joint: treated by physios, if not the tension of the name
        ("frozen shoulder", .55),
    ],
    "sciatica": [
        ("sciatica", 1.0), ("sciatic", .95), ("sciatic nerve", 1.0), ("pinched nerve", .8),
        ("trapped nerve", .8), ("nerve pain down my leg", 1.0), ("shooting pain down my leg", 1.0),
        ("pain down my leg", .85), ("down my leg", .7), ("pain running down my leg", .9),
        ("leg pain from my back", .8), ("radiculopathy", .9), ("tingling down my leg", .8),
        ("numbness down my leg", .8), ("pain radiating into my leg", .85), ("numb leg", .7),
        ("pins and needles down my leg", .8), ("pins and needles in my leg", .75),
        # the back of the thigh is where sciatica runs, not the back that hurts
        ("pain down the back of my thigh", .85), ("back of my thigh", .6),
        ("lower limb", .75), ("radiating to my leg", .85), ("l5 radiculopathy", 1.0), ("s1 radiculopathy", 1.0),
        # a numb or tingling foot or toe, on one side: where the nerve ends
        ("numb toe", .65), ("toe numb", .65), ("numb foot", .65), ("foot numb", .65), ("tingling in my foot", .65),
        ("pins and needles in my foot", .65),
    ],
    "piriformis-syndrome": [
        ("piriformis", 1.0), ("pain in my bum", .85), ("bum pain", .85), ("buttock pain", .9),
        ("deep buttock pain", 1.0), ("glute pain", .85), ("sore glutes", .8), ("pain in my backside", .8),
        ("butt pain", .8), ("deep hip pain", .6), ("glute", .65),
    ],
    "it-band-tightness": [
        ("itband", 1.0), ("itband syndrome", 1.0), ("tight itband", 1.0), ("outer thigh", .8),
        ("outside of my thigh", .8), ("outer knee pain", .6), ("runner's knee", .5),
        ("tight thigh from running", .8),
    ],
    "disc-related-pain": [
        ("slipped disc", 1.0), ("herniated disc", 1.0), ("disc herniation", 1.0), ("bulging disc", 1.0),
        ("disc bulge", 1.0), ("prolapsed disc", 1.0), ("ruptured disc", 1.0), ("disc problem", .9),
        ("degenerative disc", .9), ("disc", .6), ("spinal stenosis", 1.0), ("stenosis", .9),
        ("herniation", .85), ("l4 l5", .7), ("l5 s1", .7), ("spondylolisthesis", .8),
        ("ddd", .8), ("neurogenic claudication", .9),  # (degenerative disc disease; stenosis' aching legs)
        # A nerve pinched in the neck is most often a disc or a narrowed opening: not sciatica.
        ("pinched nerve in my neck", .6), ("trapped nerve in my neck", .6), ("shooting pain down my arm", .5),
        ("pivd", 1.0), ("prolapsed intervertebral disc", 1.0), ("intervertebral disc", .9),
        ("cervical radiculopathy", .8),
        # worse with a cough or a sneeze ("or" is not matched): pressure on a disc
        ("pain when I cough", .6), ("pain when I sneeze", .6), ("cough sneeze", .65), ("coughing sneezing", .65),
        # an operation on a disc, or on a narrowed canal, names what it treated
        ("discectomy", .85), ("microdiscectomy", .85), ("laminectomy", .75), ("disc surgery", .85),
    ],
    "fibromyalgia": [
        ("fibromyalgia", 1.0), ("fibro", .95), ("fibro flare", 1.0), ("fms", .8), ("widespread pain", 1.0),
        ("pain all over", .8), ("aching all over", .9), ("hurts everywhere", .9), ("tender points", .8),
        ("everything hurts", .6), ("whole body pain", .8), ("whole body aches", .8), ("body aches all over", .85),
    ],
    "arthritis-back-pain": [
        ("arthritis", .9), ("arthritis in my spine", 1.0), ("spinal arthritis", 1.0), ("arthritic", .9),
        ("osteoarthritis", .95), ("spondylosis", .9), ("spondylitis", .9), ("ankylosing spondylitis", .95),
        ("facet joint", .85), ("wear and tear", .7), ("degenerative spine", .8), ("sacroiliitis", .85),
        # stiffness worst in the morning that eases with movement: the inflammatory kind
        ("morning stiffness", .7), ("stiff in the morning", .6), ("stiff every morning", .65),
    ],
    "posture-desk-pain": [
        ("bad posture", 1.0), ("poor posture", 1.0), ("posture", .85), ("desk posture", 1.0),
        ("desk job", .9), ("desk", .6), ("sitting all day", .85), ("sitting at a computer", .85),
        ("long hours sitting", .85), ("computer", .5), ("laptop", .6), ("hunched", .8),
        ("slouching", .8), ("text neck", .9), ("tech neck", .9), ("office work", .7), ("ergonomics", .8),
        ("rounded shoulders", .8), ("scoliosis", .55), ("hunchback", .85), ("hunched back", .85),
    ],
    "stress-tension": [
        ("stress", .8), ("stress tension", 1.0), ("tight from stress", .9), ("anxiety", .75),
        ("anxious", .75), ("muscle tension", .8), ("tense", .7), ("tension", .5), ("burnout", .7),
        ("overwhelmed", .6), ("relax", .4),
    ],
    "sports-injury": [
        ("sports injury", 1.0), ("running injury", .95), ("gym injury", .95), ("injured playing", .9),
        ("injured at the gym", .9), ("hurt at the gym", .9), ("pulled a muscle", .9), ("muscle strain", .95),
        ("strain", .8), ("sprain", .9), ("hamstring", .85), ("groin strain", .9), ("calf strain", .9),
        ("tore a muscle", .9), ("overuse", .8), ("gym", .5), ("workout", .55),
        ("deadlift", .5), ("weightlifting", .6),
        # A sport named: a little less sure than back pain alone ("I watch football"), more
        # when played ("my son plays cricket"), sure when an injury of it.
        *((p, w) for sport in _SPORTS for p, w in ((sport, .45), (f"play {sport}", .7), (f"{sport} injury", .95))),
        ("bowling", .45), ("marathon", .5), ("triathlon", .5), ("athlete", .5), ("crossfit", .55),
        # A spasm or cramp in the leg is a muscle's, not the back's ("spasm" alone reads as one).
        ("spasm in my calf", .8), ("calf spasm", .8), ("calf cramp", .8), ("cramp in my calf", .8),
        ("charley horse", .8),
        ("tight calves", .8), ("leg spasm", .8), ("spasm in my leg", .8), ("leg cramp", .75),
        ("stress fracture", .9),
    ],
    "post-accident-pain": [
        ("car accident", .95), ("car crash", .95), ("road accident", .9), ("traffic accident", .9),
        ("whiplash", 1.0), ("rear ended", .95), ("accident", .75), ("crash", .7), ("collision", .8),
        ("work accident", .9), ("motorbike accident", .9), ("bike accident", .9), ("hit by a car", .9),
    ],
    "pregnancy-postnatal-back-pain": [
        ("pregnant", 1.0), ("pregnancy", 1.0), ("weeks pregnant", 1.0), ("pregnancy back pain", 1.0),
        ("postnatal", 1.0), ("post natal", 1.0), ("postpartum", 1.0), ("after giving birth", 1.0),
        ("since I had my baby", .95), ("expecting a baby", .9), ("trimester", .95),
        ("pelvic girdle pain", .95), ("c section", .8), ("caesarean", .8), ("new mum", .8), ("baby", .6),
        ("breastfeeding", .8), ("delivered my baby", 1.0), ("post delivery", .95),
        ("normal delivery", .9), ("post partum", 1.0),
        ("symphysis pubis dysfunction", 1.0), ("symphysis pubis", .9), ("pelvic girdle", .9),
        ("diastasis recti", .9), ("ab separation", .8), ("abdominal separation", .85),
    ],
}

# Hindi as many seekers in India type it, in Latin letters ("Hinglish"), with the common
# spellings; Hindi in Devanagari is spelt this way before it is read (see devanagari.py). Words joining them ("kamar mein dard") are stop words, so "kamar dard" covers
# them. Only phrases of two words, or single words no English word is one typo from:
# the matcher corrects typos towards its vocabulary, and "gardening" must not become
# "gardan" (neck). Free text in Hinglish is screened too (the rules below): a mention of a
# red-flag topic in Hindi always asks, as it cannot be read for negation or time.
_HINGLISH_PHRASES: dict[str, list[tuple[str, float]]] = {
    "back-spasm": [
        ("kamar akad", .95), ("kamar akadna", .95), ("kamar jakad", .95), ("kamar jakadna", .95),
        ("kamar akdan", .95), ("kamar jakdan", .95),
        ("kamar mein moch", .9), ("peeth akad", .9), ("peeth jakad", .9), ("akdan", .75), ("jakdan", .75),
        ("kamar dard", .4), ("peeth dard", .4), ("pith dard", .4),
        ("kamar jhatka", .95), ("kamar lachak", .95), ("jhatka lag", .8), ("lachak gayi", .8), ("lachak gaya", .8),
    ],
    "chronic-low-back-pain": [
        ("kamar dard", .75), ("kamar ka dard", .75), ("kamar dukhna", .75), ("kamar dukhti", .75),
        ("purana kamar dard", 1.0), ("kamar", .55), ("peeth dard", .5), ("pith dard", .5),
        ("peeth dukhna", .5), ("peeth dukhti", .5),
    ],
    "upper-back-pain": [("upar ki peeth", .9), ("kandhon ke beech", .9)],
    "neck-shoulder-tension": [
        ("gardan dard", 1.0), ("gardan mein dard", 1.0), ("gardan akad", 1.0), ("gardan jakad", 1.0),
        ("gardan dukhna", 1.0), ("gardan akdan", 1.0), ("gardan jakdan", 1.0),
        ("kandhe dard", .85), ("kandha dard", .85), ("kandhe akad", .9), ("kandhe jakad", .9),
        ("kandhon dard", .85), ("kandho dard", .85),
    ],
    "sciatica": [
        ("saitika", 1.0), ("sayatika", 1.0), ("siyatika", 1.0), ("nas dab", .85), ("nas dabi", .85),
        ("nas dabna", .85), ("nas dabne", .85), ("pair mein nas dard", .85), ("nas ka dard", .6),
        # tingling and numbness in the leg ("pair mein jhunjhuni", "pair sunn")
        ("pair jhunjhuni", .75), ("pair mein jhanjhanahat", .75), ("pair sunn", .7),
    ],
    "disc-related-pain": [("slip disc", 1.0), ("disc khisak", 1.0), ("disc khisakna", 1.0), ("gaddi khisak", .9)],
    "arthritis-back-pain": [("gathiya", .95), ("gathiya baay", 1.0), ("gathiya bai", 1.0)],
    "fibromyalgia": [("poore badan dard", .85), ("pure badan dard", .85), ("poore sharir dard", .85),
                     ("pure sharir dard", .85)],
    "stress-tension": [("tanav", .8), ("maansik tanav", .85)],
    "sports-injury": [("moch", .85), ("maans pesi khinchav", .9), ("khinchav", .75)],
    "post-accident-pain": [("accident ke baad", .95), ("hadse ke baad", .95)],
    "pregnancy-postnatal-back-pain": [
        ("garbhavastha", 1.0), ("garbhvati", 1.0), ("garbhwati", 1.0), ("delivery ke baad", .95),
        ("prasav ke baad", 1.0),
    ],
}

DEFAULT_PHRASES: tuple[Phrase, ...] = tuple(
    Phrase(text, slug, weight) for table in (_CONCERN_PHRASES, _HINGLISH_PHRASES)
    for slug, rows in table.items() for text, weight in rows
)

# --- Red flags and cautions in free text -----------------------------------------------
# One more word, for "{0,3}?" gaps between the words that matter. A gap word is never a
# negation, so "have no history of cancer" can't match "have ... cancer" around the "no".
_NEG = r"(?:no|not|never|without|none|nor|neither|don'?t|doesn'?t|didn'?t|haven'?t|hasn'?t|isn'?t|aren'?t|wasn'?t)"
_W = rf"(?:\s+(?!{_NEG}\b)\S+)"
_SADDLE = (r"(?:groin|crotch|genitals?|genital area|private parts|privates|saddle|perineum|"
           r"vagina(?: area)?|vaginal area|vulva|labia|penis|testicles?|scrotum|"
           r"between (?:(?:my|the|her|his|their|your) )?legs|inner thighs?|back passage|anus|down there|"
           r"down below(?=\s*(?:$|[.,;!?]|and\b|but\b|or\b)))")
_LOSE = r"(?:los[a-z]*|dropp[a-z]*|shed[a-z]*)"  # losing / lost / dropped / shedding
_WHY_NOT = (r"(?:without (?:trying|dieting|meaning to)|for no (?:apparent )?reason|not (?:trying|dieting)|"
            r"unexplained|unintentional[a-z]*|unintended|don'?t (?:really )?know why|no (?:real )?idea why|"
            r"not (?:really |quite |entirely |totally )?sure why|can'?t explain|"
            r"(?:haven'?t|have not|didn'?t|did not) (?:changed? |been )?(?:my |on a |on any )?diet\w*)")
_WEIGHT = r"(?:\d+(?:[.,]\d+)?\s*)?(?:weight|kilos?|kgs?|pounds|lbs?|stones?)"  # "10kg", "2 stone"
_CANT = r"(?:can'?t|cannot|can not|could ?n'?t|unable to|not able to|can no longer|no longer able to)"
# What one "can't stand" that is a dislike, not legs that fail ("I can't stand massage")
_CANT_STAND_THING = (r"(?:the|this|that|these|those|it|them|him|her|people|anyone|anybody|having|"
                     r"massages?|acupuncture|needles?|needling|cupping|chiropract\w*|physio\w*|manipulation|"
                     r"cracking|pills|painkillers|medication|drugs)")
_BOTH_LEGS = r"(?:both|my two)\s+(?:of\s+)?(?:my\s+)?(?:legs|feet)\b"
_BILATERAL = (rf"\b(?:bilateral (?:sciatica|leg (?:pain|symptoms|numbness))|sciatica (?:on|in) both sides|"
              rf"sciatica\s+{_BOTH_LEGS}|{_BOTH_LEGS}\s+sciatica|(?:sciatica|"
              rf"pain|pains|shooting|tingling|pins and needles|burning){_W}{{0,2}}?\s+(?:in|down|into|through)\s+"
              rf"{_BOTH_LEGS}|both (?:my |of my )?legs (?:hurt|ache|are (?:painful|tingling|burning)))")
# Numbness or tingling in the legs or feet, said in the plural ("pins and needles in my
# feet"): in both, perhaps, which is asked about as symptoms in both legs are.
_NUMB_LEGS = (r"\b(?:numb(?:ness)?|tingl(?:ing|y)|pins and needles|no feeling|lost feeling|loss of feeling)\s+"
              r"(?:in|down|into|through|of)\s+(?:my|his|her|their)\s+(?:legs|feet)\b|"
              r"\b(?:my|his|her|their)\s+(?:legs|feet)\s+(?:are\s+|feel\s+|keep\s+|have\s+|go\s+|went\s+)?(?:gone\s+|"
              r"going\s+)?(?:numb|tingly|tingling|dead)\b")

# Hinglish words for the red-flag rules (see the Hinglish block in SIGNAL_RULES).
_SUNN = r"(?:sunn|sunnpan|sunpan|sunnapan|jhunjhun\w*)"  # numb, numbness, pins and needles
_SADDLE_HI = r"(?:gupt ?ang|guptang|janghon? ke beech|nitamb|chootad|chutad|kulh[ae])"  # privates, inner thighs, buttocks
_LEGS_HI = r"(?:pair|pairon|paon|paaon|taang|taange|taangon|tange)"
_WEAK_HI = r"(?:kamzor\w*|kamjor\w*|jaan nahi|taa?kat nahi|shakti nahi)"

# Words of the red flags (and cautions) that screening reads mistyped, one slip away with the same first
# letter ("numbnes", "cancar", "incontinance"), unless the slip is itself an English word
# ("cancel", "fewer": devtools/build_safety_words.py). Five letters or more: "week" is no "weak".
SAFETY_WORDS = frozenset("""numbness incontinence incontinent bladder bowels control weakness cancer weight
    unexplained serious accident groin sensation tumour tumor paralysed paralyzed urinate urinating urine tingling
    fever feverish temperature genitals testicles vagina perineum crotch
    warfarin thinners thinner anticoagulants anticoagulant haemophilia hemophilia pacemaker defibrillator
    pregnant pregnancy implant implants""".split())

# "temperature" as seekers type it ("high temprature")
_TEMPERATURE = r"(?:temperature|temprature|tempreture|temperture|tempature|temparature|tempurature|tempertaure)"
_TEMP = rf"(?:temp|{_TEMPERATURE})"

SIGNAL_RULES: tuple[SignalRule, ...] = (
    # fever
    # Not hay fever (an allergy), cabin fever or a fever dream.
    SignalRule("fever", r"(?<!hay )(?<!cabin )(?<!spring )\b(?:fevers?|feverish|febrile|fevar|feaver|fevor|fevr)\b"
               r"(?! (?:dream|pitch)\b)", "definite"),
    SignalRule("fever", rf"\bhigh {_TEMP}\b", "definite"),
    SignalRule("fever", rf"\b(?:running|got|have|having|with) (?:a )?(?:high |slight )?{_TEMP}\b", "definite"),
    SignalRule("fever", rf"\b{_TEMPERATURE} of (?:3[89]|4[0-2]|10[0-5])", "definite"),
    SignalRule("fever", rf"\b(?:{_TEMP}|thermometer)\s+(?:of\s+|is\s+|was\s+|says\s+|read\s+|showed\s+)?"
               r"(?:3[89]|4[0-2]|10[0-5])\b", "definite"),
    # A bare reading could be the weather: ask.
    SignalRule("fever", r"\b(?:3[89]|4[0-2]|10[0-5])(?:[.,]\d)?\s*(?:°\s*)?(?:c|f|degrees?|celsius|fahrenheit)\b",
               "vague"),
    SignalRule("fever", rf"\b(?:{_TEMPERATURE}|chills|shivers|shivering|night sweats|hot and cold)\b", "vague"),
    # An infection that usually brings a fever: ask (not the jab, not a test).
    SignalRule("fever", r"\b(?:the flu|flu like|influenza|covid(?: 19)?|coronavirus)\b"
               r"(?! (?:jab|shot|vaccine|vaccination|booster|test))", "vague"),
    SignalRule("fever", r"\b(?:sweating|sweats|sweaty) (?:at|in the|every|during the) night\b|\bsoaked (?:the |my )?"
               r"(?:sheets|bed)\b", "vague"),
    SignalRule("fever", r"\b(?:i (?:feel|felt)|i'?m feeling|i am feeling|feeling) (?:very |really |so )?"
               r"(?:hot|shivery|clammy)\b(?! (?:bath|baths|water|shower|showers|pack|packs|compress\w*|tub|stones?|"
               r"towels?|yoga|weather|days?|room))|\bburning up\b", "vague"),
    # leg-weakness: the brief's "major or progressive"; plain "weak" is only unclear
    SignalRule("leg-weakness", rf"\b(?:legs?|feet|foot){_W}{{0,3}}?\s+(?:getting|growing|becoming|going|"
               r"gotten|got|become|increasingly|more and more)\s+(?:\w+\s+)?weak(?:er)?\b", "definite"),
    SignalRule("leg-weakness", rf"\b(?:legs?|feet|foot){_W}{{0,3}}?\s+weaker\b", "definite"),
    SignalRule("leg-weakness", r"\b(?:weaker and weaker|progressive(?:ly)? (?:\w+ )?weak\w*)\b", "definite"),
    SignalRule("leg-weakness", rf"\blegs?{_W}{{0,2}}?\s+(?:keeps? |kept )?(?:giving|gave|give|gives|buckling|"
               r"buckled|buckles?|collapsing|collapsed|collapses?) ?(?:way|out|under me)?", "definite"),
    SignalRule("leg-weakness", rf"\b{_CANT}\s+(?:lift|raise|move)\s+(?:my\s+)?(?:foot|feet|toes?|ankle)\b", "definite"),
    # Legs that will not move may be weak, or held back by the pain ("can't lift my leg above
    # hip height"): ask.
    SignalRule("leg-weakness", rf"\b{_CANT}\s+(?:lift|raise|move)\s+(?:my\s+|his\s+|her\s+|their\s+|either\s+|"
               r"both\s+)?legs?\b", "vague"),
    SignalRule("leg-weakness", r"\b(?:foot|feet|toes?|ankle) (?:won'?t|will not|doesn'?t|does not|wo n'?t) "
               r"(?:lift|come up|go up|bend up)\b", "definite"),
    SignalRule("leg-weakness", rf"\b{_CANT}\s+feel\s+(?:my\s+|his\s+|her\s+|their\s+|either\s+|both\s+)?(?:legs?|feet)\b",
               "definite"),
    SignalRule("leg-weakness", r"\bweak(?:ness)?\s+in\s+(?:my\s+)?(?:right |left |one |both |either )?(?:legs?|foot|feet)\b"
               r"[^.!?;]{0,30}?\b(?:getting|got|gets|growing|becoming) worse\b|\b(?:getting|growing|becoming) weaker "
               r"in (?:my |both |either |one )?(?:legs?|feet)\b", "definite"),
    SignalRule("leg-weakness", r"\blegs? (?:won'?t|will not|can'?t|cannot|don'?t|do not|no longer) (?:hold|support|carry)"
               r" (?:me|my weight)\b", "definite"),
    SignalRule("leg-weakness", r"\b(?:foot ?drop|dragging (?:my |one )?(?:foot|leg|toes?)|(?:foot|leg|toes?) "
               r"(?:keeps? |keep |is |are |has been |have been |started )?drag(?:s|ging)?)\b", "definite"),
    # Toes that catch the ground may be a dropping foot: ask.
    SignalRule("leg-weakness", r"\b(?:toes?|foot) (?:keeps? |keep )?(?:catch(?:es|ing)?|scuff\w*) (?:on )?(?:the )?"
               r"(?:ground|floor|pavement|stairs?|steps?)\b", "vague"),
    SignalRule("leg-weakness", r"\bno strength in (?:my |either |both )?(?:legs?|feet|foot)\b", "definite"),
    SignalRule("leg-weakness", r"\bweak(?:ness)? in (?:both|my two) legs\b", "definite"),
    SignalRule("leg-weakness", r"\bboth (?:my |of my )?(?:legs|feet) (?:are |feel |feeling |have gone |went |have "
               r"|keep )?(?:going )?(?:weak|numb)", "definite"),
    SignalRule("leg-weakness", r"\b(?:legs|feet)\s+(?:are\s+|have\s+|feel\s+)?both\s+(?:gone\s+|going\s+)?(?:weak|numb)",
               "definite"),
    SignalRule("leg-weakness", rf"\b(?:numb(?:ness)?|no feeling|lost (?:all )?feeling|loss of feeling)"
               rf"{_W}{{0,2}}?\s+(?:in|down|through|into|of|to)\s+{_BOTH_LEGS}", "definite"),
    SignalRule("leg-weakness", r"\b(?:foot|feet)\s+(?:keeps?\s+|is\s+|are\s+|feels?\s+|feeling\s+|went\s+|"
               r"(?:has|have) gone\s+)?(?:flops?|flopping|floppy|slaps?|slapping)\b|\bfloppy (?:foot|feet)\b",
               "definite"),
    SignalRule("leg-weakness", rf"\blegs?{_W}{{0,3}}?\s+weak\w*\b[^.!?;]{{0,40}}?\b(?:getting|got|gets|growing) "
               r"worse\b", "definite"),
    SignalRule("leg-weakness", r"\bweak(?:ness|er|ened|ening)?\b", "vague"),
    # ("can't stand up straight" is a back in spasm, not legs giving way; "can't stand
    # massage", "can't stand the pain" is a dislike)
    SignalRule("leg-weakness", rf"\b{_CANT}\s+(?:walk|stand(?!\s+{_CANT_STAND_THING}\b))\b"
               r"(?!\s+(?:up\s+)?(?:straight|upright|erect)\b)", "vague"),
    # ...nor is "can barely walk" sure either way: pain, or legs that fail? Ask, unless the
    # words put it down to the pain ("I can barely walk with this spasm").
    SignalRule("leg-weakness", r"(?:\b(?:can|could) (?:barely|hardly|scarcely|only just) (?:walk|stand)\b"
               r"(?!\s+(?:up\s+)?(?:straight|upright|erect)\b)|"
               r"\b(?:struggl\w+|difficulty|trouble|problems?|hard) (?:in |with )?(?:to )?walk(?:ing)?\b)"
               r"(?!(?: \w+){0,2} (?:with|because of|from|due to|for) (?:this |the |my |a )?"
               r"(?:lower )?(?:back ?)?(?:spasms?|pain|ache|stiffness|sciatica)\b)", "vague"),
    SignalRule("leg-weakness", r"\bkeep (?:tripping|stumbling)\b|\b(?:tripping|stumbling) over my (?:own )?(?:foot|feet|"
               r"toes?)\b", "vague"),
    SignalRule("leg-weakness", rf"\b{_CANT}\s+(?:lift|move)\s+my\s+legs?\b", "vague"),
    SignalRule("leg-weakness", r"\blegs? (?:feel |feels |are |is |went |gone |go )?(?:wobbly|like jelly|heavy)\b",
               "vague"),
    SignalRule("leg-weakness", r"\b(?:legs?|feet) (?:feel |feels |is |are |has gone |have gone |went |keeps going |"
               r"keep going |going |gone )?(?:numb|dead)\b|\bnumb (?:legs?|feet)\b", "vague"),
    # Symptoms in both legs (bilateral sciatica) can be cauda equina syndrome: ask about
    # weakness, the saddle area and the bladder (its other signs) rather than guess.
    *(SignalRule(code, rule, "vague") for code in ("leg-weakness", "saddle-numbness", "bladder-bowel")
      for rule in (_BILATERAL, _NUMB_LEGS)),
    # bladder-bowel: loss of control or retention
    SignalRule("bladder-bowel", rf"\b(?:{_CANT}|lost|losing|loss of|no|don'?t have (?:any )?)\s+(?:control(?:ling)?"
               r"|hold(?:ing)?)\s+(?:(?:of|over|on|in)\s+)?(?:(?:my|his|her|their)\s+)?(?:bladder|bowels?|urine|pee|wee|"
               r"poo|stools?)",
               "definite"),
    SignalRule("bladder-bowel", r"\b(?:loss of|lost|losing|no|poor)\s+(?:my\s+)?(?:bladder|bowel)\s+control\b",
               "definite"),
    SignalRule("bladder-bowel", r"\b(?:wet|wetting|soiled|soiling|peed|peeing|weed|weeing|pissed|pissing|pooed|pooing|"
               r"pooped|pooping|shat|shit|shitting)\s+(?:myself|my (?:pants|trousers|knickers|underwear)|the bed)\b",
               "definite"),
    SignalRule("bladder-bowel", r"\b(?:urinary|urine) retention\b|\bretention of urine\b|\bretaining urine\b", "definite"),
    # A leak when one coughs or sneezes (stress incontinence, common after childbirth): ask.
    SignalRule("bladder-bowel", r"\b(?:leak|leaks|leaking|leaked|dribble|dribbles|dribbling)\b(?:\s+\w+){0,3}?\s+"
               r"when (?:i |she |he )?(?:sneez|cough|laugh|jump|lift|run)\w*", "vague"),
    # "Having accidents" in the words about the loo is often incontinence: ask.
    SignalRule("bladder-bowel", r"\b(?:having|had|keep having|been having) (?:little |some |a few )?accidents\b",
               "vague"),
    # Cauda equina syndrome named: ask each of its signs (a past operation for it is not new).
    *(SignalRule(code, r"\bcauda equina\b", "vague") for code in ("bladder-bowel", "saddle-numbness",
                                                                  "leg-weakness")),
    SignalRule("bladder-bowel", rf"\b(?:{_CANT}\s+(?:feel|tell)|don'?t know|never know)\s+when\s+i\s+(?:need|have)\s+"
               r"(?:to\s+(?:pee|wee|urinate|poo|go to the toilet|go to the loo)|the (?:toilet|loo|bathroom))\b",
               "definite"),
    # An accident in one's pants is incontinence, not a crash
    SignalRule("bladder-bowel", r"\b(?:had|have had|having|keep having) (?:an |a little |a )?accidents? in "
               r"(?:my|his|her|their|the) (?:pants|trousers|underwear|knickers|bed)\b", "definite"),
    SignalRule("bladder-bowel", r"\b(?:bladder|bowel)\s+accidents?\b", "definite"),
    SignalRule("bladder-bowel", r"\b(?:haven'?t|have not|hasn'?t|has not|not|couldn'?t|could not)\s+(?:been able to\s+)?"
               r"(?:peed|pee|weed|urinated|passed urine|passed water)\s+(?:since|for|all day|at all)\b", "definite"),
    SignalRule("bladder-bowel", r"\bincontinen\w*", "definite"),
    SignalRule("bladder-bowel", rf"\b{_CANT}\s+stop\s+(?:myself\s+)?(?:peeing|weeing|urinating|pooing|wetting|"
               r"leaking)\b", "definite"),
    SignalRule("bladder-bowel",
               r"\b(?:pee|wee|urinate|go)\b[^.!?;]{0,30}?\bnothing (?:comes|came|will come)(?: out)?\b",
               "vague"),
    SignalRule("bladder-bowel", rf"\b(?:{_CANT}|struggl(?:e|ing) to|trouble|difficulty|strain(?:ing)? to|hard to)\s+"
               r"(?:(?:in|with)\s+)?(?:(?:start(?:ing)?|get(?:ting)?|begin(?:ning)?)\s+(?:to\s+)?)?"
               r"(?:pee|wee|urinat(?:e|ing)|"
               r"passing urine|pass urine|pass water|empty my bladder)", "definite"),
    # ... and told the other way round: "peeing is difficult since yesterday"
    SignalRule("bladder-bowel", r"\b(?:peeing|weeing|urinating|passing urine|passing water)\s+(?:is|has been|was|"
               r"became|got)\s+(?:very |so |really |quite |a bit )?(?:difficult|hard|a struggle|tricky|slow)\b",
               "definite"),
    SignalRule("bladder-bowel", r"\bleak(?:ing|s)?\s+(?:urine|pee|wee)\b", "definite"),
    # Not being able to open the bowels is mostly constipation (painkillers bring it on), but
    # it may be retention: ask.
    SignalRule("bladder-bowel", rf"\b(?:{_CANT}|struggl(?:e|ing) to|trouble|difficulty|strain(?:ing)? to|hard to)\s+"
               r"(?:poo|poop|go for a poo|pass (?:a )?stools?|have a bowel movement|open my bowels)\b|\bconstipat\w*",
               "vague"),
    SignalRule("bladder-bowel", r"\b(?:bladder|bowels?|urine|urinating)\b", "vague"),
    # saddle-numbness
    SignalRule("saddle-numbness", rf"\bnumb(?:ness)?{_W}{{0,3}}?\s+{_SADDLE}", "definite"),
    SignalRule("saddle-numbness", rf"\b{_SADDLE}{_W}{{0,3}}?\s+numb\b", "definite"),
    SignalRule("saddle-numbness", rf"\b(?:{_CANT}|no)\s+(?:feel(?:ing)?|sensation){_W}{{0,3}}?\s+{_SADDLE}", "definite"),
    SignalRule("saddle-numbness", rf"\b(?:pins and needles|tingling){_W}{{0,3}}?\s+{_SADDLE}", "definite"),
    SignalRule("saddle-numbness", r"\bsaddle (?:numbness|anaesthesia|anesthesia)\b", "definite"),
    # the saddle area told of, however it feels ("saddle area feels weird"): ask
    SignalRule("saddle-numbness", r"\bsaddle (?:area|region)\b", "vague"),
    SignalRule("saddle-numbness", rf"\b(?:lost|losing|lose|no|zero|loss of|reduced|decreased|altered|less|diminished)"
               rf"\s+(?:all\s+|the\s+|any\s+|my\s+)?(?:feeling|sensation)"
               rf"{_W}{{0,3}}?\s+{_SADDLE}", "definite"),
    SignalRule("saddle-numbness", rf"\b(?:{_CANT}\s+feel|numb|no feeling)(?:\s+(?:it|anything|the (?:toilet )?paper|"
               r"myself|(?:my |the )?(?:bum|bottom|backside|behind|anus)))?\s+when\s+(?:i\s+)?wip(?:e|ed|ing)\b", "definite"),
    SignalRule("saddle-numbness", rf"\b(?:haven'?t|have not|don'?t have|do not have|hasn'?t|has not) (?:got )?any "
               rf"(?:feeling|sensation)\s+(?:in\s+)?(?:(?:my|the)\s+)?{_SADDLE}", "definite"),
    # ...and with the bottom named first, alone a vague sign (below): "numbness in my bum and
    # inner thighs", "tingling around my bottom and groin"
    SignalRule("saddle-numbness", r"\b(?:numb(?:ness)?|pins and needles|tingling|tingly)\s+(?:in|on|around|over)\s+"
               r"(?:my\s+|the\s+)?(?:bum|bottom|buttocks?|backside|behind|butt)(?:\s+cheeks?)?\s*(?:,|and|&|\+|or)\s*"
               rf"(?:(?:my|the|in|around)\s+)*{_SADDLE}", "definite"),
    # A numb bottom is often only long sitting, but it may be the saddle area: ask.
    SignalRule("saddle-numbness", rf"\b{_CANT}\s+feel\s+(?:my\s+)?(?:bum|bottom|buttocks?|backside|behind)\b", "vague"),
    SignalRule("saddle-numbness", r"\b(?:lost|losing|lose|no|loss of|reduced|less)\s+(?:all\s+|the\s+|any\s+)?"
               r"(?:feeling|sensation)\s+(?:in|on|around)\s+(?:my\s+|the\s+|her\s+|his\s+)?(?:bum|bottom|buttocks?|"
               r"backside|behind|butt)(?:\s+cheeks?)?\b", "vague"),
    SignalRule("saddle-numbness", r"\b(?:numb(?:ness)?|pins and needles|tingling|tingly)\b", "vague"),
    # major-trauma: a definite event is a red flag only when recent (see SIGNAL_CONTEXTS)
    SignalRule("major-trauma", r"\b(?:car|road|traffic|motorbike|motorcycle|bike|cycling|bicycle|bus|auto|"
               r"motorway|highway)\s+(?:crash|accident|collision|smash)", "definite"),
    SignalRule("major-trauma", r"\b(?:serious|bad|major|big|nasty|heavy|hard)\s+(?:fall|crash|accident)\b", "definite"),
    SignalRule("major-trauma", r"\b(?:fell|fallen|falling)\s+(?:off|from|down|out of)\b", "definite"),
    # how far ("fell 3 metres off scaffolding", "fell about ten feet from a roof"), or off what
    # was ridden ("came off my motorbike")
    SignalRule("major-trauma", r"\b(?:fell|fallen|falling)\s+(?:about |around |nearly |almost |over |some )?"
               r"(?:\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten|twenty)\s*"
               r"(?:m|metres?|meters?|ft|feet|foot|storeys?|stories|floors?)\s+(?:off|from|down|out of)\b", "definite"),
    SignalRule("major-trauma", r"\bcame off (?:a |my |the |his |her )?(?:horse|pony|bike|motorbike|motorcycle|"
               r"scooter|moped|quad|bicycle|ladder|roof)\b", "definite"),
    SignalRule("major-trauma", r"\b(?:thrown|flung|bucked|knocked)\s+(?:off|from)\s+(?:a |my |the |his |her )?"
               r"(?:horse|pony|"
               r"bike|motorbike|motorcycle|scooter|moped|quad|bull|camel|car|vehicle)\b", "definite"),
    SignalRule("major-trauma", r"\b(?:hit|run over|knocked (?:down|over)) by a (?:car|bus|truck|lorry|van|vehicle|bike|"
               r"motorbike|cyclist)\b", "definite"),
    SignalRule("major-trauma", r"\b(?:crash(?:ed)?|collision|rear ended|accident)\b", "vague"),
    SignalRule("major-trauma", r"\b(?:fell over|fell on|fell onto|slipped and fell|tripped and fell|had a fall|a fall|"
               r"(?:had|took) a tumble)\b|"
               r"\b(?:i|he|she|they|we) fell(?! asleep| in love| for| behind| ill| sick| pregnant| apart)\b",
               "vague"),
    # ("falling on the stairs"; not autumn: "in the fall"). A "minor" fall too: with thin bones
    # (osteoporosis) a small fall can break a vertebra, so the seeker says whether it was serious.
    SignalRule("major-trauma", r"\bfalling (?:on|onto|over)\b|\bfall (?:on|onto|down) (?:the |my |some |a )?(?:stairs?|"
               r"steps|ice|floor|ground|back|bum|bottom|backside|tailbone|coccyx|hip)\b|\b(?:minor|small|little|"
               r"slight|bit of a|mild) (?:fall|tumble)\b|\b(?:after|since|from|following) (?:my |that )?(?:fall|"
               r"falling)\b", "vague"),  # "tailbone pain after fall" (or since the autumn: asked, not guessed)
    # Not "slipped disc": a slip or a trip that landed them ("slipped in the bathroom"), or a
    # small crash, may have been a hard one.
    SignalRule("major-trauma", r"\b(?:slipped|tripped) (?:on|over|down|up|in|at|off|while|when|and)\b|"
               r"\blanded (?:hard |heavily )?on (?:my |the )?(?:back|bottom|"
               r"bum|backside|tailbone|coccyx|spine)\b|\bfender bender\b|\b(?:from|off) a height\b|"
               r"\blanded (?:badly|awkwardly|hard|heavily)\b", "vague"),
    # cancer-history
    SignalRule("cancer-history", rf"\b(?:had|have|having|got|diagnosed with|treated for|treatment for|history of|"
               rf"survivor of|survived|beat|recovering from|remission from){_W}{{0,3}}?\s+(?:cancer|tumou?r|lymphoma|"
               r"leuka?emia|myeloma|melanoma|sarcoma|carcinoma)\b", "definite"),
    SignalRule("cancer-history", r"\b(?:cancer (?:survivor|patient|treatment|history|free)|in remission)\b", "definite"),
    SignalRule("cancer-history", r"\b(?:cancer|tumou?r|lymphoma|leuka?emia|myeloma|melanoma)\s+(?:in|since|back in)\s+"
               r"(?:19|20)\d\d\b", "definite"),
    SignalRule("cancer-history", r"\b(?:chemo(?:therapy)?|radiotherapy|radiation therapy|oncologist|metasta\w*)\b",
               "definite"),
    SignalRule("cancer-history", r"\b(?:(?:bone|spinal|spine|liver|lung) mets|mets (?:to|in) (?:my |the )?(?:spine|bones?|"
               r"back|liver|lungs?|brain)|secondar(?:y|ies) (?:cancer|tumou?rs?|(?:in|to) (?:my |the )?(?:bones?|spine|"
               r"back|liver|lungs?))|ca (?:breast|prostate|lung|colon|rectum|cervix|ovary|kidney|thyroid))\b", "definite"),
    SignalRule("cancer-history", r"\b(?:cancer|tumou?rs?|malignan\w*|lymphoma|leuka?emia|myeloma|secondaries)\b", "vague"),
    # weight-loss: only unexplained loss is a red flag
    SignalRule("weight-loss", rf"\b{_LOSE}{_W}{{0,4}}?\s+{_WEIGHT}\b[^.!?;]*?{_WHY_NOT}",
               "definite"),
    SignalRule("weight-loss", r"\b(?:unexplained|unintentional|unintended|unexpected|sudden)\s+weight\s*loss\b",
               "definite"),
    SignalRule("weight-loss", rf"\bweight\s*loss\b[^.!?;]*?{_WHY_NOT}", "definite"),
    SignalRule("weight-loss", rf"\b{_LOSE}{_W}{{0,4}}?\s+{_WEIGHT}\b", "vague"),
    SignalRule("weight-loss", rf"\b{_WEIGHT}\s+(?:has\s+|have\s+|is\s+|keeps?\s+)?(?:dropped|dropping|gone down|going "
               rf"down|fallen|falling|fell|come off|coming off)\b[^.!?;]*?{_WHY_NOT}", "definite"),
    SignalRule("weight-loss", r"\bweight\s*loss\b|\bweight\s+(?:has\s+|is\s+)?(?:dropped|dropping|gone down|fallen)\b",
               "vague"),
    # Red-flag topics in Hinglish: "ask", so a mention always asks the question. Hindi
    # puts its negation and tense after the word ("bukhar nahi hai", "peshab ka control
    # nahi": no fever, yet no bladder control), and reading them would be guessing.
    SignalRule("fever", r"\b(?:bukh?aa?r|bhukhar|jwar|jvar)\b", "ask"),
    SignalRule("bladder-bowel", r"\b(?:pe?i?shaa?b|pesab|pisab|mutra|mootra|tatti|latrine|shauch|mal ?tyag)\b"
               r"|\btoilet (?:pe |par |ka |ki |pe koi |par koi )?(?:control|kabu|kaabu|qabu)\b", "ask"),
    SignalRule("saddle-numbness", rf"\b{_SUNN}\b[^.!?;]{{0,40}}?\b{_SADDLE_HI}|\b{_SADDLE_HI}[^.!?;]{{0,40}}?\b{_SUNN}\b",
               "ask"),
    SignalRule("leg-weakness", rf"\b{_LEGS_HI}\b[^.!?;]{{0,40}}?\b{_WEAK_HI}|\b{_WEAK_HI}[^.!?;]{{0,40}}?\b{_LEGS_HI}\b",
               "ask"),
    # walking hard asks about weakness, as "I can barely walk" does: "chal nahi pa raha"
    SignalRule("leg-weakness", r"\bchal (?:nahi|nahin|nhi|na) (?:pa|paa|sak)\w*|\bchalna (?:mushkil|mushkal|nahi ho)\w*"
               r"|\bchalne mein (?:dikkat|takleef|taklif|pareshani|mushkil)\b", "ask"),
    # a leg gone numb asks about weakness, as "my leg is numb" does
    SignalRule("leg-weakness", rf"\b{_LEGS_HI}\b[^.!?;]{{0,20}}?\b(?:sunn|sunnpan|sunpan|sunnapan|"
               r"sun(?=\s+(?:ho|hona|hota|hoti|hote|pad|padh)\w*))\b", "ask"),  # ("pair sun ho gaya": one n)
    SignalRule("major-trauma", r"\b(?:gir (?:gaya|gayi|gai|gaye|gya|gyi|pada|padi|pade|padaa)|girne se|gira tha|giri thi|"
               r"hadsa|hadse|haadsa|durghatna|takkar)\b", "ask"),
    SignalRule("cancer-history", r"\bkark ?rog\b", "ask"),
    SignalRule("weight-loss", r"\b(?:vajan|wajan|vazan|wazan|weight)\b[^.!?;]{0,20}?\b(?:kam|ghat\w*|gir(?:a|i|e|na|ne|ta|ti|te))\b", "ask"),
    # The same topics in the European languages seekers in the UK most often write, accents
    # off (Spanish, French, German, Italian, Portuguese, Polish, Dutch): "ask", as these are
    # read for neither negation nor time.
    SignalRule("fever", r"\b(?:fiebre|fievre|fieber|febbre|febre|goraczk\w*|koorts|calentura)\b", "ask"),
    SignalRule("bladder-bowel", r"\b(?:vejiga|vessie|blase|vescica|bexiga|pecherz\w*|incontinencia|incontinenza|"
               r"inkontinenz|incontinentie|nietrzymani\w*|orina|orinar|urin|urinieren)\b", "ask"),
    SignalRule("saddle-numbness", r"\b(?:entumecid\w*|adormecid\w*|hormigueo|engourdi\w*|fourmillement\w*|taub(?:heit)?|"
               r"intorpidi\w*|formigamento|dretw\w*|gevoelloos)\b", "ask"),
    SignalRule("leg-weakness", r"\b(?:debilidad|faiblesse|schwache|schwach|debolezza|fraqueza|oslabieni\w*|zwakte)\b",
               "ask"),
    SignalRule("cancer-history", r"\b(?:cancer de|cancro|krebs|kanker|nowotw\w*)\b", "ask"),
    SignalRule("weight-loss", r"\b(?:perdida de peso|perte de poids|gewichtsverlust|perdita di peso|perda de peso|"
               r"utrata wagi|gewichtsverlies)\b", "ask"),
    SignalRule("major-trauma", r"\b(?:caida|chute|sturz|caduta|queda|upadek|unfall|accidente|incidente stradale)\b",
               "ask"),
    # cautions
    SignalRule("pregnancy", r"\bpregnan(?:t|cy)\b", "definite"),
    SignalRule("pregnancy", r"\b(?:garbh\w*|pet se (?:hoon|hu|hun|hai|hain)|bachch?a hone wala)\b", "ask"),
    SignalRule("bleeding-risk", r"\bkhoo?n (?:patla|patle|patli)\b", "ask"),
    SignalRule("pregnancy", r"\b(?:expecting (?:a baby|twins|my first|our first)|(?:first|second|third|1st|2nd|3rd) "
               r"trimester)\b", "definite"),
    SignalRule("pregnancy", r"\b\d+ (?:weeks?|wks?|months?) (?:pregnant|along|gestation)\b", "definite"),
    # "I'm 20 weeks" said on its own is how pregnancy is counted.
    SignalRule("pregnancy", r"\b(?:i'?m|i am) \d{1,2} (?:weeks?|wks?)(?= *(?:$|[.,;!?]|and\b|but\b|now\b|today\b|with\b))",
               "definite"),
    SignalRule("pregnancy", r"\b(?:preggers|preggo|preggy|prego|pregnent|pregant|pregnat|pragnant|prengant)\b", "definite"),
    SignalRule("pregnancy", r"\b(?:currently |now )?expecting (?:our|my) (?:first|second|third|fourth|next|\d(?:st|nd|rd|th))"
               r"|\b(?:i'?m|i am|we'?re|we are|currently) expecting (?:in|next|this|our|my|again|twins)\b"
               r"|\bhaving a baby (?:in|next|this|soon|any day)\b|\bdue (?:date )?(?:in|next) (?:\w+ )?(?:weeks?|months?)\b",
               "definite"),
    SignalRule("pregnancy", r"\bmy (?:baby )?bump\b|\b(?:pre ?natal|ante ?natal|pregnancy) (?:massage|yoga|physio\w*)\b",
               "vague"),
    # "I'm expecting" said on its own (not "expecting a call", "expecting it to pass")
    SignalRule("pregnancy", r"\b(?:i'?m|i am|we'?re|we are) expecting(?= *(?:$|[.,;!?]|and\b|but\b|so\b|with\b|now\b|again\b))",
               "definite"),
    SignalRule("pregnancy", r"\btrying for a baby\b", "vague"),
    SignalRule("bleeding-risk", r"\b(?:warfarin|coumadin|apixaban|eliquis|rivaroxaban|xarelto|edoxaban|lixiana|"
               r"dabigatran|pradaxa|heparin|enoxaparin|clexane|lovenox|clopidogrel|plavix|ticagrelor|brilinta|"
               r"prasugrel|effient|acitrom|acenocoumarol|sintrom|phenindione|dalteparin|fragmin|tinzaparin|innohep|"
               r"fondaparinux|arixtra|doacs?|noacs?)\b", "definite"),
    SignalRule("bleeding-risk", r"\b(?:on|taking|take|takes) (?:blood )?thinners\b", "definite"),
    SignalRule("bleeding-risk", r"\b(?:blood thinn\w*|anti ?coagula\w*|anti ?platelets?|ha?emophilia\w*|"
               r"von willebrand\w*|(?:bleeding|clotting|blood) disorder|low platelets?|thrombocytopenia)\b", "definite"),
    SignalRule("bleeding-risk", r"\b(?:aspirin|ecosprin|disprin|bruis\w* easily|bleed\w* easily|clotting (?:problem|issue|"
               r"condition)s?|thinners)\b", "vague"),
    SignalRule("pacemaker", r"\b(?:pacemaker|pace maker|pacer|defibrillator|defib|icd(?!\s*(?:9|10|11)\b)|"
               r"cochlear implant|"
               r"(?:spinal cord|nerve|vagus nerve|deep brain|sacral nerve) stimulator|implanted (?:electrical|electronic) "
               r"device|(?:implantable |implanted )?loop recorder|scs (?:implant|device|fitted|implanted)|stimulator "
               r"(?:implanted|fitted|put in|in my (?:back|spine|body|bum|buttock|hip|chest)))\b", "definite"),
    # Not the muscle stimulator or TENS machine used on the skin.
    SignalRule("pacemaker", r"\b(?:implanted device|heart device|(?<!muscle )(?<!tens )(?<!ems )stimulator)\b", "vague"),
    SignalRule("implant", r"\b(?:metal|titanium|steel)\s+(?:plates?|rods?|screws?|pins?|cage|implants?|work)\b",
               "definite"),
    # "Pins and needles in my leg" is a tingling, not metalwork.
    SignalRule("implant", r"\b(?!pins and needles\b)(?:plates?|rods?|screws?|pins?)\s+(?:and\s+\w+\s+)?in\s+my\s+(?:back|spine|neck|hip|"
               r"legs?|knee|ankle|arm|shoulder)\b", "definite"),
    SignalRule("implant", r"\b(?:(?:hip|knee|shoulder|joint|disc|ankle) replacement|spinal fusion|fused (?:vertebrae|"
               r"spine|discs?)|artificial (?:hip|knee|disc|joint)|implants?|stents?)\b", "definite"),
    SignalRule("implant", r"\b(?:got|have|had|with) (?:a |my )?new (?:hip|knee|shoulder)\b", "definite"),
    SignalRule("implant", r"\b(?:pedicle screws?|metalwork|hardware in my (?:back|spine|neck)|(?:[lcst]\d{1,2}\s+)?"
               r"[lcst]\d{1,2}\s+fusion|(?:lumbar|cervical|spine|back|vertebral) fusion|fusion (?:surgery|operation))\b",
               "definite"),
    # Surgery on the spine often leaves hardware: ask.
    SignalRule("implant", r"\b(?:back|spine|spinal|neck) (?:surgery|operation|op)\b|\b(?:surgery|operation|op) on my "
               r"(?:back|spine|neck)\b", "vague"),
)

_RECENT = (r"\b(?:today|tonight|this (?:morning|afternoon|evening|week)|last night|yesterday|just now|earlier today|"
           r"recently|(?:an?|one|two|three|few|\d+|couple of) (?:hours?|days?) ago|since (?:yesterday|this morning|"
           r"last night|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b")
_PAST_TIME = (r"\b(?:last (?:year|month|summer|winter|spring|autumn)|(?:a |one |two |three |four |five |six |several |"
              r"few |many |\d+ |couple of |a couple of |a few )?(?:weeks?|months?|years?|decades?) ago|a while ago|"
              r"long ago|years back|in (?:19|20)\d\d|as a (?:child|kid|teenager)|when i was (?:younger|a kid|a child))\b")
_CLEARED = (r"\b(?:cleared|checked (?:out|over)|been (?:seen|assessed|checked|examined)|discharged|nothing (?:was )?"
            r"broken|(?:x ?rays?|scans?|mri|ct) (?:were|was|came back|showed|are) (?:fine|clear|normal|ok|okay)|"
            r"doctor (?:said|says) (?:it'?s|its|i'?m|i am|everything'?s) (?:fine|ok|okay|all right))\b")

SIGNAL_CONTEXTS: dict[str, SignalContext] = {c.code: c for c in (
    SignalContext("fever", drop_if=r"\b(?:weather|room temperature|cold temperature|heat pack|hot water bottle)\b",
                  past_if=r"(?<!'ve )(?<!have )\bhad (?:a |some )?(?:\w+ )?(?:fever|temperature)\b|\b(?:fever|temperature)"
                  r"\s+(?:has |had |is |was )?(?:gone|passed|went away|gone away|cleared|broke|broken|settled|"
                  r"(?:has )?come down|came down)\b", when_past="unclear"),
    SignalContext("leg-weakness", drop_if=r"\b(?:back|core|arms?|hands?|grip|wrists?|abs|abdominals?|stomach|neck|"
                  r"shoulders?|glutes?|voice|eyes?|immune|chest)\b",
                  keep_if=r"\b(?:legs?|feet|foot|toes?|knees?|thighs?|calf|calves|ankles?|walk|stand)\b"),
    # Numbness down a leg is ordinary sciatica, not the saddle area.
    SignalContext("saddle-numbness", drop_if=r"\b(?:legs?|foot|feet|toes?|arms?|hands?|fingers?|thumbs?|wrists?|"
                  r"elbows?|calf|calves|shin|knee|thigh|ankle|face|lips?|chin|(?<!bum )(?<!butt )cheeks?|tongue|"
                  r"shoulders?|neck|heel|sole)\b",
                  keep_if=rf"{_SADDLE}|{_BOTH_LEGS}|(?:{_NUMB_LEGS})|\bbilateral\b|\bboth sides\b"),
    # "Pain since my car accident last year, doctor cleared me" is post-accident-pain.
    SignalContext("major-trauma", drop_if=rf"{_CLEARED}|\brabbit hole\b|\boff the wagon\b|\baccidents? in "
                  r"(?:my|his|her|their|the) (?:pants|trousers|underwear|knickers|bed)\b", when_past="drop",
                  needs_recent=True, whole_text=True),
    # "I work as a chemo nurse": the words are about work, unless they also say it was theirs.
    SignalContext("cancer-history", drop_if=r"\b(?:i work|work(?:ing|ed)? (?:in|on|as|with)|i'?m an? (?:\w+ )?(?:nurse|"
                  r"doctor|oncologist|radiographer|radiologist|technician|therapist|researcher|volunteer))\b",
                  keep_if=r"\b(?:i (?:had|have|was diagnosed|got)|my (?:own )?(?:cancer|tumou?r|chemo)|diagnosed|treated for)\b"),
    SignalContext("weight-loss", drop_if=r"\b(?:diet\w*|gym|on purpose|intentionally|slimming|trying to lose|want to "
                  r"lose|need to lose|weight watchers|calorie\w*|fasting|exercise more)\b", keep_if=_WHY_NOT),
    SignalContext("pregnancy", drop_if=r"\b(?:after|post|since) (?:my |the )?(?:pregnancy|birth|baby)|\bpost ?natal|"
                  r"\bpost ?partum|\bgave birth|\bgiving birth|\bhad (?:my|a|the|our) baby\b|\bwas pregnant\b|"
                  r"\bduring (?:my |the )?(?:last|previous|earlier|other) pregnanc(?:y|ies)\b",
                  keep_if=r"\b(?:i'?m|i am|currently|now|weeks|months) pregnant\b|\btrimester\b|\bpregnant again\b"),
    # The red flag is control newly lost: pads bought, a stress incontinence or a weak pelvic
    # floor speak of a lasting one, so ask whether something changed (unless it is recent).
    SignalContext("bladder-bowel", unclear_if=r"\b(?:incontinence|continence|bladder) (?:pads?|pants|products|nurse|"
                  r"clinic)\b|\bpads? for (?:my |her |his )?(?:incontinence|bladder)\b|\bstress incontinence\b|"
                  r"\bpelvic floor\b"),
    # "I used to take warfarin": no longer, unless the words say it is taken again.
    SignalContext("bleeding-risk", drop_if=r"\bused to (?:take|be on|have)\b|\b(?:i )?was on\b|\b(?:came|come|taken) off\b",
                  keep_if=r"\b(?:still|again|currently|now|i'?m on|i am on|i take|i'?m taking|i am taking)\b"),
)}

# Context markers shared by every code (used by ``understanding``).
RECENT_MARKERS = _RECENT
PAST_MARKERS = _PAST_TIME
HEDGES = r"\b(?:maybe|might|possibly|perhaps|not sure|unsure|i think|i guess|wonder(?:ing)?|could (?:it|this|that) be)\b"

# --- Lexicon for normalising and for negation scope (used by ``understanding``) ----------------
# Therapies as seekers mistype them (none an English word: "message" is never "massage").
_THERAPY_MISSPELLINGS = {
    "acupuncture": "accupuncture acupunture acupucture accupunture acupunchure acupunctur acupuncure acupuncher "
                   "accupunchure acupancture",
    "acupuncturist": "accupuncturist acupunturist acupucturist accupunturist",
    "physiotherapy": "physiotherepy physiotheraphy physiotheropy physioterapy phisiotherapy fisiotherapy "
                     "physiotharapy physiothrapy physotherapy physiotherpy fysiotherapy",
    "physiotherapist": "physiotherepist physioterapist physiotherapst phisiotherapist physiotharapist "
                       "physiotherpist physotherapist",
    "physio": "phisio fisio physyo phsyio pysio physo phyio",
    "chiropractor": "chiropracter chiroprator chiropracor chiropactor chriopractor chiropractitioner chiropracticer",
    "chiropractic": "chiropratic chiropractik chriopractic",
    "massage": "massge masage massag masaje massaage massgae",
    "ayurvedic": "aurvedic ayurvadic ayurvedec aryuvedic ayurvedhic ayurvedice",
    "ayurveda": "aurveda ayurvadha ayurvedha aryuveda",
}
_MISTYPED_THERAPY = {typo: right for right, typos in _THERAPY_MISSPELLINGS.items() for typo in typos.split()}
# Mistypings of the short parts of the body, and the words after which such a word is the part.
_SHORT_PART_TYPOS = {"back": "bak bck bakc bcak bac", "neck": "nek nck nekc neckk"}
_MISTYPED_PART = {typo: part for part, typos in _SHORT_PART_TYPOS.items() for typo in typos.split()}
_PAIN_AFTER_PART = ("pain|pains|ache|aches|aching|spasm|spasms|hurts|hurt|hurting|sore|stiff|stiffness|problem|"
                    "problems|issue|issues|injury|strain|locked|keeps|dard")
# (pattern, replacement) applied after lower-casing: one spelling for each idea.
SPELLING_VARIANTS: tuple[tuple[str, str | Callable[[re.Match[str]], str]], ...] = (
    (r"\b(?:i\.? ?t\.? band|itb|iliotibial(?: band)?)\b", "itband"),  # before "it" is dropped as a stop word
    (r"\bdisks?\b", "disc"), (r"\bmom\b", "mum"), (r"\bbutt\b", "bum"), (r"\bbackache\b", "back ache"),
    # Run together, or a typo too short for the matcher's correction.
    (r"\b(lower|low|upper|mid)?(back|neck)(pain|ache)\b", r"\1 \2 \3"), (r"\blowerback\b", "lower back"),
    (r"\bpian\b", "pain"), (r"\blbp\b", "low back pain"), (r"\b(back|muscle) spams?\b", r"\1 spasm"),
    (rf"\b({'|'.join(_MISTYPED_THERAPY)})(s?)\b", lambda m: _MISTYPED_THERAPY[m[1]] + m[2]),  # one pass for all
    # A short part of the body mistyped ("bak pain", "my nek hurts"): read only beside a word
    # that says it is the body part, since such words are too short for the matcher's
    # correction ("lack" or "pack" must never become "back").
    (rf"\b(my|lower|low|upper|mid|middle|sore|stiff|bad|tight|pulled|strained|hurt|the|her|his|your) "
     rf"({'|'.join(_MISTYPED_PART)})\b", lambda m: f"{m[1]} {_MISTYPED_PART[m[2]]}"),
    (rf"\b({'|'.join(_MISTYPED_PART)})\b(?= (?:{_PAIN_AFTER_PART})\b)", lambda m: _MISTYPED_PART[m[1]]),
    # After a birth ("after" is a stop word, and "delivery" alone is a driver's too).
    (r"\b(?:after|since|post|following) (?:my |the |a |her )?(?:delivery|childbirth|c section|caesarean)"
     r"(?! (?:work|job|driver|drivers|shift|shifts|round|rounds|van|vans|man|men|boy|boys))\b", "postnatal"),
    # A period's cramps are not the back's ("period cramps and lower back pain").
    (r"\b(?:period|menstrual|monthly) (?:cramps?|pains?)\b", "menstrual ache"),
    # The idiom said of someone: "my boss is a pain in the neck" is no neck pain.
    (r"\b(is|was|are|being|such) (?:a |an )?(?:real |right |total |proper )?pain in the (?:neck|bum|backside|arse|ass)\b",
     r"\1 annoying"),
)
STOPWORDS = frozenset("""
    i i'm im i've ive i'd me my mine myself you your it it's its a an the and or of in on at to from for with by
    up is are was were be been being am have has had do does did when since after that this these those so
    very really just got get gets getting some bit quite like because as into about than then there what which
    who can could would should will also too still now much lot lots feel feels feeling felt kind sort can't
    cannot don't dont not no
    mein mai ka ki ke ko se hai hain ho hota hoti hote raha rahi rahe tha thi bahut bohot aur bhi mujhe mera meri
    mere gaya gayi gai gaye gya gyi karke wala wali wale pe par jab ek
""".split())  # the second lines: Hinglish joining words ("kamar mein dard hai")
# Negation: a cue governs the next few words of its clause ("I don't have a fever")...
NEGATION_CUES = frozenset("""no not never without none nor neither don't dont doesn't doesnt didn't didnt haven't havent
    hasn't hasnt isn't isnt aren't arent wasn't wasnt weren't denies deny stopped negative""".split())
# ...unless the next word makes it a hedge or idiom ("not sure", "don't know why"), or says
# a treatment failed, which leaves the complaint standing ("physio didn't help my sciatica")...
NOT_NEGATING_BEFORE = frozenset("""sure only just know certain doubt matter able idea help helped helps helping work
    worked works working improve improved ease eased relieve relieved fix fixed cure cured""".split())
# ...and it does not reach past "just"/"only", which state what is there ("no bladder
# problems, just back pain" with no comma; "not only my back")...
NEGATION_ENDS_AT = frozenset("just only".split())
# ...and a clause ends at punctuation, at these words, and at "and"/"or" + one of these.
CLAUSE_BREAKS = frozenset("but although though however except yet whereas while apart".split())
NEW_CLAUSE_AFTER_AND = frozenset("i i'm im i've my it it's now then also".split())  # "..., and my legs ..."
NEGATING_AFTER = frozenset("fine ok okay normal normally unaffected alright negative absent free nil".split())  # "bladder is fine"
# "My mum had cancer": someone else is the subject unless "I" comes closer.
FIRST_PERSON = frozenset("i i'm im i've ive i'd i'll me myself".split())
OTHER_PEOPLE = frozenset("""mum mother dad father parent parents brother sister son daughter child children kid kids wife
    husband partner friend grandma grandmother granny grandad grandpa grandfather aunt uncle cousin family relative
    colleague boss dog cat pet puppy horse toddler baby babies boyfriend girlfriend bf gf hubby fiance fiancee
    grandson granddaughter grandchild grandchildren grandkid grandkids nephew niece neighbour neighbor flatmate
    roommate housemate patient patients client clients""".split())
# Parts of the body other than the back, whose pain a verb right after them is about: in
# "my neck hurts when I sleep on my back", "hurts" is the neck's, so "hurt ... back" gathered
# from across the text is not the back hurt.
OTHER_BODY_PARTS = frozenset("""neck shoulder shoulders hip hips knee knees leg legs arm arms head foot feet elbow
    elbows wrist wrists ankle ankles hand hands jaw chest stomach tummy belly thigh thighs calf calves hamstring
    hamstrings glute glutes groin toe toes finger fingers""".split())
NOT_A_LIST = frozenset("just only mainly mostly more rather instead".split())  # "no X, just Y"
# "Back" that is not the body part: "since I came back from holiday", "my hip pain is back",
# "back from the gym". It is the adverb after these words...
ADVERB_BACK_AFTER = frozenset("""came come comes coming went go goes going gone got get gets getting is was are were be
    been being keeps kept bounced bounce moved move flew fly drove drive walked walk ran run headed heading called call
    wrote write paid pay gave give brought bring way far money it them""".split())
# ...or before these, unless a word before it says it is a back ("my back from lifting")...
ADVERB_BACK_BEFORE = frozenset("from home again then later".split())
BACK_SAID_BEFORE = frozenset("""my the his her your our their a whole entire lower upper mid middle low sore bad stiff
    tight weak painful aching achy hurt hurting injured pulled strained sprained locked in of across along""".split())
# ...and never before these, which make it the back again ("I got back pain").
BACK_NOUN_AFTER = frozenset("""pain pains ache aches aching spasm spasms problem problems injury injuries issue issues
    muscle muscles stiffness trouble strain sprain surgery brace hurts hurt hurting""".split())
