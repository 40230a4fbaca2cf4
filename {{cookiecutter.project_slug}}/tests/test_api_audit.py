"""JSON API: token and recovery events reach the audit log, and no secret ever does."""

import json
import logging
import re

from {{ cookiecutter.package_name }} import mail
from {{ cookiecutter.package_name }}.models.user import User
from tests.api_client import Api
from tests.conftest import NEW_PASSWORD, PASSWORD

LOGGER = "{{ cookiecutter.package_name }}.audit"
NEWER_PASSWORD = "amber walrus 4417 kettledrum"
TOKEN = re.compile(r"token=(\S+)")


def last_link_token(app) -> str:
    return TOKEN.search(mail.outbox(app)[-1].get_content()).group(1)


def test_api_events_are_audited_and_no_record_holds_a_secret(app, client, fetch_user, caplog):
    caplog.set_level(logging.DEBUG)
    api = Api(client)
    client.post("/api/v1/auth/register", json={"email": "ada@example.com", "password": PASSWORD})
    verify_token = last_link_token(app)
    client.post("/api/v1/auth/verify-email", json={"token": verify_token})
    api.log_in()
    secrets = [PASSWORD, NEW_PASSWORD, NEWER_PASSWORD, verify_token]
    secrets += [api.access_token, api.refresh_token]
    first_refresh = api.refresh_token
    assert api.refresh().status_code == 200
    secrets += [api.access_token, api.refresh_token]
{%- if cookiecutter.jwt_blocklist != "none" %}
    app.config["JWT_REFRESH_REUSE_GRACE_SECONDS"] = 0
    assert api.refresh(first_refresh).status_code == 401  # reuse: the family is revoked
{%- endif %}
    api.log_in()  # a password change needs a fresh login
    secrets += [api.access_token, api.refresh_token]
    changed = api.post(
        "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 200
    api.keep(changed)
    secrets += [api.access_token, api.refresh_token]
    assert api.log_out().status_code == 200
    client.post("/api/v1/auth/password-reset/request", json={"email": "ada@example.com"})
    reset_token = last_link_token(app)
    secrets.append(reset_token)
    confirm = {"token": reset_token, "new_password": NEWER_PASSWORD}
    assert client.post("/api/v1/auth/password-reset/confirm", json=confirm).status_code == 200

    audit = [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER]
    events = [record["event"] for record in audit]
    for expected in (
        "authn_verification_sent",
        "authn_email_verified",
        "authn_token_refresh",
{%- if cookiecutter.jwt_blocklist != "none" %}
        "authn_refresh_token_reuse",
{%- endif %}
        "authn_password_change",
        "authn_logout",
        "authn_password_reset_request",
        "authn_password_reset",
    ):
        assert expected in events
    user: User = fetch_user()
    assert all(record["user_id"] == user.id for record in audit)
    everything = "\n".join(r.getMessage() for r in caplog.records)
    for secret in [*secrets, user.password_hash, first_refresh]:
        assert secret
        assert secret not in everything
