"""Login families in SQL: one `login_sessions` row per login, shared with session mode.

The row holds the hash of the family id, the jti of the one refresh token that may be
used next and the family's absolute end. Logout, reuse detection and (through the
user's token_version) password changes and deactivation all end at this row.
"""

from datetime import datetime, timedelta
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import bindparam, select, update

from ..extensions import db
from ..models.login_session import LoginSession, delete_dead_logins, hash_token, live_login_query
from ..models.user import User, utcnow
from ..prepared import PreparedSelect
from .identity import IDENTITY_COLUMNS, Identity

# Whether refresh tokens are rotated (and reuse detected) with this backend.
ROTATES = True
# Outcomes of `rotate`.
ROTATED = "rotated"
CONCURRENT = "concurrent"
REFUSED = "refused"
# Refusals of its own when the store cannot be asked: none, the database is the app's.
UNAVAILABLE: dict[int, tuple[str, ...]] = {}

tokens_cli = AppGroup("tokens", help="Maintain the table of token families.")


def init_app(app: Flask) -> None:
    app.cli.add_command(tokens_cli)


def start(user: User, family: str, refresh_jti: str, ends_at: datetime, *, with_mfa: bool) -> None:
    db.session.add(
        LoginSession(
            user_id=user.id,
            token_hash=hash_token(family),
            token_version=user.token_version,
            expires_at=ends_at,
            refresh_jti=refresh_jti,
            mfa=with_mfa,
        )
    )
    db.session.commit()


# Built once: the family's row, alive, with its user, on the token's version.
_LIVE_FAMILY = PreparedSelect(
    live_login_query(
        IDENTITY_COLUMNS,
        User.token_version == bindparam("version"),
        User.id == bindparam("user_id"),
    )
)


def load_user(claims: dict[str, Any]) -> Identity | None:
    """The token's user, if its family is alive: ONE statement, indexed by token_hash."""
    row = _LIVE_FAMILY.first(
        db.engine,
        {
            "token_hash": hash_token(claims["fam"]),
            "now": utcnow(),
            "version": claims["ver"],
            "user_id": int(claims["sub"]),
        },
    )
    return Identity.from_row(row) if row is not None else None


def rotate(claims: dict[str, Any], next_jti: str, grace_seconds: int) -> str:
    """Swap the family's refresh jti for `next_jti` if `claims` holds the current one.

    A compare-and-set in one UPDATE: of two concurrent refreshes with the same token,
    exactly one matches the row. The loser, or a later replay of a rotated token, is
    either a second tab inside the grace window (CONCURRENT, family kept) or reuse
    (REFUSED, and the whole family is revoked).
    """
    family_hash = hash_token(claims["fam"])
    now = utcnow()
    swapped = db.session.execute(
        update(LoginSession)
        .where(
            LoginSession.token_hash == family_hash,
            LoginSession.refresh_jti == claims["jti"],
            LoginSession.revoked_at.is_(None),
            LoginSession.expires_at > now,
        )
        .values(refresh_jti=next_jti, previous_refresh_jti=claims["jti"], rotated_at=now)
    )
    db.session.commit()
    if swapped.rowcount == 1:
        return ROTATED
    if grace_seconds > 0:
        just_rotated = db.session.scalar(
            select(LoginSession.id).where(
                LoginSession.token_hash == family_hash,
                LoginSession.previous_refresh_jti == claims["jti"],
                LoginSession.rotated_at >= now - timedelta(seconds=grace_seconds),
                LoginSession.revoked_at.is_(None),
            )
        )
        if just_rotated is not None:
            return CONCURRENT
    revoke(claims)
    return REFUSED


def revoke(claims: dict[str, Any]) -> None:
    db.session.execute(
        update(LoginSession)
        .where(
            LoginSession.token_hash == hash_token(claims["fam"]),
            LoginSession.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    db.session.commit()


@tokens_cli.command("prune")
def prune_families() -> None:
    """Delete token families that can never be used again (run it daily, e.g. from cron)."""
    click.echo(f"Deleted {delete_dead_logins()} token families.")
