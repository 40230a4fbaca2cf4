"""The gate in front of the API's views: `token_required`, then `current_identity()`
and `current_claims()` inside the view.

It makes the checks Flask-JWT-Extended's `jwt_required` makes, in its order and raising
its exceptions, so that the same handlers answer (security/tokens.py): the token taken
from the request, verified (security/jwt_manager.py), of the right type, fresh where
asked, its claims complete and its login alive. What it does not do is parse each token
a second time to read its header: `jwt_required` does, on every request, and that
costs as much as the verification itself.

Stricter than `jwt_required` where this app never needs the leeway: the token is looked
for only where this mode's transport puts it (JWT_TOKEN_LOCATION is not consulted), an
`Authorization` header without the `Bearer` type is refused, the CSRF value comes only
from its header (never a form field), `fresh` must be True (tokens here never carry a
timestamp), and OPTIONS requests are not exempt.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g
from flask_jwt_extended.exceptions import FreshTokenRequired, RevokedTokenError, WrongTokenError

from ..security import tokens
from ..security.identity import Identity
from ..security.jwt_manager import verified_token
from . import {{ "cookie" if cookiecutter.auth_mode == "jwt_cookie" else "header" }}_transport as transport


def token_required(*, refresh: bool = False, fresh: bool = False) -> Callable:
    """An access token (a refresh token with `refresh`; a fresh login's with `fresh`)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any):
            verify_token(refresh=refresh, fresh=fresh)
            return current_app.ensure_sync(view)(*args, **kwargs)

        return guarded

    return decorate


def verify_token(
    *, refresh: bool = False, fresh: bool = False, any_type: bool = False
) -> Identity:
    """Accept this request's token or raise; remember its claims and identity for the view."""
    encoded_token, csrf_value = transport.token_in_request(refresh=refresh)
    header, claims = verified_token(encoded_token, csrf_value)
    if not any_type:
        if refresh and claims["type"] != "refresh":
            raise WrongTokenError("Only refresh tokens are allowed")
        if not refresh and claims["type"] == "refresh":
            raise WrongTokenError("Only non-refresh tokens are allowed")
    if fresh and claims.get("fresh") is not True:
        raise FreshTokenRequired("Fresh token required", header, claims)
    identity = tokens.identity_of(header, claims)
    if identity is None:
        raise RevokedTokenError(header, claims)
    g.api_claims, g.api_identity = claims, identity
    # What jwt_required leaves behind, so that its helpers (get_jwt, get_jwt_header,
    # get_jwt_identity, current_user) answer the same inside a guarded view.
    g._jwt_extended_jwt, g._jwt_extended_jwt_header = claims, header
    g._jwt_extended_jwt_user = {"loaded_user": identity}
    g._jwt_extended_jwt_location = transport.LOCATION
    return identity


def verified_claims(**checks: bool) -> dict[str, Any]:
    """`verify_token(**checks)`, answering the token's claims (the transports' logout)."""
    verify_token(**checks)
    return g.api_claims


def current_identity() -> Identity:
    """Who the request's token belongs to (after `token_required` or `verify_token`)."""
    return _verified("api_identity")


def current_claims() -> dict[str, Any]:
    """The request's verified token claims (after `token_required` or `verify_token`)."""
    return _verified("api_claims")


def _verified(name: str) -> Any:
    if name not in g:
        raise RuntimeError("no verified token in this request: guard the view with token_required")
    return g.get(name)
