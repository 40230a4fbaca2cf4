"""JWT configuration: the signing key is never missing, reused or weak."""

import pytest

from {{ cookiecutter.package_name }} import create_app
from tests.conftest import MFA_ENCRYPTION_KEY, SECRET_KEY
from tests.test_config import PRODUCTION_SERVICES

JWT_KEY = "a-production-jwt-signing-key-0123456789-abcdefghijklmnop"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("APP_ENV", "SECRET_KEY", "JWT_SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def make(env: str, **changes):
    settings = {
        "APP_ENV": env,
        "SECRET_KEY": SECRET_KEY,
        "JWT_SECRET_KEY": JWT_KEY,
        "MFA_ENCRYPTION_KEY": MFA_ENCRYPTION_KEY,
        **PRODUCTION_SERVICES,
        **changes,
    }
    return create_app({k: v for k, v in settings.items() if v is not None})


@pytest.mark.parametrize("env", ["development", "production"])
def test_a_missing_jwt_secret_key_is_refused_never_replaced_by_secret_key(env):
    with pytest.raises(RuntimeError, match="JWT_SECRET_KEY is not set"):
        make(env, JWT_SECRET_KEY=None)


@pytest.mark.parametrize("env", ["development", "testing", "production"])
def test_a_jwt_secret_key_equal_to_secret_key_is_refused(env):
    with pytest.raises(RuntimeError, match="must differ from SECRET_KEY"):
        make(env, JWT_SECRET_KEY=SECRET_KEY)


@pytest.mark.parametrize(
    ("key", "problem"),
    [("short-key", "at least 32"), ("changeme" * 5, "placeholder"), ("a" * 40, "placeholder")],
)
def test_production_refuses_a_weak_jwt_secret_key(key, problem):
    with pytest.raises(RuntimeError, match=problem):
        make("production", JWT_SECRET_KEY=key)


def test_production_refuses_a_second_decode_algorithm():
    with pytest.raises(RuntimeError, match="JWT_DECODE_ALGORITHMS"):
        make("production", JWT_DECODE_ALGORITHMS=["HS256", "RS256"])


def test_the_jwt_secret_key_and_lifetimes_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("JWT_SECRET_KEY", JWT_KEY)
    monkeypatch.setenv("JWT_ACCESS_TOKEN_MINUTES", "5")
    monkeypatch.setenv("JWT_REFRESH_TOKEN_DAYS", "7")
    monkeypatch.setenv("JWT_REFRESH_REUSE_GRACE_SECONDS", "0")

    app = make("development", JWT_SECRET_KEY=None)

    assert app.config["JWT_SECRET_KEY"] == JWT_KEY
    assert app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds() == 300
    assert app.config["JWT_REFRESH_TOKEN_EXPIRES"].days == 7
    assert app.config["JWT_REFRESH_REUSE_GRACE_SECONDS"] == 0


def test_signing_is_pinned_to_hs256_with_issuer_audience_and_no_leeway():
    app = make("production")

    assert app.config["JWT_ALGORITHM"] == "HS256"
    assert tuple(app.config["JWT_DECODE_ALGORITHMS"]) == ("HS256",)
    assert app.config["JWT_DECODE_ISSUER"] == "{{ cookiecutter.project_slug }}"
    assert app.config["JWT_DECODE_AUDIENCE"]
    assert app.config["JWT_DECODE_LEEWAY"] == 0
