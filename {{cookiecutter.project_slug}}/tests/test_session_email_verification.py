"""Session mode: the verification link, resending it, and REQUIRE_VERIFIED_EMAIL."""

import re

from {{ cookiecutter.package_name }} import mail
from tests.conftest import PASSWORD
from tests.session_client import csrf_token, log_in, post_form

JSON = {"Accept": "application/json"}
LINK = re.compile(r"https://app\.example\.test/auth/verify-email\?token=(\S+)")


def register(client, email="grace@example.com"):
    token = csrf_token(client, "/auth/register")
    return client.post(
        "/auth/register", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )


def verification_token(app) -> str:
    found = LINK.search(mail.outbox(app)[-1].get_content())
    assert found, "no verification link in the last message"
    return found.group(1)


def confirm(client, token):
    return client.post(
        f"/auth/verify-email?token={token}", data={"csrf_token": csrf_token(client)}
    )


def test_registration_sends_a_link_and_confirming_it_verifies(app, client, fetch_user):
    register(client)
    assert mail.outbox(app)[-1]["To"] == "grace@example.com"
    assert client.get("/auth/me").json["email_verified"] is False

    response = confirm(client, verification_token(app))

    assert response.status_code == 200
    assert client.get("/auth/me").json["email_verified"] is True
    assert fetch_user("grace@example.com").email_verified_at is not None


def test_get_on_the_link_changes_nothing(app, client, fetch_user):
    register(client)
    token = verification_token(app)

    page = client.get(f"/auth/verify-email?token={token}")

    assert page.status_code == 200
    assert '<form method="post"' in page.get_data(as_text=True)
    assert fetch_user("grace@example.com").email_verified_at is None


def test_bad_verification_token_is_400(client, user, fetch_user):
    response = confirm(client, "not-a-token")

    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)
    assert fetch_user().email_verified_at is None


def test_expired_verification_token_is_400(app, client, fetch_user):
    register(client)
    token = verification_token(app)
    app.config["EMAIL_VERIFICATION_MAX_AGE"] = -1

    assert confirm(client, token).status_code == 400
    assert fetch_user("grace@example.com").email_verified_at is None


def test_resend_sends_a_new_link_and_is_rate_limited(app, client, user):
    log_in(client)
    statuses = [post_form(client, "/auth/verify-email/resend").status_code for _ in range(4)]

    assert statuses == [202, 202, 202, 429]  # TestingConfig.RATELIMIT_VERIFY_RESEND
    assert len(mail.outbox(app)) == 3


def test_resend_needs_a_login(client):
    response = client.post(
        "/auth/verify-email/resend", data={"csrf_token": csrf_token(client)}, headers=JSON
    )
    assert response.status_code == 401


def test_required_verification_refuses_login_only_after_a_correct_password(app, client, user):
    app.config["REQUIRE_VERIFIED_EMAIL"] = True

    wrong = log_in(client, password="wrong password entirely")
    right = log_in(client)

    assert wrong.status_code == 401
    assert "Confirm your email address" not in wrong.get_data(as_text=True)
    assert right.status_code == 403
    assert "Confirm your email address" in right.get_data(as_text=True)
    assert client.get("/auth/me", headers=JSON).status_code == 401


def test_required_verification_lets_verified_users_in(app, client):
    register(client)
    confirm(client, verification_token(app))
    app.config["REQUIRE_VERIFIED_EMAIL"] = True

    assert log_in(app.test_client(), "grace@example.com").status_code == 302
