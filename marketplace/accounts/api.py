"""Accounts in the JSON API: register, tokens, me, password reset."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from flask_login import current_user, logout_user

from marketplace.accounts import privacy, services
from marketplace.accounts.export import export_for
from marketplace.accounts.models import Role
from marketplace.accounts.schemas import (
    DataExport, DeleteAccountIn, PasswordResetIn, PasswordResetRequestIn, RegisterIn, TokenIn, TokenOut, UserOut,
)
from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.practitioners.services import listing_for
from marketplace.verification.storage import DocumentStorage
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


@endpoint("/me/export", summary="Export everything held about the signed-in user", tag="accounts",
          auth=ANY_USER, response=DataExport)
def export_my_data() -> DataExport:
    """Account, listing (with credential metadata; documents are described, not included),
    bookings, packages, orders and refunds, payouts, notifications and the audit entries
    about the user. Versioned by `format`."""
    return export_for(current_user._get_current_object())


@endpoint("/me", "DELETE", summary="Delete the signed-in user's account", tag="accounts",
          auth=ANY_USER, body=DeleteAccountIn, status=204, errors=(409,))
def delete_me(body: DeleteAccountIn) -> None:
    """The password is required every time, with a token or a browser session: deleting
    cannot be undone, and a stolen token or an unattended browser must not be enough.
    Upcoming sessions and packages are cancelled and refunded by the usual policy; a
    practitioner's listing is withdrawn and their seekers refunded in full. Payment and
    audit records are kept, de-identified; the email can register again. 400 on a wrong
    password (nothing changes); 409 for the last admin."""
    deletion = privacy.delete_account(current_user._get_current_object(), body.password)
    db.session.commit()
    privacy.after_commit(deletion, DocumentStorage(current_app.config["UPLOAD_FOLDER"]))
    logout_user()
    return None


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
