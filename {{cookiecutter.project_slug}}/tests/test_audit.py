"""The audit log: the events are there, in JSON lines, and never hold a secret."""

import json
import logging

import pytest

from {{ cookiecutter.package_name }} import account_emails, accounts, audit, mail
{%- if cookiecutter.auth_mode != "session" %}
from tests.api_client import Api
{%- endif %}
from tests.conftest import NEW_PASSWORD, PASSWORD
{%- if cookiecutter.auth_mode == "session" %}
from tests.session_client import log_in
{%- endif %}

LOGGER = "{{ cookiecutter.package_name }}.audit"


@pytest.fixture
def records(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    def read() -> list[dict]:
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER]

    return read


def in_request(app, **environ):
    return app.test_request_context(
        environ_base={"REMOTE_ADDR": "203.0.113.9", **environ},
        headers={"X-Request-ID": "req-42"},
    )


def test_login_success_and_failure_are_recorded(app, client, user, records):
    with in_request(app):
        accounts.authenticate("ada@example.com", "wrong password entirely")
        accounts.authenticate("nobody@example.com", "wrong password entirely")
        # A correct password alone records nothing: the login it leads to does.
        assert accounts.authenticate("ada@example.com", PASSWORD) is not None
{%- if cookiecutter.auth_mode == "session" %}
    assert log_in(client).status_code == 302
{%- else %}
    assert Api(client).log_in().status_code == 200
{%- endif %}

    wrong, unknown, success = records()
    assert wrong["event"] == "authn_login_fail"
    assert wrong["user_id"] == user.id
    assert wrong["ip"] == "203.0.113.9"
    assert wrong["request_id"] == "req-42"
    assert wrong["timestamp"].endswith("+00:00")
    assert unknown["event"] == "authn_login_fail"
    assert unknown["email"] == "n***@example.com"
    assert success["event"] == "authn_login_success"
    assert success["user_id"] == user.id
    assert success["mfa"] is None  # the password alone


def test_account_changes_are_recorded(app, user, runner, records):
    with in_request(app):
        found = accounts.find_user("ada@example.com")
        accounts.change_password(found, PASSWORD, NEW_PASSWORD)
        accounts.log_out_everywhere(found)
        accounts.grant_admin(found)
    runner.invoke(args=["users", "deactivate", "ada@example.com"])

    events = [r["event"] for r in records()]
    assert events == [
        "authn_password_change",
        "authn_logout_everywhere",
        "authz_role_granted",
        "user_deactivated",
    ]
    assert records()[-1]["ip"] is None  # from the command line


def test_reset_and_verification_are_recorded_without_secrets(app, user, records, caplog):
    with in_request(app):
        account_emails.send_verification(accounts.find_user("ada@example.com"))
        verify_token = mail.outbox(app)[-1].get_content().split("token=", 1)[1].split()[0]
        account_emails.verify_email(verify_token)
        account_emails.request_password_reset("ada@example.com")
        account_emails.request_password_reset("nobody@example.com")
        reset_link = mail.outbox(app)[-1].get_content()
        token = reset_link.split("token=", 1)[1].split()[0]
        account_emails.reset_password(token, NEW_PASSWORD)
        accounts.authenticate("ada@example.com", PASSWORD)  # a failure: the old password

    events = [r["event"] for r in records()]
    assert events == [
        "authn_verification_sent",
        "authn_email_verified",
        "authn_password_reset_request",
        "authn_password_reset_request",
        "authn_password_reset",
        "authn_login_fail",
    ]
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == LOGGER)
    with app.app_context():
        password_hash = accounts.find_user("ada@example.com").password_hash
    for secret in (PASSWORD, NEW_PASSWORD, token, verify_token, password_hash, "nobody@"):
        assert secret not in text


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("ada@example.com", "a***@example.com"),
        ("  Ada@Example.COM ", "a***@example.com"),
        ("no-at-sign", "***"),
        ("", None),
    ],
)
def test_emails_are_masked(email, masked):
    assert audit.mask_email(email) == masked
