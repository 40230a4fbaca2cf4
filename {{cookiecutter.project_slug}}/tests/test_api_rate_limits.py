"""JSON API: brute force and floods against /api/v1 get 429 JSON with Retry-After."""

{% if cookiecutter.jwt_blocklist == "redis" -%}
import redis

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.extensions import db
{% endif -%}
from tests.api_client import Api
{%- set with_redis = cookiecutter.jwt_blocklist == "redis" %}
from tests.conftest import PASSWORD{% if with_redis %}, SECRET_KEY, empty_database{% endif %}

LIMIT = 5  # TestingConfig.RATELIMIT_LOGIN
WRONG = "wrong password entirely"


def api_at(app, address: str) -> Api:
    """A client at another address (as ProxyFix or the server would report it)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Api(client)


def test_failed_logins_beyond_the_limit_get_429_json_with_retry_after(client, user):
    api = Api(client)
    for _ in range(LIMIT):
        assert api.log_in(password=WRONG).status_code == 401

    response = api.log_in(password=WRONG)

    assert response.status_code == 429
    assert response.get_json()["error"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0
    assert api.log_in().status_code == 429  # the right password too, until the window ends


def test_successful_logins_do_not_use_up_the_limit(client, user):
    api = Api(client)
    for _ in range(LIMIT + 2):
        assert api.log_in().status_code == 200


def test_many_addresses_against_one_account_are_limited_per_account(app, user):
    for number in range(LIMIT):
        assert api_at(app, f"203.0.113.{number + 1}").log_in(password=WRONG).status_code == 401

    fresh = api_at(app, "198.51.100.77")
    assert fresh.log_in(" ADA@Example.com ", WRONG).status_code == 429


def test_spoofed_x_forwarded_for_does_not_reset_the_address_counter(client):
    # Each guess names another account, so only the per-address limit can stop them.
    api = Api(client)
    for number in range(LIMIT):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{number + 1}"
        assert api.log_in(f"user{number}@example.com").status_code == 401

    client.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.200"
    assert api.log_in("another@example.com").status_code == 429


def test_registration_is_limited_per_address(app, client):
    app.config["RATELIMIT_REGISTER"] = "2 per minute"
    statuses = [
        client.post(
            "/api/v1/auth/register", json={"email": f"n{i}@example.com", "password": PASSWORD}
        ).status_code
        for i in range(3)
    ]

    assert statuses == [201, 201, 429]


def test_refresh_is_limited(app, client, user):
    app.config["RATELIMIT_REFRESH"] = "2 per minute"
    api = Api(client)
    api.log_in()

    statuses = [api.refresh().status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_password_reset_requests_are_limited_per_account(app, user):
    for number in range(3):  # TestingConfig.RATELIMIT_PASSWORD_RESET
        api = api_at(app, f"203.0.113.{number + 1}")
        response = api.client.post(
            "/api/v1/auth/password-reset/request", json={"email": "ada@example.com"}
        )
        assert response.status_code == 202

    fresh = api_at(app, "198.51.100.77")
    response = fresh.client.post(
        "/api/v1/auth/password-reset/request", json={"email": "ada@example.com"}
    )
    assert response.status_code == 429
    assert "Retry-After" in response.headers
{%- if cookiecutter.jwt_blocklist == "redis" %}


def test_unset_storage_counts_in_the_redis_at_redis_url(database_url, redis_url, redis_prefix):
    # TestingConfig counts in memory (isolated tests); deployments leave it unset.
    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": redis_prefix,
            "RATELIMIT_STORAGE_URI": None,
            # The limiter's keys under this test's prefix, so the fixture deletes them.
            "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": f"{redis_prefix}limits"},
        }
    )
    with app.app_context():
        db.create_all()
    try:
        assert app.config["RATELIMIT_STORAGE_URI"] == redis_url
        api = Api(app.test_client())
        for _ in range(LIMIT):
            api.log_in(password=WRONG)

        assert api.log_in(password=WRONG).status_code == 429
        server = redis.Redis.from_url(redis_url)
        assert list(server.scan_iter(match=f"{redis_prefix}limits*"))
        server.close()
    finally:
        with app.app_context():
            empty_database()
            db.engine.dispose()
        app.extensions["revocation_redis"].close()
{%- endif %}
