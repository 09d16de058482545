"""Who may write what: every write endpoint (POST, PUT, PATCH, DELETE) of the JSON API and
of the HTML pages × every role × owner or not, asserted with real requests.

``MATRIX`` below is the contract. For each endpoint it says which roles may call it and
whether it acts on a resource someone owns. The expectations:

* allowed (the owner, or any caller of an allowed role when nothing is owned) → neither
  401 nor 403, nor a redirect to sign in, nor a 5xx (a 2xx, a redirect elsewhere, or a
  validation 4xx: the bodies sent are not always valid, and need not be);
* anonymous → 401 with a problem document (API) or a redirect to sign in (pages);
* a role that is not allowed → 403; on owner-scoped endpoints 404 is accepted too, since
  "not yours" and "not for your role" are then the same answer;
* another user of the owner's role → 403 or 404: never the resource.

``test_every_write_endpoint_is_in_the_matrix`` fails when a write endpoint is added
without an entry here (or an entry outlives its endpoint): deciding who may call it is
part of adding it.

The page part runs with CSRF checks off (``WTF_CSRF_ENABLED = False``): CSRF has its own
tests in ``tests/test_access.py``, and here it would hide the authorization answer. The
API part authenticates with bearer tokens, as API clients do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from marketplace.accounts.models import Role, User
from marketplace.booking.models import AvailabilityException, ExceptionKind
from marketplace.extensions import db
from marketplace.payments import services as payments
from marketplace.taxonomy.models import Concern, ConcernPhrase, RelevanceWeight
from tests.booking.helpers import hold_at, london_practitioner, set_hours
from tests.builders import PASSWORD, login, make_admin, make_credential, make_practitioner, make_user
from tests.packages.helpers import enroll, package
from tests.stripe_local import configure, stripe_keys, stripe_server  # noqa: F401 - fixtures

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ROLES = ("seeker", "practitioner", "admin")
EVERYONE = ("public",)
ANY_USER = ROLES
# The user who owns the world's resources in each role, and another user of that role.
OTHER = {"seeker": "seeker2", "prac": "prac2", "prac3": "prac2"}
ROLE_OF = {"seeker": "seeker", "seeker2": "seeker", "prac": "practitioner", "prac2": "practitioner",
           "prac3": "practitioner", "admin": "admin"}
LONDON = ZoneInfo("Europe/London")

Body = Callable[["World"], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    """``roles``: who may call it (``("public",)``: anyone, signed in or not).
    ``owners``: world users who own the target (empty: not owner-scoped); the admin may
    act on owned resources only when "admin" is in ``roles``. ``body``: what is sent
    (JSON for the API, form fields for pages); ``args``: URL values beyond the world's;
    ``stripe``: an allowed call reaches Stripe, so the local Stripe is started for it."""

    roles: tuple[str, ...]
    owners: tuple[str, ...] = ()
    body: Body | None = None
    args: Callable[["World"], dict[str, Any]] | None = None
    stripe: bool = False  # reaches Stripe when allowed: run against the local Stripe


def _empty(world: "World") -> dict[str, Any]:
    return {}


def _next_start(world: "World", days: int = 9) -> str:
    """A weekday 10:00 in London, safely inside the practitioner's hours and notice."""
    day = date.today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=LONDON).isoformat()


def _package_body(world: "World") -> dict[str, Any]:
    return {"name": "Back reset", "price": 20000, "currency": "GBP", "validity_days": 60, "concerns": ["sciatica"],
            "components": [{"modality": "acupuncture", "sessions": 2, "minutes": 45}]}


def _exception_body(world: "World") -> dict[str, Any]:
    return {"kind": "closed", "starts_on": (date.today() + timedelta(days=40)).isoformat()}


def _reschedule(world: "World") -> dict[str, Any]:
    return {"start": _next_start(world, 12)}


def _session(world: "World") -> dict[str, Any]:
    return {"component_id": world.ids["component_id"], "start": _next_start(world, 14)}


def _shares(world: "World") -> dict[str, Any]:
    return {"shares": [{"practitioner_id": world.ids["prac_id"], "amount": 10000},
                       {"practitioner_id": world.ids["prac3_id"], "amount": 10000}]}


def _partner_form(world: "World") -> dict[str, Any]:
    return {"partner": str(world.ids["prac2_id"]), "share": "0"}


def _shares_form(world: "World") -> dict[str, Any]:
    return {f"share-{world.ids['prac_id']}": "10000", f"share-{world.ids['prac3_id']}": "10000"}


def _on_sale(world: "World") -> dict[str, Any]:
    return {"package_id": world.ids["on_sale_id"]}


def _partner_of(world: "World") -> dict[str, Any]:
    return {"practitioner_id": world.ids["prac3_id"]}


SEEKER, PRACTITIONER, ADMIN = ("seeker",), ("practitioner",), ("admin",)

MATRIX: dict[str, Rule] = {
    # --- JSON API: accounts ------------------------------------------------------------
    "api.register": Rule(EVERYONE),
    "api.issue_token": Rule(EVERYONE),
    "api.request_password_reset": Rule(EVERYONE),
    "api.confirm_password_reset": Rule(EVERYONE),
    "api.delete_me": Rule(ANY_USER),  # the caller's own account only: there is no id to point elsewhere
    # --- JSON API: bookings ------------------------------------------------------------
    "api.create_booking": Rule(SEEKER),
    "api.cancel_booking": Rule(ANY_USER, owners=("seeker", "prac")),  # an admin acts as a party
    "api.reschedule_booking": Rule(ANY_USER, owners=("seeker", "prac"), body=_reschedule),
    "api.mark_booking_attended": Rule(("practitioner", "admin"), owners=("prac",)),
    "api.mark_booking_no_show": Rule(("practitioner", "admin"), owners=("prac",)),
    # --- JSON API: the practitioner's own listing, hours and credentials -----------------
    "api.put_listing": Rule(PRACTITIONER),
    "api.add_location": Rule(PRACTITIONER),
    "api.update_location": Rule(PRACTITIONER, owners=("prac",), body=lambda w: {
        "label": "Renamed clinic", "venue_type": "clinic", "lat": 51.52, "lon": -0.1}),
    "api.delete_location": Rule(PRACTITIONER, owners=("prac",)),
    "api.put_availability": Rule(PRACTITIONER),
    "api.add_availability_exception": Rule(PRACTITIONER),
    "api.update_availability_exception": Rule(PRACTITIONER, owners=("prac",), body=_exception_body),
    "api.delete_availability_exception": Rule(PRACTITIONER, owners=("prac",)),
    "api.upload_credential": Rule(PRACTITIONER),
    "api.payout_onboarding": Rule(PRACTITIONER, body=_empty, stripe=True),
    # --- JSON API: packages ------------------------------------------------------------
    "api.create_package": Rule(PRACTITIONER),
    "api.update_package": Rule(PRACTITIONER, owners=("prac",), body=_package_body),
    "api.invite_partner": Rule(PRACTITIONER, owners=("prac",), body=lambda w: {"partner": str(w.ids["prac2_id"])}),
    "api.remove_partner": Rule(PRACTITIONER, owners=("prac",), args=_partner_of),
    "api.set_shares": Rule(PRACTITIONER, owners=("prac",), body=_shares),
    "api.publish_package": Rule(PRACTITIONER, owners=("prac",)),
    "api.withdraw_package": Rule(PRACTITIONER, owners=("prac",)),
    "api.accept_invitation": Rule(PRACTITIONER, owners=("prac3",)),
    "api.decline_invitation": Rule(PRACTITIONER, owners=("prac3",)),
    "api.reserve": Rule(SEEKER, args=_on_sale),
    "api.schedule": Rule(SEEKER, owners=("seeker",), body=_session),
    "api.cancel_reservation": Rule(SEEKER, owners=("seeker",)),
    # --- JSON API: payments ------------------------------------------------------------
    "api.create_order": Rule(SEEKER, stripe=True),
    "api.pay_order": Rule(SEEKER, owners=("seeker",), stripe=True),
    "api.cancel_order": Rule(("seeker", "admin"), owners=("seeker",), stripe=True),
    "api.refund_order": Rule(ADMIN, stripe=True),
    # --- JSON API: admin ---------------------------------------------------------------
    "api.approve_credential": Rule(ADMIN),
    "api.reject_credential": Rule(ADMIN),
    "api.run_sweep": Rule(ADMIN),
    "api.suspend_practitioner": Rule(ADMIN),
    "api.unsuspend_practitioner": Rule(ADMIN),
    "api.create_term": Rule(ADMIN),
    "api.update_term": Rule(ADMIN),
    "api.add_concern_phrase": Rule(ADMIN),
    "api.delete_concern_phrase": Rule(ADMIN),
    "api.set_relevance": Rule(ADMIN),
    "api.delete_relevance": Rule(ADMIN),
    "api.set_ranking_factor": Rule(ADMIN, body=lambda w: {"value": 0.3}),
    "api.reset_ranking_factor": Rule(ADMIN),
    # --- Pages: accounts and notifications ---------------------------------------------
    "accounts.register": Rule(EVERYONE),
    "accounts.login": Rule(EVERYONE),
    "accounts.logout": Rule(EVERYONE),
    "accounts.forgot_password": Rule(EVERYONE),
    "accounts.reset_password": Rule(EVERYONE),
    "accounts.delete_account": Rule(ANY_USER),
    "notifications.mark_all_read": Rule(ANY_USER),
    # --- Pages: bookings ---------------------------------------------------------------
    "booking.hold": Rule(SEEKER),
    "booking.cancel": Rule(ANY_USER, owners=("seeker", "prac")),
    "booking.reschedule": Rule(ANY_USER, owners=("seeker", "prac"), body=_reschedule),
    "booking.mark_attended": Rule(PRACTITIONER, owners=("prac",)),
    "booking.mark_no_show": Rule(PRACTITIONER, owners=("prac",)),
    "booking.availability": Rule(PRACTITIONER),
    "booking.add_exception": Rule(PRACTITIONER),
    "booking.remove_exception": Rule(PRACTITIONER, owners=("prac",)),
    # --- Pages: the practitioner's listing and credentials -----------------------------
    "practitioners.edit_listing": Rule(PRACTITIONER),
    "practitioners.locations": Rule(PRACTITIONER),
    "practitioners.edit_location": Rule(PRACTITIONER, owners=("prac",), body=lambda w: {
        "label": "Renamed clinic", "venue_type": "clinic", "lat": "51.52", "lon": "-0.1"}),
    "practitioners.remove_location": Rule(PRACTITIONER, owners=("prac",)),
    "verification.credentials": Rule(PRACTITIONER),
    "payments.onboard": Rule(PRACTITIONER, stripe=True),
    # --- Pages: packages ---------------------------------------------------------------
    "packages.new": Rule(PRACTITIONER),
    "packages.edit": Rule(PRACTITIONER, owners=("prac",)),
    "packages.invite": Rule(PRACTITIONER, owners=("prac",), body=_partner_form),
    "packages.remove_partner": Rule(PRACTITIONER, owners=("prac",), args=_partner_of),
    "packages.set_shares": Rule(PRACTITIONER, owners=("prac",), body=_shares_form),
    "packages.publish": Rule(PRACTITIONER, owners=("prac",)),
    "packages.withdraw": Rule(PRACTITIONER, owners=("prac",)),
    "packages.answer": Rule(PRACTITIONER, owners=("prac3",), args=lambda w: {"answer": "decline"}),
    "packages.reserve": Rule(SEEKER, args=_on_sale),
    "packages.schedule": Rule(SEEKER, owners=("seeker",), body=lambda w: {"start": _next_start(w, 14)}),
    "packages.cancel_reservation": Rule(SEEKER, owners=("seeker",)),
    # --- Pages: payments ---------------------------------------------------------------
    "payments.start": Rule(SEEKER, stripe=True),
    "payments.cancel": Rule(("seeker", "admin"), owners=("seeker",), stripe=True),
    "payments.admin_refund": Rule(ADMIN, stripe=True),
    # --- Pages: admin ------------------------------------------------------------------
    "verification.approve": Rule(ADMIN),
    "verification.reject": Rule(ADMIN),
    "verification.sweep": Rule(ADMIN),
    "admin.suspend": Rule(ADMIN),
    "admin.unsuspend": Rule(ADMIN),
    "admin.edit_listing": Rule(ADMIN),
    "admin.new_term": Rule(ADMIN),
    "admin.edit_term": Rule(ADMIN),
    "admin.set_term_state": Rule(ADMIN),
    "taxonomy.add_phrase": Rule(ADMIN),
    "taxonomy.delete_phrase": Rule(ADMIN),
    "taxonomy.set_relevance": Rule(ADMIN),
    "taxonomy.delete_relevance": Rule(ADMIN),
    "taxonomy.set_ranking_factor": Rule(ADMIN, body=lambda w: {"factor": "distance", "value": "0.3"}),
    "taxonomy.reset_ranking_factor": Rule(ADMIN),
    # --- Stripe: authenticated by its signature, not by a user ---------------------------
    "stripe_webhooks.stripe_webhook": Rule(EVERYONE),
}


def write_endpoints(app: Flask) -> dict[str, tuple[str, str]]:
    """endpoint → (rule, method) for every write route (the API's own method; POST for pages)."""
    found: dict[str, tuple[str, str]] = {}
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & WRITE_METHODS
        if methods:
            found[rule.endpoint] = (rule.rule, sorted(methods)[0])
    return found


def test_every_write_endpoint_is_in_the_matrix(app: Flask) -> None:
    routed = set(write_endpoints(app))
    assert routed - set(MATRIX) == set(), "write endpoints with no authorization rule: add them to MATRIX"
    assert set(MATRIX) - routed == set(), "MATRIX entries for endpoints that no longer exist"


# --- the world the requests act on --------------------------------------------------------

@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, Any] = field(default_factory=dict)


def _world(app: Flask) -> World:
    """Resources owned by ``seeker`` and ``prac`` (and an invitation addressed to
    ``prac3``); ``seeker2`` and ``prac2`` own nothing of them."""
    prac = london_practitioner(app, display_name="Owner")
    set_hours(prac, max_days_ahead=90)
    prac2 = london_practitioner(app, display_name="Other")
    prac3 = london_practitioner(app, display_name="Partner")
    seeker, seeker2 = make_user(Role.SEEKER), make_user(Role.SEEKER)
    admin = make_admin()
    start = datetime.fromisoformat(_next_start(None))  # type: ignore[arg-type]
    booking = hold_at(seeker, prac, start)
    order = payments.create_order(seeker, booking_id=booking.id)
    db.session.commit()
    draft = package(prac, [(prac, "acupuncture", 2, 45), (prac3, "acupuncture", 2, 45)], price=20000,
                    publish=False, accept=False, name="Draft with a partner")
    on_sale = package(prac, [(prac, "acupuncture", 3, 45)], price=15000, name="On sale")
    enrollment = enroll(seeker, on_sale)
    invitation = next(p for p in draft.partners if p.practitioner_id == prac3.id)
    exception = AvailabilityException(practitioner_id=prac.id, kind=ExceptionKind.CLOSED, starts_on=date.today() + timedelta(days=30),
                                      ends_on=date.today() + timedelta(days=30), reason="Away")
    db.session.add(exception)
    credential = make_credential(app, make_practitioner(display_name="Pending review"))
    db.session.commit()
    concern = db.session.scalar(select(Concern).where(Concern.slug == "back-spasm"))
    phrase = db.session.scalar(select(ConcernPhrase).order_by(ConcernPhrase.id))
    weight = db.session.scalar(select(RelevanceWeight).order_by(RelevanceWeight.id))
    weight_concern = db.session.get(Concern, weight.concern_id) if weight else concern
    users = {"seeker": seeker, "seeker2": seeker2, "prac": prac.user, "prac2": prac2.user, "prac3": prac3.user,
             "admin": admin}
    ids = {
        "booking_id": booking.id, "order_id": order.id, "package_id": draft.id, "on_sale_id": on_sale.id,
        "enrollment_id": enrollment.id, "component_id": on_sale.components[0].id, "invitation_id": invitation.id,
        "exception_id": exception.id, "location_id": prac.locations[0].id, "credential_id": credential.id,
        "practitioner_id": prac2.id, "prac_id": prac.id, "prac2_id": prac2.id, "prac3_id": prac3.id,
        "phrase_id": phrase.id if phrase else 1, "slug": concern.slug, "kind": "concern", "term_id": concern.id,
        "concern": weight_concern.slug, "term": weight.term_slug if weight else "acupuncture",
        "token": "not-a-real-reset-token", "name": "distance",
    }
    return World(users=users, ids=ids)


# --- making the requests --------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    actor: str | None  # a world user, or None for anonymous
    expect: str  # "allowed", "anonymous", "wrong-role", "not-owner"


def cases(rule: Rule) -> list[Case]:
    """Denied cases first: an allowed call may change the world (delete, cancel)."""
    if rule.roles == EVERYONE:
        return [Case(None, "allowed")] + [Case(u, "allowed") for u in ("seeker", "prac", "admin")]
    out = [Case(None, "anonymous")]
    actor_for = {"seeker": "seeker", "practitioner": "prac", "admin": "admin"}
    owners_by_role = {ROLE_OF[o]: o for o in rule.owners}
    for role in ROLES:
        if role not in rule.roles:
            out.append(Case(actor_for[role], "wrong-role"))
    for role, owner in owners_by_role.items():
        out.append(Case(OTHER[owner], "not-owner"))
    for role in ROLES:
        if role in rule.roles:
            out.append(Case(owners_by_role.get(role, actor_for[role]), "allowed"))
    return out


def _request(app: Flask, world: World, name: str, rule: Rule, actor: str | None) -> Any:  # noqa: ANN401
    path_rule, method = write_endpoints(app)[name]
    url_rule = next(r for r in app.url_map.iter_rules() if r.endpoint == name)
    values = {**world.ids, **(rule.args(world) if rule.args else {})}
    url = app.url_map.bind("localhost").build(name, {k: values[k] for k in url_rule.arguments}, method=method)
    body = rule.body(world) if rule.body else {}
    client: FlaskClient = app.test_client()
    if path_rule.startswith("/api/"):
        headers = {}
        if actor is not None:
            token = client.post("/api/v1/auth/tokens", json={"email": world.users[actor].email, "password": PASSWORD})
            headers["Authorization"] = f"Bearer {token.get_json()['token']}"
        return client.open(url, method=method, json=body, headers=headers)
    if actor is not None:
        login(client, world.users[actor])
    return client.open(url, method="POST", data=body)


def _verdict(response: Any, expect: str, rule: Rule, is_api: bool) -> str | None:  # noqa: ANN401
    """None when the answer is the one the matrix promises, else what was wrong."""
    status = response.status_code
    to_login = status in (301, 302, 303) and "/account/login" in response.headers.get("Location", "")
    if status >= 500:
        return f"server error {status}"
    if expect == "allowed":
        return f"refused with {status}" if status in (401, 403) or to_login else None
    if expect == "anonymous":
        if is_api:
            ok = status == 401 and response.content_type == "application/problem+json"
        else:
            ok = to_login
        return None if ok else f"anonymous got {status} {response.headers.get('Location', '')}"
    if expect == "wrong-role":
        allowed = {403, 404} if rule.owners else {403}
        return None if status in allowed else f"wrong role got {status}"
    return None if status in (403, 404) else f"not owner got {status}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_write_endpoint_answers_each_role_as_the_matrix_says(app: Flask, name: str,
                                                             request: pytest.FixtureRequest) -> None:
    if name not in write_endpoints(app):
        pytest.skip(f"{name} is not routed (see test_every_write_endpoint_is_in_the_matrix)")
    app.config["WTF_CSRF_ENABLED"] = False
    rule = MATRIX[name]
    if rule.stripe:
        configure(app, request.getfixturevalue("stripe_server"), request.getfixturevalue("stripe_keys"))
    world = _world(app)
    is_api = write_endpoints(app)[name][0].startswith("/api/")
    problems = []
    for case in cases(rule):
        response = _request(app, world, name, rule, case.actor)
        db.session.expire_all()
        wrong = _verdict(response, case.expect, rule, is_api)
        if wrong:
            problems.append(f"{case.actor or 'anonymous'} ({case.expect}): {wrong}: "
                            f"{response.get_data(as_text=True)[:200]!r}")
    assert not problems, f"{name}:\n" + "\n".join(problems)
