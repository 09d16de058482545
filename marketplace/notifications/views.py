"""The signed-in user's notifications."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.extensions import db
from marketplace.notifications import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
def index() -> str:
    return render_template("notifications/index.html", items=services.for_user(current_user, limit=100))


@bp.post("/read")
@login_required
def mark_all_read() -> Response:
    services.mark_all_read(current_user)
    db.session.commit()
    flash("All notifications marked as read.", "success")
    return redirect(url_for("notifications.index"))
