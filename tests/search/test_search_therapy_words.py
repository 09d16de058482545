"""A therapy named in the free text ("physio for sciatica") narrows the search to it, as
the therapy filter would, says so, and can be undone with ``modality=any``."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.taxonomy import services as taxonomy
from marketplace.taxonomy.models import Modality
from tests.builders import make_admin, make_verified_practitioner
from tests.search.test_search_api import ids, search


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
    assert "Showing only <strong>Physiotherapy</strong>, as you wrote\n        “physio”" in html
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
