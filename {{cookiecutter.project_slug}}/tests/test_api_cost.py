"""What a protected API request costs the database."""

import time

import jwt

from tests.api_client import Api
from tests.two_factor import give_factor


def test_a_protected_request_costs_one_sql_statement(client, user, statements):
    api = Api(client)
    api.log_in()
    statements.clear()

    assert api.get("/api/v1/auth/me").status_code == 200

    assert len(statements) == 1, statements
    assert "users" in statements[0]
{%- if cookiecutter.jwt_blocklist == "database" %}
    # The family's revocation state comes in the same statement as the user.
    assert "login_sessions" in statements[0]
{%- endif %}


def test_a_request_without_a_valid_token_costs_no_statement(app, client, user, statements):
    api = Api(client)
    api.log_in()
    valid = jwt.decode(api.access_token, options={"verify_signature": False})
    key = app.config["JWT_SECRET_KEY"]
    expired = jwt.encode({**valid, "exp": int(time.time()) - 60}, key, algorithm="HS256")
    elsewhere = jwt.encode({**valid, "aud": "another-service"}, key, algorithm="HS256")
    statements.clear()

    assert app.test_client().get("/api/v1/auth/me").status_code == 401
    for token in ("not.a.token", expired, elsewhere):
        stranger = Api(app.test_client())  # holds no cookie of the real login
        assert stranger.get("/api/v1/auth/me", token=token).status_code == 401

    assert statements == []  # refused on the token alone, before any lookup


def test_views_that_do_not_read_the_user_cost_no_lookup_with_a_valid_token(
    client, user, statements
):
    api = Api(client)
    api.log_in()
    statements.clear()

    assert api.get("/healthz").status_code == 200
    assert api.get("/api/v1/no/such/route").status_code == 404
    assert statements == []

    assert api.get("/readyz").status_code == 200
    assert statements == ["SELECT 1"]  # the readiness probe's own, no user


def test_a_token_seen_before_costs_the_same_one_statement(client, user, statements):
    api = Api(client)
    api.log_in()
    for _ in range(3):
        statements.clear()
        assert api.get("/api/v1/auth/me").status_code == 200
        assert len(statements) == 1, statements  # its login is checked every time


def test_an_admin_request_costs_the_check_plus_the_listing(app, client, make_user, statements):
    make_user("root@example.com", roles=("admin",))
    give_factor(app, "root@example.com")  # the role requires one
    api = Api(client)
    api.log_in("root@example.com")
    statements.clear()

    assert api.get("/api/v1/admin/users").status_code == 200

    assert len(statements) == 2, statements
