"""The operators' panel in a real browser at instance A; the API it governs at instance B."""

import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.conftest import PASSWORD
from tests.live.authenticator import SecondFactor
from tests.live.pages import SESSION_COOKIE
from tests.live.tokens import TokenClient

pytestmark = pytest.mark.e2e


def new_operator(deployment) -> str:
    email = f"operator-{uuid.uuid4().hex[:10]}@example.com"
    deployment.flask("users", "create", email, "--role", "admin", stdin=f"{PASSWORD}\n")
    return email


def submit_password(page: Page, instance, email: str) -> None:
    page.goto(f"{instance.url}/admin/login")
    expect(page.get_by_role("heading", name="Operators' log in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def set_up_at_first_login(page: Page, instance, email: str) -> SecondFactor:
    """An operator's first login: their role requires a second factor, so the password
    leads to setting up an authenticator app, with its QR code and secret shown, and
    the code the app then shows makes the login; the recovery codes are shown once."""
    submit_password(page, instance, email)
    expect(page).to_have_url(f"{instance.url}/admin/mfa/setup")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    qr_code = page.get_by_role("img", name="QR code of your authenticator secret")
    expect(qr_code).to_be_visible()
    # Drawn, not a broken image: the data: URI is decoded, and the CSP lets it through.
    assert qr_code.evaluate("image => image.complete && image.naturalWidth > 0")
    factor = SecondFactor.from_page(page.locator("code.secret").inner_text())
    page.get_by_label("Code").fill(factor.code())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    shown = page.locator("ul.codes code")
    expect(shown).to_have_count(10)
    factor.recovery_codes = shown.all_inner_texts()
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page).to_have_url(f"{instance.url}/admin/")
    expect(page.get_by_role("heading", name="Admin")).to_be_visible()
    return factor


@pytest.fixture
def operator(deployment, a, page: Page) -> Page:
    """The browser of an admin who has just logged in to /admin at A: a fresh login."""
    set_up_at_first_login(page, a, new_operator(deployment))
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


def test_an_operators_first_login_sets_up_an_app_and_a_later_login_asks_for_its_code(
    deployment, a, page: Page
):
    email = new_operator(deployment)
    factor = set_up_at_first_login(page, a, email)

    # The secret and the recovery codes are not shown again, to anyone at this browser.
    page.goto(f"{a.url}/admin/mfa/setup")
    expect(page).to_have_url(f"{a.url}/admin/mfa/")
    expect(page.get_by_text("On: logging in takes your password and a code")).to_be_visible()
    expect(page.locator("code.secret, ul.codes")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    submit_password(page, a, email)
    expect(page).to_have_url(re.compile(re.escape(f"{a.url}/admin/mfa/verify")))
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    code_page = page.url
    page.goto(f"{a.url}/admin/")  # the password alone opens nothing
    expect(page).to_have_url(re.compile(re.escape(f"{a.url}/admin/login")))
    page.goto(code_page)
    page.get_by_label("Code").fill(factor.spent_code)  # the one that set the app up
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("That code is not correct.")).to_be_visible()
    page.get_by_label("Code").fill(factor.code())
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{a.url}/admin/")
    expect(page.get_by_role("heading", name="Admin")).to_be_visible()


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
