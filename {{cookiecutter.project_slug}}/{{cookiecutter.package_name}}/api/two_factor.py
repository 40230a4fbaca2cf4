"""Two-factor authentication over JSON: the second step of a login, and one's own factor.

A correct password of an account with a factor answers 403 `mfa_required` with an
`mfa_token` and no token of any kind: POST it with a code to /auth/mfa/verify to finish
the login. An account whose role requires a factor it lacks answers 403
`mfa_enrolment_required` instead: POST the `mfa_token` to /auth/mfa/enrol for a secret
(shown as a QR code of its `otpauth_uri`), then one of its codes to /auth/mfa/verify,
which also answers the ten recovery codes, once. No other route accepts an `mfa_token`.

A logged-in account sets a factor up with a fresh login (/auth/mfa/totp, then
/auth/mfa/totp/confirm), and turns it off or renews its recovery codes with a fresh
login and a current code.
"""

from flask import Blueprint, jsonify, request

from .. import accounts, mfa
from ..models.mfa import ENROL, VERIFY
from ..security import tokens
from ..security.rate_limits import account_key, client_ip, limited, not_a_failure
from . import {{ "cookie" if cookiecutter.auth_mode == "jwt_cookie" else "header" }}_transport as transport
from .errors import ApiError, json_fields
from .guard import current_claims, current_identity, token_required

bp = Blueprint("two_factor", __name__, url_prefix="/auth/mfa")

# The `error` of a correct password's answer, by what the pending login asks for.
PENDING_LOGIN = {VERIFY: "mfa_required", ENROL: "mfa_enrolment_required"}
_PENDING_MESSAGES = {
    VERIFY: "Enter a code from your authenticator app, or a recovery code.",
    ENROL: mfa.ENROL_REQUIRED,
}


def pending_login(pending: mfa.PendingLogin):
    """The answer to a correct password that opened a pending login (api/auth.py)."""
    not_a_failure()  # a 403 in form: the password was right
    response = jsonify(
        error=PENDING_LOGIN[pending.purpose],
        message=_PENDING_MESSAGES[pending.purpose],
        mfa_token=pending.token,
        expires_in=pending.expires_in,
    )
    response.status_code = 403
    return response


def _pending_account() -> str:
    # The account a pending login belongs to: codes guessed for it are counted together,
    # whichever pending login, or address, they come through.
    body = request.get_json(silent=True)
    token = body.get("mfa_token") if isinstance(body, dict) else None
    challenge = mfa.challenge_of(token if isinstance(token, str) else None)
    return account_key(challenge.user.email) if challenge is not None else client_ip()


def _logged_in_account() -> str:
    return account_key(current_identity().email)


@bp.post("/verify")
@limited("RATELIMIT_MFA", failures_only=True, account=_pending_account)
def verify():
    body = json_fields("mfa_token", "code")
    done = mfa.complete_login(body["mfa_token"], body["code"])
    pair = tokens.start_login(done.user, fresh=True, with_mfa=True)
    if done.recovery_codes is not None:
        return transport.send_tokens(pair, recovery_codes=done.recovery_codes)
    return transport.send_tokens(pair)


@bp.post("/enrol")
def enrol():
    body = json_fields("mfa_token")
    challenge = mfa.challenge_of(body["mfa_token"])
    if challenge is None:
        raise ApiError(401, "invalid_mfa_token", mfa.CHALLENGE_ENDED)
    if challenge.purpose != ENROL:
        message = "This login asks for a code of the account's factor, not for a new one."
        raise ApiError(401, "invalid_mfa_token", message)
    return _enrolment(mfa.begin_enrolment(challenge.user))


@bp.get("")
@token_required()
def status():
    user_id = current_identity().id
    return jsonify(
        enabled=mfa.active_factor(user_id) is not None,
        recovery_codes_left=mfa.recovery_codes_left(user_id),
    )


@bp.post("/totp")
@token_required(fresh=True)
def begin_enrolment():
    return _enrolment(mfa.begin_enrolment(accounts.user_of(current_identity())))


@bp.post("/totp/confirm")
@token_required(fresh=True)
@limited("RATELIMIT_MFA", failures_only=True, account=_logged_in_account)
def confirm_enrolment():
    body = json_fields("code")
    user = accounts.user_of(current_identity())
    codes = mfa.confirm_enrolment(user, body["code"])
    # Every login of the account ended with the change; this client goes on with a new
    # one, made with the factor it has just shown.
    tokens.revoke(current_claims())
    pair = tokens.start_login(user, fresh=True, with_mfa=True)
    return transport.send_tokens(pair, recovery_codes=codes)


@bp.post("/totp/disable")
@token_required(fresh=True)
@limited("RATELIMIT_MFA", failures_only=True, account=_logged_in_account)
def disable():
    body = json_fields("code")
    mfa.disable(accounts.user_of(current_identity()), body["code"])
    # Every login ended, this one too: the next is made with the password alone.
    tokens.revoke(current_claims())
    return transport.forget_tokens(jsonify(enabled=False, logged_out=True))


@bp.post("/recovery-codes")
@token_required(fresh=True)
@limited("RATELIMIT_MFA", failures_only=True, account=_logged_in_account)
def renew_recovery_codes():
    body = json_fields("code")
    codes = mfa.regenerate_recovery_codes(accounts.user_of(current_identity()), body["code"])
    return jsonify(recovery_codes=codes)


def _enrolment(enrolment: mfa.Enrolment):
    return jsonify(secret=enrolment.secret, otpauth_uri=enrolment.uri)
