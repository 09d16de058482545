"""Who may do what: every admin page and admin call refuses other roles; owners alone
change their listing and read their documents; writes need a CSRF token or a bearer
token."""

import pytest

from marketplace.accounts.models import Role
from tests.builders import bearer, csrf_token, login, make_admin, make_credential, make_practitioner, make_user

ADMIN_PAGES = ["/admin/", "/admin/credentials", "/admin/audit", "/admin/practitioners", "/admin/taxonomy",
               "/admin/matching/phrases", "/admin/matching/relevance"]


@pytest.mark.parametrize("role", [Role.SEEKER, Role.PRACTITIONER])
def test_other_roles_get_403_on_every_admin_page_and_call(client, app, role):
    practitioner = make_practitioner()
    credential = make_credential(app, practitioner)
    user = make_user(role)
    login(client, user)
    pages = ADMIN_PAGES + [f"/admin/credentials/{credential.id}", f"/admin/practitioners/{practitioner.id}",
                           f"/admin/practitioners/{practitioner.id}/listing"]
    for path in pages:
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/notifications/")
    for path in [f"/admin/credentials/{credential.id}/approve", f"/admin/practitioners/{practitioner.id}/suspend"]:
        assert client.post(path, data={"csrf_token": token, "reason": "x"}).status_code == 403, path
    headers = bearer(client, user)
    assert client.get("/api/v1/admin/credentials", headers=headers).status_code == 403
    assert client.post(f"/api/v1/admin/credentials/{credential.id}/approve", headers=headers).status_code == 403
    assert client.post(f"/api/v1/admin/practitioners/{practitioner.id}/suspend", headers=headers).status_code == 403
    assert client.post("/api/v1/admin/taxonomy/concern", headers=headers,
                       json={"slug": "x-pain", "name": "X"}).status_code == 403
    assert credential.status.value == "pending" and not practitioner.is_suspended


def test_anonymous_visitors_are_sent_to_sign_in_from_admin_pages(client):
    response = client.get("/admin/credentials")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_a_practitioner_cannot_touch_another_practitioners_listing_or_document(client, app):
    victim = make_practitioner(display_name="Victim")
    credential = make_credential(app, victim)
    intruder = make_practitioner(display_name="Intruder")
    login(client, intruder.user)
    assert client.get(f"/admin/practitioners/{victim.id}/listing").status_code == 403
    assert client.get(f"/credentials/{credential.id}/document").status_code in (403, 404)
    headers = bearer(client, intruder.user)
    assert client.get(f"/api/v1/credentials/{credential.id}/document", headers=headers).status_code == 404
    # the API only ever edits the caller's own listing
    client.put("/api/v1/me/practitioner", headers=headers, json={"display_name": "Hijacked", "modalities": []})
    assert victim.display_name == "Victim"


def test_form_posts_without_csrf_are_rejected(client):
    user = make_practitioner().user
    login(client, user)
    response = client.post("/practitioner/listing", data={"display_name": "No token"})
    assert response.status_code == 400
    response = client.post("/account/logout")
    assert response.status_code == 400


def test_cookie_authenticated_api_writes_need_the_csrf_token(client):
    practitioner = make_practitioner()
    login(client, practitioner.user)
    body = {"display_name": "Asha Rao", "modalities": ["acupuncture"]}
    refused = client.put("/api/v1/me/practitioner", json=body)
    assert refused.status_code == 400
    assert refused.content_type == "application/problem+json"
    token = csrf_token(client, "/practitioner/listing")
    assert client.put("/api/v1/me/practitioner", json=body, headers={"X-CSRFToken": token}).status_code == 200


def test_bearer_token_writes_need_no_csrf_token(client):
    practitioner = make_practitioner()
    response = client.put("/api/v1/me/practitioner", headers=bearer(client, practitioner.user),
                          json={"display_name": "Asha Rao", "modalities": ["acupuncture"]})
    assert response.status_code == 200


def test_admin_can_edit_any_listing_page(client, app):
    practitioner = make_practitioner()
    login(client, make_admin())
    assert client.get(f"/admin/practitioners/{practitioner.id}/listing").status_code == 200
