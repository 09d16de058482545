"""What localstripe lacks and the marketplace needs, added in front of its routes.

Each addition stands in for a documented Stripe behaviour, so the product's code (the
official SDK over HTTP) is the same against this server and against Stripe:

- **Idempotency keys** (``Idempotency-Key`` header): Stripe answers a repeated POST with
  the first answer instead of doing the work twice. localstripe ignores the header.
- **Confirming with a payment method** (``POST /v1/payment_intents/<id>/confirm`` with
  ``payment_method``, server side with the secret key; or with ``payment_method_data``,
  ``client_secret`` and the publishable key, as Stripe.js does from the browser).
- **Test-card declines at charge time**: Stripe's 4000 0000 0000 0002 ("generic
  decline") fails the charge; localstripe only fails it when attaching to a customer.
- **Refund events**: ``charge.refunded`` and ``refund.created`` after ``POST /v1/refunds``.
- **Connect**: Express accounts (``/v1/accounts``), onboarding links
  (``/v1/account_links`` and a local onboarding page), and transfers (``/v1/transfers``)
  with ``account.updated`` and ``transfer.created`` events.
- **Stripe.js**: the stand-in served at ``/js.stripe.com/v3/`` is localstripe's, plus
  ``confirmCardPayment(clientSecret, {payment_method: {card}})`` as Stripe.js does it.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
import urllib.parse
from pathlib import Path

from aiohttp import web
from localstripe import server as ls
from localstripe.errors import UserError
from localstripe.resources import (
    Charge, Event, List, PaymentIntent, PaymentMethod, Refund, StripeObject, random_id, store,
    try_convert_to_int,
)
from localstripe.webhooks import schedule_webhook

_CONFIRM = re.compile(r"^/v1/payment_intents/(pi_\w+)/confirm$")
_PATCH_JS = Path(__file__).with_name("stripe_js_patch.js")


# --- resources localstripe does not have ---------------------------------------------------

class Account(StripeObject):
    """A Connect account (Express by default), not onboarded until its link is followed."""

    object = "account"
    _id_prefix = "acct_"

    def __init__(self, type="express", country="US", email=None, capabilities=None,  # noqa: A002, ANN001
                 metadata=None, business_type=None, **kwargs) -> None:  # noqa: ANN001, ANN003
        if type not in ("express", "standard", "custom"):
            raise UserError(400, "Bad request")
        super().__init__()
        self.type = type
        self.country = country
        self.email = email
        self.business_type = business_type
        self.capabilities = {name: "inactive" for name in (capabilities or {})}
        self.metadata = metadata or {}
        self.details_submitted = False
        self.charges_enabled = False
        self.payouts_enabled = False

    def _complete_onboarding(self) -> None:
        self.details_submitted = self.charges_enabled = self.payouts_enabled = True
        self.capabilities = {name: "active" for name in (self.capabilities or {"transfers": ""})}
        schedule_webhook(Event("account.updated", self))


class Transfer(StripeObject):
    """Money moved from the platform's balance to a connected account."""

    object = "transfer"
    _id_prefix = "tr_"

    def __init__(self, amount=None, currency=None, destination=None, transfer_group=None,  # noqa: ANN001
                 metadata=None, description=None, source_transaction=None, **kwargs) -> None:  # noqa: ANN001, ANN003
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs))
        amount = try_convert_to_int(amount)
        if not isinstance(amount, int) or amount <= 0 or not isinstance(currency, str) or not currency:
            raise UserError(400, "Bad request")
        account = store.get(f"account:{destination}")
        if account is None:
            raise UserError(400, f"No such destination: '{destination}'", {"code": "resource_missing"})
        if not account.payouts_enabled:
            raise UserError(400, "The destination account has not finished onboarding.",
                            {"code": "account_invalid"})
        super().__init__()
        self.amount = amount
        self.currency = currency.lower()
        self.destination = destination
        self.transfer_group = transfer_group
        self.metadata = metadata or {}
        self.description = description
        self.source_transaction = source_transaction
        self.reversed = False
        self.amount_reversed = 0
        schedule_webhook(Event("transfer.created", self))

    @classmethod
    def _api_list_all(cls, url, limit=None, starting_after=None, destination=None, transfer_group=None,  # noqa: ANN001, ANN206
                      **kwargs):  # noqa: ANN003
        li = super()._api_list_all(url, limit=limit, starting_after=starting_after)
        li._list = [t for t in li._list if (destination is None or t.destination == destination)
                    and (transfer_group is None or t.transfer_group == transfer_group)]
        return li


def patch_resources() -> None:
    """Stripe declines its 'generic decline' test cards when charging; so does this."""
    declined_when_attached = PaymentMethod._attaching_is_declined
    charging_declined = PaymentMethod._charging_is_declined

    def _charging_is_declined(self) -> bool:  # noqa: ANN001
        return charging_declined(self) or declined_when_attached(self)

    PaymentMethod._charging_is_declined = _charging_is_declined  # type: ignore[method-assign]


# --- middlewares ---------------------------------------------------------------------------

_replies: dict[tuple[str, str, str], tuple[int, bytes]] = {}
_locks: dict[tuple[str, str, str], asyncio.Lock] = {}


@web.middleware
async def idempotency_middleware(request: web.Request, handler):  # noqa: ANN001, ANN201
    """A POST repeated with the same Idempotency-Key gets the first answer, even when the
    two arrive together (the second waits for the first)."""
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key:
        return await handler(request)
    slot = (request.headers.get("Authorization", ""), request.path, key)
    lock = _locks.setdefault(slot, asyncio.Lock())
    async with lock:
        if slot in _replies:
            status, body = _replies[slot]
            return web.Response(status=status, body=body, content_type="application/json",
                                headers={"Idempotent-Replayed": "true", "Idempotency-Key": key})
        try:
            response = await handler(request)
        except UserError as exc:
            response = exc.to_response()
        if response.status < 500 and isinstance(response, web.Response) and response.body is not None:
            _replies[slot] = (response.status, bytes(response.body))
        response.headers["Idempotency-Key"] = key
        return response


def _json(obj: StripeObject) -> web.Response:
    return ls.json_response(obj._export())


def _set_payment_method(intent: PaymentIntent, data: dict) -> None:
    if data.get("payment_method_data"):
        details = dict(data["payment_method_data"])
        details.pop("type", None)
        card = details.pop("card", None)
        method = PaymentMethod(type="card", card=card, billing_details=details.get("billing_details"))
        intent.payment_method = method.id
    elif data.get("payment_method"):
        intent.payment_method = PaymentMethod._api_retrieve(data["payment_method"]).id


async def _confirm(request: web.Request, intent_id: str) -> web.Response:
    data = await ls.get_post_data(request, remove_auth=False) or {}
    intent = PaymentIntent._api_retrieve(intent_id)
    publishable = isinstance(data.get("key"), str) and data["key"].startswith("pk_")
    if publishable:
        if data.get("client_secret") != intent.client_secret:
            raise UserError(401, "Unauthorized")
    elif ls.get_api_key(request) is None:
        raise UserError(401, "Unauthorized")
    if intent.status == "succeeded":
        raise UserError(400, "This PaymentIntent has already succeeded.",
                        {"code": "payment_intent_unexpected_state"})
    retrying = intent.status == "requires_payment_method" and intent.latest_charge is not None
    _set_payment_method(intent, data)
    if retrying and intent.payment_method:
        # A new attempt after a decline: Stripe starts a fresh charge for it.
        intent.latest_charge = None
    if intent.status != "requires_confirmation":
        raise UserError(400, "Bad request", {"code": "payment_intent_unexpected_state"})
    intent._confirm(on_failure_now=intent._report_failure)
    return _json(intent)


@web.middleware
async def intercept_middleware(request: web.Request, handler):  # noqa: ANN001, ANN201
    """Routes whose localstripe behaviour we extend (before its auth check)."""
    match = _CONFIRM.match(request.path)
    if request.method == "POST" and match:
        data = await ls.get_post_data(request, remove_auth=False) or {}
        if any(k in data for k in ("payment_method", "payment_method_data", "client_secret")):
            return await _confirm(request, match.group(1))
    if request.path.startswith("/_connect/"):
        return await request.match_info.handler(request)
    response = await handler(request)
    if request.method == "POST" and request.path == "/v1/refunds" and response.status == 200:
        refund = Refund._api_retrieve(json.loads(response.body)["id"])
        schedule_webhook(Event("refund.created", refund))
        schedule_webhook(Event("charge.refunded", Charge._api_retrieve(refund.charge)))
    return response


# --- routes --------------------------------------------------------------------------------

async def _create(request: web.Request, cls: type) -> web.Response:
    data = await ls.get_post_data(request) or {}
    data.pop("expand", None)
    return _json(cls(**data))


async def create_account(request: web.Request) -> web.Response:
    return await _create(request, Account)


async def retrieve_account(request: web.Request) -> web.Response:
    return _json(Account._api_retrieve(request.match_info["id"]))


async def create_account_link(request: web.Request) -> web.Response:
    data = await ls.get_post_data(request) or {}
    account = Account._api_retrieve(str(data.get("account")))
    for field in ("refresh_url", "return_url"):
        if not str(data.get(field, "")).startswith("http"):
            raise UserError(400, f"Missing required param: {field}.", {"param": field})
    query = urllib.parse.urlencode({"return_url": data["return_url"]})
    now = int(time.time())
    return ls.json_response({
        "object": "account_link", "created": now, "expires_at": now + 300,
        "url": f"{request.scheme}://{request.host}/_connect/onboard/{account.id}?{query}",
    })


async def onboarding_page(request: web.Request) -> web.Response:
    account = Account._api_retrieve(request.match_info["id"])
    back = html.escape(request.query.get("return_url", ""))
    return web.Response(content_type="text/html", text=(
        "<!doctype html><title>Local Stripe: Express onboarding</title>"
        f"<h1>Local Stripe: Express onboarding for {html.escape(account.id)}</h1>"
        "<p>This page stands in for Stripe's hosted onboarding.</p>"
        f"<form method=post><input type=hidden name=return_url value=\"{back}\">"
        "<button type=submit>Complete onboarding</button></form>"))


async def complete_onboarding(request: web.Request) -> web.Response:
    account = Account._api_retrieve(request.match_info["id"])
    account._complete_onboarding()
    form = await request.post()
    back = str(form.get("return_url") or request.query.get("return_url") or "")
    if back.startswith("http"):
        raise web.HTTPSeeOther(back)
    return _json(account)


async def create_transfer(request: web.Request) -> web.Response:
    return await _create(request, Transfer)


async def retrieve_transfer(request: web.Request) -> web.Response:
    return _json(Transfer._api_retrieve(request.match_info["id"]))


async def list_transfers(request: web.Request) -> web.Response:
    data = ls.unflatten_data(request.query)
    data.pop("expand", None)
    result: List = Transfer._api_list_all("/v1/transfers", **data)
    return ls.json_response(result._export())


async def stripe_js(request: web.Request) -> web.Response:
    base = Path(ls.__file__).with_name("localstripe-v3.js").read_text()
    return web.Response(text=base + "\n" + _PATCH_JS.read_text(), content_type="application/javascript")


def add_routes(app: web.Application) -> None:
    app.router.add_post("/v1/accounts", create_account)
    app.router.add_get("/v1/accounts/{id}", retrieve_account)
    app.router.add_post("/v1/account_links", create_account_link)
    app.router.add_post("/v1/transfers", create_transfer)
    app.router.add_get("/v1/transfers/{id}", retrieve_transfer)
    app.router.add_get("/v1/transfers", list_transfers)
    app.router.add_get("/_connect/onboard/{id}", onboarding_page)
    app.router.add_post("/_connect/onboard/{id}", complete_onboarding)
    app.router.add_get("/js.stripe.com/v3/", stripe_js)


__all__ = ["Account", "Transfer", "add_routes", "idempotency_middleware", "intercept_middleware",
           "patch_resources", "random_id"]
