"""A therapy asked for that the relevance table has not helping with the concern searched
("Ayurveda for a slipped disc") is found as asked, and the search says so: the results'
reasons speak only of what else their practitioners offer."""

from __future__ import annotations

import html as markup

import pytest

from tests.builders import make_verified_practitioner
from tests.search.test_search_api import ids, search
from tests.search.test_search_care_words import page

UNFIT = ("Ayurveda is not among the therapies we know to help with disc-related pain. Practitioners who offer it are "
         "shown, as you asked; each result says which of their therapies do, if any.")


@pytest.fixture
def vaidya(app):  # noqa: ANN001, ANN201
    return make_verified_practitioner(app, display_name="Ravi Vaidya", modalities=("ayurveda", "physiotherapy"),
                                      techniques=("kati-basti", "exercise-therapy"),
                                      concerns=("disc-related-pain", "chronic-low-back-pain"))


def test_a_therapy_asked_for_that_does_not_fit_the_concern_is_said(client, vaidya):
    body = search(client, q="ayurvedic treatment for my slipped disc", near="Bengaluru")
    assert ids(body) == [vaidya.id]
    assert UNFIT in body["notes"]
    assert "Physiotherapy is commonly used for disc-related pain" in body["results"][0]["reasons"]
    assert UNFIT in markup.unescape(page(client, q="ayurvedic treatment for my slipped disc", near="Bengaluru"))
    # chosen under the filters, as written
    assert UNFIT in search(client, concern="disc-related-pain", modality="ayurveda", near="Bengaluru")["notes"]
    # a technique, by the name it reads by
    body = search(client, q="kati basti for a slipped disc", near="Bengaluru")
    assert any(n.startswith("Kati Basti is not among the therapies we know to help with disc-related pain.")
               for n in body["notes"])


@pytest.mark.parametrize("q", [
    "ayurveda for chronic lower back pain",  # it can help, as the reasons then say
    "physio for my slipped disc",
    "slipped disc",  # no therapy asked
    "ayurveda or physio for my slipped disc",  # physio fits; ayurveda is still said
])
def test_a_therapy_that_fits_is_not_said_to_be_unfit(client, vaidya, q):
    notes = search(client, q=q, near="Bengaluru")["notes"]
    unfit = [n for n in notes if "is not among the therapies" in n or "are not among the therapies" in n]
    assert unfit == ([UNFIT] if q.startswith("ayurveda or physio") else [])


def test_nothing_is_said_of_a_therapy_where_nobody_is_shown(client, vaidya):
    body = search(client, q="ayurvedic treatment for my slipped disc", near="Leeds")
    assert body["results"] == []
    assert not [n for n in body["notes"] if "not among the therapies" in n]
