"""Routes of the admin panel.

Every page passes `admin_required`, which re-reads the role from the user row that
security/login_sessions.py loaded for this request: revoking `admin` shuts the panel
for that person on their very next request, without waiting for any login to expire.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import confirm_login, current_user, login_fresh
from sqlalchemy import func, select

from .. import accounts, audit, mfa, mfa_pages
from ..errors import error_response
from ..extensions import db, login_manager
from ..forms import ChangePasswordForm, LoginForm, ReauthForm
from ..models.mfa import TotpFactor
from ..models.user import ADMIN, User
from ..security.login_sessions import end_login, start_login
from ..security.rate_limits import account_key, limited
from ..security.redirects import safe_next_path
from . import bp

# One answer for an unknown email, a wrong password, a deactivated account and a
# customer's correct password: the panel does not say which accounts are operators.
LOGIN_FAILED = "Email or password is incorrect."
PAGE_SIZE = 25
MAX_QUERY_LENGTH = 254


@bp.after_request
def _never_cache(response):
    # Account lists and the forms that change them must not stay in a shared or
    # back-button cache where the next person at the computer could read them.
    response.headers["Cache-Control"] = "no-store"
    return response


def admin_required(*, fresh: bool = False) -> Callable:
    """A logged-in user who holds `admin` now; with `fresh`, one who just typed a password."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(ADMIN):
                # Demoted while logged in: this login no longer opens anything here.
                audit.event("authz_admin_refused", user_id=current_user.id)
                end_login()
                return redirect(url_for("admin.login"))
            if fresh and not login_fresh():
                if request.method == "POST":
                    # Coming back to a POST-only address would be a 405: return to the
                    # list, where the operator presses the button again.
                    return redirect(url_for("admin.reauth", next=url_for("admin.users")))
                return login_manager.needs_refresh()
            return view(*args, **kwargs)

        return guarded

    return decorate


@bp.route("/login", methods=["GET", "POST"])
@limited("RATELIMIT_LOGIN", failures_only=True)
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return _form_page("admin/login.html", form)
    try:
        user = accounts.authenticate(form.email.data, form.password.data)
    except accounts.AccountError as error:  # a correct password, an unverified address
        if _is_admin(accounts.find_user(form.email.data)):
            form.form_errors.append(error.message)
            return render_template("admin/login.html", form=form), 403
        user = None
    if not _is_admin(user):
        if user is not None:
            # The password was right, but customers have no business here. Same words,
            # same status and the same password check as a wrong password.
            audit.event("authn_login_fail", user_id=user.id, reason="not_admin")
        form.form_errors.append(LOGIN_FAILED)
        return render_template("admin/login.html", form=form), 401
    # Operators need a second factor (MFA_REQUIRED_ROLES): the code page next, or the
    # setup page for one who has none yet. Only then is anybody logged in.
    pending = mfa_pages.second_step(user, remember=form.remember.data)
    if pending is not None:
        return pending
    audit.event("authn_login_success", user_id=user.id, mfa=None)
    start_login(user, remember=form.remember.data)
    return redirect(_next_or_dashboard())


@bp.post("/logout")
def logout():
    # POST only, and CSRFProtect has checked the token: a link or an image on another
    # site cannot log anyone out.
    if current_user.is_authenticated:
        audit.event("authn_logout", user_id=current_user.id)
    end_login()
    return redirect(url_for("admin.login"))


@bp.route("/reauth", methods=["GET", "POST"])
@admin_required()
@limited("RATELIMIT_REAUTH", failures_only=True, account=lambda: account_key(current_user.email))
def reauth():
    form = ReauthForm()
    if not form.validate_on_submit():
        return _form_page("admin/reauth.html", form)
    if not accounts.check_password(accounts.user_of(current_user), form.password.data):
        audit.event("authn_reauth_fail", user_id=current_user.id)
        form.password.errors.append("That password is not correct.")
        return render_template("admin/reauth.html", form=form), 401
    confirm_login()
    return redirect(_next_or_dashboard())


@bp.route("/change-password", methods=["GET", "POST"])
@admin_required(fresh=True)
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _form_page("admin/change_password.html", form)
    user = accounts.user_of(current_user)
    try:
        accounts.change_password(user, form.current_password.data, form.new_password.data)
    except accounts.AccountError as error:
        if error.code == "account_changed":  # its logins ended meanwhile, this one too
            form.form_errors.append(error.message)
            return render_template("admin/change_password.html", form=form), 409
        field = form.current_password if error.code == "wrong_password" else form.new_password
        field.errors.append(error.message)
        return render_template("admin/change_password.html", form=form), 400
    # Every login ended with the old password (API tokens too), this one included.
    start_login(user, remember=False, with_mfa=current_user.with_mfa)
    flash("Your password was changed; every other login has ended.")
    return redirect(url_for("admin.dashboard"))


@bp.get("/")
@admin_required()
def dashboard():
    count = select(func.count()).select_from(User)
    stats = {
        "users": db.session.scalar(count),
        "active": db.session.scalar(count.where(User.active.is_(True))),
    }
    return render_template("admin/dashboard.html", stats=stats)


@bp.get("/users")
@admin_required()
def users():
    query = request.args.get("q", "").strip().lower()[:MAX_QUERY_LENGTH]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    statement = select(User).order_by(User.id)
    if query:
        # autoescape: a `%` or `_` typed into the search box matches itself.
        statement = statement.where(User.email.contains(query, autoescape=True))
    found = db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)
    ids = [user.id for user in found.items]
    with_factor = set(
        db.session.scalars(
            select(TotpFactor.user_id).where(
                TotpFactor.user_id.in_(ids), TotpFactor.confirmed_at.is_not(None)
            )
        )
    )
    return render_template("admin/users.html", users=found, q=query, with_factor=with_factor)


@bp.post("/users/<id:user_id>/deactivate")
@admin_required(fresh=True)
def deactivate(user_id: int):
    user = _target(user_id)
    if user.id == current_user.id:
        return _refuse_self("You cannot deactivate your own account.")
    accounts.deactivate(user)  # also ends every session and token of theirs
    return _done("deactivate", user, f"Deactivated {user.email}; all their logins have ended.")


@bp.post("/users/<id:user_id>/reactivate")
@admin_required(fresh=True)
def reactivate(user_id: int):
    user = _target(user_id)
    accounts.reactivate(user)
    return _done("reactivate", user, f"Reactivated {user.email}.")


@bp.post("/users/<id:user_id>/grant-admin")
@admin_required(fresh=True)
def grant_admin(user_id: int):
    user = _target(user_id)
    accounts.grant_admin(user)
    return _done("grant_admin", user, f"{user.email} is now an admin.")


@bp.post("/users/<id:user_id>/revoke-admin")
@admin_required(fresh=True)
def revoke_admin(user_id: int):
    user = _target(user_id)
    if user.id == current_user.id:
        return _refuse_self("You cannot remove your own admin role.")
    accounts.revoke_admin(user)
    return _done("revoke_admin", user, f"{user.email} is no longer an admin.")


@bp.post("/users/<id:user_id>/logout-everywhere")
@admin_required()
def logout_everywhere(user_id: int):
    user = _target(user_id)
    accounts.log_out_everywhere(user)
    if user.id == current_user.id:
        end_login()
        return redirect(url_for("admin.login"))
    return _done("logout_everywhere", user, f"Ended every login of {user.email}.")


@bp.post("/users/<id:user_id>/mfa-reset")
@admin_required(fresh=True)
def reset_mfa(user_id: int):
    user = _target(user_id)
    if user.id == current_user.id:
        return _refuse_self("Turn your own second factor off from its page, with a code.")
    if not mfa.reset(user, by=current_user.id):  # also ends every login of theirs
        return error_response(409, "mfa_not_enabled", f"{user.email} has no second factor.")
    return _done(
        "mfa_reset", user, f"Removed the second factor of {user.email}; all their logins ended."
    )


def _target(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _is_admin(user: User | None) -> bool:
    return user is not None and user.active and user.has_role(ADMIN)


def _refuse_self(message: str):
    # Nobody can lock themselves out, so a panel always keeps at least one admin.
    return error_response(409, "cannot_change_own_account", message)


def _done(action: str, user: User, message: str):
    # Who did it, to whom: accounts.py records what happened to the account itself.
    audit.event("admin_action", user_id=current_user.id, action=action, target_user_id=user.id)
    flash(message)
    return redirect(url_for("admin.users"), 303)


def _form_page(template: str, form):
    """The empty form on GET; the form with its errors and 400 on an invalid POST."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form), status


def _next_or_dashboard() -> str:
    return safe_next_path(request.args.get("next")) or url_for("admin.dashboard")
