"""Password reset and email verification: the flows behind the links we email.

Shared by every surface (pages, JSON API); a view only maps AccountError to its format.
"""

from flask import current_app

from . import accounts, audit, mail
from .extensions import db
from .models.user import User, utcnow
from .security.email_tokens import (
    TokenInvalid,
    load_reset_token,
    load_verification_token,
    make_reset_token,
    make_verification_token,
)

TOKEN_PROBLEMS = {
    "invalid": "This link is not valid. Request a new one.",
    "expired": "This link has expired. Request a new one.",
    "used": "This link has already been used or is no longer valid. Request a new one.",
}


def request_password_reset(email: str) -> None:
    """Email a reset link if `email` has an active account; silent either way.

    Both paths do the same lookup and the same signing work, and SMTP delivery happens
    off the request thread, so neither the answer nor its timing reveals whether an
    account exists.
    """
    user = accounts.find_user(email) if email else None
    if user is None or not user.active:
        make_reset_token(User(id=0, password_hash="", token_version=0))
        audit.event("authn_password_reset_request", email=audit.mask_email(email), known=False)
        return
    link = mail.public_url(current_app.config["PASSWORD_RESET_PATH"], token=make_reset_token(user))
    hours = max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600)
    mail.send(
        user.email,
        "Reset your password",
        f"Someone asked to reset the password of your account.\n\n"
        f"To choose a new password, open this link within {hours} hour(s):\n{link}\n\n"
        "If it was not you, ignore this email: your password stays as it is.",
    )
    audit.event("authn_password_reset_request", user_id=user.id, known=True)


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; every login of the account ends."""
    try:
        user = load_reset_token(token, _user_by_id)
    except TokenInvalid as problem:
        raise accounts.AccountError("invalid_token", TOKEN_PROBLEMS[problem.reason]) from None
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link reached the inbox: the address is real
    accounts.set_password(user, new_password)
    audit.event("authn_password_reset", user_id=user.id)
    return user


def check_reset_token(token: str) -> None:
    """Raise AccountError if a reset link is no longer usable (to say so before the form)."""
    try:
        load_reset_token(token, _user_by_id)
    except TokenInvalid as problem:
        raise accounts.AccountError("invalid_token", TOKEN_PROBLEMS[problem.reason]) from None


def send_verification(user: User) -> None:
    token = make_verification_token(user)
    link = mail.public_url(current_app.config["EMAIL_VERIFICATION_PATH"], token=token)
    mail.send(
        user.email,
        "Confirm your email address",
        f"Confirm that this address belongs to your account by opening:\n{link}\n\n"
        "If you did not create an account, ignore this email.",
    )
    audit.event("authn_verification_sent", user_id=user.id)


def verify_email(token: str) -> User:
    try:
        user = load_verification_token(token, _user_by_id)
    except TokenInvalid as problem:
        raise accounts.AccountError("invalid_token", TOKEN_PROBLEMS[problem.reason]) from None
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.commit()
        audit.event("authn_email_verified", user_id=user.id)
    return user


def _user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)
