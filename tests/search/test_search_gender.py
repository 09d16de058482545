"""Who treats the seeker: ``gender`` keeps only practitioners who stated that gender, and
words that ask for one ("a female physio", "lady doctor") narrow the search as it would,
say so, and can be undone with ``gender=any``. Practitioners who state none are listed
for everyone who does not ask."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.extensions import db
from marketplace.practitioners.models import Gender
from marketplace.practitioners.services import ListingInput, save_listing
from marketplace.search.forms import settled
from tests.builders import make_verified_practitioner
from tests.search.test_search_api import ids, search
from tests.search.test_search_care_words import page, sent_back


@pytest.fixture
def physios(app):  # noqa: ANN001, ANN201
    """Three physiotherapists in Bengaluru who treat sciatica: a woman, a man, and one who
    does not say."""
    return {
        gender: make_verified_practitioner(app, display_name=name, modalities=("physiotherapy",),
                                           concerns=("sciatica",), gender=gender)
        for gender, name in (("woman", "Meera Physio"), ("man", "Ravi Physio"), (None, "Sam Physio"))
    }


def test_the_filter_keeps_only_those_who_stated_that_gender(client, physios):
    body = search(client, concern="sciatica", near="Bengaluru", gender="woman")
    assert ids(body) == [physios["woman"].id]
    assert body["results"][0]["practitioner"]["gender"] == "woman"
    assert body["query"]["gender"] == "woman" and body["total"] == 1
    assert ids(search(client, concern="sciatica", near="Bengaluru", gender="man")) == [physios["man"].id]
    assert search(client, concern="sciatica", near="Bengaluru", gender="non_binary")["results"] == []
    # Not asked: everyone, each result with the gender they stated (null when none).
    every = search(client, concern="sciatica", near="Bengaluru")
    assert {r["practitioner"]["id"]: r["practitioner"]["gender"] for r in every["results"]} == {
        physios["woman"].id: "woman", physios["man"].id: "man", physios[None].id: None}


def test_an_unknown_gender_is_a_problem_naming_the_field(client, physios):
    response = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Bengaluru",
                                                           "gender": "female"})
    assert response.status_code == 400 and "gender" in response.get_json()["errors"]


def test_words_asking_for_a_woman_narrow_the_search_and_say_so(client, physios):
    body = search(client, q="female physio for my sciatica", near="Bengaluru")
    assert ids(body) == [physios["woman"].id]
    assert body["gender_from_text"] == {"value": "woman", "name": "practitioners who are women",
                                        "matched": "female physio"}
    # "any" keeps everyone, and a gender chosen wins over the words
    every = search(client, q="female physio for my sciatica", near="Bengaluru", gender="any")
    assert set(ids(every)) == {p.id for p in physios.values()} and every["gender_from_text"] is None
    chosen = search(client, q="female physio for my sciatica", near="Bengaluru", gender="man")
    assert ids(chosen) == [physios["man"].id] and chosen["gender_from_text"] is None


def test_words_about_the_seeker_narrow_nothing(client, physios):
    body = search(client, q="I'm a pregnant woman with sciatica, physio please", near="Bengaluru")
    assert body["gender_from_text"] is None and len(ids(body)) == 3
    left_open = search(client, q="male or female physio for sciatica", near="Bengaluru")
    assert left_open["gender_from_text"] is None and len(ids(left_open)) == 3


def test_a_gender_alone_lists_everyone_who_stated_it_without_a_concern(client, physios):
    body = search(client, q="lady doctor", near="Bengaluru")
    assert body["without_concern"] is True and ids(body) == [physios["woman"].id]
    assert body["suggestions"]


def test_a_change_of_gender_in_the_listing_reaches_the_search(client, physios):
    ids_of = lambda: ids(search(client, concern="sciatica", near="Bengaluru", gender="woman"))  # noqa: E731
    assert ids_of() == [physios["woman"].id]
    sam = physios[None]
    save_listing(sam.user, ListingInput(display_name=sam.display_name, modalities=("physiotherapy",),
                                        concerns=("sciatica",), languages=("English",), gender="woman"))
    db.session.commit()
    assert sam.gender is Gender.WOMAN
    assert set(ids_of()) == {physios["woman"].id, sam.id}


def test_the_page_names_the_gender_and_links_to_everyone(client, physios):
    html = page(client, q="female physio for sciatica", near="Bengaluru")
    assert ("Showing only <strong>Physiotherapy</strong>, <strong>practitioners who are women</strong>, as you "
            "wrote “physio” and “female physio”.") in html
    assert "Show everyone</a>" in html and "gender=any" in html
    assert '<option selected value="woman">A woman</option>' in html  # shown as if chosen under More filters
    assert '<option value="any">Anyone</option>' in html  # ...where "Anyone" now undoes it
    assert "Meera Physio" in html and "Ravi Physio" not in html and "Sam Physio" not in html
    assert "· Woman ·" in html or "Woman · Speaks" in html  # each card says so
    every = page(client, q="female physio for sciatica", near="Bengaluru", gender="any")
    assert "practitioners who are women" not in every
    assert all(name in every for name in ("Meera Physio", "Ravi Physio", "Sam Physio"))


def test_the_filter_chosen_on_the_page_narrows_and_opens_more_filters(client, physios):
    html = page(client, concern="sciatica", near="Bengaluru", gender="man")
    assert '<details class="more-filters" open>' in html
    assert "Ravi Physio" in html and "Meera Physio" not in html and "Sam Physio" not in html
    nobody = page(client, concern="sciatica", near="Bengaluru", gender="non_binary", max_price="500")
    assert "Search practitioners of any gender</a>" in nobody  # the filter that empties the page, undone
    assert "Search every price</a>, not only up to ₹500." in nobody


def test_nobody_of_the_gender_asked_offers_everyone(client, physios):
    """An empty page from words that asked for a man offers to search anyone instead."""
    html = page(client, q="male physio for my sciatica", near="Bengaluru", modality="massage")
    assert "Search practitioners of any gender</a>" in html and "gender=any" in html


def test_words_edited_after_a_search_are_read_again_not_the_fields_they_filled(client, physios):
    """The page shows "a woman" under Treated by and Bengaluru under Near, read from the
    words; the seeker then edits the words and sends the form as it is."""
    first = page(client, q="female physio for my sciatica in Bangalore")
    back = sent_back(first)
    assert back["read_gender"] == "woman" and back["read_near"] == "Bangalore" and back["read_q"]
    edited = page(client, **{**back, "q": "male physio for my sciatica in Bangalore"})
    assert "practitioners who are men" in edited and "Ravi Physio" in edited and "Meera Physio" not in edited
    unchanged = page(client, **back)  # sent as it is: still read from the words, and said so
    assert "<strong>practitioners who are women</strong>, as you wrote" in unchanged
    # The town read before stays under Near when the new words name none, and goes when they name another.
    no_town = page(client, **{**back, "q": "male physio for my sciatica"})
    assert "Showing results near <strong data-place-label>Bengaluru" in no_town and "Ravi Physio" in no_town
    elsewhere = page(client, **{**back, "q": "female physio for my sciatica in Mumbai"})
    assert "Showing results near <strong data-place-label>Mumbai" in elsewhere and "Meera Physio" not in elsewhere
    # read as the search reads it: a town before a budget is a town named
    budget = page(client, **{**back, "q": "female physio for my sciatica Mumbai under ₹3,000"})
    assert "Showing results near <strong data-place-label>Mumbai" in budget
    # A value the seeker changed is their choice, and wins over the words.
    chosen = page(client, **{**back, "gender": "man"})
    assert "Ravi Physio" in chosen and "Meera Physio" not in chosen and "practitioners who are women" not in chosen


def test_answering_the_safety_questions_keeps_what_the_words_asked_for(client, physios):
    first = page(client, q="female physio for sciatica in Bangalore, I lost weight")
    assert "Have you lost weight recently without trying?" in first
    answered = page(client, **sent_back(first), **{"answer_weight-loss": "no"})
    assert "Showing only <strong>Physiotherapy</strong>, <strong>practitioners who are women</strong>" in answered
    assert "Meera Physio" in answered and "Ravi Physio" not in answered


def test_an_any_that_undid_a_reading_lasts_as_long_as_the_words():
    """"Show everyone" sends gender=any: kept while the words are the same, dropped with
    them once they are edited (the new words are read). A value the seeker chose stays."""
    sent = MultiDict({"q": "female physio", "gender": "any", "venue_type": "clinic", "read_q": "female physio",
                      "undid_gender": "any"})
    assert settled(sent).to_dict() == {"q": "female physio", "gender": "any", "venue_type": "clinic"}
    edited = MultiDict({**sent.to_dict(), "q": "male physio"})
    assert settled(edited).to_dict() == {"q": "male physio", "venue_type": "clinic"}
