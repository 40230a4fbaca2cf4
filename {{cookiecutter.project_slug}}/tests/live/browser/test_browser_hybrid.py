"""The operators' panel in a real browser at instance A; the API it governs at instance B."""

import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.conftest import PASSWORD
from tests.live.pages import SESSION_COOKIE
from tests.live.tokens import TokenClient

pytestmark = pytest.mark.e2e


@pytest.fixture
def operator(deployment, a, page: Page) -> Page:
    """The browser of an admin who has just logged in to /admin at A: a fresh login."""
    email = f"operator-{uuid.uuid4().hex[:10]}@example.com"
    deployment.flask("users", "create", email, "--role", "admin", stdin=f"{PASSWORD}\n")
    page.goto(f"{a.url}/admin/login")
    expect(page.get_by_role("heading", name="Operators' log in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{a.url}/admin/")
    expect(page.get_by_role("heading", name="Admin")).to_be_visible()
    return page


@pytest.fixture
def customer(a, b) -> tuple[TokenClient, str]:
    """A customer registered at A and holding tokens from B; their client and email."""
    email = f"customer-{uuid.uuid4().hex[:10]}@example.com"
    client = TokenClient()
    assert client.register(a, email).status == 201
    assert client.log_in(b, email).status == 200
    assert client.me(b).status == 200
    return client, email


def find_user(page: Page, instance, email: str) -> Locator:
    """Search the panel's user list for `email`; return its row."""
    page.goto(f"{instance.url}/admin/users")
    page.get_by_role("searchbox", name="Email contains").fill(email)
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_have_count(1)
    return row


def test_an_operator_deactivates_a_customer_whose_api_login_ends_at_b(operator, customer, a, b):
    client, email = customer
    row = find_user(operator, a, email)
    expect(row.get_by_role("cell", name="active", exact=True)).to_be_visible()

    row.get_by_role("button", name="Deactivate").click()

    expect(operator).to_have_url(f"{a.url}/admin/users")
    expect(operator.get_by_role("status")).to_have_text(
        f"Deactivated {email}; all their logins have ended."
    )
    row = find_user(operator, a, email)
    expect(row.get_by_role("cell", name="deactivated")).to_be_visible()
    expect(row.get_by_role("button", name="Reactivate")).to_be_visible()
    refused = client.me(b)
    assert refused.status == 401
    assert refused.json()["error"] == "token_revoked"
    assert client.refresh(b).status == 401


def test_a_deactivation_posted_from_another_origin_is_refused(
    operator, customer, a, b, second_origin
):
    client, email = customer
    row = find_user(operator, a, email)
    action = a.url + row.locator("form").first.get_attribute("action")
    assert action.endswith("/deactivate")

    # Same site (127.0.0.1), so the operator's cookies go along: the CSRF token stops it.
    with operator.expect_response(action) as forged:
        operator.goto(second_origin.forged_form(action))
    assert forged.value.status == 400
    assert SESSION_COOKIE in (forged.value.request.header_value("cookie") or "")
    expect(operator.get_by_text("did not come from this site")).to_be_visible()

    row = find_user(operator, a, email)
    expect(row.get_by_role("cell", name="active", exact=True)).to_be_visible()
    assert client.me(b).status == 200
