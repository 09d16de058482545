"""A realistic database for the fuzzer: the demo data set (an admin, a seeker, verified and
unverified practitioners with listings, fees, locations, weekly hours and packages) plus
what only a real customer leaves behind: a held booking with an order waiting for payment.

It goes through the services and the API (as a customer would), so every id the fuzzer
may stumble on points at a state the product can really reach."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.practitioners.models import Practitioner
from marketplace.seed.demo import DEMO_DOMAIN, DEMO_PASSWORD, seed_demo

ROLES = ("seeker", "practitioner", "admin")


@dataclass(frozen=True)
class Account:
    role: str
    email: str
    password: str = DEMO_PASSWORD


def accounts() -> dict[str, Account]:
    """The signed-in identities the fuzzer uses, one per role."""
    return {
        "admin": Account("admin", f"admin@{DEMO_DOMAIN}"),
        "seeker": Account("seeker", f"seeker@{DEMO_DOMAIN}"),
        "practitioner": Account("practitioner", f"practitioner1@{DEMO_DOMAIN}"),
    }


def seed(app: Flask) -> None:
    """Demo data, then a seeker's held booking and its order (found through the public
    slots call, booked and ordered through the API as the seeker)."""
    seed_demo(app.config["UPLOAD_FOLDER"], per_city=2)
    db.session.commit()
    client = app.test_client()
    seeker = accounts()["seeker"]
    token = client.post("/api/v1/auth/tokens", json={"email": seeker.email, "password": seeker.password})
    assert token.status_code == 201, token.get_json()
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    practitioner = db.session.scalar(select(Practitioner).join(User, Practitioner.user_id == User.id)
                                     .where(User.email == accounts()["practitioner"].email))
    assert practitioner is not None
    slots = client.get(f"/api/v1/practitioners/{practitioner.id}/slots").get_json()
    booking = None
    for slot in slots["slots"]:
        body = {"practitioner_id": practitioner.id, "start": slot["start"], "fee_label": slots["fee_label"]}
        body.update({"online": True} if slot["online"] else {"location_id": slot["location_id"]})
        response = client.post("/api/v1/bookings", json=body, headers=headers)
        if response.status_code == 201:
            booking = response.get_json()
            break
    assert booking is not None, f"no bookable slot in the seed: {slots}"
    order = client.post("/api/v1/orders", json={"booking_id": booking["id"]}, headers=headers)
    assert order.status_code == 201, order.get_json()
    db.session.remove()
