"""Accounts and tokens: register, login, refresh, logout, me and password change."""

from typing import Any

from flask import Blueprint, jsonify
from flask_jwt_extended import current_user, get_jwt, jwt_required

from .. import account_emails, accounts, audit
from ..security import tokens
from ..security.rate_limits import limited
from . import {{ "cookie" if cookiecutter.auth_mode == "jwt_cookie" else "header" }}_transport as transport
from .errors import ApiError, json_fields

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.post("/register")
@limited("RATELIMIT_REGISTER")
def register():
    body = json_fields("email", "password")
    user = accounts.register(body["email"], body["password"])
    account_emails.send_verification(user)
    return jsonify(id=user.id, email=user.email), 201


@bp.post("/login")
@limited("RATELIMIT_LOGIN", failures_only=True)
def login():
    body = json_fields("email", "password")
    user = accounts.authenticate(body["email"], body["password"])
    if user is None:
        # One answer for an unknown email, a wrong password and a deactivated account.
        raise ApiError(401, "invalid_credentials", "The email or password is not correct.")
    return transport.send_tokens(tokens.start_login(user, fresh=True))


@bp.post("/refresh")
# Outside the token check, so a flood of stolen or forged refresh tokens is counted too.
# No email in the body: the per-account half falls back to the client address.
@limited("RATELIMIT_REFRESH")
@jwt_required(refresh=True)
def refresh():
    return transport.send_tokens(tokens.refresh(get_jwt(), current_user))


@bp.post("/logout")
def logout():
    return transport.log_out(_revoke_and_audit)


def _revoke_and_audit(claims: dict[str, Any]) -> None:
    tokens.revoke(claims)
    audit.event("authn_logout", user_id=int(claims["sub"]))


@bp.get("/me")
@jwt_required()
def me():
    return jsonify(
        id=current_user.id,
        email=current_user.email,
        email_verified=current_user.email_verified,
        roles=list(current_user.roles),
    )


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
