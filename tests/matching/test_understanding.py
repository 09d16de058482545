"""Spec: a seeker's own words → concerns (ranked, explained) and a safety screening.

Pure tests: no app, no database.
"""

from __future__ import annotations

import pytest

from marketplace.matching.phrases import CONCERN_NAMES, DEFAULT_PHRASES, SIGNAL_RULES, Phrase
from marketplace.matching.safety import CAUTIONS, RED_FLAGS
from marketplace.matching.understanding import build_matcher, mend_typos, normalise, screen_text, stem, understand

MATCHER = build_matcher(DEFAULT_PHRASES)

# text → the concern ranked first, and others that must also be offered
CONCERN_TABLE = [
    # as seekers put it (session 35)
    ("popped something in my back", "back-spasm", ()), ("my back is in bits", "back-spasm", ()),
    ("pain at the base of my spine", "chronic-low-back-pain", ()),
    ("rib pain when I twist", "upper-back-pain", ()),
    ("diastasis recti and back pain", "pregnancy-postnatal-back-pain", ("chronic-low-back-pain",)),
    ("SI joint pain", "chronic-low-back-pain", ()),
    ("sacroiliac pain on one side", "chronic-low-back-pain", ()),
    ("my lower back locked up when I lifted a box", "back-spasm", ()),
    ("pinched nerve down my leg", "sciatica", ()),
    ("lumbago", "chronic-low-back-pain", ("back-spasm",)),
    ("stiff neck from my desk", "neck-shoulder-tension", ("posture-desk-pain",)),
    ("sore back from sitting all day", "posture-desk-pain", ("chronic-low-back-pain",)),
    ("pain in my bum when I run", "piriformis-syndrome", ()),
    ("tight IT band", "it-band-tightness", ()),
    ("slipped disc", "disc-related-pain", ()),
    ("whiplash after a car crash", "post-accident-pain", ()),
    ("back pain since I got pregnant", "pregnancy-postnatal-back-pain", ()),
    ("I'm stressed and my shoulders are in knots", "neck-shoulder-tension", ("stress-tension",)),
    # the shoulders said stiff, sore or aching, as "tight shoulders" was
    ("massage for stiff shoulders", "neck-shoulder-tension", ()), ("my shoulder is stiff", "neck-shoulder-tension", ()),
    ("trigger points in my shoulders", "neck-shoulder-tension", ()),
    ("my back muscles keep twitching", "back-spasm", ()), ("charley horse in my calf", "sports-injury", ()),
    ("sore shoulders and upper back", "upper-back-pain", ("neck-shoulder-tension",)),
    ("my shoulders hurt", "neck-shoulder-tension", ()), ("frozen shoulder", "neck-shoulder-tension", ()),
    ("arthritis in my spine", "arthritis-back-pain", ()),
    ("fibro flare", "fibromyalgia", ()),
    ("everything hurts, my whole body aches", "fibromyalgia", ()),
    ("Sciatica", "sciatica", ()),
    ("back-spasm", "back-spasm", ()),
    ("Acute back spasm", "back-spasm", ()),
    ("herniated disk at L4-L5", "disc-related-pain", ()),
    ("spinal stenosis", "disc-related-pain", ()),
    ("rehab after a microdiscectomy", "disc-related-pain", ()),
    ("back pain when I cough or sneeze", "disc-related-pain", ("chronic-low-back-pain",)),
    ("low back pain and my left big toe is numb", "chronic-low-back-pain", ("sciatica",)),
    # a sport played, a sport's injury
    ("my son plays cricket and hurt his back bowling", "sports-injury", ("back-spasm",)),
    ("I play rugby and my back hurts", "sports-injury", ("chronic-low-back-pain",)),
    ("golf injury", "sports-injury", ()),
    ("I watch football and my back hurts", "chronic-low-back-pain", ("sports-injury",)),  # less sure when only named
    ("shooting pain down the back of my leg", "sciatica", ()),
    ("my piriformis is killing me", "piriformis-syndrome", ()),
    ("outer thigh feels tight from running", "it-band-tightness", ()),
    ("pulled a muscle playing football", "sports-injury", ()),
    ("pain between my shoulder blades", "upper-back-pain", ()),
    ("my back keeps going into spasm", "recurring-back-spasm", ("back-spasm",)),
    ("back spasms keep coming back", "recurring-back-spasm", ()),
    ("I've had back pain for years", "chronic-low-back-pain", ()),
    ("aching all over, everything hurts", "fibromyalgia", ()),
    ("hunched over my laptop all day", "posture-desk-pain", ()),
    ("postpartum back pain", "pregnancy-postnatal-back-pain", ()),
    ("got rear-ended last year", "post-accident-pain", ()),
    ("threw my back out", "back-spasm", ()),
    ("osteoarthritis", "arthritis-back-pain", ()),
    ("sprained my ankle at the gym", "sports-injury", ()),
    ("text neck", "posture-desk-pain", ()),
    # Hinglish (Hindi in Latin letters), as many seekers in India write
    ("kamar mein dard hai", "chronic-low-back-pain", ("back-spasm",)),
    ("kamar akad gayi", "back-spasm", ()),
    ("gardan mein dard rehta hai", "neck-shoulder-tension", ()),
    ("gardan me akdan hai", "neck-shoulder-tension", ()),  # stiffness of the neck (it was the back's)
    ("kamar me jakdan", "back-spasm", ()),
    ("nas dab gayi, pair mein dard", "sciatica", ()),
    ("pair mein jhunjhuni rehti hai", "sciatica", ()),  # Hinglish: tingling in the leg
    ("pair sunn ho jata hai", "sciatica", ()),  # Hinglish: the leg goes numb
    ("slip disc", "disc-related-pain", ()),
    ("gathiya", "arthritis-back-pain", ()),
    ("delivery ke baad kamar dard", "pregnancy-postnatal-back-pain", ("chronic-low-back-pain",)),
    ("I have back pain and bukhar", "chronic-low-back-pain", ("back-spasm",)),
    # everyday ways of saying it
    ("my back has been killing me since I moved house", "chronic-low-back-pain", ("back-spasm",)),
    ("cramp in my back", "back-spasm", ()),
    ("my whole back is tight", "back-spasm", ()),
    ("achy back after long drives", "chronic-low-back-pain", ("back-spasm",)),
    ("back pain for a few days", "back-spasm", ()),
    ("my back pain started 3 days ago", "back-spasm", ()),
    ("knots in my back", "back-spasm", ()),
    ("I twisted and felt a pop in my back", "back-spasm", ()),
    ("lumbar strain", "back-spasm", ()),
    ("I have a bad back", "chronic-low-back-pain", ("back-spasm",)),
    ("my back has been stiff for weeks", "chronic-low-back-pain", ()),
    ("back pain since yesterday", "back-spasm", ()),
    ("pain in my sacrum", "chronic-low-back-pain", ()),
    ("tight hamstrings after running", "sports-injury", ()),
    ("back injury at work", "back-spasm", ()),
    ("I hurt my back lifting weights", "back-spasm", ()),
    ("pain shooting down my arm", "neck-shoulder-tension", ("disc-related-pain",)),
    ("my leg goes numb when I sit", "sciatica", ()),
    ("sacroiliitis", "arthritis-back-pain", ()),
    ("scoliosis", "posture-desk-pain", ("chronic-low-back-pain",)),
    ("rounded shoulders", "posture-desk-pain", ()),
    ("back pain while breastfeeding", "pregnancy-postnatal-back-pain", ()),
    ("tailbone pain when sitting", "chronic-low-back-pain", ()),
    ("coccyx hurts", "chronic-low-back-pain", ()),
    ("stiff in the mornings, eases as I move", "arthritis-back-pain", ()),  # the inflammatory kind
    ("post-delivery back pain", "pregnancy-postnatal-back-pain", ("chronic-low-back-pain", "back-spasm")),
    ("back pain after a normal delivery", "pregnancy-postnatal-back-pain", ()),
    ("I delivered my baby 3 months ago and my back aches", "pregnancy-postnatal-back-pain",
     ("chronic-low-back-pain", "back-spasm")),
    # a nerve pinched in the neck is not sciatica
    ("pinched nerve in my neck", "neck-shoulder-tension", ("disc-related-pain",)),
    ("trapped nerve in my neck and arm", "neck-shoulder-tension", ("disc-related-pain",)),
    # an injury just now, a lock-up that keeps someone bent over, a neck that will not turn
    ("hurt my back deadlifting", "back-spasm", ("sports-injury",)),
    ("slipped on ice and hurt my back", "back-spasm", ()),
    ("I can't stand up straight", "back-spasm", ()),
    ("bent over and couldn't get up", "back-spasm", ()),
    ("I can't bend down to tie my shoes", "back-spasm", ()),
    ("cant turn my head", "neck-shoulder-tension", ()),
    ("my shoulder blade hurts when I type", "upper-back-pain", ()),
    ("my back goes every few months", "recurring-back-spasm", ()),
    ("pins and needles in my leg", "sciatica", ()),
    ("spondylolisthesis", "disc-related-pain", ()),
    ("post workout soreness", "sports-injury", ()),
    ("pulled my back picking up my kid", "back-spasm", ()),
    ("pain between my shoulders when I breathe deeply", "upper-back-pain", ()),
    ("burning pain down the back of my thigh", "sciatica", ()),
    ("my glute hurts when I sit", "piriformis-syndrome", ()),
    ("hunchback from phone use", "posture-desk-pain", ()),
    # a spasm elsewhere is that muscle's, not the back's
    ("spasm in my calf", "sports-injury", ()),
    ("runner with tight calves", "sports-injury", ()),
    # a treatment that failed leaves the complaint standing
    ("physio didn't help my sciatica", "sciatica", ()),
    ("massage did not help my back pain", "chronic-low-back-pain", ("back-spasm",)),
    # small typos in longer words
    ("back spasams", "back-spasm", ()),
    ("sciatia", "sciatica", ()),
    ("fibromyalga", "fibromyalgia", ()),
]


@pytest.mark.parametrize(("text", "first", "also"), CONCERN_TABLE, ids=[row[0] for row in CONCERN_TABLE])
def test_phrase_resolves_to_concern(text: str, first: str, also: tuple[str, ...]) -> None:
    matches = MATCHER.match(text)
    assert matches, f"{text!r} matched nothing"
    assert matches[0].slug == first
    assert set(also) <= {m.slug for m in matches}


@pytest.mark.parametrize(("text", "slugs"), [
    ("upper back pain", {"upper-back-pain"}),
    ("mid back pain", {"upper-back-pain"}),
    ("stiff neck and upper back pain", {"upper-back-pain", "neck-shoulder-tension"}),
    ("upper back pain between my shoulder blades", {"upper-back-pain"}),
    ("lower back pain and sciatica", {"sciatica", "chronic-low-back-pain"}),
    ("upper and lower back pain", {"upper-back-pain", "chronic-low-back-pain"}),
    ("back pain", {"chronic-low-back-pain", "back-spasm"}),  # nothing says where or how: both
    ("trapped nerve", {"sciatica"}),  # "nerve" is no longer also a misspelt "neck"
    # "lower back" said of a spasm or a lock-up says where it is, not that it is chronic
    ("my lower back locked up when I lifted a box", {"back-spasm"}),
    ("lower back spasm", {"back-spasm"}),
    ("my lower back went into spasm this morning", {"back-spasm"}),
    ("lower back gave out when I bent down", {"back-spasm"}),
    ("my lower back hurts", {"chronic-low-back-pain", "back-spasm"}),
    ("lower back pain, sometimes spasms", {"chronic-low-back-pain", "back-spasm"}),
    ("pinched nerve in my neck", {"neck-shoulder-tension", "disc-related-pain"}),  # not sciatica
    ("back pain for a few days", {"back-spasm"}),  # days: not chronic
    ("lower back pain from standing all day", {"chronic-low-back-pain"}),  # "all day" is not "for days"
    # words gathered from two clauses are not one phrase: "tight ... back" is not a tight back
    ("my hamstring is tight and my lower back aches", {"sports-injury", "chronic-low-back-pain"}),
    ("back pain during pregnancy, 7 months", {"pregnancy-postnatal-back-pain"}),  # not back pain for months
    # a slip keeps the first letter: "trained" is no mistyped "strained", "bounds" no "rounds"
    ("a physio trained in the McKenzie method for my disc bulge", {"disc-related-pain"}),
    ("lumber pain", {"chronic-low-back-pain"}),  # while "lumber" is still a mistyped "lumbar"
])
def test_the_longer_phrase_says_where_the_pain_is(text: str, slugs: set[str]) -> None:
    """In "upper back pain", "back pain" is not also lower back pain or a back spasm: the
    upper-back seeker's results were ranked half on what helps the lower back."""
    assert {m.slug for m in MATCHER.match(text)} == slugs


def test_matches_are_ranked_with_confidence_and_the_phrase_that_matched() -> None:
    matches = MATCHER.match("my lower back locked up when I lifted a box")
    assert [m.confidence for m in matches] == sorted((m.confidence for m in matches), reverse=True)
    assert all(0 < m.confidence <= 1 for m in matches)
    assert matches[0].phrase == "back locked up"


def test_a_slug_or_a_comma_separated_list_of_slugs_is_taken_exactly() -> None:
    assert [(m.slug, m.confidence) for m in MATCHER.match("sciatica,back-spasm")] == [
        ("sciatica", 1.0), ("back-spasm", 1.0)]


def test_plural_and_tense_variants_meet() -> None:
    assert stem("spasms") == stem("spasm")
    assert stem("locked") == stem("locking") == stem("lock")
    assert stem("running") == stem("run")
    assert stem("hamstrings") == stem("hamstring")  # a plural of a word ending in -ing
    assert stem("feelings") == stem("feeling")
    assert MATCHER.match("spasms in my back")[0].slug == "back-spasm"


def test_normalise_unifies_case_quotes_and_spelling_variants() -> None:
    assert normalise("My  Lower-Back’s  DISK!") == "my lower back's disc!"
    assert normalise("tight I.T. band") == "tight itband"


def test_typos_are_tolerated_only_in_longer_words() -> None:
    assert MATCHER.match("piriformus")[0].slug == "piriformis-syndrome"
    assert MATCHER.match("nek") == []  # short words must be spelled right


def test_a_negated_concern_is_not_matched() -> None:
    slugs = [m.slug for m in MATCHER.match("I don't have sciatica, just a stiff neck")]
    assert slugs == ["neck-shoulder-tension"]


@pytest.mark.parametrize("text, slug", [
    ("no fever, lower back pain", "chronic-low-back-pain"),  # what is not wrong, then what is
    ("no bladder problems, lower back pain", "chronic-low-back-pain"),
    ("no fever, no numbness, sciatica", "sciatica"),
])
def test_a_negation_before_a_comma_does_not_reach_the_concern_after_it(text: str, slug: str) -> None:
    """Only a list that goes on with "or" carries its negation across commas ("no fever,
    weakness or numbness")."""
    assert [m.slug for m in MATCHER.match(text)][:1] == [slug]
    assert not screen_text(text).red_flags


@pytest.mark.parametrize("text, slug", [
    ("no fever and lower back pain", "chronic-low-back-pain"),
    ("no numbness and sciatica down my leg", "sciatica"),
])
def test_a_negation_before_and_does_not_deny_the_concern_after_it(text: str, slug: str) -> None:
    """The search read no concern at all from these, and asked the seeker to pick one."""
    assert [m.slug for m in MATCHER.match(text)][:1] == [slug]


@pytest.mark.parametrize("text, slugs", [
    ("used to have sciatica but now my neck is stiff", ["neck-shoulder-tension", "sciatica"]),
    ("I used to get sciatica, now it's my neck", ["neck-shoulder-tension", "sciatica"]),
    ("my sciatica is gone but my neck still hurts", ["neck-shoulder-tension", "sciatica"]),
    ("sciatica cleared up last year, now neck pain", ["neck-shoulder-tension", "sciatica"]),
    ("neck pain, sciatica went away", ["neck-shoulder-tension", "sciatica"]),
    # Not over after all, or nothing else said: as before.
    ("I used to get sciatica and it's back again, also neck pain", ["sciatica", "neck-shoulder-tension"]),
    ("I used to have sciatica", ["sciatica"]),
    ("sciatica and neck pain", ["sciatica", "neck-shoulder-tension"]),
])
def test_a_pain_that_is_over_ranks_after_the_one_that_is_not(text: str, slugs: list[str]) -> None:
    """The first concern leads the search (and its evidence): it should be today's pain."""
    assert [m.slug for m in MATCHER.match(text)] == slugs


@pytest.mark.parametrize("text, slugs", [
    ("neck spasm keeps coming back", ["neck-shoulder-tension"]),
    ("my neck spasms keep coming back", ["neck-shoulder-tension"]),
    ("shoulder spasm again", ["neck-shoulder-tension"]),
    ("back spasm keeps coming back", ["recurring-back-spasm"]),
    ("spasms keep coming back in my lower back", ["recurring-back-spasm", "back-spasm"]),
    ("my back keeps seizing up", ["recurring-back-spasm", "back-spasm"]),  # again and again
    ("my back seized up yesterday", ["back-spasm"]),  # once
])
def test_a_spasm_said_of_the_neck_is_not_also_the_backs(text: str, slugs: list[str]) -> None:
    """"Spasm keeps coming back" names no part, so it means the back, unless the spasm is the neck's."""
    assert [m.slug for m in MATCHER.match(text)] == slugs


def test_a_list_without_or_does_not_deny_what_follows_the_comma() -> None:
    """"No fever, weakness, numbness" may deny all three or only the fever: ask, don't guess."""
    assert {"leg-weakness", "saddle-numbness"} <= screen_text("no fever, weakness, numbness").unclear_red_flags
    assert not screen_text("no fever, weakness or numbness").unclear_red_flags


@pytest.mark.parametrize("text, slugs", [
    ("lower back pain but no spasm", ["chronic-low-back-pain"]),
    ("my back hurts, not a spasm", ["chronic-low-back-pain", "back-spasm"]),  # as plain "back hurts"
    ("back pain but no spasm", ["chronic-low-back-pain", "back-spasm"]),
])
def test_a_phrase_gathered_from_across_the_text_needs_each_word_meant(text: str, slugs: list[str]) -> None:
    """"Back ... spasm" read from "back pain but no spasm" matched "back spasm" first: a
    phrase whose words are apart in the text is not matched when one of them is negated."""
    matches = MATCHER.match(text)
    assert [m.slug for m in matches] == slugs
    assert all("spasm" not in m.phrase for m in matches)


@pytest.mark.parametrize(("text", "slugs"), [
    # "back" the adverb is not the body part
    ("since I came back from holiday my neck hurts", {"neck-shoulder-tension"}),
    ("my neck pain came back", {"neck-shoulder-tension"}),
    ("my neck has been stiff since I came back", {"neck-shoulder-tension"}),
    ("my hip pain is back", set()),
    ("knee pain since I got back from a run", set()),
    # ...and still the back where it is one
    ("I got back pain from lifting", {"back-spasm", "chronic-low-back-pain"}),
    ("is back pain serious", {"back-spasm", "chronic-low-back-pain"}),
    ("back to work after a month and my back aches", {"back-spasm", "chronic-low-back-pain"}),
    ("the back pain is back", {"back-spasm", "chronic-low-back-pain"}),
    ("lower back from lifting", {"chronic-low-back-pain"}),
    # words in order across a clause break are not one phrase: the shoulder hurts, the back is
    # stiff (not "stiff shoulder", nor "hurt my back")
    ("my shoulder hurts and my back is stiff", {"neck-shoulder-tension", "chronic-low-back-pain", "back-spasm"}),
    # a hurt said of another part is not the back's, gathered from across the text
    ("my neck hurts when I sleep on my back", {"neck-shoulder-tension"}),
    ("my knee is sore when I lie on my back", set()),
    ("my neck and back hurt", {"neck-shoulder-tension", "chronic-low-back-pain", "back-spasm"}),
])
def test_back_is_the_body_part_only_where_it_is_one(text: str, slugs: set[str]) -> None:
    """"Since I came back from holiday my neck hurts" was read as a back spasm ("hurt my
    back"), and "my hip pain is back" as low back pain."""
    matches = MATCHER.match(text)
    assert {m.slug for m in matches} == slugs
    assert all(m.phrase != "hurt my back" for m in matches)


@pytest.mark.parametrize(("text", "slugs"), [
    # care asked for the back is back pain, as "back pain" is, a little less surely
    ("massage for my back", ["chronic-low-back-pain", "back-spasm"]),
    ("a back massage", ["chronic-low-back-pain", "back-spasm"]),
    ("physiotherapist for my back please", ["chronic-low-back-pain", "back-spasm"]),
    ("help with my back", ["chronic-low-back-pain", "back-spasm"]),
    ("back problems", ["chronic-low-back-pain", "back-spasm"]),
    ("cupping on my back", ["chronic-low-back-pain", "back-spasm"]),
    ("treatment for my neck and back", ["neck-shoulder-tension", "chronic-low-back-pain"]),
    # "back" alone, or care for something else, is not
    ("I sleep on my back", []),
    ("I sleep on my back and my neck is stiff", ["neck-shoulder-tension"]),
    ("I want my massage money back", []),
    ("no back problems, just a stiff neck", ["neck-shoulder-tension"]),
])
def test_care_asked_for_the_back_reads_as_back_pain(text: str, slugs: list[str]) -> None:
    """"Massage for my back" asked which concern, and listed nobody."""
    assert [m.slug for m in MATCHER.match(text)] == slugs


@pytest.mark.parametrize("text, slugs", [
    ("no numbness no bladder problems just back pain", ["chronic-low-back-pain", "back-spasm"]),
    ("I have no sciatica only a stiff neck", ["neck-shoulder-tension"]),
    ("not just back pain", ["chronic-low-back-pain", "back-spasm"]),
    ("I just don't have back pain", []),
])
def test_a_negation_does_not_reach_past_just_or_only(text: str, slugs: list[str]) -> None:
    """Seekers rule things out and then say what they have, often without a comma."""
    assert [m.slug for m in MATCHER.match(text)] == slugs


def test_what_follows_just_is_screened_as_stated() -> None:
    """"No numbness, just tingling in both legs" still asks the cauda equina questions."""
    assert screen_text("no numbness just tingling in both legs").unclear >= {"leg-weakness", "bladder-bowel"}


@pytest.mark.parametrize("text", ["", "   ", "hello world", "asdfgh qwerty", "🙂", "?!", "x" * 5000])
def test_text_that_resolves_to_nothing_returns_empty_and_suggestions(text: str) -> None:
    assert MATCHER.match(text) == []
    suggestions = MATCHER.suggest(text)
    assert 1 <= len(suggestions) <= 4
    assert all(s.name == CONCERN_NAMES[s.slug] for s in suggestions)


def test_suggestions_prefer_concerns_sharing_words_then_the_common_ones() -> None:
    assert MATCHER.suggest("my hip")[0].slug == "piriformis-syndrome"
    assert [s.slug for s in MATCHER.suggest("hello")][:2] == ["back-spasm", "chronic-low-back-pain"]


@pytest.mark.parametrize(("text", "first"), [
    ("hip pain", "piriformis-syndrome"),  # "hip" is in one concern's words, "pain" in most
    ("knee pain", "it-band-tightness"),
    ("elbow pain", "back-spasm"),  # only "pain" is shared: the most common concern first
    ("jaw pain", "back-spasm"),
])
def test_suggestions_weigh_a_rare_shared_word_above_a_common_one(text: str, first: str) -> None:
    """"Tailbone pain" (read since as low back pain) was offered upper back pain first, as
    "pain" tied every concern and the tie fell to the order of the table."""
    assert MATCHER.match(text) == []
    assert MATCHER.suggest(text)[0].slug == first


def test_phrases_are_data_an_admin_can_extend() -> None:
    assert MATCHER.match("kreuzschmerzen") == []
    matcher = build_matcher([*DEFAULT_PHRASES, Phrase("kreuzschmerzen", "chronic-low-back-pain", 0.9)])
    match = matcher.match("Kreuzschmerzen")[0]
    assert (match.slug, match.confidence, match.phrase) == ("chronic-low-back-pain", 0.9, "kreuzschmerzen")


def test_every_seed_phrase_names_a_seeded_concern_and_every_concern_has_phrases() -> None:
    assert {p.concern_slug for p in DEFAULT_PHRASES} == set(CONCERN_NAMES)
    assert all(0 < p.weight <= 1 for p in DEFAULT_PHRASES)


# --- Safety screening -------------------------------------------------------------------------
RED_FLAG_TABLE = [
    ("I can't control my bladder", {"bladder-bowel"}),
    ("numb between my legs", {"saddle-numbness"}),
    ("I have a fever", {"fever"}),
    ("my legs are getting weaker", {"leg-weakness"}),
    ("I've been losing weight without trying", {"weight-loss"}),
    ("I fell off a ladder yesterday", {"major-trauma"}),
    ("I had cancer two years ago", {"cancer-history"}),
    ("wet myself", {"bladder-bowel"}),
    ("can't feel my inner thighs", {"saddle-numbness"}),
    # the bottom named first: alone it is asked about, with the saddle area it is the red flag
    ("numbness in my bum and inner thighs", {"saddle-numbness"}),
    ("tingling around my bottom and groin", {"saddle-numbness"}),
    ("I was in a car crash this morning", {"major-trauma"}),
    ("lost control of my bowels last night", {"bladder-bowel"}),
    ("back pain and a high temperature", {"fever"}),
    ("my toes drag", {"leg-weakness"}),  # foot drop, said of the toes
    ("shooting pain and my leg buckles", {"leg-weakness"}),
    ("loss of sensation in saddle area", {"saddle-numbness"}),
    ("reduced sensation around my groin", {"saddle-numbness"}),
    ("I couldn't stop myself peeing", {"bladder-bowel"}),
    ("my ankle won't lift", {"leg-weakness"}),
    ("I can't lift my ankle", {"leg-weakness"}),
    ("thrown from a horse yesterday", {"major-trauma"}),
    ("was knocked off my bike this morning", {"major-trauma"}),  # (nothing was read)
    ("got knocked down by a car yesterday", {"major-trauma"}),
    ("came off my motorbike yesterday", {"major-trauma"}),
    ("fell about ten feet from a roof yesterday", {"major-trauma"}),
    ("my right foot is dragging, I can't lift my foot", {"leg-weakness"}),
    ("numbness in my groin since yesterday", {"saddle-numbness"}),
    ("unexplained weight loss and back pain", {"weight-loss"}),
    ("I'm having chemotherapy for breast cancer", {"cancer-history"}),
    ("my legs keep giving way", {"leg-weakness"}),
    ("I've been incontinent since the spasm started", {"bladder-bowel"}),
    ("I can no longer control my bladder", {"bladder-bowel"}),
    ("got hit by a car yesterday", {"major-trauma"}),
    ("no fever but I can't feel my groin", {"saddle-numbness"}),
    ("I have a fever and my legs are getting weaker", {"fever", "leg-weakness"}),
    ("No fever. Numb between my legs.", {"saddle-numbness"}),
    ("I've been cancer free for 5 years", {"cancer-history"}),
    ("I peed myself and can't feel my groin", {"bladder-bowel", "saddle-numbness"}),
    ("my back hurts and I keep peeing myself", {"bladder-bowel"}),
    ("I wet the bed last night", {"bladder-bowel"}),
    ("I can't feel when I need to pee", {"bladder-bowel"}),
    ("I can't feel the paper when I wipe", {"saddle-numbness"}),
    ("I've lost feeling down there", {"saddle-numbness"}),
    ("I haven't peed since yesterday", {"bladder-bowel"}),
    ("I keep tripping because my foot flops", {"leg-weakness"}),
    ("back pain and my feet feel floppy", {"leg-weakness"}), ("a floppy foot since Monday", {"leg-weakness"}),
    ("both my legs have gone numb", {"leg-weakness"}),
    ("back pain and numbness in both legs", {"leg-weakness"}),
    ("I've lost feeling in both feet", {"leg-weakness"}),
    ("both feet keep going numb", {"leg-weakness"}),
    ("my legs feel weak and it's getting worse", {"leg-weakness"}),
    ("lost 10kg without trying", {"weight-loss"}),
    ("breast cancer in 2019, now back pain", {"cancer-history"}),
    ("my temp is 38.4 and my back hurts", {"fever"}),
    ("running a high temp with back pain", {"fever"}),
    ("I can't feel my bum when I wipe", {"saddle-numbness"}),
    ("numb bottom when wiping", {"saddle-numbness"}),
    ("I have to strain to pee", {"bladder-bowel"}),  # trouble passing urine
    ("high fever and hay fever", {"fever"}),
    ("my foot drags when I walk", {"leg-weakness"}),  # foot drop, in the seeker's words
    ("paracetamol didn't help the fever", {"fever"}),  # a failed remedy does not negate
    ("my left leg has been dragging", {"leg-weakness"}),
    # Pads, but control lost newly: still a red flag.
    ("incontinence pads since yesterday, I just can't hold it", {"bladder-bowel"}),
    ("lost control of my bladder this morning, I wear pads now", {"bladder-bowel"}),
]


@pytest.mark.parametrize(("text", "codes"), RED_FLAG_TABLE, ids=[row[0] for row in RED_FLAG_TABLE])
def test_red_flag_in_free_text_is_detected(text: str, codes: set[str]) -> None:
    screening = screen_text(text)
    assert screening.red_flags == codes
    assert screening.is_urgent


BENIGN_TABLE = [
    "my knee buckles",  # a knee's, not a leg's weakness
    "tingling in my foot", "numbness down my right leg",  # one side: ordinary sciatica
    "my back hurts when I cough", "no leaking when I cough",
    "no numbness in my legs", "my feet are not numb",
    "my toes don't drag",
    "I drag my toes through the sand on holiday",
    "I don't have any loss of sensation in my groin",
    "no numbness in my bum and inner thighs",
    "I was knocked off balance", "knocked off work early and my back aches",
    "came off my meds", "came off the pill and have back pain",
    "main chal sakta hoon, bas kamar dard",  # I can walk, just back pain
    "the ball was thrown from the stands",
    "nothing comes out of the tap",
    "no fever",
    "my foot doesn't drag",
    "I drag my feet about going to the gym",
    "I don't have a fever",
    "without any numbness",
    "never had cancer",
    "bladder is fine",
    "no problems with my bladder or bowels",
    "pain since my car accident last year, doctor cleared me",
    "I haven't lost any weight",
    "my legs aren't weak",
    "fell asleep on the sofa and woke up with a stiff neck",
    "I lost weight on purpose with a diet",
    "my mum had cancer",
    "tingling down my leg",
    "numbness in my foot",
    "I'm not incontinent",
    "I have no history of cancer and no weight loss",
    "no fever, weakness or numbness",
    "no recent falls or accidents",
    "my lower back locked up when I lifted a box",
    "my back feels weak and my core is weak",
    "I can barely walk with this spasm", "hard to walk far because of back pain",
    "my back hurts more in the fall and winter",  # autumn
    "back pain since the fall semester started", "after football my back hurts",
    "I'm not peeing myself",
    "my back feels hot after the heat pad",
    "I don't feel hot",
    "I'm peeing fine, not numb down there",
    "numbness down below my knee",
    "pain on both sides of my lower back",
    "I don't have pain down both legs",
    "I lost 5kg on a diet",
    "I haven't peed in my pants",
    "Dad has a pacemaker and my mum had a fever",
    "I work as a temp and my back hurts",
    "I had my flu jab yesterday and my back hurts",
    "negative covid test, back pain",
    "I have a slipped disc", "I slipped a disc lifting", "my disc slipped in 2019",
    "I have hay fever and back pain",  # an allergy: no search should be blocked for it
    "cabin fever from working at home, stiff back",
    "my cat has cancer",
    "my numb thumb",
    "",
]


@pytest.mark.parametrize("text", BENIGN_TABLE)
def test_negations_and_benign_text_raise_no_red_flag(text: str) -> None:
    screening = screen_text(text)
    assert screening.red_flags == frozenset()
    assert screening.unclear == frozenset()


UNCLEAR_TABLE = [
    ("can't poo properly and back pain", "bladder-bowel"),  # constipation, or retention: ask
    ("constipated from the painkillers", "bladder-bowel"),
    ("my toes catch on the stairs", "leg-weakness"),
    ("needing to pee but nothing comes out", "bladder-bowel"),
    ("my leg went dead and I stumbled", "leg-weakness"),
    ("fever last month?", "fever"),
    ("had a fever a few weeks ago", "fever"),
    ("maybe a fever?", "fever"),
    ("numb", "saddle-numbness"),
    ("my bum is numb", "saddle-numbness"),
    ("weak", "leg-weakness"),
    ("I feel weak", "leg-weakness"),
    ("I think I might have lost some weight", "weight-loss"),
    ("I had a car accident", "major-trauma"),
    ("whiplash after a car crash", "major-trauma"),
    ("I'm worried it might be cancer", "cancer-history"),
    ("my bladder feels strange", "bladder-bowel"),
    ("Can back pain cause numbness in the groin?", "saddle-numbness"),
    ("I fell down the stairs last week", "major-trauma"),
    ("back pain, and I feel hot", "fever"),
    ("I'm burning up and my back aches", "fever"),
    ("it was 38 degrees and my back hurts", "fever"),
    ("I've been sweating at night and my back hurts", "fever"),
    ("the fever has gone", "fever"),
    ("my fever went away on Monday", "fever"),
    ("I can't feel my bottom properly", "saddle-numbness"),
    ("I've had the flu and now my back hurts", "fever"),
    ("I've got covid and back pain", "fever"),
    ("I slipped on ice yesterday and landed on my back", "major-trauma"),
    ("I was in a minor fender bender", "major-trauma"),
    # The red flag is bladder or bowel control newly lost; these speak of a lasting one.
    ("buying incontinence pads for my mum", "bladder-bowel"),
    ("I have stress incontinence and lower back pain", "bladder-bowel"),
    ("weak pelvic floor, some incontinence, sore back", "bladder-bowel"),
    ("Fever? No idea", "fever"),
    ("fever? not sure", "fever"),
    # Over lately: was it a fever, is it gone? Ask.
    ("had a fever 2 days ago, fine now", "fever"),
    ("fever last week, fine now", "fever"),
    # Walking hard: the pain, or legs that fail? Ask, as "I can't walk" does.
    ("my back is killing me, can barely walk", "leg-weakness"),
    ("struggling to walk since yesterday", "leg-weakness"), ("difficulty in walking", "leg-weakness"),
    ("tailbone pain after falling on stairs", "major-trauma"), ("back pain since a fall on the ice", "major-trauma"),
    ("Father 72, osteoporosis, back pain after a minor fall last week", "major-trauma"),  # thin bones break
    ("tailbone pain after fall", "major-trauma"), ("back pain since my fall", "major-trauma"),  # no "a"
    ("lower back pain from fall last week", "major-trauma"),
    # a slip or a trip, wherever it landed them
    ("I'm 67, have osteoporosis and my back hurts after I slipped in the bathroom last week", "major-trauma"),
    ("tripped over the dog yesterday, back aches", "major-trauma"), ("slipped off a ladder", "major-trauma"),
    # a leak when sneezing or coughing, often since childbirth: asked about
    ("I leak a bit when I cough since having kids, back pain", "bladder-bowel"),
    ("saddle area feels weird", "saddle-numbness"),  # the saddle area told of, however it feels
    ("numbness in my bum, not in my groin", "saddle-numbness"),
    # how far, or how it landed, with no when: asked
    ("fell 3 metres off scaffolding", "major-trauma"), ("jumped from a height and landed badly", "major-trauma"),
]


@pytest.mark.parametrize(("text", "code"), UNCLEAR_TABLE, ids=[row[0] for row in UNCLEAR_TABLE])
def test_ambiguous_mentions_are_unclear_so_the_ui_asks(text: str, code: str) -> None:
    screening = screen_text(text)
    assert screening.red_flags == frozenset()
    assert screening.unclear == {code}
    assert screening.unclear_red_flags == {code}


HINGLISH_ASKS = [
    ("kamar mein dard aur bukhar bhi hai", {"fever"}),
    ("I have back pain and bukhar", {"fever"}),
    ("bukhar nahi hai", {"fever"}),  # Hindi negates after the word: not read, asked
    ("peshab pe control nahi raha", {"bladder-bowel"}),
    ("tatti ka pata nahi chalta", {"bladder-bowel"}),
    ("gupt ang sunn ho gaya hai", {"saddle-numbness"}),
    ("pair mein kamzori aa rahi hai", {"leg-weakness"}),
    ("pair sunn ho jata hai", {"leg-weakness"}),  # a numb leg asks, as "my leg is numb" does
    ("kamar mein tez dard hai aur pair sun ho gaya hai", {"leg-weakness"}),  # ...typed with one n
    ("seedhi se gir gaya tha", {"major-trauma"}),
    ("mera vajan kam ho raha hai", {"weight-loss"}),
    ("kark rog tha", {"cancer-history"}),
    # walking hard, and toilet control, asked about as in English (nothing was)
    ("kamar dard bahut hai, chal nahi pa raha", {"leg-weakness"}), ("chalne mein dikkat hai", {"leg-weakness"}),
    ("toilet control nahi ho raha", {"bladder-bowel"}),
]


@pytest.mark.parametrize(("text", "codes"), HINGLISH_ASKS, ids=[row[0] for row in HINGLISH_ASKS])
def test_a_red_flag_topic_in_hinglish_always_asks(text: str, codes: set[str]) -> None:
    """The screening cannot follow Hindi's negation or tense, so it never decides on a
    Hindi word, either way: the seeker answers the question."""
    screening = screen_text(text)
    assert screening.red_flags == frozenset()
    assert screening.unclear_red_flags == codes


def test_an_english_no_right_before_a_hinglish_word_is_read() -> None:
    for text in ("no bukhar, just kamar dard", "back pain without bukhar"):
        assert screen_text(text).unclear == frozenset(), text
    # but an English list does not carry it over a Hindi "there is" ("no numbness, bukhar hai")
    assert screen_text("back pain, no numbness, bukhar hai").unclear_red_flags == {"fever"}


def test_hinglish_cautions_are_noted_for_the_seeker_to_tick() -> None:
    assert screen_text("garbhvati hoon aur kamar dard").unclear_cautions == {"pregnancy"}
    assert screen_text("khoon patla karne ki dawai leta hoon").unclear_cautions == {"bleeding-risk"}


@pytest.mark.parametrize("text", ["कमर दर्द और बुखार", "back pain और बुखार", "боль в спине", "腰痛", "முதுகு வலி"])
def test_words_in_a_script_it_cannot_read_ask_every_red_flag_question(text: str) -> None:
    """A fever written in Devanagari would otherwise pass unseen: a text the screening
    cannot read is the most unclear of all."""
    screening = screen_text(text)
    assert screening.red_flags == frozenset()
    assert screening.unclear_red_flags == set(RED_FLAGS) and screening.unreadable


@pytest.mark.parametrize("text", ["I'm José and my lower back hurts", "naïve question: is a café chair bad for my "
                                  "back?", "back pain 🙂", "Ça va, lumbago"])
def test_accents_and_emoji_are_read_as_latin_text(text: str) -> None:
    screening = screen_text(text)
    assert not screening.unreadable and screening.unclear_red_flags == frozenset()


@pytest.mark.parametrize(("text", "not_this"), [
    ("back pain from gardening", "neck-shoulder-tension"),  # not a typo for "gardan"
    ("delivery driver with a sore back", "pregnancy-postnatal-back-pain"),
    ("back pain from delivery work", "pregnancy-postnatal-back-pain"),
])
def test_hinglish_words_do_not_capture_english_text(text: str, not_this: str) -> None:
    assert not_this not in {m.slug for m in MATCHER.match(text)}
    assert screen_text(text).unclear == frozenset()


@pytest.mark.parametrize("text", ["back spasm, can't stand straight", "I can't stand up straight",
                                  "can't stand upright since this morning", "can hardly stand up straight",
                                  "no trouble walking, just back pain"])
def test_a_back_that_cannot_straighten_asks_nothing_of_the_legs(text: str) -> None:
    """The back in spasm, not legs giving way (a mere "I can't stand" still asks)."""
    assert screen_text(text).unclear == frozenset() and not screen_text(text).red_flags
    assert screen_text("I can't stand").unclear == {"leg-weakness"}


@pytest.mark.parametrize("text", ["I can't stand massage, neck pain", "I cannot stand needles",
                                  "I can't stand the pain", "can't stand chiropractors"])
def test_what_one_cannot_stand_is_a_dislike_not_legs_that_fail(text: str) -> None:
    """"I can't stand massage" turns massage down; it asks nothing of the legs, which "I
    can't stand for long" and "can't stand being on my feet" still do."""
    assert screen_text(text).unclear == frozenset() and not screen_text(text).red_flags
    for still in ("I can't stand for long", "can't stand being on my feet", "I can't stand up"):
        assert screen_text(still).unclear == {"leg-weakness"}


@pytest.mark.parametrize("text", ["the weight of my girlfriend on my back", "a pair of new trainers hurt my back",
                                  "sitting on the toilet hurts"])
def test_english_words_shared_with_the_hinglish_rules_ask_nothing(text: str) -> None:
    assert screen_text(text).unclear == frozenset()


@pytest.mark.parametrize("text", [
    "sciatica in both legs", "bilateral sciatica", "shooting pain down both my legs", "tingling in both legs",
    "pins and needles in both feet", "hurts to sit, sciatica both legs", "both legs sciatica",
    # numbness or tingling in the legs or feet, said in the plural: in both, perhaps
    "my legs are numb", "back pain with pins and needles in my feet", "back pain and numbness in my feet",
    "his legs have gone numb", "tingling down my legs",
])
def test_symptoms_in_both_legs_ask_the_cauda_equina_questions(text: str) -> None:
    """Sciatica in both legs can be cauda equina syndrome: the seeker is asked about leg
    weakness, the saddle area and their bladder before any results (one leg is ordinary
    sciatica: see the benign table)."""
    screening = screen_text(text)
    assert screening.red_flags == frozenset()
    assert screening.unclear_red_flags == {"leg-weakness", "saddle-numbness", "bladder-bowel"}


def test_cleared_old_accident_is_a_concern_but_a_fresh_crash_is_a_red_flag() -> None:
    old = understand("pain since my car accident last year, doctor cleared me", MATCHER)
    assert old.concerns[0].slug == "post-accident-pain"
    assert not old.screening.red_flags and not old.screening.unclear
    fresh = understand("I was in a car crash this morning", MATCHER)
    assert fresh.screening.red_flags == {"major-trauma"}


def test_screening_explains_what_it_saw() -> None:
    screening = screen_text("no fever but I wet myself")
    assert {(s.code, s.verdict) for s in screening.signals} >= {("fever", "negated"), ("bladder-bowel", "stated")}


CAUTION_TABLE = [
    ("I'm 20 weeks pregnant", {"pregnancy"}),
    ("back pain since I got pregnant", {"pregnancy"}),
    ("I take warfarin", {"bleeding-risk"}),
    ("on blood thinners", {"bleeding-risk"}),
    ("haemophilia", {"bleeding-risk"}),
    ("I have a pacemaker", {"pacemaker"}),
    ("metal plate in my back", {"implant"}),
    ("I had a hip replacement", {"implant"}),
    ("pregnant and on apixaban", {"pregnancy", "bleeding-risk"}),
    ("I'm expecting and my back hurts", {"pregnancy"}),
    ("I got a new hip in 2020", {"implant"}),
    ("I was on warfarin, now on apixaban", {"bleeding-risk"}),  # what was, then what is
    ("when I was pregnant my back hurt, now I am pregnant again", {"pregnancy"}),
    ("back pain during pregnancy", {"pregnancy"}),  # now, not a past one
    # a question asked after it is about something else
    ("I have a pacemaker and back spasms, is acupuncture safe?", {"pacemaker"}),
    ("on warfarin, can I have cupping?", {"bleeding-risk"}),
]


@pytest.mark.parametrize(("text", "codes"), CAUTION_TABLE, ids=[row[0] for row in CAUTION_TABLE])
def test_cautions_in_free_text_are_detected(text: str, codes: set[str]) -> None:
    screening = screen_text(text)
    assert screening.cautions == codes
    assert not screening.red_flags


@pytest.mark.parametrize("text", [
    "not pregnant", "I'm not on blood thinners", "no pacemaker", "no implants", "back pain after pregnancy",
    "I stopped taking warfarin", "my wife is pregnant", "I don't have any metal plates",
    "I'm expecting a call from my GP", "I'm expecting it to get better", "my friend had back surgery",
    "pins and needles in my leg",  # a tingling, not metalwork
    "I used to take warfarin years ago", "I was on warfarin until March", "I used to be on blood thinners",
    "I used a muscle stimulator in physio", "I use a TENS muscle stimulator",  # on the skin, not implanted
    "I was pregnant last year, back never recovered", "back pain during my last pregnancy",
])
def test_negated_or_someone_elses_cautions_do_not_count(text: str) -> None:
    screening = screen_text(text)
    assert screening.cautions == frozenset()
    assert screening.unclear == frozenset()


@pytest.mark.parametrize(("text", "code"), [
    ("I might be pregnant", "pregnancy"), ("I take aspirin", "bleeding-risk"),
    ("I had surgery on my spine last year", "implant"),  # it may have left screws or a cage
    ("is a pacemaker a problem for acupuncture?", "pacemaker"),  # the question is of it
])
def test_unsettled_cautions_are_unclear(text: str, code: str) -> None:
    screening = screen_text(text)
    assert screening.cautions == frozenset()
    assert screening.unclear_cautions == {code}


def test_every_signal_rule_uses_a_known_code() -> None:
    assert {r.code for r in SIGNAL_RULES} == set(RED_FLAGS) | set(CAUTIONS)



# --- Found by a probe of 337 phrasings (session 28): each row was misread before -------------

WORDS_PEOPLE_USE = [
    # bladder and bowel
    ("urinary retention since yesterday with back pain", {"bladder-bowel"}),
    ("I shat myself this morning and my back is agony", {"bladder-bowel"}),
    ("keep weeing myself since my back went", {"bladder-bowel"}),
    ("I never know when I need to pee anymore", {"bladder-bowel"}),
    # the saddle area
    ("no feeling in my vagina area and back pain", {"saddle-numbness"}),
    ("numbness in my penis and back pain", {"saddle-numbness"}),
    ("my testicles feel numb and my lower back hurts", {"saddle-numbness"}),
    ("I couldn't feel the toilet paper when I wiped this morning", {"saddle-numbness"}),
    ("can't feel myself when I wipe", {"saddle-numbness"}),
    ("zero feeling in my groin", {"saddle-numbness"}),
    ("haven't got any feeling down below", {"saddle-numbness"}),
    # the legs
    ("weakness in right leg getting worse", {"leg-weakness"}),
    ("getting weaker in both legs", {"leg-weakness"}),
    ("my legs won't hold me up anymore", {"leg-weakness"}),
    ("can't walk without my legs giving way", {"leg-weakness"}),  # "without" after "can't" states it
    ("I can't stand up without my legs buckling", {"leg-weakness"}),
    # cancer and weight
    ("mets to spine, looking for massage", {"cancer-history"}),
    ("I have secondaries in my bones and back pain", {"cancer-history"}),
    ("ca breast operated 2019, now lower back pain", {"cancer-history"}),
    ("weight has dropped a lot lately and I don't know why", {"weight-loss"}),
    ("I've lost about 6kg and I'm not really sure why, I haven't changed my diet", {"weight-loss"}),
    ("trouble starting to pee since this morning", {"bladder-bowel"}),  # hesitancy: retention beginning
]


@pytest.mark.parametrize(("text", "codes"), WORDS_PEOPLE_USE, ids=[row[0] for row in WORDS_PEOPLE_USE])
def test_red_flags_in_the_words_people_use_are_read(text: str, codes: set[str]) -> None:
    assert screen_text(text).red_flags == codes


NEGATION_BEFORE_AND = [
    # What follows "and" speaks of the seeker: stated, whatever the "no" before it denied.
    ("no fever and can't control my bladder, lower back pain", {"bladder-bowel"}, set()),
    ("no fever and numbness in my groin", {"saddle-numbness"}, set()),
    ("no fever and wet myself today", {"bladder-bowel"}, set()),
    # ...or says how the seeker is, which a "no" cannot deny.
    ("no weakness and incontinent since monday", {"bladder-bowel"}, set()),
    ("no fever and numb in the groin", {"saddle-numbness"}, set()),
    # Otherwise the "no" may deny both, or only the first: ask, never settle it as denied.
    ("no pain and weak legs", set(), {"leg-weakness"}),
    ("never had cancer and lost 10kg without trying", set(), {"weight-loss"}),
    ("not pregnant and on warfarin", set(), {"bleeding-risk"}),
]


@pytest.mark.parametrize(("text", "stated", "asked"), NEGATION_BEFORE_AND, ids=[r[0] for r in NEGATION_BEFORE_AND])
def test_a_no_before_and_never_silently_denies_what_follows(text: str, stated: set[str], asked: set[str]) -> None:
    screening = screen_text(text)
    assert screening.red_flags | screening.cautions == stated
    assert screening.unclear == asked


@pytest.mark.parametrize("text", [
    "Fever: no", "fever - no, numbness - no, bladder - fine", "fever no, weight loss no, just back pain",
    "Fever (no), numbness (no)", "h/o fever - nil, trauma - nil", "fever negative, back pain 3 weeks",
    "fever absent, weakness absent", "fever free now, just the back pain",
    "fever nahi hai, bas kamar dard", "koi fever nahi, bas back pain",  # Hindi "nahi" after the word
    "pregnant nahi hoon, kamar dard", "warfarin nahi leta, kamar dard",
    "Fever? No.", "fever? no. back pain for a week", "Any fever? No, just a stiff back",
])
def test_a_checklist_no_after_the_word_denies_it(text: str) -> None:
    screening = screen_text(text)
    assert not screening.red_flags and not screening.cautions and not screening.unclear


@pytest.mark.parametrize("text", [
    "had bladder issues years ago, fine now",
    "numb down there after a fall years ago, no problems since",
])
def test_a_symptom_long_over_raises_nothing(text: str) -> None:
    screening = screen_text(text)
    assert not screening.red_flags and not screening.unclear


@pytest.mark.parametrize(("text", "flags", "cautions"), [
    ("had cancer 5 years ago, fully recovered", {"cancer-history"}, set()),  # the history is the red flag
    ("hip replacement years ago, fine now", set(), {"implant"}),  # the implant is still there
    ("car accident yesterday, I'm fine now", {"major-trauma"}, set()),  # a fracture may not hurt yet
])
def test_what_stays_true_is_not_over(text: str, flags: set[str], cautions: set[str]) -> None:
    screening = screen_text(text)
    assert screening.red_flags == flags and screening.cautions == cautions


@pytest.mark.parametrize(("text", "code"), [
    ("my bladder is not normal since the back pain started", "bladder-bowel"),
    ("bladder not ok, back killing me", "bladder-bowel"),
])
def test_not_fine_is_not_fine(text: str, code: str) -> None:
    assert code in screen_text(text).unclear | screen_text(text).red_flags


@pytest.mark.parametrize("text", [
    "my toddler has a fever and I hurt my back carrying her",
    "my boyfriend has a fever, I have back pain from sleeping on the sofa",
    "my grandson fell off his bike yesterday and I hurt my back picking him up",
    "my girlfriend is pregnant and I hurt my back moving furniture",
    "hubby is on warfarin, I need a massage for my back",
    "I work as a chemo nurse and lift patients all day",
    "I'm an oncologist and my back aches from clinic",
    "I work in radiotherapy and stand all day",
    "falling down the rabbit hole of youtube back exercises today",
    "ICD 10 M54.5 low back pain referral",  # a diagnosis code, not a defibrillator
    "my son has a fever and my back hurts",  # a pain of the seeker's own: the search is theirs
    "my mum had breast cancer, I have back pain",
    "my dog has back pain and a fever",  # nobody's care sought here
    "my friend had back surgery",  # no pain told of: nobody's care sought
])
def test_words_about_someone_else_or_about_work_flag_nothing(text: str) -> None:
    screening = screen_text(text)
    assert not screening.red_flags and not screening.cautions


@pytest.mark.parametrize(("text", "code"), [
    ("my dad has lost control of his bladder and has back pain, need a physio for him", "bladder-bowel"),
    ("my mum can't feel her legs, need a physio for her", "leg-weakness"),
    # No "for him": every pain told of is another's, so the search is for them. These listed
    # bookable practitioners with nothing asked.
    ("my dad has back pain and a fever", "fever"),
    ("my dad's back pain and fever", "fever"),
    ("my mum has bad back pain and has lost weight without trying", "weight-loss"),
    ("my daughter can't control her bladder and has back pain", "bladder-bowel"),
    ("child with back pain and fever", "fever"),
    ("my son is stiff and sore after football, he has a fever", "fever"),
    ("elderly father with back pain, numbness between legs", "saddle-numbness"),
    ("my mum had breast cancer and now has back pain", "cancer-history"),  # her pain, her history
    ("my mum had cancer, has back pain now", "cancer-history"),
])
def test_care_sought_for_someone_else_screens_what_is_said_of_them(text: str, code: str) -> None:
    assert screen_text(text).red_flags == {code}


@pytest.mark.parametrize(("text", "code"), [
    ("kids physio for back pain after a fall", "major-trauma"),
    ("my 10 year old's back pain after a fall from a swing", "major-trauma"),
    ("I need a physio, my husband has sciatica and has been losing weight", "weight-loss"),
    # whose the back pain is, the words do not say: what is said of the other is asked about
    ("my dad can't move his legs, back pain", "leg-weakness"),
    ("back pain, my mum had cancer", "cancer-history"),
])
def test_what_is_unclear_of_the_one_cared_for_is_asked(text: str, code: str) -> None:
    assert code in screen_text(text).unclear and not screen_text(text).red_flags


@pytest.mark.parametrize("text", [
    "numbness between legs", "numb between her legs", "tingling between the legs",
])
def test_numbness_between_the_legs_however_written_is_a_red_flag(text: str) -> None:
    assert screen_text(text).red_flags == {"saddle-numbness"}


@pytest.mark.parametrize("text", [
    "back pain with high temprature", "back pain, tempreture of 39", "I feel a fevar and back pain", "bak pain fevr",
])
def test_a_fever_mistyped_is_a_red_flag(text: str) -> None:
    assert screen_text(text).red_flags == {"fever"}


@pytest.mark.parametrize(("text", "code"), [
    ("back pain and numbnes between my legs", "saddle-numbness"),
    ("numbess in groin", "saddle-numbness"),
    ("incontinance and back pain", "bladder-bowel"),
    ("cant controll my bladder, back pain", "bladder-bowel"),
    ("back pain, history of cancar", "cancer-history"),
    ("unexplianed weight loss and back pain", "weight-loss"),
    ("car acident yesterday back pain", "major-trauma"),
])
def test_a_red_flag_mistyped_is_read(text: str, code: str) -> None:
    """These stopped nothing and asked nothing: a word of the red flags one slip away."""
    assert screen_text(text).red_flags == {code}


@pytest.mark.parametrize(("text", "code"), [
    ("on warfrin, back pain", "bleeding-risk"), ("I have a pacemeker", "pacemaker"),
    ("I have a pace maker", "pacemaker"),
    ("pregnat and back pain", "pregnancy"), ("I had an implnt put in", "implant"),
])
def test_a_caution_mistyped_is_read(text: str, code: str) -> None:
    assert code in screen_text(text).cautions


@pytest.mark.parametrize(("text", "code"), [
    ("back pain and wieght loss", "weight-loss"),
    ("back pain after a serius fall", "major-trauma"),
    ("leg weekness and back pain", "leg-weakness"),
    # legs that will not move: weak, or held back by the pain?
    ("can't lift my leg above hip height, back pain", "leg-weakness"),
])
def test_a_mistyped_word_that_may_be_a_red_flag_is_asked_about(text: str, code: str) -> None:
    assert code in screen_text(text).unclear


@pytest.mark.parametrize("text", [
    # one slip from a word of the red flags, but English words: never mended into them
    "fewer spasms now, back better", "I had to cancel my trip, back pain", "groan when I bend, back pain",
    "weigh 80kg, back pain", "my legs hurt this week",
])
def test_ordinary_words_near_a_red_flag_raise_nothing(text: str) -> None:
    assert mend_typos(normalise(text)) == normalise(text)
    assert not screen_text(text).red_flags


@pytest.mark.parametrize("text", ["I am a temp worker with back pain", "no temprature, back pain"])
def test_a_temp_job_or_no_temperature_is_no_fever(text: str) -> None:
    assert "fever" not in screen_text(text).red_flags | screen_text(text).unclear


@pytest.mark.parametrize(("text", "code"), [
    # passing urine newly hard, told the other way round (these stopped nothing)
    ("lower back pain, peeing is difficult since yesterday", "bladder-bowel"),
    ("difficulty urinating and back pain", "bladder-bowel"),
    ("difficulty in passing urine, back ache", "bladder-bowel"),
    ("back pain, had an accident in my pants yesterday", "bladder-bowel"),  # no crash
    ("can't tell when I need the toilet, back pain", "bladder-bowel"),
])
def test_passing_urine_newly_hard_however_said_is_a_red_flag(text: str, code: str) -> None:
    assert screen_text(text).red_flags == {code}


@pytest.mark.parametrize(("text", "code"), [
    # a numb bottom is often long sitting, but may be the saddle area ("bum cheeks" are no face's)
    ("I've lost feeling in my bum cheeks, back pain", "saddle-numbness"),
    ("no feeling in my buttocks", "saddle-numbness"),
    # a fall told of someone else, with thin bones
    ("my mother is 80 and has osteoporosis, her back hurts after she fell", "major-trauma"),
    ("dad fell off a ladder, his back hurts", "major-trauma"),  # his pain: the search is for him
    ("my back hurts and I keep needing to pee but nothing comes", "bladder-bowel"),
])
def test_what_may_be_a_red_flag_told_in_other_words_is_asked(text: str, code: str) -> None:
    screening = screen_text(text)
    assert code in screening.unclear and not screening.red_flags


@pytest.mark.parametrize(("text", "codes"), [
    ("I'm 20 weeks and my back is killing me", {"pregnancy"}),
    ("I'm 30 wks and my pelvis hurts", {"pregnancy"}),
    ("preggers and my back is wrecked", {"pregnancy"}),
    ("im pregnent and have back pain", {"pregnancy"}),
    ("9 months along and back is agony", {"pregnancy"}),
    ("currently expecting our second, back is sore", {"pregnancy"}),
    ("we're expecting in june and my back hurts", {"pregnancy"}),
    ("having a baby in march, pelvic girdle pain", {"pregnancy"}),
    ("on acitrom, want cupping", {"bleeding-risk"}),
    ("taking acitrom for valve", {"bleeding-risk"}),
    ("on sintrom", {"bleeding-risk"}), ("on fragmin injections", {"bleeding-risk"}),
    ("taking tinzaparin", {"bleeding-risk"}), ("dalteparin injections after surgery", {"bleeding-risk"}),
    ("taking Effient after a heart attack", {"bleeding-risk"}), ("on a DOAC for AF", {"bleeding-risk"}),
    ("I'm on thinners for my heart", {"bleeding-risk"}),
    ("defib fitted 2 years ago", {"pacemaker"}), ("I have a pacer", {"pacemaker"}),
    ("SCS implanted last year", {"pacemaker"}), ("I've got a stimulator in my back for pain", {"pacemaker"}),
    ("implantable loop recorder in my chest", {"pacemaker"}),
    ("pedicle screws from L3 to S1", {"implant"}), ("metalwork in my back from a fusion", {"implant"}),
    ("L4-L5 fusion in 2018", {"implant"}),
])
def test_cautions_in_the_words_people_use_are_read(text: str, codes: set[str]) -> None:
    assert screen_text(text).cautions == codes


@pytest.mark.parametrize(("text", "codes"), [
    ("my leg went dead and I fell", {"leg-weakness", "major-trauma"}),  # how hard a fall was: ask
    ("I tripped and fell yesterday and now my lower back hurts", {"major-trauma"}),
    ("i think i have cauda equina syndrome", {"bladder-bowel", "saddle-numbness", "leg-weakness"}),
    ("having accidents, can't get to the loo in time, back pain", {"bladder-bowel"}),
    ("my bump is making my back ache", {"pregnancy"}),
    ("I have a clotting problem", {"bleeding-risk"}), ("on ecosprin 75 and back pain", {"bleeding-risk"}),
    ("I have a heart device fitted", {"pacemaker"}),
    ("prenatal massage for my lower back", {"pregnancy"}),
])
def test_words_that_may_mean_a_red_flag_or_a_caution_ask(text: str, codes: set[str]) -> None:
    screening = screen_text(text)
    assert codes <= screening.unclear and not screening.red_flags


def test_hot_baths_are_no_fever_but_tripping_over_a_foot_asks_about_weakness() -> None:
    assert "fever" not in screen_text("I feel hot baths help my back").unclear
    assert "leg-weakness" in screen_text("tripping over my own foot since the sciatica").unclear


@pytest.mark.parametrize("text", ["I fell asleep on the sofa and woke up stiff", "I fell behind on my exercises"])
def test_falling_asleep_or_behind_is_not_a_fall(text: str) -> None:
    assert "major-trauma" not in screen_text(text).unclear



# --- Found by a probe of 316 phrasings of what hurts (session 28) ------------------------------

SAID_OTHERWISE = [
    ("shoulder spasm", "neck-shoulder-tension"), ("spasm in my shoulder", "neck-shoulder-tension"),
    ("spasm in my leg", "sports-injury"),  # a leg's spasm is not the back's
    ("upper back pain for months", "upper-back-pain"), ("chronic upper back pain", "upper-back-pain"),
    ("cervical radiculopathy", "neck-shoulder-tension"), ("cervical problem", "neck-shoulder-tension"),
    ("kandhon mein dard", "neck-shoulder-tension"),
    ("symphysis pubis dysfunction", "pregnancy-postnatal-back-pain"),
    ("PIVD", "disc-related-pain"),
    ("kamar me jhatka lag gaya", "back-spasm"), ("kamar lachak gayi", "back-spasm"),
    ("my waist is paining since 1 week", "chronic-low-back-pain"),
    ("back pian", "chronic-low-back-pain"), ("backpain", "chronic-low-back-pain"),
    ("lowerback pain", "chronic-low-back-pain"), ("chronic lbp", "chronic-low-back-pain"),
    ("neckpain", "neck-shoulder-tension"), ("back spams", "back-spasm"),
    # short parts mistyped, beside a word that makes them the part (session 31)
    ("bak pain", "chronic-low-back-pain"), ("bak pain after lifting", "back-spasm"),
    ("lower bck ache", "chronic-low-back-pain"), ("my nek hurts", "neck-shoulder-tension"),
    ("nek pain from my desk", "neck-shoulder-tension"),
    ("back twinge", "back-spasm"), ("my back gave way", "back-spasm"), ("DDD", "disc-related-pain"),
    ("neurogenic claudication", "disc-related-pain"),
    ("yoga for my back", "chronic-low-back-pain"), ("pilates for back", "chronic-low-back-pain"),
]


@pytest.mark.parametrize("text", ["pack pain", "lack of pain", "bak bak mat karo"])
def test_a_short_word_is_not_taken_for_a_mistyped_part(text: str) -> None:
    """Only beside a word that makes it the body part is a short word read as one mistyped:
    "pack" and "lack" stay what they are, and Hindi's "bak bak" (chatter) is no back."""
    assert "chronic-low-back-pain" not in {m.slug for m in MATCHER.match(text)}
    assert "back-spasm" not in {m.slug for m in MATCHER.match(text)}


@pytest.mark.parametrize(("text", "first"), SAID_OTHERWISE, ids=[row[0] for row in SAID_OTHERWISE])
def test_what_hurts_said_as_people_say_it_is_read(text: str, first: str) -> None:
    assert [m.slug for m in MATCHER.match(text)][:1] == [first]


@pytest.mark.parametrize(("text", "slugs"), [
    ("back pain after delivery", {"pregnancy-postnatal-back-pain"}),
    ("sciatica since delivery", {"sciatica", "pregnancy-postnatal-back-pain"}),
    ("post partum sciatica", {"sciatica", "pregnancy-postnatal-back-pain"}),
    ("lumbar region pain radiating to right lower limb", {"chronic-low-back-pain", "sciatica"}),
])
def test_both_concerns_said_are_read(text: str, slugs: set[str]) -> None:
    assert slugs <= {m.slug for m in MATCHER.match(text)}


@pytest.mark.parametrize(("text", "slugs"), [
    ("my boss is a pain in the neck and my lower back aches", ["chronic-low-back-pain"]),  # the idiom
    ("period cramps and lower back pain", ["chronic-low-back-pain"]),  # the period's cramps, not the back's
    ("back pain after delivery work", ["chronic-low-back-pain", "back-spasm"]),  # a delivery driver's
])
def test_words_about_something_else_are_no_concern(text: str, slugs: list[str]) -> None:
    assert [m.slug for m in MATCHER.match(text)] == slugs


@pytest.mark.parametrize("text", ["my back for a week", "I was in hospital last week for my back"])
def test_time_words_do_not_steer_the_suggestions(text: str) -> None:
    """"week" is shared only with "weeks pregnant": it put pregnancy first."""
    assert MATCHER.suggest(text)[0].slug in {"back-spasm", "chronic-low-back-pain"}


def test_an_operation_is_no_birth() -> None:
    """"Post surgery" shared only "post" with "post natal": pregnancy was offered first."""
    assert "pregnancy-postnatal-back-pain" not in {s.slug for s in MATCHER.suggest("post surgery rehab, spinal fusion")}
    assert MATCHER.suggest("post surgery rehab, spinal fusion")[0].slug == "disc-related-pain"


@pytest.mark.parametrize(("text", "code"), [
    ("dolor de espalda y fiebre", "fever"),  # Spanish
    ("mal au dos et de la fièvre", "fever"),  # French, with its accent
    ("ból pleców i gorączka", "fever"),  # Polish
    ("Rückenschmerzen und Fieber", "fever"),  # German
    ("dolor lumbar y problemas de vejiga", "bladder-bowel"),
    ("mal au dos, chute hier", "major-trauma"),
])
def test_a_red_flag_topic_in_another_european_language_asks(text: str, code: str) -> None:
    """Latin letters are read as English, so these passed silent: now the topic is asked."""
    screening = screen_text(text)
    assert code in screening.unclear_red_flags and not screening.red_flags
