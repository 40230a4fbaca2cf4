"""Header transport: tokens travel in JSON bodies and `Authorization: Bearer` headers."""

from collections.abc import Callable
from typing import Any

from flask import jsonify
from flask_jwt_extended import get_jwt, verify_jwt_in_request

from ..security.tokens import TokenPair


def send_tokens(pair: TokenPair):
    body: dict[str, Any] = {
        "access_token": pair.access_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
    }
    if pair.refresh_token is not None:
        body["refresh_token"] = pair.refresh_token
    return jsonify(body)


def log_out(revoke: Callable[[dict[str, Any]], None]):
    # The access token, or the refresh token of the same login: a client whose access
    # token has expired can still end its login.
    verify_jwt_in_request(verify_type=False)
    revoke(get_jwt())
    return jsonify(logged_out=True)
