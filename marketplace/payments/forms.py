"""Forms of the payment pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError


class OrderForm(FlaskForm):
    """The "Pay" button on a held booking or a package."""

    booking_id = HiddenField()
    package_id = HiddenField()
    submit = SubmitField("Pay")


class CancelOrderForm(FlaskForm):
    reason = TextAreaField("Reason (optional)", validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Cancel the order")


def to_minor_units(text: str) -> int:
    """'12.50' → 1250, exactly (no float); ValueError for anything else."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError("Give an amount such as 12.50.") from None
    if value <= 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError("Give a positive amount with at most two decimals, such as 12.50.")
    return int(value * 100)


class RefundForm(FlaskForm):
    amount = StringField("Amount to refund", validators=[DataRequired()])
    reason = StringField("Reason", validators=[DataRequired(), Length(min=3, max=300)])
    submit = SubmitField("Refund")

    def validate_amount(self, field: StringField) -> None:
        try:
            to_minor_units(field.data or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class OnboardForm(FlaskForm):
    submit = SubmitField("Set up payouts with Stripe")
