"""A therapy the seeker turns down in their own words ("no acupuncture", "anything but
massage", "scared of needles"), or leaves out with ``exclude``, is left out: whoever offers
only it is not listed, whoever offers it with other therapies is matched on those and told
so, and the page says what it left out with a way to show it too. What the words only tell
of having had ("acupuncture didn't help") or doubt is not left out."""

from __future__ import annotations

import html as markup
import re

import pytest

from tests.builders import make_verified_practitioner
from tests.search.test_search_api import ids, search
from tests.search.test_search_care_words import one_line, page, sent_back


@pytest.fixture
def team(app):  # noqa: ANN001, ANN201
    """Four practitioners in Bengaluru who all treat sciatica; one offers acupuncture with cupping."""
    return {
        "acupuncture": make_verified_practitioner(app, display_name="Asha Needles", modalities=("acupuncture",),
                                                  techniques=("dry-needling",), concerns=("sciatica",)),
        "both": make_verified_practitioner(app, display_name="Kiran Cups", modalities=("acupuncture", "cupping"),
                                           techniques=("electro-acupuncture", "cupping"), concerns=("sciatica",)),
        "physiotherapy": make_verified_practitioner(app, display_name="Meera Physio", modalities=("physiotherapy",),
                                                    techniques=("exercise-therapy",), concerns=("sciatica",)),
        "massage": make_verified_practitioner(app, display_name="Bina Massage", modalities=("massage",),
                                              techniques=("deep-tissue-massage",), concerns=("sciatica",)),
    }


def result_of(body: dict, practitioner) -> dict:  # noqa: ANN001
    return next(r for r in body["results"] if r["practitioner"]["id"] == practitioner.id)


def test_a_therapy_turned_down_is_left_out_and_said(client, team):
    body = search(client, q="sciatica but not acupuncture please", near="Bengaluru")
    assert set(ids(body)) == {team["both"].id, team["physiotherapy"].id, team["massage"].id}
    assert body["declined_from_text"] == [{"slug": "acupuncture", "name": "Acupuncture", "kind": "modality",
                                           "matched": "not acupuncture"}]  # the words that turned it down
    assert body["therapy_from_text"] is None and body["therapies_from_text"] == []
    # who offers it with cupping is matched on cupping, not shown electro-acupuncture, and told
    both = result_of(body, team["both"])
    assert both["left_out"] == [{"applies_to": "acupuncture", "message": "Acupuncture is left out, as you asked."}]
    assert both["practitioner"]["techniques"] == ["Cupping therapy"]
    assert not any("acupuncture" in reason.lower() for reason in both["reasons"])
    assert both["cautions"] == []
    assert result_of(body, team["physiotherapy"])["left_out"] == []


@pytest.mark.parametrize(("q", "matched"), [
    ("sciatica, scared of needles", "scared of needles"),
    ("sciatica but no needles please", "no needles"),
    ("I have a needle phobia, sciatica", "needle phobia"),
    ("sciatica hai, sui se darr lagta hai", "sui se darr"),  # Hinglish: needles frighten me
])
def test_needles_turned_down_leave_out_acupuncture(client, team, q, matched):
    body = search(client, q=q, near="Bengaluru")
    assert team["acupuncture"].id not in ids(body) and team["both"].id in ids(body)
    assert [(t["slug"], t["matched"]) for t in body["declined_from_text"]] == [("acupuncture", matched)]


def test_a_list_turned_down_leaves_out_each(client, team):
    body = search(client, q="sciatica, no acupuncture or massage", near="Bengaluru")
    assert set(ids(body)) == {team["both"].id, team["physiotherapy"].id}
    assert [(t["slug"], t["matched"]) for t in body["declined_from_text"]] == [
        ("acupuncture", "no acupuncture"), ("massage", "massage")]  # (the second by the list it ends)


def test_a_therapy_turned_down_with_other_care_is_left_out(client, team):
    """Care the search lists nothing of, named in the refusal, carries it to the therapy
    ("I don't want surgery, injections, or acupuncture"), echoed as written; "can't stand"
    a therapy is a dislike, and asks nothing of the legs."""
    body = search(client, q="sciatica. I don't want surgery, injections, or acupuncture", near="Bengaluru")
    assert team["acupuncture"].id not in ids(body) and team["both"].id in ids(body)
    assert [(t["slug"], t["matched"]) for t in body["declined_from_text"]] == [
        ("acupuncture", "don't want surgery, injections, or acupuncture")]
    body = search(client, q="sciatica, I can't stand massage", near="Bengaluru")
    assert body["questions"] == [] and not body["urgent"]
    assert set(ids(body)) == {team["acupuncture"].id, team["both"].id, team["physiotherapy"].id}


@pytest.mark.parametrize("q", [
    "acupuncture didn't help my sciatica",  # had it: another acupuncturist may help
    "I've tried everything except acupuncture for my sciatica",
    "not sure about acupuncture for my sciatica",
    "pins and needles down my leg, sciatica",  # a tingling, not needles
])
def test_words_that_do_not_turn_a_therapy_down_leave_nothing_out(client, team, q):
    body = search(client, q=q, near="Bengaluru")
    assert set(ids(body)) == {p.id for p in team.values()}
    assert body["declined_from_text"] == []


def test_a_therapy_asked_for_is_never_left_out(client, team):
    """"No acupuncture, only dry needling": dry needling is acupuncture's here, and asked for."""
    body = search(client, q="no acupuncture, only dry needling for my sciatica", near="Bengaluru")
    assert ids(body) == [team["acupuncture"].id]
    assert body["declined_from_text"] == []
    # a filter chosen wins over the words
    chosen = search(client, q="sciatica, no acupuncture", near="Bengaluru", modality="acupuncture")
    assert set(ids(chosen)) == {team["acupuncture"].id, team["both"].id} and chosen["declined_from_text"] == []


def test_exclude_leaves_out_as_chosen_and_none_keeps_everyone(client, team):
    body = search(client, concern="sciatica", near="Bengaluru", exclude="massage,dry-needling")
    assert set(ids(body)) == {team["both"].id, team["physiotherapy"].id}  # Asha lists only dry needling
    assert body["query"]["exclude"] == "massage,dry-needling" and body["declined_from_text"] == []
    assert result_of(body, team["both"])["left_out"] == []  # (she lists no dry needling)
    # "none" undoes what the words turn down
    undone = search(client, q="sciatica, no acupuncture", near="Bengaluru", exclude="none")
    assert set(ids(undone)) == {p.id for p in team.values()} and undone["declined_from_text"] == []


@pytest.mark.parametrize(("params", "message"), [
    ({"exclude": "reiki"}, "We list no therapy or technique called 'reiki'."),
    ({"exclude": "acupuncture", "modality": "acupuncture"},
     "You chose Acupuncture and asked to leave it out: choose one."),
    ({"exclude": "acupuncture", "technique": "dry-needling"},
     "You chose Acupuncture and asked to leave it out: choose one."),
])
def test_exclude_names_only_listed_therapies_not_one_chosen(client, team, params, message):
    response = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Bengaluru", **params})
    assert response.status_code == 400
    assert response.get_json()["errors"]["exclude"] == [message]


def test_the_page_says_what_it_left_out_and_shows_it_again_on_request(client, team):
    html = page(client, q="sciatica but not acupuncture please", near="Bengaluru")
    assert "Leaving out <strong>Acupuncture</strong>, as you wrote “not acupuncture”." in html
    assert "Acupuncture is left out, as you asked." in html  # on the card of who offers it with cupping
    assert "Asha Needles" not in html
    link = markup.unescape(re.search(r'<a href="([^"]+)">Show it too</a>', html).group(1))
    assert "exclude=none" in link
    shown = client.get(link).get_data(as_text=True)
    assert "Asha Needles" in shown and "Leaving out" not in shown
    # the form keeps it while the words stay, and drops it once they change
    assert '<input type="hidden" name="exclude" value="none">' in shown
    assert '<input type="hidden" name="undid_exclude" value="none">' in shown
    edited = page(client, q="sciatica, no massage", near="Bengaluru", exclude="none", undid_exclude="none",
                  read_q="sciatica but not acupuncture please")
    assert "Leaving out <strong>Massage therapy</strong>" in edited and "Bina Massage" not in edited


def test_nobody_left_once_a_therapy_is_turned_down_offers_it_back(client, app):
    make_verified_practitioner(app, display_name="Asha Needles", modalities=("acupuncture",),
                               techniques=("dry-needling",), concerns=("sciatica",))
    html = page(client, q="sciatica, scared of needles", near="Bengaluru", mode="in_person")
    assert "No verified practitioner matches this search." in html
    assert re.search(r'<a href="[^"]*exclude=none[^"]*">Search Acupuncture too</a>', html)


def test_cracking_turned_down_leaves_out_spinal_manipulation(client, app, team):
    chiro = make_verified_practitioner(app, display_name="Chris Adjust", modalities=("chiropractic",),
                                       techniques=("spinal-manipulation",), concerns=("sciatica",))
    assert chiro.id in ids(search(client, q="sciatica", near="Bengaluru"))
    body = search(client, q="sciatica, I don't want my back cracked", near="Bengaluru")
    assert chiro.id not in ids(body) and team["physiotherapy"].id in ids(body)
    assert [(t["slug"], t["kind"], t["matched"]) for t in body["declined_from_text"]] == [
        ("spinal-manipulation", "technique", "don't want my back cracked")]


def test_courses_of_care_and_evidence_of_what_is_left_out_are_not_offered(app, client):
    """A seeker who said no acupuncture is not sold a course with acupuncture in it, nor shown
    what the guidelines say of it; nor one on blood thinners a course of cupping."""
    from tests.packages.helpers import SOHO, package, practitioner

    physio = practitioner(app, "Priya Physio", "physiotherapy")
    acu = practitioner(app, "Arun Acupuncture", "acupuncture", at=SOHO)
    package(physio, [(physio, "physiotherapy", 4, 45), (acu, "acupuncture", 2, 30)], price=30000,
            name="Physio and needles course")
    package(physio, [(physio, "physiotherapy", 6, 45)], price=25000, name="Physio only course")
    asked = {"concern": "sciatica", "near": "London"}
    everything = search(client, **asked)
    assert {k["name"] for r in everything["results"] for k in r["packages"]} == {"Physio and needles course",
                                                                                "Physio only course"}
    body = search(client, **asked, exclude="acupuncture")
    assert ids(body) == [physio.id]
    assert [k["name"] for k in body["results"][0]["packages"]] == ["Physio only course"]
    html = page(client, q="sciatica, no acupuncture", near="London")
    assert "Physio only course" in html and "Physio and needles course" not in html

    cupper = practitioner(app, "Cara Cups", "cupping", at=SOHO)
    package(physio, [(physio, "physiotherapy", 4, 45), (cupper, "cupping", 2, 30)], price=28000,
            name="Physio and cups course")
    assert "Physio and cups course" in {k["name"] for k in search(client, **asked)["results"][0]["packages"]}
    careful = search(client, **asked, cautions="bleeding-risk")
    assert "Physio and cups course" not in {k["name"] for r in careful["results"] for k in r["packages"]}


def test_a_course_of_a_technique_ruled_out_or_turned_down_is_not_offered(app, client):
    """A course whose sessions are of a technique the seeker's health rules out
    (electro-acupuncture in pregnancy or with a pacemaker) or that they turned down is not
    offered, though its modality is; a course of plain acupuncture still is."""
    from tests.packages.helpers import package, practitioner

    acu = practitioner(app, "Arun Acupuncture", "acupuncture", techniques=("electro-acupuncture", "dry-needling"))
    package(acu, [(acu, "acupuncture/electro-acupuncture", 6, 30)], price=30000, name="Electro course")
    package(acu, [(acu, "acupuncture", 6, 30)], price=25000, name="Acupuncture course")
    package(acu, [(acu, "acupuncture/dry-needling", 6, 30)], price=27000, name="Needling course")

    def courses(**asked: str) -> set[str]:
        return {k["name"] for r in search(client, concern="sciatica", near="London", **asked)["results"]
                for k in r["packages"]}

    assert courses() == {"Electro course", "Acupuncture course", "Needling course"}
    assert courses(cautions="pregnancy") == {"Acupuncture course", "Needling course"}
    assert courses(cautions="pacemaker") == {"Acupuncture course", "Needling course"}
    assert courses(cautions="bleeding-risk") == {"Electro course", "Acupuncture course"}
    assert courses(exclude="dry-needling") == {"Electro course", "Acupuncture course"}
    html = page(client, q="sciatica, I'm pregnant", near="London")
    assert "Acupuncture course" in html and "Electro course" not in html


def test_what_the_guidelines_say_is_not_shown_for_a_therapy_left_out(client, team):
    body = search(client, q="sciatica but not acupuncture please", near="Bengaluru")
    both = result_of(body, team["both"])
    evidence = {m["slug"]: m["evidence"] for m in both["practitioner"]["modalities"]}
    assert evidence["acupuncture"] == [] and evidence["cupping"]
    assert search(client, q="sciatica", near="Bengaluru")["results"][0]["practitioner"]["modalities"][0]["evidence"]


def test_the_page_says_what_a_chosen_exclude_leaves_out(client, team):
    html = page(client, concern="sciatica", near="Bengaluru", exclude="acupuncture,massage")
    assert "Leaving out <strong>Acupuncture and Massage therapy</strong>, as chosen." in html
    assert "Asha Needles" not in html and "Bina Massage" not in html and "Meera Physio" in html
    link = markup.unescape(re.search(r'<a href="([^"]+)">Show them too</a>', html).group(1))
    assert "exclude" not in link and "Asha Needles" in client.get(link).get_data(as_text=True)


def test_therapies_chosen_and_turned_down_in_the_words_are_both_left_out(client, team):
    body = search(client, q="sciatica, no massage", near="Bengaluru", exclude="cupping")
    assert set(ids(body)) == {team["acupuncture"].id, team["both"].id, team["physiotherapy"].id}
    assert [t["slug"] for t in body["declined_from_text"]] == ["massage"]
    assert result_of(body, team["both"])["left_out"][0]["applies_to"] == "cupping"
    # "none" among them: the words' refusals do not count, the choice does
    shown = search(client, q="sciatica, no massage", near="Bengaluru", exclude="cupping,none")
    assert team["massage"].id in ids(shown) and shown["declined_from_text"] == []
    assert result_of(shown, team["both"])["left_out"][0]["applies_to"] == "cupping"


def test_the_common_things_to_leave_out_are_offered_under_more_filters(client, team):
    html = page(client, concern="sciatica", near="Bengaluru")
    assert '<legend>Leave out</legend>' in html
    assert re.search(r'<input type="checkbox" id="exclude-acupuncture" name="exclude" value="acupuncture">', html)
    ticked = page(client, concern="sciatica", near="Bengaluru", exclude="acupuncture")
    assert re.search(r'<input type="checkbox" id="exclude-acupuncture" name="exclude" value="acupuncture" checked>',
                     ticked)
    assert '<details class="more-filters" open>' in ticked  # a filter chosen shows where
    assert "Asha Needles" not in ticked and "Leaving out <strong>Acupuncture</strong>, as chosen." in ticked
    # boxes and other values sent together (a partner's link kept hidden) all count
    both = client.get("/search", query_string=[("concern", "sciatica"), ("near", "Bengaluru"),
                                               ("exclude", "acupuncture"), ("exclude", "massage")])
    html = one_line(both.get_data(as_text=True))
    assert "Leaving out <strong>Acupuncture and Massage therapy</strong>, as chosen." in html
    assert '<input type="hidden" name="exclude" value="massage">' in html


def test_show_it_too_is_undone_once_the_words_change_and_a_box_stays_ticked(client, team):
    edited = page(client, q="sciatica, no massage", near="Bengaluru", exclude="cupping,none", undid_exclude="none",
                  read_q="sciatica, no acupuncture")
    assert "Leaving out <strong>Massage therapy</strong>, as you wrote “no massage”." in edited
    assert "Leaving out <strong>Cupping therapy</strong>, as chosen." in edited


def test_a_therapy_turned_down_in_the_words_ticks_its_leave_out_box(client, team):
    """"No acupuncture" left acupuncture out while its "Leave out" box showed unticked."""
    first = page(client, q="sciatica, no acupuncture please", near="Bengaluru")
    assert re.search(r'<input type="checkbox" id="exclude-acupuncture" name="exclude" value="acupuncture" checked>',
                     first)
    assert re.search(r'<input type="checkbox" id="exclude-cupping" name="exclude" value="cupping">', first)
    assert '<details class="more-filters">' in first  # read from the words, which the results name
    back = sent_back(first)
    assert back["read_exclude"] == "acupuncture"
    # sent back as it is (the box ticked): read again from the words, and said so
    same = page(client, **back, near="Bengaluru")
    assert "Leaving out <strong>Acupuncture</strong>, as you wrote “no acupuncture”." in same
    assert "Asha Needles" not in same and "as chosen" not in same
    # the box unticked, another ticked: acupuncture is shown again, the box ticked is chosen
    unticked = page(client, **{**back, "exclude": "cupping"}, near="Bengaluru")
    assert "Asha Needles" in unticked and "Leaving out <strong>Cupping therapy</strong>, as chosen." in unticked
    assert "as you wrote “no acupuncture”" not in unticked
    # the words edited: read again, whatever the box
    edited = page(client, **{**back, "q": "sciatica, no massage"}, near="Bengaluru")
    assert "Asha Needles" in edited and "Bina Massage" not in edited


def test_a_technique_turned_down_ticks_no_box_wider_than_it(client, team):
    html = page(client, q="sciatica, no dry needling", near="Bengaluru")
    assert re.search(r'<input type="checkbox" id="exclude-acupuncture" name="exclude" value="acupuncture">', html)
    assert "read_exclude" not in html
