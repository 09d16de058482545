"""Accounts through the JSON API: the stable contract in SPEC."""

from marketplace.accounts.models import User
from marketplace.extensions import db
from tests.builders import PASSWORD, bearer, make_user


def test_register_returns_the_user_with_role(client):
    response = client.post("/api/v1/auth/register",
                           json={"email": "Meera@Example.com", "password": PASSWORD, "role": "practitioner"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "meera@example.com"
    assert body["role"] == "practitioner"
    assert "password" not in str(body)


def test_password_is_stored_hashed_with_scrypt(client):
    client.post("/api/v1/auth/register", json={"email": "a@example.com", "password": PASSWORD, "role": "seeker"})
    user = db.session.scalar(db.select(User).where(User.email == "a@example.com"))
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


def test_taken_email_is_409_whatever_its_case(client):
    make_user(email="taken@example.com")
    response = client.post("/api/v1/auth/register",
                           json={"email": "TAKEN@example.com", "password": PASSWORD, "role": "seeker"})
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert "email" in response.get_json()["errors"]


def test_weak_password_is_400_naming_the_field(client):
    response = client.post("/api/v1/auth/register",
                           json={"email": "b@example.com", "password": "abc", "role": "seeker"})
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["status"] == 400 and problem["title"] and problem["type"]
    assert problem["errors"]["password"]


def test_nobody_can_register_as_admin(client):
    response = client.post("/api/v1/auth/register",
                           json={"email": "c@example.com", "password": PASSWORD, "role": "admin"})
    assert response.status_code == 400
    assert "role" in response.get_json()["errors"]


def test_malformed_bodies_get_problem_answers_not_500(client):
    for body in (None, "not json", "[1,2]", '{"email": 5}', '{"email": "x@example.com"}'):
        response = client.post("/api/v1/auth/register", data=body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.content_type == "application/problem+json"


def test_token_lets_a_client_call_me(client):
    user = make_user(email="d@example.com")
    headers = bearer(client, user)
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["email"] == "d@example.com"
    assert response.get_json()["role"] == "seeker"


def test_bad_credentials_are_401_with_one_message(client):
    make_user(email="e@example.com")
    wrong = client.post("/api/v1/auth/tokens", json={"email": "e@example.com", "password": "wrong-password-1"})
    unknown = client.post("/api/v1/auth/tokens", json={"email": "nobody@example.com", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["detail"] == unknown.get_json()["detail"]


def test_me_without_credentials_is_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_garbage_and_revoked_tokens_are_refused(client):
    user = make_user()
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    headers = bearer(client, user)
    for token in user.tokens:
        token.revoked_at = token.created_at
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_disabled_account_cannot_get_a_token(client):
    user = make_user(email="f@example.com")
    user.is_disabled = True
    db.session.commit()
    response = client.post("/api/v1/auth/tokens", json={"email": "f@example.com", "password": PASSWORD})
    assert response.status_code == 401


def test_password_reset_by_mailed_token(client, outbox):
    user = make_user(email="g@example.com")
    headers = bearer(client, user)
    assert client.post("/api/v1/auth/password-reset", json={"email": "g@example.com"}).status_code == 202
    assert len(outbox) == 1 and outbox[0].to == "g@example.com"
    token = outbox[0].body.split("/account/reset/")[1].split()[0]

    new_password = "a-brand-new-passphrase"
    response = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": new_password})
    assert response.status_code == 204
    # the old password and the old API tokens stop working; the link is single-use
    assert client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD}).status_code == 401
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/tokens", json={"email": user.email, "password": new_password}).status_code == 201
    again = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": "yet-another-pass-9"})
    assert again.status_code == 400
    assert "token" in again.get_json()["errors"]


def test_password_reset_does_not_reveal_unknown_accounts(client, outbox):
    response = client.post("/api/v1/auth/password-reset", json={"email": "ghost@example.com"})
    assert response.status_code == 202
    assert outbox == []


def test_forged_reset_token_is_refused(client):
    response = client.post("/api/v1/auth/password-reset/confirm",
                           json={"token": "forged.token.value", "password": "a-brand-new-passphrase"})
    assert response.status_code == 400
    assert "token" in response.get_json()["errors"]
