"""Money as people type it and as pages show it, in integer minor units: a float never
touches money.

People type prices the way they write them: "₹1,500", "Rs. 1500/-", "£45", "45.50 GBP",
"€45,50", "1,50,000". :func:`parse_price` reads all of these, and says which currency the
words or symbol name, when they name exactly one ("$" alone could be any of four
dollars, so it names none). Every currency accepted here has hundredths as its minor unit.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

SYMBOLS = {"INR": "₹", "USD": "$", "GBP": "£", "EUR": "€", "AUD": "A$", "CAD": "C$", "SGD": "S$", "AED": "AED "}

# What may stand before or after the amount (lower case, without a final dot), and the
# currency it names; None: a marker that names no one currency.
MARKERS: dict[str, str | None] = {
    "$": None, "dollar": None, "dollars": None,
    "₹": "INR", "rs": "INR", "inr": "INR", "rupee": "INR", "rupees": "INR",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "us$": "USD", "usd": "USD",
    "a$": "AUD", "au$": "AUD", "aud": "AUD",
    "c$": "CAD", "ca$": "CAD", "cad": "CAD",
    "s$": "SGD", "sgd": "SGD",
    "aed": "AED", "dh": "AED", "dhs": "AED", "dirham": "AED", "dirhams": "AED",
}

NOT_A_PRICE = "Enter a price such as 45 or 45.50."
# Before the digits: a marker, whose own dot ("Rs.") is not a decimal point unless no
# letter precedes it (".5", "$.50").
_SHAPE = re.compile(r"(?P<before>[^\d]*?(?:(?<=[^\W\d_])\.)?)\s*(?P<amount>\d[\d,\s]*(?:\.\d*)?|\.\d+)\s*"
                    r"(?P<after>[^\d]*)")


def format_money(amount: int, currency: str) -> str:
    """4500, 'GBP' → '£45.00' (integer arithmetic)."""
    major, minor = divmod(abs(int(amount)), 100)
    sign = "-" if amount < 0 else ""
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{major:,}.{minor:02d}"


def format_money_plainly(amount: int, currency: str) -> str:
    """As :func:`format_money`, without pence for a whole amount, as a sentence says a
    price: 4500 → '£45', 4550 → '£45.50'."""
    return format_money(amount, currency).removesuffix(".00")


def _marker(text: str) -> tuple[bool, str | None]:
    """(known, currency) of what stood before or after the amount."""
    word = text.strip().lower().rstrip(".").strip()
    if not word:
        return True, None
    if word in MARKERS:
        return True, MARKERS[word]
    return False, None


def _amount(digits: str) -> Decimal:
    """The typed amount. Commas group thousands (also the Indian way, "1,50,000"); one
    comma followed by one or two digits and no point is a decimal comma ("45,50")."""
    digits = re.sub(r"\s+", "", digits)
    if "." not in digits and digits.count(",") == 1 and re.search(r",\d{1,2}$", digits):
        digits = digits.replace(",", ".")
    return Decimal(digits.replace(",", ""))


def parse_price(text: str) -> tuple[int, str | None]:
    """'₹1,500' → (150000, 'INR'); '45' → (4500, None). Raises ValueError (with a message
    for the person who typed it) on anything that is not a non-negative amount with at
    most two decimal places, or that names two currencies."""
    cleaned = text.strip().removesuffix("/-").strip()  # "1500/-": Indian for "exactly"
    shape = _SHAPE.fullmatch(cleaned)
    if shape is None:
        raise ValueError(NOT_A_PRICE)
    (known_before, before), (known_after, after) = _marker(shape["before"]), _marker(shape["after"])
    if not (known_before and known_after):
        raise ValueError(NOT_A_PRICE)
    if before and after and before != after:
        raise ValueError(f"That names two currencies, {before} and {after}: type one.")
    try:
        value = _amount(shape["amount"])
    except InvalidOperation:
        raise ValueError(NOT_A_PRICE) from None
    if not value.is_finite() or value < 0:
        raise ValueError(NOT_A_PRICE)
    minor = value * 100
    if minor != minor.to_integral_value():
        raise ValueError("Use at most two decimal places.")
    return int(minor), before or after


def currency_clash(typed: str | None, currency: str | None) -> str | None:
    """What to tell someone who typed a price in ``typed`` where the currency is
    ``currency``; None when they agree (or either is unknown)."""
    if typed is None or not currency or typed == currency:
        return None
    return f"This price is in {currency}, but {typed} was typed: choose {typed} as the currency, or type the " \
           f"amount in {currency}."


def price_in(text: str, currency: str | None) -> int:
    """The minor units of a price typed where its currency is already ``currency`` (a
    fee's, a package's): a symbol for that currency is welcome, one for another is an
    error rather than a silent change of currency."""
    amount, typed = parse_price(text)
    clash = currency_clash(typed, currency)
    if clash:
        raise ValueError(clash)
    return amount
