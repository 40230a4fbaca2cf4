"""One row per login: the server-side record that makes logout real.

A browser session stores only a random token naming its row (the database keeps a
SHA-256 of it, so a leaked table holds no usable tokens). Logging out revokes the row,
so a session or remember-me cookie copied before logout is worth nothing afterwards.
"""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    ForeignKey,
    Select,
    String,
    bindparam,
    delete,
    false,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .user import User, utcnow


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginSession(db.Model):
    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The user's token_version when this login began; bumping the user's ends it.
    token_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Whether a second factor was shown for this login (mfa.py): an account that must use
    # one has no login without it.
    mfa: Mapped[bool] = mapped_column(default=False, server_default=false())
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "database" %}
    # JWT login families (security/families_database.py): the jti of the one refresh
    # token that may be used next, and the one it replaced, kept to tell a second tab
    # refreshing at the same moment (within the grace window) from a replayed token.
    refresh_jti: Mapped[str | None] = mapped_column(String(36))
    previous_refresh_jti: Mapped[str | None] = mapped_column(String(36))
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
{%- endif %}

    user: Mapped[User] = relationship()

    @classmethod
    def open(
        cls, user: User, lifetime: timedelta, *, with_mfa: bool = False
    ) -> tuple["LoginSession", str]:
        """Create a record for a new login; return it with its (unhashed) token."""
        token = secrets.token_urlsafe(32)
        record = cls(
            user=user,
            token_hash=hash_token(token),
            token_version=user.token_version,
            expires_at=utcnow() + lifetime,
            mfa=with_mfa,
        )
        return record, token


def live_login_query(
    columns: Sequence[ColumnElement[Any]], *conditions: ColumnElement[bool]
) -> Select:
    """`columns` of the login record whose hash is `:token_hash` and its user, if both live.

    One statement, built once by each caller (only the values change per request): not
    revoked, not expired at `:now`, made under the user's current token_version, and the
    user active; `conditions` add the caller's own.
    """
    return (
        select(*columns)
        .select_from(LoginSession)
        .join(LoginSession.user)
        .where(
            LoginSession.token_hash == bindparam("token_hash"),
            LoginSession.revoked_at.is_(None),
            LoginSession.expires_at > bindparam("now"),
            LoginSession.token_version == User.token_version,
            User.active.is_(True),
            *conditions,
        )
    )


def delete_dead_logins() -> int:
    """Delete the rows that can never be used again; return how many went.

    Expired, revoked, and made under an older token_version of their user (a password
    change, "log out everywhere" or deactivation since). Run it daily, e.g. from cron.
    """
    outdated_version = (
        select(User.id)
        .where(User.id == LoginSession.user_id, User.token_version != LoginSession.token_version)
        .exists()
    )
    result = db.session.execute(
        delete(LoginSession).where(
            or_(
                LoginSession.expires_at <= utcnow(),
                LoginSession.revoked_at.is_not(None),
                outdated_version,
            )
        )
    )
    db.session.commit()
    return result.rowcount
