"""Two instances, both worlds: what an operator does in /admin at A, the API at B obeys."""

import uuid

import pytest

from tests.conftest import PASSWORD
from tests.live.client import Visitor
from tests.live.pages import first_login, post_form
from tests.live.tokens import TokenClient, new_account

pytestmark = pytest.mark.integration


@pytest.fixture
def operator(deployment, a) -> Visitor:
    """An admin's browser, freshly logged in to /admin at instance A: their first login,
    which sets up the second factor their role requires."""
    email = f"operator-{uuid.uuid4().hex[:10]}@example.com"
    deployment.flask("users", "create", email, "--role", "admin", stdin=f"{PASSWORD}\n")
    browser = Visitor()
    first_login(browser, a, email)
    return browser


@pytest.mark.parametrize("action", ["deactivate", "logout-everywhere"])
def test_an_operator_action_at_a_ends_the_customers_tokens_at_b(operator, a, b, action):
    customer, account = new_account(a, b)  # registered at A, holding tokens from B
    assert customer.me(b).status == 200

    done = post_form(operator, a, f"/admin/users/{account['id']}/{action}", page="/admin/users")

    assert done.status == 303
    refused = customer.me(b)
    assert refused.status == 401
    assert refused.json()["error"] == "token_revoked"
    assert customer.refresh(b).status == 401


def test_an_operators_2fa_reset_at_a_ends_the_customers_logins_at_both_instances(operator, a, b):
    customer, account = new_account(a, b)
    factor = customer.turn_on_factor(a)  # the customer's login from A
    phone = TokenClient()
    assert phone.log_in(b, account["email"], factor=factor).status == 200  # and from B

    done = post_form(operator, a, f"/admin/users/{account['id']}/mfa-reset", page="/admin/users")

    assert done.status == 303
    for client in (customer, phone):
        for instance in (a, b):
            refused = client.me(instance)
            assert refused.status == 401
            assert refused.json()["error"] == "token_revoked"
    # With the factor gone, the password alone logs in again (a customer needs none).
    assert TokenClient().log_in(b, account["email"]).status == 200
