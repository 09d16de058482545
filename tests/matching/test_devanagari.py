"""Hindi in Devanagari, read through the Hinglish phrases: the spelling it is given, and the
concerns it then resolves to."""

from __future__ import annotations

import pytest

from marketplace.matching.devanagari import has_devanagari, transliterate
from marketplace.matching.phrases import DEFAULT_PHRASES
from marketplace.matching.understanding import build_matcher, screen_text

MATCHER = build_matcher(DEFAULT_PHRASES)


@pytest.mark.parametrize(("hindi", "latin"), [
    ("कमर में दर्द", "kamar mein dard"),
    ("गर्दन", "gardan"),  # the word-final inherent vowel is not said
    ("नस दबना", "nas dabna"),  # nor one between a vowel-consonant and a consonant-vowel
    ("जकड़न", "jakdan"),  # a nukta consonant
    ("कमज़ोर", "kamzor"),
    ("बुखार", "bukhar"),  # a long vowel spelt short, as most people type Hinglish
    ("कंधे", "kandhe"),  # anusvara
    ("सुन्न", "sunn"),  # virama
    ("साइटिका", "saitika"),
    ("बुखार नहीं है", "bukhar nahi hai"),
    ("back pain और बुखार", "back pain aur bukhar"),  # only the Devanagari is rewritten
    ("४० साल", "40 sal"),
    ("₹500 दिए", "₹500 diye"),  # as Hinglish spells it, not the English "die"
])
def test_devanagari_is_spelt_as_hinglish(hindi: str, latin: str) -> None:
    assert transliterate(hindi) == latin


@pytest.mark.parametrize(("text", "first"), [
    ("कमर में दर्द", "chronic-low-back-pain"),
    ("मेरी कमर अकड़ गई है", "back-spasm"),
    ("गर्दन में दर्द", "neck-shoulder-tension"),
    ("नस दब गई, पैर में दर्द", "sciatica"),
    ("स्लिप डिस्क", "disc-related-pain"),
    ("डिलीवरी के बाद कमर दर्द", "pregnancy-postnatal-back-pain"),
    ("गठिया", "arthritis-back-pain"),
])
def test_hindi_script_resolves_to_concerns(text: str, first: str) -> None:
    assert MATCHER.match(text)[0].slug == first


@pytest.mark.parametrize("text", ["कमर दर्द", "बुखार नहीं है", "मैं गर्भवती हूँ"])
def test_hindi_script_still_asks_every_red_flag_question(text: str) -> None:
    """Read for the concern, but not trusted for safety: "बुखार नहीं है" (no fever) negates
    after the word, so every question is asked, whatever the words."""
    screening = screen_text(text)
    assert screening.red_flags == frozenset()
    assert screening.unclear_red_flags == {"fever", "leg-weakness", "bladder-bowel", "saddle-numbness",
                                           "major-trauma", "cancer-history", "weight-loss"}
    assert screening.unreadable


def test_a_pregnancy_in_hindi_script_is_asked_about() -> None:
    assert "pregnancy" in screen_text("मैं गर्भवती हूँ").unclear_cautions


def test_only_devanagari_is_detected() -> None:
    assert has_devanagari("कमर") and has_devanagari("back दर्द")
    assert not has_devanagari("kamar dard") and not has_devanagari("முதுகு வலி")
