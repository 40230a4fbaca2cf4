"""Two-factor authentication: enrolment, the second step of a login, and managing a factor.

Shared by every surface (pages, JSON API, CLI); a view only maps AccountError to its own
format. A factor is a TOTP secret (security/totp.py) with ten single-use recovery codes.

A correct password of an account with a factor opens no login: it opens a pending one
(`MfaChallenge`), which a code completes (`complete_login`). An account whose roles are
in MFA_REQUIRED_ROLES and has no factor is sent to set one up the same way, and no login
of such an account counts unless it was made with a code (`login_allowed`, asked by the
one place that decides who a request belongs to, for sessions and tokens alike).

Enabling a factor, disabling it and an operator's reset each end every login of the
account (its token_version), so no login made before the change outlives it.
"""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from . import audit
from .accounts import AccountError
from .extensions import db
from .models.mfa import ENROL, VERIFY, MfaChallenge, RecoveryCode, TotpFactor
from .models.user import User, utcnow
from .security import mfa_keys, totp
from .security.mfa_keys import SecretUnreadable, open_secret, recovery_code_hash, seal_secret

RECOVERY_CODE_COUNT = 10
# No 0/o or 1/l/i: codes are read off paper. 12 characters of 31: 59 random bits.
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_RECOVERY_GROUPS, _RECOVERY_GROUP_LENGTH = 3, 4
# The bound on what is read of a pending login's token at all.
_TOKEN_MAX_LENGTH = 128

WRONG_CODE = "That code is not correct."
ENROL_REQUIRED = "Your role requires two-factor authentication: set up an authenticator app."
CHALLENGE_ENDED = "This login attempt has ended: log in again with your password."

# Not refused: an operator may choose this. But nobody should run so unknowingly.
NO_REQUIRED_ROLES_WARNING = (
    "MFA_REQUIRED_ROLES is empty: no role requires a second factor, so an operator's "
    "password alone opens every account. Set it to admin (the default) unless that is meant."
)


def init_app(app: Flask) -> None:
    mfa_keys.init_app(app)  # refuses to start without a key of its own
    if app.config["APP_ENV"] == "production" and not app.config["MFA_REQUIRED_ROLES"]:
        app.logger.warning(NO_REQUIRED_ROLES_WARNING)


@dataclass(frozen=True)
class Enrolment:
    """A secret being set up: what the authenticator app needs, as text and as a URI."""

    secret: str
    uri: str


@dataclass(frozen=True)
class PendingLogin:
    """What a correct password earned: the token naming the pending login, and its step."""

    token: str
    purpose: str
    expires_in: int


@dataclass(frozen=True)
class CompletedLogin:
    user: User
    remember: bool
    # The recovery codes, when this login also set the factor up (shown once).
    recovery_codes: list[str] | None


# -- policy -------------------------------------------------------------------------------


def required_for(roles: Iterable[str]) -> bool:
    """Whether an account holding `roles` must use a second factor."""
    return not set(current_app.config["MFA_REQUIRED_ROLES"]).isdisjoint(roles)


def login_allowed(roles: Iterable[str], *, with_mfa: bool) -> bool:
    """Whether a live login counts: one made without a code counts only for an account
    that needs none (granting such a role, or a login older than this rule, ends it)."""
    return with_mfa or not required_for(roles)


def second_step(user: User) -> str | None:
    """What a correct password leads to: VERIFY a code, ENROL a factor first, or nothing."""
    if active_factor(user.id) is not None:
        return VERIFY
    return ENROL if required_for(user.roles) else None


def active_factor(user_id: int) -> TotpFactor | None:
    return db.session.scalar(
        select(TotpFactor).where(
            TotpFactor.user_id == user_id, TotpFactor.confirmed_at.is_not(None)
        )
    )


def recovery_codes_left(user_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )


# -- enrolment ----------------------------------------------------------------------------


def begin_enrolment(user: User) -> Enrolment:
    """A new secret for `user` to set up; it becomes a factor once a code confirms it."""
    secret = totp.new_secret()
    sealed = seal_secret(secret, user.id)
    for _attempt in range(2):
        # Beginning again replaces the secret being set up (only the latest QR code
        # works), never a confirmed one: the condition is in the UPDATE itself.
        replaced = db.session.execute(
            update(TotpFactor)
            .where(TotpFactor.user_id == user.id, TotpFactor.confirmed_at.is_(None))
            .values(secret=sealed, created_at=utcnow())
        )
        if replaced.rowcount == 0:
            if active_factor(user.id) is not None:
                db.session.rollback()
                raise AccountError(
                    "mfa_already_enabled", "Two-factor authentication is already on."
                )
            db.session.add(TotpFactor(user_id=user.id, secret=sealed))
        try:
            db.session.commit()
            return _enrolment(user, secret)
        except IntegrityError:  # the same account began twice at once: replace that row
            db.session.rollback()
    raise AccountError("mfa_enrolment_conflict", "Try again: enrolment began twice at once.")


def pending_enrolment(user: User) -> Enrolment | None:
    """The secret `user` is setting up, if any (to show its QR code again)."""
    factor = db.session.scalar(
        select(TotpFactor).where(TotpFactor.user_id == user.id, TotpFactor.confirmed_at.is_(None))
    )
    if factor is None:
        return None
    return _enrolment(user, _secret_of(factor))


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn the secret being set up into the account's factor, with one of its codes.

    Returns the new recovery codes, which are never shown again. Ends every login of
    the account: the caller starts a new one for the client in hand.
    """
    codes = _confirm(user, code, refusal="wrong_mfa_code")
    db.session.commit()
    audit.event("mfa_enabled", user_id=user.id)
    return codes


def _confirm(user: User, code: str, *, refusal: str) -> list[str]:
    # Leaves the transaction open: the caller commits, with whatever else must go with it.
    factor = db.session.scalar(select(TotpFactor).where(TotpFactor.user_id == user.id))
    if factor is None or factor.confirmed_at is not None:
        db.session.rollback()
        if factor is not None:
            raise AccountError("mfa_already_enabled", "Two-factor authentication is already on.")
        raise AccountError(
            "mfa_enrolment_not_started", "Start setting up an authenticator app first."
        )
    step = totp.matching_step(_secret_of(factor), _compact(code))
    confirmed = None
    if step is not None:
        confirmed = db.session.execute(
            update(TotpFactor)
            .where(TotpFactor.id == factor.id, TotpFactor.confirmed_at.is_(None))
            .values(confirmed_at=utcnow(), last_used_step=step)
        )
    if confirmed is None or confirmed.rowcount != 1:
        db.session.rollback()
        audit.event("authn_mfa_fail", user_id=user.id, reason="enrolment_code")
        raise AccountError(refusal, WRONG_CODE)
    codes = _replace_recovery_codes(user)
    user.end_all_logins()
    return codes


# -- a factor in use ----------------------------------------------------------------------


def disable(user: User, code: str) -> None:
    """Remove the factor, with a current code (or a recovery code); ends every login."""
    _require_code(user, code)
    _remove_factor(user)
    db.session.commit()
    audit.event("mfa_disabled", user_id=user.id)


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """Ten new recovery codes for ten old ones, with a current code; shown once."""
    _require_code(user, code)
    codes = _replace_recovery_codes(user)
    db.session.commit()
    audit.event("mfa_recovery_codes_regenerated", user_id=user.id)
    return codes


def reset(user: User, *, by: int | None) -> bool:
    """An operator's (`by`) or the command line's removal of `user`'s factor, for an
    account locked out of it. Ends every login. False if it had none (a secret still
    being set up is removed too, silently: it was never a factor)."""
    removed = _remove_factor(user)
    db.session.commit()
    if removed:
        audit.event("mfa_reset", user_id=user.id, by_user_id=by, by="operator" if by else "cli")
    return removed


def _require_code(user: User, code: str) -> None:
    if active_factor(user.id) is None:
        raise AccountError("mfa_not_enabled", "Two-factor authentication is not on.")
    if _use_code(user, code) is None:
        db.session.rollback()
        audit.event("authn_mfa_fail", user_id=user.id, reason="step_up_code")
        raise AccountError("wrong_mfa_code", WRONG_CODE)


def _remove_factor(user: User) -> bool:
    """Delete the factor (or the secret being set up) and its codes, in the caller's
    transaction. A confirmed factor takes every login of the account along: True then."""
    confirmed = active_factor(user.id) is not None
    db.session.execute(delete(TotpFactor).where(TotpFactor.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if confirmed:
        user.end_all_logins()
    return confirmed


def _use_code(user: User, code: str) -> str | None:
    """Spend `code`: a TOTP code of a step not yet used, or an unused recovery code.

    The change is made in the caller's transaction, as a conditional UPDATE: of two
    requests racing with the same code, one changes the row and the other is refused.
    """
    factor = active_factor(user.id)
    if factor is None:
        return None
    code = _compact(code)
    if totp.is_code_shaped(code):
        step = totp.matching_step(_secret_of(factor), code, after=factor.last_used_step)
        if step is None:
            return None
        later = (TotpFactor.last_used_step.is_(None)) | (TotpFactor.last_used_step < step)
        moved = db.session.execute(
            update(TotpFactor).where(TotpFactor.id == factor.id, later).values(last_used_step=step)
        )
        return "totp" if moved.rowcount == 1 else None
    normalised = _normalised_recovery_code(code)
    if normalised is None:
        return None
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == recovery_code_hash(normalised, user.id),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return "recovery_code" if spent.rowcount == 1 else None


def _replace_recovery_codes(user: User) -> list[str]:
    """Ten new codes, as shown to the user ("abcd-efgh-jkmn"); only their hashes are kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    length = _RECOVERY_GROUPS * _RECOVERY_GROUP_LENGTH
    shown = []
    for _ in range(RECOVERY_CODE_COUNT):
        code = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(length))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=recovery_code_hash(code, user.id)))
        step = _RECOVERY_GROUP_LENGTH
        shown.append("-".join(code[i : i + step] for i in range(0, length, step)))
    return shown


def _normalised_recovery_code(code: str) -> str | None:
    # Typed as shown, or without its dashes, in either case.
    normalised = code.replace("-", "").lower()
    length = _RECOVERY_GROUPS * _RECOVERY_GROUP_LENGTH
    if len(normalised) != length or not set(normalised) <= set(_RECOVERY_ALPHABET):
        return None
    return normalised


def _secret_of(factor: TotpFactor) -> str:
    """The factor's secret, or a refusal that says why none can be read (never a 500)."""
    try:
        return open_secret(factor.secret, factor.user_id)
    except SecretUnreadable:
        # MFA_ENCRYPTION_KEY is not the key this secret was sealed with (or the row was
        # changed): no code of this account can be checked until the factor is reset.
        current_app.logger.error(
            "the TOTP secret of user %s cannot be opened with MFA_ENCRYPTION_KEY; "
            "check the key, or reset the factor: flask users mfa-reset",
            factor.user_id,
        )
        raise AccountError(
            "mfa_unavailable", "Two-factor authentication cannot be checked just now."
        ) from None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _compact(code: str) -> str:
    # Apps show "123 456"; people paste it as shown.
    return "".join(code.split())


def _enrolment(user: User, secret: str) -> Enrolment:
    issuer = current_app.config["MFA_ISSUER"]
    return Enrolment(secret=secret, uri=totp.provisioning_uri(secret, user.email, issuer))


# -- the second step of a login -----------------------------------------------------------


def start_challenge(user: User, purpose: str, *, remember: bool = False) -> PendingLogin:
    """Open the pending login a correct password earns `user` (see `second_step`)."""
    now = utcnow()
    lifetime: timedelta = current_app.config["MFA_CHALLENGE_LIFETIME"]
    # Expired ones are swept here, so the table never needs a cron job of its own.
    db.session.execute(delete(MfaChallenge).where(MfaChallenge.expires_at <= now))
    token = secrets.token_urlsafe(32)
    db.session.add(
        MfaChallenge(
            user_id=user.id,
            token_hash=_token_hash(token),
            purpose=purpose,
            token_version=user.token_version,
            remember=remember,
            expires_at=now + lifetime,
        )
    )
    db.session.commit()
    audit.event("authn_mfa_challenge", user_id=user.id, step=purpose)
    return PendingLogin(token, purpose, int(lifetime.total_seconds()))


def challenge_of(token: str | None) -> MfaChallenge | None:
    """The live pending login `token` names: unexpired, with tries left, and its account
    still active and on the token_version it began under."""
    if not token or len(token) > _TOKEN_MAX_LENGTH:
        return None
    return db.session.scalar(
        select(MfaChallenge)
        .join(MfaChallenge.user)
        .where(
            MfaChallenge.token_hash == _token_hash(token),
            MfaChallenge.expires_at > utcnow(),
            MfaChallenge.attempts < current_app.config["MFA_CHALLENGE_MAX_ATTEMPTS"],
            MfaChallenge.token_version == User.token_version,
            User.active.is_(True),
        )
    )


def complete_login(token: str | None, code: str) -> CompletedLogin:
    """Finish a pending login with a code: of the factor, or of the one being set up."""
    challenge = challenge_of(token)
    if challenge is None:
        audit.event("authn_mfa_fail", user_id=None, reason="challenge")
        raise AccountError("invalid_mfa_token", CHALLENGE_ENDED)
    # Read before the commit below, after which the row may be gone (another request's).
    challenge_id, purpose, remember = challenge.id, challenge.purpose, challenge.remember
    user = challenge.user
    # Each try is counted before it is judged, so tries sent at once cannot exceed the limit.
    tried = db.session.execute(
        update(MfaChallenge)
        .where(
            MfaChallenge.id == challenge_id,
            MfaChallenge.attempts < current_app.config["MFA_CHALLENGE_MAX_ATTEMPTS"],
        )
        .values(attempts=MfaChallenge.attempts + 1)
    )
    db.session.commit()
    if tried.rowcount != 1:
        audit.event("authn_mfa_fail", user_id=user.id, reason="challenge")
        raise AccountError("invalid_mfa_token", CHALLENGE_ENDED)
    codes = None
    if purpose == ENROL:
        codes = _confirm(user, code, refusal="invalid_mfa_code")
        method = "totp"
    else:
        method = _use_code(user, code)
        if method is None:
            db.session.rollback()
            audit.event("authn_mfa_fail", user_id=user.id, reason="code")
            raise AccountError("invalid_mfa_code", WRONG_CODE)
    # Spent with the code, in one transaction: of two right answers, one login.
    spent = db.session.execute(delete(MfaChallenge).where(MfaChallenge.id == challenge_id))
    if spent.rowcount != 1:
        db.session.rollback()
        raise AccountError("invalid_mfa_token", CHALLENGE_ENDED)
    db.session.commit()
    if codes is not None:
        audit.event("mfa_enabled", user_id=user.id)
    details = {"recovery_codes_left": recovery_codes_left(user.id)} if method != "totp" else {}
    audit.event("authn_login_success", user_id=user.id, mfa=method, **details)
    return CompletedLogin(user, remember, codes)
