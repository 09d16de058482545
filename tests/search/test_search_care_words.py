"""A therapy or a kind of place named in the free text ("physio for sciatica", "home
visits") narrows the search to it, as its filter would, says so, and can be undone with
``modality=any`` / ``venue_type=any``."""

from __future__ import annotations

import re

import pytest

from marketplace.extensions import db
from marketplace.practitioners.models import VenueType
from marketplace.taxonomy import services as taxonomy
from marketplace.taxonomy.models import Modality
from tests.builders import make_admin, make_verified_practitioner
from tests.search.test_search_api import ids, search


def one_line(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def team(app):  # noqa: ANN001, ANN201
    """Three practitioners in Bengaluru who all treat sciatica, by different therapies."""
    return {
        "acupuncture": make_verified_practitioner(app, display_name="Asha Needles", modalities=("acupuncture",),
                                                  techniques=("dry-needling",), concerns=("sciatica",)),
        "physiotherapy": make_verified_practitioner(app, display_name="Meera Physio", modalities=("physiotherapy",),
                                                    techniques=("exercise-therapy",), concerns=("sciatica",)),
        "massage": make_verified_practitioner(app, display_name="Bina Massage", modalities=("massage",),
                                              techniques=("deep-tissue-massage",), concerns=("sciatica",)),
    }


def test_physio_in_the_text_shows_physiotherapists_only_and_says_so(client, team):
    body = search(client, q="physio for my sciatica", near="Bengaluru")
    assert ids(body) == [team["physiotherapy"].id]
    assert body["therapy_from_text"] == {"slug": "physiotherapy", "name": "Physiotherapy", "kind": "modality",
                                         "matched": "physio"}
    assert [c["slug"] for c in body["concerns"]] == ["sciatica"]


def test_a_technique_named_narrows_to_those_who_practise_it(client, team):
    body = search(client, q="a deep tissue massage for sciatica", near="Bengaluru")
    assert ids(body) == [team["massage"].id]
    assert body["therapy_from_text"]["kind"] == "technique"
    assert body["therapy_from_text"]["slug"] == "deep-tissue-massage"


@pytest.mark.parametrize("q", [
    "physio didn't help my sciatica",  # a failed therapy: the seeker may want another
    "sciatica, acupuncture or physio",  # undecided
    "sciatica but not acupuncture please",  # turned down
    "pinched nerve down my leg",  # no therapy named
])
def test_text_that_does_not_ask_for_one_therapy_keeps_every_therapy(client, team, q):
    body = search(client, q=q, near="Bengaluru")
    assert set(ids(body)) == {p.id for p in team.values()}
    assert body["therapy_from_text"] is None


def test_modality_any_keeps_every_therapy_and_a_chosen_filter_wins_over_the_text(client, team):
    every = search(client, q="physio for my sciatica", near="Bengaluru", modality="any")
    assert set(ids(every)) == {p.id for p in team.values()}
    assert every["therapy_from_text"] is None and every["query"]["modality"] == "any"
    chosen = search(client, q="physio for my sciatica", near="Bengaluru", modality="massage")
    assert ids(chosen) == [team["massage"].id] and chosen["therapy_from_text"] is None


def test_a_retired_modality_is_not_read_from_the_text(client, team):
    physiotherapy = db.session.scalar(db.select(Modality).filter_by(slug="physiotherapy"))
    taxonomy.set_term_active("modality", physiotherapy.id, False, make_admin())
    db.session.commit()
    body = search(client, q="physio for my sciatica", near="Bengaluru")
    assert body["therapy_from_text"] is None


def test_the_page_says_what_it_narrowed_to_and_links_to_every_therapy(client, team):
    page = client.get("/search", query_string={"q": "physio for my sciatica", "near": "Bengaluru"})
    html = page.get_data(as_text=True)
    assert "Showing only <strong>Physiotherapy</strong>, as you wrote “physio”." in one_line(html)
    assert "Meera Physio" in html and "Asha Needles" not in html
    # the filter shows the therapy as chosen, and "Any therapy" means it (modality=any)
    assert '<option selected value="physiotherapy">Physiotherapy</option>' in html
    assert '<option value="any">Any therapy</option>' in html
    # the filters stay folded: the note above the results says what was narrowed
    assert '<details class="more-filters">' in html
    every = client.get("/search", query_string={"q": "physio for my sciatica", "near": "Bengaluru",
                                                 "modality": "any"}).get_data(as_text=True)
    assert "Showing only" not in every and "Asha Needles" in every and "Meera Physio" in every
    assert '<option selected value="any">Any therapy</option>' in every
    chosen = client.get("/search", query_string={"q": "physio for my sciatica", "near": "Bengaluru",
                                                  "modality": "massage"}).get_data(as_text=True)
    assert '<details class="more-filters" open>' in chosen and "Bina Massage" in chosen


@pytest.fixture
def visiting(app, team):  # noqa: ANN001, ANN201
    """A physiotherapist in Bengaluru who sees people at home."""
    return make_verified_practitioner(app, display_name="Ravi Home Physio", modalities=("physiotherapy",),
                                      concerns=("sciatica",), venue_type=VenueType.HOME_VISIT)


def test_home_visits_in_the_text_show_those_who_visit(client, team, visiting):
    body = search(client, q="a physio who does home visits for my sciatica", near="Bengaluru", mode="in_person")
    assert ids(body) == [visiting.id]
    assert body["venue_from_text"] == {"value": "home_visit", "name": "Home visits", "matched": "home visits"}
    assert body["therapy_from_text"]["slug"] == "physiotherapy"
    every = search(client, q="a physio who does home visits for my sciatica", near="Bengaluru", mode="in_person",
                   venue_type="any")
    assert set(ids(every)) == {team["physiotherapy"].id, visiting.id} and every["venue_from_text"] is None


def test_working_at_home_is_not_asking_for_home_visits(client, team, visiting):
    body = search(client, q="I work at home and my sciatica is bad", near="Bengaluru", mode="in_person")
    assert body["venue_from_text"] is None and len(ids(body)) == 4


def test_the_page_names_both_and_offers_a_way_back_from_each(client, team, visiting):
    html = one_line(client.get("/search", query_string={
        "q": "physio home visit for sciatica", "near": "Bengaluru", "mode": "in_person"}).get_data(as_text=True))
    assert ("Showing only <strong>Physiotherapy</strong>, <strong>home visits</strong>, as you wrote “physio” and "
            "“home visit”.") in html
    assert "Show every therapy</a> · <a" in html and "Show every kind of place</a>" in html
    assert '<option selected value="home_visit">Home visits</option>' in html
    assert '<option value="any">Any kind of place</option>' in html
    assert "Ravi Home Physio" in html and "Meera Physio" not in html
    # no concern read: the page asks for one and narrows nothing yet
    unread = one_line(client.get("/search", query_string={
        "q": "physio home visit please", "near": "Bengaluru"}).get_data(as_text=True))
    assert "We could not tell which concern" in unread and "Showing only" not in unread
