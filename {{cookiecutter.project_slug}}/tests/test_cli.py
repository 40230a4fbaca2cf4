"""`flask users ...`: what an operator sees at the command line."""

import pytest

from {{ cookiecutter.package_name }} import accounts
from tests.conftest import NEW_PASSWORD, PASSWORD


def create(runner, *args: str, password: str = PASSWORD):
    return runner.invoke(args=["users", "create", *args], input=password + "\n")


def test_create_an_admin_with_the_password_from_stdin(runner, app, fetch_user):
    result = create(runner, "root@example.com", "--role", "admin")
    assert result.exit_code == 0, result.output
    assert "root@example.com" in result.output
    created = fetch_user("root@example.com")
    assert created is not None
    assert created.roles == ["admin"]
    assert created.active
    with app.app_context():
        assert accounts.authenticate("root@example.com", PASSWORD) is not None


def test_create_without_a_role_makes_a_plain_user(runner, fetch_user):
    result = create(runner, "Ada@Example.com")
    assert result.exit_code == 0, result.output
    created = fetch_user("ada@example.com")
    assert created is not None
    assert created.roles == []


def test_create_reads_only_the_first_line_without_its_line_ending(runner, app):
    result = runner.invoke(
        args=["users", "create", "ada@example.com"], input=PASSWORD + "\r\nsecond line\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert accounts.authenticate("ada@example.com", PASSWORD) is not None


def test_create_refuses_an_unknown_role(runner, fetch_user):
    result = create(runner, "ada@example.com", "--role", "superuser")
    assert result.exit_code != 0
    assert fetch_user() is None


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short", "at least 12"), ("Password1234!", "common"), ("x" * 129, "at most 128")],
)
def test_create_refuses_a_weak_password_with_the_reason(runner, fetch_user, password, reason):
    result = create(runner, "ada@example.com", password=password)
    assert result.exit_code != 0
    assert reason in result.output
    assert fetch_user() is None


def test_create_refuses_a_duplicate(runner, user, fetch_user):
    result = create(runner, "ADA@example.com", password=NEW_PASSWORD)
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert fetch_user().id == user.id


@pytest.mark.parametrize("email", ["not-an-email", "ada@", "@example.com"])
def test_create_refuses_an_invalid_email(runner, email):
    result = create(runner, email)
    assert result.exit_code != 0
    assert "Created" not in result.output


@pytest.mark.parametrize("stdin", ["", "\n", "\r\n"])
def test_create_refuses_an_empty_password_on_stdin(runner, fetch_user, stdin):
    result = runner.invoke(args=["users", "create", "ada@example.com"], input=stdin)
    assert result.exit_code != 0
    assert "password" in result.output.lower()
    assert fetch_user() is None


def test_deactivate_blocks_the_account_and_ends_its_logins(runner, app, user, fetch_user):
    result = runner.invoke(args=["users", "deactivate", "ADA@example.com"])
    assert result.exit_code == 0, result.output
    after = fetch_user()
    assert after.active is False
    assert after.token_version == user.token_version + 1
    with app.app_context():
        assert accounts.authenticate("ada@example.com", PASSWORD) is None


def test_deactivate_an_unknown_email_fails(runner, user, fetch_user):
    result = runner.invoke(args=["users", "deactivate", "nobody@example.com"])
    assert result.exit_code != 0
    assert "nobody@example.com" in result.output
    assert fetch_user().active is True


def test_list_shows_every_account_with_its_status_and_roles(runner, make_user):
    make_user("ada@example.com", roles=("admin",))
    make_user("grace@example.com")
    assert runner.invoke(args=["users", "deactivate", "grace@example.com"]).exit_code == 0

    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    lines = {line.split("\t")[1]: line.split("\t") for line in result.output.splitlines()}
    assert set(lines) == {"ada@example.com", "grace@example.com"}
    assert lines["ada@example.com"][2:] == ["active", "admin"]
    assert lines["grace@example.com"][2:] == ["deactivated", "-"]


def test_list_with_no_accounts_prints_nothing(runner):
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert result.output.strip() == ""
