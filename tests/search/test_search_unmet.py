"""What the seeker's words wish for that no search here can meet (an NHS physio, their
insurer, free care, a day or time, step-free access, ratings, an order by years of experience)
is said in a note beside the results, not silently ranked as if it had been met."""

from __future__ import annotations

import html as markup
import re

import pytest

from tests.builders import make_verified_practitioner
from tests.search.test_search_api import ids, search
from tests.search.test_search_care_words import page


@pytest.fixture
def physio(app):  # noqa: ANN001, ANN201
    return make_verified_practitioner(app, display_name="Meera Physio", modalities=("physiotherapy",),
                                      techniques=("exercise-therapy",), concerns=("sciatica",))


@pytest.mark.parametrize(("q", "note"), [
    ("NHS physio for sciatica", "We list private practitioners, who charge for their sessions. NHS physiotherapy is "
                                "free: ask your GP, or refer yourself where your area allows it."),
    ("sciatica, physio covered by Bupa", "We do not show which insurers cover a practitioner yet: ask them before you "
                                         "book whether your insurance covers their sessions."),
    # ("pain" before a wish says only that "pain free" is no wish for free care)
    ("sciatica physio for back pain covered by insurance", "We do not show which insurers cover a practitioner yet: "
                                                           "ask them before you book whether your insurance covers "
                                                           "their sessions."),
    ("sciatica, is there free physio", "Sessions here are paid, and each result shows its price. For free care, ask "
                                       "your doctor about public services where you live."),
    ("sciatica physio open on Sunday", "We cannot search by day or time yet: each result shows when the practitioner "
                                       "can next see you, where they publish their hours."),
    ("sciatica, can someone see me today", "We cannot search by day or time yet: each result shows when the "
                                           "practitioner can next see you, where they publish their hours."),
    ("sciatica, I use a wheelchair", "We do not list access details (step-free access, parking) yet: ask the "
                                     "practitioner before you book."),
    ("best rated physio for sciatica", "There are no ratings or reviews here yet: every practitioner shown had their "
                                       "licence checked, and each result says why it matches."),
    ("an experienced physio for my sciatica", "Each result shows the years in practice its practitioner states, where "
                                              "they state them: we check licences, not years of experience, and "
                                              "results are not ordered by them."),
])
def test_a_wish_no_search_meets_is_said_beside_the_results(client, physio, q, note):
    body = search(client, q=q, near="Bengaluru")
    assert ids(body) == [physio.id]
    assert note in body["notes"]
    assert note in markup.unescape(page(client, q=q, near="Bengaluru"))


@pytest.mark.parametrize("q", [
    "I hurt my back parking the car",  # parking, not a car park
    "I experienced a sharp pain down my leg",  # a verb
    "sciatica, want to be pain free",
    "sciatica since Sunday",
    "sciatica, no parking needed",
])
def test_words_that_wish_for_nothing_unmet_add_no_note(client, physio, q):
    body = search(client, q=q, near="Bengaluru")
    assert not [n for n in body["notes"] if n.startswith(("We list private", "We do not", "We cannot", "There are no",
                                                          "Sessions here"))]


def test_a_wish_is_not_said_where_nobody_is_shown(client, physio):
    """Words that name no concern or care only ask which concern: no list to say it of."""
    body = search(client, q="best rated please", near="Bengaluru")
    assert body["results"] == [] and body["suggestions"]
    assert body["notes"] == []


@pytest.mark.parametrize(("q", "near", "budget"), [
    ("cheap physio for sciatica", "Bengaluru", "“under ₹1,000”"),
    ("an affordable physio for my sciatica", "Leeds", "“under £40”"),
    ("koi sasta physio batao, sciatica", "Pune", "“under ₹1,000”"),  # Hinglish: a cheap one
    ("I can't afford much, sciatica", "Leeds", "“under £40”"),
])
def test_a_low_price_asked_for_says_how_to_set_a_budget(client, physio, q, near, budget):
    """Nothing is ordered by price, so "cheap" is told so, with a budget in the currency where
    it searches, which the words then read."""
    body = search(client, q=q, near=near)
    note = ("Results are ordered by how well they fit, not by price, and each shows its price. To see only sessions "
            f"within your budget, write the most you would pay ({budget}) or set a maximum price under “More "
            "filters”.")
    assert note in body["notes"]
    assert note in markup.unescape(page(client, q=q, near=near))
    with_budget = search(client, q=f"{q} {budget.strip('“”')}", near=near)
    assert with_budget["budget_from_text"]["matched"] == budget.strip("“”")
    assert note not in with_budget["notes"]  # a budget set: no more to say


@pytest.mark.parametrize("q", ["how much does physio cost for sciatica", "sciatica, price of a physio session"])
def test_a_question_of_cost_says_each_result_shows_its_price(client, physio, q):
    """"How much does physio cost" was given no word on price."""
    body = search(client, q=q, near="Leeds")
    note = ("Each practitioner sets their own price, and each result shows it. To see only sessions within your "
            "budget, write the most you would pay (“under £40”) or set a maximum price under “More filters”.")
    assert note in body["notes"]
    assert note not in search(client, q=f"{q}, under £40", near="Leeds")["notes"]  # a budget set: no more to say


def test_an_urgent_appointment_says_no_search_by_time(client, physio):
    body = search(client, q="sciatica, need a physio appointment asap", near="Bengaluru")
    assert ids(body) == [physio.id]
    assert ("We cannot search by day or time yet: each result shows when the practitioner can next see you, where "
            "they publish their hours.") in body["notes"]


def test_each_result_shows_the_years_in_practice_its_practitioner_states(app, client, physio):
    """What "an experienced physio" can be told: the years stated, on the card and in the API
    (not checked, and said only where stated)."""
    quiet = make_verified_practitioner(app, display_name="Nila Physio", modalities=("physiotherapy",),
                                       concerns=("sciatica",), years_in_practice=None)
    body = search(client, q="an experienced physio for my sciatica", near="Bengaluru")
    stated = {r["practitioner"]["id"]: r["practitioner"]["years_in_practice"] for r in body["results"]}
    assert stated == {physio.id: 8, quiet.id: None}
    html = markup.unescape(page(client, q="an experienced physio for my sciatica", near="Bengaluru"))
    assert "From <strong>₹1,500.00</strong> a session · 8 years in practice · Speaks English" in html
    assert len(re.findall(r"\d+ years? in practice", html)) == 1  # (only where stated)
