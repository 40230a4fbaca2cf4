"""JSON API: email verification by emailed token, resend, and REQUIRE_VERIFIED_EMAIL."""

import re

from {{ cookiecutter.package_name }} import account_emails, accounts, mail
from tests.conftest import PASSWORD

VERIFY = "/api/v1/auth/verify-email"
RESEND = "/api/v1/auth/verify-email/resend"
LINK = re.compile(r"https://app\.example\.test/auth/verify-email\?token=(\S+)")


def link_token(app) -> str:
    found = LINK.search(mail.outbox(app)[-1].get_content())
    assert found, "no verification link in the last message"
    return found.group(1)


def register(client, email="grace@example.com"):
    return client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})


def test_registration_sends_a_link_and_posting_its_token_verifies(app, api):
    assert register(api.client).status_code == 201
    assert [m["To"] for m in mail.outbox(app)] == ["grace@example.com"]

    response = api.client.post(VERIFY, json={"token": link_token(app)})

    assert response.status_code == 200
    assert response.get_json() == {"email_verified": True}
    api.log_in("grace@example.com")
    assert api.get("/api/v1/auth/me").get_json()["email_verified"] is True


def test_bad_or_reset_tokens_do_not_verify(app, api, user):
    api.client.post("/api/v1/auth/password-reset/request", json={"email": "ada@example.com"})
    reset_token = mail.outbox(app)[-1].get_content().split("token=", 1)[1].split()[0]

    for token in ("not-a-token", reset_token):
        response = api.client.post(VERIFY, json={"token": token})
        assert response.status_code == 400
        assert response.get_json()["error"] == "invalid_verification_token"
    api.log_in()
    assert api.get("/api/v1/auth/me").get_json()["email_verified"] is False


def test_resend_needs_a_login_sends_a_link_and_is_rate_limited(app, api, user):
    assert api.client.post(RESEND).status_code == 401
    api.log_in()

    statuses = [api.post(RESEND).status_code for _ in range(4)]  # RATELIMIT_VERIFY_RESEND: 3

    assert statuses == [202, 202, 202, 429]
    assert len(mail.outbox(app)) == 3
    assert api.client.post(VERIFY, json={"token": link_token(app)}).status_code == 200


def test_required_verification_refuses_login_only_after_a_correct_password(app, api, user):
    app.config["REQUIRE_VERIFIED_EMAIL"] = True

    wrong = api.log_in(password="wrong password entirely")
    unverified = api.log_in()

    assert wrong.status_code == 401
    assert wrong.get_json()["error"] == "invalid_credentials"
    assert unverified.status_code == 403
    assert unverified.get_json()["error"] == "email_not_verified"
    assert "access_token" not in unverified.get_json()
    assert "Set-Cookie" not in unverified.headers

    with app.test_request_context():
        account_emails.send_verification(accounts.find_user("ada@example.com"))
    api.client.post(VERIFY, json={"token": link_token(app)})
    assert api.log_in().status_code == 200
