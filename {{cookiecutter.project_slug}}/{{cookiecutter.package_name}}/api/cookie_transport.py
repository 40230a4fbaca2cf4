"""Cookie transport: tokens travel only in HttpOnly cookies, guarded by double-submit CSRF.

Login and refresh set the cookies; JSON bodies never carry a token. Each cookie's
max-age is its token's own lifetime. There is no implicit refresh: the client calls
/auth/refresh when an access token expires (simplest, and it can never extend a
login or undo a logout).
"""

from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_jwt_extended import set_access_cookies, set_refresh_cookies, unset_jwt_cookies
from flask_jwt_extended.config import config
from flask_jwt_extended.exceptions import CSRFError, JWTExtendedException, NoAuthorizationError
from jwt import PyJWTError

from ..security.tokens import TokenPair

LOCATION = "cookies"


def token_in_request(*, refresh: bool) -> tuple[str, str | None]:
    """The access (or refresh) cookie's token, and the CSRF value a state change must echo.

    The CSRF value comes from the X-CSRF-TOKEN header only (never a form field): a page
    on another site can post a form to this API, but it cannot set a header.
    """
    name = config.refresh_cookie_name if refresh else config.access_cookie_name
    encoded_token = request.cookies.get(name)
    if not encoded_token:
        raise NoAuthorizationError(f'Missing cookie "{name}"')
    csrf_value = None
    if config.cookie_csrf_protect and request.method in config.csrf_request_methods:
        header = config.refresh_csrf_header_name if refresh else config.access_csrf_header_name
        csrf_value = request.headers.get(header)
        if not csrf_value:
            raise CSRFError("Missing CSRF token")
    return encoded_token, csrf_value


def send_tokens(pair: TokenPair, **extra: Any):
    """The tokens in their cookies; the body says when they expire, beside `extra` (e.g. a
    new factor's recovery codes)."""
    response = jsonify(
        expires_in=pair.expires_in, refresh_rotated=pair.refresh_token is not None, **extra
    )
    set_access_cookies(response, pair.access_token, max_age=pair.expires_in)
    if pair.refresh_token is not None:
        set_refresh_cookies(response, pair.refresh_token, max_age=pair.refresh_expires_in)
    return response


def forget_tokens(response: Response) -> Response:
    """`response`, for a login that has ended: it clears the four cookies."""
    unset_jwt_cookies(response)
    return response


def log_out(verify: Callable[..., dict[str, Any]], revoke: Callable[[dict[str, Any]], None]):
    """Revoke the login named by the refresh cookie (else the access cookie); clear all four.

    `verify` is the guard's `verified_claims`.

    The refresh cookie outlives the access cookie, so logout works after the access
    token has expired. The request must carry X-CSRF-TOKEN matching the token used.
    """
    config = current_app.config
    has_refresh = config["JWT_REFRESH_COOKIE_NAME"] in request.cookies
    if not has_refresh and config["JWT_ACCESS_COOKIE_NAME"] not in request.cookies:
        verify()  # answers 401 missing_token
    try:
        revoke(verify(refresh=has_refresh))
    except CSRFError:
        raise  # a forged cross-site request must not even clear the cookies
    except (JWTExtendedException, PyJWTError):
        pass  # expired, invalid or already revoked: nothing left to revoke, still clear
    return forget_tokens(jsonify(logged_out=True))


# -- Its part of the API's OpenAPI document (api/openapi.py) ---------------------------


def openapi_security_schemes(config: Mapping[str, Any]) -> dict[str, Any]:
    def scheme(kind: str, name_setting: str, description: str) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": kind,
            "name": config[name_setting],
            "description": description,
        }

    return {
        "accessCookie": scheme("cookie", "JWT_ACCESS_COOKIE_NAME", "The access token (HttpOnly)."),
        "refreshCookie": scheme(
            "cookie", "JWT_REFRESH_COOKIE_NAME", "The refresh token (HttpOnly)."
        ),
        "accessCsrf": scheme(
            "header",
            "JWT_ACCESS_CSRF_HEADER_NAME",
            f"The value of the {config['JWT_ACCESS_CSRF_COOKIE_NAME']} cookie.",
        ),
        "refreshCsrf": scheme(
            "header",
            "JWT_REFRESH_CSRF_HEADER_NAME",
            f"The value of the {config['JWT_REFRESH_CSRF_COOKIE_NAME']} cookie.",
        ),
    }


def openapi_security(
    *, refresh: bool = False, any_type: bool = False, changes: bool = True
) -> list[dict[str, list]]:
    """What an operation requires: the token's cookie and, to change anything, its CSRF echo."""
    access = {"accessCookie": [], **({"accessCsrf": []} if changes else {})}
    by_refresh = {"refreshCookie": [], **({"refreshCsrf": []} if changes else {})}
    if any_type:
        return [by_refresh, access]  # logout: the refresh cookie's login when it is sent
    return [by_refresh] if refresh else [access]


# A state change without the CSRF echo: what a page on another site would send.
OPENAPI_TOKEN_REFUSALS = ("csrf_failed",)


def openapi_tokens_response(
    description: str, *, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The answer of `send_tokens`: the tokens are in its cookies, never in the body;
    `extra` properties where the operation adds some."""
    body = {
        "type": "object",
        "properties": {
            "expires_in": {"type": "integer", "minimum": 0},
            "refresh_rotated": {"type": "boolean"},
            **(extra or {}),
        },
        "required": ["expires_in", "refresh_rotated"],
        "additionalProperties": False,
    }
    set_cookie = {
        "description": "The access token's cookie and its CSRF cookie; with a new refresh "
        "token, its cookie and CSRF cookie too.",
        "schema": {"type": "string"},
    }
    return {
        "description": description,
        "headers": {"Set-Cookie": set_cookie},
        "content": {"application/json": {"schema": body}},
    }


# Logout clears the cookies whatever their tokens' state: it refuses only a request that
# carries none, or no CSRF echo.
OPENAPI_LOGOUT_REFUSALS = ("missing_token", "csrf_failed")
