"""Template helpers: money, dates, labels, and what every page needs to know."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_login import current_user

# Minor units per major unit for the currencies we accept (all two-decimal).
_SYMBOLS = {"INR": "₹", "USD": "$", "GBP": "£", "EUR": "€", "AUD": "A$", "CAD": "C$", "SGD": "S$", "AED": "AED "}


def format_money(amount: int, currency: str) -> str:
    """4500, 'GBP' → '£45.00' (integer arithmetic: no float ever touches money)."""
    major, minor = divmod(abs(int(amount)), 100)
    sign = "-" if amount < 0 else ""
    return f"{sign}{_SYMBOLS.get(currency, currency + ' ')}{major:,}.{minor:02d}"


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d %b %Y, %H:%M UTC")
    return value.strftime("%d %b %Y")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["money"] = lambda amount, currency: format_money(amount, currency)
    app.jinja_env.filters["day"] = format_date

    @app.context_processor
    def inject() -> dict:
        unread = 0
        if current_user.is_authenticated:
            from marketplace.notifications.services import unread_count

            unread = unread_count(current_user)
        return {"unread_notifications": unread, "environment": app.config["MARKETPLACE_ENV"]}
