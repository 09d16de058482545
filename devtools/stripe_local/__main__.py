"""``python -m devtools.stripe_local --host 127.0.0.1 --port 8420``: serve the local Stripe."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys

from aiohttp import web

from devtools.stripe_local.server import build_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.stripe_local", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8420)
    args = parser.parse_args(argv)
    # A fake payment server must never be reachable from another machine.
    if not ipaddress.ip_address(args.host).is_loopback:
        parser.error("--host must be a loopback address such as 127.0.0.1")
    logging.basicConfig(level=logging.INFO, format="stripe_local %(levelname)s %(message)s", stream=sys.stderr)
    web.run_app(build_app(), host=args.host, port=args.port, print=lambda *_: None,
                access_log=logging.getLogger("aiohttp.access"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
