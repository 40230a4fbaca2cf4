"""The forms of every browser login: logging in, confirming the password, changing it,
and the codes of a second factor.

Flask-WTF adds and checks `csrf_token` on each. Field bounds are generous limits on what
is read at all; the password policy (security/password_policy.py) gives the real rule.
"""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

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


class CodeForm(FlaskForm):
    """A code of the authenticator app, or one of the recovery codes."""

    code = StringField("Code", validators=[DataRequired(), Length(max=64)])
