"""Header transport: tokens travel in JSON bodies and `Authorization: Bearer` headers."""

from collections.abc import Callable
from typing import Any

from flask import jsonify, request
from flask_jwt_extended.config import config
from flask_jwt_extended.exceptions import InvalidHeaderError, NoAuthorizationError

from ..security.tokens import TokenPair

LOCATION = "headers"


def token_in_request(*, refresh: bool) -> tuple[str, None]:
    """The token of `Authorization: Bearer <token>` (either type: the guard checks which)."""
    name, scheme = config.header_name, config.header_type
    value = request.headers.get(name, "").strip().strip(",")
    if not value:
        raise NoAuthorizationError(f"Missing {name} Header")
    # One header may carry several comma-separated credentials; exactly one must be ours.
    ours = [part for part in value.split(",") if part.split()[:1] == [scheme]]
    if len(ours) != 1:
        raise NoAuthorizationError(
            f"Missing '{scheme}' type in '{name}' header. Expected '{name}: {scheme} <JWT>'"
        )
    parts = ours[0].split()
    if len(parts) != 2:
        raise InvalidHeaderError(f"Bad {name} header. Expected '{name}: {scheme} <JWT>'")
    return parts[1], None


def send_tokens(pair: TokenPair):
    body: dict[str, Any] = {
        "access_token": pair.access_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
    }
    if pair.refresh_token is not None:
        body["refresh_token"] = pair.refresh_token
    return jsonify(body)


def log_out(verify: Callable[..., dict[str, Any]], revoke: Callable[[dict[str, Any]], None]):
    """Revoke the login of the token in the header; `verify` is the guard's `verified_claims`."""
    # The access token, or the refresh token of the same login: a client whose access
    # token has expired can still end its login.
    revoke(verify(any_type=True))
    return jsonify(logged_out=True)
