"""The account table, shared by every way of logging in."""

from datetime import UTC, datetime

{% if cookiecutter.auth_mode in ["session", "hybrid"] -%}
from flask_login import UserMixin
{% endif -%}
from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..extensions import db

ADMIN = "admin"
ROLES = frozenset({ADMIN})


def utcnow() -> datetime:
    return datetime.now(UTC)


def normalise_email(email: str) -> str:
    return email.strip().lower()


class User({% if cookiecutter.auth_mode in ["session", "hybrid"] %}UserMixin, {% endif %}db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Not `is_active`: Flask-Login reads `is_active` as a property of its own.
    active: Mapped[bool] = mapped_column(default=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Bumped to end every existing login at once: password change or reset,
    # "log out everywhere" and deactivation. A login made under an older version is dead.
    token_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set when the owner followed a verification (or password-reset) link: proof that
    # the address is theirs, not just typed in.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @validates("email")
    def _store_normalised_email(self, _key: str, email: str) -> str:
        return normalise_email(email)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def end_all_logins(self) -> None:
        # Incremented by the database, not read and written back: of two changes that
        # end logins at once, neither is lost (the attribute reloads when next read).
        self.token_version = User.token_version + 1
{%- if cookiecutter.auth_mode in ["session", "hybrid"] %}

    # Flask-Login integration. The id kept in the session and the remember-me cookie
    # is the token of one login record, not the user id: revoking the record ends that
    # login even for a copy of the cookie captured earlier.
    login_token = None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        if self.login_token is None:
            raise RuntimeError("log users in through security.login_sessions.start_login")
        return self.login_token
{%- endif %}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
