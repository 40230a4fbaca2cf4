"""Cookie transport: tokens travel only in HttpOnly cookies, guarded by double-submit CSRF.

Login and refresh set the cookies; JSON bodies never carry a token. Each cookie's
max-age is its token's own lifetime. There is no implicit refresh: the client calls
/auth/refresh when an access token expires (simplest, and it can never extend a
login or undo a logout).
"""

from collections.abc import Callable
from typing import Any

from flask import current_app, jsonify, request
from flask_jwt_extended import (
    get_jwt,
    set_access_cookies,
    set_refresh_cookies,
    unset_jwt_cookies,
    verify_jwt_in_request,
)
from flask_jwt_extended.exceptions import CSRFError, JWTExtendedException
from jwt import PyJWTError

from ..security.tokens import TokenPair


def send_tokens(pair: TokenPair):
    response = jsonify(expires_in=pair.expires_in, refresh_rotated=pair.refresh_token is not None)
    set_access_cookies(response, pair.access_token, max_age=pair.expires_in)
    if pair.refresh_token is not None:
        set_refresh_cookies(response, pair.refresh_token, max_age=pair.refresh_expires_in)
    return response


def log_out(revoke: Callable[[dict[str, Any]], None]):
    """Revoke the login named by the refresh cookie (else the access cookie); clear all four.

    The refresh cookie outlives the access cookie, so logout works after the access
    token has expired. The request must carry X-CSRF-TOKEN matching the token used.
    """
    config = current_app.config
    has_refresh = config["JWT_REFRESH_COOKIE_NAME"] in request.cookies
    if not has_refresh and config["JWT_ACCESS_COOKIE_NAME"] not in request.cookies:
        verify_jwt_in_request()  # answers 401 missing_token
    try:
        verify_jwt_in_request(refresh=has_refresh)
        revoke(get_jwt())
    except CSRFError:
        raise  # a forged cross-site request must not even clear the cookies
    except (JWTExtendedException, PyJWTError):
        pass  # expired, invalid or already revoked: nothing left to revoke, still clear
    response = jsonify(logged_out=True)
    unset_jwt_cookies(response)
    return response
