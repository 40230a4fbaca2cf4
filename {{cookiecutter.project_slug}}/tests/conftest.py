"""Fixtures: an app with its own empty database per test, clients, and ready-made users."""

import contextlib
import functools
{% if cookiecutter.database == "postgresql" or (cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis") -%}
import os
import uuid
{% endif -%}
from collections.abc import Iterator

{% if cookiecutter.database == "postgresql" -%}
import psycopg
{% endif -%}
import pytest
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}
import redis
{%- endif %}
from flask import Flask
{%- if cookiecutter.database == "postgresql" %}
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
{%- else %}
from sqlalchemy import event
{%- endif %}
from werkzeug.routing import Rule
from zxcvbn import zxcvbn

from {{ cookiecutter.package_name }} import accounts, create_app
from {{ cookiecutter.package_name }}.config import TestingConfig
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.user import User
from {{ cookiecutter.package_name }}.security import password_policy, totp
from tests import two_factor
from tests.two_factor import Clock, Factor, give_factor


class RuleBuiltOnFirstUse(Rule):
    """A URL rule that compiles its url_for builders the first time one is asked for.

    Each test makes an app of its own, and Werkzeug compiles two builders per rule (Python
    source, through compile()) as the rule is added: nine tenths of what `create_app`
    costs, for rules most tests never build a URL for. Matching is untouched, and a
    built URL is the same; only the tests' apps use this class.
    """

    def _compile_builder(self, append_unknown: bool = True):
        compiled = None

        def build(rule: Rule, *args, **kwargs):
            nonlocal compiled
            if compiled is None:
                compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            return compiled(*args, **kwargs)

        return build


Flask.url_rule_class = RuleBuiltOnFirstUse


@functools.lru_cache(maxsize=1024)
def _strength_of(password: str, personal: tuple[str, ...], max_length: int) -> dict:
    return zxcvbn(password, user_inputs=list(personal), max_length=max_length)


def _remembered_strength(password: str, user_inputs=(), max_length: int = 72) -> dict:
    """zxcvbn, computed once per password and personal words: a pure function, which the
    tests' hundreds of new accounts, most with the same password, would pay for each time."""
    return _strength_of(password, tuple(user_inputs or ()), max_length)


password_policy.zxcvbn = _remembered_strength

PASSWORD = "plum tractor velvet sonnet 1987"
NEW_PASSWORD = "quiet lantern orbit 93 drifts"
SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
# For tests that build a development or production app (testing has its own keys).
MFA_ENCRYPTION_KEY = "test-only-mfa-encryption-key-ABCDEFGHIJKLMNOPQRSTUVWXYZ-24680"
{%- if cookiecutter.auth_mode != "session" %}
JWT_SECRET_KEY = "test-only-jwt-signing-key-9876543210-zyxwvutsrqponmlkjihgfedcba"
{%- endif %}
# Secrets every environment but testing needs from outside, as a deployment sets them.
REQUIRED_ENVIRONMENT = {
    "MFA_ENCRYPTION_KEY": MFA_ENCRYPTION_KEY,
{%- if cookiecutter.auth_mode != "session" %}
    "JWT_SECRET_KEY": JWT_SECRET_KEY,
{%- endif %}
}
{%- if cookiecutter.database == "postgresql" %}


@contextlib.contextmanager
def fresh_postgres_database(purpose: str) -> Iterator[str]:
    """CREATE a database of its own on the TEST_DATABASE_URL server; yield its URL; DROP it.

    TEST_DATABASE_URL names the server and a database to connect to for CREATE DATABASE.
    Skipped when the server is unreachable, unless REQUIRE_SERVICES is set.
    """
    server = make_url(os.environ.get("TEST_DATABASE_URL", TestingConfig.SQLALCHEMY_DATABASE_URI))
    name = f"{{ cookiecutter.package_name }}_{purpose}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        if os.environ.get("REQUIRE_SERVICES"):
            raise
        pytest.skip(f"PostgreSQL at {server.render_as_string()} is unreachable: {error.orig}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A database of its own for this test run (and xdist worker), dropped at the end.

    Its tables are made once: creating them costs more than most tests, so they outlive
    each test, and only their rows are deleted after it (`empty_database`).
    """
    with fresh_postgres_database("test") as url:
        engine = create_engine(url)
        db.metadata.create_all(engine)
        engine.dispose()
        yield url
{%- else %}


@pytest.fixture(scope="session")
def database_url() -> str:
    # In memory: each app gets its own engine, so each test starts from an empty database.
    return TestingConfig.SQLALCHEMY_DATABASE_URI
{%- endif %}


def empty_database() -> None:
    """Delete every row of every table (in an app context); the tables stay."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The real Redis at REDIS_URL; skipped when unreachable unless REQUIRE_SERVICES is set."""
    url = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("REQUIRE_SERVICES"):
            raise
        pytest.skip(f"Redis at {url} is unreachable: {error}")
    finally:
        client.close()
    return url


@contextlib.contextmanager
def own_redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix nobody else uses; its keys are deleted afterwards."""
    prefix = f"{{ cookiecutter.package_name }}-test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    with own_redis_prefix(redis_url) as prefix:
        yield prefix
{%- endif %}


@contextlib.contextmanager
def configured_app(database_url: str, **config: object) -> Iterator[Flask]:
    """An app under TestingConfig and `config`, on `database_url`; its rows deleted after."""
    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            **config,
        }
    )
{%- if cookiecutter.database == "sqlite" %}
    with app.app_context():
        db.create_all()
{%- endif %}
    # No app context stays pushed: each test request gets its own, as in production.
    yield app
    with app.app_context():
        db.session.remove()
        empty_database()
        db.engine.dispose()
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}
    app.extensions["revocation_redis"].close()
{%- endif %}


@pytest.fixture
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}
def app(database_url: str, redis_url: str, redis_prefix: str) -> Iterator[Flask]:
    with configured_app(database_url, REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix) as app:
        yield app
{%- else %}
def app(database_url: str) -> Iterator[Flask]:
    with configured_app(database_url) as app:
        yield app
{%- endif %}


@pytest.fixture(scope="module")
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}
def module_app(
    request: pytest.FixtureRequest, database_url: str, redis_url: str
) -> Iterator[Flask]:
{%- else %}
def module_app(request: pytest.FixtureRequest, database_url: str) -> Iterator[Flask]:
{%- endif %}
    """One app for all of a module's tests, for tables of requests that change nothing.

    Cheaper than `app` per test by the app, its tables and its users; a test that
    changes the database leaves that change to the next, so such tests use `app`.
    The module's `APP_CONFIG` dict, if it has one, is added to the configuration.
    """
    config = getattr(request.module, "APP_CONFIG", {})
{%- if cookiecutter.auth_mode != "session" and cookiecutter.jwt_blocklist == "redis" %}
    with (
        own_redis_prefix(redis_url) as prefix,
        configured_app(
            database_url, REDIS_URL=redis_url, REDIS_KEY_PREFIX=prefix, **config
        ) as app,
    ):
        yield app
{%- else %}
    with configured_app(database_url, **config) as app:
        yield app
{%- endif %}


@pytest.fixture(autouse=True)
def totp_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """TOTP codes read against tests/two_factor.py's clock, from the same moment each test."""
    monkeypatch.setattr(two_factor.CLOCK, "now", two_factor.START)
    monkeypatch.setattr(totp, "now", two_factor.CLOCK)
    two_factor.FACTORS.clear()
    return two_factor.CLOCK


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
def factor(app, user) -> Factor:
    """`user` with a second factor set up (its secret and recovery codes)."""
    return give_factor(app, user.email)


{% if cookiecutter.auth_mode == "hybrid" -%}
@pytest.fixture
def admin(app, make_user, fetch_user) -> User:
    """An operator: holds the `admin` role the /admin panel requires, and a second factor."""
    from tests.session_client import ADMIN_EMAIL

    make_user(ADMIN_EMAIL, roles=("admin",))
    give_factor(app, ADMIN_EMAIL)  # the role requires one (MFA_REQUIRED_ROLES)
    return fetch_user(ADMIN_EMAIL)


@pytest.fixture
def admin_client(app, admin):
    """A browser logged into /admin as `admin`, with a fresh login."""
    from tests.session_client import log_in

    client = app.test_client()
    response = log_in(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


{% endif -%}
{% if cookiecutter.auth_mode != "session" -%}
@pytest.fixture
def api(request: pytest.FixtureRequest, client):
    """A client of the JSON API, in this bake's token transport (tests/api_client.py).

    Not logged in, unless the test or its module is marked `logged_in`: then it has
    logged in as `user`, with a fresh login.
    """
    from tests.api_client import Api  # which imports this module: not at the top

    api = Api(client)
    if request.node.get_closest_marker("logged_in"):
        request.getfixturevalue("user")
        assert api.log_in().status_code == 200
    return api


{% endif -%}
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


# Statements, not the driver's own transaction control (BEGIN, COMMIT, ROLLBACK, PRAGMA).
_STATEMENT_KEYWORDS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


@pytest.fixture
def statements(app):
    """The SQL statements the app sends its database from the moment the fixture is used.

    Counted at the driver, under SQLAlchemy: identity lookups run straight on a pooled
    DB-API connection (prepared.py), where SQLAlchemy's own execute events never fire.
    """
    seen: list[str] = []

    def record(sql: str) -> None:
        if sql.lstrip().upper().startswith(_STATEMENT_KEYWORDS):
            seen.append(sql)

{%- if cookiecutter.database == "sqlite" %}

    def watch(dbapi_connection, _record, _proxy) -> None:
        dbapi_connection.set_trace_callback(record)

    def unwatch(dbapi_connection, _record) -> None:
        dbapi_connection.set_trace_callback(None)
{%- else %}

    class RecordingCursor(psycopg.Cursor):
        def execute(self, query, params=None, **kwargs):
            record(str(query))
            return super().execute(query, params, **kwargs)

        def executemany(self, query, params_seq, **kwargs):
            record(str(query))
            return super().executemany(query, params_seq, **kwargs)

    def watch(dbapi_connection, _record, _proxy) -> None:
        dbapi_connection.cursor_factory = RecordingCursor

    def unwatch(dbapi_connection, _record) -> None:
        dbapi_connection.cursor_factory = psycopg.Cursor
{%- endif %}

    with app.app_context():
        engine = db.engine
    event.listen(engine, "checkout", watch)
    event.listen(engine, "checkin", unwatch)
    yield seen
    event.remove(engine, "checkout", watch)
    event.remove(engine, "checkin", unwatch)
