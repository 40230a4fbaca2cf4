"""Session mode: what a request costs the database."""

from tests.session_client import log_in


def test_a_protected_request_costs_one_statement(client, user, statements):
    log_in(client)
    statements.clear()

    assert client.get("/auth/me").status_code == 200

    assert len(statements) == 1, statements
    assert "login_sessions" in statements[0]
    assert "users" in statements[0]


def test_a_public_page_costs_no_statement(client, statements):
    assert client.get("/auth/login").status_code == 200

    assert statements == []


def test_views_that_do_not_read_the_user_cost_no_lookup_with_a_login_cookie(
    client, user, statements
):
    log_in(client)
    statements.clear()

    assert client.get("/healthz").status_code == 200
    stylesheet = client.get("/static/style.css")
    stylesheet.close()
    assert stylesheet.status_code == 200
    assert statements == []

    assert client.get("/readyz").status_code == 200
    assert statements == ["SELECT 1"]  # the readiness probe's own, no user


def test_a_cookie_seen_before_costs_the_same_one_statement(client, user, statements):
    log_in(client)
    for _ in range(3):
        statements.clear()
        assert client.get("/auth/me").status_code == 200
        assert len(statements) == 1, statements  # the login record is checked every time
