"""A therapy, a kind of place, a way of being seen or a language named in the free text ("physio for
sciatica", "home visits", "an online consultation") narrows the search to it, as its
filter would, says so, and can be undone with ``modality=any`` / ``venue_type=any`` /
``mode=any`` / ``language=any``. A kind of place means in person: online sessions happen at none."""

from __future__ import annotations

import html as markup
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from marketplace.extensions import db
from marketplace.practitioners.models import VenueType
from marketplace.taxonomy import services as taxonomy
from marketplace.taxonomy.models import Modality
from tests.builders import make_admin, make_verified_practitioner
from tests.search.test_search_api import ids, search


def one_line(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def page(client, **params) -> str:  # noqa: ANN001
    """The search page for ``params``, on one line."""
    return one_line(client.get("/search", query_string=params).get_data(as_text=True))


def sent_back(html: str) -> dict[str, str]:
    """What the page's form sends back unchanged for the fields it filled in from the words:
    each ``read_<field>`` hidden input, and the field showing that value."""
    hidden = {name: markup.unescape(value) for name, value in
              re.findall(r'<input type="hidden" name="((?:read|undid)_\w+)" value="([^"]*)">', html)}
    shown = {name.removeprefix("read_").removeprefix("undid_"): value for name, value in hidden.items()}
    return {**hidden, **shown}


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


def test_a_mistyped_therapy_is_read_and_echoed_as_typed(client, team):
    """"as you wrote “acupuncture”" would put words in the seeker's mouth."""
    body = search(client, q="accupuncture for sciatica", near="Bengaluru")
    assert ids(body) == [team["acupuncture"].id]
    assert body["therapy_from_text"]["slug"] == "acupuncture" and body["therapy_from_text"]["matched"] == "accupuncture"
    assert "as you wrote “accupuncture”" in page(client, q="accupuncture for sciatica", near="Bengaluru")


def test_a_technique_named_narrows_to_those_who_practise_it(client, team):
    body = search(client, q="a deep tissue massage for sciatica", near="Bengaluru")
    assert ids(body) == [team["massage"].id]
    assert body["therapy_from_text"]["kind"] == "technique"
    assert body["therapy_from_text"]["slug"] == "deep-tissue-massage"


@pytest.mark.parametrize("q", [
    "physio didn't help my sciatica",  # a failed therapy: the seeker may want another
    "not sure about acupuncture for my sciatica",  # a doubt (turned down, it is left out: test_search_declined)
    "pinched nerve down my leg",  # no therapy named
])
def test_text_that_does_not_ask_for_a_therapy_keeps_every_therapy(client, team, q):
    body = search(client, q=q, near="Bengaluru")
    assert set(ids(body)) == {p.id for p in team.values()}
    assert body["therapy_from_text"] is None and body["therapies_from_text"] == []


@pytest.mark.parametrize("q", [
    "sciatica, acupuncture or physio",
    "acupuncture and physio for my sciatica",
    "acupuncture or physiotherapy, sciatica",
    "dry needling or physio for sciatica",  # a technique and a modality
])
def test_several_therapies_in_the_text_show_who_offers_any_of_them(client, team, q):
    """"Acupuncture or physio" listed the massage therapist too, as if nothing had been
    asked: now those who offer one of the therapies named, each echoed as written."""
    body = search(client, q=q, near="Bengaluru")
    assert set(ids(body)) == {team["acupuncture"].id, team["physiotherapy"].id}
    assert body["therapy_from_text"] is None
    named = body["therapies_from_text"]
    assert [t["slug"] for t in named] in (["acupuncture", "physiotherapy"], ["dry-needling", "physiotherapy"])
    assert all(t["matched"].lower() in q for t in named)


def test_several_therapies_and_a_technique_of_one_of_them(client, team):
    """A modality and its own technique are one therapy ("massage, deep tissue"): the modality."""
    body = search(client, q="acupuncture or a massage, deep tissue if possible, for sciatica", near="Bengaluru")
    assert [t["slug"] for t in body["therapies_from_text"]] == ["acupuncture", "massage"]
    assert set(ids(body)) == {team["acupuncture"].id, team["massage"].id}


@pytest.mark.parametrize("q", [
    "a physio who does dry needling for my sciatica",
    "sciatica, physio with dry needling",
    "dry needling with a physio, sciatica",
    "physiotherapist trained in dry needling for sciatica",
    "dry needling by a physio for my sciatica",
])
def test_two_therapies_asked_of_one_practitioner_show_who_offers_both(client, app, team, q):
    """"A physio who does dry needling" listed every acupuncturist who needles and every
    physiotherapist who does not: now only physiotherapists who also needle."""
    both = make_verified_practitioner(app, display_name="Nina Needling Physio",
                                      modalities=("physiotherapy", "acupuncture"),
                                      techniques=("dry-needling", "exercise-therapy"), concerns=("sciatica",))
    body = search(client, q=q, near="Bengaluru")
    assert ids(body) == [both.id]
    assert {t["slug"] for t in body["therapies_from_text"]} == {"physiotherapy", "dry-needling"}
    assert body["therapies_together"] is True
    # side by side, either will do
    either = search(client, q="physio or dry needling for my sciatica", near="Bengaluru")
    assert set(ids(either)) == {both.id, team["acupuncture"].id, team["physiotherapy"].id}
    assert either["therapies_together"] is False


def test_nobody_offering_both_shows_who_offers_either_and_says_so(client, app, team):
    """Nobody offers both within 200 km (or online): rather than nobody, those who offer one of
    them, with a word. Someone who does further away is offered as the nearest instead."""
    body = search(client, q="a physio who does dry needling for my sciatica", near="Bengaluru")
    assert set(ids(body)) == {team["acupuncture"].id, team["physiotherapy"].id}
    assert body["therapies_together"] is False
    assert ("Nobody who matches offers Physiotherapy and Trigger-point / dry needling together, so these are "
            "practitioners who offer one of them.") in body["notes"]
    html = page(client, q="a physio who does dry needling for my sciatica", near="Bengaluru")
    assert "Showing only <strong>Physiotherapy or Trigger-point / dry needling</strong>" in html
    mysuru = make_verified_practitioner(app, display_name="Nina Needling Physio",
                                        modalities=("physiotherapy", "acupuncture"), techniques=("dry-needling",),
                                        concerns=("sciatica",), city="Mysuru", lat=12.2958, lon=76.6394)
    further = search(client, q="a physio who does dry needling for my sciatica", near="Bengaluru", mode="in_person")
    assert ids(further) == [] and further["therapies_together"] is True
    assert further["nearest_beyond"]["distance_km"] > 100
    assert ids(search(client, q="a physio who does dry needling for my sciatica", near="Bengaluru", mode="in_person",
                      radius_km=200)) == [mysuru.id]


def test_the_page_says_two_therapies_are_asked_of_one_practitioner(client, app, team):
    make_verified_practitioner(app, display_name="Nina Needling Physio", modalities=("physiotherapy", "acupuncture"),
                               techniques=("dry-needling",), concerns=("sciatica",))
    html = page(client, q="a physio who does dry needling for my sciatica", near="Bengaluru")
    assert ("Showing only <strong>Physiotherapy with Trigger-point / dry needling</strong>, as you wrote “physio” and "
            "“dry needling”." in html)
    assert "Nina Needling Physio" in html and "Meera Physio" not in html and "Asha Needles" not in html
    assert '<option selected value="">Physiotherapy with Trigger-point / dry needling</option>' in html


def test_the_page_names_several_therapies_and_undoes_them_at_once(client, team):
    html = page(client, q="acupuncture or physio for my sciatica", near="Bengaluru")
    assert ("Showing only <strong>Acupuncture or Physiotherapy</strong>, as you wrote “acupuncture” and “physio”."
            in html)
    assert "Asha Needles" in html and "Meera Physio" in html and "Bina Massage" not in html
    # the filter shows both as one choice, which sends nothing (the words are read again);
    # "Any therapy" undoes them
    assert '<option selected value="">Acupuncture or Physiotherapy</option>' in html
    assert '<option value="any">Any therapy</option>' in html
    every = page(client, q="acupuncture or physio for my sciatica", near="Bengaluru", modality="any")
    assert "Showing only" not in every and "Bina Massage" in every
    # sent again as shown, the same search
    again = page(client, q="acupuncture or physio for my sciatica", near="Bengaluru", modality="")
    assert "Bina Massage" not in again and "Showing only <strong>Acupuncture or Physiotherapy</strong>" in again
    # nobody offering either within reach: the way back names both
    far = page(client, q="cupping or chiropractic for my sciatica", near="Bengaluru", mode="in_person")
    assert "Search every therapy, not only Cupping therapy or Chiropractic</a>" in far


def test_several_therapies_chosen_in_the_url_show_as_one_choice(client, team):
    """"modality=acupuncture,physiotherapy" (the API's several, in a link): the page lists who
    offers either, and its filter shows them chosen, not "Any therapy"."""
    html = page(client, concern="sciatica", near="Bengaluru", modality="acupuncture,physiotherapy")
    assert "Asha Needles" in html and "Meera Physio" in html and "Bina Massage" not in html
    assert '<option selected value="acupuncture,physiotherapy">Acupuncture or Physiotherapy</option>' in html


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


def test_a_therapy_listed_nowhere_here_is_said_not_silently_dropped(client, team):
    """"Osteopath for sciatica" listed physiotherapists, acupuncturists and massage
    therapists as if they were what was asked for: the page says osteopathy is not listed."""
    body = search(client, q="osteopath for my sciatica", near="Bengaluru")
    assert set(ids(body)) == {p.id for p in team.values()} and body["therapy_from_text"] is None
    assert body["notes"] == ["We do not list osteopathy, so the practitioners shown offer other therapies."]
    assert "We do not list osteopathy" in page(client, q="osteopath for my sciatica", near="Bengaluru")
    # turned down, or a listed therapy chosen: nothing to say
    assert search(client, q="not an osteopath, physio for my sciatica", near="Bengaluru")["notes"] == []
    assert search(client, q="osteopath for my sciatica", near="Bengaluru", modality="massage")["notes"] == []
    # named beside a therapy listed here: those shown offer that one
    beside = search(client, q="physio or osteopath for my sciatica", near="Bengaluru")
    assert ids(beside) == [team["physiotherapy"].id]
    assert beside["notes"] == ["We do not list osteopathy, so the practitioners shown offer Physiotherapy."]
    # several, each named
    several = search(client, q="osteopath or homeopath for my sciatica", near="Bengaluru")
    assert several["notes"] == ["We do not list osteopathy or homeopathy, so the practitioners shown offer other "
                                "therapies."]
    # with nobody listed (no concern named), it says only that
    assert search(client, q="reiki please")["notes"] == ["We do not list reiki."]
    assert search(client, q="acupressure please")["notes"] == ["We do not list acupressure."]
    # once admins list it, it is read as any other therapy
    taxonomy.save_term("modality", taxonomy.TermInput(slug="osteopathy", name="Osteopathy"), make_admin())
    db.session.commit()
    listed = search(client, q="osteopathy for my sciatica", near="Bengaluru")
    assert listed["notes"] == [] and listed["therapy_from_text"]["slug"] == "osteopathy"
    assert search(client, q="osteopath for my sciatica", near="Bengaluru")["notes"] == []


def test_the_page_says_what_it_narrowed_to_and_links_to_every_therapy(client, team):
    html = page(client, q="physio for my sciatica", near="Bengaluru")
    assert "Showing only <strong>Physiotherapy</strong>, as you wrote “physio”." in html
    assert "Meera Physio" in html and "Asha Needles" not in html
    # the filter shows the therapy as chosen, and "Any therapy" means it (modality=any)
    assert '<option selected value="physiotherapy">Physiotherapy</option>' in html
    assert '<option value="any">Any therapy</option>' in html
    # the filters stay folded: the note above the results says what was narrowed
    assert '<details class="more-filters">' in html
    every = page(client, q="physio for my sciatica", near="Bengaluru", modality="any")
    assert "Showing only" not in every and "Asha Needles" in every and "Meera Physio" in every
    assert '<option selected value="any">Any therapy</option>' in every
    chosen = page(client, q="physio for my sciatica", near="Bengaluru", modality="massage")
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


@pytest.fixture
def on_video(app):  # noqa: ANN001, ANN201
    """A physiotherapist in Mumbai who consults online: far from Bengaluru, but a video call away."""
    return make_verified_practitioner(app, display_name="Vidya Video Physio", modalities=("physiotherapy",),
                                      concerns=("sciatica",), offers_online=True, city="Mumbai", lat=19.076,
                                      lon=72.8777)


def test_a_kind_of_place_leaves_online_sessions_out(client, team, visiting, on_video):
    """Home visits are in person: with no mode chosen, online sessions are left out, whether
    the kind of place was read from the words or chosen."""
    read = search(client, q="a physio who does home visits for my sciatica", near="Bengaluru")
    assert ids(read) == [visiting.id] and read["query"]["mode"] == "in_person"
    chosen = search(client, concern="sciatica", near="Bengaluru", venue_type="clinic")
    assert set(ids(chosen)) == {p.id for p in team.values()} and chosen["query"]["mode"] == "in_person"
    # without one, online sessions are in: the Mumbai physio is listed, online
    every = search(client, concern="sciatica", near="Bengaluru")
    assert on_video.id in ids(every) and every["query"]["mode"] == "any"


def test_a_chosen_online_mode_drops_the_kind_of_place_and_says_so(client, team, visiting, on_video):
    chosen = search(client, concern="sciatica", near="Bengaluru", venue_type="clinic", mode="online")
    assert ids(chosen) == [on_video.id]
    assert ("Online sessions take place wherever you are, so the kind of place you chose is not applied."
            in chosen["notes"])
    # a kind of place only read from the words is dropped without a word
    read = search(client, q="physio home visit for sciatica", near="Bengaluru", mode="online")
    assert ids(read) == [on_video.id] and read["venue_from_text"] is None and not read["notes"]


def test_home_visits_without_a_place_ask_where_the_seeker_is(client, visiting):
    response = client.get("/api/v1/search", query_string={"q": "a physio who does home visits for my sciatica"})
    assert response.status_code == 400
    assert "Tell us where you are" in response.get_json()["errors"]["near"][0]


def test_online_in_the_text_shows_online_sessions_only_and_says_so(client, team, visiting, on_video):
    body = search(client, q="an online physio for my sciatica", near="Bengaluru")
    assert ids(body) == [on_video.id]
    assert body["mode_from_text"] == {"value": "online", "name": "online sessions", "matched": "online"}
    assert body["query"]["mode"] == "online"
    assert search(client, q="an online physio for my sciatica", near="Bengaluru", mode="")["query"]["mode"] == "online"
    # a chosen mode wins over the words, and "any" keeps both
    for mode in ("any", "in_person"):
        chosen = search(client, q="an online physio for my sciatica", near="Bengaluru", mode=mode)
        assert chosen["mode_from_text"] is None and team["physiotherapy"].id in ids(chosen)
        assert (on_video.id in ids(chosen)) is (mode == "any")


def test_near_me_without_a_place_asks_where_the_seeker_is(client, team, on_video):
    """'Near me' is somewhere to go: with no place given, the search asks for one instead of
    listing online sessions from anywhere."""
    response = client.get("/api/v1/search", query_string={"q": "physio near me for sciatica"})
    assert response.status_code == 400 and "Tell us where you are" in response.get_json()["errors"]["near"][0]
    html = page(client, q="physio near me for sciatica", mode="")
    assert 'id="near"' in html and "Tell us where you are" in html
    near = search(client, q="physio near me for sciatica", near="Bengaluru")
    assert ids(near) == [team["physiotherapy"].id] and near["mode_from_text"]["matched"] == "near me"


def test_face_to_face_in_the_text_leaves_online_sessions_out(client, team, on_video):
    body = search(client, q="face to face physio for sciatica", near="Bengaluru")
    assert ids(body) == [team["physiotherapy"].id]
    assert body["mode_from_text"]["value"] == "in_person" and body["query"]["mode"] == "in_person"


def test_online_turned_down_leaves_online_sessions_out(client, team, on_video):
    """"No online sessions please" kept every way of being seen, and the page filled with
    online sessions whenever nobody was near: turning one way down asks for the other."""
    body = search(client, q="no online sessions please, physio for sciatica", near="Bengaluru")
    assert ids(body) == [team["physiotherapy"].id] and body["query"]["mode"] == "in_person"
    assert body["mode_from_text"] == {"value": "in_person", "name": "in-person sessions", "matched": "no online"}
    either = search(client, q="physio for sciatica in Bengaluru or online")
    assert either["mode_from_text"] is None and on_video.id in ids(either)


@pytest.mark.parametrize("q", [
    "I read online that physio helps sciatica",  # where they read it
    "online classes all day and now sciatica, physio please",  # what they do all day
])
def test_online_about_something_else_keeps_every_way_of_being_seen(client, team, on_video, q):
    body = search(client, q=q, near="Bengaluru")
    assert body["mode_from_text"] is None and body["query"]["mode"] == "any"
    assert {team["physiotherapy"].id, on_video.id} <= set(ids(body))


def test_online_in_the_words_wins_over_a_kind_of_place_read_with_it(client, visiting, on_video):
    """Both read: a session online happens at no kind of place, so the place gives way."""
    body = search(client, q="online physio session at home for sciatica", near="Bengaluru")
    assert ids(body) == [on_video.id]
    assert body["mode_from_text"]["value"] == "online" and body["venue_from_text"] is None


def test_the_page_says_it_shows_online_sessions_and_offers_both(client, team, on_video):
    html = page(client, q="an online physio for my sciatica", near="Bengaluru", mode="")
    assert ("Showing only <strong>Physiotherapy</strong>, <strong>online sessions</strong>, as you wrote “physio” "
            "and “online”.") in html
    assert "Show in-person sessions too</a>" in html and "mode=any" in html
    # the Online radio is chosen, and "Either" now says so in the URL (mode=any)
    assert 'id="mode-online" name="mode" value="online" checked' in html
    assert 'id="mode-any" name="mode" value="any">' in html
    assert "Vidya Video Physio" in html and "Meera Physio" not in html
    both = page(client, q="an online physio for my sciatica", near="Bengaluru", mode="any")
    assert "Showing only <strong>Physiotherapy</strong>, as you wrote “physio”." in both
    assert "Vidya Video Physio" in both and "Meera Physio" in both
    assert 'id="mode-any" name="mode" value="any" checked' in both


def test_working_at_home_is_not_asking_for_home_visits(client, team, visiting):
    body = search(client, q="I work at home and my sciatica is bad", near="Bengaluru", mode="in_person")
    assert body["venue_from_text"] is None and len(ids(body)) == 4


def test_the_page_names_both_and_offers_a_way_back_from_each(client, team, visiting):
    html = page(client, q="physio home visit for sciatica", near="Bengaluru", mode="in_person")
    assert ("Showing only <strong>Physiotherapy</strong>, <strong>home visits</strong>, as you wrote “physio” and "
            "“home visit”.") in html
    assert "Show every therapy</a> · <a" in html and "Show every kind of place</a>" in html
    assert '<option selected value="home_visit">Home visits</option>' in html
    assert '<option value="any">Any kind of place</option>' in html
    assert "Ravi Home Physio" in html and "Meera Physio" not in html



def test_care_named_without_a_concern_lists_who_offers_it_and_offers_the_concerns(client, team, visiting):
    body = search(client, q="physio home visit please", near="Bengaluru")
    assert ids(body) == [visiting.id] and body["concerns"] == [] and body["without_concern"] is True
    assert body["therapy_from_text"]["slug"] == "physiotherapy" and body["venue_from_text"]["value"] == "home_visit"
    assert len(body["suggestions"]) >= 1
    html = page(client, q="physio home visit please", near="Bengaluru")
    assert "We could not tell what hurts from “physio home visit please”" in html
    assert "not ranked for a concern" in html and "Showing only <strong>Physiotherapy</strong>" in html
    assert "1 practitioner found" in html and "Ravi Home Physio" in html and "Meera Physio" not in html
    assert "Which concern did you mean?" not in html
    disclosure = html.split("How we order these results", 1)[1].split("</details>", 1)[0]
    assert "With no concern to fit" in disclosure and "Best fit first" not in disclosure
    assert "whether they say they treat your concern" not in disclosure
    nearest = page(client, q="physio home visit please", near="Bengaluru", sort="nearest")
    disclosure = nearest.split("How we order these results", 1)[1].split("</details>", 1)[0]
    assert "Nearest first: everyone who matches your search" in disclosure and "what you told us" not in disclosure
    # each offered concern ranks the same search for it
    first = body["suggestions"][0]["slug"]
    assert f"concern={first}" in html.replace("&amp;", "&")


def test_a_therapy_alone_lists_everyone_offering_it_nearby(client, team):
    body = search(client, q="acupuncture", near="Bengaluru")
    assert ids(body) == [team["acupuncture"].id] and body["total"] == 1
    # "Show every therapy" from there lists everyone nearby, still without a concern
    every = search(client, q="acupuncture", near="Bengaluru", modality="any")
    assert set(ids(every)) == {p.id for p in team.values()} and every["suggestions"]
    named = search(client, q="a Tamil speaking physiotherapist", near="Bengaluru")
    assert ids(named) == [] and named["language_from_text"]["name"] == "Tamil"
    html = page(client, q="a Tamil speaking physiotherapist", near="Bengaluru")
    assert "No practitioners found" in html and "No verified practitioner matches this search" in html


def test_words_that_name_neither_a_concern_nor_care_only_ask(client, team):
    body = search(client, q="purple elephant", near="Bengaluru")
    assert body["results"] == [] and body["suggestions"] and body["without_concern"] is False
    html = page(client, q="purple elephant", near="Bengaluru")
    assert "Which concern did you mean?" in html and "We could not tell which concern you meant" in html



@pytest.fixture
def tamil(app):  # noqa: ANN001, ANN201
    """A physiotherapist in Bengaluru who speaks Tamil and English."""
    return make_verified_practitioner(app, display_name="Tamizh Physio", modalities=("physiotherapy",),
                                      concerns=("sciatica",), languages=("English", "Tamil"))


def test_a_language_in_the_text_shows_those_who_speak_it_and_says_so(client, team, tamil):
    body = search(client, q="a Tamil-speaking physio for my sciatica", near="Bengaluru")
    assert ids(body) == [tamil.id]
    assert body["language_from_text"] == {"name": "Tamil", "matched": "Tamil-speaking"}  # as written
    assert "Speaks Tamil" in body["results"][0]["reasons"]
    # "any" keeps every language, and a language typed in the filter wins over the words
    every = search(client, q="a Tamil-speaking physio for my sciatica", near="Bengaluru", language="any")
    assert set(ids(every)) == {team["physiotherapy"].id, tamil.id} and every["language_from_text"] is None
    typed = search(client, q="a Tamil-speaking physio for my sciatica", near="Bengaluru", language="English")
    assert set(ids(typed)) == {team["physiotherapy"].id, tamil.id} and typed["language_from_text"] is None


def test_living_in_tamil_nadu_is_not_asking_for_tamil(client, team, tamil):
    body = search(client, q="I live in Tamil Nadu and have sciatica, physio please", near="Bengaluru")
    assert body["language_from_text"] is None
    assert set(ids(body)) == {team["physiotherapy"].id, tamil.id}


def test_the_page_names_the_language_and_links_to_every_language(client, team, tamil):
    html = page(client, q="physio who speaks Tamil, for sciatica", near="Bengaluru")
    assert ("Showing only <strong>Physiotherapy</strong>, <strong>Tamil speakers</strong>, as you wrote “physio” "
            "and “speaks Tamil”.") in html
    assert "Show every language</a>" in html and "language=any" in html
    assert 'name="language" type="text" value="Tamil"' in html
    assert '<details class="more-filters">' in html  # folded: the note says what was narrowed
    assert "Tamizh Physio" in html and "Meera Physio" not in html
    every = page(client, q="physio who speaks Tamil, for sciatica", near="Bengaluru", language="any")
    assert "Tamil speakers" not in every and "Tamizh Physio" in every and "Meera Physio" in every



def test_a_town_in_the_text_is_searched_near_when_no_place_is_given(client, team, on_video):
    body = search(client, q="physio in Bangalore for my sciatica")
    assert body["place"]["label"] == "Bengaluru, Karnataka, India"
    assert body["place_from_text"] == {"name": "Bangalore", "matched": "in Bangalore"}
    assert team["physiotherapy"].id in ids(body) and body["results"][0]["distance_km"] is not None
    # a neighbourhood the map does not know, with its town
    local = search(client, q="physio in Koramangala, Bangalore for sciatica", mode="in_person")
    assert local["place"]["label"].startswith("Bengaluru") and ids(local) == [team["physiotherapy"].id]
    # a neighbourhood another country has a town of, with its town after it: that town's
    whitefield = search(client, q="physio in Whitefield Bangalore for sciatica", mode="in_person")
    assert whitefield["place"]["label"].startswith("Bengaluru") and ids(whitefield) == [team["physiotherapy"].id]
    # ...or before it, ending the words: the town's (Whitefield in England lost it before)
    ending = search(client, q="physio for sciatica Bangalore Whitefield", mode="in_person")
    assert ending["place"]["label"].startswith("Bengaluru") and ids(ending) == [team["physiotherapy"].id]
    assert ending["place_from_text"] == {"name": "Bangalore Whitefield", "matched": "Bangalore Whitefield"}
    # a place given wins, and a town told of is not read
    given = search(client, q="physio in Pune for my sciatica", near="Bengaluru")
    assert given["place"]["label"].startswith("Bengaluru") and given["place_from_text"] is None
    past = search(client, q="I was in Bangalore last month and now my sciatica is back, physio please")
    assert past["place"] is None and past["place_from_text"] is None and ids(past) == [on_video.id]


def test_where_the_pain_came_on_a_trip_is_not_searched_near(client, team, on_video):
    """"I got back pain on holiday in Spain" asked for a town in Spain; the place tells how
    the pain came. With a town asked for as well, that town is searched."""
    body = search(client, q="I got back pain on holiday in Spain")
    assert body["place"] is None and body["place_from_text"] is None and body["place_suggestions"] == []
    assert not any("Spain" in n for n in body["notes"]) and ids(body) == [on_video.id]
    both = search(client, q="hurt my back on holiday in Barcelona, physio in Bengaluru please")
    assert both["place"]["label"].startswith("Bengaluru")


def test_a_place_the_map_lacks_is_said_not_silently_dropped(app, client, team, on_video):
    """"Neck pain near Koramangala": the offline gazetteer has no Koramangala, and the page
    listed online sessions from anywhere as if no place had been written."""
    body = search(client, q="sciatica physio near Koramangala")
    assert body["place"] is None and body["place_from_text"] is None and ids(body) == [on_video.id]
    assert any("You wrote “near Koramangala”, but we could not find Koramangala on the map" in n
               for n in body["notes"])
    # ...in lower case after "near" too, rather than "No place given"
    lower = search(client, q="chiropractor near heathrow")
    assert lower["place"] is None and lower["notes"][0].startswith(
        "You wrote “near heathrow”, but we could not find heathrow on the map")


def test_a_whole_state_asks_for_a_town_in_it_and_offers_its_biggest(client, team, on_video):
    """"Physio in Karnataka" said only that the map had no Karnataka; a state (or a country)
    needs a town in it, and its biggest towns are offered to choose from."""
    body = search(client, q="sciatica physio in Karnataka")
    assert body["place"] is None and body["place_from_text"] is None and ids(body) == [on_video.id]
    assert body["notes"][:2] == [
        "You wrote “in Karnataka”, a whole state: type your town or city under “Near”, or pick one of the towns "
        "listed there, to see practitioners there.", "Until then, these are online sessions, those based in India "
        "first."]
    assert body["place_suggestions"][0] == "Bengaluru, Karnataka, India" and len(body["place_suggestions"]) == 5
    assert all(s.endswith("Karnataka, India") for s in body["place_suggestions"])
    # "Ontario" is a province before a town in California; "India" a country
    ontario = search(client, q="sciatica physio in Ontario")
    assert ontario["place"] is None and "Toronto, Ontario, Canada" in ontario["place_suggestions"]
    assert "a whole country" in search(client, q="sciatica physio in India")["notes"][0]
    # In person, the place is needed: the same words, as the error, with the towns
    response = client.get("/api/v1/search", query_string={"q": "sciatica physio in Karnataka", "mode": "in_person"})
    problem = response.get_json()
    assert response.status_code == 400 and problem["errors"]["near"][0].startswith("You wrote “in Karnataka”, a whole")
    assert problem["suggestions"][0] == "Bengaluru, Karnataka, India"
    # ...online, where the state says the country to put first, and no town is needed
    online = search(client, q="online physio for sciatica, I live in Kerala")
    assert online["notes"] == ["Online sessions, those based in India first, as you wrote “in Kerala”."]
    assert online["place_suggestions"] == []
    # ...unless the state's name is two countries' ("Georgia")
    georgia = search(client, q="online physio for sciatica, I live in Georgia")
    assert georgia["notes"][0].startswith("You wrote “in Georgia”, a whole state or country")
    # ...not a country's code ("MG" is Madagascar's)
    road = search(client, q="sciatica physio near MG Road")
    assert road["place_suggestions"] == [] and not any("a whole" in n for n in road["notes"])
    assert road["notes"][0].startswith("You wrote “near MG Road”, but we could not find MG Road on the map")
    # ...ending the words, without "in"
    kerala = search(client, q="ayurvedic treatment for slip disc Kerala")
    assert kerala["notes"][0].startswith("You wrote “Kerala”, a whole state")
    assert "Kochi, Kerala, India" in kerala["place_suggestions"]
    lower = search(client, q="ayurvedic treatment for sciatica kerala")  # ...in lower case, no word
    assert lower["notes"][0].startswith("You wrote “kerala”, a whole state")
    # ...in lower case: a retreat is somewhere to go, so the towns come with the error
    response = client.get("/api/v1/search", query_string={"q": "ayurvedic retreat for back pain in kerala"})
    problem = response.get_json()
    assert response.status_code == 400 and problem["errors"]["near"][0].startswith("You wrote “in kerala”, a whole")
    assert "Kochi, Kerala, India" in problem["suggestions"]
    assert search(client, q="online physio for sciatica, I live in the uk")["notes"] == [
        "Online sessions, those based in the United Kingdom first, as you wrote “in the uk”."]
    # A town typed under Near settles it
    near = search(client, q="sciatica physio in Karnataka", near="Bengaluru")
    assert near["place"]["label"].startswith("Bengaluru") and near["place_suggestions"] == []


def test_online_a_country_in_the_words_puts_those_based_there_first(client, app):
    """"An online physio, I'm in the UK": no town is needed to know which country's
    practitioners to list first (their licence is likelier to cover the seeker)."""
    mumbai = make_verified_practitioner(app, display_name="Mumbai Video", modalities=("physiotherapy",),
                                        concerns=("sciatica",), offers_online=True, city="Mumbai", lat=19.076,
                                        lon=72.8777)
    london = make_verified_practitioner(app, display_name="London Video", modalities=("physiotherapy",),
                                        concerns=(), offers_online=True, city="London", lat=51.5074, lon=-0.1278)
    anywhere = search(client, q="online physio for sciatica")
    assert ids(anywhere) == [mumbai.id, london.id]  # by fit alone: the Mumbai physio declares sciatica
    uk = search(client, q="online physio for sciatica, I'm in the UK")
    assert ids(uk) == [london.id, mumbai.id] and uk["place"] is None
    assert uk["notes"] == ["Online sessions, those based in the United Kingdom first, as you wrote “in the UK”."]
    assert "Based in India, outside the country you searched in" in uk["results"][1]["reasons"]
    for words in ("online physio for sciatica in England", "sciatica physio in UK"):  # either way, the same order
        assert ids(search(client, q=words)) == [london.id, mumbai.id], words
    assert ids(search(client, q="online physio for sciatica in India")) == [mumbai.id, london.id]
    # "online ... from" a country or a town: the seeker's, or the physio's; either way the same order
    from_uk = search(client, q="online physio for sciatica from the UK")
    assert ids(from_uk) == [london.id, mumbai.id], from_uk["notes"]
    assert ids(search(client, q="sciatica physio available online from London")) == [london.id, mumbai.id]
    # "us" in lower case is a pronoun
    assert ids(search(client, q="online physio for sciatica near us")) == [mumbai.id, london.id]
    typed = search(client, concern="sciatica", near="United Kingdom", mode="online")  # typed under Near
    assert ids(typed) == [london.id, mumbai.id] and typed["notes"] == [
        "Online sessions, those based in the United Kingdom first, as you wrote “United Kingdom”."]
    assert client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "United Kingdom"}
                      ).status_code == 400  # in person too: a town is needed
    html = page(client, q="online physio for sciatica, I'm in the UK")
    assert "Online sessions, those based in the United Kingdom first, as you wrote “in the UK”." in html


def test_the_page_offers_a_states_towns_as_links_under_near(client, team):
    html = page(client, q="sciatica physio in Karnataka", mode="")
    assert "You wrote “in Karnataka”, a whole state" in html
    links = re.findall(r'<div class="place-suggestions" id="near-suggestions">(.*?)</div>', html, re.S)
    assert links and "Bengaluru, Karnataka, India</a>" in links[0]
    href = markup.unescape(re.search(r'<a href="([^"]+)">Bengaluru, Karnataka, India</a>', links[0])[1])
    chosen = page(client, **{k: v[0] for k, v in parse_qs(urlsplit(href).query).items()})
    assert "Meera Physio" in chosen and "near-suggestions" not in chosen


def test_a_town_with_its_state_or_country_is_searched_in_that_one(client, team):
    """"Physio near Victoria, BC" was searched in Hong Kong, "in Cambridge, MA" in England and
    "Portland Oregon" in Oregon, Ohio: the state or country after a town was dropped."""
    assert search(client, q="sciatica physio near Victoria, BC")["place"]["label"] == \
        "Victoria, British Columbia, Canada"
    assert search(client, q="sciatica physio in Cambridge, MA")["place"]["label"] == \
        "Cambridge, Massachusetts, United States"
    portland = search(client, q="sciatica physio Portland Oregon")
    assert portland["place"]["label"] == "Portland, Oregon, United States"
    assert portland["place_from_text"] == {"name": "Portland Oregon", "matched": "Portland Oregon"}


def test_a_numbered_part_of_a_town_is_searched_in_that_town(client, team):
    """"Physio in Sector 14 Gurgaon" was searched near a hamlet called Sector, next to Noida."""
    body = search(client, q="sciatica physio in Sector 14 Gurgaon")
    assert body["place"]["label"] == "Gurugram, Haryana, India"
    assert body["place_from_text"] == {"name": "Sector 14 Gurgaon", "matched": "in Sector 14 Gurgaon"}
    assert search(client, q="sciatica physio Noida sector 62")["place"]["label"] == "Noida, Uttar Pradesh, India"


def test_a_postcode_is_said_not_dropped_and_a_geocoder_that_knows_it_places_it(app, client, team, on_video,
                                                                               monkeypatch):
    """"Back pain near 560034" said "No place given". The offline map knows no postcodes, so
    the note says it could not find it; an online geocoder (Nominatim in production) places
    it. The network is unavailable in tests: a stand-in answers from a table."""
    body = search(client, q="sciatica physio near 560034")
    assert body["place"] is None and ids(body) == [on_video.id]
    assert body["notes"][:2] == [
        "You wrote “near 560034”, but we cannot look up postcodes yet: type your town or city under “Near” to see "
        "practitioners there.", "Until then, these are online sessions."]
    # ...and typed under Near, the same
    typed = client.get("/api/v1/search", query_string={"q": "sciatica physio", "near": "SW1A 1AA"})
    assert typed.status_code == 400 and typed.get_json()["errors"]["near"] == [
        "We cannot look up postcodes yet: type your town or city (such as 'Bandra, Mumbai'), or use your location."]
    from marketplace.geo.service import PlaceResolver
    from tests.geo.test_service import CountingGeocoder, _online_location

    stand_in = CountingGeocoder({"560034": [_online_location(
        "Koramangala, Bengaluru, Karnataka, 560034, India", 12.9352, 77.6245, "IN")]})
    monkeypatch.setitem(app.extensions, "place_resolver", PlaceResolver(stand_in))
    placed = search(client, q="physio for sciatica near 560034", mode="in_person")  # (not the answer kept above)
    assert placed["place"]["label"].startswith("Koramangala") and placed["place_from_text"]["matched"] == "near 560034"
    assert ids(placed) == [team["physiotherapy"].id]


def test_two_places_not_chosen_between_are_said_and_neither_is_searched(client, team, on_video):
    """"Physio in Bangalore or Mumbai": the seeker has not chosen, so neither is searched
    near, and the page says why instead of silently listing online sessions from anywhere."""
    body = search(client, q="sciatica physio in Bangalore or Mumbai")
    assert body["place"] is None and body["place_from_text"] is None and ids(body) == [on_video.id]
    assert body["notes"][:2] == [
        "You wrote “in Bangalore or Mumbai”: type the one you want under “Near”, or pick it from the towns listed "
        "there, to see practitioners there.", "Until then, these are online sessions."]
    assert body["place_suggestions"] == ["Bengaluru, Karnataka, India", "Mumbai, Maharashtra, India"]
    links = re.findall(r'<div class="place-suggestions" id="near-suggestions">(.*?)</div>',
                       page(client, q="sciatica physio in Bangalore or Mumbai"), re.S)
    assert links and "Mumbai, Maharashtra, India</a>" in links[0]
    # A place typed under Near settles it, and the words are then not read for one.
    near = search(client, q="sciatica physio in Bangalore or Mumbai", near="Bengaluru")
    assert near["place"]["label"].startswith("Bengaluru") and not any("You wrote" in n for n in near["notes"])
    # In person, a place is needed: the same words ask for it.
    response = client.get("/api/v1/search", query_string={"q": "sciatica physio in Whitefield or Indiranagar",
                                                           "mode": "in_person"})
    assert response.status_code == 400 and response.get_json()["errors"]["near"] == [
        "You wrote “in Whitefield or Indiranagar”: type the one you want under “Near” to see practitioners there."]
    assert response.get_json()["suggestions"] == []  # not Whitefield, England
    html = page(client, q="sciatica physio in Whitefield or Indiranagar", mode="in_person")
    assert "You wrote “in Whitefield or Indiranagar”: type the one you want under “Near”" in html
    # Two cities one after the other, without "or": the same (it took the last one before).
    response = client.get("/api/v1/search", query_string={"q": "sciatica physio Delhi Mumbai", "mode": "in_person"})
    assert response.status_code == 400 and response.get_json()["errors"]["near"] == [
        "You wrote “Delhi Mumbai”: type the one you want under “Near”, or pick it from the towns listed there, to see "
        "practitioners there."]
    assert response.get_json()["suggestions"] == ["Delhi, India", "Mumbai, Maharashtra, India"]


def test_a_place_the_gazetteer_lacks_is_searched_near_when_the_geocoder_knows_it(app, client, team, monkeypatch):
    """With an online geocoder configured (Nominatim in production), the locality it knows
    is searched near. The network is unavailable in tests: a stand-in answers from a table."""
    from marketplace.geo.service import PlaceResolver
    from tests.geo.test_service import CountingGeocoder, _online_location

    stand_in = CountingGeocoder({"koramangala": [_online_location(
        "Koramangala, Bengaluru, Karnataka, India", 12.9352, 77.6245, "IN")]})
    monkeypatch.setitem(app.extensions, "place_resolver", PlaceResolver(stand_in))
    body = search(client, q="sciatica physio near Koramangala")
    assert body["place"]["label"].startswith("Koramangala") and body["place_from_text"]["matched"] == "near Koramangala"
    assert ids(body) == [team["physiotherapy"].id] and body["results"][0]["distance_km"] is not None


def test_a_town_ending_the_words_is_searched_near(client, team, visiting):
    """"Slipped disc physio home visit Pune" answered "Tell us where you are": the town was
    there, written the way people type into a directory's one box."""
    body = search(client, q="sciatica physio home visit Bengaluru")
    assert body["place"]["label"] == "Bengaluru, Karnataka, India"
    assert body["place_from_text"] == {"name": "Bengaluru", "matched": "Bengaluru"}
    assert ids(body) == [visiting.id] and body["query"]["mode"] == "in_person"
    # a day is not a town, though a place somewhere is called Day
    assert search(client, q="sciatica all day")["place_from_text"] is None
    # a budget after the town does not hide it
    budget = search(client, q="sciatica physio home visit Bengaluru under ₹2,000")
    assert budget["place_from_text"]["name"] == "Bengaluru" and budget["budget_from_text"]["amount"] == 200000


@pytest.mark.parametrize(("q", "label", "read"), [
    # "back pain mumbai female physio" was searched online only, "No place given": a town
    # between what hurts and another wish, as keywords run on, is where care is wanted
    ("sciatica bangalore physio", "Bengaluru, Karnataka, India", {"name": "bangalore", "matched": "bangalore"}),
    # "physio near harrogate" said no place was given: a town of fewer than 100,000 in lower
    # case was read only with a capital
    ("sciatica, physio near harrogate", "Harrogate, England, United Kingdom",
     {"name": "harrogate", "matched": "near harrogate"}),
    # "physio in bandra west mumbai" searched Mumbai and dropped the part of it unsaid
    ("sciatica physio in koramangala bangalore", "Bengaluru, Karnataka, India",
     {"name": "koramangala bangalore", "matched": "in koramangala bangalore"}),
    # "Numbness in foot, Delhi" said "We could not find foot on the map"
    ("sciatica, numbness in leg, Bengaluru", "Bengaluru, Karnataka, India",
     {"name": "Bengaluru", "matched": "Bengaluru"}),
    # "physio close to Leeds" said no place was given
    ("a physio close to bengaluru for sciatica", "Bengaluru, Karnataka, India",
     {"name": "bengaluru", "matched": "close to bengaluru"}),
])
def test_a_town_written_as_people_type_it_is_searched_near(client, team, q, label, read):
    body = search(client, q=q)
    assert body["place"]["label"] == label and body["place_from_text"] == read
    part = read["name"].rsplit(" ", 1)[0] if " " in read["name"] else None  # a part of the town the map lacks
    assert [note for note in body["notes"] if "on the map" in note] == (
        [f"We could not find {part} on the map, so distances are from the middle of {label.split(',')[0]}."]
        if part else [])


@pytest.mark.parametrize(("q", "label", "part"), [
    # "near Phoenix Mall" was searched in Phoenix, Arizona, and "near Victoria Station" in
    # Hong Kong, unsaid: a street or a landmark after a town's name is its own place
    ("sciatica physio near Phoenix Mall Bangalore", "Bengaluru, Karnataka, India", "Phoenix Mall"),
    ("sciatica physio near Phoenix Mall, Bangalore", "Bengaluru, Karnataka, India", "Phoenix Mall"),
    # a station or an airport after a town's name: the map measures it from the town, and says so
    ("sciatica physio near bangalore station", "Bengaluru, Karnataka, India", "bangalore station"),
    ("sciatica physio near Bengaluru airport", "Bengaluru, Karnataka, India", "Bengaluru airport"),
    ("sciatica physio near Victoria Station", "Victoria, Hong Kong", "Victoria Station"),
])
def test_a_landmark_after_a_towns_name_is_not_taken_for_the_town(client, team, q, label, part):
    body = search(client, q=q)
    assert body["place"]["label"] == label and body["place_from_text"]["matched"].startswith(f"near {part}")
    assert f"We could not find {part} on the map, so distances are from the middle of {label.split(',')[0]}." \
        in body["notes"]


@pytest.mark.parametrize("landmark", ["Oxford Street", "Green Park", "Liverpool Street station"])
def test_a_street_named_after_a_town_the_map_lacks_is_said_not_found(client, team, landmark):
    body = search(client, q=f"sciatica physio near {landmark}")
    assert body["place"] is None and body["place_from_text"] is None
    assert any(n.startswith(f"You wrote “near {landmark}”, but we could not find {landmark} on the map")
               for n in body["notes"]), body["notes"]


@pytest.mark.parametrize(("q", "label"), [
    # "physio in cambridge ma" was searched in England, and "physio austin tx" nowhere
    ("sciatica physio in cambridge ma", "Cambridge, Massachusetts, United States"),
    ("sciatica physio austin tx", "Austin, Texas, United States"),
])
def test_a_states_code_in_lower_case_after_a_town_is_that_states_town(client, team, q, label):
    body = search(client, q=q)
    assert body["place"]["label"] == label
    assert not any("on the map" in n for n in body["notes"])


def test_a_landmark_ending_the_words_is_read_as_one(client, team):
    """"Sciatica specialist london bridge" said no place was given."""
    station = search(client, q="sciatica physio bangalore station")
    assert station["place"]["label"] == "Bengaluru, Karnataka, India"
    assert station["place_from_text"] == {"name": "bangalore station", "matched": "bangalore station"}
    assert "We could not find bangalore station on the map, so distances are from the middle of Bengaluru." \
        in station["notes"]
    bridge = search(client, q="sciatica specialist london bridge")
    assert bridge["place"] is None
    assert bridge["notes"][0].startswith("You wrote “london bridge”, but we could not find london bridge on the map")


def test_the_bay_area_is_searched_in_san_francisco(client, team):
    body = search(client, q="physio in the Bay Area for sciatica")
    assert body["place"]["label"] == "San Francisco, California, United States"
    assert not any("on the map" in n for n in body["notes"])


def test_the_page_shows_the_town_it_read_under_near(client, team):
    html = page(client, q="physio in Bangalore for my sciatica", mode="")
    assert "Showing results near <strong data-place-label>Bengaluru, Karnataka, India</strong>, as you wrote “in " \
           "Bangalore”" in html
    assert 'name="near" type="text" value="Bangalore"' in html and "Meera Physio" in html


def test_a_town_mistyped_is_searched_and_echoed_as_written(client, team):
    """"Physio in banglore" read no town and fell back to online sessions; the Near box
    alone asked "did you mean". A big city one slip away is searched, and the page says
    which, quoting what was typed, with the town's name under Near to correct."""
    body = search(client, q="physio in banglore for my sciatica")
    assert body["place"]["label"] == "Bengaluru, Karnataka, India"
    assert body["place_from_text"] == {"name": "Bangalore", "matched": "in banglore"}
    html = page(client, q="physio in banglore for my sciatica", mode="")
    assert "Showing results near <strong data-place-label>Bengaluru, Karnataka, India</strong>, as you wrote “in " \
           "banglore”" in html
    assert 'name="near" type="text" value="Bangalore"' in html and "Meera Physio" in html


def test_an_abbreviated_town_is_searched_and_echoed_as_written(client, team):
    body = search(client, q="physio in St. Louis for sciatica")
    assert body["place"]["label"] == "St. Louis, Missouri, United States"
    assert body["place_from_text"] == {"name": "St. Louis", "matched": "in St. Louis"}
    squeezed = search(client, q="physio near St.Albans for sciatica")
    assert squeezed["place"]["label"].startswith("St Albans, England")
    assert squeezed["place_from_text"] == {"name": "St. Albans", "matched": "near St.Albans"}


@pytest.fixture
def priced(app):  # noqa: ANN001, ANN201
    """Two massage therapists in Bengaluru who treat back spasm, at ₹900 and ₹2,500."""
    return {
        "low": make_verified_practitioner(app, display_name="Lata Massage", modalities=("massage",),
                                          concerns=("back-spasm",), fees=(("Session", 60, 90000, "INR"),)),
        "high": make_verified_practitioner(app, display_name="Hari Massage", modalities=("massage",),
                                           concerns=("back-spasm",), fees=(("Session", 60, 250000, "INR"),)),
    }


def test_a_budget_in_the_text_applies_as_the_price_filter(client, priced):
    body = search(client, q="massage for back spasm under ₹1,000", near="Bengaluru")
    assert ids(body) == [priced["low"].id]
    assert body["budget_from_text"] == {"amount": 100000, "currency": "INR", "matched": "under ₹1,000"}
    assert (body["query"]["max_price"], body["query"]["currency"]) == (100000, "INR")
    # without a currency after "budget", the place's; a price chosen wins over the words
    local = search(client, q="back spasm massage, budget 3000", near="Bengaluru")
    assert set(ids(local)) == {priced["low"].id, priced["high"].id} and local["query"]["currency"] == "INR"
    chosen = search(client, q="massage for back spasm under ₹1,000", near="Bengaluru", max_price=300000)
    assert len(ids(chosen)) == 2 and chosen["budget_from_text"] is None
    in_rupees = search(client, q="back spasm massage, budget 1000", near="Bengaluru", currency="INR")
    assert ids(in_rupees) == [priced["low"].id] and in_rupees["budget_from_text"]["amount"] == 100000
    in_pounds = search(client, q="massage for back spasm under ₹1,000", near="Bengaluru", currency="GBP")
    assert in_pounds["budget_from_text"] is None
    # a time is not a budget
    assert search(client, q="back spasm, sessions under 30 minutes", near="Bengaluru")["budget_from_text"] is None


def test_a_sum_with_no_currency_after_a_town_is_the_budget_there(client, priced):
    """"Massage Bangalore under 1000": the town ends the words before the budget, and the
    bare sum is read in that town's currency."""
    body = search(client, q="massage for back spasm Bangalore under 1000")
    assert body["place"]["label"].startswith("Bengaluru") and body["place_from_text"]["name"] == "Bangalore"
    assert ids(body) == [priced["low"].id]
    assert body["budget_from_text"] == {"amount": 100000, "currency": None, "matched": "under 1000"}
    assert (body["query"]["max_price"], body["query"]["currency"]) == (100000, "INR")


def test_the_page_shows_the_budget_it_read_and_a_way_back(client, priced):
    html = page(client, q="massage for back spasm under ₹1,000", near="Bengaluru")
    assert "sessions up to ₹1,000</strong>" in html and "“under ₹1,000”" in html
    assert 'name="max_price" type="text" value="1000"' in html
    assert "Lata Massage" in html and "Hari Massage" not in html
    assert '<details class="more-filters">' in html  # folded: the note says what was narrowed
    back = re.search(r'<a href="([^"]+)">Show every price</a>', html).group(1).replace("&amp;", "&")
    assert "max_price" not in back and "under" not in back
    every = client.get(back).get_data(as_text=True)
    assert "Lata Massage" in every and "Hari Massage" in every
    # no place and no currency: the amount as typed, each practitioner's own currency
    online = page(client, q="back spasm massage online, budget 1500")
    assert "sessions up to 1500</strong>" in online


def test_show_every_kind_of_place_from_the_page_lists_everyone(client, team, visiting):
    """The page's own way back from a kind of place read in the words (``venue_type=any``)
    is a choice the form accepts, not a "Not a valid choice" error."""
    html = page(client, q="a physio who does home visits for my sciatica", near="Bengaluru", venue_type="any")
    assert "Not a valid choice" not in html
    assert "Meera Physio" in html and visiting.display_name in html
    assert '<option selected value="any">Any kind of place</option>' in html


def test_a_budget_in_hindi_script_applies_and_the_way_back_keeps_the_seekers_words(client, priced):
    """"मालिश, ₹1,000 से कम" (a massage for less than ₹1,000) is read on the words as
    written: the way back to every price searches the rest in Devanagari, not in Hinglish.
    (Hindi script asks every safety question; here the seeker has answered them.)"""
    words = "मेरी कमर अकड़ गई है, मालिश ₹1,000 से कम"  # my back has stiffened, a massage under ₹1,000
    body = search(client, q=words, near="Bengaluru", no_red_flags="true")
    assert ids(body) == [priced["low"].id]
    assert body["budget_from_text"] == {"amount": 100000, "currency": "INR", "matched": "₹1,000 से कम"}
    html = page(client, q=words, near="Bengaluru", no_red_flags="true")
    assert "sessions up to ₹1,000</strong>" in html and "“₹1,000 से कम”" in html
    back = re.search(r'<a href="([^"]+)">Show every price</a>', html).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(back).query)["q"] == ["मेरी कमर अकड़ गई है, मालिश"]
    every = client.get(back).get_data(as_text=True)
    assert "Lata Massage" in every and "Hari Massage" in every


def test_a_technique_read_from_the_words_survives_the_form_sent_back_unchanged(client, team):
    """A technique read fills "Any therapy" and the technique in; sent back as they are,
    they are read again from the words, not taken as "any therapy" chosen."""
    first = page(client, q="deep tissue massage for my sciatica", near="Bengaluru")
    back = sent_back(first)
    assert back["read_modality"] == "any" and back["read_technique"] == "deep-tissue-massage"
    again = page(client, **back, near="Bengaluru")  # the form sends the place typed, too
    assert "Showing only <strong>Deep tissue massage</strong>" in again
    assert "Bina Massage" in again and "Meera Physio" not in again
