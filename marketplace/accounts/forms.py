"""Sign-up, sign-in and password-reset forms. They check only that something was typed;
the password and email rules live in ``accounts.services`` and come back as field errors."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length

from marketplace.web.templating import choices

_EMAIL = [InputRequired("Enter your email address."), Length(max=254)]
_PASSWORD = [InputRequired("Enter a password."), Length(max=256)]


class RegisterForm(FlaskForm):
    email = EmailField("Email", validators=_EMAIL, render_kw={"autocomplete": "email"})
    password = PasswordField("Password", validators=_PASSWORD, render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Confirm password", validators=[
        InputRequired("Type the password again."), EqualTo("password", "The two passwords do not match."),
    ], render_kw={"autocomplete": "new-password"})
    role = RadioField("I am", choices=choices([
        ("seeker", "Looking for care"),
        ("practitioner", "A practitioner who wants to be listed"),
    ]), default="seeker", validators=[InputRequired("Choose one.")])
    submit = SubmitField("Create account")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=_EMAIL, render_kw={"autocomplete": "username"})
    password = PasswordField("Password", validators=[InputRequired("Enter your password.")],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()
    submit = SubmitField("Sign in")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=_EMAIL, render_kw={"autocomplete": "email"})
    submit = SubmitField("Send reset link")


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=_PASSWORD, render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Confirm new password", validators=[
        InputRequired("Type the password again."), EqualTo("password", "The two passwords do not match."),
    ], render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Set new password")


class DeleteAccountForm(FlaskForm):
    """Deleting asks for the password every time, even in a fresh session."""

    password = PasswordField("Your password", validators=[InputRequired("Enter your password to confirm.")],
                             render_kw={"autocomplete": "current-password"})
    understood = BooleanField("I understand this cannot be undone",
                              validators=[InputRequired("Tick the box to confirm.")])
    submit = SubmitField("Delete my account")
