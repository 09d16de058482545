"""Accounts: registration, sign-in, API tokens and password reset.

Services flush and never commit; the caller (a view, the CLI) owns the transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace.accounts.models import ApiToken, Role, User
from marketplace.core.clock import utcnow
from marketplace.core.errors import Conflict, Unauthorized, ValidationFailed
from marketplace.core.mail import Mail, send_after_commit
from marketplace.extensions import db

MIN_PASSWORD_LENGTH = 10
# A short list of passwords that pass length rules yet are guessed first.
_COMMON_PASSWORDS = {
    "password123", "password1234", "1234567890", "12345678910", "qwertyuiop", "iloveyou123",
    "letmein1234", "welcome123", "admin12345", "passw0rd123", "abcdefghij", "0987654321",
}
# Hash work for password checks against unknown emails, so timing does not reveal them.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    role: Role


def normalise_email(raw: str) -> str:
    """Lower-cased, syntax-checked email; raises ValidationFailed on the ``email`` field."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed.on_field("email", f"Enter a valid email address ({exc}).") from None


def password_problems(password: str, email: str = "") -> list[str]:
    """Why ``password`` is too weak (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > 256:
        problems.append("Use at most 256 characters.")
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS or len(set(password)) < 4:
        problems.append("This password is too easy to guess.")
    local = email.split("@", 1)[0].lower()
    if local and len(local) >= 4 and local in lowered:
        problems.append("Do not use your email address in your password.")
    return problems


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def register(data: Registration) -> User:
    """Create a seeker or practitioner account.

    Raises ValidationFailed (bad email, weak password, admin role asked for) or Conflict
    when the email is taken.
    """
    if data.role is Role.ADMIN:
        raise ValidationFailed.on_field("role", "Choose seeker or practitioner.")
    email = normalise_email(data.email)
    problems = password_problems(data.password, email)
    if problems:
        raise ValidationFailed("The password is too weak.", {"password": problems})
    return _create_user(email, data.password, data.role)


def create_admin(email: str, password: str) -> User:
    """Create an admin (CLI only). Same password rules as everyone."""
    email = normalise_email(email)
    problems = password_problems(password, email)
    if problems:
        raise ValidationFailed("The password is too weak.", {"password": problems})
    return _create_user(email, password, Role.ADMIN)


def _create_user(email: str, password: str, role: Role) -> User:
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise Conflict.on_field("email", "An account with this email already exists.")
    user = User(email=email, password_hash=hash_password(password), role=role)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User:
    """The active user with these credentials; raises Unauthorized otherwise (one message
    for every failure, so it does not reveal which accounts exist)."""
    try:
        email = normalise_email(email)
    except ValidationFailed:
        email = ""
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise Unauthorized("The email or password is not right.")
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        raise Unauthorized("The email or password is not right.")
    user.last_login_at = utcnow()
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, max_age_days: int) -> str:
    """A new bearer token for ``user``; only its digest is stored."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_token_digest(token),
                            expires_at=utcnow() + timedelta(days=max_age_days)))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user a live token belongs to, or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.is_active:
        return None
    # Touch at most once a minute so reads do not turn into a write per request.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
    return row.user


# --- Password reset ---------------------------------------------------------------------
# The token signs the user id and a fingerprint of the current password hash: once the
# password changes, every earlier token stops working (single use without a table).

def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="password-reset")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(email: str, *, secret_key: str, link_for: Callable[[str], str]) -> None:
    """Mail a reset link if the account exists; silent otherwise (no account probing).

    ``link_for`` turns a token into an absolute URL (the web layer knows the host).
    """
    try:
        email = normalise_email(email)
    except ValidationFailed:
        return
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active:
        return
    token = _reset_serializer(secret_key).dumps({"uid": user.id, "fp": _fingerprint(user)})
    send_after_commit(db.session, Mail(
        to=user.email,
        subject="Reset your password",
        body=(
            "Someone asked to reset the password for this account.\n\n"
            f"To choose a new password, open this link within an hour:\n{link_for(token)}\n\n"
            "If it was not you, ignore this message; your password stays as it is.\n"
        ),
    ))


def reset_password(token: str, new_password: str, *, secret_key: str, max_age: int) -> User:
    """Set a new password from a reset token.

    Raises ValidationFailed on the ``token`` field (expired, used or forged) or the
    ``password`` field (too weak).
    """
    try:
        data = _reset_serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise ValidationFailed.on_field("token", "This reset link has expired. Ask for a new one.") from None
    except BadSignature:
        raise ValidationFailed.on_field("token", "This reset link is not valid.") from None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or data.get("fp") != _fingerprint(user):
        raise ValidationFailed.on_field("token", "This reset link has already been used.")
    problems = password_problems(new_password, user.email)
    if problems:
        raise ValidationFailed("The password is too weak.", {"password": problems})
    user.password_hash = hash_password(new_password)
    # A reset also ends every API token: whoever knew the old password may hold one.
    for t in user.tokens:
        if t.revoked_at is None:
            t.revoked_at = utcnow()
    return user
