"""No revocation store: tokens stay valid until they expire.

Logout cannot end a token another copy of which is still out there; only the user's
token_version (password change, deactivation, log-out-everywhere) ends tokens early.
Refresh tokens are not rotated: there is nowhere to remember which one is current.
"""

from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import bindparam, select

from ..extensions import db
from ..models.user import User
from ..prepared import PreparedSelect
from .identity import IDENTITY_COLUMNS, Identity

ROTATES = False
ROTATED = "rotated"
CONCURRENT = "concurrent"
REFUSED = "refused"


def init_app(app: Flask) -> None:
    """Nothing to set up."""


def start(user: User, family: str, refresh_jti: str, ends_at: datetime) -> None:
    """Nothing is stored for a login."""


# Built once: only the values change from one request to the next.
_ACTIVE_USER = PreparedSelect(
    select(*IDENTITY_COLUMNS).where(
        User.id == bindparam("user_id"),
        User.active.is_(True),
        User.token_version == bindparam("version"),
    )
)


def load_user(claims: dict[str, Any]) -> Identity | None:
    """The token's user if still active and on the same token version: one statement."""
    row = _ACTIVE_USER.first(db.engine, {"user_id": int(claims["sub"]), "version": claims["ver"]})
    return Identity.from_row(row) if row is not None else None


def rotate(claims: dict[str, Any], next_jti: str, grace_seconds: int) -> str:
    raise RuntimeError("the 'none' backend does not rotate refresh tokens")


def revoke(claims: dict[str, Any]) -> None:
    """Nothing to revoke: the tokens stay valid until they expire."""
