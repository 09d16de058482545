"""Package pages: browsing and a plan, the public package page, a practitioner's
packages and invitations, and the seeker's care plan."""

import re

import pytest

from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.packages.models import Enrollment, Package, PackageStatus, PartnerStatus
from tests.builders import login, make_practitioner, make_user
from tests.pages.helpers import post, text
from tests.packages.helpers import SOHO, enroll, open_every_day, package, practitioner


@pytest.fixture
def asha(app):
    return practitioner(app, "Asha Rao", "acupuncture", fee=5000)


@pytest.fixture
def ben(app):
    return practitioner(app, "Ben Okafor", "physiotherapy", at=SOHO, fee=7000)


@pytest.fixture
def combined(asha, ben):
    return package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45000)


def test_browse_shows_packages_then_a_build_your_own_plan(client, combined):
    html = text(client.get("/packages?concern=sciatica&near=London"))
    assert "Sciatica relief" in html and "save £170.00 (27%)" in html
    assert "Or build your own plan" in html
    assert "Total for 10 sessions" in html and "£620.00" in html
    assert "NICE NG59" in html  # honest evidence next to the plan


def test_a_package_says_where_its_sessions_happen(app, client, asha):
    """A buyer must know where they will go: the card names the deliverers' towns (and
    "or online" when every one of them also sees people online), and the package page says
    it for each part."""
    camden_or_online = practitioner(app, "Ben Okafor", "physiotherapy", city="Camden", offers_online=True)
    video_only = practitioner(app, "Cara Video", "physiotherapy", city=None, offers_online=True)
    mixed = package(asha, [(asha, "acupuncture", 4, 45), (camden_or_online, "physiotherapy", 6, 45)], price=45000)
    online = package(video_only, [(video_only, "physiotherapy", 6, 45)], price=30000)

    cards = text(client.get("/packages"))
    card = cards[cards.index(f"/packages/{mixed.id}"):]
    assert "In London, Camden</p>" in card[:card.index("</article>")]  # Asha sees no one online: no "or online"
    card = cards[cards.index(f"/packages/{online.id}"):]
    assert ">Online</p>" in card[:card.index("</article>")]

    page = text(client.get(f"/packages/{mixed.id}"))
    assert "Asha Rao</a>, in London</li>" in page and "Ben Okafor</a>, in Camden or online</li>" in page
    body = client.get(f"/api/v1/packages/{mixed.id}").get_json()
    assert [(p["display_name"], p["towns"], p["offers_online"]) for p in body["practitioners"]] == [
        ("Asha Rao", ["London"], False), ("Ben Okafor", ["Camden"], True)]
    assert client.get(f"/api/v1/packages/{online.id}").get_json()["practitioners"][0]["towns"] == []


def test_an_unknown_place_is_explained_on_the_page(client, combined):
    response = client.get("/packages?near=Qwxzyville")
    assert response.status_code == 200
    assert "could not find" in text(response)


def test_a_whole_state_asks_for_a_town_in_it(client, combined):
    """"Florida" was Florida, Cuba; a state (or country) asks for a town, offering its biggest."""
    response = client.get("/api/v1/packages", query_string={"near": "Florida"})
    problem = response.get_json()
    assert response.status_code == 400 and problem["errors"]["near"][0].startswith(
        "“Florida” is a whole state: type a town or city in it.")
    assert "Miami, Florida, United States" in problem["suggestions"]
    assert "is a whole state" in text(client.get("/packages?near=Karnataka"))
    # ...and a postcode says the offline map cannot look postcodes up
    assert "We cannot look up postcodes yet" in text(client.get("/packages?near=560034"))


def test_package_page_and_reservation(client, combined):
    page = text(client.get(f"/packages/{combined.id}"))
    assert "4 × Acupuncture" in page and "Ben Okafor" in page and "Sign in to reserve" in page
    seeker = make_user(Role.SEEKER)
    login(client, seeker)
    response = post(client, f"/packages/{combined.id}/reserve")
    assert response.status_code == 302 and "/care-plan" in response.headers["Location"]
    plan = text(client.get("/care-plan"))
    assert "Reserved, waiting for payment" in plan and "0</strong> of 10 sessions used" in plan


def test_draft_package_pages_are_hidden_from_the_public_but_not_from_partners(client, asha):
    draft = package(asha, [(asha, "acupuncture", 4, 45)], price=20000, publish=False)
    assert client.get(f"/packages/{draft.id}").status_code == 404
    login(client, asha.user)
    assert "Not on sale" in text(client.get(f"/packages/{draft.id}"))


def test_public_profile_lists_the_practitioners_packages(client, combined, ben):
    html = text(client.get(f"/practitioners/{ben.id}"))
    assert 'id="packages-heading"' in html and "Sciatica relief" in html and "with Asha Rao" in html


def test_practitioner_creates_a_package_on_the_page_and_invites_a_partner(client, asha, ben):
    login(client, asha.user)
    response = post(client, "/practitioner/packages/new", {
        "name": "Sciatica relief", "description": "", "concerns": ["sciatica"], "sessions_per_week": "2",
        "weeks": "5", "validity_days": "60", "price": "450.00", "currency": "GBP",
        "components-0-practitioner_id": str(asha.id), "components-0-modality": "acupuncture",
        "components-0-technique": "", "components-0-sessions": "4", "components-0-minutes": "45",
        "components-1-practitioner_id": str(asha.id), "components-1-modality": "massage",
        "components-1-technique": "", "components-1-sessions": "2", "components-1-minutes": "45",
    })
    assert response.status_code == 200  # re-rendered with the field error
    assert "not verified for massage" in text(response)
    response = post(client, "/practitioner/packages/new", {
        "name": "Sciatica relief", "concerns": ["sciatica"], "sessions_per_week": "2", "weeks": "5",
        "validity_days": "60", "price": "450.00", "currency": "GBP",
        "components-0-practitioner_id": str(asha.id), "components-0-modality": "acupuncture",
        "components-0-sessions": "4", "components-0-minutes": "45",
    })
    assert response.status_code == 302
    pkg = db.session.scalar(db.select(Package))
    assert pkg.price == 45000
    invited = post(client, f"/practitioner/packages/{pkg.id}/partners", {"partner": ben.user.email, "share": "250"})
    assert invited.status_code == 302
    assert db.session.scalar(db.select(Package)).partners[1].share == 25000

    shares = post(client, f"/practitioner/packages/{pkg.id}/shares",
                  {f"share-{asha.id}": "200", f"share-{ben.id}": "200"})
    assert shares.status_code == 400 and "must add up to the price" in text(shares)

    login(client, ben.user)
    mine = text(client.get("/practitioner/packages"))
    assert "Invitations waiting for your answer" in mine and "£250.00" in mine
    partner = db.session.scalar(db.select(Package)).partners[1]
    assert post(client, f"/practitioner/packages/invitations/{partner.id}/accept").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(Package)).partners[1].status is PartnerStatus.ACCEPTED


def test_package_prices_and_shares_take_their_currency_symbol_but_not_another(client, asha, ben):
    login(client, asha.user)
    form = {"name": "Sciatica relief", "concerns": ["sciatica"], "sessions_per_week": "2", "weeks": "5",
            "validity_days": "60", "currency": "GBP", "components-0-practitioner_id": str(asha.id),
            "components-0-modality": "acupuncture", "components-0-sessions": "4", "components-0-minutes": "45"}
    refused = post(client, "/practitioner/packages/new", {**form, "price": "₹450"})
    assert refused.status_code == 200 and "This price is in GBP, but INR was typed" in text(refused)
    assert post(client, "/practitioner/packages/new", {**form, "price": "£450.00"}).status_code == 302
    pkg = db.session.scalar(db.select(Package))
    assert pkg.price == 45000

    wrong = post(client, f"/practitioner/packages/{pkg.id}/partners", {"partner": ben.user.email, "share": "€250"})
    assert wrong.status_code == 400 and "This price is in GBP, but EUR was typed" in text(wrong)
    assert post(client, f"/practitioner/packages/{pkg.id}/partners",
                {"partner": ben.user.email, "share": "250 GBP"}).status_code == 302
    assert db.session.scalar(db.select(Package)).partners[1].share == 25000

    shares = post(client, f"/practitioner/packages/{pkg.id}/shares",
                  {f"share-{asha.id}": "£200", f"share-{ben.id}": "Rs 250"})
    assert shares.status_code == 400 and "This price is in GBP, but INR was typed" in text(shares)
    assert post(client, f"/practitioner/packages/{pkg.id}/shares",
                {f"share-{asha.id}": "£200", f"share-{ben.id}": "£250"}).status_code == 302
    assert sorted(p.share for p in db.session.scalar(db.select(Package)).partners) == [20000, 25000]


def test_practitioners_cannot_reach_each_others_packages(client, combined, ben):
    login(client, ben.user)
    assert client.get(f"/practitioner/packages/{combined.id}").status_code == 404
    assert post(client, f"/practitioner/packages/{combined.id}/withdraw").status_code == 404
    other = make_practitioner(display_name="Other")
    login(client, other.user)
    partner = combined.partners[1]
    assert post(client, f"/practitioner/packages/invitations/{partner.id}/decline").status_code == 404


def test_publish_shows_what_is_missing(client, asha, ben):
    pkg = package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45000,
                  publish=False, accept=False)
    login(client, asha.user)
    response = post(client, f"/practitioner/packages/{pkg.id}/publish", follow_redirects=True)
    assert "Ben Okafor has not accepted yet." in text(response)
    assert db.session.get(Package, pkg.id).status is PackageStatus.DRAFT


def test_care_plan_shows_used_left_upcoming_past_and_schedules_the_next_session(client, combined, asha):
    open_every_day(asha)
    seeker = make_user(Role.SEEKER)
    enrollment = enroll(seeker, combined)
    login(client, seeker)
    page = text(client.get("/care-plan"))
    assert "Schedule next acupuncture session" in page and "Schedule next physiotherapy session" in page
    url = f"/care-plan/{enrollment.id}/components/{combined.components[0].id}/schedule"
    schedule = client.get(url)
    assert schedule.status_code == 200
    slot = re.search(r'name="slot" value="([^"]+)"', text(schedule)).group(1)
    booked = post(client, url, {"slot": slot})
    assert booked.status_code == 302, text(booked)
    page = text(client.get("/care-plan"))
    assert "Nothing booked ahead" not in page and "with Asha Rao" in page
    assert db.session.get(Enrollment, enrollment.id).sessions[0].booking_id is not None
    assert post(client, url, {"slot": "nonsense"}).status_code == 400


def test_the_care_plan_is_for_seekers(client, asha):
    login(client, asha.user)
    assert client.get("/care-plan").status_code == 403


@pytest.mark.parametrize("query", ["radius_km=nan", "radius_km=-5", "radius_km=inf", "radius_km=abc",
                                   "concern=unknown-concern", "near=" + "x" * 500])
def test_odd_browse_input_never_fails(client, combined, query):
    assert client.get(f"/packages?near=London&{query}").status_code == 200


def test_a_nul_in_the_browse_address_is_a_clear_400_page(client, combined):
    # A NUL cannot be stored or searched on PostgreSQL; every page refuses it the same way.
    response = client.get("/packages?near=London&concern=%00", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "not allowed" in response.get_data(as_text=True)
