"""Every response carries the security headers, and the content security policy allows
only what our pages load: our own files, the map tile host, and Stripe."""

from __future__ import annotations

from flask import render_template_string

from marketplace import create_app

LOCAL_STRIPE = "http://127.0.0.1:12111"


def policy(response) -> dict[str, list[str]]:  # noqa: ANN001
    """The CSP header as {directive: [sources]}."""
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_common_headers(response) -> None:  # noqa: ANN001
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=(self)" in response.headers["Permissions-Policy"]
    csp = policy(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    # Nothing broader than named origins anywhere in the policy.
    for name, sources in csp.items():
        for source in sources:
            assert source not in ("*", "'unsafe-inline'", "'unsafe-eval'", "http:", "https:", "data:", "blob:"), (name, source)


def test_an_html_page_carries_the_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert_common_headers(response)


def test_an_api_answer_and_an_api_error_carry_them_too(client):
    ok = client.get("/api/v1/concerns")
    assert ok.status_code == 200
    assert_common_headers(ok)
    missing = client.get("/api/v1/practitioners/999999")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert_common_headers(missing)


def test_policy_names_the_tile_host_and_real_stripe_and_nothing_else(app, client):
    app.config.update(STRIPE_API_BASE=None, MAP_TILE_URL="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    csp = policy(client.get("/search"))
    assert csp["img-src"] == ["'self'", "https://tile.openstreetmap.org"]
    assert csp["script-src"] == ["'self'", "https://js.stripe.com", "https://*.js.stripe.com"]
    assert csp["frame-src"] == ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"]
    assert csp["connect-src"] == ["'self'", "https://api.stripe.com"]
    # Payout onboarding answers a form post with a redirect to Stripe's hosted page.
    assert csp["form-action"] == ["'self'", "https://connect.stripe.com"]


def test_in_development_stripe_means_the_local_stand_in_only(app, client):
    app.config.update(STRIPE_API_BASE=LOCAL_STRIPE + "/")
    csp = policy(client.get("/search"))
    assert csp["script-src"] == ["'self'", LOCAL_STRIPE]
    assert csp["connect-src"] == ["'self'", LOCAL_STRIPE]
    assert csp["frame-src"] == [LOCAL_STRIPE]
    assert "stripe.com" not in client.get("/search").headers["Content-Security-Policy"]


def test_a_tile_template_with_subdomains_allows_exactly_those_subdomains(app, client):
    app.config.update(MAP_TILE_URL="https://{s}.tiles.example.org:8443/{z}/{x}/{y}{r}.png")
    assert policy(client.get("/search"))["img-src"] == ["'self'", "https://*.tiles.example.org:8443"]
    app.config.update(MAP_TILE_URL="/tiles/{z}/{x}/{y}.png")  # served by us: 'self' covers it
    assert policy(client.get("/search"))["img-src"] == ["'self'"]


def test_no_page_template_leaves_an_inline_script_or_style_attribute():
    """Inline code would be refused by the policy; the browser test covers the pages a
    seeker sees, this covers every template."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        html = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", html):
            offenders.append(f"{path.name}: {match.group(0)}")
        offenders += [f"{path.name}: {m.group(0)}" for m in re.finditer(r"\s(on[a-z]+|style)=\"", html)]
    assert offenders == []


def test_an_inline_script_that_asks_for_a_nonce_gets_a_fresh_one_in_the_policy(app, client):
    """Only a response whose template used csp_nonce() names a nonce, new each request."""
    app.add_url_rule("/_nonced", "nonced", lambda: render_template_string('<script nonce="{{ csp_nonce() }}">1</script>'))
    first, second = client.get("/_nonced"), client.get("/_nonced")
    nonces = []
    for response in (first, second):
        nonce = response.get_data(as_text=True).split('"')[1]
        assert policy(response)["script-src"][-1] == f"'nonce-{nonce}'"
        nonces.append(nonce)
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 22
    assert not any(s.startswith("'nonce-") for s in policy(client.get("/livez"))["script-src"])


def test_hsts_only_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/livez").headers
    secure = client.get("/livez", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    app.config.update(HSTS_SECONDS=0)
    assert "Strict-Transport-Security" not in client.get("/livez", base_url="https://localhost").headers


def test_forwarded_https_counts_only_behind_a_trusted_proxy(app, client):
    # Without PROXY_FIX_HOPS a client cannot claim HTTPS by sending the header itself.
    assert "Strict-Transport-Security" not in client.get("/livez", headers={"X-Forwarded-Proto": "https"}).headers
    behind_proxy = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                               "SECRET_KEY": app.config["SECRET_KEY"], "PROXY_FIX_HOPS": 1},
                              env={"MARKETPLACE_ENV": "test"})
    proxied = behind_proxy.test_client()
    assert "Strict-Transport-Security" in proxied.get("/livez", headers={"X-Forwarded-Proto": "https"}).headers
    assert "Strict-Transport-Security" not in proxied.get("/livez", headers={"X-Forwarded-Proto": "http"}).headers
