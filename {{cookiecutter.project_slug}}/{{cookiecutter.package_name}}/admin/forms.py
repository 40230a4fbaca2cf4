"""The admin panel's forms; Flask-WTF adds and checks `csrf_token`.

The per-user action buttons are plain POST forms: CSRFProtect checks their token
before any view runs, so they need no form class of their own.
"""

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


class ReauthForm(FlaskForm):
    password = PasswordField("Password", validators=PASSWORD)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=PASSWORD)
    new_password = PasswordField("New password", validators=PASSWORD)
