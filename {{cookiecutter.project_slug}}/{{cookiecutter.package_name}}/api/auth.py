"""Accounts and tokens: register, login, refresh, logout, me and password change."""

from flask import Blueprint, jsonify
from flask_jwt_extended import current_user, get_jwt, jwt_required

from .. import accounts
from ..security import tokens
from . import {{ cookiecutter.auth_mode.replace("jwt_", "") }}_transport as transport
from .errors import ApiError, json_fields

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.post("/register")
def register():
    body = json_fields("email", "password")
    user = accounts.register(body["email"], body["password"])
    return jsonify(id=user.id, email=user.email), 201


@bp.post("/login")
def login():
    body = json_fields("email", "password")
    user = accounts.authenticate(body["email"], body["password"])
    if user is None:
        # One answer for an unknown email, a wrong password and a deactivated account.
        raise ApiError(401, "invalid_credentials", "The email or password is not correct.")
    return transport.send_tokens(tokens.start_login(user, fresh=True))


@bp.post("/refresh")
@jwt_required(refresh=True)
def refresh():
    return transport.send_tokens(tokens.refresh(get_jwt(), current_user))


@bp.post("/logout")
def logout():
    return transport.log_out(tokens.revoke)


@bp.get("/me")
@jwt_required()
def me():
    return jsonify(id=current_user.id, email=current_user.email, roles=list(current_user.roles))


@bp.post("/password")
@jwt_required(fresh=True)
def change_password():
    body = json_fields("current_password", "new_password")
    user = current_user._get_current_object()
    accounts.change_password(user, body["current_password"], body["new_password"])
    # The password change bumped token_version: every older token of this user, this
    # one included, is dead. The client continues on a new login.
    tokens.revoke(get_jwt())
    return transport.send_tokens(tokens.start_login(user, fresh=True))
