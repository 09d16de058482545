"""Accounts in the JSON API: register, tokens, me, password reset."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from flask_login import current_user

from marketplace.accounts import services
from marketplace.accounts.models import Role
from marketplace.accounts.schemas import (
    PasswordResetIn, PasswordResetRequestIn, RegisterIn, TokenIn, TokenOut, UserOut,
)
from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.practitioners.services import listing_for
from marketplace.web.api import ANY_USER, endpoint


@endpoint("/auth/register", "POST", summary="Create a seeker or practitioner account", tag="accounts",
          body=RegisterIn, response=UserOut, status=201, errors=(409,))
def register(body: RegisterIn) -> UserOut:
    """400 with field messages on a bad email or weak password; 409 if the email is taken."""
    user = services.register(services.Registration(email=body.email, password=body.password, role=Role(body.role)))
    db.session.commit()
    return UserOut.of(user)


@endpoint("/auth/tokens", "POST", summary="Issue a bearer token", tag="accounts",
          body=TokenIn, response=TokenOut, status=201, errors=(401,))
def issue_token(body: TokenIn) -> TokenOut:
    """Send the token as `Authorization: Bearer <token>`. 401 on bad credentials."""
    user = services.authenticate(body.email, body.password)
    days = current_app.config["API_TOKEN_MAX_AGE_DAYS"]
    token = services.issue_token(user, days)
    db.session.commit()
    return TokenOut(token=token, expires_at=utcnow() + timedelta(days=days))


@endpoint("/me", summary="The signed-in user", tag="accounts", auth=ANY_USER, response=UserOut)
def me() -> UserOut:
    listing = listing_for(current_user) if current_user.role is Role.PRACTITIONER else None
    return UserOut.of(current_user, listing.id if listing else None)


@endpoint("/auth/password-reset", "POST", summary="Mail a password-reset link", tag="accounts",
          body=PasswordResetRequestIn, status=202)
def request_password_reset(body: PasswordResetRequestIn) -> None:
    """Always 202, whether or not the account exists (no account probing)."""
    services.request_password_reset(
        body.email, secret_key=current_app.config["SECRET_KEY"],
        link_for=lambda token: url_for("accounts.reset_password", token=token, _external=True),
    )
    db.session.commit()
    return None


@endpoint("/auth/password-reset/confirm", "POST", summary="Set a new password with a reset token",
          tag="accounts", body=PasswordResetIn, status=204)
def confirm_password_reset(body: PasswordResetIn) -> None:
    services.reset_password(body.token, body.password, secret_key=current_app.config["SECRET_KEY"],
                            max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    db.session.commit()
    return None
