"""Template helpers: money, dates, labels, what every page needs to know, and how a
service's field errors land on a WTForms form."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable, Mapping

from flask import Flask, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from wtforms import Field, Form
from wtforms.fields import FieldList, FormField

from marketplace.core.errors import DomainError
from marketplace.core.money import format_money
from marketplace.geo.gazetteer import country_in_sentence
from marketplace.practitioners.models import Gender


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d %b %Y, %H:%M UTC")
    return value.strftime("%d %b %Y")


# --- Forms on pages --------------------------------------------------------------------

def _find_field(form: Form, path: list[str]) -> Field | None:
    """Walk 'fees.0.label' style paths through FormField and FieldList."""
    node: Any = form
    for part in path:
        if isinstance(node, FieldList):
            if not part.isdigit() or int(part) >= len(node.entries):
                return None
            node = node.entries[int(part)]
        elif isinstance(node, FormField):
            node = node.form._fields.get(part)
        elif isinstance(node, Form):
            node = node._fields.get(part)
        else:
            return None
        if node is None:
            return None
    return node if isinstance(node, Field) else None


def apply_errors(form: Form, exc: DomainError, aliases: Mapping[str, str] | None = None) -> None:
    """Show a service's ``DomainError`` on ``form``: each ``errors`` key lands on the field
    it names (``aliases`` renames path segments, e.g. ``amount`` → ``price``); messages
    for keys the form does not have, and the detail of an error without field messages,
    become form-level errors."""
    aliases = aliases or {}
    form_errors: list[str] = list(getattr(form, "form_errors", []))
    for key, messages in (exc.errors or {}).items():
        path = [aliases.get(part, part) for part in key.split(".")]
        field = _find_field(form, path)
        if field is None:
            form_errors.extend(messages)
        else:
            field.errors = [*field.errors, *messages]
    if not exc.errors:
        form_errors.append(exc.detail)
    form.form_errors = list(dict.fromkeys(form_errors))


def choices(pairs: Iterable[tuple[str, str]]) -> list[Any]:
    """(value, label) pairs as WTForms choices: ``SelectChoice`` where WTForms has it
    (3.3+ deprecates tuples), plain tuples on older releases."""
    try:
        from wtforms.fields import SelectChoice
    except ImportError:  # WTForms < 3.3
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


def _page_args(**changes: Any) -> dict[str, Any]:
    """The current query string with ``changes`` applied (None drops a key), for paging
    links and filter tabs."""
    args = {k: v for k, v in request.args.items() if k not in changes}
    args.update({k: v for k, v in changes.items() if v not in (None, "")})
    return args


def _gender_label(value: str) -> str:
    return Gender(value).label


def init_app(app: Flask) -> None:
    app.jinja_env.filters["money"] = lambda amount, currency: format_money(amount, currency)
    app.jinja_env.filters["day"] = format_date
    app.jinja_env.filters["country_in_sentence"] = country_in_sentence  # "GB" -> "the United Kingdom"
    app.jinja_env.filters["gender_label"] = _gender_label  # "non_binary" -> "Non-binary"
    app.jinja_env.filters["in_practice"] = lambda years: f"{years} year{'' if years == 1 else 's'} in practice"
    app.jinja_env.globals["page_args"] = _page_args
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject() -> dict:
        unread = 0
        role = None
        if current_user.is_authenticated:
            from marketplace.extensions import db
            from marketplace.notifications.services import unread_count

            role = current_user.role.value
            try:
                unread = unread_count(current_user)
            except SQLAlchemyError:
                # The error page must still render when the database is what failed.
                db.session.rollback()
                unread = 0
        return {"unread_notifications": unread, "environment": app.config["MARKETPLACE_ENV"],
                "nav_role": role}
