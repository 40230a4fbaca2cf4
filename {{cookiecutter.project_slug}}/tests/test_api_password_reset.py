"""JSON API: password reset by emailed token (both transports)."""

import re

import pytest

from {{ cookiecutter.package_name }} import mail
from tests.api_client import Api
from tests.conftest import NEW_PASSWORD, PASSWORD

NEWER_PASSWORD = "amber walrus 4417 kettledrum"
REQUEST = "/api/v1/auth/password-reset/request"
CONFIRM = "/api/v1/auth/password-reset/confirm"
JSON = "application/json"
LINK = re.compile(r"https://app\.example\.test/auth/reset-password\?token=(\S+)")


def reset_token(app) -> str:
    found = LINK.search(mail.outbox(app)[-1].get_content())
    assert found, "no reset link in the last message"
    return found.group(1)


def confirm(client, token: str, password: str = NEW_PASSWORD):
    return client.post(CONFIRM, json={"token": token, "new_password": password})


def request_token(app, client) -> str:
    assert client.post(REQUEST, json={"email": "ada@example.com"}).status_code == 202
    return reset_token(app)


def test_request_answers_the_same_for_known_and_unknown_emails(app, client, user):
    known = client.post(REQUEST, json={"email": "ada@example.com"})
    unknown = client.post(REQUEST, json={"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert [m["To"] for m in mail.outbox(app)] == ["ada@example.com"]


def test_link_uses_public_base_url_and_the_reset_path_not_the_host_header(app, client, user):
    app.config["PASSWORD_RESET_PATH"] = "/reset"
    client.post(
        REQUEST,
        json={"email": "ada@example.com"},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )

    body = mail.outbox(app)[-1].get_content()
    assert "https://app.example.test/reset?token=" in body
    assert "evil.example" not in body


def test_confirm_sets_the_password_and_kills_every_earlier_token(app, api, user):
    assert api.log_in().status_code == 200
    old_access, old_refresh = api.access_token, api.refresh_token
    token = request_token(app, app.test_client())

    response = confirm(app.test_client(), token)

    assert response.status_code == 200
    assert "access_token" not in response.get_json()  # no automatic login
    assert api.get("/api/v1/auth/me", token=old_access).status_code == 401
    assert api.refresh(old_refresh).get_json()["error"] == "token_revoked"
    assert Api(app.test_client()).log_in(password=PASSWORD).status_code == 401
    assert Api(app.test_client()).log_in(password=NEW_PASSWORD).status_code == 200


def test_reset_token_works_once_only(app, client, user):
    token = request_token(app, client)
    assert confirm(client, token).status_code == 200

    again = confirm(client, token, NEWER_PASSWORD)

    assert again.status_code == 400
    assert again.get_json()["error"] == "invalid_reset_token"
    assert Api(app.test_client()).log_in(password=NEW_PASSWORD).status_code == 200


def test_reset_token_dies_when_the_password_changes_another_way(app, api, user):
    token = request_token(app, api.client)
    api.log_in()
    change = {"current_password": PASSWORD, "new_password": NEWER_PASSWORD}
    changed = api.post("/api/v1/auth/password", json=change)
    assert changed.status_code == 200

    response = confirm(api.client, token)

    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_reset_token"


@pytest.mark.parametrize("spoil", ["tamper", "expire"])
def test_tampered_or_expired_token_is_400_and_changes_nothing(app, client, user, spoil):
    token = request_token(app, client)
    if spoil == "tamper":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    else:
        app.config["PASSWORD_RESET_MAX_AGE"] = -1

    response = confirm(client, token)

    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_reset_token"
    assert Api(app.test_client()).log_in(password=PASSWORD).status_code == 200


def test_weak_new_password_is_400_and_the_token_still_works(app, client, user):
    token = request_token(app, client)

    weak = confirm(client, token, "password123")

    assert weak.status_code == 400
    assert weak.get_json()["error"] == "weak_password"
    assert confirm(client, token).status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "content_type", "status", "code"),
    [
        (REQUEST, b"{not json", JSON, 400, "invalid_request"),
        (REQUEST, b'{"email": 7}', JSON, 400, "invalid_request"),
        (REQUEST, b"email=a@example.com", "text/plain", 415, "unsupported_media_type"),
        (CONFIRM, b'{"token": "x"}', JSON, 400, "invalid_request"),
        (CONFIRM, b'{"token": ["x"], "new_password": 1}', JSON, 400, "invalid_request"),
        (CONFIRM, b"[]", JSON, 400, "invalid_request"),
    ],
)
def test_malformed_requests_are_4xx_json(client, user, path, body, content_type, status, code):
    response = client.post(path, data=body, content_type=content_type)

    assert response.status_code == status
    assert response.get_json()["error"] == code
