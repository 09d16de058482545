"""Payment pages: the checkout (Stripe Elements), the seeker's orders, the admin's
orders and refunds, and the practitioner's earnings and payout set-up."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from marketplace.accounts.models import Role
from marketplace.core.errors import DomainError, ServiceUnavailable
from marketplace.extensions import db
from marketplace.payments import cancellations, ledger, payouts, retries, services
from marketplace.payments.forms import CancelOrderForm, OnboardForm, OrderForm, RefundForm, to_minor_units
from marketplace.payments.models import Order, OrderStatus
from marketplace.payments.stripe_client import js_url
from marketplace.practitioners import services as listings
from marketplace.web.actions import attempt
from marketplace.web.auth import roles_required
from marketplace.web.templating import apply_errors

bp = Blueprint("payments", __name__)
seeker_only = roles_required(Role.SEEKER)
admin_only = roles_required(Role.ADMIN)
practitioner_only = roles_required(Role.PRACTITIONER)


@bp.post("/orders")
@seeker_only
def start() -> Response:
    """The "Pay" button on a held booking or a reserved package."""
    form = OrderForm()
    if not form.validate_on_submit():
        abort(400)
    ids = {k: int(v) for k, v in (("booking_id", form.booking_id.data), ("package_id", form.package_id.data))
           if v and str(v).isdigit()}
    order, error = attempt(lambda: services.create_order(current_user, **ids))
    if error is not None:
        flash(error.detail, "error")
        return redirect(request.referrer or url_for("payments.mine"))
    return redirect(url_for("payments.checkout", order_id=order.id))


@bp.get("/orders")
@seeker_only
def mine() -> str:
    return render_template("payments/mine.html", orders=services.orders_for(current_user))


@bp.get("/orders/<int:order_id>")
@login_required
def detail(order_id: int) -> str:
    order = services.get_order(order_id, current_user)
    return render_template("payments/detail.html", order=order, cancel_form=CancelOrderForm())


@bp.get("/orders/<int:order_id>/pay")
@seeker_only
def checkout(order_id: int) -> str | Response:
    """The payment page: the card field comes from Stripe.js (Elements). If Stripe
    cannot be reached the order is kept and the page says to try again."""
    order = services.get_order(order_id, current_user)
    if order.status is OrderStatus.FAILED:
        return _retry(order)
    if order.status is not OrderStatus.PENDING:
        return redirect(url_for("payments.detail", order_id=order.id))
    payment, problem = None, None
    try:
        payment = services.start_payment(order)
        db.session.commit()
    except ServiceUnavailable as exc:
        db.session.rollback()
        problem = exc.detail
    except DomainError as exc:
        db.session.rollback()
        flash(exc.detail, "error")
        return redirect(url_for("payments.detail", order_id=order.id))
    return render_template("payments/checkout.html", order=order, payment=payment, problem=problem,
                           publishable_key=current_app.config.get("STRIPE_PUBLISHABLE_KEY") or "",
                           stripe_js=js_url(current_app.config)), (503 if problem else 200)


def _retry(failed: Order) -> Response:
    """Trying again after a decline pays for a new order: the same time if it is still
    free, else the seeker chooses another time (nothing is charged for a lost slot)."""
    order, error = attempt(lambda: retries.retry_order(failed, current_user))
    if error is not None:
        flash(error.detail, "error")
        if failed.booking is not None:
            return redirect(url_for("booking.book", practitioner_id=failed.booking.practitioner_id))
        return redirect(url_for("payments.detail", order_id=failed.id))
    retries.cancel_intent(failed)
    return redirect(url_for("payments.checkout", order_id=order.id))


@bp.post("/orders/<int:order_id>/cancel")
@login_required
def cancel(order_id: int) -> Response:
    order = services.get_order(order_id, current_user)
    form = CancelOrderForm()
    if not form.validate_on_submit():
        flash("Keep the reason under 1,000 characters.", "error")
        return redirect(url_for("payments.detail", order_id=order.id))
    result, error = attempt(lambda: services.cancel_order(order, current_user, form.reason.data))
    if error is not None:
        flash(error.detail, "error")
    else:
        cancellations.after_commit(order)
        flash(f"Order cancelled. {result.explanation}", "success")
    return redirect(url_for("payments.detail", order_id=order.id))


# --- admin -------------------------------------------------------------------------------------

@bp.get("/admin/orders")
@admin_only
def admin_orders() -> str:
    orders = db.session.scalars(select(Order).order_by(Order.id.desc()).limit(200)).all()
    return render_template("payments/admin_orders.html", orders=orders, report=ledger.report())


@bp.route("/admin/orders/<int:order_id>/refund", methods=["GET", "POST"])
@admin_only
def admin_refund(order_id: int) -> str | Response:
    order = services.get_order(order_id)
    form = RefundForm()
    if form.validate_on_submit():
        amount = to_minor_units(form.amount.data)
        refund, error = attempt(lambda: services.request_refund(order, amount, reason=form.reason.data,
                                                                  actor=current_user))
        if error is None:
            services.submit_pending_refunds(order)
            db.session.commit()
            flash(f"Refund of {amount / 100:.2f} {order.currency} recorded ({refund.status.value}).", "success")
            return redirect(url_for("payments.admin_refund", order_id=order.id))
        apply_errors(form, error)
    return render_template("payments/admin_refund.html", order=order, form=form)


# --- practitioner ------------------------------------------------------------------------------

@bp.get("/practitioner/earnings")
@practitioner_only
def earnings() -> str:
    listing = listings.listing_for(current_user)
    if listing is None:
        return redirect(url_for("practitioners.edit_listing"))
    account = payouts.payout_account(listing)
    if account is not None and not account.is_onboarded and request.args.get("back"):
        try:
            payouts.refresh_account(account)
            db.session.commit()
        except ServiceUnavailable:
            db.session.rollback()
    return render_template("payments/earnings.html", account=account, rows=payouts.earnings(listing),
                           form=OnboardForm())


@bp.post("/practitioner/earnings/onboard")
@practitioner_only
def onboard() -> Response:
    listing = listings.listing_for(current_user)
    if listing is None or not OnboardForm().validate_on_submit():
        abort(400)
    back = url_for("payments.earnings", back=1, _external=True)
    url, error = attempt(lambda: payouts.onboarding_link(listing, return_url=back, refresh_url=back))
    if error is not None:
        flash(error.detail, "error")
        return redirect(url_for("payments.earnings"))
    return redirect(url)
