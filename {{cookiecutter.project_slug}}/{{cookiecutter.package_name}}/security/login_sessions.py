"""Flask-Login wired to server-side login records.

This module is the one place that decides who a browser request belongs to: the
session (or remember-me) cookie names a login record, and one SQL statement loads that
record with its user, checking in the same query that the record is not revoked or
expired, that the user is active and that no "log out everywhere" happened since.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

import click
from flask import Flask, current_app, jsonify, redirect, request, session, url_for
from flask.cli import AppGroup
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie
from flask_login.config import COOKIE_NAME
from flask_wtf.csrf import CSRFError
from sqlalchemy import update

from .. import mfa
from ..errors import error_response, wants_json
from ..extensions import csrf, db, login_manager
from ..models.login_session import LoginSession, delete_dead_logins, hash_token, live_login_query
from ..models.user import User, utcnow
from ..prepared import PreparedSelect
from .identity import IDENTITY_COLUMNS, Identity


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    # Flask-Login 0.6.3 hashes the raw X-Forwarded-For header into its session
    # identifier, so any client could forge it. Use the address as resolved by the
    # trusted-proxy setting (ProxyFix) instead.
    login_manager._session_identifier_generator = _session_identifier
    # Flask-Login 0.6.3 deletes the remember-me cookie without `Secure`, and browsers
    # ignore a Set-Cookie for a __Host- name that lacks it: the cookie would stay.
    login_manager._clear_cookie = _clear_remember_cookie
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.needs_refresh_handler(_needs_fresh_login)
    user_loaded_from_cookie.connect(_bind_restored_session, app)
    app.cli.add_command(logins_cli)
    csrf.init_app(app)
    app.register_error_handler(CSRFError, _csrf_failed)


def start_login(user: User, *, remember: bool, with_mfa: bool = False) -> None:
    """Log `user` in on this browser with a new login record (`with_mfa`: made with a code)."""
    lifetime = current_app.config[
        "REMEMBER_COOKIE_DURATION" if remember else "LOGIN_SESSION_LIFETIME"
    ]
    record, token = LoginSession.open(user, lifetime, with_mfa=with_mfa)
    db.session.add(record)
    db.session.commit()
    # Drop everything the anonymous session held, so a session planted by an attacker
    # before login (session fixation) carries nothing into the logged-in one.
    session.clear()
    user.login_token = token
    login_user(user, remember=remember)
    if not remember:
        # A remember-me cookie left from an earlier login on this browser must not
        # outlive the login that replaces it.
        session["_remember"] = "clear"


def end_login() -> None:
    """Revoke this browser's login record and forget the login on the client."""
    if current_user.is_authenticated:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == hash_token(current_user.login_token))
            .values(revoked_at=utcnow())
        )
        db.session.commit()
    # Clear first: logout_user() leaves the marker that deletes the remember-me cookie,
    # and clearing the session afterwards would drop that marker.
    session.clear()
    logout_user()


{% if cookiecutter.auth_mode == "hybrid" and cookiecutter.jwt_blocklist == "database" -%}
# The API's token families share this table; their rows always hold a refresh jti. A
# family id is never a browser login, whatever cookie names it.
_LIVE_LOGIN = PreparedSelect(
    live_login_query((*IDENTITY_COLUMNS, LoginSession.mfa), LoginSession.refresh_jti.is_(None))
)
{%- else -%}
_LIVE_LOGIN = PreparedSelect(live_login_query((*IDENTITY_COLUMNS, LoginSession.mfa)))
{%- endif %}


@dataclass(frozen=True, slots=True)
class BrowserIdentity(Identity):
    """A browser's identity, as Flask-Login needs it: its id is the login's token."""

    login_token: str
    # Whether this login was made with a second factor.
    with_mfa: bool

    is_authenticated = True
    is_active = True  # the lookup only finds active users
    is_anonymous = False

    def get_id(self) -> str:
        return self.login_token


def load_user(token: str) -> BrowserIdentity | None:
    row = _LIVE_LOGIN.first(db.engine, {"token_hash": hash_token(token), "now": utcnow()})
    if row is None:
        return None
    identity = BrowserIdentity.from_row(row, token, row[-1])
    if not mfa.login_allowed(identity.roles, with_mfa=identity.with_mfa):
        return None  # the account needs a second factor, and this login was made without
    return identity


logins_cli = AppGroup("logins", help="Maintain the table of login records.")


@logins_cli.command("prune")
def prune_logins() -> None:
    """Delete login records that can never be used again (run it daily, e.g. from cron)."""
    click.echo(f"Deleted {delete_dead_logins()} login records.")


def _session_identifier() -> str:
    base = f"{request.remote_addr}|{request.headers.get('User-Agent', '')}"
    return hashlib.sha512(base.encode()).hexdigest()


def _clear_remember_cookie(response) -> None:
    config = current_app.config
    response.delete_cookie(
        config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME),
        domain=config.get("REMEMBER_COOKIE_DOMAIN"),
        path=config.get("REMEMBER_COOKIE_PATH", "/"),
        secure=config.get("REMEMBER_COOKIE_SECURE", False),
        httponly=config.get("REMEMBER_COOKIE_HTTPONLY", True),
        samesite=config.get("REMEMBER_COOKIE_SAMESITE"),
    )


def _bind_restored_session(_app: Flask, user: BrowserIdentity) -> None:
    # Flask-Login 0.6.3 restores a session from the remember-me cookie without the
    # identifier "strong" protection compares, so the very next request would look
    # hijacked and end the login. Bind the restored session to this client here.
    session["_id"] = _session_identifier()


def _unauthorized():
    if wants_json():
        return jsonify(error="login_required", message="Log in to continue."), 401
    return redirect(_with_next(current_app.config["LOGIN_VIEW"]))


def _needs_fresh_login():
    if wants_json():
        return jsonify(error="fresh_login_required", message="Confirm your password."), 401
    return redirect(_with_next(current_app.config["REAUTH_VIEW"]))


def _with_next(endpoint: str) -> str:
    target = request.full_path if request.query_string else request.path
    return f"{url_for(endpoint)}?{urlencode({'next': target})}"


def _csrf_failed(_error: CSRFError):
    message = "The form expired or did not come from this site. Please try again."
    return error_response(400, "csrf_failed", message)
