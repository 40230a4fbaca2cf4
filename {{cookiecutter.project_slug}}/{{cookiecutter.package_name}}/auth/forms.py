"""The forms only the account pages have: registration and password recovery."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField

from ..forms import EMAIL, PASSWORD


class RegisterForm(FlaskForm):
    email = EmailField("Email", validators=EMAIL)
    password = PasswordField("Password", validators=PASSWORD)


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=EMAIL)


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField("New password", validators=PASSWORD)


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: a button that POSTs."""
