"""Register a webhook endpoint with the local Stripe (localstripe's ``/_config`` API).

``python -m devtools.stripe_local.register --api http://127.0.0.1:8420 \
    --url http://127.0.0.1:5000/webhooks/stripe --secret whsec_…``
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.error
import urllib.parse
import urllib.request


def register_webhook(api_base: str, url: str, secret: str, name: str = "marketplace",
                     events: list[str] | None = None) -> None:
    """Tell the local server to sign events with ``secret`` and POST them to ``url``."""
    body: dict[str, object] = {"url": url, "secret": secret}
    if events:
        body["events"] = events
    request = urllib.request.Request(
        f"{api_base.rstrip('/')}/_config/webhooks/{urllib.parse.quote(name)}",
        data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only
        response.read()


def wait_until_up(api_base: str, timeout: float = 15.0) -> None:
    """Poll until the server answers (or raise TimeoutError)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{api_base.rstrip('/')}/js.stripe.com/v3/", timeout=1):  # noqa: S310
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the local Stripe at {api_base} did not answer") from None
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--wait", type=float, default=15.0)
    args = parser.parse_args()
    wait_until_up(args.api, args.wait)
    register_webhook(args.api, args.url, args.secret)


if __name__ == "__main__":
    main()
