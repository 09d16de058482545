"""The command line an operator uses."""

from marketplace.accounts.models import Role, User
from marketplace.booking import queries as queries_booking
from marketplace.extensions import db
from marketplace.practitioners.models import Practitioner
from marketplace.verification import queries


def test_create_admin_makes_an_admin_who_can_sign_in(runner, client):
    result = runner.invoke(args=["create-admin", "boss@example.com", "--password", "a-long-admin-passphrase"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "boss@example.com"))
    assert user.role is Role.ADMIN
    response = client.post("/api/v1/auth/tokens", json={"email": "boss@example.com", "password": "a-long-admin-passphrase"})
    assert response.status_code == 201


def test_create_admin_refuses_a_weak_password_and_a_taken_email(runner):
    weak = runner.invoke(args=["create-admin", "boss@example.com", "--password", "short"])
    assert weak.exit_code != 0 and "password" in weak.output
    runner.invoke(args=["create-admin", "boss@example.com", "--password", "a-long-admin-passphrase"])
    again = runner.invoke(args=["create-admin", "boss@example.com", "--password", "a-long-admin-passphrase"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_seed_demo_covers_six_cities_in_three_countries_and_is_idempotent(runner, app):
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    practitioners = db.session.scalars(db.select(Practitioner)).all()
    assert len(practitioners) >= 24
    countries = {loc.country_code for p in practitioners for loc in p.locations}
    cities = {loc.city for p in practitioners for loc in p.locations}
    assert {"IN", "US", "GB"} <= countries and len(cities) >= 6
    visible = db.session.scalars(queries.visible_practitioners()).all()
    assert 0 < len(visible) < len(practitioners)
    # Two see people online only, from the country they declare, with hours on its clock.
    online_only = {p.country_code: p for p in practitioners if not p.locations}
    assert set(online_only) == {"GB", "IN"} and all(p in visible for p in online_only.values())
    assert queries_booking.settings_for(online_only["IN"]).timezone == "Asia/Kolkata"
    # demo accounts are printed only in development; this is the test environment
    assert "password" not in first.output

    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0
    assert len(db.session.scalars(db.select(Practitioner)).all()) == len(practitioners)


def test_taxonomy_load_is_idempotent(runner):
    result = runner.invoke(args=["taxonomy", "load"])
    assert result.exit_code == 0
    assert "0 new terms" in result.output
