"""The OpenAPI document describes the running code: every route, every method, valid."""

from openapi_spec_validator import validate

from marketplace.web.api import ENDPOINTS


def test_document_is_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.")


def test_every_api_route_is_documented_and_nothing_else(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<int:{arg}>", f"{{{arg}}}").replace(f"<{arg}>", f"{{{arg}}}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routed.add((path, method))
    assert routed == documented


def test_stable_contract_calls_are_all_present(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in [
        ("/api/v1/auth/register", "post"), ("/api/v1/auth/tokens", "post"), ("/api/v1/me", "get"),
        ("/api/v1/me/practitioner", "put"), ("/api/v1/me/practitioner/locations", "post"),
        ("/api/v1/me/practitioner/credentials", "post"), ("/api/v1/admin/credentials", "get"),
        ("/api/v1/admin/credentials/{credential_id}/approve", "post"),
        ("/api/v1/admin/credentials/{credential_id}/reject", "post"),
        ("/api/v1/admin/practitioners/{practitioner_id}/suspend", "post"),
        ("/api/v1/admin/practitioners/{practitioner_id}/unsuspend", "post"),
        ("/api/v1/practitioners/{practitioner_id}", "get"), ("/api/v1/concerns", "get"),
        ("/api/v1/modalities", "get"),
    ]:
        assert method in paths.get(path, {}), (method, path)


def test_each_endpoint_is_declared_once():
    keys = [(e.rule, e.method) for e in ENDPOINTS]
    assert len(keys) == len(set(keys))


def _validator(document, path, method, status, content_type="application/json"):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    schema = document["paths"][path][method]["responses"][str(status)]["content"][content_type]["schema"]
    registry = Registry().with_resource("urn:openapi", Resource(contents=document, specification=DRAFT202012))
    schema = {**schema, "$ref": "urn:openapi" + schema["$ref"]} if "$ref" in schema else schema
    return Draft202012Validator(schema, registry=registry)


def test_responses_match_their_documented_schemas(client, app):
    from tests.builders import bearer, make_admin, make_credential, make_practitioner

    document = client.get("/api/v1/openapi.json").get_json()
    practitioner = make_practitioner()
    make_credential(app, practitioner, status="approved")
    pending = make_credential(app, make_practitioner(display_name="Pending"))
    admin = bearer(client, make_admin())
    owner = bearer(client, practitioner.user)
    calls = [
        ("get", f"/api/v1/practitioners/{practitioner.id}", "/api/v1/practitioners/{practitioner_id}", None, 200),
        ("get", "/api/v1/concerns", "/api/v1/concerns", None, 200),
        ("get", "/api/v1/modalities", "/api/v1/modalities", None, 200),
        ("get", "/api/v1/me", "/api/v1/me", owner, 200),
        ("get", "/api/v1/me/practitioner", "/api/v1/me/practitioner", owner, 200),
        ("get", "/api/v1/admin/credentials", "/api/v1/admin/credentials", admin, 200),
        ("post", f"/api/v1/admin/credentials/{pending.id}/approve",
         "/api/v1/admin/credentials/{credential_id}/approve", admin, 200),
        ("get", "/api/v1/admin/audit", "/api/v1/admin/audit", admin, 200),
        ("get", "/api/v1/practitioners/999999", "/api/v1/practitioners/{practitioner_id}", None, 404),
        ("get", "/api/v1/admin/credentials", "/api/v1/admin/credentials", owner, 403),
    ]
    for method, url, path, headers, status in calls:
        response = getattr(client, method)(url, headers=headers or {})
        assert response.status_code == status, url
        content_type = "application/json" if status < 400 else "application/problem+json"
        assert response.mimetype == content_type
        errors = list(_validator(document, path, method, status, content_type).iter_errors(response.get_json()))
        assert errors == [], (url, [e.message for e in errors])
