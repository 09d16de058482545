"""How far the seeker will go, in their own words ("a physio within 5 km of Hammersmith",
"in a 10 mile radius"): with no radius chosen, the search reaches that far, says so, and
shows it under "Within" as if chosen there. A radius chosen wins over the words."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.search.forms import settled
from tests.builders import make_verified_practitioner
from tests.search.test_search_api import ids, search
from tests.search.test_search_care_words import page, sent_back


@pytest.fixture
def london(app):  # noqa: ANN001, ANN201
    """Two physiotherapists who treat sciatica: one in Hammersmith, one in Hackney, about
    12 km across town."""
    return {
        "nearby": make_verified_practitioner(app, display_name="Hammersmith Physio", modalities=("physiotherapy",),
                                             concerns=("sciatica",), city="London", lat=51.4927, lon=-0.2240),
        "across": make_verified_practitioner(app, display_name="Hackney Physio", modalities=("physiotherapy",),
                                             concerns=("sciatica",), city="London", lat=51.5450, lon=-0.0553),
    }


def test_a_distance_in_the_words_is_how_far_the_search_reaches(client, london):
    body = search(client, q="physio for sciatica within 5 km of Hammersmith", mode="in_person")
    assert ids(body) == [london["nearby"].id]
    assert body["query"]["radius_km"] == 5.0
    assert body["radius_from_text"] == {"km": 5.0, "matched": "within 5 km"}
    # the town it is measured from is read too, and echoed as written
    assert body["place"]["label"].startswith("Hammersmith")
    assert body["place_from_text"] == {"name": "Hammersmith", "matched": "of Hammersmith"}
    wider = search(client, q="physio for sciatica in Hammersmith, in a 10 mile radius", mode="in_person")
    assert set(ids(wider)) == {london["nearby"].id, london["across"].id}
    assert wider["query"]["radius_km"] == 16.1 and wider["radius_from_text"]["matched"] == "in a 10 mile radius"
    # a distance from a place, as typed into a search engine
    typed = search(client, q="sciatica physio 5 km from Hammersmith", mode="in_person")
    assert ids(typed) == [london["nearby"].id] and typed["query"]["radius_km"] == 5.0
    assert typed["place_from_text"] == {"name": "Hammersmith", "matched": "from Hammersmith"}


def test_a_radius_chosen_wins_over_the_words(client, london):
    body = search(client, q="physio for sciatica within 5 km", near="Hammersmith", radius_km=25, mode="in_person")
    assert set(ids(body)) == {london["nearby"].id, london["across"].id}
    assert body["radius_from_text"] is None and body["query"]["radius_km"] == 25.0
    # with a place typed under Near, the words' distance applies around it
    typed = search(client, q="physio for sciatica within 5 km", near="Hammersmith", mode="in_person")
    assert ids(typed) == [london["nearby"].id] and typed["radius_from_text"]["km"] == 5.0


def test_without_a_place_a_distance_has_nothing_to_measure_from(client, london):
    body = search(client, q="physio for sciatica within 5 km")
    assert body["place"] is None
    assert any(note.startswith("No place given, so these are online sessions") for note in body["notes"])
    assert body["radius_from_text"] is None and body["query"]["radius_km"] == 25.0


def test_online_a_distance_is_no_matter(client, london):
    body = search(client, q="online physio for sciatica within 5 km of Hammersmith")
    assert body["query"]["mode"] == "online" and body["place"]["label"].startswith("Hammersmith")
    assert body["radius_from_text"] is None and body["query"]["radius_km"] == 25.0


def test_further_than_the_search_goes_is_searched_as_far_as_it_goes_and_said(client, london):
    body = search(client, q="physio for sciatica in London, max 500 km away", mode="in_person")
    assert body["query"]["radius_km"] == 200.0 and body["radius_from_text"]["km"] == 500.0
    assert "You wrote “max 500 km away”: we search at most 200 km away, so these are practitioners within 200 km." \
        in body["notes"]


def test_a_distance_told_of_is_not_a_radius(client, london):
    body = search(client, q="sciatica since I ran 10 km, physio in Hammersmith", mode="in_person")
    assert body["radius_from_text"] is None and body["query"]["radius_km"] == 25.0
    assert set(ids(body)) == {london["nearby"].id, london["across"].id}


def test_the_page_shows_the_distance_it_read_under_within_and_a_way_wider(client, london):
    html = page(client, q="physio for sciatica within 5 km of Hammersmith", mode="in_person")
    assert ("Showing results within <strong data-radius-label>5 km</strong> of <strong data-place-label>Hammersmith, "
            "London, England, United Kingdom</strong>, as you wrote “within 5 km” and “of Hammersmith”") in html
    assert '<option value="5" selected>5 km</option>' in html
    assert "Hammersmith Physio" in html and "Hackney Physio" not in html
    wider = re.search(r'<a href="([^"]+)">search within 10 km</a>', html).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(wider).query)["radius_km"] == ["10"]
    # miles: the distance searched, in km, is offered and chosen
    miles = page(client, q="physio for sciatica within 5 miles of Hammersmith", mode="in_person")
    assert '<option value="8.1" selected>8.1 km</option>' in miles and "“within 5 miles”" in miles


def test_until_a_distance_is_chosen_the_default_sends_nothing(client, london):
    """The first page's "25 km" is no choice: the words may still say how far."""
    html = page(client)
    assert '<option value="" selected>25 km</option>' in html
    chosen = page(client, q="physio for sciatica", near="Hammersmith", radius_km="25")
    assert '<option value="25" selected>25 km</option>' in chosen


def test_the_distance_read_is_read_again_from_the_words_sent_back(client, london):
    first = page(client, q="physio for sciatica within 5 km of Hammersmith", mode="in_person")
    back = sent_back(first)
    assert back["read_radius_km"] == "5" and back["radius_km"] == "5"
    unchanged = page(client, **back, mode="in_person")
    assert "as you wrote “within 5 km”" in unchanged and "Hackney Physio" not in unchanged
    # words edited to say no distance: the default again
    edited = page(client, **{**back, "q": "physio for sciatica in Hammersmith"}, mode="in_person")
    assert "Hackney Physio" in edited and "data-radius-label" not in edited
    # a distance the seeker then chose (even the default) is theirs
    chosen = page(client, **{**back, "radius_km": "25"}, mode="in_person")
    assert "Hackney Physio" in chosen and "data-radius-label" not in chosen


def test_a_radius_sent_back_as_read_is_dropped_and_one_changed_is_kept():
    sent = MultiDict({"q": "physio within 5 km of Pune", "radius_km": "5", "read_q": "physio within 5 km of Pune",
                      "read_radius_km": "5"})
    assert settled(sent).to_dict() == {"q": "physio within 5 km of Pune"}
    changed = MultiDict({**sent.to_dict(), "radius_km": "25"})
    assert settled(changed).to_dict() == {"q": "physio within 5 km of Pune", "radius_km": "25"}
