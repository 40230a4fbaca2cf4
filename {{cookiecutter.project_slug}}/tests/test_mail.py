"""Mail: a real SMTP round trip (aiosmtpd), and links that ignore the Host header."""

import time

import pytest

from {{ cookiecutter.package_name }} import account_emails, mail
from tests.conftest import PASSWORD
from tests.smtp_sink import smtp_sink


@pytest.fixture
def smtp_server():
    with smtp_sink() as (inbox, port):
        yield inbox, port


def test_reset_mail_travels_through_a_real_smtp_server(app, user, smtp_server):
    inbox, port = smtp_server
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_DEFAULT_SENDER="Service <no-reply@app.example.test>",
    )
    with app.test_request_context():
        account_emails.request_password_reset("ada@example.com")

    (recipients, message), *_ = inbox.wait_for(1)
    assert recipients == ["ada@example.com"]
    assert message["From"] == "Service <no-reply@app.example.test>"
    assert message["Subject"] == "Reset your password"
    body = message.get_payload(decode=True).decode()
    assert "https://app.example.test/auth/reset-password?token=" in body
    assert mail.outbox(app) == []


def test_unreachable_smtp_server_is_logged_not_raised(app, user, caplog):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=1)
    with app.test_request_context():
        account_emails.request_password_reset("ada@example.com")
    deadline = time.monotonic() + 5
    while "could not deliver" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "could not deliver email 'Reset your password'" in caplog.text
    assert "token=" not in caplog.text


def test_console_backend_logs_the_message(app, caplog):
    app.config["MAIL_BACKEND"] = "console"
    with app.app_context(), caplog.at_level("INFO"):
        mail.send("ada@example.com", "Hello", "the body")
    assert "Hello" in caplog.text
    assert "the body" in caplog.text


def test_links_come_from_public_base_url(app):
    with app.test_request_context(headers={"Host": "evil.example"}):
        assert mail.public_url("/x", token="abc") == "https://app.example.test/x?token=abc"


def test_unknown_mail_backend_is_refused(app):
    from {{ cookiecutter.package_name }} import create_app
    from tests.conftest import SECRET_KEY

    with pytest.raises(RuntimeError, match="MAIL_BACKEND"):
        create_app(
            {
                "APP_ENV": "testing",
                "SECRET_KEY": SECRET_KEY,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "MAIL_BACKEND": "carrier-pigeon",
            }
        )


def test_registering_with_the_shared_service_does_not_send_mail(app):
    # Only the surfaces decide to send verification mail (the CLI, for one, does not).
    from {{ cookiecutter.package_name }} import accounts

    with app.app_context():
        accounts.register("grace@example.com", PASSWORD)
    assert mail.outbox(app) == []
