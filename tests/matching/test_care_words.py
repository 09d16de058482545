"""Spec: a therapy, a kind of place, a way of being seen (online, in person), a language or
a town named in the seeker's own words narrows the search to it, only when the text asks for it and for
nothing else. Pure tests: no app, no database."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from marketplace.matching.phrases import MODALITY_NAMES, TECHNIQUE_MODALITY, TECHNIQUE_NAMES
from marketplace.matching.care_words import (
    LANGUAGES, MODE_VOCABULARY, MODE_WORDS, NOT_A_SESSION, NOT_CARE_ASKED, THERAPY_WORDS, VENUE_VOCABULARY, VENUE_WORDS,
    as_written, asked_budget, asked_language, asked_mode, asked_place, asked_radius, read_mentions, refused_doings,
    therapy_words, unmet_wishes,
)
from marketplace.geo.gazetteer import OfflineGazetteer
from marketplace.matching.understanding import normalise
from marketplace.practitioners.models import VenueType

NAMES = {**TECHNIQUE_NAMES, **MODALITY_NAMES}
WORDS = therapy_words(NAMES, NAMES)


def narrowed(text: str) -> str | None:
    found = read_mentions(text, WORDS, NOT_CARE_ASKED).narrowing(TECHNIQUE_MODALITY)
    return found.slug if found else None


@pytest.mark.parametrize(("text", "slug"), [
    ("physio for sciatica", "physiotherapy"),
    ("physiotherapists near me", "physiotherapy"),
    ("physical therapy for my lower back", "physiotherapy"),
    ("acupuncture for back pain", "acupuncture"),
    ("I want to try acupuncture", "acupuncture"),
    ("ayurvedic doctor for back pain", "ayurveda"),
    ("I'd like a massage for my back", "massage"),
    ("chiropractor", "chiropractic"),
    ("yoga for back pain", "yoga-pilates"),
    ("cupping for shoulder pain", "cupping"),
    # a technique, named by its curated words or by its name in the taxonomy
    ("I'd like a deep tissue massage", "deep-tissue-massage"),
    # ...with the kind of care it is: one therapy, not two that disagree
    ("abhyanga massage for my back", "abhyanga"), ("shiatsu massage", "shiatsu"),
    ("trigger-point needling for my glutes", "dry-needling"),
    ("Kati Basti for lower back pain", "kati-basti"),
    ("sore after the gym, need a sports massage", "sports-massage"),
    ("prenatal massage at 20 weeks", "prenatal-massage"),
    # Hindi, in Latin letters or in Devanagari
    ("kamar dard ke liye maalish", "massage"),
    ("मालिश चाहिए, कमर में दर्द है", "massage"),
    ("ayurvedik ilaj", "ayurveda"),
    ("फिजियो चाहिए", "physiotherapy"),
    # mistyped as seekers type them
    ("accupuncture for back pain", "acupuncture"), ("physiotherepy for my neck", "physiotherapy"),
    ("chiropracter for back", "chiropractic"), ("massge for back spasm", "massage"),
    ("fisio for sciatica", "physiotherapy"),
    ("need an ayurvedic massage in Kochi", "abhyanga"),  # Ayurveda's warm-oil massage, not two therapies
    # a modality and one of its techniques: the modality
    ("acupuncture with dry needling", "acupuncture"),
    # what was had belongs to its own clause
    ("I had a car accident last year and now I need a physio", "physiotherapy"),
    # the complaint is not the therapy: "I'm scared of needles" names none
    ("I'm scared of needles, I want a massage", "massage"),
    # one turned down beside the one asked for: the one asked for
    ("hijama for back pain", "cupping"), ("panchakarma for back pain", "ayurveda"),
    # treatments as seekers name them: Kerala's Ayurveda, a physiotherapist's own
    ("shirodhara and pizhichil for back pain in Kochi", "ayurveda"), ("njavara kizhi for stiff back", "ayurveda"),
    ("naturopathy for sciatica", "herbal-naturopathy-care"),
    ("IFT and ultrasound therapy for back pain", "physiotherapy"),
    ("kinesio taping for my lower back", "physiotherapy"), ("McKenzie exercises for a disc bulge", "physiotherapy"),
    ("physio, not massage", "physiotherapy"),
    ("cupping is better than acupuncture for me", "cupping"),  # no question: a preference
    ("not looking for massage, need physio", "physiotherapy"),
    ("acupuncture didn't help my neck pain, want to try cupping", "cupping"),
    ("tried massage for months, now want acupuncture", "acupuncture"),
    ("acupuncture was no help, want to try cupping", "cupping"),
])
def test_a_therapy_asked_for_by_name_narrows_to_it(text: str, slug: str) -> None:
    assert narrowed(text) == slug


@pytest.mark.parametrize("text", [
    "tried physio, it didn't help",
    "physio didn't help my sciatica",
    "acupuncture made it worse",
    "physio was of no use", "the massage was useless", "chiropractor did nothing for me",
    "not acupuncture please",
    "I hate acupuncture",
    "anything but acupuncture",
    "anything except chiropractic", "not sure about acupuncture or cupping",
    "I'm afraid of dry needling",
    "not sure about acupuncture",
    "maybe massage",
    "acupuncture or physio",  # two therapies: the seeker has not chosen
    "malish nahi chahiye",  # Hindi: no massage, please
    "फिजियो से फायदा नहीं हुआ",  # Hindi: physio did not help
    "my lower back locked up when I lifted a box",  # no therapy named
    # the seeker's work, or what brought the pain on
    "I'm a physio with my own back pain", "I am a massage therapist and my wrists and neck hurt",
    "I teach yoga and have sciatica", "yoga made my back pain worse", "back pain after yoga class",
    "send me a message, my back hurts",  # a word, not a mistyped massage
    "trigger points in my shoulders",  # knots, treated by hand as well as by needle
])
def test_a_therapy_turned_down_doubted_or_one_of_several_narrows_nothing(text: str) -> None:
    assert narrowed(text) is None


@pytest.mark.parametrize(("text", "slugs", "together"), [
    # a question comparing them asks of both ("than" otherwise turns one down: "rather than")
    ("is cupping better than acupuncture", ["cupping", "acupuncture"], False),
    ("is acupuncture more effective than physio for sciatica?", ["acupuncture", "physiotherapy"], False),
    # unsure which: a choice between them, not a doubt of either
    ("not sure if I need a physio or a chiropractor", ["physiotherapy", "chiropractic"], False),
    ("acupuncture or physio", ["acupuncture", "physiotherapy"], False),
    ("cupping and massage for my back", ["cupping", "massage"], False),
    ("chiropractor vs physio for sciatica?", ["chiropractic", "physiotherapy"], False),
    ("acupuncture + cupping + physiotherapy package", ["acupuncture", "cupping", "physiotherapy"], False),
    # a modality with its own techniques is one therapy
    ("a massage, deep tissue or sports, or acupuncture", ["massage", "acupuncture"], False),
    # asked of one practitioner
    ("a physio who does dry needling", ["physiotherapy", "dry-needling"], True),
    ("physio with dry needling", ["physiotherapy", "dry-needling"], True),
    ("dry needling with a physio", ["dry-needling", "physiotherapy"], True),
    ("an acupuncturist that does cupping too", ["acupuncture", "cupping"], True),
    ("physiotherapist trained in acupuncture", ["physiotherapy", "acupuncture"], True),
    ("dry needling by a physio", ["dry-needling", "physiotherapy"], True),
    ("does anyone do cupping alongside acupuncture", ["cupping", "acupuncture"], True),
    ("acupuncture w/ cupping", ["acupuncture", "cupping"], True),
    ("a physio who speaks Hindi and does dry needling", ["physiotherapy", "dry-needling"], True),
    ("a physio that does home visits and massage", ["physiotherapy", "massage"], False),
    ("a physio who is nice. I also do massage", ["physiotherapy", "massage"], False),
    ("physio ke saath dry needling chahiye", ["physiotherapy", "dry-needling"], True),
    ("kamar dard ke liye physio ya massage", ["physiotherapy", "massage"], False),
    # a third set beside them: any will do
    ("a physio who does dry needling, or a massage", ["physiotherapy", "dry-needling", "massage"], False),
    ("massage and also physio", ["massage", "physiotherapy"], False),
    # one asked for, one turned down or had: one
    ("physio, not massage", ["physiotherapy"], False),
    ("tried massage for months, now want acupuncture", ["acupuncture"], False),
    ("physio didn't help my sciatica", [], False),
])
def test_every_therapy_asked_for_and_whether_of_one_practitioner(text: str, slugs: list[str], together: bool) -> None:
    reading = read_mentions(text, WORDS, NOT_CARE_ASKED)
    assert [m.slug for m in reading.narrowings(TECHNIQUE_MODALITY)] == slugs
    assert reading.together(TECHNIQUE_MODALITY) is together


def test_only_active_terms_are_read_and_admins_names_count() -> None:
    words = therapy_words({**NAMES, "reiki": "Reiki (energy healing)"}, set(NAMES) - {"chiropractic"} | {"reiki"})
    assert read_mentions("a reiki session", words).narrowing(TECHNIQUE_MODALITY).slug == "reiki"
    assert read_mentions("a chiropractor", words).mentions == ()


def test_every_curated_word_names_a_seeded_term() -> None:
    assert set(THERAPY_WORDS.values()) <= set(NAMES)


@pytest.mark.parametrize(("text", "venue"), [
    ("physio home visit for my back", "home_visit"),
    ("can a massage therapist come to my house", "home_visit"),
    ("physiotherapy at home in Pune", "home_visit"),
    ("a spa massage for stress", "wellness_spa"),
    ("an ayurvedic retreat for my back", "retreat"),
    ("ghar aakar malish kar sakte hain?", "home_visit"),  # Hindi: can you come home and massage?
    ("kamar dard, ghar par ilaj chahiye", "home_visit"),  # Hindi: back pain, treatment at home wanted
    ("gardan dard ke liye physio ghar par", "home_visit"),  # physio at home, for neck pain
    ("physio ghar par chahiye", "home_visit"),
    ("physio chahiye ghar pe, gurgaon", "home_visit"),  # "wanted" between
    ("treatment at my home in Pune", "home_visit"),
    ("Looking for someone who can come home.", "home_visit"), ("a physio to come home for my father", "home_visit"),
])
def test_a_kind_of_place_asked_for_narrows_to_it(text: str, venue: str) -> None:
    found = read_mentions(text, VENUE_VOCABULARY).narrowing()
    assert found is not None and found.slug == venue


@pytest.mark.parametrize("text", [
    "I work at home and my back hurts",  # where they work, not where they want care
    "back pain since I was in hospital",
    "when I come home from work my neck is stiff",
    "no home visits please",
    "I went to a spa and my back got worse",
])
def test_a_place_told_of_or_turned_down_narrows_nothing(text: str) -> None:
    assert read_mentions(text, VENUE_VOCABULARY).narrowing() is None


def test_every_curated_place_word_is_a_kind_of_place() -> None:
    assert set(VENUE_WORDS.values()) <= {v.value for v in VenueType}


def mode_read(text: str) -> str | None:
    found = asked_mode(text)
    return found.slug if found else None


@pytest.mark.parametrize(("text", "mode"), [
    ("online physio for my back", "online"),
    ("physio online for sciatica", "online"),
    ("looking for an online ayurvedic doctor", "online"),
    ("can I book an online session for my neck", "online"),
    ("a video call with a physio", "online"),
    ("teleconsultation for back pain", "online"),
    ("I live abroad and need an online consultation", "online"),
    ("I want to see someone in person", "in_person"),
    ("face-to-face physio for my back", "in_person"),
    ("offline consultation in Pune", "in_person"),  # Indian English for in person
    ("physio near me for sciatica", "in_person"),  # somewhere to go
    ("is there an acupuncturist in my area", "in_person"),
    ("not online, want to see someone in person", "in_person"),  # one turned down, the other asked
    ("dont want video call, need face to face physio", "in_person"),
    # one way turned down asks for the other (an online list would answer "no online" with it)
    ("not online please", "in_person"), ("no online sessions please, physio Pune", "in_person"),
    ("don't want an online consultation", "in_person"),
    ("online or video call physio", "online"),  # two words for one way
])
def test_a_way_of_being_seen_asked_for_is_read(text: str, mode: str) -> None:
    assert mode_read(text) == mode


@pytest.mark.parametrize("text", [
    "I read online that acupuncture helps sciatica",  # where they read it
    "can I book online?",  # booking on the site, not a video session
    "I paid online for physio last time",
    "online classes all day and my back hurts",  # what they do all day
    "I teach yoga online and my back hurts",
    "I work online all day, stiff neck",
    "zoom meetings all day and neck pain",
    "tried online sessions, they didn't help",  # told of: no way asked for
    "online or in person, either is fine",  # both
    "online or near me",
    "physio in Bangalore or online",  # either way
    "my physio is not online, need another in Leeds",  # told of, not turned down
    "no online booking? physio Leeds",  # booking on the site
    "the pain is near my hip",  # where it hurts, not where to go
])
def test_online_about_something_else_or_turned_down_reads_no_mode(text: str) -> None:
    assert mode_read(text) is None


def test_every_curated_mode_word_is_a_mode() -> None:
    assert set(MODE_WORDS.values()) == {"online", "in_person"}


@pytest.mark.parametrize(("text", "language"), [
    ("a Tamil-speaking physio for my back", "Tamil"),
    ("physio who speaks Hindi", "Hindi"),
    ("a consultation in Bengali please", "Bengali"),
    ("my mother only speaks Gujarati, she has sciatica", "Gujarati"),
    ("hindi mein baat karne wala doctor", "Hindi"),  # Hindi: a doctor who talks in Hindi
    ("marathi bolne wale physio", "Marathi"),  # Hindi: a physio who speaks Marathi
])
def test_a_language_asked_for_is_read(text: str, language: str) -> None:
    found = asked_language(text)
    assert found is not None and found.slug == language


@pytest.mark.parametrize("text", [
    "I live in Tamil Nadu and my back hurts",  # a place
    "Hindi or English speaking physio",  # either: the seeker has not chosen
    "I speak English and Hindi",
    "a physio in Hindi or English",
    "doesn't need to speak Hindi",  # turned down
    "Tamil physio",  # who they are, perhaps; not how they ask to be spoken to
    "back pain since my English class",
])
def test_a_language_not_asked_for_or_one_of_several_reads_none(text: str) -> None:
    assert asked_language(text) is None


def test_every_language_is_one_word_a_practitioner_would_list() -> None:
    assert all(language.isalpha() and language.istitle() for language in LANGUAGES)


def place_read(text: str) -> str | None:
    """The town to search near."""
    gazetteer = OfflineGazetteer()
    found = asked_place(text, gazetteer.population_named, gazetteer.area_named, gazetteer.misspelt_town,
                        gazetteer.plain_town_population, gazetteer.town_in_area)
    return found.name if found and not found.undecided else None


@pytest.mark.parametrize(("text", "place"), [
    ("a physio in Pune for sciatica", "Pune"),
    ("physio in pune", "pune"),  # a big town, in lower case
    # a town of 100,000 or more in lower case, ending the words or after the care wanted,
    # by a name that is no word ("reading" is one)
    ("physio leeds", "leeds"), ("gentle massage, cardiff", "cardiff"), ("physio leeds for back pain", "leeds"),
    ("Leeds", "Leeds"), ("physio mysore", "mysore"),  # (the city's former name, as seekers write it)
    # after "in" or "near", a part of a big city the map knows, by its own name
    ("physio in ealing", "ealing"), ("physio near clapham for sciatica", "clapham"),
    # "without" or "no" turns down what follows it, not the town
    ("sciatica treatment without surgery in kolkata", "kolkata"), ("treatment with no surgery near Pune", "Pune"),
    ("physio near Indiranagar metro", "Indiranagar"),  # a station, not Metro, Indonesia (the map lacks both)
    # a town with its state or country written out in lower case: that town
    ("physio in perth scotland", "perth scotland"), ("massage in hyderabad pakistan", "hyderabad pakistan"),
    ("acupuncture near Camden Town", "Camden Town"),
    ("physio in Reading", "Reading"),  # with a capital, the town
    ("back pain in London", "London"),
    ("physio in Delhi NCR", "Delhi NCR"),
    ("sciatica, physio in Koramangala, Bangalore", "Koramangala, Bangalore"),  # a neighbourhood, then its town
    ("in pain, in Pune", "Pune"),
    ("physio in Stoke-on-Trent", "Stoke-on-Trent"),  # "on" inside a name
    ("physio in Burton upon Trent", "Burton upon Trent"),
    ("physio in Whitefield Bangalore", "Whitefield Bangalore"),  # a neighbourhood, then its town, no comma
    # ...with a comma, though England has a Whitefield and Virginia a bigger Richmond
    ("physio in Whitefield, Bangalore", "Whitefield, Bangalore"), ("physio in Richmond, London", "Richmond, London"),
    ("physio near Victoria station, London", "Victoria station, London"),  # a station, not Victoria, Canada
    ("physio in Pune, Mumbai is too far", "Pune"),  # a city as big: another town
    ("physio in London Ontario", "London Ontario"),  # a town, then where it is
    # someone's, not a town ("her" is one of Heraklion's names)
    ("my mom has arthritis in her lower back, home visit physio Delhi", "Delhi"),
    ("osteopath London for sciatica", "London"),  # after a therapy not listed here, too
    ("physio in Mt. Abu", "Mt. Abu"),  # not Abu, elsewhere; as written
    ("physio near St.Albans", "St. Albans"),
    ("online, a Mumbai-based ayurvedic doctor", "Mumbai"), ("Leeds based physio for sciatica", "Leeds"),
    # where the seeker says they are, when no town follows "in" or "near"
    ("I am from Chennai, need a physio for back pain", "Chennai"), ("im from pune need massage", "pune"),
    ("based out of Pune, physio needed", "Pune"), ("I'm writing from Mumbai, need physio", "Mumbai"),
    ("I am from Chennai, physio in Mumbai", "Mumbai"), ("I'm from Chennai but live in London", "London"),
    # where the seeker works: when no other town is asked for, or when care is wanted near work
    ("I work in Mumbai, need a physio for back pain", "Mumbai"),
    ("physio available online from Dubai", "Dubai"),  # online: the country whose practitioners come first
    ("I live in Pune but work in Mumbai, physio near my office", "Mumbai"),
    ("I live in Pune but work in Mumbai", "Pune"), ("I work in IT, physio in Pune", "Pune"),
    # keywords: the care, the town, what hurts
    ("acupuncture London sciatica", "London"), ("massage Pune neck pain", "Pune"),
    # Hindi script: the town as written, which the map knows ("lakhnau", its Latin
    # spelling here, it does not)
    ("कमर दर्द, लखनऊ में फिजियो", "लखनऊ"), ("बेंगलुरु में कमर दर्द का इलाज", "बेंगलुरु"),
    ("मुंबई के पास फिजियो", "मुंबई"), ("kamar dard, लखनऊ mein physio", "लखनऊ"),
    # ending the words, after what is wanted, without "in"
    ("sciatica Bengaluru", "Bengaluru"),
    ("slipped disc physiotherapy home visit Pune", "Pune"),
    ("massage therapist Leeds.", "Leeds"),
    # a city of a million, then a part of it or its state: all of it, not the last words
    ("physio Chennai Anna Nagar", "Chennai Anna Nagar"), ("sciatica Delhi Dwarka", "Delhi Dwarka"),
    ("back pain, Bangalore Whitefield", "Bangalore Whitefield"), ("physio Pune Maharashtra", "Pune Maharashtra"),
    ("back pain London Ontario", "London Ontario"),  # not Ontario, California
    # right after the care wanted, mid-sentence (in lower case, a city of a million)
    ("looking for physio mumbai for back pain", "mumbai"), ("massage Leeds please, stiff neck", "Leeds"),
    ("need a physio delhi who does home visits", "delhi"),
    ("physio Chennai Anna Nagar for sciatica", "Chennai Anna Nagar"),
    ("back pain mumbai", "mumbai"),  # a city of millions, in lower case
    ("BACK PAIN LONDON", "LONDON"),
    ("BACK SPASM LONDON URGENT", "LONDON"), ("massage Leeds thanks", "Leeds"),  # words of asking after it
    # a part of a town the map lacks, then the town, without a comma: all of it, for the geocoder
    ("physio in Viman Nagar Pune", "Viman Nagar Pune"), ("back pain near MG Road Bangalore", "MG Road Bangalore"),
    ("physio in south Delhi for back pain", "south Delhi"),  # a side of the town, then the town
    # ...in lower case too (what hurts or a language before the town is no part of it)
    ("physio in bandra west mumbai", "bandra west mumbai"),
    ("physio in koramangala bangalore", "koramangala bangalore"),
    ("pain in lower back mumbai", "mumbai"), ("consultation in hindi mumbai", "mumbai"),
    # a town, then its postcode, ending the words: both, for a geocoder that places postcodes
    ("back pain, Leeds LS6", "Leeds LS6"), ("massage Mumbai 400050", "Mumbai 400050"),
    ("physio Leeds LS6 3AB", "Leeds LS6 3AB"), ("physio in London SW19", "London SW19"),  # ...or after "in"
    ("physio in Leeds LS6 3AB, for sciatica", "Leeds LS6 3AB"),
    ("desk job neck and shoulder pain, Bangalore", "Bangalore"),  # after a comma
    ("Pune", "Pune"),  # the whole text: a big city typed in the one box
    # after a specialist or an expert, "in" a town is where
    ("back pain specialist in Pune", "Pune"), ("neck pain expert in Chennai", "Chennai"),
    # a city of a million first, or set apart by commas or dashes
    ("Bangalore, back pain", "Bangalore"), ("Delhi - sciatica - physio", "Delhi"),
    ("back pain, Mumbai, female physio, under 1000", "Mumbai"),
    # ...or further in, a town of 100,000 with a capital set apart after what is wanted
    ("sciatica down my left leg, Bristol, prefer a woman", "Bristol"), ("neck pain, Reading, weekends", "Reading"),
    ("Bristol, back pain", "Bristol"), ("Richmond, Virginia, back pain", "Richmond, Virginia"),
    # ending the words after a little word and a comma (Hindi "se", from; "near me")
    ("gardan mein akdan hai office ke kaam se, Noida", "Noida"), ("a physio near me, Leeds", "Leeds"),
    # a city of a million mistyped after "in" or "near"
    ("lower back pain in banglore", "Bangalore"), ("sciatica near mumbia", "Mumbai"),
    ("massage in lonodn please", "London"), ("physio near Hyderbad for sciatica", "Hyderabad"),
    # ...or of 500,000 with two letters swapped, the likeliest slip
    ("lower back pain treatment in gurgoan", "Gurgaon"), ("physio near leesd", "Leeds"),
    # Hindi "mein" (in) after the town
    ("kamar dard ka ilaj delhi mein", "delhi"),
    ("koi physio batao noida sector 62 ke paas", "noida"),  # a numbered part of the town before "near"
    # ...as it is also typed, and "ke paas" (near)
    ("Pune me massage", "Pune"), ("bangalore mai physiotherapist", "bangalore"), ("mumbai ke paas physio", "mumbai"),
    # a numbered part of a town, then the town (it was the hamlet called Sector, near Noida)
    ("physio in Sector 62, Noida", "Sector 62, Noida"), ("physio in Sector 14 Gurgaon", "Sector 14 Gurgaon"),
    ("physio in DLF Phase 3, Gurgaon", "DLF Phase 3, Gurgaon"),
    ("physio near HSR Layout Sector 2, Bangalore", "HSR Layout Sector 2, Bangalore"),
    ("physio in Koramangala 5th Block, Bangalore", "Koramangala 5th Block, Bangalore"),
    ("physio Noida sector 62", "Noida"),  # ending the words: the town, then where in it
    ("physio Sector 62, Noida", "Noida"), ("physio sector 62 Noida", "Noida"),  # ...or where in it, then the town
    # a town, then its state or country (Victoria was Hong Kong's, Cambridge England's)
    ("physio near Victoria, BC", "Victoria, BC"), ("physio in Cambridge, MA", "Cambridge, MA"),
    ("physio in Perth, Scotland", "Perth, Scotland"), ("physio in London, Ontario for sciatica", "London, Ontario"),
    ("back pain physio Portland Oregon", "Portland Oregon"), ("sciatica, Kochi, Kerala, India", "Kochi, Kerala, India"),
    ("physio in Delhi, India", "Delhi, India"), ("physio New Delhi", "New Delhi"),  # a town's whole name
    # ...in lower case after a town ending the words
    ("upper back tension, massage, austin texas", "austin texas"), ("physio portland oregon", "portland oregon"),
    # "St." before a name, "the" before it, a town's part ("St" was read, or nothing)
    ("physio in St. Louis", "St. Louis"), ("physio in the Bronx", "Bronx"), ("physio in the Hague", "Hague"),
    ("physio in Mumbai's suburbs", "Mumbai"), ("physio in Mumbai’s western suburbs", "Mumbai"),
    ("physio near King's Cross", "King's Cross"), ("physio in King's Lynn", "King's Lynn"),
    # not "San Francisco Bay" (Bay, Romania): the whole, which the map places in San Francisco
    ("acupuncture in San Francisco Bay Area", "San Francisco Bay Area"),
    ("physio Leeds city centre", "Leeds"), ("massage Sydney CBD", "Sydney"),  # the middle of a town
    # a smaller town in lower case after "near", by its own name that is no English word
    ("massage near harrogate", "harrogate"), ("physio near kettering please", "kettering"),
    ("near crewe, sciatica", "crewe"),
    # keywords run on: the town between what is wanted and another wish
    ("back pain mumbai female physio", "mumbai"), ("physio mumbai hindi speaking", "mumbai"),
    ("slipped disc mumbai hindi speaking", "mumbai"), ("back pain Leeds female physio", "Leeds"),
    ("sciatica london online", "london"), ("lower back pain bangalore kannada speaking physio", "bangalore"),
    # where it hurts after "in" is no part of the town after it
    ("sciatica numbness in foot, delhi", "delhi"), ("pain in lower back, London", "London"),
    # a landmark named after a town, then the town it is in
    ("physio near Phoenix Mall, Chennai", "Phoenix Mall, Chennai"), ("physio near Phoenix Mall Chennai",
                                                                    "Phoenix Mall Chennai"),
    ("physio near Liverpool Street station, London", "Liverpool Street station, London"),
    ("physio in the Bay Area", "Bay Area"),
    # a state's code in lower case after a town in that state ("cambridge ma" was Cambridge,
    # England; "physio austin tx" read nothing)
    ("physio in cambridge ma", "cambridge ma"), ("physio austin tx", "austin tx"),
    ("back pain physio springfield il", "springfield il"), ("physio in pune, mh for sciatica", "pune, mh"),
    ("physio in columbus oh", "columbus oh"),
    # ...not a little word ("or", "on"), nor a code of a state the town is not in, nor one
    # before more words
    ("massage in portland or", "portland"), ("physio in london on", "london"), ("physio in mumbai ma", "mumbai"),
    ("physio in austin tx on monday", "austin"),
    ("physio austin tx female", "austin tx"), ("back pain Cambridge MA female physio", "Cambridge MA"),  # keywords
    # "close to", "next to" as "near" (nothing was read)
    ("a physio closest to Leeds please", "Leeds"), ("physio close to leeds for sciatica", "leeds"),
])
def test_a_town_asked_for_is_read(text: str, place: str) -> None:
    assert place_read(text) == place


@pytest.mark.parametrize(("text", "words"), [
    ("kamar dard ka ilaj delhi mein", "delhi mein"), ("mumbai ke paas physio", "mumbai ke paas"),
    ("मुंबई के पास फिजियो", "मुंबई के पास"), ("physio in banglore", "in banglore"),
    ("online physio from the UK", "from the UK"), ("I'm from Chennai, need a physio", "I'm from Chennai"),
    ("a physio close to Leeds please", "close to Leeds"),
    ("massage next to Victoria Station", "next to Victoria Station"),
])
def test_the_words_a_town_was_read_from_are_echoed_as_written(text: str, words: str) -> None:
    """What the page quotes ("as you wrote …"): Hindi "mein" (in) and "ke paas" (near) with
    the town, as "in" is in English; before, "delhi" alone."""
    gazetteer = OfflineGazetteer()
    assert asked_place(text, gazetteer.population_named, gazetteer.area_named, gazetteer.misspelt_town,
                        gazetteer.plain_town_population, gazetteer.town_in_area).words == words


@pytest.mark.parametrize("text", [
    "back pain in bed",  # Bed is a town in Gujarat
    "pain in reading",  # and "reading" one in England
    "in March my back went",
    "lower back pain in the morning",
    "a physio in my area",
    "consultation in Hindi",  # a language (and a name of Mariupol)
    "acupuncture near camden town",  # a small town, in lower case: not sure enough
    "I was in Delhi last month and now my back hurts",  # told of, not asked for
    "not in Pune please",
    "physio reading for back pain",  # a small town in lower case, after the care
    "physio mumbai or pune for back pain",  # either
    "I tried a physio mumbai for back pain last year",  # told of
    "pain in my hip",
    "physio in Bangalore or Mumbai",  # either: the seeker has not chosen
    "physio in Pune and Mumbai",
    "a physio trained in Shiatsu",  # a field, not a place (and a name nowhere on the map)
    "experienced in Tui Na",  # Tui is a town somewhere
    "I work in Sales and my back hurts",
    # ending the words without "in": not after a word that makes it something else
    # a town's name in lower case that is also a word (English, Hindi: "gaya", went) or a
    # province's ("ontario": Ontario, or Ontario, California?)
    "kamar mein dard ho gaya", "physio ontario", "massage for back pain, nice",
    # Hindi words that name a big place somewhere: "found none", "it began", "mother", "stomach"
    "koi acha physio nahi mila", "kamar dard shuru hui", "sciatica physio chahiye maa", "kamar dard aur pet",
    "neck pain all day",  # Day, a place's other name
    "Neck Pain All Day",  # capitals on every word say nothing
    "back pain since Christmas",
    "I moved to Pune",
    "physio Delhi or Mumbai",
    "back pain. Help",
    "not Pune",
    "gardan dard ke liye physio ghar par",  # Hindi "par", at: not Paris
    "a specialist in sports injuries",  # a field after "specialist"
    "Reading, back pain",  # first, a capital says nothing: only a city of a million is sure
    # a person's name set apart, not a town ("Florence", "Jackson"), nor a town too small
    "my mum, Florence, has sciatica", "physio for my husband, Jackson, who has back pain",
    "Florence, 45, back pain for years", "back pain, Hope, weekends",
    # not a town mistyped: a smaller town, an English word, a language,
    # one that does not end what is said, or none after "in" or "near"
    "physio in bristl", "pain in parts", "a consultation in Bengali please",
    "physio in malad",  # Mumbai's Malad, two letters swapped from Malda (170,000)
    "physio for my daughter victoria", "physio for my wife Sydney",  # a name after whose it is
    "back pain in mumbia and pune", "nek pain hyderbad",
    "not Mumbai, back pain",
    "hindi mein baat karne wala physio",  # a language before "mein"
    "massage near Sector 62",  # a numbered part of some town: which, the words do not say
    "back pain since St. Patrick's day", "pain in the Lower Back",
    "please help me", "physio near me",  # "me" after no town is English
    "physio in St John's Wood",  # a longer name than the map knows: not St. John's, Newfoundland
    "physio Bad back", "physio Sore back", "massage Upper back pain",  # what hurts, capitalised
    "evidence based physio", "plant based diet and back pain",
    # where someone comes from, not where care is wanted
    "I'm originally from Chennai, physio for back pain", "ayurvedic doctor from Kerala", "I am not from Pune",
    "online consultation from home", "online physio from 6pm",
    "I worked in Mumbai last year, back pain now", "I don't work in Delhi anymore",  # not where they are now
    # keywords run on: not a name ("Sam" is Damascus, "Ben" a town of 750,000 somewhere),
    # not a way of massage, not one of two towns
    "Sam physio for back pain", "back pain Ben physio", "Thai massage for back pain",
    "back pain Thai massage", "back pain mumbai or pune female physio",
    "I was in pain, mumbai physio was no help",
    # after "near", a small town's name that is an English word ("Deal", Kent), or a part of the body
    "physio near deal", "pain near my tailbone", "a sharp pain near hip",
])
def test_words_after_in_that_are_not_a_town_asked_for_read_none(text: str) -> None:
    assert place_read(text) is None


@pytest.mark.parametrize(("text", "place"), [
    # where the pain came on a trip is not where care is wanted
    ("I got back pain on holiday in Spain", None), ("hurt my back on holiday in Barcelona", None),
    ("back pain since my holiday in Spain", None), ("back spasm during my vacation in Bali", None),
    ("back pain after trekking in Nepal", None),
    ("hurt my back on holiday in Barcelona, physio in London please", "London"),
    ("need a physio in Pune after my holiday in Goa", "Pune"),
    # on a trip now, or no word of how it came: the place is asked for
    ("on holiday in Goa, need a massage", "Goa"), ("I am on holiday in Goa and my back hurts", "Goa"),
    ("pulled a muscle at the gym in Leeds", "Leeds"),  # most likely where they are
    # a town told of beside one asked for: the one asked for
    ("slipped on ice in Toronto last week, physio near Mississauga", "Mississauga"),
    ("physio in Leeds for a muscle I pulled in Manchester", "Leeds"),
    ("I was in Delhi last month, now need physio in Mumbai", "Mumbai"),
    ("I had acupuncture in Pune, want cupping in Mumbai", "Mumbai"),
    # a town being visited is where care is wanted, unless the pain came of the visit
    ("visiting London next week, need a massage for my back", "London"), ("back pain since visiting Goa", None),
    ("I was visiting Delhi when my back went", None), ("after visiting my mum in Leeds, physio in York", "York"),
])
def test_a_town_told_of_as_where_the_pain_came_is_not_searched(text: str, place: str | None) -> None:
    assert place_read(text) == place


@pytest.mark.parametrize(("text", "name"), [
    ("neck pain near Koramangala", "Koramangala"),
    ("massage in HSR Layout", "HSR Layout"),
    # one slip from a smaller town (Banda, Bristol): left to the geocoder as written
    ("physio in Bandra", "Bandra"), ("physio in Bristl", "Bristl"),
    ("pain in Lower Back", None),  # a part of the body, however written
    ("Back pain near Tailbone", None),
    ("Back pain in Covid", None),
    ("I was in Koramangala last week", None),  # told of
    ("physio in koramangala", None),  # in lower case, an unknown word after "in" is not surely a name...
    # ...after "near", unless it is a word the readers know, it is likelier one than not
    ("physio near koramangala", "koramangala"), ("chiropractor near heathrow for back pain", "heathrow"),
    ("physio near hsr layout", "hsr layout"), ("physio in the near future", None), ("physio near station", None),
    ("pain near my hip", None), ("physio near airport", None),
    # a postcode (the offline map knows none; an online geocoder may)
    ("back pain near 560034", "560034"), ("physio near SW1A 1AA", "SW1A 1AA"), ("physio in 94110", "94110"),
    ("my pincode is 400050, need a physio", "400050"), ("Pin: 560 034, sciatica", "560 034"),
    ("massage, postcode 2000", "2000"), ("physio near M5V 2T6", "M5V 2T6"),
    # an airport, in any case ("Airport" alone was read: a town in California)
    ("physio near Heathrow Airport", "Heathrow Airport"), ("physio near heathrow airport", "heathrow airport"),
    ("back pain in 2019", None),  # a year
    ("I was near 560034 last month and now my back hurts", None),  # told of
    # a street or a landmark named after a town is its own place, anywhere (they were read
    # as the town: Oxford; Phoenix, Arizona; Green, Ohio; Liverpool)
    ("acupuncture near Oxford Street", "Oxford Street"), ("massage near Phoenix Mall", "Phoenix Mall"),
    ("physio near Green Park for sciatica", "Green Park"), ("physio near oxford st", "oxford st"),
    ("physio near Liverpool Street station, please", "Liverpool Street station"),
    # ...and a station or an airport after a town's name, though the map measures it from the town
    ("back pain physio near Victoria Station", "Victoria Station"), ("physio near pune station", "pune station"),
    ("near delhi airport physio", "delhi airport"),
    ("sciatica physio close to koramangala", "koramangala"), ("massage next to Victoria Station", "Victoria Station"),
    ("physio close to me", None), ("physio next to my office", None),
    # a word for a street or a square after the first ("near MG" was read; "near connaught place" not at all)
    ("physio near MG Road", "MG Road"), ("physio near Brigade Road for sciatica", "Brigade Road"),
    ("physio near connaught place", "connaught place"), ("physio near a place", None), ("massage at my place", None),
    # ...and ending the words without "near" (nothing was read, or the town alone)
    ("sciatica specialist london bridge", "london bridge"), ("sciatica physio pune station", "pune station"),
    ("massage phoenix mall", "phoenix mall"), ("physio london road", "london road"),
    ("back pain after walking in the park", None), ("my back hurts from cycling on the road", None),
])
def test_a_name_the_gazetteer_lacks_is_offered_to_the_geocoder(text: str, name: str | None) -> None:
    found = asked_place(text, OfflineGazetteer().population_named)
    assert (found.name if found else None) == name
    assert found is None or found.known is False


@pytest.mark.parametrize(("text", "name"), [
    ("ayurvedic treatment for slip disc Kerala", "Kerala"),  # a state, ending the words
    ("physio, Kerala, India", "Kerala, India"), ("physio Tamil Nadu", "Tamil Nadu"), ("Karnataka", "Karnataka"),
    ("physio in Karnataka", "Karnataka"),
    # after "in" or "near", in lower case too (a small town somewhere is called India)
    ("ayurvedic retreat for back pain in kerala", "kerala"), ("online physio in india", "india"),
    ("physio in tamil nadu", "tamil nadu"), ("online physio, I am in the uk", "UK"),
    ("massage in the us", None),  # (we, in English)
    ("physio in Dwarka, Gujarat", "Dwarka, Gujarat"),  # a place's name before it: that place
    ("Dwarka, Gujarat", None),  # ...not the state alone (and, all in capitals, a small town is not sure)
    ("physio with Georgia", None),  # a name, after "with"
    # ending the words in lower case, alone: a name that is no word
    ("ayurvedic treatment for sciatica kerala", "kerala"), ("back pain physio texas", "texas"),
    ("sciatica after eating turkey", None), ("physio jersey", None),  # words too
    ("physio in Pune or Mumbai", None), ("physio in Pune OR Mumbai", None),  # "or" is no Oregon
])
def test_a_whole_state_or_country_is_a_mention_to_ask_a_town_in(text: str, name: str | None) -> None:
    gazetteer = OfflineGazetteer()
    found = asked_place(text, gazetteer.population_named, gazetteer.area_named)
    assert (found.name if found and not found.undecided else None) == name
    if name is not None and "," not in name:
        assert found.known is False and gazetteer.area_named(name) is not None


@pytest.mark.parametrize(("text", "words"), [
    ("physio in Bangalore or Mumbai", "in Bangalore or Mumbai"),
    ("physio in Pune and Mumbai", "in Pune and Mumbai"),
    ("physio in Whitefield or Indiranagar", "in Whitefield or Indiranagar"),  # the second unknown to the map
    ("sciatica physio Delhi Mumbai", "Delhi Mumbai"),  # two cities one after the other
    # set apart by commas (Delhi alone was read), or after one ("sciatica, Bristol or Bath": none)
    ("neck pain, Delhi, Mumbai or Pune", "Delhi, Mumbai or Pune"), ("sciatica, Bristol or Bath", "Bristol or Bath"),
])
def test_two_places_the_seeker_has_not_chosen_between_are_said_not_searched(text: str, words: str) -> None:
    found = asked_place(text, OfflineGazetteer().population_named)
    assert found is not None and found.undecided and found.words == words


@pytest.mark.parametrize(("text", "amount", "currency", "words"), [
    ("cheap massage under 1000 rupees in Bangalore", 100000, "INR", "under 1000 rupees"),
    ("physio under ₹1,500", 150000, "INR", "under ₹1,500"),
    ("less than £50 please", 5000, "GBP", "less than £50"),
    ("max 1500 rs", 150000, "INR", "max 1500 rs"),
    ("below Rs. 900/- for sciatica", 90000, "INR", "below Rs. 900/-"),
    ("upto 2000rs", 200000, "INR", "upto 2000rs"),
    ("£50 or less", 5000, "GBP", "£50 or less"),
    ("massage, 40 quid max", 4000, "GBP", "40 quid max"),
    ("budget of £60", 6000, "GBP", "budget of £60"),
    ("budget 1500", 150000, None, "budget 1500"),  # no currency: the place's
    ("1000 rupaye tak ka physio", 100000, "INR", "1000 rupaye tak"),  # Hinglish: up to
    ("₹800 se kam massage", 80000, "INR", "₹800 se kam"),  # Hinglish: less than
    ("up to $80", 8000, None, "up to $80"),  # which dollar: the place's
    ("up to 1.5k rupees", 150000, "INR", "up to 1.5k rupees"),
    # no currency, but a sum of a hundred or more with no unit after it: the place's currency
    ("massage Mumbai under 1000", 100000, None, "under 1000"),
    ("mahila physio Bangalore 1000 se kam", 100000, None, "1000 se kam"),
    ("physio max 1500 please", 150000, None, "max 1500"),
    ("1000 से कम", 100000, None, "1000 से कम"),
    # Hindi in Devanagari, read on the words as written
    ("मालिश ₹1000 से कम", 100000, "INR", "₹1000 से कम"),  # less than
    ("1000 रुपए से कम में मालिश", 100000, "INR", "1000 रुपए से कम में"),  # for less than
    ("फिज़ियो 1000 रुपये तक", 100000, "INR", "1000 रुपये तक"),  # up to
    ("₹1500 के अंदर फिजियो", 150000, "INR", "₹1500 के अंदर"),  # within
    ("₹1500 के अन्दर", 150000, "INR", "₹1500 के अन्दर"),
    ("₹1500 के भीतर", 150000, "INR", "₹1500 के भीतर"),
    ("₹1200 से \u095b्यादा नहीं", 120000, "INR", "₹1200 से \u095b्यादा नहीं"),  # not more than: ज़ as one sign
    ("₹1200 से \u091c\u093c्यादा नहीं", 120000, "INR", "₹1200 से \u091c\u093c्यादा नहीं"),  # ज and a nukta
    ("₹1200 से ज्यादा नहीं", 120000, "INR", "₹1200 से ज्यादा नहीं"),  # no nukta
    ("अधिकतम ₹800 मालिश", 80000, "INR", "अधिकतम ₹800"),  # at most
    ("मालिश, 800 रुपया अधिकतम।", 80000, "INR", "800 रुपया अधिकतम"),  # a danda ends the sentence
    ("रु. 900 तक", 90000, "INR", "रु. 900 तक"),
    ("500 रू से कम", 50000, "INR", "500 रू से कम"),
    ("500 रुपयों से कम", 50000, "INR", "500 रुपयों से कम"),
    ("₹१००० से कम", 100000, "INR", "₹१००० से कम"),  # Devanagari digits
    ("₹१,५०० तक", 150000, "INR", "₹१,५०० तक"),
    ("₹1000 तक दे सकता हूँ", 100000, "INR", "₹1000 तक"),  # can pay: a budget
    # what the seeker will pay, not what was paid
    ("can pay up to 1500", 150000, None, "up to 1500"),
    ("happy to spend £60 max", 6000, "GBP", "£60 max"),
    ("fees under 1000", 100000, None, "under 1000"),
    ("charges below 800", 80000, None, "below 800"),
    ("fees not more than 1000", 100000, None, "not more than 1000"),
    # a budget of about an amount: that amount
    ("Budget around 1500 per session.", 150000, None, "Budget around 1500"),
    ("my budget is about £50", 5000, "GBP", "budget is about £50"),
    ("budget ~2000 rupees", 200000, "INR", "budget ~2000 rupees"),
])
def test_a_budget_stated_is_read(text: str, amount: int, currency: str | None, words: str) -> None:
    found = asked_budget(text)
    assert found is not None and (found.amount, found.currency, found.words) == (amount, currency, words)
    assert words not in found.rest and found.rest == " ".join(found.rest.split())


@pytest.mark.parametrize(("text", "words", "rest"), [
    ("up to £50 max for a massage", "up to £50 max", "for a massage"),  # one limit, two cues
    ("massage, under £40, for my back", "under £40", "massage, for my back"),  # the comma is not the amount's
    ("physio under ₹500.", "under ₹500", "physio"),
    ("physio under ₹500. Pune", "under ₹500", "physio. Pune"),
    ("मालिश, ₹1,000 से कम।", "₹1,000 से कम", "मालिश"),
])
def test_the_rest_of_the_words_reads_as_a_sentence(text: str, words: str, rest: str) -> None:
    """What "Show every price" searches: the seeker's words without the budget, and without
    the punctuation it leaves dangling."""
    found = asked_budget(text)
    assert found is not None and (found.words, found.rest) == (words, rest)


def test_a_budget_in_devanagari_leaves_the_rest_in_devanagari() -> None:
    """The rest is the search with every price: the seeker's words, not their Hinglish spelling."""
    found = asked_budget("कमर दर्द के लिए मालिश, ₹1000 से कम")
    assert found is not None and found.rest == "कमर दर्द के लिए मालिश"


@pytest.mark.parametrize("text", [
    "under 30 minutes",  # no currency: a time
    "I'm under 40 with back pain",  # an age
    "within 5 km",
    "2 hafte tak dard",  # Hinglish: pain for up to two weeks
    "under 50",  # no currency, no "budget", and a small number: an age, a count, not sure enough
    "under 100kg",
    "within 500 metres",
    "under 200 km away",
    "I paid under £50 last time",  # money told of
    "it cost less than ₹500",
    "my insurance covers up to £500",
    "I paid fees under ₹500 last time",
    "not under ₹500",  # turned down
    "under £50, or under £80 if they are good",  # two limits: the seeker has not chosen
    "pichhli baar 500 rupaye se kam diye",  # Hinglish: paid under ₹500 last time
    "2 हफ़्ते तक दर्द",  # pain for up to two weeks: no currency
    "50 से कम",  # no currency, no "budget", and a small number
    "पिछली बार ₹500 से कम दिए",  # paid under ₹500 last time
    "पिछली बार ₹500 से कम फीस दी",  # paid a fee of under ₹500
    "₹1000 तक दिया था",  # paid up to ₹1000
    "मेरा बीमा ₹5000 तक कवर करता है",  # insurance covers up to ₹5000
    "₹5000 तक का बीमा है",  # insurance of up to ₹5000
    "₹1000 से कम नहीं",  # not less than ₹1000: turned down
    "₹1000 तकिया",  # a pillow (तकिया), not "up to"
    "₹1000 से कमर दर्द",  # कमर, the waist, is not कम, less
    "गुरु 50 तक",  # the "रु" ending a word is not a rupee
    "₹800 से कम या ₹1200 के अंदर",  # two limits
    "time budget around 45 minutes",  # a budget of time
])
def test_an_amount_that_is_not_a_budget_asked_for_reads_none(text: str) -> None:
    assert asked_budget(text) is None


@pytest.mark.parametrize(("text", "km", "words", "rest"), [
    ("physio within 5 km", 5.0, "within 5 km", "physio"),
    ("massage in Pune within 3km", 3.0, "within 3km", "massage in Pune"),
    # a place it is measured from is kept, as "near" it
    ("physio within 5 km of Indiranagar, Bangalore", 5.0, "within 5 km", "physio near Indiranagar, Bangalore"),
    ("physio max 10 km away from Whitefield", 10.0, "max 10 km away", "physio near Whitefield"),
    ("a 5 km radius around Koramangala", 5.0, "a 5 km radius", "near Koramangala"),
    ("radius of 15 km from Pune", 15.0, "radius of 15 km", "near Pune"),
    # ...a distance from a place, as typed into a search engine
    ("physio 5 km from Koramangala", 5.0, "5 km", "physio near Koramangala"),
    ("massage 10 miles away from Leeds", 16.1, "10 miles away", "massage near Leeds"),
    ("physio in a 10 km radius", 10.0, "in a 10 km radius", "physio"),
    ("physio, 10 km or less, Pune", 10.0, "10 km or less", "physio, Pune"),
    ("up to 20 kilometres away", 20.0, "up to 20 kilometres away", ""),
    ("I can't travel more than 10 km", 10.0, "can't travel more than 10 km", "I"),
    ("physio within five km of my home", 5.0, "within five km", "physio near my home"),
    # miles in km, rounded up: the search reaches at least as far as said
    ("physio in London within 5 miles", 8.1, "within 5 miles", "physio in London"),
    ("within a mile of Camden", 1.7, "within a mile", "near Camden"),
    # Hinglish and Devanagari: "within", "up to"
    ("massage 5 km ke andar", 5.0, "5 km ke andar", "massage"),
    ("मालिश 5 किमी के अंदर", 5.0, "5 किमी के अंदर", "मालिश"),
    ("physio 8 km tak", 8.0, "8 km tak", "physio"),
    # too far to search is still what was said (the search says how far it went)
    ("within 500 km", 500.0, "within 500 km", ""),
    ("within 5 km, under £50", 5.0, "within 5 km", "under £50"),  # the budget stays for its reader
    # a walk away: a couple of kilometres
    ("physio within walking distance of Indiranagar, Bangalore", 2.0, "within walking distance",
     "physio near Indiranagar, Bangalore"),
    ("walkable distance physio Pune", 2.0, "walkable distance", "physio Pune"),
])
def test_how_far_the_seeker_will_go_is_read(text: str, km: float, words: str, rest: str) -> None:
    found = asked_radius(text)
    assert found is not None and (found.km, found.words, found.rest) == (km, words, rest)


@pytest.mark.parametrize("text", [
    "I ran 10 km yesterday",  # told of: no limit said
    "I can't run under 5 km without pain",  # a run, not a search
    "my back hurts after walking within 2 km",
    "physio in 5 km",  # "in" without a radius is no limit
    # a distance from a place, told of: where one is, or how far apart two places are
    "I live 20 km from Pune, need physio", "Mysore is about 130 km from Bengaluru", "5 km of walking hurts",
    "within 2 weeks",  # not a distance
    "within 500 metres",  # too near to search: left to the distance list
    "within 0.5 km",
    "under 5 km and within 10 km",  # two limits: the seeker has not chosen
    "not within 5 km please",
    "a km radius",
    "I have pain when walking distances", "not within walking distance please",
])
def test_a_distance_that_is_not_a_limit_asked_for_reads_none(text: str) -> None:
    assert asked_radius(text) is None


_WORDY = st.lists(st.sampled_from(["in", "near", "online", "not", "speaks", "Hindi", "Pune", "pune", ",", ".", "my",
                                   "within", "5", "km", "miles", "a", "radius", "of", "किमी", "के", "अंदर",
                                   "under", "₹", "1,000", "rs", "£50", "max", "budget", "k", "/-",
                                   "back", "physio", "home", "visit", "Koramangala", "Bangalore", "was", "but",
                                   "face", "to", "mein", "नहीं", "मालिश", "₹१,०००", "रु.", "तक", "से", "कम", "दिए",
                                   "é", "'", "-", "  "]), max_size=14)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.text(max_size=80), _WORDY.map(" ".join)))
@example("कऺफ/ME")  # a town before Hindi "me" (in): echoed with it, so the words no longer end with the name
@example("PuNE PUNE/ME")  # the town written twice: named as written where it is echoed
def test_every_reader_is_safe_on_any_string(text: str) -> None:
    """Whatever a seeker types, each reader answers (maybe nothing) and never raises."""
    gazetteer = OfflineGazetteer()
    for found in (read_mentions(text, WORDS).narrowing(TECHNIQUE_MODALITY),
                  read_mentions(text, VENUE_VOCABULARY).narrowing(),
                  read_mentions(text, MODE_VOCABULARY, NOT_A_SESSION).narrowing(), asked_mode(text),
                  asked_language(text),
                  asked_budget(text), asked_radius(text)):
        assert found is None or found.words
    place = asked_place(text, gazetteer.population_named, gazetteer.area_named, gazetteer.misspelt_town,
                        gazetteer.plain_town_population, gazetteer.town_in_area)
    # the words quoted hold the town as written ("delhi mein"), unless it was mistyped
    assert place is None or (place.name and place.words and (
        place.name in place.words or normalise(place.name) not in normalise(text)))


@pytest.mark.parametrize(("text", "words", "written"), [
    ("Tamil-speaking physio", "tamil speaking", "Tamil-speaking"),
    ("कमर दर्द, लखनऊ में फिजियो", "phijiyo", "फिजियो"),  # read in Latin letters, echoed as written
    ("kamar dard, लखनऊ mein physio", "lakhnau mein", "लखनऊ mein"),
    ("accupuncture for back pain", "acupuncture", "accupuncture"),  # read mended, echoed as typed
    ("Chiropracter near me", "chiropractor", "Chiropracter"),
    ("back pain", "neck", "neck"),  # not in the text: as the readers have it
])
def test_words_read_are_echoed_as_the_seeker_wrote_them(text: str, words: str, written: str) -> None:
    assert as_written(text, words) == written



def refused(text: str) -> list[str]:
    return [m.slug for m in read_mentions(text, WORDS, NOT_CARE_ASKED).refusals()]


@pytest.mark.parametrize(("text", "slugs"), [
    ("no acupuncture", ["acupuncture"]),
    ("sciatica but not acupuncture please", ["acupuncture"]),
    ("physio, not acupuncture", ["acupuncture"]),
    ("I don't want acupuncture, back pain", ["acupuncture"]),
    ("no acupuncture or dry needling please", ["acupuncture", "dry-needling"]),  # a list carries the refusal
    ("anything but massage for my neck", ["massage"]),
    ("anything except chiropractic", ["chiropractic"]),
    ("avoid chiropractors, sciatica", ["chiropractic"]),
    ("cupping rather than acupuncture", ["acupuncture"]),
    ("I'd rather not have a chiropractor", ["chiropractic"]),
    ("scared of acupuncture, lower back pain", ["acupuncture"]),
    ("physio without dry needling", ["dry-needling"]),
    ("no more massage", ["massage"]),
    ("massage, no thanks", ["massage"]),
    ("acupuncture is not for me", ["acupuncture"]),
    ("I can't stand massage", ["massage"]),
    ("acupuncture nahi chahiye", ["acupuncture"]),  # Hinglish puts "not" after
    ("acupuncture, cupping, massage but not chiropractic", ["chiropractic"]),
    ("no acupuncture, no massage, and really no acupuncture please", ["acupuncture", "massage"]),  # first named
    # other care listed before or between ("I don't want surgery or acupuncture")
    ("I don't want surgery or acupuncture, lower back pain", ["acupuncture"]),
    ("no steroid injections, surgery, or chiropractors", ["chiropractic"]),
    ("I'd rather avoid painkillers or a chiropractor", ["chiropractic"]),
    ("not keen on reiki or cupping", ["cupping"]),
    ("neither surgery nor acupuncture", ["acupuncture"]),
    ("neither acupuncture nor massage", ["acupuncture", "massage"]),
    ("no acupuncture, surgery or cupping", ["acupuncture", "cupping"]),
    ("I don't want to have acupuncture", ["acupuncture"]),
    ("I've had enough of physio, try something else for my neck", ["physiotherapy"]),  # not "had" physio
    ("sick of massage, neck pain", ["massage"]),
    ("fed up with chiropractors", ["chiropractic"]),
])
def test_a_therapy_turned_down_is_refused(text, slugs):
    assert refused(text) == slugs


@pytest.mark.parametrize("text", [
    "acupuncture didn't help my sciatica",  # told of having had it: another acupuncturist may help
    "tried acupuncture, it did nothing",
    "I've tried everything except acupuncture",  # not tried yet: perhaps wanted
    "never had acupuncture",
    "not sure about acupuncture",  # a doubt
    "is cupping better than acupuncture?",  # a comparison
    "no pain relief from acupuncture",
    "not just acupuncture",
    "physio nahi mila",  # Hinglish: found none
    "physio se fayda nahi hua",  # Hinglish: it did not help
    "acupuncture for sciatica",
    "no surgery, physio please",  # the refusal ends at the comma
    "no surgery or pills, acupuncture please",
    "I don't want surgery, acupuncture is fine",
    "no idea whether surgery or physio is best",  # "idea whether" is no care refused
    "I had enough physio last year",  # told of
    "sick of back pain, physio please",
])
def test_a_therapy_told_of_doubted_or_asked_for_is_not_refused(text):
    assert refused(text) == []


def test_a_therapy_refused_is_not_asked_for():
    assert narrowed("acupuncture is not for me, I want cupping") == "cupping"
    assert narrowed("massage, no thanks") is None


@pytest.mark.parametrize(("text", "words"), [
    ("back pain but no needles", "no needles"),
    ("scared of needles", "scared of needles"),
    ("I really hate needles", "hate needles"),
    ("i do not want any needles", "do not want any needles"),
    ("needle-free treatment please", "needle free"),
    ("I have a needle phobia", "needle phobia"),
    ("needles scare me", "needles scare"),
    ("avoid needling, lower back pain", "avoid needling"),
    ("sui se darr lagta hai, kamar dard", "sui se darr"),  # Hindi: needles frighten me
])
def test_needles_refused_without_a_therapy_named(text, words):
    assert refused_doings(text) == {"acupuncture": words}


@pytest.mark.parametrize("text", [
    "pins and needles in my feet",  # a tingling
    "no pins and needles, just back pain",
    "I don't mind needles",
    "acupuncture with thin needles",
    "no dry needling",  # a therapy named, read as such
    "my back cracks when I bend",  # a symptom
])
def test_needles_or_cracking_not_refused(text):
    assert refused_doings(text) == {}


@pytest.mark.parametrize(("text", "words"), [
    ("I don't like being cracked, back pain", "don't like being cracked"),
    ("no back cracking please", "no back cracking"),
    ("I don't want my neck cracked", "don't want my neck cracked"),
    ("no manipulation please", "no manipulation"),
])
def test_cracking_refused_is_spinal_manipulation(text, words):
    assert refused_doings(text) == {"spinal-manipulation": words}


@pytest.mark.parametrize(("text", "wishes"), [
    ("NHS physio covered by my insurance, open on Sunday", ("nhs", "insurance", "availability")),
    ("best rated, top rated physio", ("ratings",)),  # once each
    ("physio with parking, step-free access please", ("access",)),
    ("physio today itself", ("availability",)),
    ("koi free mein physio", ("free",)),  # Hinglish
    ("cheap physio, need an appointment asap", ("price", "availability")),
    ("physio, not too expensive", ("price",)),
    ("no cheap massage please", ()),  # turned down
    ("no parking needed", ()),  # turned down
    ("I hurt my back parking the car", ()),
    ("I experienced sharp pain", ()),
    ("pain free and stress-free", ()),
    ("needle-free treatment please", ()),  # without needles, not at no cost
    ("Complaint under review, rate limits", ()),
    # a question of what it costs (nothing was said)
    ("how much does physio cost", ("cost",)), ("how much is a massage for sciatica", ("cost",)),
    ("price of acupuncture in pune", ("cost",)), ("physio fees kitni hai", ("cost",)),
    ("cheap physio, how much does it cost", ("price",)),  # (the note on a low price says it)
    ("how much does acupuncture hurt", ()), ("how much physio do I need", ()), ("the cost of sitting all day", ()),
])
def test_wishes_no_search_meets_are_read(text, wishes):
    assert unmet_wishes(text) == wishes
