"""Two instances, one truth: a login ended through instance A is refused by instance B.

Revocation lives in the shared {{ "Redis" if cookiecutter.jwt_blocklist == "redis" else "database" }}, never in a worker's memory, so it holds
whichever instance and worker the next request reaches.
"""

import pytest

from tests.live.tokens import new_account

pytestmark = pytest.mark.integration


def test_a_login_made_at_one_instance_works_at_the_other(a, b):
    client, account = new_account(a, b)

    assert client.me(a).json()["email"] == account["email"]
    assert client.me(b).json()["email"] == account["email"]


def test_logout_at_a_is_refused_at_b_for_access_and_refresh(a, b):
    client, _ = new_account(a, b)
    stolen = client.copy()  # what a thief copied before the logout

    assert client.log_out(a).status == 200

    refused = stolen.me(b)
    assert refused.status == 401
    assert refused.json()["error"] == "token_revoked"
    assert stolen.refresh(b).status == 401


def test_a_refresh_rotated_at_a_continues_at_b_and_the_old_token_is_refused(a, b):
    client, _ = new_account(a, b)
    before = client.copy()

    assert client.refresh(a).status == 200
    assert client.me(b).status == 200
    assert client.refresh(b).status == 200  # B knows the token A handed out

    replayed = before.refresh(b)
    assert replayed.status == 401
    assert replayed.json()["error"] == "token_revoked"


def test_reuse_detected_at_b_ends_the_login_at_a_too(a, b):
    client, _ = new_account(a, b)
    thief = client.copy()
    assert client.refresh(a).status == 200  # the victim rotates; the thief's copy is stale

    assert thief.refresh(b).status == 401  # reuse: the whole login is revoked

    assert client.me(a).status == 401
    assert client.refresh(a).status == 401
