"""The search page, server-rendered, against the real search service and real data:
the form on a first visit, results with reasons and evidence, red flags that stop the
funnel, screening questions for unclear text, place errors with suggestions, and input
that is wrong without ever being a 500."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest

from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.search import views
from marketplace.search.models import UrgentOutcome
from marketplace.verification.models import CredentialStatus
from tests.builders import make_credential, make_practitioner, make_verified_practitioner
from tests.pages.helpers import text


@pytest.fixture
def sciatica_in_bengaluru(app):  # noqa: ANN001, ANN201
    """A verified acupuncturist in Bengaluru who treats sciatica (₹1,500 a session)."""
    return make_verified_practitioner(app, display_name="Asha Rao", concerns=("sciatica", "back-spasm"),
                                      techniques=("dry-needling",), languages=("English", "Kannada"))


def field_errors(html: str) -> list[str]:
    return re.findall(r'<ul class="field-errors"[^>]*>\s*<li>(.*?)</li>', html, re.S)


def test_first_visit_shows_the_form_and_no_results(client):
    response = client.get("/search")
    html = text(response)
    assert response.status_code == 200
    assert 'method="get"' in html and 'role="search"' in html
    assert '<select id="concern" name="concern"' in html and 'value="sciatica"' in html
    assert 'name="q"' in html and "Describe it in your own words".lower() in html.lower()
    assert 'name="near"' in html and "Use my location" in html
    assert 'name="lat"' in html and 'name="lon"' in html
    for value in ("in_person", "online"):
        assert f'name="mode" value="{value}"' in html
    # "Either" is chosen and sends no mode yet: the seeker's words may still ask for one
    assert 'id="mode-any" name="mode" value="" checked' in html
    assert "Before we search: safety questions" in html
    for code in ("fever", "leg-weakness", "bladder-bowel", "saddle-numbness", "major-trauma"):
        assert f'name="red_flags" value="{code}"' in html
    assert 'name="no_red_flags"' in html and "None of these" in html
    for code in ("pregnancy", "bleeding-risk", "pacemaker", "implant"):
        assert f'name="cautions" value="{code}"' in html
    assert 'name="max_price"' in html and 'name="modality"' in html and 'name="technique"' in html
    assert "Results" not in html and "field-errors" not in html


def test_every_control_has_a_label(client):
    html = text(client.get("/search"))
    ids = set(re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html))
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    assert ids and ids <= labelled, ids - labelled


def test_home_and_nav_lead_to_search(client):
    html = text(client.get("/"))
    assert 'class="button" href="/search"' in html
    assert '<a href="/search">Find care</a>' in html


def test_sciatica_near_bengaluru_shows_reasons_and_evidence(client, sciatica_in_bengaluru):
    html = text(client.get("/search?concern=sciatica&near=Bangalore"))
    assert "Showing results near <strong data-place-label>Bengaluru, Karnataka, India</strong>" in html
    assert f'href="/practitioners/{sciatica_in_bengaluru.id}">Asha Rao</a>' in html
    assert "Why this match" in html
    assert "km away" in html
    assert "₹1,500.00" in html
    # Evidence per modality, with its source, and the guidelines' disagreement said out loud.
    assert "What the guidelines say about Acupuncture" in html
    assert "NICE NG59" in html and "nice.org.uk/guidance/ng59" in html
    assert "The guidelines disagree" in html
    assert '<ol class="results"' in html
    assert 'id="results-map-data"' in html  # the map's markers: the same people as the list


def test_free_text_is_understood_and_echoed(client, sciatica_in_bengaluru):
    html = text(client.get("/search", query_string={"q": "pinched nerve down my leg", "near": "Bangalore"}))
    assert "We read this as: <strong>Sciatica</strong>" in html
    assert "pick one" in html
    assert "Asha Rao" in html


def test_several_readings_each_narrow_the_search_in_one_step(client, sciatica_in_bengaluru):
    html = text(client.get("/search", query_string={"q": "lower back pain and sciatica", "near": "Bangalore"}))
    understood = html[html.index('class="understood"'):]
    understood = understood[:understood.index("</p>")]
    for slug in ("sciatica", "chronic-low-back-pain"):
        assert f"concern={slug}" in understood
    assert "Choose one to search for it alone" in understood
    narrowed = text(client.get("/search", query_string={"q": "lower back pain and sciatica", "near": "Bangalore",
                                                        "concern": "sciatica"}))
    assert "We read this as: <strong>Sciatica</strong>" in narrowed and "Asha Rao" in narrowed


def test_a_red_flag_shows_urgent_advice_and_no_results(app, client, sciatica_in_bengaluru):
    response = client.get("/search?concern=sciatica&near=Bangalore&red_flags=saddle-numbness")
    html = text(response)
    assert "Please get urgent medical help" in html
    assert "emergency" in html
    assert "Asha Rao" not in html
    assert f"/practitioners/{sciatica_in_bengaluru.id}" not in html
    assert "results-map" not in html
    # Only an anonymous count is kept; nothing about the seeker, no cookie.
    counts = db.session.execute(db.select(UrgentOutcome.red_flag, UrgentOutcome.count)).all()
    assert [tuple(row) for row in counts] == [("saddle-numbness", 1)]
    assert "Set-Cookie" not in response.headers


def test_a_red_flag_in_the_words_also_stops_the_search(client, sciatica_in_bengaluru):
    html = text(client.get("/search", query_string={"q": "sciatica with fever", "near": "Bangalore"}))
    assert "Please see a doctor" in html or "urgent medical help" in html
    assert "Asha Rao" not in html


def test_no_fever_in_the_words_is_not_a_red_flag(client, sciatica_in_bengaluru):
    html = text(client.get("/search", query_string={"q": "sciatica, no fever", "near": "Bangalore"}))
    assert 'data-search-outcome="urgent"' not in html
    assert "Asha Rao" in html


def test_unclear_words_ask_the_screening_questions_instead_of_guessing(client, sciatica_in_bengaluru):
    args = {"q": "sciatica and I think I might have a fever", "near": "Bangalore"}
    html = text(client.get("/search", query_string=args))
    assert 'data-search-outcome="questions"' in html
    assert "Do you have a fever now" in html
    assert 'name="answer_fever" value="yes"' in html and 'name="answer_fever" value="no"' in html
    assert "Asha Rao" not in html

    answered_no = text(client.get("/search", query_string={**args, "answer_fever": "no"}))
    assert "Asha Rao" in answered_no
    assert 'name="answer_fever" value="no"' in answered_no  # kept for the next search

    answered_yes = text(client.get("/search", query_string={**args, "answer_fever": "yes"}))
    assert 'data-search-outcome="urgent"' in answered_yes and "Asha Rao" not in answered_yes


def test_words_the_page_cannot_read_ask_every_question_and_say_why(client, sciatica_in_bengaluru):
    html = text(client.get("/search", query_string={"q": "कमर दर्द और बुखार", "near": "Bangalore"}))
    assert 'data-search-outcome="questions"' in html
    assert "Do you have a fever now" in html and "Have you ever had cancer?" in html
    assert "We read Hindi script for what hurts" in html and "Asha Rao" not in html
    html = text(client.get("/search", query_string={"q": "முதுகு வலி", "near": "Bangalore"}))  # Tamil
    assert "Do you have a fever now" in html and "describe it in English" in html


def test_cautions_are_shown_on_the_result(client, sciatica_in_bengaluru):
    html = text(client.get("/search?concern=sciatica&near=Bangalore&cautions=implant&cautions=pregnancy"))
    assert "We took into account" in html
    assert "Tell your practitioner about your implant" in html
    assert "Some acupuncture points are avoided in pregnancy" in html
    assert 'class="caution-notes"' in html
    assert 'value="implant" checked' in html and 'value="pregnancy" checked' in html


def test_a_caution_that_rules_out_every_technique_leaves_the_practitioner_out(client, sciatica_in_bengaluru):
    # Dry needling is Asha's only acupuncture technique, and it is unsafe with blood thinners.
    html = text(client.get("/search?concern=sciatica&near=Bangalore&cautions=bleeding-risk"))
    assert "Asha Rao" not in html
    assert "blood thinners or a bleeding disorder" in html


def test_an_unknown_place_is_a_form_error_with_suggestions(client, sciatica_in_bengaluru):
    response = client.get("/search?concern=sciatica&near=Mysre")
    html = text(response)
    assert response.status_code == 200
    errors = " ".join(field_errors(html))
    assert "We could not find &#39;Mysre&#39; on the map. Try a city name" in errors
    assert "Mysuru" not in errors  # offered once, as a link, not also listed in the error
    assert 'aria-invalid="true"' in html
    assert "Did you mean:" in html
    assert html.count("Mysuru, Karnataka, India") == 1
    assert 'href="/search?concern=sciatica&amp;near=Mysuru,+Karnataka,+India"' in html
    assert "Asha Rao" not in html


def test_a_whole_state_under_near_asks_for_a_town_in_it(client, sciatica_in_bengaluru):
    """"Karnataka" (or "Florida", once Florida, Cuba) is a state: a town in it is asked for,
    and its biggest towns are offered."""
    html = text(client.get("/search?concern=sciatica&near=Karnataka"))
    errors = " ".join(field_errors(html))
    assert "“Karnataka” is a whole state: type a town or city in it." in errors and "Bengaluru" not in errors
    assert 'href="/search?concern=sciatica&amp;near=Bengaluru,+Karnataka,+India"' in html
    florida = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Florida"})
    problem = florida.get_json()
    assert florida.status_code == 400 and problem["errors"]["near"][0].startswith(
        "“Florida” is a whole state: type a town or city in it. Did you mean: Jacksonville, Florida, United States")
    assert "Miami, Florida, United States" in problem["suggestions"]


@pytest.mark.parametrize("query", [
    "radius_km=abc", "radius_km=nan", "radius_km=5000", "lat=nan&lon=77", "lat=12.9", "lat=95&lon=10",
    "page=0", "page=abc", "page=1.5", "page=99999999999999999999999", "max_price=12.345", "max_price=lots",
    "max_price=-5", "mode=teleport", "red_flags=bogus", "cautions=nope", "currency=XYZ", "venue_type=moon",
    "modality=levitation", "concern=unknown-thing",
])
def test_bad_input_is_a_form_error_never_a_500(client, query):
    response = client.get(f"/search?q=sciatica&near=Bangalore&{query}")
    assert response.status_code == 200, query
    html = text(response)
    assert 'class="form-errors"' in html, query
    assert field_errors(html) or "Some search options are not valid" in html, query


def test_max_price_is_typed_in_major_units(client, sciatica_in_bengaluru):
    assert "Asha Rao" in text(client.get("/search?concern=sciatica&near=Bangalore&max_price=2000&currency=INR"))
    assert "Asha Rao" not in text(client.get("/search?concern=sciatica&near=Bangalore&max_price=1000&currency=INR"))


def test_a_price_typed_with_its_currency_filters_in_that_currency(client, sciatica_in_bengaluru):
    """"₹2,000" means rupees: the page reads it so, and shows INR chosen."""
    html = text(client.get("/search?concern=sciatica&near=Bangalore&max_price=%E2%82%B92%2C000"))
    assert "Asha Rao" in html
    assert '<option selected value="INR">' in html or '<option value="INR" selected>' in html
    assert 'value="₹2,000"' in html  # what was typed stays in the box
    assert "Asha Rao" not in text(client.get("/search?concern=sciatica&near=Bangalore&max_price=Rs.1000"))


def test_a_plain_number_is_read_in_the_currency_where_the_seeker_searches(client, sciatica_in_bengaluru):
    html = text(client.get("/search?concern=sciatica&near=Bangalore&max_price=2000"))
    assert "Asha Rao" in html
    assert "Prices up to ₹2,000, in the currency where you are searching" in html
    assert "Asha Rao" not in text(client.get("/search?concern=sciatica&near=Bangalore&max_price=1000"))


def test_a_price_in_one_currency_with_another_chosen_is_a_form_error(client, sciatica_in_bengaluru):
    html = text(client.get("/search?concern=sciatica&near=Bangalore&max_price=%C2%A345&currency=INR"))
    assert "You typed a price in GBP but chose INR" in " ".join(field_errors(html))
    assert "Asha Rao" not in html


def test_online_toggle_shows_online_practitioners(app, client, sciatica_in_bengaluru):
    make_verified_practitioner(app, display_name="Olu Online", concerns=("sciatica",), offers_online=True,
                               city=None)
    online = text(client.get("/search?concern=sciatica&near=Bangalore&mode=online"))
    assert "Olu Online" in online and "Asha Rao" not in online
    assert 'class="pill pill-online">Online<' in online
    # Its reasons speak of acupuncture, which a video call cannot give: the card says what it can.
    assert "By video: advice, exercises and follow-up. Hands-on treatment needs a visit." in online
    in_person = text(client.get("/search?concern=sciatica&near=Bangalore&mode=in_person"))
    assert "Asha Rao" in in_person and "Olu Online" not in in_person and "By video:" not in in_person


def _online_from(app, name: str, clinic: str, city: str) -> None:  # noqa: ANN001
    """A verified practitioner who sees people online and at one clinic in ``city``, India."""
    from marketplace.practitioners.services import LocationInput, add_location

    practitioner = make_verified_practitioner(app, display_name=name, concerns=("sciatica",), offers_online=True,
                                              city=None)
    add_location(practitioner, LocationInput(label=clinic, venue_type="clinic", city=city, country="India"),
                 app.extensions["place_resolver"])
    db.session.commit()


def test_an_online_result_from_another_country_says_so(app, client):
    """Someone in London sees an online practitioner based in Mumbai: the result says
    where they are based and that their licence may not reach the seeker's country; a
    seeker in Pune (the same country) gets no such warning."""
    _online_from(app, "Ravi Online", "Andheri clinic", "Mumbai")
    abroad = text(client.get("/search?concern=sciatica&near=London&mode=online"))
    assert "Ravi Online" in abroad
    assert "· based in Mumbai, India" in abroad
    assert "Based in a different country from yours" in abroad
    at_home = text(client.get("/search?concern=sciatica&near=Pune&mode=online"))
    assert "· based in Mumbai, India" in at_home
    assert "Based in another country" not in at_home

    # A whole page from abroad says it once, not on every result.
    _online_from(app, "Dev Online", "Saket clinic", "Delhi")
    both = text(client.get("/search?concern=sciatica&near=London&mode=online"))
    assert "Dev Online" in both and "Ravi Online" in both
    assert both.count("Everyone on this page is based in a different country from yours") == 1
    assert "Based in a different country from yours" not in both


def test_unverified_expired_and_suspended_practitioners_are_not_shown(app, client, sciatica_in_bengaluru):
    make_practitioner(display_name="Pending Priya", concerns=("sciatica",))
    rejected = make_practitioner(display_name="Rejected Ravi", concerns=("sciatica",))
    make_credential(app, rejected, status=CredentialStatus.REJECTED)
    expired = make_practitioner(display_name="Expired Esha", concerns=("sciatica",))
    make_credential(app, expired, status=CredentialStatus.APPROVED, issued_on=today() - timedelta(days=800),
                    expires_on=today() - timedelta(days=1))
    suspended = make_verified_practitioner(app, display_name="Suspended Sam", concerns=("sciatica",))
    suspended.is_suspended = True
    db.session.commit()

    html = text(client.get("/search?concern=sciatica&near=Bangalore"))
    assert "Asha Rao" in html
    for name in ("Pending Priya", "Rejected Ravi", "Expired Esha", "Suspended Sam"):
        assert name not in html


def test_paging_links_keep_the_whole_search(app, client, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    for n in range(3):
        make_verified_practitioner(app, display_name=f"Practitioner {n}", concerns=("sciatica",),
                                   lat=12.9716 + n / 1000)
    args = "concern=sciatica&near=Bangalore&cautions=implant&cautions=pregnancy"
    first = text(client.get(f"/search?{args}"))
    # The walk stops once the page is certain, so the first page may count "at least".
    assert re.search(r"\b(3|[23]\+) practitioners found", first)
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "cautions=implant" in next_link and "cautions=pregnancy" in next_link and "page=2" in next_link
    second = text(client.get(next_link))
    assert '<a rel="prev"' in second and '<a rel="next"' not in second
    names = re.findall(r">(Practitioner \d)</a></h3>", first) + re.findall(r">(Practitioner \d)</a></h3>", second)
    assert sorted(names) == ["Practitioner 0", "Practitioner 1", "Practitioner 2"]


def test_text_that_matches_no_concern_offers_a_choice(client, sciatica_in_bengaluru):
    html = text(client.get("/search", query_string={"q": "my elbow clicks", "near": "Bangalore"}))
    assert "We could not tell which concern you meant" in html
    assert "Asha Rao" not in html


def test_results_offer_the_next_opening_and_courses_of_care(app, client):
    from tests.packages.helpers import SOHO, open_every_day, package, practitioner

    physio = practitioner(app, "Priya Physio", "physiotherapy")
    acu = practitioner(app, "Arun Acupuncture", "acupuncture", at=SOHO)
    open_every_day(physio)
    package(physio, [(physio, "physiotherapy", 4, 45), (acu, "acupuncture", 2, 30)], price=30000,
            name="Sciatica relief course")
    html = client.get("/search?concern=sciatica&near=London").get_data(as_text=True)
    assert "Next opening:" in html and f"/practitioners/{physio.id}/book" in html
    assert html.count("Sciatica relief course") == 2  # under both practitioners who deliver it
    assert "with Priya Physio, Arun Acupuncture" in html


def test_the_next_opening_shows_on_the_clock_of_the_place_searched(app, client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.packages.helpers import open_every_day, practitioner

    physio = practitioner(app, "Kavya Physio", "physiotherapy", at=(12.9716, 77.5946), city="Bengaluru",
                          currency="INR", fee=120000)
    open_every_day(physio, time(9), time(18), timezone="Asia/Kolkata")
    api = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Bangalore"}).get_json()
    assert api["place"]["timezone"] == "Asia/Kolkata"
    opening = datetime.fromisoformat(api["results"][0]["next_available"])  # UTC, as the API promises
    local = opening.astimezone(ZoneInfo("Asia/Kolkata"))
    assert time(9) <= local.time() < time(18) and local.utcoffset() != opening.utcoffset()
    html = text(client.get("/search", query_string={"concern": "sciatica", "near": "Bangalore"}))
    shown = re.search(r'<time datetime="([^"]+)"[^>]*>([^<]+)</time>', html)
    assert datetime.fromisoformat(shown.group(1)) == opening
    # named by the town searched: "local" could be read as an online practitioner's, abroad
    assert " ".join(shown.group(2).split()) == f"{local:%a} {local.day} {local:%b, %H:%M} Bengaluru time"
    assert f"{opening:%H:%M} UTC" not in html
    # from "use my location", the seeker's own clock
    here = text(client.get("/search", query_string={"concern": "sciatica", "lat": 12.97, "lon": 77.59}))
    shown = re.search(r'<time datetime="[^"]+"[^>]*>([^<]+)</time>', here)
    assert " ".join(shown.group(1).split()) == f"{local:%a} {local.day} {local:%b, %H:%M} your time"


def test_a_geocoder_outage_is_said_on_the_page_not_a_500(app, client, monkeypatch, sciatica_in_bengaluru):
    from marketplace.geo.service import GeocoderUnavailable

    def down(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise GeocoderUnavailable("timeout")

    monkeypatch.setattr(app.extensions["place_resolver"], "resolve_many", down)
    response = client.get("/search?concern=sciatica&near=Bangalore")
    assert response.status_code == 503
    html = text(response)
    assert "Place lookup is unavailable right now" in html
    assert 'name="near" ' in html or 'name="near"' in html
    assert "Asha Rao" not in html


def test_results_say_how_they_are_ordered_as_the_weights_now_stand(client, sciatica_in_bengaluru):
    """Below the results, one disclosure says what decides the order, biggest factor first,
    and that nobody pays to be placed higher; it follows the weights admins set."""
    from marketplace.taxonomy import ranking
    from tests.builders import make_admin

    html = text(client.get("/search", query_string={"concern": "sciatica", "near": "Bangalore"}))
    assert "How we order these results" in html
    disclosure = html.split("How we order these results", 1)[1].split("</details>", 1)[0]
    assert "Best fit first" in disclosure and "Nobody can pay to be placed higher" in disclosure
    assert disclosure.index("how near they are (someone 8 km away") < disclosure.index("whether they say they treat")
    assert "based in your country come before" in disclosure  # the search may show online sessions
    html = text(client.get("/search", query_string={"concern": "sciatica", "near": "Bangalore", "mode": "in_person"}))
    assert "based in your country" not in html.split("How we order these results", 1)[1]

    admin = make_admin()
    ranking.set_factor("distance", 0.1, admin)
    ranking.set_factor("distance_half_km", 3, admin)
    ranking.set_factor("online_abroad", 0, admin)
    db.session.commit()
    html = text(client.get("/search", query_string={"concern": "sciatica", "near": "Bangalore"}))
    disclosure = html.split("How we order these results", 1)[1].split("</details>", 1)[0]
    assert disclosure.index("whether they say they treat") < disclosure.index("how near they are (someone 3 km away")
    assert "based in your country" not in disclosure

    # Nothing to order, nothing to say.
    html = text(client.get("/search", query_string={"concern": "sciatica", "near": "London"}))
    assert "No verified practitioner matches" in html and "How we order these results" not in html


def test_an_empty_page_offers_online_sessions_only_when_they_were_left_out(app, client):
    """"See practitioners who consult online" on an empty page searched in person only:
    with "either" online sessions were searched too, and the link found nobody more."""
    make_verified_practitioner(app, display_name="Online Only", modalities=("acupuncture",), concerns=("sciatica",),
                               city=None, offers_online=True)
    in_person = text(client.get("/search", query_string={"concern": "sciatica", "near": "London",
                                                         "mode": "in_person"}))
    assert "No verified practitioner matches" in in_person and "See practitioners who consult online" in in_person
    either = text(client.get("/search", query_string={"concern": "sciatica", "near": "London",
                                                      "technique": "cupping"}))
    assert "No verified practitioner matches" in either and "See practitioners who consult online" not in either


def test_the_seeker_can_put_the_nearest_first_and_the_choice_stays_with_the_search(app, client):
    """Beside the results: "Order: Best match · Nearest first", as links. Nearest first keeps
    the same practitioners in distance order, says so below the results, and stays chosen
    when the seeker searches again from the form."""
    make_verified_practitioner(app, display_name="Far Physio", modalities=("physiotherapy",), concerns=(),
                               lat=12.9716 + 0.054, lon=77.5946)
    make_verified_practitioner(app, display_name="Near Acupuncturist", modalities=("acupuncture",), concerns=(),
                               lat=12.9716 + 0.0027, lon=77.5946)
    html = text(client.get("/search", query_string={"concern": "sciatica", "near": "Bangalore", "mode": "in_person"}))
    assert html.index("Far Physio") < html.index("Near Acupuncturist")
    order = html.split('class="order-choice"', 1)[1].split("</p>", 1)[0]
    assert '<strong aria-current="true">Best match</strong>' in order
    link = re.search(r'<a href="([^"]+)">Nearest first</a>', order).group(1).replace("&amp;", "&")
    assert "sort=nearest" in link and "concern=sciatica" in link and "page=" not in link

    html = text(client.get(link))
    assert html.index("Near Acupuncturist") < html.index("Far Physio")
    assert '<strong aria-current="true">Nearest first</strong>' in html
    disclosure = html.split("How we order these results", 1)[1].split("</details>", 1)[0]
    assert "Nearest first" in disclosure and "Best fit first" not in disclosure
    assert '<input type="hidden" name="sort" value="nearest">' in html  # searching again keeps it

    # Online sessions alone have no distance to order by: no choice is offered.
    make_verified_practitioner(app, display_name="Online Only", modalities=("physiotherapy",), concerns=(),
                               offers_online=True, lat=13.5, lon=77.5946)
    html = text(client.get("/search", query_string={"concern": "sciatica", "near": "Bangalore", "mode": "online",
                                                    "sort": "nearest"}))
    assert "Online Only" in html and 'class="order-choice"' not in html
    assert "Best fit first" in html.split("How we order these results", 1)[1]


def test_an_empty_page_says_how_far_the_nearest_match_is_and_links_to_a_radius_that_reaches_them(app, client):
    """Mysore is about 130 km from Bengaluru: the empty page names the distance and the town,
    and its link searches again within 200 km, where the practitioner is found."""
    make_verified_practitioner(app, display_name="Asha Rao", concerns=("sciatica",))  # in Bengaluru
    html = text(client.get("/search", query_string={"concern": "sciatica", "near": "Mysore", "mode": "in_person"}))
    assert "No verified practitioner matches" in html
    line = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html.split("data-nearest-beyond>", 1)[1].split("</span>", 1)[0]))
    assert re.fullmatch(r"The nearest verified practitioner who matches and sees people in person is 1[23]\d\.\d km "
                        r"away, in Bengaluru: search within 200 km\.", line.strip()), line
    link = re.search(r'data-nearest-beyond>.*?<a href="([^"]+)"', html, re.S).group(1).replace("&amp;", "&")
    assert "radius_km=200" in link
    assert "Asha Rao" in text(client.get(link))
    # Nobody within 200 km either (Chennai is about 290 km away): said plainly.
    html = text(client.get("/search", query_string={"concern": "sciatica", "near": "Chennai", "mode": "in_person"}))
    assert "Nobody who matches sees people within 200 km either." in html and "data-nearest-beyond" not in html
