"""What a protected API request costs the database."""

from tests.api_client import Api


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


def test_a_request_without_a_valid_token_costs_no_statement(client, statements):
    assert client.get("/api/v1/auth/me").status_code == 401
    assert Api(client).get("/api/v1/auth/me", token="not.a.token").status_code == 401

    assert statements == []


def test_an_admin_request_costs_the_check_plus_the_listing(client, make_user, statements):
    make_user("root@example.com", roles=("admin",))
    api = Api(client)
    api.log_in("root@example.com")
    statements.clear()

    assert api.get("/api/v1/admin/users").status_code == 200

    assert len(statements) == 2, statements
