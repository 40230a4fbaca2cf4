"""Account operations shared by every surface: pages, JSON API and CLI.

Each function validates, changes the database and commits, so a view only maps the
outcome to its own response format.
"""

from email_validator import EmailNotValidError, validate_email
from flask import abort, current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from . import audit
from .extensions import db
from .models.user import ADMIN, User, normalise_email
from .security import passwords
from .security.identity import Identity
from .security.password_policy import password_problem


class AccountError(Exception):
    """A request the account rules refuse; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def clean_email(raw: str) -> str:
    """The normalised address, if it is one we take for a new account.

    ASCII only: a look-alike letter (Cyrillic U+0430 for Latin 'a', full-width U+FF41) would
    make a second account that reads exactly like someone else's, and mail to a non-ASCII
    address needs an SMTPUTF8 server all the way. Logins and lookups are not checked, so
    an account made before this rule still logs in.
    """
    address = raw.strip()
    try:
        validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise AccountError("invalid_email", str(error)) from None
    if not address.isascii():  # the local part is, so it is the domain that is not
        message = "Write the domain in ASCII: for an internationalized one, its xn-- form."
        raise AccountError("invalid_email", message)
    return normalise_email(address)


def find_user(email: str) -> User | None:
    if "\x00" in email:
        # No stored address holds NUL, and PostgreSQL refuses it in any query.
        return None
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def user_of(identity: Identity) -> User:
    """The account row behind a request's identity, for a view that changes or checks it."""
    user = db.session.get(User, identity.id)
    if user is None or user.token_version != identity.token_version:
        # Deleted, or every login of it ended, since this request's identity was read:
        # nothing may be changed in the name of a login that no longer exists.
        abort(401)
    return user


def register(email: str, password: str, *, roles: tuple[str, ...] = ()) -> User:
    email = clean_email(email)
    _check_password(password, email)
    if find_user(email) is not None:
        raise AccountError("email_taken", "An account with this email already exists.")
    user = User(email=email, password_hash=passwords.hash_password(password), roles=list(roles))
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # the same email registered concurrently
        db.session.rollback()
        raise AccountError("email_taken", "An account with this email already exists.") from None
    audit.event("user_created", user_id=user.id, roles=list(roles))
    return user


EMAIL_NOT_VERIFIED = (
    "Confirm your email address first: follow the link we sent you, or request a new one."
)


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, or None; the same cost either way.

    Records each failure; a success is the caller's to record, as what it leads to.

    Raises AccountError("email_not_verified") for correct credentials of an unverified
    address while REQUIRE_VERIFIED_EMAIL is on.
    """
    user = find_user(email) if email else None
    if user is None:
        passwords.burn_verification(password)
        audit.event("authn_login_fail", email=audit.mask_email(email), reason="unknown")
        return None
    if not passwords.verify_password(user.password_hash, password):
        audit.event("authn_login_fail", user_id=user.id, reason="password")
        return None
    if not user.active:
        # Checked after the password, and answered like a wrong one: a deactivated
        # account is no more discoverable than a missing one.
        audit.event("authn_login_fail", user_id=user.id, reason="deactivated")
        return None
    if current_app.config["REQUIRE_VERIFIED_EMAIL"] and not user.email_verified:
        # Only after a correct password, so it reveals nothing to a guesser.
        audit.event("authn_login_fail", user_id=user.id, reason="unverified")
        raise AccountError("email_not_verified", EMAIL_NOT_VERIFIED)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db.session.commit()
    # No success recorded yet: the caller records the login it starts (authn_login_success)
    # or the second step it asks for (authn_mfa_challenge).
    return user


def check_password(user: User, password: str) -> bool:
    return passwords.verify_password(user.password_hash, password)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not check_password(user, current_password):
        raise AccountError("wrong_password", "The current password is not correct.")
    set_password(user, new_password)
    audit.event("authn_password_change", user_id=user.id)


def set_password(user: User, new_password: str) -> None:
    """Replace the password and end every login made with the old one.

    Only if nothing else ended the account's logins since `user` was read (a second
    factor turned on, say): the caller may start a login on top of this change, and that
    login must not outlive the other one. Otherwise AccountError("account_changed").
    """
    _check_password(new_password, user.email)
    new_hash = passwords.hash_password(new_password)
    changed = db.session.execute(
        update(User)
        .where(User.id == user.id, User.token_version == user.token_version)
        .values(password_hash=new_hash, token_version=User.token_version + 1)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        db.session.rollback()
        raise AccountError("account_changed", "Your account changed meanwhile: log in again.")
    db.session.commit()  # and `user` reloads its new state when next read


def log_out_everywhere(user: User) -> None:
    user.end_all_logins()
    db.session.commit()
    audit.event("authn_logout_everywhere", user_id=user.id)


def deactivate(user: User) -> None:
    user.active = False
    user.end_all_logins()
    db.session.commit()
    audit.event("user_deactivated", user_id=user.id)


def grant_admin(user: User) -> None:
    if not user.has_role(ADMIN):
        user.roles = [*user.roles, ADMIN]
        db.session.commit()
        audit.event("authz_role_granted", user_id=user.id, role=ADMIN)


def revoke_admin(user: User) -> None:
    # No token_version bump: the admin gates re-read roles from the user row on every
    # request, so the demotion applies at once without ending the user's other logins.
    if user.has_role(ADMIN):
        user.roles = [role for role in user.roles if role != ADMIN]
        db.session.commit()
        audit.event("authz_role_revoked", user_id=user.id, role=ADMIN)


def reactivate(user: User) -> None:
    # Logins ended by the deactivation stay ended (their token_version is gone).
    if not user.active:
        user.active = True
        db.session.commit()
        audit.event("user_reactivated", user_id=user.id)


def _check_password(password: str, email: str) -> None:
    problem = password_problem(password, personal=[email])
    if problem:
        raise AccountError("weak_password", problem)
