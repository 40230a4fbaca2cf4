"""Configuration: APP_ENV, environment variables, overrides and the production guard."""

import os

import pytest

from {{ cookiecutter.package_name }} import accounts, create_app
from {{ cookiecutter.package_name }}.config import TestingConfig, environment_settings
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.security.rate_limits import PER_PROCESS_WARNING
from tests.conftest import PASSWORD, REQUIRED_ENVIRONMENT, SECRET_KEY

OTHER_SECRET_KEY = "another-test-secret-key-zyxwvutsrqponmlkjihgfedcba9876543210"
# What production needs besides the secret key: where links point, and who sends mail.
PRODUCTION_SERVICES = {
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "PUBLIC_BASE_URL": "https://app.example.com",
    "MAIL_DEFAULT_SENDER": "noreply@example.com",
}
PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": SECRET_KEY, **PRODUCTION_SERVICES}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Each test starts from an environment that sets none of the app's variables."""
    for name in (
        "APP_ENV",
        "SECRET_KEY",
        "DATABASE_URL",
        "TRUSTED_PROXY_COUNT",
        "PUBLIC_BASE_URL",
        "MAIL_BACKEND",
        "MAIL_DEFAULT_SENDER",
        "RATELIMIT_STORAGE_URI",
        "RATELIMIT_KEY_PREFIX",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in REQUIRED_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)


def production_app(**changes):
    """A production app from PRODUCTION with `changes`; a value of None removes the key."""
    settings = {**PRODUCTION, **changes}
    return create_app({key: value for key, value in settings.items() if value is not None})


# -- APP_ENV ------------------------------------------------------------------------------


def test_app_env_development_turns_debug_on():
    app = create_app({"APP_ENV": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["APP_ENV"] == "development"
    assert app.debug
    assert not app.testing


def test_app_env_testing_uses_the_cheap_test_settings():
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["APP_ENV"] == "testing"
    assert app.testing
    assert not app.debug
    assert app.config["ARGON2_MEMORY_COST"] == TestingConfig.ARGON2_MEMORY_COST
    assert app.config["SCRYPT_N"] == TestingConfig.SCRYPT_N


def test_app_env_production_sets_secure_cookies():
    app = production_app()
    assert app.config["APP_ENV"] == "production"
    assert not app.debug
    assert not app.testing
    assert app.config["SESSION_COOKIE_SECURE"]
    assert app.config["REMEMBER_COOKIE_SECURE"]


def test_app_env_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("APP_ENV", "development")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["APP_ENV"] == "development"
    assert app.debug


def test_app_env_defaults_to_production_which_refuses_to_start_without_a_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(PRODUCTION_SERVICES)


def test_app_env_defaults_to_production(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", SECRET_KEY)
    app = create_app(PRODUCTION_SERVICES)
    assert app.config["APP_ENV"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"]


@pytest.mark.parametrize("env", ["staging", "Production", "prod", " testing"])
def test_unknown_app_env_is_refused(env):
    with pytest.raises(RuntimeError, match="APP_ENV"):
        create_app(
            {"APP_ENV": env, "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        )


def test_unknown_app_env_from_the_environment_is_refused(monkeypatch):
    monkeypatch.setenv("APP_ENV", "staging")
    with pytest.raises(RuntimeError, match="APP_ENV"):
        create_app({"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_unknown_password_hash_is_refused():
    with pytest.raises(RuntimeError, match="PASSWORD_HASH"):
        create_app(
            {"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "PASSWORD_HASH": "md5"}
        )


# -- environment variables and overrides ---------------------------------------------------


def test_environment_variables_are_used(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'env.sqlite3'}"
    monkeypatch.setenv("SECRET_KEY", OTHER_SECRET_KEY)
    monkeypatch.setenv("DATABASE_URL", url)
    app = create_app({"APP_ENV": "testing"})
    assert app.config["SECRET_KEY"] == OTHER_SECRET_KEY
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url


def test_config_overrides_win_over_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", OTHER_SECRET_KEY)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    override_url = f"sqlite:///{tmp_path / 'override.sqlite3'}"
    app = create_app(
        {"APP_ENV": "testing", "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": override_url}
    )
    assert app.config["SECRET_KEY"] == SECRET_KEY
    assert app.config["SQLALCHEMY_DATABASE_URI"] == override_url


def test_environment_is_read_when_each_app_is_created(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", SECRET_KEY)
    first = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.setenv("SECRET_KEY", OTHER_SECRET_KEY)
    second = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first.config["SECRET_KEY"] == SECRET_KEY
    assert second.config["SECRET_KEY"] == OTHER_SECRET_KEY


def test_two_apps_keep_their_own_config_and_database(app, tmp_path):
    other = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": OTHER_SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.sqlite3'}",
        }
    )
    try:
        assert app.config["SECRET_KEY"] == SECRET_KEY
        assert other.config["SECRET_KEY"] == OTHER_SECRET_KEY
        assert app.config["SQLALCHEMY_DATABASE_URI"] != other.config["SQLALCHEMY_DATABASE_URI"]

        with other.app_context():
            db.create_all()
            accounts.register("grace@example.com", PASSWORD)
        with app.app_context():
            accounts.register("ada@example.com", PASSWORD)

        with app.app_context():
            assert accounts.find_user("ada@example.com") is not None
            assert accounts.find_user("grace@example.com") is None
        with other.app_context():
            assert accounts.find_user("grace@example.com") is not None
            assert accounts.find_user("ada@example.com") is None
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgres://u:p@db.example.com:5432/app",
            "postgresql+psycopg://u:p@db.example.com:5432/app",
        ),
        ("postgresql://u:p@db.example.com/app", "postgresql+psycopg://u:p@db.example.com/app"),
        ("postgresql+psycopg://u@db.example.com/app", "postgresql+psycopg://u@db.example.com/app"),
        ("sqlite:////var/lib/app/app.sqlite3", "sqlite:////var/lib/app/app.sqlite3"),
    ],
)
def test_database_url_is_pointed_at_psycopg(given, expected):
    settings = environment_settings({"DATABASE_URL": given})
    assert settings["SQLALCHEMY_DATABASE_URI"] == expected


def test_database_url_from_a_host_is_normalised_in_the_app(monkeypatch):
    pytest.importorskip("psycopg")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example.com:5432/app")
    app = create_app({"APP_ENV": "testing"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u:p@db.example.com:5432/app"
    )


@pytest.mark.skipif(
    not TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"),
    reason="only SQLite bakes default to a file in the instance folder",
)
def test_default_database_is_a_file_in_the_instance_folder():
    app = create_app({"APP_ENV": "development"})
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    assert url.startswith("sqlite:///")
    path = url.removeprefix("sqlite:///")
    assert os.path.dirname(path) == app.instance_path
    assert path.endswith(".sqlite3")


def test_testing_config_keeps_its_own_database(monkeypatch):
    # Never the developer's database file: the test suite creates and drops tables.
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"APP_ENV": "testing"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == TestingConfig.SQLALCHEMY_DATABASE_URI


def test_trusted_proxy_count_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "2")
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["TRUSTED_PROXY_COUNT"] == 2


@pytest.mark.parametrize("value", ["two", "-1", "1.5", "", " 1"])
def test_non_numeric_trusted_proxy_count_is_refused(monkeypatch, value):
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", value)
    with pytest.raises(RuntimeError, match="TRUSTED_PROXY_COUNT"):
        create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


# -- the production guard -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        pytest.param({"SECRET_KEY": None}, "SECRET_KEY", id="secret-key-missing"),
        pytest.param({"SECRET_KEY": ""}, "SECRET_KEY", id="secret-key-empty"),
        pytest.param({"SECRET_KEY": "k7#Qz9!pLm2@Xw4$"}, "SECRET_KEY", id="secret-key-16"),
        pytest.param({"SECRET_KEY": SECRET_KEY[:31]}, "SECRET_KEY", id="secret-key-31"),
        pytest.param({"SECRET_KEY": "changeme"}, "SECRET_KEY", id="secret-key-placeholder"),
        pytest.param(
            {"SECRET_KEY": "your-secret-key".ljust(40)}, "SECRET_KEY", id="secret-key-padded"
        ),
        pytest.param({"SECRET_KEY": "a" * 40}, "SECRET_KEY", id="secret-key-repeated"),
        pytest.param({"SECRET_KEY": "ab" * 20}, "SECRET_KEY", id="secret-key-low-variety"),
        pytest.param({"DEBUG": True}, "DEBUG", id="debug"),
        pytest.param({"TESTING": True}, "TESTING", id="testing"),
        pytest.param({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE", id="session"),
        pytest.param({"REMEMBER_COOKIE_SECURE": False}, "REMEMBER_COOKIE_SECURE", id="remember"),
        pytest.param({"PUBLIC_BASE_URL": None}, "PUBLIC_BASE_URL", id="base-url-missing"),
        pytest.param(
            {"PUBLIC_BASE_URL": "http://app.example.com"}, "PUBLIC_BASE_URL", id="base-url-http"
        ),
        pytest.param(
            {"PASSWORD_HASH": "argon2", "ARGON2_MEMORY_COST": 8},
            "ARGON2_MEMORY_COST",
            id="argon2-memory",
        ),
        pytest.param(
            {"PASSWORD_HASH": "argon2", "ARGON2_TIME_COST": 1},
            "ARGON2_TIME_COST",
            id="argon2-time",
        ),
        pytest.param({"PASSWORD_HASH": "scrypt", "SCRYPT_N": 16}, "SCRYPT_N", id="scrypt-n"),
        pytest.param({"PASSWORD_HASH": "scrypt", "SCRYPT_R": 1}, "SCRYPT_R", id="scrypt-r"),
    ],
)
def test_production_refuses_unsafe_settings(changes, named):
    with pytest.raises(RuntimeError) as refused:
        production_app(**changes)
    assert named in str(refused.value)


def test_production_refuses_a_secret_key_from_the_environment_that_is_too_short(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"APP_ENV": "production", **PRODUCTION_SERVICES})


@pytest.mark.parametrize("algorithm", ["argon2", "scrypt"])
def test_valid_production_config_starts_with_secure_cookies(algorithm):
    app = production_app(PASSWORD_HASH=algorithm)
    config = app.config
    for cookie in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        assert config[f"{cookie}_SECURE"] is True
        assert config[f"{cookie}_HTTPONLY"] is True
        assert config[f"{cookie}_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")


def test_production_takes_its_secret_key_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", OTHER_SECRET_KEY)
    app = create_app({"APP_ENV": "production", **PRODUCTION_SERVICES})
    assert app.secret_key == OTHER_SECRET_KEY


def test_production_warns_that_memory_rate_limit_counters_are_per_process(caplog):
    production_app(RATELIMIT_STORAGE_URI="memory://")
    assert PER_PROCESS_WARNING in caplog.text


def test_development_does_not_warn_about_memory_rate_limit_counters(caplog):
    create_app({"APP_ENV": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert PER_PROCESS_WARNING not in caplog.text


def test_rate_limit_key_prefix_comes_from_the_environment(monkeypatch):
    # So several apps, or several test runs, can share one Redis without sharing counts.
    monkeypatch.setenv("RATELIMIT_KEY_PREFIX", "shop-limits")
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["RATELIMIT_KEY_PREFIX"] == "shop-limits"
