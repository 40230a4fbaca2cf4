"""Flask-JWT-Extended's manager, decoding each token once and refusing incomplete ones.

Flask-JWT-Extended 4.7 parses a token four times to accept it (unverified claims,
unverified header, the verified decode, and again on the way out) and fills in a
missing `type`, `jti` and `fresh` before any loader sees the claims, so a loader cannot
tell a token that omitted them. This subclass makes the one verified decode, with PyJWT
itself requiring every claim this app signs (the identity claim `sub` among them), then
the CSRF double submit check Flask-JWT-Extended makes after it, expired tokens included.

A client sends the same access token with every request of its 15 minutes, so each
process remembers the claims of the tokens it verified (the last VERIFIED_TOKENS of
them, keyed by the whole token, signature included, and by the settings that verified
it). A token seen again skips only the re-verification of what cannot have changed:
its signature, issuer, audience and claims. Its expiry is checked on every request, as
are the CSRF value, the revocation state and the user, which live outside the token.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from hmac import compare_digest
from typing import Any, NamedTuple, NoReturn

import jwt as pyjwt
from flask_jwt_extended import JWTManager
from flask_jwt_extended.config import config
from flask_jwt_extended.exceptions import CSRFError, JWTDecodeError

# Every token this app issues carries these; anything else was not made here.
REQUIRED_CLAIMS = ("exp", "iat", "jti", "type", "iss", "aud", "sub", "fam", "ver", "fexp")

# About 1.5 KB each: a few MB at most per process.
VERIFIED_TOKENS = 4096


class StrictJWTManager(JWTManager):
    def _decode_jwt_from_config(
        self, encoded_token: str, csrf_value: Any = None, allow_expired: bool = False
    ) -> dict:
        if allow_expired:
            claims = _verify(encoded_token, _Settings.current(), verify_exp=False)["payload"]
            return _checked(claims, csrf_value)
        return verified_token(encoded_token, csrf_value)[1]

    def decode_key_loader(self, callback: Callable) -> NoReturn:
        raise NotImplementedError("tokens are verified with JWT_SECRET_KEY alone (jwt_manager.py)")


def now() -> float:
    """The clock expiry is read from (PyJWT's: UTC, in seconds)."""
    return datetime.now(tz=UTC).timestamp()


def verified_token(encoded_token: str, csrf_value: Any = None) -> tuple[dict, dict]:
    """(header, claims) of an unexpired token this app signed, its CSRF value checked.

    Raises what Flask-JWT-Extended's handlers answer: PyJWT's errors, CSRFError.
    """
    settings = _Settings.current()
    try:
        expires_at, header, claims = _verified(encoded_token, settings)
        # PyJWT's own expiry test, on every request: cached claims were valid when first seen.
        if expires_at <= now() - settings.leeway:
            raise pyjwt.ExpiredSignatureError("Signature has expired")
        if claims is None:  # holds values a request could change: never shared
            decoded = _verify(encoded_token, settings, verify_exp=True)
            return decoded["header"], _checked(decoded["payload"], csrf_value)
    except pyjwt.ExpiredSignatureError as expired:
        # What Flask-JWT-Extended hands its expired-token loader; a forged request
        # with an expired token still fails its CSRF check first, as it does there.
        decoded = _verify(encoded_token, settings, verify_exp=False)
        expired.jwt_header = decoded["header"]  # type: ignore[attr-defined]
        expired.jwt_data = _checked(decoded["payload"], csrf_value)  # type: ignore[attr-defined]
        raise
    return _thawed(header), _checked(_thawed(claims), csrf_value)


class _Settings(NamedTuple):
    """What a token is verified against (hashable, so it can key the cache)."""

    key: str
    algorithms: tuple[str, ...]
    audience: str | tuple[str, ...] | None
    issuer: str | None
    leeway: float
    verify_sub: bool

    @classmethod
    def current(cls) -> "_Settings":
        # One key for every token (decode_key_loader is refused): it never depends on the token.
        audience, leeway = config.decode_audience, config.leeway
        return cls(
            config.decode_key,
            tuple(config.decode_algorithms),
            tuple(audience) if isinstance(audience, list | tuple | set) else audience,
            config.decode_issuer,
            leeway.total_seconds() if isinstance(leeway, timedelta) else leeway,
            config.verify_sub,
        )


@lru_cache(maxsize=VERIFIED_TOKENS)
def _verified(encoded_token: str, settings: _Settings) -> tuple[int, tuple, tuple | None]:
    # Frozen, so that no caller can change what the next request reads (None where a
    # value is neither a scalar nor a list of scalars). A refused token raises here, and
    # is never cached.
    decoded = _verify(encoded_token, settings, verify_exp=True)
    header = _frozen(decoded["header"])
    claims = _frozen(decoded["payload"]) if header is not None else None
    return int(decoded["payload"]["exp"]), header or (), claims


def _verify(encoded_token: str, settings: _Settings, *, verify_exp: bool) -> dict:
    audience = settings.audience
    if isinstance(audience, tuple):
        audience = list(audience)
    return pyjwt.decode_complete(
        encoded_token,
        settings.key,
        algorithms=list(settings.algorithms),
        audience=audience,
        issuer=settings.issuer,
        leeway=settings.leeway,
        options={
            "require": list(REQUIRED_CLAIMS),
            "verify_exp": verify_exp,
            "verify_sub": settings.verify_sub,
        },
    )


_SCALARS = (str, int, float, bool, type(None))


def _frozen(mapping: dict[str, Any]) -> tuple[tuple[str, Any], ...] | None:
    frozen = []
    for name, value in mapping.items():
        if isinstance(value, list) and all(isinstance(item, _SCALARS) for item in value):
            value = tuple(value)
        elif not isinstance(value, _SCALARS):
            return None
        frozen.append((name, value))
    return tuple(frozen)


def _thawed(frozen: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return {name: list(value) if isinstance(value, tuple) else value for name, value in frozen}


def _checked(claims: dict, csrf_value: Any) -> dict:
    claims.setdefault("fresh", False)  # refresh tokens carry none
    # Tokens issued before two-factor authentication existed carry no `mfa`: a login made
    # without a second factor, which is what they were (security/tokens.py decides).
    claims.setdefault("mfa", False)
    if csrf_value:
        if "csrf" not in claims:
            raise JWTDecodeError("Missing claim: csrf")
        if not compare_digest(claims["csrf"], csrf_value):
            raise CSRFError("CSRF double submit tokens do not match")
    return claims
