"""Two instances, one second factor per account, on the pages{{ " of /admin" if cookiecutter.auth_mode == "hybrid" else "" }}.

The factor, the step of the last code it took (the replay guard) and every login live in
the shared database: a code spent at A is spent at B, and a factor set up or reset at A
changes what B asks for, and which logins B still honours, on the very next request.
"""

import uuid
from typing import NamedTuple

import pytest

from tests.conftest import PASSWORD
from tests.live.authenticator import SecondFactor
from tests.live.client import Visitor
from tests.live.pages import (
    WRONG_CODE,
{%- if cookiecutter.auth_mode == "hybrid" %}
    first_login,
{%- endif %}
    is_logged_in,
    log_in,
    post_form,
{%- if cookiecutter.auth_mode != "hybrid" %}
    set_up_factor,
{%- endif %}
    submit_code,
)
from tests.session_client import (
    CODE_PAGE,
{%- if cookiecutter.auth_mode != "hybrid" %}
    HOME_PAGE,
    MFA_PAGE,
{%- endif %}
    SETUP_PAGE,
)

pytestmark = pytest.mark.integration


class Account(NamedTuple):
    email: str
    id: int
    factor: SecondFactor
    browser: Visitor  # logged in, where the factor was set up


def new_account(deployment, *roles: str) -> tuple[str, int]:
    """An account made from the command line: its email and id."""
    email = f"user-{uuid.uuid4().hex[:10]}@example.com"
    role_options = [option for role in roles for option in ("--role", role)]
    created = deployment.flask("users", "create", email, *role_options, stdin=f"{PASSWORD}\n")
    return email, int(created.stdout.split()[2])  # "Created user <id> <email>"
{%- if cookiecutter.auth_mode == "hybrid" %}


def with_factor(deployment, instance) -> Account:
    """An operator (only they log in to /admin) whose first login, at `instance`, set up
    the second factor their role requires."""
    email, user_id = new_account(deployment, "admin")
    browser = Visitor()
    return Account(email, user_id, first_login(browser, instance, email), browser)
{%- else %}


def turn_on_factor(browser: Visitor, instance) -> SecondFactor:
    """From the account's two-factor page, with a fresh login: on to the setup page."""
    started = post_form(browser, instance, f"{MFA_PAGE}start", page=MFA_PAGE)
    assert started.status == 303 and started.location == SETUP_PAGE, started
    return set_up_factor(browser, instance)


def with_factor(deployment, instance) -> Account:
    """An account that logged in at `instance` and turned a second factor on there."""
    email, user_id = new_account(deployment)
    browser = Visitor()
    assert log_in(browser, instance, email).status == 302
    return Account(email, user_id, turn_on_factor(browser, instance), browser)
{%- endif %}


def password_step(browser: Visitor, instance, email: str) -> str:
    """A correct password of an account with a factor: no login yet, the code page."""
    asked = log_in(browser, instance, email)
    assert asked.status == 302 and asked.location.startswith(CODE_PAGE), asked
    assert not is_logged_in(browser, instance)
    return asked.location


def test_a_code_used_at_a_is_refused_when_replayed_at_b(deployment, a, b):
    account = with_factor(deployment, a)  # set up at A with the app's current code
    attacker = Visitor()  # who saw that code typed, and knows the password
    code_page = password_step(attacker, b, account.email)

    replayed = submit_code(attacker, b, code_page, account.factor.spent_code)

    assert replayed.status == 401
    assert WRONG_CODE in replayed.text
    assert not is_logged_in(attacker, b)
    # The pending login itself was sound: a code not used before opens it.
    assert submit_code(attacker, b, code_page, account.factor.code()).status == 302
    assert is_logged_in(attacker, b)


def test_a_recovery_code_used_at_a_is_refused_at_b(deployment, a, b):
    account = with_factor(deployment, a)
    recovery_code = account.factor.recovery_codes.pop()
    at_a = Visitor()
    assert submit_code(at_a, a, password_step(at_a, a, account.email), recovery_code).status == 302

    at_b = Visitor()
    replayed = submit_code(at_b, b, password_step(at_b, b, account.email), recovery_code)

    assert replayed.status == 401
    assert WRONG_CODE in replayed.text
    assert not is_logged_in(at_b, b)


def test_a_factor_set_up_at_a_makes_b_ask_for_a_code_at_the_next_login(deployment, a, b):
    account = with_factor(deployment, a)
    assert is_logged_in(account.browser, b)  # the login setting it up made, at B too

    laptop = Visitor()
    code_page = password_step(laptop, b, account.email)

    assert submit_code(laptop, b, code_page, account.factor.code()).status == 302
    assert is_logged_in(laptop, b)
{%- if cookiecutter.auth_mode != "hybrid" %}


def test_a_factor_turned_on_at_a_ends_the_login_at_b(deployment, a, b):
    email, _ = new_account(deployment)
    phone, laptop = Visitor(), Visitor()
    assert log_in(laptop, b, email).status == 302  # the password alone, for now
    assert log_in(phone, a, email).status == 302

    turn_on_factor(phone, a)

    assert not is_logged_in(laptop, b)
    assert is_logged_in(phone, b)  # the login turning it on made
{%- endif %}


def test_a_reset_from_the_command_line_ends_the_logins_at_both_instances(deployment, a, b):
    account = with_factor(deployment, a)
    at_b = Visitor()
    assert log_in(at_b, b, account.email, factor=account.factor).status == 302

    deployment.flask("users", "mfa-reset", account.email)  # a lost phone

    for browser in (account.browser, at_b):
        for instance in (a, b):
            assert not is_logged_in(browser, instance)
    again = log_in(Visitor(), b, account.email)
    assert again.status == 302
{%- if cookiecutter.auth_mode == "hybrid" %}
    assert again.location.startswith(SETUP_PAGE)  # no code asked: a new factor, first
{%- else %}
    assert again.location == HOME_PAGE  # no code asked: the password alone, as before
{%- endif %}
{%- if cookiecutter.auth_mode == "hybrid" %}


def test_an_operators_reset_at_a_ends_the_other_operators_logins_at_both_instances(
    deployment, a, b
):
    account = with_factor(deployment, a)
    at_b = Visitor()
    assert log_in(at_b, b, account.email, factor=account.factor).status == 302
    colleague = with_factor(deployment, a)  # a fresh login, as the reset requires

    reset = post_form(
        colleague.browser, a, f"/admin/users/{account.id}/mfa-reset", page="/admin/users"
    )

    assert reset.status == 303
    for browser in (account.browser, at_b):
        for instance in (a, b):
            assert not is_logged_in(browser, instance)
    assert is_logged_in(colleague.browser, b)
{%- endif %}
