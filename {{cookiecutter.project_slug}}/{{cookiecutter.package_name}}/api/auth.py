"""Accounts and tokens: register, login, refresh, logout, me and password change."""

from typing import Any

from flask import Blueprint, jsonify

from .. import account_emails, accounts, audit, mfa
from ..security import tokens
from ..security.rate_limits import limited
from . import {{ "cookie" if cookiecutter.auth_mode == "jwt_cookie" else "header" }}_transport as transport
from . import two_factor
from .errors import ApiError, json_fields
from .guard import current_claims, current_identity, token_required, verified_claims

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
    step = mfa.second_step(user)
    if step is not None:
        # No token yet: only the right to present a code (api/two_factor.py).
        return two_factor.pending_login(mfa.start_challenge(user, step))
    audit.event("authn_login_success", user_id=user.id, mfa=None)
    return transport.send_tokens(tokens.start_login(user, fresh=True))


@bp.post("/refresh")
# Outside the token check, so a flood of stolen or forged refresh tokens is counted too.
# No email in the body: the per-account half falls back to the client address.
@limited("RATELIMIT_REFRESH")
@token_required(refresh=True)
def refresh():
    return transport.send_tokens(tokens.refresh(current_claims(), current_identity()))


@bp.post("/logout")
def logout():
    return transport.log_out(verified_claims, _revoke_and_audit)


def _revoke_and_audit(claims: dict[str, Any]) -> None:
    tokens.revoke(claims)
    audit.event("authn_logout", user_id=int(claims["sub"]))


@bp.get("/me")
@token_required()
def me():
    identity = current_identity()
    return jsonify(
        id=identity.id,
        email=identity.email,
        email_verified=identity.email_verified,
        roles=list(identity.roles),
    )


@bp.post("/password")
@token_required(fresh=True)
def change_password():
    body = json_fields("current_password", "new_password")
    user = accounts.user_of(current_identity())
    accounts.change_password(user, body["current_password"], body["new_password"])
    # The password change bumped token_version: every older token of this user, this
    # one included, is dead. The client continues on a new login, made as this one was.
    claims = current_claims()
    tokens.revoke(claims)
    return transport.send_tokens(tokens.start_login(user, fresh=True, with_mfa=claims["mfa"]))
