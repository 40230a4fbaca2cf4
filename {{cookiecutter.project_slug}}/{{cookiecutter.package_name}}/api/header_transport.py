"""Header transport: tokens travel in JSON bodies and `Authorization: Bearer` headers."""

from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, jsonify, request
from flask_jwt_extended.config import config
from flask_jwt_extended.exceptions import InvalidHeaderError, NoAuthorizationError

from ..security.tokens import TOKEN_REFUSALS, TokenPair

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


def send_tokens(pair: TokenPair, **extra: Any):
    """The tokens in the JSON body, beside `extra` (e.g. a new factor's recovery codes)."""
    body: dict[str, Any] = {
        "access_token": pair.access_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
        **extra,
    }
    if pair.refresh_token is not None:
        body["refresh_token"] = pair.refresh_token
    return jsonify(body)


def forget_tokens(response: Response) -> Response:
    """`response`, for a login that has ended: the client drops the tokens it holds."""
    return response


def log_out(verify: Callable[..., dict[str, Any]], revoke: Callable[[dict[str, Any]], None]):
    """Revoke the login of the token in the header; `verify` is the guard's `verified_claims`."""
    # The access token, or the refresh token of the same login: a client whose access
    # token has expired can still end its login.
    revoke(verify(any_type=True))
    return jsonify(logged_out=True)


# -- Its part of the API's OpenAPI document (api/openapi.py) ---------------------------


def openapi_security_schemes(config: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": (
                f"`{config['JWT_HEADER_NAME']}: {config['JWT_HEADER_TYPE']} <token>`: the "
                "access token, or the refresh token where an operation says so."
            ),
        }
    }


def openapi_security(
    *, refresh: bool = False, any_type: bool = False, changes: bool = True
) -> list[dict[str, list]]:
    """What an operation requires: here the same header, whichever token and method."""
    return [{"bearer": []}]


# Refusals of a token that this transport adds to the guard's (none: a header cannot be
# sent by another site's page, so there is nothing to forge).
OPENAPI_TOKEN_REFUSALS: tuple[str, ...] = ()


def openapi_tokens_response(
    description: str, *, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The answer of `send_tokens`, with `extra` properties where the operation adds some."""
    tokens = {
        "type": "object",
        "properties": {
            "access_token": {"type": "string"},
            "token_type": {"const": "Bearer"},
            "expires_in": {"type": "integer", "minimum": 0},
            "refresh_token": {
                "type": "string",
                "description": "On login and password change, and on a refresh that rotates.",
            },
            **(extra or {}),
        },
        "required": ["access_token", "token_type", "expires_in"],
        "additionalProperties": False,
    }
    return {"description": description, "content": {"application/json": {"schema": tokens}}}


# Logout takes either token of the login, so a wrong type is no refusal there.
OPENAPI_LOGOUT_REFUSALS = TOKEN_REFUSALS
