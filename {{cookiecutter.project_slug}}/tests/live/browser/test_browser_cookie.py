"""The demo client (/demo/) in a real browser: the tokens stay where its script cannot reach.

Only a development instance serves the demo, so this module starts one of its own, on a
database of its own, next to the production deployment whose mail{% if cookiecutter.jwt_blocklist == "redis" %} and Redis{% endif %} it shares.
"""

import json
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.live.authenticator import SecondFactor
from tests.live.conftest import Deployment, Instance, empty_database
from tests.live.tokens import TokenClient

pytestmark = pytest.mark.e2e

JWT_COOKIES = {"access_token_cookie", "refresh_token_cookie"}
CSRF_COOKIES = {"csrf_access_token", "csrf_refresh_token"}


@pytest.fixture(scope="module")
def development_database_url(tmp_path_factory) -> Iterator[str]:
    with empty_database("e2e", tmp_path_factory.mktemp("e2e-db")) as url:
        yield url


@pytest.fixture(scope="module")
def development_server(
    deployment, development_database_url, tmp_path_factory
) -> Iterator[Deployment]:
    """One development instance, one worker, migrated like a release."""
    environment = {
        **deployment.environment,
        "APP_ENV": "development",
        "DATABASE_URL": development_database_url,
    }
    server = Deployment(environment, tmp_path_factory.mktemp("development"))
    server.flask("db", "upgrade")
    try:
        server.start("development", workers=1)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def development(development_server) -> Instance:
    return development_server.instances[0]


@pytest.fixture
def account(development) -> str:
    email = f"demo-{uuid.uuid4().hex[:10]}@example.com"
    assert TokenClient().register(development, email).status == 201
    return email


@pytest.fixture
def demo(development, account, page: Page) -> Page:
    """The demo page, logged in to `account` through its own form."""
    page.goto(f"{development.url}/demo/")
    expect(page.get_by_role("heading", name="Cookie-mode API demo")).to_be_visible()
    page.get_by_label("Email").fill(account)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#output")).to_contain_text("POST /login -> 200")
    return page


def script_cookies(page: Page) -> set[str]:
    """The names of the cookies the page's JavaScript can read."""
    cookies = page.evaluate("document.cookie")
    return {part.split("=", 1)[0] for part in cookies.split("; ") if part}


def test_the_demo_logs_in_reads_me_refreshes_and_logs_out_never_seeing_a_token(demo, account):
    output = demo.locator("#output")
    held = {cookie["name"]: cookie for cookie in demo.context.cookies()}
    assert held.keys() >= JWT_COOKIES
    assert all(held[name]["httpOnly"] for name in JWT_COOKIES)
    assert script_cookies(demo) == CSRF_COOKIES

    demo.get_by_role("button", name="GET /me").click()
    expect(output).to_contain_text("GET /me -> 200")
    expect(output).to_contain_text(f'"email": "{account}"')
    assert script_cookies(demo) == CSRF_COOKIES

    demo.get_by_role("button", name="Refresh").click()
    expect(output).to_contain_text("POST /refresh -> 200")
    assert script_cookies(demo) == CSRF_COOKIES

    demo.get_by_role("button", name="Log out").click()
    expect(output).to_contain_text("POST /logout -> 200")
    assert script_cookies(demo) == set()  # the csrf cookies went with the tokens
    assert not {cookie["name"] for cookie in demo.context.cookies()} & JWT_COOKIES

    demo.get_by_role("button", name="GET /me").click()
    expect(output).to_contain_text("GET /me -> 401")
    status = demo.evaluate("fetch('/api/v1/auth/me').then((response) => response.status)")
    assert status == 401


def test_an_operator_sets_a_factor_up_in_the_demo_and_only_its_code_brings_the_tokens(
    development_server, development, page: Page
):
    email = f"operator-{uuid.uuid4().hex[:10]}@example.com"
    development_server.flask("users", "create", email, "--role", "admin", stdin=f"{PASSWORD}\n")
    page.goto(f"{development.url}/demo/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # The role requires a factor: the password brought a secret to set up, and no token.
    output = page.locator("#output")
    expect(output).to_contain_text("POST /mfa/enrol -> 200")
    verify = page.get_by_role("button", name="Verify")
    expect(verify).to_be_visible()
    assert not {cookie["name"] for cookie in page.context.cookies()} & JWT_COOKIES
    enrolment = json.loads(output.inner_text().split("\n", 1)[1])
    factor = SecondFactor(enrolment["secret"])
    page.get_by_label("Code from your authenticator app").fill(factor.code())
    verify.click()

    expect(output).to_contain_text("POST /mfa/verify -> 200")
    expect(output).to_contain_text('"recovery_codes"')
    expect(verify).to_be_hidden()
    held = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert held.keys() >= JWT_COOKIES
    assert all(held[name]["httpOnly"] for name in JWT_COOKIES)
    assert script_cookies(page) == CSRF_COOKIES
    page.get_by_role("button", name="GET /me").click()
    expect(output).to_contain_text("GET /me -> 200")
    expect(output).to_contain_text(f'"email": "{email}"')


def test_a_logout_posted_from_another_origin_is_refused(demo, development, second_origin):
    # Same site (127.0.0.1), so SameSite=Lax lets the JWT cookies go along: only the
    # X-CSRF-TOKEN header, which another origin cannot read the cookie to send, stops it.
    logout = f"{development.url}/api/v1/auth/logout"
    with demo.expect_response(logout) as forged:
        demo.goto(second_origin.forged_form(logout))
    assert forged.value.status == 401
    assert "refresh_token_cookie=" in (forged.value.request.header_value("cookie") or "")
    assert forged.value.json()["error"] == "csrf_failed"

    demo.goto(f"{development.url}/demo/")
    demo.get_by_role("button", name="GET /me").click()
    expect(demo.locator("#output")).to_contain_text("GET /me -> 200")
