"""The packages API: on sale (list, detail, near a place, a plan for a concern), and a
seeker's reservation and care plan. Responses match the OpenAPI document."""

import pytest

from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.packages import queries, services
from marketplace.verification import services as verification
from tests.builders import bearer, make_admin, make_practitioner, make_user
from tests.packages.helpers import MANCHESTER, SOHO, enroll, open_every_day, package, practitioner
from tests.test_openapi import _validator


@pytest.fixture
def asha(app):
    return practitioner(app, "Asha Rao", "acupuncture", fee=5000)


@pytest.fixture
def ben(app):
    return practitioner(app, "Ben Okafor", "physiotherapy", at=SOHO, fee=7000)


@pytest.fixture
def combined(asha, ben):
    return package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45000)


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def conforms(document, path, method, response, status=200):
    content_type = "application/json" if status < 400 else "application/problem+json"
    assert response.status_code == status, response.get_json()
    assert response.mimetype == content_type
    errors = [e.message for e in _validator(document, path, method, status, content_type)
              .iter_errors(response.get_json())]
    assert errors == []
    return response.get_json()


def test_list_and_detail_show_packages_on_sale_with_their_saving(client, document, combined):
    body = conforms(document, "/api/v1/packages", "get", client.get("/api/v1/packages"))
    assert body["total"] == 1 and body["place"] is None
    item = body["items"][0]
    assert item["id"] == combined.id and item["is_combined"] is True
    # Singles: 4 × 50.00 + 6 × 70.00 = 620.00; the package costs 450.00.
    assert item["saving"] == {"amount": 17000, "percent": 27, "singles_total": 62000}
    detail = conforms(document, "/api/v1/packages/{package_id}", "get", client.get(f"/api/v1/packages/{combined.id}"))
    assert [(c["modality"]["slug"], c["practitioner"]["display_name"], c["sessions"]) for c in detail["components"]] == [
        ("acupuncture", "Asha Rao", 4), ("physiotherapy", "Ben Okafor", 6)]
    assert detail["rhythm"] == {"sessions_per_week": 2, "weeks": 5, "note": ""}


def test_no_saving_is_claimed_without_a_comparable_single_fee(app, client):
    p = practitioner(app, "Cara Lee", "massage", minutes=60)
    pkg = package(p, [(p, "massage", 4, 45)], price=10000)  # fee is 60 minutes, sessions 45
    assert client.get(f"/api/v1/packages/{pkg.id}").get_json()["saving"] is None


def test_drafts_and_withdrawn_packages_are_not_found(client, document, asha, ben):
    draft = package(asha, [(asha, "acupuncture", 4, 45)], price=20000, publish=False)
    conforms(document, "/api/v1/packages/{package_id}", "get", client.get(f"/api/v1/packages/{draft.id}"), 404)
    sold = package(asha, [(asha, "acupuncture", 4, 45)], price=20000, name="Another")
    services.withdraw(asha, sold)
    db.session.commit()
    assert client.get(f"/api/v1/packages/{sold.id}").status_code == 404
    assert client.get("/api/v1/packages/99999999999").status_code == 404


def test_concern_and_near_filter_the_list(app, client, document, combined, asha):
    far = practitioner(app, "Manchester Mo", "acupuncture", at=MANCHESTER, city="Manchester")
    package(far, [(far, "acupuncture", 4, 45)], price=20000, name="Manchester course")
    back = package(asha, [(asha, "acupuncture", 3, 45)], price=14000, name="Spasm first aid",
                   concerns=("back-spasm",))

    sciatica = client.get("/api/v1/packages?concern=sciatica").get_json()
    assert {i["name"] for i in sciatica["items"]} == {"Sciatica relief", "Manchester course"}
    london = conforms(document, "/api/v1/packages", "get",
                      client.get("/api/v1/packages?concern=sciatica&near=London"))
    assert [i["id"] for i in london["items"]] == [combined.id]
    assert london["place"]["label"].startswith("London")
    assert 0 < london["items"][0]["distance_km"] < 25
    by_point = client.get(f"/api/v1/packages?lat={MANCHESTER[0]}&lon={MANCHESTER[1]}&radius_km=10").get_json()
    assert [i["name"] for i in by_point["items"]] == ["Manchester course"]
    assert back.id in [i["id"] for i in client.get("/api/v1/packages?near=London").get_json()["items"]]


def test_a_name_several_countries_share_is_placed_in_the_browsers_country(client):
    """"Richmond" from a British browser is Richmond, London (as on the search page)."""
    british = client.get("/api/v1/packages?near=Richmond", headers={"Accept-Language": "en-GB"}).get_json()
    assert british["place"]["label"] == "Richmond, England, United Kingdom"
    plain = client.get("/api/v1/packages?near=Richmond").get_json()
    assert plain["place"]["label"] == "Richmond, Virginia, United States"
    page = client.get("/packages?near=Richmond", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "Richmond, England" in page


def test_an_unknown_place_or_concern_is_a_400_naming_the_field(client, document):
    unknown = conforms(document, "/api/v1/packages", "get", client.get("/api/v1/packages?near=Qwxzyville"), 400)
    assert "near" in unknown["errors"]
    assert "concern" in client.get("/api/v1/packages?concern=not-a-concern").get_json()["errors"]
    assert "lon" in client.get("/api/v1/packages?lat=51.5").get_json()["errors"]
    assert "radius_km" in client.get("/api/v1/packages?near=London&radius_km=0").get_json()["errors"]


def test_search_can_ask_which_packages_its_practitioners_offer(combined, asha, ben):
    found = queries.packages_for(["sciatica", "back-spasm"], [asha.id, ben.id, 999])
    assert [s.id for s in found[asha.id]] == [combined.id] == [s.id for s in found[ben.id]]
    assert found[999] == []
    assert found[asha.id][0].practitioners == ((asha.id, "Asha Rao"), (ben.id, "Ben Okafor"))
    assert queries.packages_for(["fibromyalgia"], [asha.id]) == {asha.id: []}


def test_a_results_page_asks_about_its_packages_in_three_small_statements(combined, asha, ben):
    """Every results page asks this: whatever the packages hold, it costs three small statements."""
    from sqlalchemy import event

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    ids, sessions = [asha.id, ben.id], sum(c.sessions for c in combined.components)
    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        found = queries.packages_for(["sciatica"], ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 3
    assert found[ids[0]][0].sessions == sessions


def test_a_results_page_learns_which_results_deliver_a_package_with_their_stamps_in_one_statement(
        combined, asha, ben):
    """A results page reads its practitioners' availability stamps anyway: which of them
    deliver a package on sale for the seeker's concern comes back in the same round trip,
    and a page where none does asks nothing more about packages."""
    from sqlalchemy import event

    from marketplace.booking.openings import stamps_and

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    ids = [asha.id, ben.id, 999]
    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        stamps, (delivered,) = stamps_and(ids, queries.DELIVERED_FOR, slugs=["sciatica"])
        other_stamps, (none,) = stamps_and(ids, queries.DELIVERED_FOR, slugs=["fibromyalgia"])
        nothing = queries.packages_for(["fibromyalgia"], ids, delivered=[p for _, p in none])
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 2
    assert sorted(delivered) == sorted([(asha.id, combined.id), (ben.id, combined.id)])
    assert none == [] and nothing == {pid: [] for pid in ids}
    assert stamps == other_stamps and set(stamps) == {asha.id, ben.id}  # 999 was never written: no stamp
    found = queries.packages_for(["sciatica"], ids, delivered=[p for _, p in delivered])
    assert [s.id for s in found[asha.id]] == [combined.id] == [s.id for s in found[ben.id]]

    from marketplace.packages.models import PackageStatus

    combined.status = PackageStatus.WITHDRAWN  # a change not flushed yet counts, as through the session
    assert stamps_and(ids, queries.DELIVERED_FOR, slugs=["sciatica"])[1] == [[]]
    assert queries.packages_for(["sciatica"], ids) == {pid: [] for pid in ids}


def test_which_results_deliver_a_package_starts_from_the_results_not_from_every_package(combined):
    """At a million practitioners tens of thousands of packages are on sale: the lookup every
    results page makes must start from its own practitioners' components. (SQLite's plan;
    PostgreSQL plans from its statistics, which a test database this small does not have.)"""
    from sqlalchemy import event

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    sent = []
    listener = lambda conn, cursor, statement, parameters, *rest: sent.append((statement, parameters))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        db.session.connection().execute(queries.DELIVERED_FOR, {"ids": [1, 2], "slugs": ["sciatica"]}).all()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    (statement, parameters), = sent
    cursor = db.session.connection().connection.cursor()
    plan = [row[3] for row in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)]
    assert plan[0].startswith("SEARCH package_component USING INDEX ix_package_component_practitioner_id"), plan
    assert not any(step.startswith("SCAN package") for step in plan), plan


def test_plan_lists_packages_first_then_a_build_your_own_plan_from_nearby_verified_practitioners(
        app, client, document, combined, asha, ben):
    unverified = make_practitioner(display_name="Unverified Una", modalities=("physiotherapy",),
                                   city="London", lat=51.5080, lon=-0.1280,
                                   fees=(("Session", 45, 1000, "GBP"),), concerns=("sciatica",))
    suspended = practitioner(app, "Suspended Sid", "physiotherapy", at=(51.5075, -0.1279), fee=1000)
    verification.suspend(suspended, make_admin(), "Complaint")
    db.session.commit()

    body = conforms(document, "/api/v1/packages/plan", "get",
                    client.get("/api/v1/packages/plan?concern=sciatica&near=London"))
    assert [p["id"] for p in body["packages"]] == [combined.id]
    assert [(c["modality"]["slug"], c["practitioner"]["id"], c["sessions"]) for c in body["components"]] == [
        ("physiotherapy", ben.id, 6), ("acupuncture", asha.id, 4)]
    assert body["total"] == 6 * 7000 + 4 * 5000 and body["currency"] == "GBP"
    chosen = {c["practitioner"]["id"] for c in body["components"]}
    assert unverified.id not in chosen and suspended.id not in chosen


def test_plan_needs_a_concern_and_a_place(client):
    assert "concern" in client.get("/api/v1/packages/plan?near=London").get_json()["errors"]
    assert "near" in client.get("/api/v1/packages/plan?concern=sciatica").get_json()["errors"]


def test_a_seeker_reserves_and_sees_the_care_plan(client, document, combined):
    seeker = make_user(Role.SEEKER)
    headers = bearer(client, seeker)
    reserved = conforms(document, "/api/v1/packages/{package_id}/reservations", "post",
                        client.post(f"/api/v1/packages/{combined.id}/reservations", headers=headers), 201)
    assert reserved["status"] == "pending_payment" and reserved["unused_value"] == 0
    again = client.post(f"/api/v1/packages/{combined.id}/reservations", headers=headers)
    assert again.get_json()["id"] == reserved["id"]
    plan = conforms(document, "/api/v1/me/enrollments", "get", client.get("/api/v1/me/enrollments", headers=headers))
    assert [(e["sessions_total"], e["sessions_used"], e["sessions_left"]) for e in plan["items"]] == [(10, 0, 10)]
    # Booking before paying is refused; cancelling a reservation is allowed.
    component = plan["items"][0]["components"][0]["component_id"]
    refused = client.post(f"/api/v1/me/enrollments/{reserved['id']}/sessions", headers=headers, json={
        "component_id": component, "start": "2030-01-01T10:00:00+00:00", "online": True})
    assert refused.status_code == 409
    cancelled = client.post(f"/api/v1/me/enrollments/{reserved['id']}/cancel", headers=headers)
    assert cancelled.get_json()["status"] == "cancelled"


def test_practitioners_cannot_reserve_and_others_cannot_see_a_seekers_enrollment(client, combined, asha):
    assert client.post(f"/api/v1/packages/{combined.id}/reservations",
                       headers=bearer(client, asha.user)).status_code == 403
    enrollment = enroll(make_user(Role.SEEKER), combined)
    other = bearer(client, make_user(Role.SEEKER))
    assert client.get(f"/api/v1/me/enrollments/{enrollment.id}", headers=other).status_code == 404


def test_a_paid_package_is_booked_through_the_api(client, document, combined, asha):
    open_every_day(asha)
    seeker = make_user(Role.SEEKER)
    enrollment = enroll(seeker, combined)
    headers = bearer(client, seeker)
    slots = client.get(f"/api/v1/practitioners/{asha.id}/slots", headers=headers).get_json()
    first = next(s for day in [slots] for s in _flatten(day))
    response = client.post(f"/api/v1/me/enrollments/{enrollment.id}/sessions", headers=headers, json={
        "component_id": combined.components[0].id, "start": first["start"],
        "location_id": first.get("location_id"), "online": bool(first.get("online"))})
    body = conforms(document, "/api/v1/me/enrollments/{enrollment_id}/sessions", "post", response, 201)
    assert body["session"]["state"] == "upcoming" and body["session"]["practitioner"]["id"] == asha.id


def _flatten(payload):
    """Slots from the booking API, whatever grouping it uses."""
    if isinstance(payload, dict):
        if "start" in payload and isinstance(payload["start"], str):
            yield payload
        for value in payload.values():
            yield from _flatten(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from _flatten(value)


def test_results_show_a_package_only_while_it_is_on_sale(app, combined, asha, ben):
    """The page's own check agrees with the on-sale rule: the owner suspended, or the
    package taken off sale, and it is gone from every deliverer's results."""
    from marketplace.packages.models import PackageStatus

    def shown() -> bool:
        found = queries.packages_for(["sciatica"], [asha.id, ben.id])
        assert bool(found[asha.id]) == bool(found[ben.id]) == queries.is_sellable(combined)
        return bool(found[ben.id])

    assert shown()
    admin = make_admin()
    verification.suspend(asha, admin, "Complaint under review")
    db.session.commit()
    assert not shown()
    verification.unsuspend(asha, admin, None)
    db.session.commit()
    assert shown()
    combined.status = PackageStatus.DRAFT
    db.session.commit()
    assert not shown()


def test_the_plan_follows_the_relevance_admins_set(app, client, asha, ben):
    """The build-your-own plan mixes the therapies that fit the concern best, by the same
    relevance the search ranks with: when an admin marks one as no fit for the concern
    (a guideline changed), the plan stops proposing it, on the API and on the page."""
    from marketplace.taxonomy import matching_data
    from marketplace.taxonomy.matching_data import RelevanceInput

    def proposed():
        body = client.get("/api/v1/packages/plan?concern=sciatica&near=London").get_json()
        return [c["modality"]["slug"] for c in body["components"]]

    assert proposed() == ["physiotherapy", "acupuncture"]
    matching_data.set_relevance(RelevanceInput("sciatica", "acupuncture", 0.1), make_admin())
    db.session.commit()
    assert proposed() == ["physiotherapy"]
    page = client.get("/packages?concern=sciatica&near=London").get_data(as_text=True)
    assert "Or build your own plan" in page and "Asha Rao" not in page.split("Or build your own plan")[1]
