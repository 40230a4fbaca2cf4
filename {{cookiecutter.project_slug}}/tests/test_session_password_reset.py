"""Session mode: the forgot-password and reset-password pages."""

import re
from unittest import mock

from {{ cookiecutter.package_name }} import account_emails, mail
from {{ cookiecutter.package_name }}.security import email_tokens
from tests.conftest import NEW_PASSWORD, PASSWORD
from tests.session_client import csrf_token, log_in, post_form

NEWER_PASSWORD = "amber walrus 4417 kettledrum"
LINK = re.compile(r"https://app\.example\.test/auth/reset-password\?token=(\S+)")


def request_reset(client, email="ada@example.com"):
    return post_form(client, "/auth/forgot-password", {"email": email}, page="/auth/login")


def reset_token(app) -> str:
    found = LINK.search(mail.outbox(app)[-1].get_content())
    assert found, "no reset link in the last message"
    return found.group(1)


def reset(client, token, password=NEW_PASSWORD):
    page = f"/auth/reset-password?token={token}"
    return client.post(
        page, data={"new_password": password, "csrf_token": csrf_token(client, "/auth/login")}
    )


def test_forgot_password_answers_the_same_for_known_and_unknown_emails(app, client, user):
    known = request_reset(client, "ada@example.com")
    unknown = request_reset(client, "nobody@example.com")

    assert known.status_code == unknown.status_code == 202
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert [m["To"] for m in mail.outbox(app)] == ["ada@example.com"]


def test_forgot_password_does_the_same_work_for_unknown_emails(client, user):
    # Equal time by construction: both paths sign a token (delivery is off-thread).
    with mock.patch.object(
        account_emails, "make_reset_token", wraps=email_tokens.make_reset_token
    ) as make:
        request_reset(client, "ada@example.com")
        request_reset(client, "nobody@example.com")
    assert make.call_count == 2


def test_reset_link_is_built_from_public_base_url_not_the_host_header(app, client, user):
    # An attacker's request carries no session cookie for the form; CSRF is beside the
    # point here (it is tested elsewhere), the Host header is.
    app.config["WTF_CSRF_ENABLED"] = False
    client.post(
        "/auth/forgot-password",
        data={"email": "ada@example.com"},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    body = mail.outbox(app)[-1].get_content()
    assert "https://app.example.test/auth/reset-password?token=" in body
    assert "evil.example" not in body


def test_reset_page_shows_the_form_and_sets_the_password(app, client, user, fetch_user):
    request_reset(client)
    token = reset_token(app)

    page = client.get(f"/auth/reset-password?token={token}")
    assert page.status_code == 200
    assert 'name="new_password"' in page.get_data(as_text=True)

    response = reset(client, token)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"  # no automatic login
    assert client.get("/auth/me", headers={"Accept": "application/json"}).status_code == 401
    assert log_in(app.test_client(), password=NEW_PASSWORD).status_code == 302
    assert log_in(app.test_client(), password=PASSWORD).status_code == 401


def test_reset_token_works_once_only(app, client, user):
    request_reset(client)
    token = reset_token(app)
    assert reset(client, token).status_code == 302

    again = reset(client, token, NEWER_PASSWORD)

    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)
    assert client.get(f"/auth/reset-password?token={token}").status_code == 400


def test_reset_ends_existing_sessions(app, user):
    victim = app.test_client()
    log_in(victim, remember=True)
    assert victim.get("/").status_code == 200
    helper = app.test_client()
    request_reset(helper)

    assert reset(helper, reset_token(app)).status_code == 302

    assert victim.get("/auth/me", headers={"Accept": "application/json"}).status_code == 401


def test_reset_token_dies_when_the_password_changes_another_way(app, client, user):
    request_reset(client)
    token = reset_token(app)
    log_in(client)
    post_form(
        client,
        "/auth/change-password",
        {"current_password": PASSWORD, "new_password": NEWER_PASSWORD},
        page="/auth/change-password",
    )

    response = reset(app.test_client(), token)

    assert response.status_code == 400
    assert log_in(app.test_client(), password=NEWER_PASSWORD).status_code == 302


def test_expired_reset_token_is_400(app, client, user):
    request_reset(client)
    token = reset_token(app)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1

    response = reset(client, token)

    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_tampered_reset_token_is_400(app, client, user, fetch_user):
    request_reset(client)
    token = reset_token(app)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    assert reset(client, tampered).status_code == 400
    assert client.get("/auth/reset-password?token=garbage").status_code == 400
    assert client.get("/auth/reset-password").status_code == 400
    assert log_in(app.test_client(), password=PASSWORD).status_code == 302


def test_verification_token_is_not_a_reset_token(app, client, fetch_user):
    token = csrf_token(client, "/auth/register")
    client.post(
        "/auth/register",
        data={"email": "grace@example.com", "password": PASSWORD, "csrf_token": token},
    )
    body = mail.outbox(app)[-1].get_content()
    verification = re.search(r"verify-email\?token=(\S+)", body).group(1)

    response = reset(app.test_client(), verification)

    assert response.status_code == 400
    assert log_in(app.test_client(), "grace@example.com", PASSWORD).status_code == 302


def test_weak_new_password_re_renders_the_form(app, client, user):
    request_reset(client)
    token = reset_token(app)

    response = reset(client, token, "short")

    assert response.status_code == 400
    assert 'name="new_password"' in response.get_data(as_text=True)
    assert reset(client, token).status_code == 302  # the token was not spent
