"""Password hashing: argon2id or scrypt, chosen by PASSWORD_HASH, parameters from config.

Hashes made with older parameters, or with the other algorithm, still verify; the
caller re-hashes them after the next successful login (see `needs_rehash`).
"""

import unicodedata
from collections.abc import Mapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from werkzeug.security import check_password_hash, generate_password_hash

# OWASP Password Storage Cheat Sheet floors.
ARGON2_FLOOR = {"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 19456, "ARGON2_PARALLELISM": 1}
# scrypt rows OWASP considers equivalent, as (N, p) with r = 8.
SCRYPT_FLOORS = ((2**17, 1), (2**16, 2), (2**15, 3), (2**14, 5), (2**13, 10))

_ARGON2_VERIFIER = PasswordHasher()


def init_app(app: Flask) -> None:
    """Build the configured hasher once per app."""
    algorithm = app.config["PASSWORD_HASH"]
    if algorithm not in HASHERS:
        raise RuntimeError(f"PASSWORD_HASH must be one of {sorted(HASHERS)}, got {algorithm!r}")
    app.extensions["password_hasher"] = HASHERS[algorithm](app.config)


def hash_password(password: str) -> str:
    return _hasher().hash(_normalise(password))


def verify_password(password_hash: str, password: str) -> bool:
    password = _normalise(password)
    if password_hash.startswith("$argon2"):
        try:
            # argon2 reads the parameters from the hash itself.
            return _ARGON2_VERIFIER.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(password_hash, password)
    except ValueError:  # a malformed or unknown werkzeug method string
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made by another algorithm or with other parameters."""
    return _hasher().needs_rehash(password_hash)


def burn_verification(password: str) -> None:
    """Spend the time of a real verification, for logins naming no account.

    Without it, "unknown email" answers measurably faster than "wrong password", and
    the difference tells an attacker which emails have accounts.
    """
    dummy = current_app.extensions.get("dummy_password_hash")
    if dummy is None:
        dummy = current_app.extensions["dummy_password_hash"] = hash_password(
            "dummy password that never matches"
        )
    verify_password(dummy, password)


def weak_parameters(config: Mapping[str, Any]) -> str | None:
    """Describe why the configured parameters are below OWASP's floor, if they are."""
    algorithm = config["PASSWORD_HASH"]
    if algorithm == "argon2":
        for key, floor in ARGON2_FLOOR.items():
            if config[key] < floor:
                return f"{key}={config[key]} is below {floor}"
        return None
    n, r, p = config["SCRYPT_N"], config["SCRYPT_R"], config["SCRYPT_P"]
    if r >= 8 and any(n >= floor_n and p >= floor_p for floor_n, floor_p in SCRYPT_FLOORS):
        return None
    return f"SCRYPT_N={n}, SCRYPT_R={r}, SCRYPT_P={p} is below N=2^17, r=8, p=1"


def _normalise(password: str) -> str:
    # The same password typed on two keyboards can arrive as different code points.
    return unicodedata.normalize("NFKC", password)


class _Argon2Hasher:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self._hasher = PasswordHasher(
            time_cost=config["ARGON2_TIME_COST"],
            memory_cost=config["ARGON2_MEMORY_COST"],
            parallelism=config["ARGON2_PARALLELISM"],
        )

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def needs_rehash(self, password_hash: str) -> bool:
        if not password_hash.startswith("$argon2id$"):
            return True
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True


class _ScryptHasher:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self._method = f"scrypt:{config['SCRYPT_N']}:{config['SCRYPT_R']}:{config['SCRYPT_P']}"

    def hash(self, password: str) -> str:
        return generate_password_hash(password, method=self._method, salt_length=16)

    def needs_rehash(self, password_hash: str) -> bool:
        return password_hash.partition("$")[0] != self._method


HASHERS = {"argon2": _Argon2Hasher, "scrypt": _ScryptHasher}


def _hasher() -> _Argon2Hasher | _ScryptHasher:
    return current_app.extensions["password_hasher"]
