"""A practitioner's listing and locations through the API; public profiles."""

import pytest

from marketplace.accounts.models import Role
from tests.builders import bearer, make_practitioner, make_user

LISTING = {
    "display_name": "Asha Rao",
    "bio": "Acupuncture and cupping for back spasm.",
    "modalities": ["acupuncture", "cupping"],
    "techniques": ["dry-needling", "cupping"],
    "concerns": ["back-spasm", "sciatica"],
    "languages": ["English", "kannada"],
    "offers_online": True,
    "years_in_practice": 12,
    "fees": [{"label": "First consultation", "minutes": 60, "amount": 150000, "currency": "INR"}],
}


@pytest.fixture
def practitioner_headers(client):
    return bearer(client, make_user(Role.PRACTITIONER, email="asha@example.com"))


def test_put_creates_then_replaces_the_listing(client, practitioner_headers):
    created = client.put("/api/v1/me/practitioner", json=LISTING, headers=practitioner_headers)
    assert created.status_code == 200
    body = created.get_json()
    assert [m["slug"] for m in body["listed_modalities"]] == ["acupuncture", "cupping"]
    assert body["languages"] == ["English", "Kannada"]
    assert body["fees"] == [{"label": "First consultation", "minutes": 60, "amount": 150000, "currency": "INR"}]
    # nothing is verified yet, so nothing is public
    assert body["modalities"] == [] and body["is_visible"] is False

    replaced = client.put("/api/v1/me/practitioner", headers=practitioner_headers,
                          json={**LISTING, "modalities": ["massage"], "techniques": [], "fees": []})
    assert replaced.status_code == 200
    assert [m["slug"] for m in replaced.get_json()["listed_modalities"]] == ["massage"]
    assert replaced.get_json()["fees"] == []
    assert replaced.get_json()["id"] == body["id"]


def test_unknown_slugs_and_orphan_techniques_name_the_field(client, practitioner_headers):
    response = client.put("/api/v1/me/practitioner", headers=practitioner_headers,
                          json={**LISTING, "modalities": ["acupuncture", "reiki-x"], "techniques": ["gua-sha"]})
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert "reiki-x" in " ".join(errors["modalities"])


def test_technique_needs_its_modality(client, practitioner_headers):
    response = client.put("/api/v1/me/practitioner", headers=practitioner_headers,
                          json={**LISTING, "modalities": ["acupuncture"], "techniques": ["gua-sha"]})
    assert response.status_code == 400
    assert "gua-sha" in " ".join(response.get_json()["errors"]["techniques"])


@pytest.mark.parametrize("fee, field", [
    ({"label": "x", "minutes": 60, "amount": 12.5, "currency": "INR"}, "fees.0.amount"),
    ({"label": "x", "minutes": 60, "amount": -1, "currency": "INR"}, "fees.0.amount"),
    ({"label": "x", "minutes": 60, "amount": 100, "currency": "XYZ"}, "fees.0.currency"),
    ({"label": "x", "minutes": 0, "amount": 100, "currency": "GBP"}, "fees.0.minutes"),
])
def test_money_is_integer_minor_units_in_a_known_currency(client, practitioner_headers, fee, field):
    response = client.put("/api/v1/me/practitioner", headers=practitioner_headers, json={**LISTING, "fees": [fee]})
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_the_country_of_practice_is_a_known_code_and_optional(client, practitioner_headers):
    put = lambda **fields: client.put("/api/v1/me/practitioner", headers=practitioner_headers,  # noqa: E731
                                      json={**LISTING, **fields})
    assert put().get_json()["country_code"] is None  # not stated
    stated = put(country_code=" gb ").get_json()
    assert stated["country_code"] == "GB" and stated["country"] == "United Kingdom"
    for bad in ("XX", "India", "G"):
        response = put(country_code=bad)
        assert response.status_code == 400, bad
        assert response.mimetype == "application/problem+json"
        assert "country code" in response.get_json()["errors"]["country_code"][0]
    assert put(country_code="IN").status_code == 200
    # Left out (as by a client written before the field existed), it is kept; null clears it.
    assert put().get_json()["country_code"] == "IN"
    assert put(country_code=None).get_json()["country_code"] is None


def test_gender_is_stated_only_if_the_practitioner_chooses(client, practitioner_headers):
    put = lambda **fields: client.put("/api/v1/me/practitioner", headers=practitioner_headers,  # noqa: E731
                                      json={**LISTING, **fields})
    assert put().get_json()["gender"] is None  # not stated
    assert put(gender="non_binary").get_json()["gender"] == "non_binary"
    response = put(gender="female")
    assert response.status_code == 400 and "gender" in response.get_json()["errors"]
    assert put(gender="woman").status_code == 200
    # Left out, it is kept (a client written before the field existed); null clears it.
    assert put().get_json()["gender"] == "woman"
    assert put(gender=None).get_json()["gender"] is None


def test_seekers_have_no_listing(client):
    headers = bearer(client, make_user(Role.SEEKER))
    assert client.put("/api/v1/me/practitioner", json=LISTING, headers=headers).status_code == 403


def test_location_is_geocoded_from_an_alternate_city_name(client, practitioner_headers):
    client.put("/api/v1/me/practitioner", json=LISTING, headers=practitioner_headers)
    response = client.post("/api/v1/me/practitioner/locations", headers=practitioner_headers, json={
        "label": "Indiranagar clinic", "venue_type": "clinic",
        "address": "100 Feet Road, Indiranagar", "city": "Bangalore", "country": "India"})
    assert response.status_code == 201
    body = response.get_json()
    assert "Bengaluru" in body["resolved_label"]
    assert body["lat"] == pytest.approx(12.97, abs=0.1) and body["lon"] == pytest.approx(77.59, abs=0.1)
    assert body["timezone"] == "Asia/Kolkata"


def test_a_town_several_countries_share_is_taken_in_the_practices_own_country(client, practitioner_headers):
    """"12 High St, Richmond" from a London practice was placed in Virginia, where nobody
    searching London would find it. Without a country, the practice's own is meant."""
    client.put("/api/v1/me/practitioner", json={**LISTING, "country_code": "GB"}, headers=practitioner_headers)

    def add(**address):  # noqa: ANN003, ANN202
        response = client.post("/api/v1/me/practitioner/locations", headers=practitioner_headers,
                               json={"label": "Clinic", "venue_type": "clinic", **address})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    assert add(address="12 High Street", city="Richmond")["resolved_label"] == "Richmond, England, United Kingdom"
    # a country given, or a town only one country has, is taken as written
    assert add(address="1 Main St", city="Richmond", country="United States")["resolved_label"] == (
        "Richmond, Virginia, United States")
    assert "India" in add(address="100 Feet Road", city="Bangalore")["resolved_label"]


def test_unresolvable_address_is_400_with_suggestions_and_coordinates_work(client, practitioner_headers):
    client.put("/api/v1/me/practitioner", json=LISTING, headers=practitioner_headers)
    missing = client.post("/api/v1/me/practitioner/locations", headers=practitioner_headers, json={
        "label": "Clinic", "venue_type": "clinic", "address": "1 Nowhere Lane", "city": "Bengalurux"})
    assert missing.status_code == 400
    message = " ".join(missing.get_json()["errors"]["address"])
    assert "Bengaluru" in message and "lat" in message

    by_point = client.post("/api/v1/me/practitioner/locations", headers=practitioner_headers, json={
        "label": "Clinic", "venue_type": "clinic", "address": "1 Nowhere Lane", "lat": 12.93, "lon": 77.62})
    assert by_point.status_code == 201
    assert by_point.get_json()["lat"] == 12.93


def test_location_needs_a_listing_first(client, practitioner_headers):
    response = client.post("/api/v1/me/practitioner/locations", headers=practitioner_headers,
                           json={"label": "Clinic", "venue_type": "clinic", "lat": 1, "lon": 2})
    assert response.status_code == 404


def test_a_practitioner_cannot_delete_anothers_location(client, practitioner_headers):
    other = make_practitioner(display_name="Other")
    client.put("/api/v1/me/practitioner", json=LISTING, headers=practitioner_headers)
    response = client.delete(f"/api/v1/me/practitioner/locations/{other.locations[0].id}", headers=practitioner_headers)
    assert response.status_code == 404
    assert len(other.locations) == 1


def test_taxonomy_is_served_with_slugs(client):
    concerns = client.get("/api/v1/concerns").get_json()["items"]
    assert {"back-spasm", "sciatica", "pregnancy-postnatal-back-pain"} <= {c["slug"] for c in concerns}
    modalities = {m["slug"]: m for m in client.get("/api/v1/modalities").get_json()["items"]}
    assert {"acupuncture", "physiotherapy", "ayurveda", "massage", "cupping", "tui-na"} <= set(modalities)
    assert "electro-acupuncture" in {t["slug"] for t in modalities["acupuncture"]["techniques"]}
