"""Flask-JWT-Extended's manager, decoding each token once and refusing incomplete ones.

Flask-JWT-Extended 4.7 parses a token four times to accept it (unverified claims,
unverified header, the verified decode, and again on the way out) and fills in a
missing `type`, `jti` and `fresh` before any loader sees the claims, so a loader cannot
tell a token that omitted them. This subclass makes the one verified decode, with PyJWT
itself requiring every claim this app signs (the identity claim `sub` among them), then
the CSRF double submit check Flask-JWT-Extended makes after it, expired tokens included.
"""

from collections.abc import Callable
from hmac import compare_digest
from typing import Any, NoReturn

import jwt as pyjwt
from flask_jwt_extended import JWTManager
from flask_jwt_extended.config import config
from flask_jwt_extended.exceptions import CSRFError, JWTDecodeError

# Every token this app issues carries these; anything else was not made here.
REQUIRED_CLAIMS = ("exp", "iat", "jti", "type", "iss", "aud", "sub", "fam", "ver", "fexp")


class StrictJWTManager(JWTManager):
    def _decode_jwt_from_config(
        self, encoded_token: str, csrf_value: Any = None, allow_expired: bool = False
    ) -> dict:
        try:
            return _checked(_decode(encoded_token, allow_expired=allow_expired), csrf_value)
        except pyjwt.ExpiredSignatureError as expired:
            # What Flask-JWT-Extended hands its expired-token loader; a forged request
            # with an expired token still fails its CSRF check first, as it does there.
            expired.jwt_header = pyjwt.get_unverified_header(encoded_token)  # type: ignore[attr-defined]
            expired.jwt_data = _checked(_decode(encoded_token, allow_expired=True), csrf_value)  # type: ignore[attr-defined]
            raise

    def decode_key_loader(self, callback: Callable) -> NoReturn:
        raise NotImplementedError("tokens are verified with JWT_SECRET_KEY alone (jwt_manager.py)")


def _decode(encoded_token: str, *, allow_expired: bool) -> dict:
    # One key for every token (decode_key_loader is refused): it never depends on the token.
    return pyjwt.decode(
        encoded_token,
        config.decode_key,
        algorithms=config.decode_algorithms,
        audience=config.decode_audience,
        issuer=config.decode_issuer,
        leeway=config.leeway,
        options={
            "require": list(REQUIRED_CLAIMS),
            "verify_exp": not allow_expired,
            "verify_sub": config.verify_sub,
        },
    )


def _checked(claims: dict, csrf_value: Any) -> dict:
    claims.setdefault("fresh", False)  # refresh tokens carry none
    if csrf_value:
        if "csrf" not in claims:
            raise JWTDecodeError("Missing claim: csrf")
        if not compare_digest(claims["csrf"], csrf_value):
            raise CSRFError("CSRF double submit tokens do not match")
    return claims
