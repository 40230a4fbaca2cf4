"""The account pages in a real browser, against production instance A."""

import re
import uuid
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import NEW_PASSWORD, PASSWORD
from tests.live.pages import REMEMBER_COOKIE, SESSION_COOKIE

pytestmark = pytest.mark.e2e

CSRF_REFUSED = "The form expired or did not come from this site."


def register(page: Page, instance) -> str:
    """Create an account in the browser, which the app logs in at once; return its email."""
    email = f"browser-{uuid.uuid4().hex[:10]}@example.com"
    page.goto(f"{instance.url}/auth/register")
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(f"{instance.url}/")
    expect(page.get_by_role("heading", name=f"Welcome, {email}")).to_be_visible()
    return email


def log_in(page: Page, email: str, password: str = PASSWORD, *, remember: bool = False) -> None:
    """Fill in the login form already on screen and send it."""
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    if remember:
        page.get_by_label("Keep me logged in on this device").check()
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page, instance) -> None:
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page).to_have_url(f"{instance.url}/auth/login")


def test_register_log_in_write_a_note_change_password_and_log_out(a, page):
    email = register(page, a)
    expect(page.get_by_text("Your email address is not confirmed yet.")).to_be_visible()
    log_out(page, a)

    log_in(page, email, remember=True)
    expect(page).to_have_url(f"{a.url}/")
    expect(page.get_by_role("heading", name=f"Welcome, {email}")).to_be_visible()
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies[SESSION_COOKIE]["expires"] == -1  # gone when the browser closes
    assert cookies[REMEMBER_COOKIE]["expires"] > 0
    assert cookies[REMEMBER_COOKIE]["httpOnly"]
    assert cookies[REMEMBER_COOKIE]["secure"]

    page.get_by_role("link", name="Your notes").click()
    expect(page.get_by_role("heading", name="Your notes")).to_be_visible()
    expect(page.get_by_text("No notes yet.")).to_be_visible()
    page.get_by_role("link", name="Write a note").click()
    page.get_by_label("Title").fill("Shopping")
    page.get_by_label("Text").fill("plums, a tractor manual")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(a.url)}/notes/\d+$"))
    expect(page.get_by_role("heading", name="Shopping")).to_be_visible()
    expect(page.get_by_text("plums, a tractor manual")).to_be_visible()
    page.get_by_role("link", name="All notes").click()
    expect(page.get_by_role("list").get_by_role("link", name="Shopping")).to_be_visible()

    # The browser was closed and reopened: the session cookie is gone and the remember-me
    # cookie restores the login, but not as a fresh one.
    page.context.clear_cookies(name=SESSION_COOKIE)
    page.goto(f"{a.url}/")
    expect(page.get_by_role("heading", name=f"Welcome, {email}")).to_be_visible()
    page.get_by_role("link", name="Change password").click()
    expect(page).to_have_url(f"{a.url}/auth/reauth?next=%2Fauth%2Fchange-password")
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(f"{a.url}/auth/change-password")
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page).to_have_url(f"{a.url}/")
    expect(page.get_by_role("heading", name=f"Welcome, {email}")).to_be_visible()
    # The change ended every login, the remembered one too; this one is new and unremembered.
    assert REMEMBER_COOKIE not in {cookie["name"] for cookie in page.context.cookies()}

    log_out(page, a)
    page.goto(f"{a.url}/")
    expect(page).to_have_url(f"{a.url}/auth/login?next=%2F")
    log_in(page, email, PASSWORD)
    expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
    log_in(page, email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name=f"Welcome, {email}")).to_be_visible()


def test_a_form_posted_from_another_origin_is_refused(a, page, second_origin):
    register(page, a)

    # Another port of 127.0.0.1 is the same site, so SameSite=Lax lets the browser send
    # the session cookie along: only the CSRF token tells the forgery apart.
    for path, fields in [
        ("/notes/new", {"title": "Forged", "body": "written by another site"}),
        ("/auth/logout-everywhere", {}),
    ]:
        attack = second_origin.forged_form(a.url + path, **fields)
        with page.expect_response(a.url + path) as forged:
            page.goto(attack)
        assert forged.value.status == 400
        assert SESSION_COOKIE in (forged.value.request.header_value("cookie") or "")
        expect(page.get_by_text(CSRF_REFUSED)).to_be_visible()

    page.goto(f"{a.url}/notes/")
    expect(page.get_by_role("heading", name="Your notes")).to_be_visible()  # still logged in
    expect(page.get_by_text("No notes yet.")).to_be_visible()


def test_a_next_address_off_this_site_lands_on_the_dashboard(a, page, second_origin):
    email = register(page, a)
    evil = second_origin.serve("/evil", "<h1>Another site</h1>")
    log_out(page, a)

    page.goto(f"{a.url}/auth/login?next=%2Fnotes%2F")  # a local one is followed
    log_in(page, email)
    expect(page).to_have_url(f"{a.url}/notes/")
    for target in [evil, "//evil.example/"]:
        log_out(page, a)
        page.goto(f"{a.url}/auth/login?{urlencode({'next': target})}")
        log_in(page, email)
        expect(page).to_have_url(f"{a.url}/")
        expect(page.get_by_role("heading", name=f"Welcome, {email}")).to_be_visible()
