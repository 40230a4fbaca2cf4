"""Session mode: what a request costs the database."""

import pytest
from sqlalchemy import event

from {{ cookiecutter.package_name }}.extensions import db
from tests.session_client import log_in


@pytest.fixture
def statements(app):
    """The SQL statements the app runs from the moment the fixture is used."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


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
