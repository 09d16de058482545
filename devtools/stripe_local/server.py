"""Build localstripe's aiohttp app for our use: persistence off, our extensions in front.

localstripe's own command binds every interface and pickles its state to the temp folder
after each write; here the state lives in memory only (every start is a fresh Stripe)
and ``__main__`` binds a loopback address.
"""

from __future__ import annotations

from aiohttp import web


def _persistence_off() -> None:
    from localstripe import resources

    resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    resources.Store.try_load_from_disk = lambda self: None  # type: ignore[method-assign]


def build_app() -> web.Application:
    """localstripe's routes behind our middlewares, with our extra routes first."""
    _persistence_off()
    from localstripe import server as ls

    from devtools.stripe_local import extensions

    extensions.patch_resources()
    app = web.Application(middlewares=[
        ls.error_middleware, extensions.idempotency_middleware, extensions.intercept_middleware,
        ls.auth_middleware,
    ])
    app.on_response_prepare.append(ls.add_cors_headers)
    extensions.add_routes(app)
    taken = {(r.method, r.resource.canonical) for r in app.router.routes()}
    for route in ls.app.router.routes():
        key = (route.method, route.resource.canonical)
        if key not in taken and route.method != "HEAD":
            app.router.add_route(route.method, route.resource.canonical, route.handler)
    return app
