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
