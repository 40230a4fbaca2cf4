"""The redis backend, against the real Redis: keys, their TTLs, and failing closed."""

import time

import jwt
import pytest
import redis
from flask_jwt_extended import create_access_token
from sqlalchemy.exc import OperationalError

from {{ cookiecutter.package_name }} import accounts, create_app
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.security import families_redis
from tests.api_client import Api
from tests.conftest import PASSWORD, SECRET_KEY, configured_app, empty_database

CLOSED_PORT = "redis://127.0.0.1:1/0"

pytestmark = pytest.mark.logged_in


@pytest.fixture
def store(app, redis_prefix):
    client = redis.Redis.from_url(app.config["REDIS_URL"], decode_responses=True)
    yield client
    client.close()


def keys(store, prefix, kind) -> list[str]:
    return list(store.scan_iter(match=f"{prefix}{kind}:*"))


def test_login_stores_the_family_under_the_prefix_expiring_with_the_refresh_token(
    api, store, redis_prefix
):
    refresh = jwt.decode(api.refresh_token, options={"verify_signature": False})

    (family,) = keys(store, redis_prefix, "family")

    assert store.hget(family, "current") == refresh["jti"]
    assert abs(store.ttl(family) - (refresh["exp"] - time.time())) <= 2
    assert keys(store, redis_prefix, "revoked") == []


def test_logout_writes_a_revocation_that_expires_exactly_with_the_family(api, store, redis_prefix):
    refresh = jwt.decode(api.refresh_token, options={"verify_signature": False})

    api.log_out()

    (revoked,) = keys(store, redis_prefix, "revoked")
    assert store.expiretime(revoked) == refresh["exp"]


def test_reuse_detection_writes_the_revocation_with_the_family_ttl(app, api, store, redis_prefix):
    app.config["JWT_REFRESH_REUSE_GRACE_SECONDS"] = 0
    first = api.refresh_token
    api.refresh()

    assert api.refresh(refresh_token=first).status_code == 401

    (revoked,) = keys(store, redis_prefix, "revoked")
    first_claims = jwt.decode(first, options={"verify_signature": False})
    assert store.expiretime(revoked) == first_claims["exp"]


def test_redis_down_answers_503_revocation_store_unavailable_and_logs_it(api, app, caplog):
    app.extensions["revocation_redis"].close()
    app.extensions["revocation_redis"] = redis.Redis.from_url(
        "redis://127.0.0.1:1/0", socket_connect_timeout=1
    )

    response = api.get("/api/v1/auth/me")

    assert response.status_code == 503
    assert response.get_json()["error"] == "revocation_store_unavailable"
    assert "revocation store unavailable" in caplog.text


def test_redis_down_refuses_login_refresh_and_logout_with_503(api, app, user):
    app.extensions["revocation_redis"].close()
    app.extensions["revocation_redis"] = redis.Redis.from_url(
        "redis://127.0.0.1:1/0", socket_connect_timeout=1
    )

    assert api.refresh().status_code == 503
    assert Api(app.test_client()).log_in().status_code == 503


def test_readiness_names_the_revocation_store_when_redis_is_down(app, client, caplog):
    assert client.get("/readyz").get_json()["checks"]["revocation_store"] == "ok"
    app.extensions["revocation_redis"].close()
    app.extensions["revocation_redis"] = redis.Redis.from_url(CLOSED_PORT, socket_timeout=1)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "revocation_store": "down"}
    assert client.get("/healthz").status_code == 200  # liveness does not depend on Redis
    assert "readiness check 'revocation_store' failed" in caplog.text


def test_an_app_whose_redis_url_is_a_closed_port_fails_closed_with_503(database_url, caplog):
    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": CLOSED_PORT,
        }
    )
    with app.app_context():
        db.create_all()
        user = accounts.register("ada@example.com", PASSWORD)
        # A token exactly like the ones login issues (login itself needs Redis).
        token = create_access_token(
            str(user.id),
            additional_claims={
                "fam": "family",
                "ver": user.token_version,
                "fexp": int(time.time()) + 3600,
                "roles": [],
            },
        )
    client = Api(app.test_client())
    try:
        me = client.get("/api/v1/auth/me", token=token)
        login = client.log_in()
    finally:
        with app.app_context():
            empty_database()
            db.engine.dispose()
        app.extensions["revocation_redis"].close()

    assert (me.status_code, me.get_json()["error"]) == (503, "revocation_store_unavailable")
    assert (login.status_code, login.get_json()["error"]) == (503, "revocation_store_unavailable")
    assert "revocation store unavailable" in caplog.text


def test_a_limit_store_that_is_down_answers_503_fast_never_500(
    database_url, redis_url, redis_prefix
):
    # The limits live in this Redis unless RATELIMIT_STORAGE_URI says otherwise.
    settings = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": redis_prefix}
    with configured_app(database_url, **settings, RATELIMIT_STORAGE_URI=CLOSED_PORT) as app:
        started = time.monotonic()
        login = Api(app.test_client()).log_in()

    assert (login.status_code, login.get_json()["error"]) == (503, "rate_limit_store_unavailable")
    assert time.monotonic() - started < 5


@pytest.fixture
def redis_round_trips(monkeypatch) -> list:
    """Every exchange with Redis from now on: a command, or a whole pipeline, is one."""
    sent: list = []
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(connection, command, check_health=True):
        sent.append(command)
        return send(connection, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    return sent


def test_a_protected_request_costs_one_redis_round_trip_and_one_statement(
    api, redis_round_trips, statements
):
    redis_round_trips.clear()
    statements.clear()

    assert api.get("/api/v1/auth/me").status_code == 200

    assert len(redis_round_trips) == 1, redis_round_trips  # EXISTS on the revocation key
    assert len(statements) == 1, statements  # the user, active and on the token's version


def test_a_reply_left_unread_by_a_failed_request_never_answers_the_next_check(
    app, api, monkeypatch
):
    # The EXISTS is read after the user's statement. Here that statement fails, leaving
    # a live family's "0" on the connection; a revoked family must still be refused.
    revoked = Api(app.test_client())
    assert revoked.log_in().status_code == 200
    assert revoked.log_out().status_code == 200
    revoked.use_access_token(revoked.access_token)

    def database_down(*_args):
        raise OperationalError("SELECT", {}, ConnectionError("database down"))

    monkeypatch.setattr(families_redis, "active_user", database_down)
    with pytest.raises(OperationalError):
        api.get("/api/v1/auth/me")
    monkeypatch.undo()

    refused = revoked.get("/api/v1/auth/me")
    assert (refused.status_code, refused.get_json()["error"]) == (401, "token_revoked")
    assert api.get("/api/v1/auth/me").status_code == 200


def test_a_request_without_a_token_costs_no_round_trip_at_all(
    client, redis_round_trips, statements
):
    assert client.get("/api/v1/auth/me").status_code == 401

    assert redis_round_trips == []
    assert statements == []


def test_views_that_do_not_read_the_user_cost_no_lookup_with_a_valid_token(
    api, redis_round_trips, statements
):
    redis_round_trips.clear()
    statements.clear()

    assert api.get("/healthz").status_code == 200
    assert api.get("/api/v1/no/such/route").status_code == 404

    assert redis_round_trips == []
    assert statements == []
