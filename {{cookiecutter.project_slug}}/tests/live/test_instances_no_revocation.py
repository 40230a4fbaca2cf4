"""Two instances with `jwt_blocklist = none`: exactly the documented subset holds.

There is no revocation store, so logout cannot end a copy of a token anywhere and
refresh tokens are not rotated: these tests pin that down, so nobody mistakes it for
revocation. What does hold across instances (password change, deactivation) is in
test_instances_token_version.py.
"""

import pytest

from tests.live.tokens import new_account

pytestmark = pytest.mark.integration


def test_a_token_logged_out_at_a_still_works_at_b_until_it_expires(a, b):
    client, _ = new_account(a, b)
    copy = client.copy()

    assert client.log_out(a).status == 200

    assert copy.me(b).status == 200  # documented: no store to remember the logout in
    assert copy.refresh(b).status == 200


def test_refresh_tokens_are_not_rotated_so_one_works_at_both_instances_again_and_again(a, b):
    client, _ = new_account(a, b)

    for instance in (a, b, a, b):
        reply = client.refresh(instance)
        assert reply.status == 200
        # A new access token only: no next refresh token, in the body or in a cookie.
        assert "refresh_token" not in reply.json()
        assert not reply.json().get("refresh_rotated", False)
