"""Two instances, both worlds: what an operator does in /admin at A, the API at B obeys."""

import uuid

import pytest

from tests.conftest import PASSWORD
from tests.live.client import Visitor
from tests.live.pages import log_in, post_form
from tests.live.tokens import new_account

pytestmark = pytest.mark.integration


@pytest.fixture
def operator(deployment, a) -> Visitor:
    """An admin's browser, freshly logged in to /admin at instance A."""
    email = f"operator-{uuid.uuid4().hex[:10]}@example.com"
    deployment.flask("users", "create", email, "--role", "admin", stdin=f"{PASSWORD}\n")
    browser = Visitor()
    assert log_in(browser, a, email).status == 302
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
