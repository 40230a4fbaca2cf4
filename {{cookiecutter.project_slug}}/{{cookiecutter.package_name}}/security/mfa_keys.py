"""What MFA_ENCRYPTION_KEY protects: TOTP secrets at rest, and the recovery codes' hashes.

Two keys are derived from it with HKDF-SHA256, one per purpose, so that neither use can
be turned against the other. A TOTP secret is sealed with AES-256-GCM, bound to its
account (the user id is the associated data): a secret copied into another account's
row does not open. A recovery code is stored as an HMAC-SHA256 keyed with the other
key and bound to its account too: the codes are random enough that a keyed hash needs
no slow password hash, and a stolen table without the key is worth nothing.
"""

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app

from ..config import check_mfa_config

# A version prefix, so a later key or cipher can be told from this one.
_SEALED_PREFIX = "v1:"
_NONCE_BYTES = 12


class SecretUnreadable(Exception):
    """A sealed secret that this key cannot open: another key, or a changed row."""


def init_app(app: Flask) -> None:
    # Refuse to start without a key of its own, in every environment.
    check_mfa_config(app.config)
    key = app.config["MFA_ENCRYPTION_KEY"].encode()
    app.extensions["mfa_keys"] = (_derive(key, b"totp-secret"), _derive(key, b"recovery-code"))


def seal_secret(secret: str, user_id: int) -> str:
    """The TOTP secret encrypted for storage in `user_id`'s row."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_keys()[0]).encrypt(nonce, secret.encode(), _account(user_id))
    return _SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def open_secret(sealed: str, user_id: int) -> str:
    """The TOTP secret stored in `user_id`'s row; SecretUnreadable if it is not theirs."""
    if not sealed.startswith(_SEALED_PREFIX):
        raise SecretUnreadable("unknown format")
    try:
        raw = base64.urlsafe_b64decode(sealed.removeprefix(_SEALED_PREFIX))
        nonce, ciphertext = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        return AESGCM(_keys()[0]).decrypt(nonce, ciphertext, _account(user_id)).decode()
    except (InvalidTag, ValueError) as error:
        raise SecretUnreadable("the key or the account does not match") from error


def recovery_code_hash(code: str, user_id: int) -> str:
    """What is stored of a (normalised) recovery code of `user_id`'s."""
    message = _account(user_id) + b":" + code.encode()
    return hmac.new(_keys()[1], message, hashlib.sha256).hexdigest()


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(key)


def _account(user_id: int) -> bytes:
    return f"user:{user_id}".encode()


def _keys() -> tuple[bytes, bytes]:
    return current_app.extensions["mfa_keys"]
