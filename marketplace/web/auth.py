"""Who is calling: the login cookie for pages, bearer tokens for API clients; and
decorators that let a view through only for the right role."""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable
from urllib.parse import urljoin, urlsplit

from flask import Flask, Request, abort, redirect, request, url_for
from flask_login import current_user

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Role, User
from marketplace.extensions import db, login_manager


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        try:
            user = db.session.get(User, int(user_id))
        except ValueError:
            return None
        return user if user is not None and user.is_active else None

    @login_manager.request_loader
    def load_from_token(req: Request) -> User | None:
        header = req.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        user = accounts.user_for_token(token.strip())
        if user is not None:
            db.session.commit()  # keep last_used_at; nothing else is pending this early
        return user

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        from marketplace.core.errors import Unauthorized
        from marketplace.web.errors import wants_json

        if wants_json():
            raise Unauthorized("Sign in, or send an API token as 'Authorization: Bearer <token>'.")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Page views: redirect anonymous users to sign in; answer 403 to other roles."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it stays on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    target = target.strip()
    if target.startswith(("//", "\\")) or "\\" in target:
        return default
    joined = urlsplit(urljoin(request.host_url, target))
    host = urlsplit(request.host_url)
    if joined.scheme not in ("http", "https") or joined.netloc != host.netloc:
        return default
    return joined.path + (f"?{joined.query}" if joined.query else "")
