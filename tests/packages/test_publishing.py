"""Publishing a package: only verified modalities, partners accept their sessions and
share, and it goes on sale only when everyone accepted and the shares add up."""

import pytest

from marketplace.accounts.models import Role
from marketplace.core.errors import Conflict, Forbidden, ValidationFailed
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.packages import partners, queries, services
from marketplace.packages.models import PackageStatus, PartnerStatus
from marketplace.packages.services import ComponentInput, PackageInput
from tests.builders import bearer, make_practitioner, make_user
from tests.packages.helpers import SOHO, enroll, package, practitioner


@pytest.fixture
def asha(app):
    return practitioner(app, "Asha Rao", "acupuncture", fee=5000)


@pytest.fixture
def ben(app):
    return practitioner(app, "Ben Okafor", "physiotherapy", at=SOHO, fee=7000)


DRAFT = {
    "name": "Sciatica relief: 6 weeks", "description": "Physio and acupuncture together.",
    "concerns": ["sciatica"], "sessions_per_week": 2, "weeks": 5, "validity_days": 60,
    "price": 45000, "currency": "GBP",
    "components": [{"modality": "acupuncture", "sessions": 4, "minutes": 45}],
}


def kinds(user):
    return [n.kind for n in db.session.scalars(db.select(Notification).where(Notification.user_id == user.id))]


def test_only_verified_modalities_can_be_in_a_package_and_the_400_names_the_field(client, asha):
    headers = bearer(client, asha.user)
    body = {**DRAFT, "components": [{"modality": "acupuncture", "sessions": 4, "minutes": 45},
                                    {"modality": "massage", "sessions": 2, "minutes": 60}]}
    response = client.post("/api/v1/me/packages", json=body, headers=headers)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert list(errors) == ["components.1.modality"]
    assert "not verified for massage" in errors["components.1.modality"][0]


def test_a_listed_but_unverified_modality_is_refused_too(app, client):
    p = make_practitioner(display_name="Pending Priya", modalities=("acupuncture", "massage"))
    from tests.builders import make_credential

    make_credential(app, p, status="approved", modalities=["acupuncture"])
    make_credential(app, p, status="pending", modalities=["massage"])
    response = client.post("/api/v1/me/packages", headers=bearer(client, p.user), json={
        **DRAFT, "components": [{"modality": "massage", "sessions": 4, "minutes": 45}]})
    assert response.status_code == 400 and "components.0.modality" in response.get_json()["errors"]


def test_a_solo_package_goes_on_sale_with_the_owner_taking_the_whole_price(client, asha):
    headers = bearer(client, asha.user)
    created = client.post("/api/v1/me/packages", json=DRAFT, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "draft" and body["partners"][0]["share"] == 45000
    published = client.post(f"/api/v1/me/packages/{body['id']}/publish", headers=headers)
    assert published.status_code == 200, published.get_json()
    assert published.get_json()["is_on_sale"] is True
    assert client.get(f"/api/v1/packages/{body['id']}").status_code == 200


def test_bad_fields_are_all_named_at_once(client, asha):
    response = client.post("/api/v1/me/packages", headers=bearer(client, asha.user), json={
        **DRAFT, "name": "x", "concerns": ["nope"], "currency": "XYZ", "validity_days": 14, "weeks": 4,
        "components": [{"modality": "acupuncture", "technique": "gua-sha", "sessions": 4, "minutes": 45}]})
    assert response.status_code == 400
    assert {"name", "concerns", "currency", "validity_days", "components.0.technique"} <= set(
        response.get_json()["errors"])


def test_partner_invite_accept_and_on_sale_only_after_everyone_accepted(app, asha, ben):
    pkg = package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45000,
                  publish=False, accept=False)
    row = partners.partner_row(pkg, ben)
    assert row.status is PartnerStatus.INVITED
    assert "package.invited" in kinds(ben.user)
    assert [i.id for i in queries.invitations_for(ben)] == [row.id]

    with pytest.raises(ValidationFailed) as refused:
        services.publish(asha, pkg)
    assert "Ben Okafor has not accepted yet." in refused.value.errors["partners"]
    assert not queries.is_sellable(pkg)

    partners.respond_to_invitation(ben, row, accept=True)
    db.session.commit()
    assert "package.partner_accepted" in kinds(asha.user)
    services.publish(asha, pkg)
    db.session.commit()
    assert pkg.status is PackageStatus.ON_SALE and queries.is_sellable(pkg)
    assert [p.id for p, _ in queries.find_on_sale("sciatica")] == [pkg.id]


def test_shares_must_add_up_to_the_price_exactly(app, asha, ben):
    pkg = package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45000, publish=False)
    with pytest.raises(ValidationFailed) as bad:
        partners.set_shares(asha, pkg, {asha.id: 20000, ben.id: 24999})
    assert "they must add up to the price" in bad.value.errors["shares"][0]
    partners.set_shares(asha, pkg, {asha.id: 20000, ben.id: 25000})
    db.session.commit()
    assert sum(p.share for p in pkg.partners) == pkg.price


def test_suggested_shares_split_by_minutes_and_add_up(app, asha, ben):
    pkg = package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45001, publish=False)
    shares = partners.suggested_shares(pkg)
    assert shares == {asha.id: 18000, ben.id: 27001} and sum(shares.values()) == 45001


def test_changing_a_partners_share_asks_them_again_and_takes_the_package_off_sale(app, asha, ben):
    pkg = package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45000)
    assert pkg.status is PackageStatus.ON_SALE
    partners.set_shares(asha, pkg, {asha.id: 15000, ben.id: 30000})
    db.session.commit()
    assert partners.partner_row(pkg, ben).status is PartnerStatus.INVITED
    assert pkg.status is PackageStatus.DRAFT and not queries.is_sellable(pkg)
    assert "package.terms_changed" in kinds(ben.user)


def test_renaming_does_not_ask_partners_again(app, asha, ben):
    pkg = package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45000)
    services.save_package(asha, PackageInput(
        name="Sciatica: six weeks back on your feet", price=45000, currency="GBP", validity_days=60,
        concerns=["sciatica"], sessions_per_week=2, weeks=5,
        components=(ComponentInput("acupuncture", 4, 45), ComponentInput("physiotherapy", 6, 45,
                                                                         practitioner_id=ben.id))), pkg)
    db.session.commit()
    assert pkg.status is PackageStatus.ON_SALE
    assert partners.partner_row(pkg, ben).status is PartnerStatus.ACCEPTED


def test_declining_after_accepting_takes_the_package_off_sale(app, asha, ben):
    pkg = package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45000)
    partners.respond_to_invitation(ben, partners.partner_row(pkg, ben), accept=False)
    db.session.commit()
    assert pkg.status is PackageStatus.DRAFT
    assert "package.partner_declined" in kinds(asha.user)
    with pytest.raises(ValidationFailed) as refused:
        services.publish(asha, pkg)
    assert any("declined" in m for m in refused.value.errors["partners"])


def test_partners_must_be_verified_and_cannot_be_invited_twice(app, asha, ben):
    pkg = package(asha, [(asha, "acupuncture", 4, 45)], price=20000, publish=False)
    unverified = make_practitioner(display_name="Unverified Uma", modalities=("massage",))
    with pytest.raises(ValidationFailed) as bad:
        partners.invite_partner(asha, pkg, unverified.user.email)
    assert "partner" in bad.value.errors
    with pytest.raises(ValidationFailed):
        partners.invite_partner(asha, pkg, str(asha.id))
    partners.invite_partner(asha, pkg, ben.user.email.upper())
    with pytest.raises(Conflict):
        partners.invite_partner(asha, pkg, str(ben.id))


def test_a_component_can_only_be_delivered_by_an_invited_partner(client, asha, ben):
    response = client.post("/api/v1/me/packages", headers=bearer(client, asha.user), json={
        **DRAFT, "components": [{"modality": "physiotherapy", "sessions": 4, "minutes": 45,
                                 "practitioner_id": ben.id}]})
    assert response.status_code == 400
    assert "components.0.practitioner_id" in response.get_json()["errors"]


def test_only_the_owner_changes_a_package_and_only_the_invited_answers(app, asha, ben):
    pkg = package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45000,
                  publish=False, accept=False)
    with pytest.raises(Forbidden):
        services.publish(ben, pkg)
    with pytest.raises(Forbidden):
        partners.respond_to_invitation(asha, partners.partner_row(pkg, ben), accept=True)


def test_sold_packages_keep_their_sessions_price_and_validity(app, asha):
    pkg = package(asha, [(asha, "acupuncture", 4, 45)], price=20000)
    enroll(make_user(Role.SEEKER), pkg)
    with pytest.raises(Conflict):
        services.save_package(asha, PackageInput(
            name=pkg.name, price=25000, currency="GBP", validity_days=60, concerns=["sciatica"],
            sessions_per_week=2, weeks=5, components=(ComponentInput("acupuncture", 4, 45),)), pkg)


def test_invitation_api_flow(client, asha, ben):
    owner = bearer(client, asha.user)
    created = client.post("/api/v1/me/packages", json=DRAFT, headers=owner).get_json()
    invited = client.post(f"/api/v1/me/packages/{created['id']}/partners", headers=owner,
                          json={"partner": ben.user.email, "share": 25000})
    assert invited.status_code == 201, invited.get_json()
    updated = client.put(f"/api/v1/me/packages/{created['id']}", headers=owner, json={
        **DRAFT, "components": DRAFT["components"] + [
            {"modality": "physiotherapy", "sessions": 6, "minutes": 45, "practitioner_id": ben.id}]})
    assert updated.status_code == 200, updated.get_json()
    shares = client.put(f"/api/v1/me/packages/{created['id']}/shares", headers=owner, json={"shares": [
        {"practitioner_id": asha.id, "amount": 20000}, {"practitioner_id": ben.id, "amount": 25000}]})
    assert shares.status_code == 200, shares.get_json()
    assert client.post(f"/api/v1/me/packages/{created['id']}/publish", headers=owner).status_code == 400

    partner = bearer(client, ben.user)
    invitations = client.get("/api/v1/me/package-invitations", headers=partner).get_json()["items"]
    assert [(i["package"]["id"], i["share"]) for i in invitations] == [(created["id"], 25000)]
    assert [c["modality"]["slug"] for c in invitations[0]["your_components"]] == ["physiotherapy"]
    # Another practitioner cannot answer Ben's invitation.
    assert client.post(f"/api/v1/me/package-invitations/{invitations[0]['id']}/accept",
                       headers=owner).status_code == 404
    assert client.post(f"/api/v1/me/package-invitations/{invitations[0]['id']}/accept",
                       headers=partner).status_code == 200
    published = client.post(f"/api/v1/me/packages/{created['id']}/publish", headers=owner)
    assert published.status_code == 200, published.get_json()
    body = client.get(f"/api/v1/packages/{created['id']}").get_json()
    assert body["is_combined"] is True
    assert [p["display_name"] for p in body["practitioners"]] == ["Asha Rao", "Ben Okafor"]
    assert "partners" not in body  # shares are for the partners, not the public
