"""Password reset and email verification over JSON: the flows of account_emails.py.

The links we email point at the client app (PUBLIC_BASE_URL + PASSWORD_RESET_PATH or
EMAIL_VERIFICATION_PATH, with the token in `?token=`); the app POSTs the token here.
Nothing changes on a GET, because mail scanners and link previews fetch every link.

A bad, expired or spent link answers 400 `invalid_reset_token` / `invalid_verification_token`,
never `invalid_token`: that code means "your JWT is bad" (401) and a client that treats it
as "log in again" must not do so because of an old email link.
"""

from flask import Blueprint, jsonify

from .. import account_emails, accounts
from ..security.rate_limits import account_key, limited
from .errors import ApiError, json_fields
from .guard import current_identity, token_required

bp = Blueprint("recovery", __name__, url_prefix="/auth")

RESET_REQUESTED = (
    "If an account exists for that address, we have sent it a link to choose a new "
    "password. The link works once, for a limited time."
)


def _current_account() -> str:
    # Resend needs a login, so the account is the token's user, not a body field.
    return account_key(current_identity().email)


@bp.post("/password-reset/request")
@limited("RATELIMIT_PASSWORD_RESET")
def request_password_reset():
    body = json_fields("email")
    account_emails.request_password_reset(body["email"])
    # The same answer whether or not the address has an account: no enumeration.
    return jsonify(message=RESET_REQUESTED), 202


@bp.post("/password-reset/confirm")
def confirm_password_reset():
    body = json_fields("token", "new_password")
    try:
        account_emails.reset_password(body["token"], body["new_password"])
    except accounts.AccountError as error:
        if error.code == "invalid_token":
            raise ApiError(400, "invalid_reset_token", error.message) from None
        raise
    # No tokens in the answer: whoever holds the link proves control of the inbox only;
    # the owner logs in with the new password (and every older token is dead).
    return jsonify(message="Your password has been changed. Log in with the new one.")


@bp.post("/verify-email")
def verify_email():
    body = json_fields("token")
    try:
        account_emails.verify_email(body["token"])
    except accounts.AccountError as error:
        raise ApiError(400, "invalid_verification_token", error.message) from None
    return jsonify(email_verified=True)


@bp.post("/verify-email/resend")
@token_required()
@limited("RATELIMIT_VERIFY_RESEND", account=_current_account)
def resend_verification():
    if not current_identity().email_verified:
        account_emails.send_verification(accounts.user_of(current_identity()))
    return jsonify(message="If your address is not yet confirmed, we have sent a new link."), 202
