"""Who a request belongs to, as its one identity lookup read it.

Protected requests load this, not the ORM `User`: a few columns read, through a
`PreparedSelect`, in the same statement that checks the login is still alive. It is
frozen, so a view cannot change it thinking it changes the
account: a view that changes the account loads the row (`accounts.user_of`).
"""

from dataclasses import dataclass
from typing import Any

from ..models.user import User

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
