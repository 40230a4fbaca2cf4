"""JSON Web Tokens: what they carry, how they are issued, and who a request belongs to.

Every token belongs to one login, its *family*: the random `fam` claim names it, and
the revocation backend (families_{{ cookiecutter.jwt_blocklist }}.py) decides whether that family is still
alive. A protected request goes: api/guard.py takes the token from the request ->
jwt_manager.py verifies it once, PyJWT checking signature, algorithm, issuer, audience,
expiry and that every claim is there -> `identity_of` checks the claims' shapes, then
loads the user together with the family's state in one step -> the view reads
`guard.current_identity()`.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from secrets import token_urlsafe
from typing import Any

from flask import Flask, current_app, g, jsonify
from flask_jwt_extended import create_access_token, create_refresh_token
from flask_jwt_extended.exceptions import CSRFError, UserClaimsVerificationError, WrongTokenError
from jwt import PyJWTError

from .. import audit, mfa
from ..config import check_jwt_config
from ..extensions import jwt
from ..models.user import User
from . import families_{{ cookiecutter.jwt_blocklist }} as families
from .identity import Identity
from .jwt_manager import REQUIRED_CLAIMS

# Key material is never taken from the token: a `kid`, `jku`, `jwk` or `x5u` header
# means the token was not made here.
ALLOWED_HEADERS = frozenset({"alg", "typ"})

ROTATES = families.ROTATES
# What a request answers when the revocation store cannot be asked (api/openapi.py).
UNAVAILABLE = families.UNAVAILABLE


class TokenRefused(Exception):
    """A refresh the rotation rules refuse; answered as JSON by the API."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str | None = None
    refresh_expires_in: int = 0


def init_app(app: Flask) -> None:
    # Refuse to start rather than let Flask-JWT-Extended fall back to SECRET_KEY.
    check_jwt_config(app.config)
    jwt.init_app(app)
    families.init_app(app)
    jwt.token_verification_loader(_claims_are_complete)
    jwt.token_in_blocklist_loader(_is_revoked)
    jwt.user_lookup_loader(_loaded_user)
    # Flask-JWT-Extended answers most failures with 422 and its own wording; every
    # failure here is a 401 with a stable code a client can branch on.
    jwt.unauthorized_loader(lambda reason: _refuse(401, "missing_token", reason))
    jwt.invalid_token_loader(lambda reason: _refuse(401, "invalid_token", reason))
    jwt.expired_token_loader(lambda _h, _d: _refuse(401, "token_expired", _EXPIRED))
    jwt.revoked_token_loader(lambda _h, _d: _refuse(401, "token_revoked", _REVOKED))
    jwt.user_lookup_error_loader(lambda _h, _d: _refuse(401, "token_revoked", _REVOKED))
    jwt.needs_fresh_token_loader(
        lambda _h, _d: _refuse(401, "fresh_token_required", "Log in again to do this.")
    )
    jwt.token_verification_failed_loader(
        lambda _h, _d: _refuse(401, "invalid_token", "The token is not one this service issued.")
    )
    # Registered after jwt.init_app, so these replace its handlers for the same errors.
    app.register_error_handler(WrongTokenError, _wrong_type)
    app.register_error_handler(CSRFError, _csrf_failed)
    # Anything else PyJWT raises (e.g. InvalidKeyError) is a bad token, never a 500.
    app.register_error_handler(PyJWTError, lambda _e: _refuse(401, "invalid_token", _INVALID))


# What a token check refuses with, all 401: the loaders above, as api/guard.py raises
# their exceptions (the type, freshness and CSRF refusals aside).
TOKEN_REFUSALS = ("missing_token", "invalid_token", "token_expired", "token_revoked")

_EXPIRED = "The token has expired."
_REVOKED = "This login has ended; log in again."
_INVALID = "The token is not valid."


def start_login(user: User, *, fresh: bool = True, with_mfa: bool = False) -> TokenPair:
    """Open a new login family for `user` and issue its first token pair (`with_mfa`: the
    login was made with a second factor)."""
    family = token_urlsafe(32)
    ends_at = _now() + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    refresh_jti = str(uuid.uuid4())
    families.start(user, family, refresh_jti, ends_at, with_mfa=with_mfa)
    claims = _family_claims(user, family, ends_at, with_mfa=with_mfa)
    return _pair(user, claims, ends_at, refresh_jti, fresh=fresh)


def refresh(claims: dict[str, Any], user: Identity) -> TokenPair:
    """A new (non-fresh) access token; with rotation, also the family's next refresh token."""
    ends_at = datetime.fromtimestamp(claims["fexp"], UTC)
    family_claims = _family_claims(user, claims["fam"], ends_at, with_mfa=claims["mfa"])
    if not ROTATES:
        audit.event("authn_token_refresh", user_id=user.id)
        return _pair(user, family_claims, ends_at, None, fresh=False)
    next_jti = str(uuid.uuid4())
    grace = current_app.config["JWT_REFRESH_REUSE_GRACE_SECONDS"]
    outcome = families.rotate(claims, next_jti, grace)
    if outcome == families.CONCURRENT:
        raise TokenRefused(
            409,
            "refresh_in_progress",
            "This refresh token was exchanged a moment ago; use the tokens that answer gave.",
        )
    if outcome != families.ROTATED:
        # A rotated refresh token came back (or one of an ended login): a thief or the
        # victim holds a copy and we cannot tell which, so families.rotate revoked the
        # whole login. Recorded for incident response: reuse is the theft signal.
        audit.event("authn_refresh_token_reuse", user_id=user.id, family_revoked=True)
        raise TokenRefused(401, "token_revoked", _REVOKED)
    audit.event("authn_token_refresh", user_id=user.id)
    return _pair(user, family_claims, ends_at, next_jti, fresh=False)


def revoke(claims: dict[str, Any]) -> None:
    """End the login family these claims belong to: every access and refresh token of it."""
    families.revoke(claims)


def _family_claims(
    user: User | Identity, family: str, ends_at: datetime, *, with_mfa: bool
) -> dict[str, Any]:
    return {
        "fam": family,
        "ver": user.token_version,
        "fexp": int(ends_at.timestamp()),
        # How the login was made, for as long as it lasts: refreshing never changes it.
        "mfa": with_mfa,
        # A hint for clients; the admin gate re-reads roles from the database.
        "roles": list(user.roles),
    }


def _pair(
    user: User | Identity,
    claims: dict[str, Any],
    ends_at: datetime,
    refresh_jti: str | None,
    *,
    fresh: bool,
) -> TokenPair:
    now = _now()
    # Never outlive the login itself, even by the last access token's 15 minutes.
    access_for = min(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"], ends_at - now)
    access = create_access_token(
        str(user.id), fresh=fresh, expires_delta=access_for, additional_claims=claims
    )
    if refresh_jti is None:
        return TokenPair(access_token=access, expires_in=_seconds(access_for))
    # Every refresh token of a family expires when the family does: rotation hands out
    # new tokens, never more time.
    refresh_for = ends_at - now
    refresh_token = create_refresh_token(
        str(user.id), expires_delta=refresh_for, additional_claims={**claims, "jti": refresh_jti}
    )
    return TokenPair(
        access_token=access,
        expires_in=_seconds(access_for),
        refresh_token=refresh_token,
        refresh_expires_in=_seconds(refresh_for),
    )


def _claims_problem(header: dict[str, Any], data: dict[str, Any]) -> str | None:
    if set(header) - ALLOWED_HEADERS:
        return "unexpected token header"
    if header.get("alg") != current_app.config["JWT_ALGORITHM"]:
        return "unexpected algorithm"
    # PyJWT already required them (jwt_manager.py); checked again so that no other way
    # of decoding could ever hand this app a token without them.
    missing = [claim for claim in REQUIRED_CLAIMS if data.get(claim) is None]
    if missing:
        return f"missing claims: {', '.join(missing)}"
    if data["type"] not in ("access", "refresh"):
        return "unknown token type"
    if not (isinstance(data["sub"], str) and data["sub"].isdigit()):
        return "malformed subject"
    if not isinstance(data["ver"], int) or not isinstance(data["fexp"], int):
        return "malformed claims"
    if not isinstance(data["fam"], str) or not isinstance(data["jti"], str):
        return "malformed claims"
    if not isinstance(data["mfa"], bool):
        return "malformed claims"
    return None


def _claims_are_complete(header: dict[str, Any], data: dict[str, Any]) -> bool:
    return _claims_problem(header, data) is None


def identity_of(header: dict[str, Any], claims: dict[str, Any]) -> Identity | None:
    """Who a verified token belongs to, or None once its login has ended.

    The one place that decides it: the claims' shapes first, then the family's state and
    the user row together (one SQL statement, or one Redis call plus one statement),
    then whether a login made without a second factor counts for that user.
    """
    problem = _claims_problem(header, claims)
    if problem:
        raise UserClaimsVerificationError(problem, header, claims)
    identity = families.load_user(claims)
    if identity is not None and not mfa.login_allowed(identity.roles, with_mfa=claims["mfa"]):
        return None  # the account needs a second factor, and this login was made without
    return identity


# Flask-JWT-Extended's own `jwt_required` reaches the same decision through these
# loaders, so a view guarded by it instead of api/guard.py is refused the same tokens.
def _is_revoked(header: dict[str, Any], data: dict[str, Any]) -> bool:
    # Runs before the verification and user loaders: it decides for all three.
    g._token_user = identity_of(header, data)
    return g._token_user is None


def _loaded_user(header: dict[str, Any], data: dict[str, Any]) -> Identity | None:
    if "_token_user" not in g:
        g._token_user = identity_of(header, data)
    return g._token_user


def _wrong_type(error: WrongTokenError):
    return _refuse(401, "wrong_token_type", str(error))


def _csrf_failed(error: CSRFError):
    return _refuse(401, "csrf_failed", f"{error} (send the csrf cookie's value in X-CSRF-TOKEN)")


def _refuse(status: int, code: str, message: str):
    response = jsonify(error=code, message=message)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _now() -> datetime:
    return datetime.now(UTC)


def _seconds(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds()))
