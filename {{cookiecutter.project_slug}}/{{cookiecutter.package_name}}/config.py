"""Configuration classes, chosen by APP_ENV, and the guard that keeps production safe.

Settings that differ per deployment come from environment variables, read when the
app is created (not at import), so that several apps in one process never share them.
"""

{% if cookiecutter.database == "sqlite" -%}
import os
{% endif -%}
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from .models.user import ROLES
from .security import passwords

# Values people paste from tutorials or leave from templates; never acceptable as secrets.
PLACEHOLDER_SECRETS = frozenset(
    {
        "changeme",
        "change-me",
        "change_me",
        "dev",
        "development",
        "secret",
        "secret-key",
        "super-secret",
        "replace-me",
        "your-secret-key",
    }
)
MIN_SECRET_LENGTH = 32


class BaseConfig:
    SITE_NAME = {{ cookiecutter.project_name | tojson }}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
{%- if cookiecutter.database == "postgresql" %}
    # A pooled connection the server or a proxy has closed is noticed and replaced before
    # a request uses it, instead of failing that request.
    SQLALCHEMY_ENGINE_OPTIONS: Mapping[str, Any] = {"pool_pre_ping": True}
{%- else %}
    # No pool pre-ping: a SQLite file has no server that could close a connection, and
    # the ping would cost every request a statement.
    SQLALCHEMY_ENGINE_OPTIONS: Mapping[str, Any] = {}
{%- endif %}

    # Number of reverse proxies in front of the app whose X-Forwarded-For / -Proto
    # headers are trusted. 0 means "none": the headers are ignored, so a client
    # cannot spoof its address.
    TRUSTED_PROXY_COUNT = 0

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # Flask rejects session cookies signed longer ago than this, which bounds how
    # long a captured cookie could be replayed even before the login record expires.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # How long a login without "remember me" lasts on the server.
    LOGIN_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
{%- if cookiecutter.auth_mode in ["session", "hybrid"] %}
    # Where security/login_sessions.py sends a browser that must log in, or confirm its
    # password for a sensitive action (the `next` parameter brings it back).
    LOGIN_VIEW = "{{ 'admin.login' if cookiecutter.auth_mode == 'hybrid' else 'auth.login' }}"
    REAUTH_VIEW = "{{ 'admin.reauth' if cookiecutter.auth_mode == 'hybrid' else 'auth.reauth' }}"
    # Where a completed login lands when no `next` says otherwise.
    HOME_VIEW = "{{ 'admin.dashboard' if cookiecutter.auth_mode == 'hybrid' else 'auth.dashboard' }}"
{%- endif %}

    PASSWORD_HASH = "{{ cookiecutter.password_hash }}"  # noqa: S105 (an algorithm, not a secret)
    # argon2id, RFC 9106 "low memory" profile: above OWASP's floor (m=19 MiB, t=2, p=1).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4
    # scrypt at OWASP's first row (N=2^17, r=8, p=1: 128 MiB per hash). Werkzeug's own
    # default, N=2^15 with p=1, is below OWASP's minimum.
    SCRYPT_N = 2**17
    SCRYPT_R = 8
    SCRYPT_P = 1

    PASSWORD_MIN_LENGTH = 12
    PASSWORD_MAX_LENGTH = 128
    # zxcvbn score from 0 (guessable in seconds) to 4; 3 resists offline attacks on a
    # slow hash.
    PASSWORD_MIN_STRENGTH = 3

    # Bodies above this are refused (413) before anything parses them.
    MAX_CONTENT_LENGTH = 1024 * 1024
    # HSTS only where HTTPS is certain (production): browsers remember it for a year.
    HSTS_ENABLED = False

    # Flask-Limiter strings, applied per client address AND per target account.
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}
    # None: count in the Redis at REDIS_URL (security/rate_limits.py), shared by every
    # worker, so N workers do not grant an attacker N times the limit.
    RATELIMIT_STORAGE_URI: str | None = None
{%- else %}
    # memory:// counts per process: behind several workers, use redis://host:6379/0.
    RATELIMIT_STORAGE_URI: str | None = "memory://"
{%- endif %}
    # A moving window counts the last minute (hour) at every moment: a fixed window would
    # allow twice a limit across a window's edge, and reset in the middle of an attack.
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    RATELIMIT_REGISTER = "10 per hour"
    RATELIMIT_PASSWORD_RESET = "5 per hour"  # noqa: S105 (a rate, not a secret)
    RATELIMIT_VERIFY_RESEND = "5 per hour"
    RATELIMIT_REAUTH = "10 per minute;50 per hour"
{%- if cookiecutter.auth_mode != "session" %}
    # A client refreshes once per access-token lifetime; more is a stolen-token flood.
    RATELIMIT_REFRESH = "30 per minute"
{%- endif %}

    # Failed second-factor codes, per client address and per account (a TOTP code is one
    # of a million: these bound an attacker who has the password to a few guesses a day).
    RATELIMIT_MFA = "5 per minute;20 per hour;50 per day"

    # Two-factor authentication (mfa.py). MFA_ENCRYPTION_KEY encrypts TOTP secrets at rest
    # and keys the recovery codes' hashes: a key of its own, so that a copy of the
    # database, or of SECRET_KEY{% if cookiecutter.auth_mode != "session" %} or the JWT key{% endif %}, opens neither.
    MFA_ENCRYPTION_KEY: str | None = None
    # Accounts holding any of these roles must have a second factor: a correct password
    # leads them to enrolment, and no login of theirs counts without a code.
    MFA_REQUIRED_ROLES: tuple[str, ...] = ("admin",)
    # The pending state between a correct password and the code: its lifetime, and how
    # many codes it takes before the password must be given again.
    MFA_CHALLENGE_LIFETIME = timedelta(minutes=5)
    MFA_CHALLENGE_MAX_ATTEMPTS = 5
    # The name authenticator apps show next to the code.
    MFA_ISSUER = {{ cookiecutter.project_name | tojson }}

    # Where links in emails point. Never taken from the request's Host header, which
    # the client controls (a poisoned reset link would carry the token to an attacker).
    PUBLIC_BASE_URL: str | None = None
{%- if cookiecutter.auth_mode == "session" %}
    # Pages this app serves (auth/recovery.py).
{%- else %}
    # Pages of your client app at PUBLIC_BASE_URL; they POST the `token` query parameter
    # to /api/v1/auth/password-reset/confirm or /api/v1/auth/verify-email.
{%- endif %}
    PASSWORD_RESET_PATH = "/auth/reset-password"  # noqa: S105 (a path)
    EMAIL_VERIFICATION_PATH = "/auth/verify-email"
    PASSWORD_RESET_MAX_AGE = 3600  # seconds
    EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 3600  # seconds
    # Refuse logins until the address is verified (said only after a correct password).
    REQUIRE_VERIFIED_EMAIL = False

    MAIL_BACKEND = "smtp"  # smtp | console | memory (see mail.py)
    MAIL_SERVER = "localhost"
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER: str | None = None
    MAIL_TIMEOUT = 10  # seconds
{%- if cookiecutter.auth_mode != "session" %}

    # JSON Web Tokens (Flask-JWT-Extended). JWT_SECRET_KEY comes from the environment
    # and must be set: left unset, Flask-JWT-Extended would silently sign with SECRET_KEY.
    JWT_SECRET_KEY: str | None = None
    # One algorithm, never a mix: the decode list is what an attacker could choose from.
    JWT_ALGORITHM = "HS256"
    JWT_DECODE_ALGORITHMS = ("HS256",)
    # Tokens name who issued them and for whom, so a token minted by another service
    # sharing the key (or a test) is refused. security/tokens.py requires both claims.
    JWT_ENCODE_ISSUER = "{{ cookiecutter.project_slug }}"
    JWT_DECODE_ISSUER = "{{ cookiecutter.project_slug }}"
    JWT_ENCODE_AUDIENCE = "{{ cookiecutter.project_slug }}-api"
    JWT_DECODE_AUDIENCE = "{{ cookiecutter.project_slug }}-api"
    JWT_DECODE_LEEWAY = 0
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=15)
    # The absolute end of a login: refresh-token rotation never extends it.
    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=30)
    # A rotated refresh token presented again this soon is taken for a second tab
    # refreshing at the same moment (answered 409, login kept), not for theft. 0 disables.
    JWT_REFRESH_REUSE_GRACE_SECONDS = 5
    JWT_ERROR_MESSAGE_KEY = "message"
{%- if cookiecutter.auth_mode == "jwt_cookie" %}
    JWT_TOKEN_LOCATION = ("cookies",)
    # Double submit: state-changing requests must echo the csrf cookie in X-CSRF-TOKEN.
    JWT_COOKIE_CSRF_PROTECT = True
    JWT_CSRF_IN_COOKIES = True
    JWT_COOKIE_SAMESITE = "Lax"
    JWT_COOKIE_SECURE = False
    JWT_ACCESS_COOKIE_PATH = "/"
    # The refresh token travels only to the auth endpoints, not with every API call.
    JWT_REFRESH_COOKIE_PATH = "/api/v1/auth"
    # The page's JavaScript can only read cookies whose path covers the page.
    JWT_ACCESS_CSRF_COOKIE_PATH = "/"
    JWT_REFRESH_CSRF_COOKIE_PATH = "/"
    # Persistent cookies, but security/tokens.py gives each one its token's own
    # lifetime as max-age (Flask-JWT-Extended's default would be one year).
    JWT_SESSION_COOKIE = False
{%- else %}
    JWT_TOKEN_LOCATION = ("headers",)
{%- endif %}
{%- if cookiecutter.jwt_blocklist == "redis" %}
    REDIS_URL = "redis://localhost:6379/0"
    # Every key this app writes starts with this, so several apps can share a Redis.
    REDIS_KEY_PREFIX = "{{ cookiecutter.package_name }}:"
{%- endif %}
{%- endif %}


class DevelopmentConfig(BaseConfig):
    DEBUG = True
    MAIL_BACKEND = "console"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"


class TestingConfig(BaseConfig):
    TESTING = True
{%- if cookiecutter.database == "postgresql" %}
    SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
{%- else %}
    SQLALCHEMY_DATABASE_URI = "sqlite://"
{%- endif %}
    # The cheapest parameters the libraries accept: tests hash hundreds of passwords.
    # ProductionConfig refuses to start with these.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    SCRYPT_N = 2**10
    SCRYPT_R = 8
    SCRYPT_P = 1
    MAIL_BACKEND = "memory"
    PUBLIC_BASE_URL = "https://app.example.test"
    # Small limits, so tests reach them in a few requests.
    RATELIMIT_LOGIN = "5 per minute"
    RATELIMIT_REGISTER = "20 per minute"
    RATELIMIT_PASSWORD_RESET = "3 per minute"  # noqa: S105
    RATELIMIT_VERIFY_RESEND = "3 per minute"
    RATELIMIT_REAUTH = "5 per minute"
    RATELIMIT_MFA = "5 per minute"
    # Development and production refuse to start without a key of their own.
    MFA_ENCRYPTION_KEY = "testing-only-mfa-key-never-use-in-production-abcdefghijklmn"
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}
    # Each app gets a fresh in-memory count, so tests cannot exhaust each other's limits;
    # tests/test_api_rate_limits.py proves that unset, the counters live in Redis.
    RATELIMIT_STORAGE_URI = "memory://"
{%- endif %}
{%- if cookiecutter.auth_mode != "session" %}
    # Explicit, so tests never fall back to SECRET_KEY; 32+ bytes, so PyJWT does not warn.
    # Development and production refuse to start without a key of their own.
    JWT_SECRET_KEY = "testing-only-jwt-key-never-use-in-production-0123456789"  # noqa: S105
{%- endif %}


class ProductionConfig(BaseConfig):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for Path=/ and without Domain, so
    # a sibling subdomain cannot plant or overwrite them.
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_NAME = "__Host-remember_token"
{%- if cookiecutter.auth_mode == "jwt_cookie" %}
    JWT_COOKIE_SECURE = True
    JWT_ACCESS_COOKIE_NAME = "__Host-access_token"
    JWT_REFRESH_COOKIE_NAME = "__Host-refresh_token"
    JWT_ACCESS_CSRF_COOKIE_NAME = "__Host-csrf_access_token"
    JWT_REFRESH_CSRF_COOKIE_NAME = "__Host-csrf_refresh_token"
    # Path=/ is the price of the prefix: the refresh cookie goes with every request to
    # this host, still HttpOnly and Secure, and only refresh and logout read it.
    JWT_REFRESH_COOKIE_PATH = "/"
{%- endif %}
    HSTS_ENABLED = True


CONFIGS: Mapping[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def environment_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Settings taken from environment variables."""
    settings: dict[str, Any] = {}
    if "SECRET_KEY" in environ:
        settings["SECRET_KEY"] = environ["SECRET_KEY"]
    if "DATABASE_URL" in environ:
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    if "TRUSTED_PROXY_COUNT" in environ:
        settings["TRUSTED_PROXY_COUNT"] = _non_negative_int(environ, "TRUSTED_PROXY_COUNT")
    settings.update(_mail_and_limit_settings(environ))
    if "MFA_ENCRYPTION_KEY" in environ:
        settings["MFA_ENCRYPTION_KEY"] = environ["MFA_ENCRYPTION_KEY"]
    if "MFA_REQUIRED_ROLES" in environ:
        roles = (role.strip() for role in environ["MFA_REQUIRED_ROLES"].split(","))
        settings["MFA_REQUIRED_ROLES"] = tuple(role for role in roles if role)
{%- if cookiecutter.auth_mode != "session" %}
    if "JWT_SECRET_KEY" in environ:
        settings["JWT_SECRET_KEY"] = environ["JWT_SECRET_KEY"]
    if "JWT_ACCESS_TOKEN_MINUTES" in environ:
        minutes = _positive_int(environ, "JWT_ACCESS_TOKEN_MINUTES")
        settings["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(minutes=minutes)
    if "JWT_REFRESH_TOKEN_DAYS" in environ:
        days = _positive_int(environ, "JWT_REFRESH_TOKEN_DAYS")
        settings["JWT_REFRESH_TOKEN_EXPIRES"] = timedelta(days=days)
    if "JWT_REFRESH_REUSE_GRACE_SECONDS" in environ:
        grace = _non_negative_int(environ, "JWT_REFRESH_REUSE_GRACE_SECONDS")
        settings["JWT_REFRESH_REUSE_GRACE_SECONDS"] = grace
{%- endif %}
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}
    for name in ("REDIS_URL", "REDIS_KEY_PREFIX"):
        if name in environ:
            settings[name] = environ[name]
{%- endif %}
    return settings


_TEXT_SETTINGS = (
    "PUBLIC_BASE_URL",
    "MAIL_BACKEND",
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_KEY_PREFIX",
    "RATELIMIT_LOGIN",
    "RATELIMIT_REGISTER",
    "RATELIMIT_PASSWORD_RESET",
    "RATELIMIT_VERIFY_RESEND",
    "RATELIMIT_REAUTH",
    "RATELIMIT_REFRESH",
    "RATELIMIT_MFA",
)
_FLAG_SETTINGS = ("MAIL_USE_TLS", "REQUIRE_VERIFIED_EMAIL")


def _mail_and_limit_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    settings: dict[str, Any] = {name: environ[name] for name in _TEXT_SETTINGS if name in environ}
    if "MAIL_PORT" in environ:
        settings["MAIL_PORT"] = _non_negative_int(environ, "MAIL_PORT")
    for name in _FLAG_SETTINGS:
        if name in environ:
            value = environ[name].strip().lower()
            if value not in {"0", "1", "true", "false", "yes", "no"}:
                raise RuntimeError(f"{name} must be true or false, got {environ[name]!r}")
            settings[name] = value in {"1", "true", "yes"}
    return settings


def default_database_url(instance_path: str) -> str | None:
    """The database used when neither DATABASE_URL nor the config class names one."""
{%- if cookiecutter.database == "sqlite" %}
    path = os.path.join(instance_path, "{{ cookiecutter.package_name }}.sqlite3")
    return f"sqlite:///{path}"
{%- else %}
    # PostgreSQL has no sensible default location: DATABASE_URL must say where it is.
    return None
{%- endif %}


def normalise_database_url(url: str) -> str:
    """Point postgres URLs at the psycopg 3 driver, whatever spelling the host gives."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _non_negative_int(environ: Mapping[str, str], name: str) -> int:
    value = environ[name]
    if not (value.isascii() and value.isdigit()):
        raise RuntimeError(f"{name} must be a whole number of 0 or more, got {value!r}")
    return int(value)
{%- if cookiecutter.auth_mode != "session" %}


def _positive_int(environ: Mapping[str, str], name: str) -> int:
    value = _non_negative_int(environ, name)
    if value == 0:
        raise RuntimeError(f"{name} must be at least 1")
    return value


def check_jwt_config(config: Mapping[str, Any]) -> None:
    """Checked in every environment: a missing JWT key must never fall back to SECRET_KEY."""
    if not config.get("JWT_SECRET_KEY"):
        raise RuntimeError(
            "JWT_SECRET_KEY is not set (Flask-JWT-Extended would sign tokens with SECRET_KEY)"
        )
    if config["JWT_SECRET_KEY"] == config.get("SECRET_KEY"):
        raise RuntimeError("JWT_SECRET_KEY must differ from SECRET_KEY")
    if config["JWT_REFRESH_TOKEN_EXPIRES"] <= config["JWT_ACCESS_TOKEN_EXPIRES"]:
        raise RuntimeError("JWT_REFRESH_TOKEN_EXPIRES must be longer than the access token's")
{%- endif %}


def check_mfa_config(config: Mapping[str, Any]) -> None:
    """Checked in every environment: the second factor's key is its own, its roles real."""
    key = config.get("MFA_ENCRYPTION_KEY")
    if not key:
        raise RuntimeError("MFA_ENCRYPTION_KEY is not set (it encrypts the TOTP secrets)")
    for other in ("SECRET_KEY",{% if cookiecutter.auth_mode != "session" %} "JWT_SECRET_KEY"{% endif %}):
        if key == config.get(other):
            raise RuntimeError(f"MFA_ENCRYPTION_KEY must differ from {other}")
    unknown = sorted(set(config["MFA_REQUIRED_ROLES"]) - ROLES)
    if unknown:
        raise RuntimeError(
            f"MFA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(ROLES))})"
        )


def _check_mail_and_links(config: Mapping[str, Any]) -> None:
    base = config.get("PUBLIC_BASE_URL") or ""
    if not base.startswith("https://"):
        raise RuntimeError("PUBLIC_BASE_URL must be set to the site's https:// address")
    if config.get("MAIL_BACKEND") != "smtp":
        # console would write live reset links into logs; memory would drop the mail.
        raise RuntimeError("MAIL_BACKEND must be smtp in production")
    if not config.get("MAIL_DEFAULT_SENDER"):
        raise RuntimeError("MAIL_DEFAULT_SENDER is not set")


def check_production_config(config: Mapping[str, Any]) -> None:
    """Refuse to start with settings that are only safe on a developer's machine."""
    _check_secret(config, "SECRET_KEY")
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        raise RuntimeError("DATABASE_URL is not set")
    for flag in ("DEBUG", "TESTING"):
        if config.get(flag):
            raise RuntimeError(f"{flag} must be off in production")
    _check_secret(config, "MFA_ENCRYPTION_KEY")
{%- if cookiecutter.auth_mode != "session" %}
    _check_secret(config, "JWT_SECRET_KEY")
    if tuple(config["JWT_DECODE_ALGORITHMS"]) != (config["JWT_ALGORITHM"],):
        raise RuntimeError("JWT_DECODE_ALGORITHMS must be exactly [JWT_ALGORITHM]")
{%- endif %}
    for flag in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"{% if cookiecutter.auth_mode == "jwt_cookie" %}, "JWT_COOKIE_SECURE"{% endif %}):
        if not config.get(flag):
            raise RuntimeError(f"{flag} must be on in production")
{%- if cookiecutter.auth_mode == "jwt_cookie" %}
    _check_host_cookies(config)
{%- endif %}
    _check_mail_and_links(config)
    problem = passwords.weak_parameters(config)
    if problem:
        raise RuntimeError(f"password hashing is too cheap for production: {problem}")


{% if cookiecutter.auth_mode == "jwt_cookie" -%}
# Each JWT cookie's name setting, with the path setting it is sent with.
_JWT_COOKIES = {
    "JWT_ACCESS_COOKIE_NAME": "JWT_ACCESS_COOKIE_PATH",
    "JWT_REFRESH_COOKIE_NAME": "JWT_REFRESH_COOKIE_PATH",
    "JWT_ACCESS_CSRF_COOKIE_NAME": "JWT_ACCESS_CSRF_COOKIE_PATH",
    "JWT_REFRESH_CSRF_COOKIE_NAME": "JWT_REFRESH_CSRF_COOKIE_PATH",
}


def _check_host_cookies(config: Mapping[str, Any]) -> None:
    # A browser silently drops a __Host- cookie set with another path or a Domain:
    # logins would seem to work and never stick.
    for name_setting, path_setting in _JWT_COOKIES.items():
        if not config.get(name_setting, "").startswith("__Host-"):
            continue
        if config.get(path_setting, "/") != "/" or config.get("JWT_COOKIE_DOMAIN"):
            raise RuntimeError(
                f"{name_setting} is a __Host- cookie: {path_setting} must be '/' "
                "and JWT_COOKIE_DOMAIN unset"
            )


{% endif -%}
def _check_secret(config: Mapping[str, Any], name: str) -> None:
    value = config.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set")
    if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
        raise RuntimeError(f"{name} must be at least {MIN_SECRET_LENGTH} characters long")
    if value.strip().lower() in PLACEHOLDER_SECRETS or len(set(value)) < 8:
        raise RuntimeError(f"{name} is a placeholder; generate a random value")
