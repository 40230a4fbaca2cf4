"""Routes of the authentication pages."""

from flask import jsonify, redirect, render_template, request, url_for
from flask_login import confirm_login, current_user, fresh_login_required, login_required

from .. import account_emails, accounts, audit, mfa_pages
from ..forms import ChangePasswordForm, LoginForm, ReauthForm
from ..security.login_sessions import end_login, start_login
from ..security.rate_limits import account_key, limited
from ..security.redirects import safe_next_path
from . import bp
from .forms import RegisterForm

LOGIN_FAILED = "Email or password is incorrect."


@bp.after_request
def _never_cache(response):
    # Pages behind login, and the forms that lead there, must not be kept by a shared
    # or back-button cache where the next person at the computer could read them.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@login_required
def dashboard():
    return render_template("dashboard.html")


@bp.route("/auth/register", methods=["GET", "POST"])
@limited("RATELIMIT_REGISTER")
def register():
    form = RegisterForm()
    if not form.validate_on_submit():
        return _form_page("auth/register.html", form)
    try:
        user = accounts.register(form.email.data, form.password.data)
    except accounts.AccountError as error:
        field = form.email if error.code in {"invalid_email", "email_taken"} else form.password
        field.errors.append(error.message)
        status = 409 if error.code == "email_taken" else 400
        return render_template("auth/register.html", form=form), status
    account_emails.send_verification(user)
    start_login(user, remember=False)
    return redirect(url_for("auth.dashboard"))


@bp.route("/auth/login", methods=["GET", "POST"])
@limited("RATELIMIT_LOGIN", failures_only=True)
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return _form_page("auth/login.html", form)
    try:
        user = accounts.authenticate(form.email.data, form.password.data)
    except accounts.AccountError as error:  # a correct password, an unverified address
        form.form_errors.append(error.message)
        return render_template("auth/login.html", form=form), 403
    if user is None:
        form.form_errors.append(LOGIN_FAILED)
        return render_template("auth/login.html", form=form), 401
    # An account with a second factor (or a role that requires one) is not logged in
    # yet: it is sent on to the code (or setup) page.
    pending = mfa_pages.second_step(user, remember=form.remember.data)
    if pending is not None:
        return pending
    audit.event("authn_login_success", user_id=user.id, mfa=None)
    start_login(user, remember=form.remember.data)
    return redirect(_next_or_dashboard())


@bp.post("/auth/logout")
def logout():
    # POST only, and CSRFProtect has checked the token: a link or an image on another
    # site cannot log anyone out.
    if current_user.is_authenticated:
        audit.event("authn_logout", user_id=current_user.id)
    end_login()
    return redirect(url_for("auth.login"))


@bp.post("/auth/logout-everywhere")
@login_required
def logout_everywhere():
    accounts.log_out_everywhere(accounts.user_of(current_user))
    end_login()
    return redirect(url_for("auth.login"))


@bp.get("/auth/me")
@login_required
def me():
    identity = current_user._get_current_object()  # one proxy lookup, not four
    return jsonify(
        id=identity.id,
        email=identity.email,
        email_verified=identity.email_verified,
        roles=list(identity.roles),
    )


@bp.route("/auth/reauth", methods=["GET", "POST"])
@login_required
@limited("RATELIMIT_REAUTH", failures_only=True, account=lambda: account_key(current_user.email))
def reauth():
    form = ReauthForm()
    if not form.validate_on_submit():
        return _form_page("auth/reauth.html", form)
    if not accounts.check_password(accounts.user_of(current_user), form.password.data):
        audit.event("authn_reauth_fail", user_id=current_user.id)
        form.password.errors.append("That password is not correct.")
        return render_template("auth/reauth.html", form=form), 401
    confirm_login()
    return redirect(_next_or_dashboard())


@bp.route("/auth/change-password", methods=["GET", "POST"])
@fresh_login_required
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _form_page("auth/change_password.html", form)
    user = accounts.user_of(current_user)
    try:
        accounts.change_password(user, form.current_password.data, form.new_password.data)
    except accounts.AccountError as error:
        if error.code == "account_changed":  # its logins ended meanwhile, this one too
            form.form_errors.append(error.message)
            return render_template("auth/change_password.html", form=form), 409
        field = form.current_password if error.code == "wrong_password" else form.new_password
        field.errors.append(error.message)
        return render_template("auth/change_password.html", form=form), 400
    # Every login ended with the old password, this one included; start a fresh one.
    start_login(user, remember=False, with_mfa=current_user.with_mfa)
    return redirect(url_for("auth.dashboard"))


def _form_page(template: str, form):
    """The empty form on GET; the form with its errors and 400 on an invalid POST."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form), status


def _next_or_dashboard() -> str:
    return safe_next_path(request.args.get("next")) or url_for("auth.dashboard")
