"""Every way on from a results page leads to a page that works: each link the page offers
back to the search (undo what was read from the words, pick a concern, widen the search,
change the order, the next page) answers 200 with no field refused. A link the page makes
itself must never land the seeker on "Not a valid choice"."""

from __future__ import annotations

import html as markup
import re
from urllib.parse import urlsplit

import pytest

from marketplace.practitioners.models import VenueType
from tests.builders import make_verified_practitioner
from tests.search.test_search_care_words import one_line


@pytest.fixture
def listed(app):  # noqa: ANN001, ANN201
    """Practitioners in Bengaluru of several therapies, places, languages, prices and genders,
    and one online from Mumbai."""
    make_verified_practitioner(app, display_name="Meera Physio", modalities=("physiotherapy",), gender="woman",
                               concerns=("sciatica",), languages=("English", "Tamil"))
    make_verified_practitioner(app, display_name="Ravi Home Physio", modalities=("physiotherapy",), gender="man",
                               concerns=("sciatica",), venue_type=VenueType.HOME_VISIT)
    make_verified_practitioner(app, display_name="Lata Massage", modalities=("massage",), concerns=("back-spasm",),
                               fees=(("Session", 60, 90000, "INR"),))
    make_verified_practitioner(app, display_name="Vidya Video Physio", modalities=("physiotherapy",),
                               concerns=("sciatica",), offers_online=True, city="Mumbai", lat=19.076, lon=72.8777)
    for n in range(23):  # enough for a second page
        make_verified_practitioner(app, display_name=f"Asha Needles {n}", modalities=("acupuncture",),
                                   concerns=("sciatica",), lat=12.95 + n / 1000)


def search_links(page: str) -> list[str]:
    """The page's links to the search page, as a browser would follow them."""
    hrefs = (markup.unescape(h) for h in re.findall(r'href="([^"]+)"', page))
    return sorted({h for h in hrefs if urlsplit(h).path == "/search" and urlsplit(h).query})


@pytest.mark.parametrize("params", [
    # a therapy, a kind of place, a way of being seen, a language, a gender and a budget read from the words
    {"q": "a female Tamil-speaking physio who does home visits for my sciatica under ₹2,000", "near": "Bengaluru"},
    {"q": "online physio for sciatica", "near": "Bengaluru"},
    {"q": "face to face physio for my sciatica in Bangalore"},  # the town too
    {"q": "acupuncture Bangalore"},  # no concern: the concerns to pick from
    {"concern": "sciatica", "near": "Bengaluru", "sort": "nearest"},  # the order, and the next page
    {"concern": "sciatica", "near": "Bengaluru", "gender": "non_binary", "max_price": "500"},  # nobody: widen
    {"q": "purple elephant", "near": "Bengaluru"},  # nothing read: only concerns
])
def test_every_link_from_a_results_page_leads_to_a_working_search(client, listed, params):
    first = client.get("/search", query_string=params)
    assert first.status_code == 200
    links = search_links(first.get_data(as_text=True))
    assert links, "the page offers ways on"
    for link in links:
        response = client.get(link)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, link
        assert "Not a valid choice" not in body and 'class="form-errors"' not in body, link


def test_urgent_advice_says_how_to_undo_what_caused_it(client):
    """Ticked: change the answers. Read from the words: change the words."""
    typed = one_line(client.get("/search", query_string={"q": "I can't control my bladder", "near": "Bengaluru"})
                     .get_data(as_text=True))
    assert "Did we read your words wrongly?" in typed and "Ticked something by mistake?" not in typed
    ticked = one_line(client.get("/search", query_string={"concern": "sciatica", "near": "Bengaluru",
                                                          "red_flags": "fever"}).get_data(as_text=True))
    assert "Ticked something by mistake?" in ticked and "Did we read your words wrongly?" not in ticked


def test_other_places_the_name_could_mean_read_as_a_list(client, listed):
    html = one_line(client.get("/search", query_string={"concern": "sciatica", "near": "London"}).get_data(as_text=True))
    alternatives = re.search(r"Not the place you meant\? Try (.*?)\.\s*</p>", html).group(1)
    assert " or <a" in alternatives and ", <a" not in alternatives  # "A or B", "A; B or C": never "A, B"


def test_a_page_past_the_last_leads_back_to_the_first(client, listed):
    html = one_line(client.get("/search", query_string={"concern": "sciatica", "near": "Bengaluru", "page": "9"})
                    .get_data(as_text=True))
    assert "No verified practitioner matches this search on this page." in html
    assert re.search(r"This search has \d+ practitioners, on the first pages: <a href=\"/search\?concern=sciatica&amp;"
                     r"near=Bengaluru\">go to the first page</a>", html)


@pytest.mark.parametrize(("param", "words"), [
    ("modality", "We list no therapy called 'reiki'. Choose one from the list, or any therapy."),
    ("technique", "We list no technique called 'reiki'. Choose one from the list, or any technique."),
    ("concern", "We list no concern called 'reiki'. Pick one from the list, or describe it in your own words."),
])
def test_an_old_link_to_a_term_we_do_not_list_says_so_in_plain_words(client, listed, param, words):
    """A bookmark or a link from elsewhere may name a therapy since retired; the page and the
    API say so as a seeker would understand it, not "Unknown modality"."""
    query = {"concern": "sciatica", "near": "Bengaluru", param: "reiki"}
    page = markup.unescape(one_line(client.get("/search", query_string=query).get_data(as_text=True)))
    assert words in page and "Unknown" not in page
    problem = client.get("/api/v1/search", query_string=query)
    assert problem.status_code == 400 and problem.get_json()["errors"][param] == [words]
