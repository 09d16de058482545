"""Account pages: register, sign in and out, forgotten and reset passwords, and the
account settings page (download my data, delete my account)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, json, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from marketplace.accounts import privacy, services
from marketplace.accounts.export import export_for
from marketplace.accounts.forms import (
    DeleteAccountForm, ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm,
)
from marketplace.accounts.models import Role, User
from marketplace.core.clock import utcnow
from marketplace.core.errors import DomainError
from marketplace.extensions import db
from marketplace.verification.storage import DocumentStorage
from marketplace.web.auth import roles_required, safe_next
from marketplace.web.templating import apply_errors

bp = Blueprint("accounts", __name__, url_prefix="/account")


def home_for(user: User) -> str:
    """Where each role lands after signing in."""
    if user.role is Role.ADMIN:
        return url_for("verification.queue")
    if user.role is Role.PRACTITIONER:
        return url_for("practitioners.dashboard")
    return url_for("public.home")


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(services.Registration(
                email=form.email.data, password=form.password.data, role=Role(form.role.data)))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            login_user(user)
            flash("Welcome! Your account is ready.", "success")
            if user.role is Role.PRACTITIONER:
                flash("Start with your listing, then upload a licence so we can verify you.", "info")
            return redirect(home_for(user))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        if current_user.is_authenticated:
            return redirect(safe_next(form.next.data, home_for(current_user)))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            login_user(user, remember=form.remember.data)
            flash("You are signed in.", "success")
            return redirect(safe_next(form.next.data or request.args.get("next"), home_for(user)))
    demo = current_app.config.get("SHOW_DEMO_ACCOUNTS", False)
    return render_template("accounts/login.html", form=form, show_demo_accounts=demo)


@bp.post("/logout")
def logout() -> Response:
    # CSRFProtect checks the token on every POST, so a cross-site form cannot sign you out.
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("public.home"))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(
            form.email.data, secret_key=current_app.config["SECRET_KEY"],
            link_for=lambda token: url_for("accounts.reset_password", token=token, _external=True),
        )
        db.session.commit()
        # The same answer whether or not the account exists: no account probing.
        flash("If an account exists for that address, we sent a link to reset its password. "
              "It works for one hour.", "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response:
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, secret_key=current_app.config["SECRET_KEY"],
                                    max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            logout_user()
            flash("Your password is changed. Sign in with the new one.", "success")
            return redirect(url_for("accounts.login"))
    response = current_app.make_response(render_template("accounts/reset_password.html", form=form))
    # The token is in the URL: do not leak it to other sites through the Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- Account settings: my data -------------------------------------------------------------

@bp.get("/")
@roles_required()
def settings() -> str:
    return render_template("accounts/settings.html")


@bp.get("/export")
@roles_required()
def export() -> Response:
    """The same document as ``GET /api/v1/me/export``, downloaded as a file."""
    data = export_for(current_user._get_current_object()).model_dump(mode="json")
    response = current_app.response_class(json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="my-data-{utcnow():%Y-%m-%d}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/delete", methods=["GET", "POST"])
@roles_required()
def delete_account() -> str | Response:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            deletion = privacy.delete_account(current_user._get_current_object(), form.password.data)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            privacy.after_commit(deletion, DocumentStorage(current_app.config["UPLOAD_FOLDER"]))
            logout_user()
            flash("Your account is deleted. We sent a confirmation to your email address.", "info")
            return redirect(url_for("public.home"))
    return render_template("accounts/delete.html", form=form)
