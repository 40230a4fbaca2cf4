"""Pages for password reset and email verification.

The links in emails lead to pages whose forms POST: a GET never changes anything,
because mail scanners and link previews fetch every link in a message.
"""

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import account_emails, accounts
from ..security.rate_limits import account_key, limited
from . import bp
from .forms import ConfirmForm, ForgotPasswordForm, ResetPasswordForm

RESET_REQUESTED = (
    "If an account exists for that address, we have sent it a link to choose a new "
    "password. The link works once, for a limited time."
)


def _logged_in_account() -> str:
    return account_key(current_user.email)


@bp.route("/auth/forgot-password", methods=["GET", "POST"])
@limited("RATELIMIT_PASSWORD_RESET")
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/forgot_password.html", form=form), status
    account_emails.request_password_reset(form.email.data)
    # The same answer whether or not the address has an account: no enumeration.
    return _message("Check your email", RESET_REQUESTED, 202)


@bp.route("/auth/reset-password", methods=["GET", "POST"])
def reset_password():
    token = request.args.get("token", "")
    form = ResetPasswordForm()
    if request.method == "GET" or not form.validate_on_submit():
        try:
            account_emails.check_reset_token(token)
        except accounts.AccountError as error:
            return _message("Reset link not valid", error.message, 400)
        status = 400 if request.method == "POST" else 200
        return render_template("auth/reset_password.html", form=form), status
    try:
        account_emails.reset_password(token, form.new_password.data)
    except accounts.AccountError as error:
        if error.code == "invalid_token":
            return _message("Reset link not valid", error.message, 400)
        form.new_password.errors.append(error.message)
        return render_template("auth/reset_password.html", form=form), 400
    # No automatic login: whoever holds the link proves control of the inbox, and the
    # owner should see the login form (and any surprise) themselves.
    return redirect(url_for("auth.login"))


@bp.route("/auth/verify-email", methods=["GET", "POST"])
def verify_email():
    form = ConfirmForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/verify_email.html", form=form), status
    try:
        account_emails.verify_email(request.args.get("token", ""))
    except accounts.AccountError as error:
        return _message("Verification link not valid", error.message, 400)
    return _message("Email confirmed", "Thank you: your email address is confirmed.", 200)


@bp.post("/auth/verify-email/resend")
@login_required
@limited("RATELIMIT_VERIFY_RESEND", account=_logged_in_account)
def resend_verification():
    if not current_user.email_verified:
        account_emails.send_verification(accounts.user_of(current_user))
    return _message("Check your email", "We have sent a new confirmation link.", 202)


def _message(title: str, message: str, status: int):
    return render_template("auth/message.html", title=title, message=message), status
