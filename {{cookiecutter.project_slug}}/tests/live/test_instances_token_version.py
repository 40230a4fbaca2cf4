"""Two instances: a password change or a deactivation ends every token on every instance.

Both bump the user's token_version in the shared database, which every instance checks
on each request, with any revocation backend{{ ", or none, as here" if cookiecutter.jwt_blocklist == "none" else "" }}.
"""

import uuid

import pytest

from tests.conftest import NEW_PASSWORD, PASSWORD
from tests.live.tokens import TokenClient

pytestmark = pytest.mark.integration


def test_a_password_change_at_a_ends_the_other_logins_at_b(a, b):
    email = f"user-{uuid.uuid4().hex[:10]}@example.com"
    phone, laptop = TokenClient(), TokenClient()
    assert phone.register(a, email).status == 201
    assert phone.log_in(a, email).status == 200
    assert laptop.log_in(b, email).status == 200

    assert laptop.change_password(a, PASSWORD, NEW_PASSWORD).status == 200

    refused = phone.me(b)
    assert refused.status == 401
    assert refused.json()["error"] == "token_revoked"
    assert phone.refresh(b).status == 401
    assert laptop.me(b).status == 200  # the new login the change answered


def test_deactivation_by_an_operator_ends_the_tokens_at_both_instances(deployment, a, b):
    email = f"user-{uuid.uuid4().hex[:10]}@example.com"
    client = TokenClient()
    assert client.register(a, email).status == 201
    assert client.log_in(a, email).status == 200

    deployment.flask("users", "deactivate", email)  # on another host, against the database

    for instance in (a, b):
        assert client.me(instance).status == 401
        assert client.refresh(instance).status == 401
