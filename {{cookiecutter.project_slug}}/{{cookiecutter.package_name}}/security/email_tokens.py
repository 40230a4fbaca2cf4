"""Signed, expiring tokens for the links we email: password reset and email verification.

Each purpose has its own salt, so a token minted for one (say, the verification link
every new account receives) can never be replayed as the other. A reset token also
carries a fingerprint of the password hash and token_version it was issued under:
once the password changes (by this reset or any other way) or every login is ended,
the fingerprint no longer matches and the token is dead: single use without a table
of spent tokens.
"""

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..models.user import User

PASSWORD_RESET = "password-reset"  # noqa: S105 (a salt: a purpose, not a secret)
EMAIL_VERIFICATION = "email-verification"


class TokenInvalid(Exception):
    """The token is malformed, tampered with, expired, or already used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def make_reset_token(user: User) -> str:
    return _serializer(PASSWORD_RESET).dumps({"uid": user.id, "fp": _fingerprint(user)})


def load_reset_token(token: str, find_user) -> User:
    """The user a reset token is for; TokenInvalid if it is bad, expired or spent."""
    data = _load(PASSWORD_RESET, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = find_user(data.get("uid"))
    if user is None or not user.active:
        raise TokenInvalid("invalid")
    if not hmac.compare_digest(str(data.get("fp", "")), _fingerprint(user)):
        raise TokenInvalid("used")
    return user


def make_verification_token(user: User) -> str:
    return _serializer(EMAIL_VERIFICATION).dumps({"uid": user.id, "email": user.email})


def load_verification_token(token: str, find_user) -> User:
    """The user whose address a verification token proves; bound to that address."""
    data = _load(EMAIL_VERIFICATION, token, current_app.config["EMAIL_VERIFICATION_MAX_AGE"])
    user = find_user(data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise TokenInvalid("invalid")
    return user


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _load(salt: str, token: str, max_age: int) -> dict:
    if not token or len(token) > 1024:
        raise TokenInvalid("invalid")
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenInvalid("expired") from None
    except BadSignature:
        raise TokenInvalid("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        raise TokenInvalid("invalid")
    return data


def _fingerprint(user: User) -> str:
    # Keyed, so the (readable) token payload tells nothing about the hash it binds to.
    key = current_app.config["SECRET_KEY"].encode()
    state = f"{user.token_version}:{user.password_hash}".encode()
    return hmac.new(key, state, hashlib.sha256).hexdigest()[:32]
