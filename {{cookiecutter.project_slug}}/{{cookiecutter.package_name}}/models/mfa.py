"""Second factors: each account's TOTP secret, its recovery codes, and pending logins.

Nothing here is usable from a copy of the database: the secret is sealed and the codes
are keyed hashes (security/mfa_keys.py), and a pending login is stored as the SHA-256
of the token its client holds.
"""

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .user import User, utcnow

# What a pending login asks for: a code of the account's factor, or a factor set up first.
VERIFY = "verify"
ENROL = "enrol"


class TotpFactor(db.Model):
    __tablename__ = "totp_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # Sealed for this account (security/mfa_keys.py), never the base32 secret itself.
    secret: Mapped[str] = mapped_column(String(255))
    # None while enrolling: a secret is a factor only once a code made from it came back.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The time step of the last code accepted; that step and every earlier one are
    # refused from then on, so an overheard code cannot be replayed.
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RecoveryCode(db.Model):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # HMAC-SHA256 of the code, keyed and bound to the account (security/mfa_keys.py).
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MfaChallenge(db.Model):
    """A correct password of an account with a second factor: not a login, only the right
    to present a code, for a few minutes and a few tries."""

    __tablename__ = "mfa_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    # The user's token_version when the password was given: a reset since ends this too.
    token_version: Mapped[int]
    # The login form's "keep me logged in", carried to the login the code completes.
    remember: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    user: Mapped[User] = relationship()
