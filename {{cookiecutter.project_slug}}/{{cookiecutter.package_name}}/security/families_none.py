"""No revocation store: tokens stay valid until they expire.

Logout cannot end a token another copy of which is still out there; only the user's
token_version (password change, deactivation, log-out-everywhere) ends tokens early.
Refresh tokens are not rotated: there is nowhere to remember which one is current.
"""

from datetime import datetime
from typing import Any

from flask import Flask

from ..models.user import User
from .identity import Identity, active_user

ROTATES = False
ROTATED = "rotated"
CONCURRENT = "concurrent"
REFUSED = "refused"
# Refusals when the store cannot be asked (there is none).
UNAVAILABLE: dict[int, tuple[str, ...]] = {}


def init_app(app: Flask) -> None:
    """Nothing to set up."""


def start(user: User, family: str, refresh_jti: str, ends_at: datetime, *, with_mfa: bool) -> None:
    """Nothing is stored for a login."""


def load_user(claims: dict[str, Any]) -> Identity | None:
    """The token's user if still active and on the same token version: one statement."""
    return active_user(int(claims["sub"]), claims["ver"])


def rotate(claims: dict[str, Any], next_jti: str, grace_seconds: int) -> str:
    raise RuntimeError("the 'none' backend does not rotate refresh tokens")


def revoke(claims: dict[str, Any]) -> None:
    """Nothing to revoke: the tokens stay valid until they expire."""
