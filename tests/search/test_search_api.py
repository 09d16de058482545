"""GET /api/v1/search: what a seeker (or an API client) sees for a concern and a place."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.geo.distance import distance_km
from marketplace.practitioners.models import Location, VenueType
from marketplace.search.models import UrgentOutcome
from marketplace.verification.models import CredentialStatus
from tests.builders import make_credential, make_practitioner, make_user, make_verified_practitioner

BLR = (12.9716, 77.5946)  # Bengaluru centre, as the offline gazetteer places it (close enough for tests)


def north_of(lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point ``km`` due north (geodesic), found by bisection on the real distance."""
    lo, hi = 0.0, km / 100.0
    while distance_km((lat, lon), (lat + hi, lon)) < km:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if distance_km((lat, lon), (lat + mid, lon)) < km else (lo, mid)
    return lat + lo, lon


def search(client, **params) -> dict:  # noqa: ANN001
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body: dict) -> list[int]:
    return [r["practitioner"]["id"] for r in body["results"]]


@pytest.fixture
def physio(app):  # noqa: ANN001, ANN201
    return make_verified_practitioner(app, display_name="Meera Physio", modalities=("physiotherapy",),
                                      techniques=("exercise-therapy",), concerns=("sciatica",))


def test_sciatica_near_bangalore_finds_a_verified_physio_with_reasons_and_evidence(client, physio):
    body = search(client, q="pinched nerve down my leg", near="Bangalore")
    assert body["urgent"] is False
    assert [c["slug"] for c in body["concerns"]][:1] == ["sciatica"]
    assert "Bengaluru" in body["place"]["label"]
    [result] = body["results"]
    assert result["practitioner"]["display_name"] == "Meera Physio"
    assert result["distance_km"] < 5
    assert "Treats sciatica" in result["reasons"]
    assert any("commonly used for sciatica" in r for r in result["reasons"])
    evidence = result["practitioner"]["modalities"][0]["evidence"]
    assert {e["source"] for e in evidence} >= {"NICE NG59"}
    assert all(e["concern"] == "sciatica" for e in evidence)
    assert body["total"] == 1 and body["total_is_exact"] is True


def test_unknown_place_is_a_400_problem_with_suggestions(client, physio):
    response = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Bengalooru"})
    assert response.status_code == 400
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert "near" in problem["errors"]
    assert any("Bengaluru" in s for s in problem["suggestions"])


@pytest.fixture
def in_richmond(app):  # noqa: ANN001, ANN201
    """A physiotherapist in Richmond, London (the one in Virginia is the likelier by size)."""
    return make_verified_practitioner(app, display_name="Rhiannon Physio", modalities=("physiotherapy",),
                                      concerns=("sciatica",), city="Richmond", lat=51.4613, lon=-0.3037,
                                      fees=(("First consultation", 45, 6000, "GBP"),))


def test_a_name_several_countries_share_means_the_seekers_own(client, in_richmond):
    """From a British browser (en-GB) or with region=GB, "Richmond" is Richmond, London, and
    Virginia is offered instead; a qualifier, or an explicit region, says otherwise."""
    british = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Richmond"},
                         headers={"Accept-Language": "en-GB,en;q=0.9"}).get_json()
    assert british["place"]["label"] == "Richmond, England, United Kingdom"
    assert british["place"]["alternatives"][0] == "Richmond, Virginia, United States"
    assert ids(british) == [in_richmond.id] and british["query"]["region"] == "GB"
    assert ids(search(client, concern="sciatica", near="Richmond", region="gb")) == [in_richmond.id]
    # the default browser language says nothing of where: the likeliest Richmond
    us_default = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Richmond"},
                            headers={"Accept-Language": "en-US,en;q=0.9"}).get_json()
    assert us_default["place"]["label"] == "Richmond, Virginia, United States" and us_default["results"] == []
    written = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Richmond, Virginia"},
                         headers={"Accept-Language": "en-GB"}).get_json()
    assert written["place"]["label"] == "Richmond, Virginia, United States"
    asked = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Richmond", "region": "US"},
                       headers={"Accept-Language": "en-GB"}).get_json()
    assert asked["place"]["label"] == "Richmond, Virginia, United States"
    bad = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Richmond", "region": "GBR"})
    assert bad.status_code == 400 and "region" in bad.get_json()["errors"]


def test_a_compass_word_before_a_great_city_offers_the_city_too(client, app):
    """"East London" is a town in South Africa, and the east of London: a British seeker is
    shown London (measured from its middle, and told so), with the South African town offered
    instead; anyone else the town of that name, with London offered."""
    stratford = make_verified_practitioner(app, display_name="Stratford Physio", modalities=("physiotherapy",),
                                           concerns=("sciatica",), city="London", lat=51.5416, lon=-0.0042)
    british = search(client, q="physio in East London for sciatica", region="GB")
    assert british["place"]["label"] == "London, England, United Kingdom"
    assert british["place"]["alternatives"] == ["East London, South Africa"]
    assert ids(british) == [stratford.id]
    assert "Distances are from the middle of London, not from East London." in british["notes"]
    typed = search(client, concern="sciatica", near="east london", region="gb")
    assert typed["place"]["label"] == "London, England, United Kingdom" and ids(typed) == [stratford.id]
    elsewhere = search(client, concern="sciatica", near="East London")
    assert elsewhere["place"]["label"] == "East London, South Africa"
    assert elsewhere["place"]["alternatives"] == ["London, England, United Kingdom"]
    # a town of that name after a compass word, with no great city: as written
    bend = search(client, concern="sciatica", near="South Bend", region="GB")
    assert bend["place"]["label"].startswith("South Bend") and bend["place"]["alternatives"] == []
    html = client.get("/search", query_string={"q": "physio in East London for sciatica"},
                      headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "Stratford Physio" in html and "East London, South Africa</a>" in html


def test_the_page_reads_the_region_from_the_browser(client, in_richmond):
    html = client.get("/search", query_string={"concern": "sciatica", "near": "Richmond"},
                      headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "Richmond, England, United Kingdom" in html and "Rhiannon Physio" in html
    assert "Richmond, Virginia, United States</a>" in html  # offered as the other place it may be


def test_a_neighbourhood_alone_is_a_400_that_says_to_add_its_city_and_with_it_finds_the_city(client, physio):
    """The offline gazetteer knows cities, not neighbourhoods: the error says what works."""
    response = client.get("/api/v1/search", query_string={"concern": "sciatica", "near": "Koramangala"})
    assert response.status_code == 400
    assert "a neighbourhood with its city" in response.get_json()["errors"]["near"][0]
    body = search(client, concern="sciatica", near="Koramangala, Bengaluru")
    assert body["place"]["label"].startswith("Bengaluru") and body["total"] == 1


def test_a_district_of_a_big_city_is_searched_around_the_district_and_echoed_with_its_city(client, app):
    """"Hammersmith" was Saugus, Massachusetts (GeoNames also calls it that): now the London
    district, so a small radius finds the practitioner down the road and not one across town."""
    nearby = make_verified_practitioner(app, display_name="Hammersmith Physio", modalities=("physiotherapy",),
                                        concerns=("sciatica",), city="London", lat=51.4927, lon=-0.2240)
    across = make_verified_practitioner(app, display_name="Hackney Physio", modalities=("physiotherapy",),
                                        concerns=("sciatica",), city="London", lat=51.5450, lon=-0.0553)
    body = search(client, concern="sciatica", near="Hammersmith", radius_km=5)
    assert body["place"]["label"] == "Hammersmith, London, England, United Kingdom"
    assert body["place"]["country_code"] == "GB"
    assert ids(body) == [nearby.id]
    assert body["results"][0]["distance_km"] < 1
    assert set(ids(search(client, concern="sciatica", near="Hammersmith", radius_km=25))) == {nearby.id, across.id}


def test_a_part_of_a_town_the_map_lacks_is_said_and_distances_are_from_the_towns_middle(client, physio):
    """"Bandra, Mumbai" is searched from the middle of Mumbai (the offline map has no Bandra):
    the seeker is told, rather than left to think the distances are from Bandra."""
    body = search(client, concern="sciatica", near="Koramangala, Bengaluru")
    assert body["place"]["label"] == "Bengaluru, Karnataka, India"
    assert "We could not find Koramangala on the map, so distances are from the middle of Bengaluru." in body["notes"]
    # Whitefield the map knows only in England: not this one
    assert "We could not find Whitefield on the map, so distances are from the middle of Bengaluru." in search(
        client, concern="sciatica", near="Whitefield, Bangalore")["notes"]
    # the town's other name, its state or country, a district the map knows: nothing to say
    for near in ("Bangalore, India", "Bengaluru, Karnataka", "Hammersmith, London", "Cambridge, MA"):
        assert not any("could not find" in n for n in search(client, concern="sciatica", near=near)["notes"]), near
    # read from the words too
    words = search(client, q="sciatica physio within walking distance of Bandra, Mumbai")
    assert words["place"]["label"].startswith("Mumbai") and words["query"]["radius_km"] == 2.0
    assert "We could not find Bandra on the map, so distances are from the middle of Mumbai." in words["notes"]
    # without a comma too, typed under Near or in the words
    assert "We could not find Viman Nagar on the map, so distances are from the middle of Pune." in search(
        client, concern="sciatica", near="Viman Nagar Pune")["notes"]
    words = search(client, q="physio near MG Road Bangalore for sciatica")
    assert words["place_from_text"] == {"name": "MG Road Bangalore", "matched": "near MG Road Bangalore"}
    assert "We could not find MG Road on the map, so distances are from the middle of Bengaluru." in words["notes"]
    # a side of the town: searched from its middle, and said
    south = search(client, q="physio in south Delhi for back pain")
    assert south["place"]["label"] == "Delhi, India" and south["place_from_text"]["matched"] == "in south Delhi"
    assert "Distances are from the middle of Delhi, not from south Delhi." in south["notes"]
    # a postcode after the town, which the offline map cannot place
    leeds = search(client, q="sciatica physio, Leeds LS6")
    assert leeds["place"]["label"].startswith("Leeds") and leeds["place_from_text"]["matched"] == "Leeds LS6"
    assert "We could not find LS6 on the map, so distances are from the middle of Leeds." in leeds["notes"]
    assert "We could not find SW19 on the map, so distances are from the middle of London." in search(
        client, q="sciatica physio in London SW19")["notes"]
    for near in ("Hammersmith London", "Pune Maharashtra", "New Delhi", "central London"):
        assert not any("could not find" in n for n in search(client, concern="sciatica", near=near)["notes"]), near


def test_a_town_typed_in_lower_case_as_into_a_search_engine_is_searched_near(client, physio):
    leeds = search(client, q="physio leeds")  # (a town of 100,000 or more, by a name that is no word)
    assert leeds["place"]["label"] == "Leeds, England, United Kingdom"
    assert leeds["place_from_text"] == {"name": "leeds", "matched": "leeds"}
    reading = search(client, q="physio reading")  # (Reading is a town, and reading a word)
    assert reading["place"] is None and reading["place_from_text"] is None


def test_a_ticked_red_flag_returns_urgent_advice_and_no_results(client, physio):
    body = search(client, concern="sciatica", near="Bengaluru", red_flags="fever")
    assert body["urgent"] is True
    assert body["results"] == [] and body["total"] == 0
    assert "fever" in body["advice"]["message"]
    assert db.session.scalar(select(UrgentOutcome.count).where(UrgentOutcome.red_flag == "fever")) == 1


@pytest.mark.parametrize("text, flag", [
    ("my back hurts and I can't control my bladder", "bladder-bowel"),
    ("back pain, numb between my legs", "saddle-numbness"),
    ("lower back pain and I have a fever", "fever"),
    # searching for someone else, whose every pain is told of: what is said of them counts
    ("my dad has back pain and a fever", "fever"),
    ("my daughter can't control her bladder and has back pain", "bladder-bowel"),
    ("back pain, numbness between legs", "saddle-numbness"),
])
def test_red_flags_stated_in_free_text_stop_the_search(client, physio, text, flag):
    body = search(client, q=text, near="Bengaluru")
    assert body["urgent"] is True and body["results"] == []
    row = db.session.scalars(select(UrgentOutcome).where(UrgentOutcome.red_flag == flag)).one()
    assert row.count == 1 and row.day == date.today()


def test_words_of_someone_searched_for_are_answered_for_them(client, physio):
    """The advice and the questions are worded to "you"; searching for dad, they are his."""
    urgent = search(client, q="my dad has back pain and a fever", near="Bengaluru")
    assert urgent["urgent"] is True
    assert urgent["advice"]["message"].endswith("If you wrote of someone you are searching for, this advice is for "
                                                "them.")
    asked = search(client, q="kids physio for back pain after a fall", near="Bengaluru")
    assert [q["code"] for q in asked["questions"]] == ["major-trauma"]
    assert "If you are searching for someone else, answer these questions for them." in asked["notes"]
    # one's own words: nothing of the kind
    own = search(client, q="back pain after a fall", near="Bengaluru")
    assert own["questions"] and not any("someone else" in n for n in own["notes"])
    mine = search(client, q="lower back pain and I have a fever", near="Bengaluru")
    assert "someone you are searching for" not in mine["advice"]["message"]


def test_a_fever_with_a_stiff_neck_is_sent_to_emergency_care(client, physio):
    """Meningitis, perhaps: the advice is to get help now, not to see a GP today, also when
    the fever is ticked after the words told of the stiff neck."""
    said = search(client, q="stiff neck and a fever, need a massage", near="Bengaluru")
    assert said["urgent"] is True and said["advice"]["title"] == "Please get urgent medical help"
    assert "meningitis" in said["advice"]["message"]
    ticked = search(client, q="stiff neck, need a massage", near="Bengaluru", red_flags="fever")
    assert "meningitis" in ticked["advice"]["message"]
    back = search(client, q="stiff back, need a massage", near="Bengaluru", red_flags="fever")
    assert "meningitis" not in back["advice"]["message"]


def test_only_a_count_is_kept_for_urgent_outcomes(client, physio):
    search(client, q="sciatica and a fever", near="Bengaluru")
    search(client, q="sciatica, fever since yesterday", near="Bengaluru")
    rows = db.session.scalars(select(UrgentOutcome)).all()
    assert [(r.red_flag, r.count) for r in rows] == [("fever", 2)]
    assert set(UrgentOutcome.__table__.columns.keys()) == {"day", "red_flag", "count"}


def test_a_stated_negation_does_not_trigger_urgent_advice(client, physio):
    body = search(client, q="sciatica, no fever", near="Bengaluru")
    assert body["urgent"] is False and ids(body) == [physio.id]


def test_unclear_text_asks_before_showing_results(client, physio):
    body = search(client, q="sciatica and maybe a fever?", near="Bengaluru")
    assert body["urgent"] is False and body["results"] == []
    assert [q["code"] for q in body["questions"]] == ["fever"]
    answered = search(client, q="sciatica and maybe a fever?", near="Bengaluru", no_red_flags="true")
    assert answered["questions"] == [] and ids(answered) == [physio.id]
    yes = search(client, q="sciatica and maybe a fever?", near="Bengaluru", red_flags="fever")
    assert yes["urgent"] is True


def test_hinglish_text_finds_the_concern_and_asks_about_a_red_flag_it_mentions(client, physio):
    """'My lower back hurts and I have a fever too', in Hindi as typed in Latin letters."""
    text = "kamar mein dard hai aur bukhar bhi hai"
    body = search(client, q=text, near="Bengaluru")
    assert [c["slug"] for c in body["concerns"]][:1] == ["chronic-low-back-pain"]
    assert [q["code"] for q in body["questions"]] == ["fever"] and body["results"] == []
    assert search(client, q=text, near="Bengaluru", red_flags="fever")["urgent"] is True
    assert ids(search(client, q=text, near="Bengaluru", no_red_flags="true")) == [physio.id]
    plain = search(client, q="kamar dard", near="Bengaluru")  # nothing to ask
    assert plain["questions"] == [] and ids(plain) == [physio.id]


def test_hindi_script_is_read_for_the_concern_and_every_safety_question_is_asked(client, physio):
    text = "कमर दर्द और बुखार"  # lower back pain and fever, in Devanagari
    body = search(client, q=text, near="Bengaluru")
    assert body["urgent"] is False and body["results"] == []
    assert [c["slug"] for c in body["concerns"]][:1] == ["chronic-low-back-pain"]
    assert {q["code"] for q in body["questions"]} == {"fever", "leg-weakness", "bladder-bowel", "saddle-numbness",
                                                       "major-trauma", "cancer-history", "weight-loss"}
    assert any("We read Hindi script for what hurts" in n for n in body["notes"])
    assert not any("pick the closest concern" in n for n in body["notes"])
    assert search(client, q=text, near="Bengaluru", red_flags="fever")["urgent"] is True
    answered = search(client, q=text, near="Bengaluru", no_red_flags="true")
    assert answered["questions"] == [] and ids(answered) == [physio.id]


def test_text_in_a_script_the_screening_cannot_read_asks_everything_and_says_why(client, physio):
    text = "முதுகு வலி"  # back pain, in Tamil
    body = search(client, q=text, near="Bengaluru")
    assert body["urgent"] is False and body["results"] == [] and body["concerns"] == []
    assert {q["code"] for q in body["questions"]} == {"fever", "leg-weakness", "bladder-bowel", "saddle-numbness",
                                                       "major-trauma", "cancer-history", "weight-loss"}
    assert any("Please pick the closest concern, or describe it in English" in n for n in body["notes"])
    picked = search(client, q=text, concern="chronic-low-back-pain", near="Bengaluru", no_red_flags="true")
    assert picked["questions"] == [] and ids(picked) == [physio.id]
    assert any("so we asked every safety question" in n for n in picked["notes"])
    assert not any("pick the closest concern" in n for n in picked["notes"])


def test_sciatica_in_both_legs_is_screened_for_cauda_equina_first(client, physio):
    body = search(client, q="sciatica in both legs", near="Bengaluru")
    assert body["results"] == [] and body["urgent"] is False
    assert {q["code"] for q in body["questions"]} == {"leg-weakness", "saddle-numbness", "bladder-bowel"}
    assert [c["slug"] for c in body["concerns"]][:1] == ["sciatica"]
    answered = search(client, q="sciatica in both legs", near="Bengaluru", no_red_flags="true")
    assert ids(answered) == [physio.id]
    assert search(client, q="sciatica in both legs", near="Bengaluru", red_flags="saddle-numbness")["urgent"] is True


def test_text_that_matches_nothing_gets_suggestions_not_an_error(client, physio):
    body = search(client, q="purple elephant", near="Bengaluru")
    assert body["concerns"] == [] and body["results"] == []
    assert len(body["suggestions"]) >= 1
    # With no place either, nothing is listed: no note of "these online sessions" to puzzle over
    nowhere = search(client, q="my elbow clicks when I wave")
    assert nowhere["results"] == [] and nowhere["suggestions"] and nowhere["notes"] == []
    # ...as when a safety question comes first
    asked = search(client, q="back pain, I had a bad fall")
    assert asked["questions"] and asked["notes"] == []


def test_the_radius_edge_is_inclusive_and_exact(client, app):
    inside = make_verified_practitioner(app, display_name="Inside", modalities=("massage",), concerns=("back-spasm",),
                                        lat=north_of(*BLR, 24.9)[0], lon=BLR[1])
    outside = make_verified_practitioner(app, display_name="Outside", modalities=("massage",),
                                         concerns=("back-spasm",), lat=north_of(*BLR, 25.1)[0], lon=BLR[1])
    body = search(client, concern="back-spasm", lat=BLR[0], lon=BLR[1], radius_km=25)
    assert ids(body) == [inside.id]
    assert body["results"][0]["distance_km"] == pytest.approx(24.9, abs=0.01)
    wider = search(client, concern="back-spasm", lat=BLR[0], lon=BLR[1], radius_km=26)
    assert ids(wider) == [inside.id, outside.id]
    assert client.get("/api/v1/search", query_string={"concern": "back-spasm", "near": "Bengaluru",
                                                       "radius_km": 201}).status_code == 400


def test_with_nobody_within_the_radius_the_answer_says_how_far_the_nearest_match_is(client, app):
    """Zero results is not the end: the seeker is told how far the nearest practitioner who
    matches is, and the smallest offered radius that reaches them."""
    lat, lon = north_of(*BLR, 60)
    make_verified_practitioner(app, display_name="Cupping Only", modalities=("cupping",), concerns=(),
                               city="Nearby", lat=north_of(*BLR, 30)[0], lon=BLR[1])  # no fit for sciatica
    physio = make_verified_practitioner(app, display_name="Tumakuru Physio", modalities=("physiotherapy",),
                                        concerns=("sciatica",), city="Tumakuru", lat=lat, lon=lon)
    body = search(client, concern="sciatica", lat=BLR[0], lon=BLR[1], radius_km=25)
    assert body["total"] == 0
    assert body["nearest_beyond"] == {"distance_km": pytest.approx(60.0, abs=0.1), "radius_km": 100.0,
                                      "city": "Tumakuru"}
    assert ids(search(client, concern="sciatica", lat=BLR[0], lon=BLR[1], radius_km=100)) == [physio.id]
    # The same filters count: a physiotherapist is no answer to a search for acupuncture.
    assert search(client, concern="sciatica", lat=BLR[0], lon=BLR[1], modality="acupuncture")["nearest_beyond"] is None
    # Someone within the radius, an online-only search, or nobody within 200 km: nothing to say.
    assert search(client, concern="sciatica", lat=lat, lon=lon)["nearest_beyond"] is None
    assert search(client, concern="sciatica", lat=BLR[0], lon=BLR[1], mode="online")["nearest_beyond"] is None
    far_south = 2 * BLR[0] - north_of(*BLR, 150)[0]  # 150 km south: 210 km from Tumakuru
    assert search(client, concern="sciatica", lat=far_south, lon=BLR[1])["nearest_beyond"] is None


def test_online_sessions_alone_near_the_seeker_come_with_the_nearest_to_visit(client, app):
    lat, lon = north_of(*BLR, 40)
    make_verified_practitioner(app, display_name="Far Physio", modalities=("physiotherapy",), concerns=("sciatica",),
                               city="Dobbaspet", lat=lat, lon=lon)
    make_verified_practitioner(app, display_name="Online Physio", modalities=("physiotherapy",),
                               concerns=("sciatica",), offers_online=True, city=None)
    body = search(client, concern="sciatica", lat=BLR[0], lon=BLR[1], mode="any")
    assert [r["practitioner"]["display_name"] for r in body["results"]] == ["Online Physio"]
    assert body["nearest_beyond"]["radius_km"] == 50.0 and body["nearest_beyond"]["city"] == "Dobbaspet"


def test_online_mode_finds_practitioners_anywhere_without_a_distance(client, app, physio):
    london = make_verified_practitioner(app, display_name="London Online", modalities=("physiotherapy",),
                                        concerns=("sciatica",), offers_online=True, city="London", lat=51.5074,
                                        lon=-0.1278, fees=(("Video call", 45, 5000, "GBP"),))
    online = search(client, concern="sciatica", mode="online")
    assert ids(online) == [london.id]
    assert online["results"][0]["distance_km"] is None
    assert "Offers online sessions" in online["results"][0]["reasons"]
    in_person = search(client, concern="sciatica", near="Bengaluru", mode="in_person")
    assert ids(in_person) == [physio.id]
    either = search(client, concern="sciatica", near="Bengaluru", mode="any")
    assert ids(either) == [physio.id, london.id]
    no_place = client.get("/api/v1/search", query_string={"concern": "sciatica", "mode": "in_person"})
    assert no_place.status_code == 400 and "near" in no_place.get_json()["errors"]


def test_an_online_result_says_where_the_practitioner_is_based(client, app, physio):
    """A seeker in Paris, asking for either kind of care, sees online practitioners from
    other countries: each online result says where its practitioner sees people in person:
    the town as they typed it and the country their address resolved to."""
    from marketplace.practitioners.services import LocationInput, add_location

    mumbai = make_verified_practitioner(app, display_name="Mumbai Online", modalities=("physiotherapy",),
                                        concerns=("sciatica",), offers_online=True, city=None)
    add_location(mumbai, LocationInput(label="Bandra clinic", venue_type="clinic", city="Mumbai"),
                 app.extensions["place_resolver"])
    by_point = make_verified_practitioner(app, display_name="Powai Online", modalities=("physiotherapy",),
                                          concerns=("sciatica",), offers_online=True, city=None)
    add_location(by_point, LocationInput(label="Home visits", venue_type="home_visit", lat=19.1197, lon=72.8468),
                 app.extensions["place_resolver"])  # a point, no city: the town it is nearest
    db.session.commit()
    video_only = make_verified_practitioner(app, display_name="Video Only", modalities=("physiotherapy",),
                                            concerns=("sciatica",), offers_online=True, city=None)

    body = search(client, concern="sciatica", near="Paris", mode="any")
    assert body["place"]["country_code"] == "FR"
    shown = {r["practitioner"]["id"]: r["practitioner"] for r in body["results"]}
    assert set(shown) == {mumbai.id, by_point.id, video_only.id}  # the physio in Bengaluru is not online
    assert shown[mumbai.id]["based_in"] == {"label": "Mumbai, India", "country_code": "IN"}
    assert shown[by_point.id]["based_in"] == {"label": "Powai, India", "country_code": "IN"}
    assert shown[video_only.id]["based_in"] is None  # no place listed: nothing to say

    # Near Mumbai the same practitioner is an in-person result: its location says where.
    near = search(client, concern="sciatica", near="Mumbai", mode="any")
    [first] = [r for r in near["results"] if r["practitioner"]["id"] == mumbai.id]
    assert first["distance_km"] is not None and first["practitioner"]["location"]["label"] == "Bandra clinic"
    assert first["practitioner"]["based_in"] is None


def test_a_page_of_online_results_only_says_nobody_on_it_is_nearby(client, app, physio):
    make_verified_practitioner(app, display_name="Video Only", modalities=("physiotherapy",), concerns=("sciatica",),
                               offers_online=True, city=None)
    far = search(client, concern="sciatica", near="Sydney", mode="any")
    assert [r["distance_km"] for r in far["results"]] == [None]
    assert "Nobody on this page sees people in person within 25 km: these are online sessions, each with where " \
           "the practitioner is based." in far["notes"]
    near = search(client, concern="sciatica", near="Bengaluru", mode="any")  # the physio is there
    assert len(near["results"]) == 2 and not any("Nobody on this page" in n for n in near["notes"])
    online = search(client, concern="sciatica", near="Sydney", mode="online")  # asked for online: nothing to say
    assert not any("Nobody on this page" in n for n in online["notes"])


def test_online_practitioners_from_the_seekers_own_country_come_first(client, app):
    """A seeker in London asking for online care: a physio in London comes before one in
    Mumbai who says they treat sciatica and charges less (their licence may not cover
    treating someone in Britain, and their day is not the seeker's), and before one who
    lists no place at all. Each says why. Without a place, nobody is from abroad."""
    from marketplace.practitioners.services import LocationInput, update_location

    mumbai = make_verified_practitioner(app, display_name="Mumbai Video", modalities=("physiotherapy",),
                                        concerns=("sciatica",), offers_online=True, city="Mumbai", lat=19.076,
                                        lon=72.8777, fees=(("Video call", 45, 80000, "INR"),))
    london = make_verified_practitioner(app, display_name="London Video", modalities=("physiotherapy",),
                                        concerns=(), offers_online=True, city="London", lat=51.5074, lon=-0.1278,
                                        fees=(("Video call", 45, 7000, "GBP"),))
    unlisted = make_verified_practitioner(app, display_name="Video Anywhere", modalities=("physiotherapy",),
                                          concerns=(), offers_online=True, city=None, fees=())

    home = search(client, concern="sciatica", near="London", mode="online")
    assert ids(home) == [london.id, mumbai.id, unlisted.id]
    reasons = {r["practitioner"]["id"]: r["reasons"] for r in home["results"]}
    assert not any("outside the country" in r for r in reasons[london.id])
    assert "Based in India, outside the country you searched in" in reasons[mumbai.id]
    assert "Where they are based is not listed" in reasons[unlisted.id]
    assert home["results"][0]["score"] > home["results"][1]["score"]
    # "Either" near London: the same order (nobody sees people in person there).
    assert ids(search(client, concern="sciatica", near="London", mode="any")) == [london.id, mumbai.id, unlisted.id]
    # In Mumbai the order turns round; with no place it is the score alone (declared, cheaper).
    in_mumbai = search(client, concern="sciatica", near="Mumbai", mode="online")
    assert ids(in_mumbai)[:2] == [mumbai.id, london.id]
    assert "Based in the United Kingdom, outside the country you searched in" in in_mumbai["results"][1]["reasons"]
    anywhere = search(client, concern="sciatica", mode="online")
    assert ids(anywhere) == [mumbai.id, london.id, unlisted.id]
    assert any("Add where you are to see practitioners based in your country first" in n for n in anywhere["notes"])
    assert not any("based in your country first" in n for n in home["notes"])

    # The London physio moves to Bengaluru: from the next search on, they are from abroad too.
    [place] = london.locations
    update_location(london, place.id, LocationInput(label="Indiranagar clinic", venue_type="clinic",
                                                    city="Bengaluru"), app.extensions["place_resolver"])
    db.session.commit()
    moved = search(client, concern="sciatica", near="London", mode="online", per_page=10)  # not the cached answer
    assert ids(moved) == [mumbai.id, london.id, unlisted.id]
    assert "Based in India, outside the country you searched in" in moved["results"][1]["reasons"]

    # The page lists the reason with the others.
    html = client.get("/search", query_string={"concern": "sciatica", "near": "London", "mode": "online"}
                      ).get_data(as_text=True)
    card = html[html.index(f'id="result-{unlisted.id}"'):]
    assert "Where they are based is not listed" in card[:card.index("</article>")]


def test_an_online_only_practitioner_is_placed_by_the_country_they_declare(client, app):
    """A practitioner who lists no place (video calls only) says which country they
    practise from: a seeker there sees them with the local ones, before those abroad, and
    the result says where they are. A listed place outranks the declaration, and a change
    of country shows in the very next search."""
    from tests.builders import bearer

    mumbai = make_verified_practitioner(app, display_name="Mumbai Video", modalities=("physiotherapy",),
                                        concerns=("sciatica",), offers_online=True, city="Mumbai", lat=19.076,
                                        lon=72.8777, fees=(("Video call", 45, 80000, "INR"),))
    british = make_verified_practitioner(app, display_name="Video from Leeds", modalities=("physiotherapy",),
                                         concerns=(), offers_online=True, city=None, country_code="GB",
                                         fees=(("Video call", 45, 7000, "GBP"),))
    unstated = make_verified_practitioner(app, display_name="Video Anywhere", modalities=("physiotherapy",),
                                          concerns=(), offers_online=True, city=None, fees=())
    # Declared Britain, but their clinic is in Mumbai: the place says where they are.
    placed = make_verified_practitioner(app, display_name="Mumbai Clinic and Video", modalities=("physiotherapy",),
                                        concerns=(), offers_online=True, city="Mumbai", lat=19.08, lon=72.88,
                                        country_code="GB")

    home = search(client, concern="sciatica", near="London", mode="online")
    assert ids(home)[0] == british.id
    assert set(ids(home)[1:]) == {mumbai.id, unstated.id, placed.id}
    shown = {r["practitioner"]["id"]: r for r in home["results"]}
    assert shown[british.id]["practitioner"]["based_in"] == {"label": "United Kingdom", "country_code": "GB"}
    assert not any("outside the country" in r or "not listed" in r for r in shown[british.id]["reasons"])
    assert "Where they are based is not listed" in shown[unstated.id]["reasons"]
    assert shown[unstated.id]["practitioner"]["based_in"] is None
    assert "Based in India, outside the country you searched in" in shown[placed.id]["reasons"]
    assert shown[placed.id]["practitioner"]["based_in"]["label"] == "Mumbai, India"
    html = client.get("/search", query_string={"concern": "sciatica", "near": "London", "mode": "online"}
                      ).get_data(as_text=True)
    card = html[html.index(f'id="result-{british.id}"'):]
    assert "based in the United Kingdom" in card[:card.index("</article>")]

    # They move to India and say so: from the next search on, they are from abroad.
    listing = client.get(f"/api/v1/practitioners/{british.id}").get_json()
    assert listing["country_code"] == "GB" and listing["country"] == "United Kingdom"
    headers = bearer(client, british.user)
    replaced = client.put("/api/v1/me/practitioner", headers=headers, json={
        "display_name": "Video from Pune", "modalities": ["physiotherapy"], "offers_online": True,
        "country_code": "in", "fees": [{"label": "Video call", "minutes": 45, "amount": 7000, "currency": "GBP"}]})
    assert replaced.status_code == 200 and replaced.get_json()["country_code"] == "IN"
    moved = search(client, concern="sciatica", near="London", mode="online", per_page=10)  # not the cached answer
    shown = {r["practitioner"]["id"]: r for r in moved["results"]}
    assert "Based in India, outside the country you searched in" in shown[british.id]["reasons"]
    assert shown[british.id]["practitioner"]["based_in"] == {"label": "India", "country_code": "IN"}
    assert ids(search(client, concern="sciatica", near="Mumbai", mode="online"))[0] == mumbai.id


def test_where_an_online_practitioner_is_based_follows_their_edits(client, app):
    """Each web process keeps the places of online results it has shown, under the
    practitioner's availability stamp: a repeat search reads none of them again, and an
    edited place shows in the very next search."""
    from sqlalchemy import event

    from marketplace.practitioners.services import LocationInput, add_location, remove_location

    resolver = app.extensions["place_resolver"]
    online = make_verified_practitioner(app, display_name="Mumbai Online", modalities=("physiotherapy",),
                                        concerns=("sciatica",), offers_online=True, city=None)
    mumbai = add_location(online, LocationInput(label="Bandra clinic", venue_type="clinic", city="Mumbai"), resolver)
    db.session.commit()
    first = search(client, concern="sciatica", near="Paris", mode="any")
    assert first["results"][0]["practitioner"]["based_in"]["label"] == "Mumbai, India"

    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        again = search(client, concern="sciatica", near="Paris", mode="any", per_page=10)  # not the cached answer
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert again["results"][0]["practitioner"]["based_in"]["label"] == "Mumbai, India"
    assert statements and not any("resolved_label" in s for s in statements)  # kept, not read again

    remove_location(online, mumbai.id)  # moved to Pune
    add_location(online, LocationInput(label="Kothrud clinic", venue_type="clinic", city="Pune"), resolver)
    db.session.commit()
    moved = search(client, concern="sciatica", near="Paris", mode="any", per_page=10)
    assert moved["results"][0]["practitioner"]["based_in"]["label"] == "Pune, India"
    near_pune = search(client, concern="sciatica", near="Pune", mode="online")
    assert near_pune["results"][0]["practitioner"]["also_in_person"]["label"] == "Kothrud clinic"


def test_an_online_result_says_when_the_practitioner_also_sees_people_nearby(client, app):
    """Ranked on the better of the two, a video session can outrank the same practitioner's
    clinic 12 km away (online counts as 8 km). The result then still says that the clinic is
    there and how far, so a seeker who would rather go in person knows they can."""
    seeker = north_of(*BLR, 12.0)
    both = make_verified_practitioner(app, display_name="Clinic and Video", modalities=("physiotherapy",),
                                      concerns=("sciatica",), offers_online=True)
    db.session.add(Location(practitioner=both, label="Far clinic", venue_type=VenueType.CLINIC, city="Bengaluru",
                            country="India", lat=BLR[0] - 0.4, lon=BLR[1], resolved_label="Bengaluru"))
    db.session.commit()
    far_only = make_verified_practitioner(app, display_name="Video, clinic far away", modalities=("physiotherapy",),
                                          concerns=("sciatica",), offers_online=True, city="Mysuru",
                                          lat=12.2958, lon=76.6394)

    body = search(client, concern="sciatica", lat=seeker[0], lon=seeker[1], mode="any")
    shown = {r["practitioner"]["id"]: r for r in body["results"]}
    assert set(shown) == {both.id, far_only.id}
    online = shown[both.id]
    assert online["distance_km"] is None  # matched as an online session
    nearby = online["practitioner"]["also_in_person"]
    assert nearby["label"] == "Bengaluru clinic" and nearby["venue_type"] == "clinic"  # the nearer of the two
    assert nearby["distance_km"] == pytest.approx(12.0, rel=0.005)
    assert shown[far_only.id]["practitioner"]["also_in_person"] is None  # Mysuru is ~130 km away

    # Asked for in person only, the same clinic is the result itself; also_in_person is for online ones.
    in_person = search(client, concern="sciatica", lat=seeker[0], lon=seeker[1], mode="in_person")
    [result] = in_person["results"]
    assert result["distance_km"] == pytest.approx(12.0, rel=0.005)
    assert result["practitioner"]["also_in_person"] is None

    # The page says it on the card.
    html = client.get("/search", query_string={"concern": "sciatica", "lat": seeker[0], "lon": seeker[1],
                                               "mode": "any"}).get_data(as_text=True)
    card = html[html.index(f'id="result-{both.id}"'):]
    card = card[:card.index("</article>")]
    assert "also in person" in card and "12.0 km away" in card and "Bengaluru clinic" in card

def test_cautions_exclude_or_mark_the_techniques_they_rule_out(client, app):
    cupping_only = make_verified_practitioner(app, display_name="Cupping Only", modalities=("cupping",),
                                              concerns=("neck-shoulder-tension",))
    mixed = make_verified_practitioner(app, display_name="Bodywork with Gua Sha", modalities=("manual-therapy",),
                                       techniques=("gua-sha", "myofascial-release"),
                                       concerns=("neck-shoulder-tension",))
    plain = search(client, concern="neck-shoulder-tension", near="Bengaluru")
    assert set(ids(plain)) == {cupping_only.id, mixed.id}
    careful = search(client, concern="neck-shoulder-tension", near="Bengaluru", cautions="bleeding-risk")
    assert ids(careful) == [mixed.id]
    [result] = careful["results"]
    assert any(c["code"] == "bleeding-risk" and "gua" in c["applies_to"] for c in result["cautions"])
    assert careful["cautions"] == ["bleeding-risk"]


def test_a_therapy_asked_for_that_a_caution_rules_out_is_not_searched_for(client, app):
    """"Cupping for my neck, I take warfarin" listed cupping therapists under "Showing only
    Cupping therapy", each card warning that cupping is avoided with blood thinners."""
    both = make_verified_practitioner(app, display_name="Needles and Cups", modalities=("acupuncture", "cupping"),
                                      techniques=("dry-needling", "cupping", "moxibustion"),
                                      concerns=("neck-shoulder-tension",))
    needles = make_verified_practitioner(app, display_name="Needles Only", modalities=("acupuncture",),
                                         concerns=("neck-shoulder-tension",))
    asked = search(client, q="cupping for my stiff neck", near="Bengaluru", cautions="bleeding-risk")
    assert asked["therapy_from_text"] is None and set(ids(asked)) == {both.id, needles.id}
    [note] = [n for n in asked["notes"] if "Cupping is avoided" in n]
    assert "we have not searched for Cupping therapy: these are practitioners whose other therapies suit you" in note
    # With nobody to list, the note does not say there is.
    far = search(client, q="cupping for my stiff neck", near="London", cautions="bleeding-risk")
    [note] = [n for n in far["notes"] if "Cupping is avoided" in n]
    assert far["results"] == [] and "we have not searched for Cupping therapy. Ask your doctor" in note
    assert all(c["applies_to"] != "cupping" or "avoided" in c["message"]
               for r in asked["results"] for c in r["cautions"])
    # What the seeker's cautions rule out is not listed among what each result offers them.
    [offer] = [r["practitioner"]["techniques"] for r in asked["results"] if r["practitioner"]["id"] == both.id]
    assert offer == ["Moxibustion"]

    plain = search(client, concern="neck-shoulder-tension", near="Bengaluru")
    [offer] = [r["practitioner"]["techniques"] for r in plain["results"] if r["practitioner"]["id"] == both.id]
    assert len(offer) == 3
    # chosen as a filter, or told in the words: the same
    chosen = search(client, concern="neck-shoulder-tension", near="Bengaluru", modality="cupping",
                    cautions="bleeding-risk")
    assert set(ids(chosen)) == {both.id, needles.id} and any("Cupping is avoided" in n for n in chosen["notes"])
    told = search(client, q="cupping for my stiff neck, I'm on warfarin", near="Bengaluru")
    assert told["cautions"] == ["bleeding-risk"] and set(ids(told)) == {both.id, needles.id}
    # without the caution, the therapy narrows the search as before
    assert ids(search(client, q="cupping for my stiff neck", near="Bengaluru")) == [both.id]


def test_of_several_therapies_asked_for_those_a_caution_rules_out_are_left_out(client, app):
    """"Cupping or massage, I take warfarin": massage therapists, and a word on cupping; with
    every therapy named ruled out, as for one, practitioners of the others."""
    cups = make_verified_practitioner(app, display_name="Cups Only", modalities=("cupping",),
                                      concerns=("neck-shoulder-tension",))
    hands = make_verified_practitioner(app, display_name="Hands Only", modalities=("massage",),
                                       concerns=("neck-shoulder-tension",))
    needles = make_verified_practitioner(app, display_name="Needles Only", modalities=("acupuncture",),
                                         concerns=("neck-shoulder-tension",))
    plain = search(client, q="cupping or massage for my stiff neck", near="Bengaluru")
    assert set(ids(plain)) == {cups.id, hands.id}
    careful = search(client, q="cupping or massage for my stiff neck", near="Bengaluru", cautions="bleeding-risk")
    assert ids(careful) == [hands.id]
    assert [t["slug"] for t in careful["therapies_from_text"]] == ["massage"]
    assert careful["therapy_from_text"]["slug"] == "massage"
    [note] = [n for n in careful["notes"] if "Cupping is avoided" in n]
    assert note.endswith("So we have not searched for Cupping therapy. Ask your doctor before trying it.")
    ruled = search(client, q="cupping or gua sha for my stiff neck", near="Bengaluru", cautions="bleeding-risk")
    assert ruled["therapies_from_text"] == [] and set(ids(ruled)) == {hands.id, needles.id}
    [note] = [n for n in ruled["notes"] if "Cupping is avoided" in n]
    assert "Gua sha is avoided" in note
    assert ("we have not searched for Cupping therapy or Gua sha: these are practitioners whose other therapies "
            "suit you") in note


def test_a_pregnant_seeker_is_told_which_massage_therapists_list_prenatal_training(client, app):
    trained = make_verified_practitioner(app, display_name="Prenatal Trained", modalities=("massage",),
                                         techniques=("prenatal-massage", "deep-tissue-massage"),
                                         concerns=("back-spasm",))
    general = make_verified_practitioner(app, display_name="Deep Tissue Only", modalities=("massage",),
                                         techniques=("deep-tissue-massage",), concerns=("back-spasm",))
    plain = search(client, concern="back-spasm", near="Bengaluru")
    assert all(r["cautions"] == [] for r in plain["results"])
    body = search(client, q="back spasm, I'm 20 weeks pregnant", near="Bengaluru", no_red_flags="true")
    assert body["cautions"] == ["pregnancy"]
    assert ids(body) == [trained.id, general.id]
    first, second = body["results"]
    assert "Trained in prenatal massage" in first["reasons"]
    assert all(c["applies_to"] != "massage" for c in first["cautions"])
    [note] = second["cautions"]
    assert (note["code"], note["applies_to"]) == ("pregnancy", "massage")
    assert "Not listed as trained in prenatal massage" in note["message"]


def test_filters_by_modality_technique_price_language_and_venue(client, app):
    a = make_verified_practitioner(app, display_name="Anil", modalities=("acupuncture",), techniques=("dry-needling",),
                                   concerns=("back-spasm",), languages=("Hindi", "English"),
                                   fees=(("Session", 45, 80000, "INR"),), venue_type=VenueType.HOSPITAL)
    b = make_verified_practitioner(app, display_name="Bina", modalities=("massage",), concerns=("back-spasm",),
                                   languages=("Kannada",), fees=(("Session", 60, 250000, "INR"),))
    base = {"concern": "back-spasm", "near": "Bengaluru"}
    assert set(ids(search(client, **base))) == {a.id, b.id}
    assert ids(search(client, **base, modality="massage")) == [b.id]
    assert ids(search(client, **base, technique="dry-needling")) == [a.id]
    assert ids(search(client, **base, max_price=100000, currency="INR")) == [a.id]
    assert ids(search(client, **base, language="kannada")) == [b.id]
    assert ids(search(client, **base, venue_type="hospital")) == [a.id]
    bad = client.get("/api/v1/search", query_string={**base, "modality": "reiki"})
    assert bad.status_code == 400 and "modality" in bad.get_json()["errors"]
    # several therapies: practitioners who offer any of them
    c = make_verified_practitioner(app, display_name="Chitra", modalities=("cupping",), concerns=("back-spasm",))
    assert set(ids(search(client, **base, modality="massage,cupping"))) == {b.id, c.id}
    assert set(ids(search(client, **base, modality="acupuncture, massage"))) == {a.id, b.id}
    bad = client.get("/api/v1/search", query_string={**base, "modality": "massage,reiki"})
    assert bad.status_code == 400 and "'reiki'" in bad.get_json()["errors"]["modality"][0]
    # ...a caution rules one out: the others are searched, and the note says which was not
    careful = search(client, **base, modality="massage,cupping", cautions="bleeding-risk")
    assert ids(careful) == [b.id] and any("we have not searched for Cupping" in n for n in careful["notes"])


def test_a_maximum_price_without_a_currency_is_read_in_the_searched_places_currency(client, app):
    """₹1,500 typed near Bengaluru is a rupee budget: it must not let a £60 video session
    through because 6,000 pence is less than 150,000 paise."""
    local = make_verified_practitioner(app, display_name="Bengaluru, ₹1,200", modalities=("physiotherapy",),
                                       concerns=("sciatica",), fees=(("Session", 45, 120000, "INR"),))
    pricey_abroad = make_verified_practitioner(app, display_name="London, £60", modalities=("physiotherapy",),
                                               concerns=("sciatica",), offers_online=True, city="London",
                                               lat=51.5074, lon=-0.1278, fees=(("Session", 45, 6000, "GBP"),))
    base = {"concern": "sciatica", "near": "Bengaluru", "mode": "any"}
    assert set(ids(search(client, **base))) == {local.id, pricey_abroad.id}

    body = search(client, **base, max_price=150000)
    assert ids(body) == [local.id]
    assert body["query"]["currency"] == "INR"  # the search as understood
    assert any("Prices up to ₹1,500, in the currency where you are searching" in n for n in body["notes"])

    # From London the same number reads as £1,500: the £60 session fits; the rupee price is in
    # another currency, which a pound budget cannot be compared with.
    london = search(client, concern="sciatica", near="London", mode="any", max_price=150000)
    assert ids(london) == [pricey_abroad.id] and london["query"]["currency"] == "GBP"
    # A currency named wins; with no place (online only) each practitioner's own currency is used.
    assert ids(search(client, **base, max_price=150000, currency="GBP")) == [pricey_abroad.id]
    anywhere = search(client, concern="sciatica", mode="online", max_price=150000)
    assert ids(anywhere) == [pricey_abroad.id] and "currency" not in anywhere["query"]


def test_paging_is_stable_and_complete(client, app):
    made = {make_verified_practitioner(app, display_name=f"P{i}", modalities=("massage",), concerns=("back-spasm",),
                                       lat=BLR[0] + i * 0.01, lon=BLR[1]).id for i in range(7)}
    pages = [search(client, concern="back-spasm", near="Bengaluru", per_page=3, page=p) for p in (1, 2, 3)]
    seen = [i for body in pages for i in ids(body)]
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    assert [len(b["results"]) for b in pages] == [3, 3, 1]
    assert pages[0]["has_more"] and not pages[2]["has_more"]
    again = search(client, concern="back-spasm", near="Bengaluru", per_page=3, page=2)
    assert ids(again) == ids(pages[1])
    scores = [r["score"] for b in pages for r in b["results"]]
    assert scores == sorted(scores, reverse=True)


def test_unverified_rejected_expired_and_suspended_practitioners_never_appear(client, app, frozen_clock):
    kw = {"modalities": ("massage",), "concerns": ("back-spasm",)}
    visible = make_verified_practitioner(app, display_name="Visible", **kw)
    make_practitioner(display_name="Unverified", **kw)
    make_credential(app, make_practitioner(display_name="Pending", **kw))
    make_credential(app, make_practitioner(display_name="Rejected", **kw), status=CredentialStatus.REJECTED)
    expiring = make_practitioner(display_name="Expires soon", **kw)
    make_credential(app, expiring, status=CredentialStatus.APPROVED, expires_on=date.today() + timedelta(days=3))
    suspended = make_verified_practitioner(app, display_name="Suspended", **kw)
    suspended.is_suspended = True
    disabled = make_verified_practitioner(app, display_name="Disabled", **kw)
    disabled.user.is_disabled = True
    db.session.commit()
    assert {r["practitioner"]["display_name"] for r in search(client, concern="back-spasm", near="Bengaluru")[
        "results"]} == {"Visible", "Expires soon"}
    # Four days on, with no sweep run, the expired licence no longer counts.
    frozen_clock(datetime.now(timezone.utc) + timedelta(days=4))
    assert ids(search(client, concern="back-spasm", near="Bengaluru")) == [visible.id]
    assert ids(search(client, concern="back-spasm", mode="online")) == []


def test_only_verified_modalities_are_searched_and_shown(client, app):
    p = make_practitioner(display_name="Half verified", modalities=("acupuncture", "massage"),
                          concerns=("back-spasm",))
    make_credential(app, p, status=CredentialStatus.APPROVED, modalities=("acupuncture",))
    body = search(client, concern="back-spasm", near="Bengaluru")
    assert [m["slug"] for m in body["results"][0]["practitioner"]["modalities"]] == ["acupuncture"]
    assert search(client, concern="back-spasm", near="Bengaluru", modality="massage")["results"] == []


def test_changes_to_a_listing_show_in_search_at_once(client, app, physio):
    assert ids(search(client, concern="sciatica", near="Bengaluru")) == [physio.id]
    physio.locations[0].lat, physio.locations[0].lon = 51.5074, -0.1278  # moved to London
    db.session.commit()
    assert search(client, concern="sciatica", near="Bengaluru")["results"] == []
    assert ids(search(client, concern="sciatica", near="London")) == [physio.id]


def test_seekers_own_words_resolve_to_concerns(client, physio):
    for text, slug in [("my lower back locked up when I lifted a box", "back-spasm"),
                       ("pinched nerve down my leg", "sciatica"), ("lumbago", "chronic-low-back-pain"),
                       ("stiff neck from my desk", "neck-shoulder-tension")]:
        body = search(client, q=text, near="Bengaluru")
        assert slug in [c["slug"] for c in body["concerns"]], (text, body["concerns"])


def test_search_needs_no_account(client, physio):
    make_user()
    assert client.get("/api/v1/search?concern=sciatica&near=Bengaluru").status_code == 200


def test_results_show_the_next_open_slot_and_packages_for_the_concern(client, app):
    from tests.packages.helpers import SOHO, open_every_day, package, practitioner

    physio = practitioner(app, "Priya Physio", "physiotherapy")
    acu = practitioner(app, "Arun Acupuncture", "acupuncture", at=SOHO)
    open_every_day(physio)
    pkg = package(physio, [(physio, "physiotherapy", 4, 45), (acu, "acupuncture", 2, 30)], price=30000)
    body = search(client, concern="sciatica", near="London")
    by_name = {r["practitioner"]["display_name"]: r for r in body["results"]}
    assert by_name["Priya Physio"]["next_available"] is not None
    assert by_name["Arun Acupuncture"]["next_available"] is None  # no hours published
    for name in ("Priya Physio", "Arun Acupuncture"):
        [offer] = by_name[name]["packages"]
        assert offer["id"] == pkg.id and offer["practitioners"] == ["Priya Physio", "Arun Acupuncture"]


def test_results_use_the_names_admins_give_the_terms(client, physio):
    """An admin renames a modality, a technique and a concern: the very next search says
    the new names everywhere, in the badges, the techniques and the reasons alike."""
    from marketplace.taxonomy import services as taxonomy
    from marketplace.taxonomy.models import Concern, Modality, Technique
    from marketplace.taxonomy.services import TermInput
    from tests.builders import make_admin

    admin = make_admin()
    search(client, concern="sciatica", near="Bangalore")  # this process has seen the old names
    for kind, model, slug, name in (("modality", Modality, "physiotherapy", "Physical therapy"),
                                    ("technique", Technique, "exercise-therapy", "Therapeutic exercise"),
                                    ("concern", Concern, "sciatica", "Sciatic leg pain")):
        term = db.session.scalar(select(model).where(model.slug == slug))
        taxonomy.save_term(kind, TermInput(slug, name, modality_slug="physiotherapy" if kind == "technique" else None),
                           admin, term.id)
    db.session.commit()

    [result] = search(client, concern="sciatica", near="Bangalore")["results"]
    practitioner = result["practitioner"]
    assert [m["name"] for m in practitioner["modalities"]] == ["Physical therapy"]
    assert practitioner["techniques"] == ["Therapeutic exercise"]
    assert "Treats sciatic leg pain" in result["reasons"]
    assert "Physical therapy is commonly used for sciatic leg pain" in result["reasons"]
    assert not any("Physiotherapy" in r for r in result["reasons"])


def test_nearest_first_orders_the_same_practitioners_by_distance(app, client):
    """``sort=nearest``: who is shown does not change (a therapy that fits, or a declared
    concern), only the order; online sessions come after the places one can visit."""
    far_fit = make_verified_practitioner(app, display_name="Far Physio", modalities=("physiotherapy",), concerns=(),
                                         lat=BLR[0] + 0.054, lon=BLR[1])
    near_fit = make_verified_practitioner(app, display_name="Near Acupuncturist", modalities=("acupuncture",),
                                          concerns=(), lat=BLR[0] + 0.0027, lon=BLR[1])
    make_verified_practitioner(app, display_name="Online Physio", modalities=("physiotherapy",), offers_online=True,
                               concerns=(), lat=BLR[0] + 0.3, lon=BLR[1])  # 33 km: online only, from here
    make_verified_practitioner(app, display_name="Near Cupping, no fit", modalities=("cupping",), concerns=(),
                               lat=BLR[0] + 0.001, lon=BLR[1])
    params = dict(concern="sciatica", lat=BLR[0], lon=BLR[1])

    def names(body):
        return [r["practitioner"]["display_name"] for r in body["results"]]

    best = search(client, **params)
    nearest = search(client, **params, sort="nearest")
    assert sorted(names(best)) == sorted(names(nearest))
    assert "Near Cupping, no fit" not in names(nearest)  # nearest of all, but nothing fits: still left out
    assert names(nearest) == ["Near Acupuncturist", "Far Physio", "Online Physio"]
    assert names(best)[0] == "Far Physio"  # physiotherapy fits sciatica best
    assert nearest["query"]["sort"] == "nearest" and "sort" not in best["query"]
    assert [r["distance_km"] for r in nearest["results"]][:2] == sorted(r["distance_km"] for r in nearest["results"][:2])
    assert any("commonly used" in r for r in nearest["results"][1]["reasons"])  # the reasons still say why

    bad = client.get("/api/v1/search", query_string={**params, "sort": "cheapest"})
    assert bad.status_code == 400 and "sort" in bad.get_json()["errors"]
    assert {far_fit.id, near_fit.id} <= set(ids(nearest))


def test_nearest_first_needs_places_to_be_near_to(app, client):
    """Online sessions alone have no distance: asked for nearest first, they keep the best
    match order (and the echo still says what was asked)."""
    for name, fee in (("Dear Online Physio", 250000), ("Cheap Online Physio", 50000)):  # the cheaper one added last
        make_verified_practitioner(app, display_name=name, modalities=("physiotherapy",), offers_online=True,
                                   concerns=(), fees=(("Video", 45, fee, "INR"),), lat=BLR[0] + 0.5, lon=BLR[1])
    params = dict(concern="sciatica", lat=BLR[0], lon=BLR[1], mode="online")
    best, nearest = search(client, **params), search(client, **params, sort="nearest")
    assert [r["practitioner"]["display_name"] for r in nearest["results"]] == [
        r["practitioner"]["display_name"] for r in best["results"]] == ["Cheap Online Physio", "Dear Online Physio"]
    assert nearest["query"]["sort"] == "nearest"
