"""Who a request belongs to, as its one identity lookup read it.

Protected requests load this, not the ORM `User`: a few columns read, through a
`PreparedSelect`, in the same statement that checks the login is still alive. It is
frozen, so that no view changes it believing it changes the account: a view that
changes the account loads the row (`accounts.user_of`).
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select

from ..extensions import db
from ..models.user import User
from ..prepared import PreparedSelect

# What the identity holds, in the order the lookups select it.
IDENTITY_COLUMNS = (
    User.id,
    User.email,
    User.roles,
    User.email_verified_at.is_not(None).label("email_verified"),
    User.token_version,
)


@dataclass(frozen=True, slots=True)
class Identity:
    id: int
    email: str
    roles: tuple[str, ...]
    email_verified: bool
    token_version: int

    @classmethod
    def from_row(cls, row: tuple[Any, ...], *extra: Any) -> "Identity":
        user_id, email, roles, email_verified, token_version = row[: len(IDENTITY_COLUMNS)]
        return cls(user_id, email, tuple(roles or ()), bool(email_verified), token_version, *extra)

    def has_role(self, role: str) -> bool:
        return role in self.roles


# Built once: only the values change from one request to the next.
_ACTIVE_ON_VERSION = PreparedSelect(
    select(*IDENTITY_COLUMNS).where(
        User.id == bindparam("user_id"),
        User.active.is_(True),
        User.token_version == bindparam("version"),
    )
)


def active_user(user_id: int, token_version: int) -> Identity | None:
    """The user, if still active and still on `token_version`: one statement."""
    row = _ACTIVE_ON_VERSION.first(db.engine, {"user_id": user_id, "version": token_version})
    return Identity.from_row(row) if row is not None else None
