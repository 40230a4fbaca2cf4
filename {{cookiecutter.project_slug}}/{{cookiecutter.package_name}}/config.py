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
    SQLALCHEMY_ENGINE_OPTIONS: Mapping[str, Any] = {"pool_pre_ping": True}

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


class DevelopmentConfig(BaseConfig):
    DEBUG = True


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


class ProductionConfig(BaseConfig):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for Path=/ and without Domain, so
    # a sibling subdomain cannot plant or overwrite them.
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_NAME = "__Host-remember_token"


CONFIGS: Mapping[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def environment_settings(environ: Mapping[str, str], instance_path: str) -> dict[str, Any]:
    """Settings taken from environment variables."""
    settings: dict[str, Any] = {}
    if "SECRET_KEY" in environ:
        settings["SECRET_KEY"] = environ["SECRET_KEY"]
    if "DATABASE_URL" in environ:
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
{%- if cookiecutter.database == "sqlite" %}
    else:
        path = os.path.join(instance_path, "{{ cookiecutter.package_name }}.sqlite3")
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
{%- endif %}
    if "TRUSTED_PROXY_COUNT" in environ:
        settings["TRUSTED_PROXY_COUNT"] = _non_negative_int(environ, "TRUSTED_PROXY_COUNT")
    return settings


def normalise_database_url(url: str) -> str:
    """Point postgres URLs at the psycopg 3 driver, whatever spelling the host gives."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _non_negative_int(environ: Mapping[str, str], name: str) -> int:
    value = environ[name]
    if not value.isdigit():
        raise RuntimeError(f"{name} must be a whole number of 0 or more, got {value!r}")
    return int(value)


def check_production_config(config: Mapping[str, Any]) -> None:
    """Refuse to start with settings that are only safe on a developer's machine."""
    _check_secret(config, "SECRET_KEY")
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        raise RuntimeError("DATABASE_URL is not set")
    for flag in ("DEBUG", "TESTING"):
        if config.get(flag):
            raise RuntimeError(f"{flag} must be off in production")
    for flag in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if not config.get(flag):
            raise RuntimeError(f"{flag} must be on in production")
    problem = passwords.weak_parameters(config)
    if problem:
        raise RuntimeError(f"password hashing is too cheap for production: {problem}")


def _check_secret(config: Mapping[str, Any], name: str) -> None:
    value = config.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set")
    if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
        raise RuntimeError(f"{name} must be at least {MIN_SECRET_LENGTH} characters long")
    if value.strip().lower() in PLACEHOLDER_SECRETS or len(set(value)) < 8:
        raise RuntimeError(f"{name} is a placeholder; generate a random value")
