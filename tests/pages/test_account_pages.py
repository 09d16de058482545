"""Account pages: register, sign in (and where it sends you), sign out, password reset."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.accounts.models import Role, User
from marketplace.extensions import db
from tests.builders import PASSWORD, login, make_user
from tests.pages.helpers import post, text

STRONG = "kettle-harbour-lantern"


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


# --- register --------------------------------------------------------------------------

def test_register_page_has_the_fields_and_role_choice(client):
    html = text(client.get("/account/register"))
    for name in ('name="email"', 'name="password"', 'name="confirm"', 'name="csrf_token"'):
        assert name in html
    assert 'type="radio"' in html and 'value="seeker"' in html and 'value="practitioner"' in html
    assert "Create account" in html
    assert '<label for="email">' in html


def test_registering_as_practitioner_signs_in_and_opens_the_dashboard(client):
    response = post(client, "/account/register", {
        "email": "New.Person@Example.com", "password": STRONG, "confirm": STRONG, "role": "practitioner"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/practitioner/")
    user = _user("new.person@example.com")
    assert user is not None and user.role is Role.PRACTITIONER
    dashboard = client.get("/practitioner/")
    assert dashboard.status_code == 200
    assert "Create your listing" in text(dashboard)


def test_registering_as_seeker_goes_home_signed_in(client):
    response = post(client, "/account/register", {
        "email": "seeker@example.com", "password": STRONG, "confirm": STRONG, "role": "seeker"},
        follow_redirects=True)
    assert response.request.path == "/"
    assert "Sign out" in text(response)


def test_weak_password_re_renders_with_the_services_message(client):
    response = post(client, "/account/register", {
        "email": "weak@example.com", "password": "short", "confirm": "short", "role": "seeker"})
    assert response.status_code == 200
    html = text(response)
    assert "Use at least 10 characters." in html
    assert 'id="password-error"' in html and 'aria-invalid="true"' in html
    assert 'value="weak@example.com"' in html  # what was typed is kept
    assert _user("weak@example.com") is None


def test_mismatched_confirmation_is_a_field_error(client):
    response = post(client, "/account/register", {
        "email": "typo@example.com", "password": STRONG, "confirm": STRONG + "x", "role": "seeker"})
    assert "The two passwords do not match." in text(response)
    assert _user("typo@example.com") is None


def test_taken_email_is_shown_on_the_email_field(client):
    make_user(email="taken@example.com")
    response = post(client, "/account/register", {
        "email": "TAKEN@example.com", "password": STRONG, "confirm": STRONG, "role": "seeker"})
    assert response.status_code == 200
    html = text(response)
    assert 'id="email-error"' in html
    assert "An account with this email already exists." in html


def test_nobody_can_register_as_admin_through_the_form(client):
    response = post(client, "/account/register", {
        "email": "sneaky@example.com", "password": STRONG, "confirm": STRONG, "role": "admin"})
    assert response.status_code == 200
    assert _user("sneaky@example.com") is None


def test_forms_without_a_csrf_token_are_refused(client):
    response = client.post("/account/register", data={
        "email": "x@example.com", "password": STRONG, "confirm": STRONG, "role": "seeker"})
    assert response.status_code == 400
    assert "security token" in text(response)
    assert _user("x@example.com") is None


# --- sign in / out -----------------------------------------------------------------------

def test_sign_in_page_has_email_password_and_button(client):
    html = text(client.get("/account/login"))
    assert 'name="email"' in html and 'name="password"' in html and 'value="Sign in"' in html


def test_signing_in_takes_each_role_to_its_home(client):
    homes = {Role.SEEKER: "/", Role.PRACTITIONER: "/practitioner/", Role.ADMIN: "/admin/credentials"}
    for role, home in homes.items():
        user = make_user(role)
        c = client.application.test_client()
        response = post(c, "/account/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, role
        assert response.headers["Location"] == home, role


def test_sign_in_follows_next_on_this_site(client):
    user = make_user(Role.PRACTITIONER)
    response = post(client, "/account/login?next=/practitioner/locations",
                    {"email": user.email, "password": PASSWORD, "next": "/practitioner/locations"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/practitioner/locations"


def test_an_absolute_next_to_another_site_is_not_followed(client):
    user = make_user(Role.SEEKER)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        c = client.application.test_client()
        response = post(c, f"/account/login?next={target}", {"email": user.email, "password": PASSWORD,
                                                             "next": target})
        assert response.status_code == 302, target
        assert "evil.example" not in response.headers["Location"], target
        assert response.headers["Location"] == "/", target


def test_a_protected_page_sends_you_to_sign_in_and_back(client):
    user = make_user(Role.PRACTITIONER)
    first = client.get("/practitioner/locations")
    assert first.status_code == 302
    assert first.headers["Location"] == "/account/login?next=/practitioner/locations"
    login_page = text(client.get(first.headers["Location"]))
    assert 'name="next" type="hidden" value="/practitioner/locations"' in login_page
    response = post(client, first.headers["Location"], {"email": user.email, "password": PASSWORD,
                                                         "next": "/practitioner/locations"})
    assert response.headers["Location"] == "/practitioner/locations"


def test_wrong_password_re_renders_with_one_message(client):
    user = make_user(email="who@example.com")
    wrong = post(client, "/account/login", {"email": user.email, "password": "not-the-password"})
    unknown = post(client, "/account/login", {"email": "nobody@example.com", "password": PASSWORD})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "The email or password is not right." in text(response)
    assert "Sign out" not in text(wrong)


def test_sign_out_is_a_post_with_csrf(client):
    user = make_user()
    login(client, user)
    assert client.get("/account/logout").status_code == 405
    assert client.post("/account/logout").status_code == 400  # no token: refused
    assert "Sign out" in text(client.get("/"))
    response = post(client, "/account/logout", follow_redirects=True)
    assert "You are signed out." in text(response)
    assert "Sign out" not in text(response)


# --- password reset ------------------------------------------------------------------------

def _reset_link(outbox) -> str:
    match = re.search(r"http://localhost(/account/reset/\S+)", outbox[-1].body)
    assert match, outbox[-1].body
    return match.group(1)


def test_forgot_password_says_the_same_whether_or_not_the_account_exists(client, outbox):
    make_user(email="known@example.com")
    known = post(client, "/account/forgot", {"email": "known@example.com"}, follow_redirects=True)
    unknown = post(client, "/account/forgot", {"email": "unknown@example.com"}, follow_redirects=True)
    message = "If an account exists for that address, we sent a link"
    assert message in text(known) and message in text(unknown)
    assert [m.to for m in outbox] == ["known@example.com"]


def test_reset_link_sets_a_new_password_once(client, outbox):
    user = make_user(email="forgetful@example.com")
    post(client, "/account/forgot", {"email": user.email})
    link = _reset_link(outbox)
    page = client.get(link)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"

    weak = post(client, link, {"password": "abc", "confirm": "abc"})
    assert "Use at least 10 characters." in text(weak)

    done = post(client, link, {"password": STRONG, "confirm": STRONG})
    assert done.status_code == 302 and done.headers["Location"] == "/account/login"
    signed_in = post(client, "/account/login", {"email": user.email, "password": STRONG})
    assert signed_in.status_code == 302

    again = post(client.application.test_client(), link, {"password": "another-fine-phrase", "confirm": "another-fine-phrase"})
    assert again.status_code == 200
    assert "already been used" in text(again)
    assert "Ask for a new reset link" in text(again)


def test_a_forged_reset_link_is_refused_on_the_page(client):
    response = post(client, "/account/reset/not-a-token", {"password": STRONG, "confirm": STRONG})
    assert response.status_code == 200
    assert "This reset link is not valid." in text(response)
