"""Two instances, one truth for browser logins{{ " (of /admin)" if cookiecutter.auth_mode == "hybrid" else "" }}: a session ended at A is dead at B.

Each login is a row in the shared database; every instance loads it on every request,
so "log out everywhere" and a password change end it on all of them at once, for the
session cookie and for the remember-me cookie alike.
"""

import uuid

import pytest

from tests.conftest import NEW_PASSWORD, PASSWORD
from tests.live.authenticator import SecondFactor
from tests.live.client import Visitor
from tests.live.pages import (
    REMEMBER_COOKIE,
    SESSION_COOKIE,
{%- if cookiecutter.auth_mode == "hybrid" %}
    first_login,
{%- endif %}
    holding_only,
    is_logged_in,
    log_in,
    post_form,
)
from tests.session_client import CHANGE_PASSWORD_PAGE

pytestmark = pytest.mark.integration


def new_account(deployment, instance) -> tuple[str, int, SecondFactor | None]:
    """An account made from the command line: its email, its id, and the second factor its
    role requires, if any."""
    email = f"user-{uuid.uuid4().hex[:10]}@example.com"
{%- if cookiecutter.auth_mode == "hybrid" %}
    # Only operators may log in to /admin, and their role requires a second factor: they
    # set it up at their first login, here at `instance`.
    created = deployment.flask("users", "create", email, "--role", "admin", stdin=f"{PASSWORD}\n")
    factor = first_login(Visitor(), instance, email)
{%- else %}
    created = deployment.flask("users", "create", email, stdin=f"{PASSWORD}\n")
    factor = None
{%- endif %}
    return email, int(created.stdout.split()[2]), factor  # "Created user <id> <email>"


def logged_in(instance, email: str, factor: SecondFactor | None) -> Visitor:
    visitor = Visitor()
    assert log_in(visitor, instance, email, remember=True, factor=factor).status == 302
    assert SESSION_COOKIE in visitor.cookies
    assert REMEMBER_COOKIE in visitor.cookies
    return visitor


def log_out_everywhere(visitor: Visitor, instance, user_id: int) -> None:
{%- if cookiecutter.auth_mode == "hybrid" %}
    path = f"/admin/users/{user_id}/logout-everywhere"
    assert post_form(visitor, instance, path, page="/admin/users").status in (302, 303)
{%- else %}
    assert post_form(visitor, instance, "/auth/logout-everywhere").status == 302
{%- endif %}


def test_a_login_at_a_is_recognised_at_b_by_either_cookie(deployment, a, b):
    email, _, factor = new_account(deployment, a)
    browser = logged_in(a, email, factor)

    assert is_logged_in(holding_only(browser, SESSION_COOKIE), b)
    assert is_logged_in(holding_only(browser, REMEMBER_COOKIE), b)  # restores a session


def test_log_out_everywhere_at_a_ends_session_and_remember_cookies_at_b(deployment, a, b):
    email, user_id, factor = new_account(deployment, a)
    phone, laptop = logged_in(a, email, factor), logged_in(b, email, factor)
    copied_session = holding_only(phone, SESSION_COOKIE)
    copied_remember = holding_only(phone, REMEMBER_COOKIE)

    log_out_everywhere(laptop, a, user_id)

    assert not is_logged_in(copied_session, b)
    assert not is_logged_in(copied_remember, b)
    assert not is_logged_in(phone, a)
    assert not is_logged_in(laptop, b)


def test_a_password_change_at_a_ends_the_other_logins_at_b(deployment, a, b):
    email, _, factor = new_account(deployment, b)
    phone, laptop = logged_in(b, email, factor), logged_in(a, email, factor)
    copied_session = holding_only(phone, SESSION_COOKIE)
    copied_remember = holding_only(phone, REMEMBER_COOKIE)

    changed = post_form(
        laptop,
        a,
        CHANGE_PASSWORD_PAGE,
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        page=CHANGE_PASSWORD_PAGE,
    )

    assert changed.status == 302
    assert not is_logged_in(copied_session, b)
    assert not is_logged_in(copied_remember, b)
    assert is_logged_in(laptop, b)  # the change started a new login for this browser
