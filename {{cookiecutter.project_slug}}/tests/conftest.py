"""Fixtures: an app with its own empty database per test, clients, and ready-made users."""

{% if cookiecutter.database == "postgresql" -%}
import os
import uuid
from collections.abc import Iterator

{% endif -%}
import pytest
{%- if cookiecutter.database == "postgresql" %}
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
{%- endif %}

from {{ cookiecutter.package_name }} import accounts, create_app
from {{ cookiecutter.package_name }}.config import TestingConfig
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.user import User

PASSWORD = "plum tractor velvet sonnet 1987"
NEW_PASSWORD = "quiet lantern orbit 93 drifts"
SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
{%- if cookiecutter.database == "postgresql" %}


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A database of its own for this test run (and xdist worker), dropped at the end.

    TEST_DATABASE_URL names the server and a database to connect to for CREATE DATABASE.
    """
    server = make_url(os.environ.get("TEST_DATABASE_URL", TestingConfig.SQLALCHEMY_DATABASE_URI))
    name = f"{{ cookiecutter.package_name }}_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        if os.environ.get("REQUIRE_SERVICES"):
            raise
        pytest.skip(f"PostgreSQL at {server.render_as_string()} is unreachable: {error.orig}")
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
{%- else %}


@pytest.fixture(scope="session")
def database_url() -> str:
    # In memory: each app gets its own engine, so each test starts from an empty database.
    return TestingConfig.SQLALCHEMY_DATABASE_URI
{%- endif %}


@pytest.fixture
def app(database_url: str):
    app = create_app(
        {"APP_ENV": "testing", "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": database_url}
    )
    with app.app_context():
        db.create_all()
    # No app context stays pushed: each test request gets its own, as in production.
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create an account through the same code path as registration."""

    def make(email: str = "ada@example.com", password: str = PASSWORD, **kwargs) -> User:
        with app.app_context():
            user = accounts.register(email, password, **kwargs)
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def user(make_user) -> User:
    return make_user()


@pytest.fixture
def fetch_user(app):
    """Read a user's current row, as the next request would see it."""

    def fetch(email: str = "ada@example.com") -> User | None:
        with app.app_context():
            found = accounts.find_user(email)
            if found is not None:
                db.session.expunge(found)
            return found

    return fetch
