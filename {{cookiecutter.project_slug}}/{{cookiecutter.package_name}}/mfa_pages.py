"""Two-factor authentication pages: the second step of a browser login, and one's own factor.

Mounted beside the other pages' login (at /auth/mfa, or /admin/mfa for the operators'
panel). A correct password of an account with a factor logs nobody in: `second_step`
opens a pending login (mfa.py), keeps its token in this browser's session, and sends
the browser to the code page; the code completes the login. An account whose role
requires a factor it lacks is sent to the setup page instead, and leaves it logged in
with the factor set up and its recovery codes shown, once.

A logged-in account sets a factor up, renews its recovery codes or turns it off here;
each of those needs a fresh login, and the last two a current code too.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_fresh, login_required

from . import accounts, mfa
from .forms import CodeForm
from .models.mfa import ENROL, VERIFY, MfaChallenge
from .models.user import User
from .security.login_sessions import end_login, start_login
from .security.rate_limits import account_key, client_ip, limited
from .security.redirects import safe_next_path

bp = Blueprint("mfa", __name__)

# Where this browser's session keeps the token of its pending login.
_PENDING = "mfa_pending"


@bp.after_request
def _never_cache(response):
    # Secrets, recovery codes and the forms that lead to them: never kept by any cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def second_step(user: User, *, remember: bool):
    """After a correct password on a login form: the redirect to the code page (or the
    setup page) if the account has (or needs) a second factor; None if the password is
    enough, and the caller logs the account in."""
    step = mfa.second_step(user)
    if step is None:
        return None
    if step == ENROL:
        try:
            mfa.begin_enrolment(user)
        except accounts.AccountError:
            step = VERIFY  # set up meanwhile, in another browser: ask for a code of it
    pending = mfa.start_challenge(user, step, remember=remember)
    # Nothing from before the password carries over (session fixation), and no login yet.
    session.clear()
    session[_PENDING] = pending.token
    if step == ENROL:
        flash(mfa.ENROL_REQUIRED)
    page = "mfa.verify" if step == VERIFY else "mfa.setup"
    return redirect(url_for(page, next=safe_next_path(request.args.get("next"))))


def _pending(purpose: str) -> MfaChallenge | None:
    challenge = mfa.challenge_of(session.get(_PENDING))
    return challenge if challenge is not None and challenge.purpose == purpose else None


def _code_account() -> str:
    """Codes guessed for one account count together, whichever pending login they use."""
    challenge = mfa.challenge_of(session.get(_PENDING))
    if challenge is not None:
        return account_key(challenge.user.email)
    if current_user.is_authenticated:
        return account_key(current_user.email)
    return client_ip()


def _fresh_login(view: Callable) -> Callable:
    """A login whose password was typed just now; else the password page, then back here."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not login_fresh():
            return _confirm_password_first()
        return view(*args, **kwargs)

    return guarded


def _confirm_password_first():
    # A form here POSTs: coming back to it would be a 405, so come back to its page.
    next_page = url_for("mfa.index") if request.method == "POST" else request.path
    return redirect(url_for(current_app.config["REAUTH_VIEW"], next=next_page))


@bp.route("/verify", methods=["GET", "POST"])
@limited("RATELIMIT_MFA", failures_only=True, account=_code_account)
def verify():
    if _pending(VERIFY) is None:
        return _log_in_again()
    form = CodeForm()
    if not form.validate_on_submit():
        return _form_page("mfa/verify.html", form)
    try:
        done = mfa.complete_login(session.get(_PENDING), form.code.data)
    except accounts.AccountError as error:
        if error.code == "invalid_mfa_token":
            return _log_in_again()
        form.code.errors.append(error.message)
        return render_template("mfa/verify.html", form=form), _status(error, 401)
    start_login(done.user, remember=done.remember, with_mfa=True)
    return redirect(_next_or_home())


@bp.route("/setup", methods=["GET", "POST"])
@limited("RATELIMIT_MFA", failures_only=True, account=_code_account)
def setup():
    """The QR code and secret being set up, and the code that confirms them."""
    challenge = _pending(ENROL)
    if challenge is not None:
        user = challenge.user
    elif current_user.is_authenticated and login_fresh():
        user = accounts.user_of(current_user)
    elif current_user.is_authenticated:
        # Only a login made just now may see a secret being set up.
        return _confirm_password_first()
    else:
        return _log_in_again()
    enrolment = mfa.pending_enrolment(user)
    if enrolment is None:
        return redirect(url_for("mfa.index")) if challenge is None else _log_in_again()
    form = CodeForm()
    if not form.validate_on_submit():
        return _setup_page(form, enrolment, 400 if request.method == "POST" else 200)
    try:
        if challenge is not None:
            done = mfa.complete_login(session.get(_PENDING), form.code.data)
            codes, remember = done.recovery_codes, done.remember
        else:
            codes, remember = mfa.confirm_enrolment(user, form.code.data), False
    except accounts.AccountError as error:
        if error.code == "invalid_mfa_token":
            return _log_in_again()
        if error.code not in {"invalid_mfa_code", "wrong_mfa_code", "mfa_unavailable"}:
            flash(error.message)
            return redirect(url_for("mfa.index"))
        form.code.errors.append(error.message)
        return _setup_page(form, enrolment, _status(error, 401 if challenge else 400))
    # Every other login of the account has ended; this browser goes on with a new one.
    start_login(user, remember=remember, with_mfa=True)
    return render_template("mfa/recovery_codes.html", codes=codes, next_page=_next_or_home())


@bp.get("/")
@login_required
def index():
    return _index_page()


@bp.post("/start")
@_fresh_login
def start():
    try:
        mfa.begin_enrolment(accounts.user_of(current_user))
    except accounts.AccountError as error:
        flash(error.message)
        return redirect(url_for("mfa.index"), 303)
    return redirect(url_for("mfa.setup"), 303)


@bp.post("/recovery-codes")
@_fresh_login
@limited("RATELIMIT_MFA", failures_only=True, account=_code_account)
def recovery_codes():
    form = CodeForm()
    if not form.validate_on_submit():
        return _index_page(renew=form, status=400)
    try:
        codes = mfa.regenerate_recovery_codes(accounts.user_of(current_user), form.code.data)
    except accounts.AccountError as error:
        form.code.errors.append(error.message)
        return _index_page(renew=form, status=_status(error, 400))
    return render_template("mfa/recovery_codes.html", codes=codes, next_page=url_for("mfa.index"))


@bp.post("/disable")
@_fresh_login
@limited("RATELIMIT_MFA", failures_only=True, account=_code_account)
def disable():
    form = CodeForm()
    if not form.validate_on_submit():
        return _index_page(disable=form, status=400)
    try:
        mfa.disable(accounts.user_of(current_user), form.code.data)
    except accounts.AccountError as error:
        form.code.errors.append(error.message)
        return _index_page(disable=form, status=_status(error, 400))
    # Every login of the account has ended, this one too: the next is made with the
    # password alone (or, for a role that requires a factor, sets a new one up).
    end_login()
    flash("Two-factor authentication is off, and every login has ended. Log in again.")
    return redirect(url_for(current_app.config["LOGIN_VIEW"]))


def _index_page(
    *, renew: CodeForm | None = None, disable: CodeForm | None = None, status: int = 200
):
    user_id = current_user.id
    enabled = mfa.active_factor(user_id) is not None
    page = render_template(
        "mfa/index.html",
        enabled=enabled,
        codes_left=mfa.recovery_codes_left(user_id) if enabled else 0,
        required=mfa.required_for(current_user.roles),
        renew_form=renew or CodeForm(formdata=None),
        disable_form=disable or CodeForm(formdata=None),
    )
    return page, status


def _setup_page(form: CodeForm, enrolment: mfa.Enrolment, status: int):
    # An SVG, inline as a data: URI: no script and no request for the QR code, and the
    # secret never appears in a URL or a log line.
    qr_code = segno.make(enrolment.uri, error="m").svg_data_uri(scale=5, border=2)
    secret = " ".join(enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4))
    page = render_template("mfa/setup.html", form=form, qr_code=qr_code, secret=secret)
    return page, status


def _status(error: accounts.AccountError, refused: int) -> int:
    # A secret MFA_ENCRYPTION_KEY cannot open is this service's failure, not the user's.
    return 503 if error.code == "mfa_unavailable" else refused


def _log_in_again():
    session.pop(_PENDING, None)
    flash(mfa.CHALLENGE_ENDED)
    return redirect(url_for(current_app.config["LOGIN_VIEW"]))


def _form_page(template: str, form):
    """The empty form on GET; the form with its errors and 400 on an invalid POST."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form), status


def _next_or_home() -> str:
    return safe_next_path(request.args.get("next")) or url_for(current_app.config["HOME_VIEW"])
