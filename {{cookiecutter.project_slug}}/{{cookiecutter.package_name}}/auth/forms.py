"""The forms of the authentication pages; Flask-WTF adds and checks `csrf_token`."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length

# Generous bounds on what is read at all; the password policy gives the precise rule.
EMAIL = [DataRequired(), Length(max=254)]
PASSWORD = [DataRequired(), Length(max=1024)]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=EMAIL)
    password = PasswordField("Password", validators=PASSWORD)
    remember = BooleanField("Keep me logged in on this device")


class RegisterForm(FlaskForm):
    email = EmailField("Email", validators=EMAIL)
    password = PasswordField("Password", validators=PASSWORD)


class ReauthForm(FlaskForm):
    password = PasswordField("Password", validators=PASSWORD)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=PASSWORD)
    new_password = PasswordField("New password", validators=PASSWORD)


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=EMAIL)


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField("New password", validators=PASSWORD)


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: a button that POSTs."""
