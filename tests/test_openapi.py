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
