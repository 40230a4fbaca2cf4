"""The application factory: configuration, extensions, blueprints, error handlers, CLI."""

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import {% if cookiecutter.auth_mode == "hybrid" %}admin, {% endif %}{% if cookiecutter.auth_mode == "session" %}audit, auth, {% else %}api, audit, {% endif %}cli{% if cookiecutter.auth_mode == "jwt_cookie" %}, demo{% endif %}, health, mail, mfa{% if cookiecutter.auth_mode in ["session", "hybrid"] %}, mfa_pages{% endif %}{% if cookiecutter.auth_mode == "session" %}, notes{% endif %}{% if cookiecutter.database == "sqlite" %}, sqlite{% endif %}
from .config import CONFIGS, check_production_config, default_database_url, environment_settings
from .errors import register_error_handlers
from .extensions import db, migrate
from .routing import RowIdConverter
from .security import (
    headers,
{%- if cookiecutter.auth_mode in ["session", "hybrid"] %}
    login_sessions,
{%- endif %}
    passwords,
    rate_limits,
    request_bodies,
{%- if cookiecutter.auth_mode in ["session", "hybrid"] %}
    signed_sessions,
{%- else %}
    stateless,
{%- endif %}
{%- if cookiecutter.auth_mode != "session" %}
    tokens,
{%- endif %}
{%- if cookiecutter.auth_mode == "hybrid" %}
    worlds,
{%- endif %}
)


def create_app(config_overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    configure(app, config_overrides or {})
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    cli.register(app)
    health.init_app(app)  # last: the liveness probe answers ahead of everything above
    return app


def configure(app: Flask, overrides: Mapping[str, Any]) -> None:
    env = overrides.get("APP_ENV") or os.environ.get("APP_ENV", "production")
    if env not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, got {env!r}")
    app.config["APP_ENV"] = env
    app.config.from_object(CONFIGS[env])
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(environment_settings(os.environ))
    app.config.from_mapping(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = default_database_url(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        raise RuntimeError("DATABASE_URL is not set")
    if env == "production":
        check_production_config(app.config)
    if app.config["TRUSTED_PROXY_COUNT"]:
        hops = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    db.init_app(app)
{%- if cookiecutter.auth_mode in ["session", "hybrid"] %}
    signed_sessions.init_app(app)
{%- else %}
    stateless.init_app(app)
{%- endif %}
{%- if cookiecutter.database == "sqlite" %}
    sqlite.init_app(app)
{%- endif %}
    migrate.init_app(app, db)
    passwords.init_app(app)
    mfa.init_app(app)
    mail.init_app(app)
    rate_limits.init_app(app)
    audit.init_app(app)
    headers.init_app(app)
    request_bodies.init_app(app)
{%- if cookiecutter.auth_mode in ["session", "hybrid"] %}
    login_sessions.init_app(app)
{%- endif %}
{%- if cookiecutter.auth_mode != "session" %}
    tokens.init_app(app)
{%- endif %}


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["id"] = RowIdConverter
    app.register_blueprint(health.bp)
{%- if cookiecutter.auth_mode == "session" %}
    app.register_blueprint(auth.bp)
    app.register_blueprint(mfa_pages.bp, url_prefix="/auth/mfa")
    app.register_blueprint(notes.bp)
{%- elif cookiecutter.auth_mode == "hybrid" %}
    # Operators' pages on sessions, customers' JSON API on bearer tokens (security/worlds.py).
    app.register_blueprint(admin.bp)
    app.register_blueprint(mfa_pages.bp, url_prefix="/admin/mfa")
    app.register_blueprint(api.bp)
    worlds.keep_apart(app)
{%- else %}
    app.register_blueprint(api.bp)
{%- endif %}
{%- if cookiecutter.auth_mode == "jwt_cookie" %}
    if app.config["APP_ENV"] == "development":
        # The reference browser client; never part of a deployed app.
        app.register_blueprint(demo.bp)
{%- endif %}
