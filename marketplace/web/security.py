"""Security headers, the content security policy and proxy handling.

The policy allows only what our pages really load: our own scripts, styles and images
(every page's JavaScript lives in ``static/``, none inline), the map tiles' host, and
Stripe.js with the frames and API it talks to. ``style-src`` is ``'self'`` too: no
template carries a ``style=""`` attribute, and Leaflet positions its map through the
CSSOM (``element.style``), which a policy does not restrict. Should a template ever
need an inline script, it calls ``csp_nonce()`` and the nonce is added to this
response's ``script-src`` (never ``'unsafe-inline'``).
"""

from __future__ import annotations

import secrets
from typing import Mapping
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Stripe's documented needs for Stripe.js and Elements (card field, 3-D Secure frames).
STRIPE_SCRIPT_ORIGINS = ("https://js.stripe.com", "https://*.js.stripe.com")
STRIPE_FRAME_ORIGINS = ("https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com")
STRIPE_CONNECT_ORIGINS = ("https://api.stripe.com",)
# A practitioner's "set up payouts" form answers with a redirect to Stripe's hosted
# onboarding; browsers apply form-action to that redirect too.
STRIPE_FORM_ORIGINS = ("https://connect.stripe.com",)

# "use my location" on the search page needs geolocation; nothing asks for the rest.
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), interest-cohort=()"
REFERRER_POLICY = "strict-origin-when-cross-origin"


def init_app(app: Flask) -> None:
    """Trust the proxy's forwarded headers when told to, and add the headers to every
    response (HTML pages, the JSON API, errors and static files alike)."""
    hops = int(app.config.get("PROXY_FIX_HOPS", 0) or 0)
    if hops > 0:
        # Only as many hops as there are proxies: more would let a client forge its
        # address (rate limits) or its scheme (HSTS, secure redirects).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)  # type: ignore[method-assign]
    app.after_request(add_security_headers)
    app.before_request(refuse_nul_in_forms)
    app.jinja_env.globals["csp_nonce"] = csp_nonce


def refuse_nul_in_forms() -> None:
    """A NUL character in a page's query or form cannot be stored (PostgreSQL text refuses
    it) and is never typed by a person: answer 400 at the door rather than fail deep in a
    query. The JSON API checks the same per field (``web.api.parse``), naming the field."""
    if request.path.startswith("/api/"):
        return
    if any("\x00" in value for value in request.args.values()):
        abort(400, description="The address contains a character that is not allowed (NUL).")
    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"} and any(
        "\x00" in value for value in request.form.values()
    ):
        abort(400, description="The form contains a character that is not allowed (NUL).")


def csp_nonce() -> str:
    """A nonce for an inline ``<script nonce="…">``, made once per request; using it is
    what puts it in the policy."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def origin_of(url: str | None) -> str | None:
    """``scheme://host[:port]`` of an absolute http(s) URL; a tile template's ``{s}.``
    subdomain becomes ``*.``. None for relative URLs (covered by 'self') and for
    anything a policy cannot express."""
    if not url:
        return None
    url = url.replace("{s}.", "SUBDOMAIN-WILDCARD.", 1)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host or "{" in host or "}" in host:
        return None
    host = host.replace("subdomain-wildcard.", "*.", 1)
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def stripe_sources(config: Mapping) -> dict[str, tuple[str, ...]]:
    """Where Stripe.js comes from and talks to: the local stand-in (one origin for the
    script, its API, any frame and hosted onboarding) when STRIPE_API_BASE is set, else Stripe itself."""
    local = origin_of(config.get("STRIPE_API_BASE"))
    if local:
        return {"script": (local,), "frame": (local,), "connect": (local,), "form": (local,)}
    return {"script": STRIPE_SCRIPT_ORIGINS, "frame": STRIPE_FRAME_ORIGINS, "connect": STRIPE_CONNECT_ORIGINS,
            "form": STRIPE_FORM_ORIGINS}


def content_security_policy(config: Mapping, nonce: str | None = None) -> str:
    """The policy for one response, from the current configuration."""
    stripe = stripe_sources(config)
    tiles = origin_of(config.get("MAP_TILE_URL"))
    script = ["'self'", *stripe["script"]] + ([f"'nonce-{nonce}'"] if nonce else [])
    directives = {
        "default-src": ["'self'"],
        "script-src": script,
        "style-src": ["'self'"],
        "img-src": ["'self'"] + ([tiles] if tiles else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'", *stripe["connect"]],
        "frame-src": list(stripe["frame"]),
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *stripe["form"]],
    }
    return "; ".join(f"{name} {' '.join(dict.fromkeys(values))}" for name, values in directives.items())


def add_security_headers(response: Response) -> Response:
    """Set the headers unless a view chose its own (setdefault)."""
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(config, g.get("csp_nonce")))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    hsts = int(config.get("HSTS_SECONDS", 0) or 0)
    # Over plain HTTP the header is ignored by browsers and would only mislead.
    if hsts > 0 and request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
    return response
