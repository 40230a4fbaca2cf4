{%- set hybrid = cookiecutter.auth_mode == "hybrid" -%}
"""Two-factor authentication in the browser: the code page after the password, setting a
factor up (by choice, or because a role requires one), and managing it (mfa_pages.py)."""

{% if hybrid -%}
import json
import logging
{% endif -%}
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.login_session import LoginSession
from {{ cookiecutter.package_name }}.models.mfa import MfaChallenge
from {{ cookiecutter.package_name }}.models.user import utcnow
{%- if hybrid %}
from tests.conftest import PASSWORD
{%- endif %}
from tests.session_client import (
    CODE_PAGE,
    DEFAULT_EMAIL,
    HOME_PAGE,
    LOGIN_PAGE,
    MFA_PAGE,
    SETUP_PAGE,
    log_in,
    make_stale,
    post_form,
    submit_code,
    submit_password,
)
from tests.two_factor import code_for, give_factor, next_code

SECRET_SHOWN = re.compile(r'<code class="secret">([A-Z2-7 ]+)</code>')
CODES_SHOWN = re.compile(r"<li><code>([a-z2-9-]{14})</code></li>")
{%- if hybrid %}
AUDIT_LOGGER = "{{ cookiecutter.package_name }}.audit"
{%- endif %}


@pytest.fixture
def member(app, make_user):
    """Who logs in to these pages, with a second factor{{ ' (an operator: /admin is theirs)' if hybrid else '' }}."""
    make_user(DEFAULT_EMAIL{{ ', roles=("admin",)' if hybrid else '' }})
    return give_factor(app, DEFAULT_EMAIL)


@pytest.fixture
def newcomer(app, make_user):
    """An account whose role requires a second factor it does not have yet."""
    return make_user(DEFAULT_EMAIL, roles=("admin",))


@pytest.fixture
def free_member(app, make_user):
    """An account that may do without a second factor{{ ' (MFA_REQUIRED_ROLES left empty)' if hybrid else '' }}."""
{%- if hybrid %}
    app.config["MFA_REQUIRED_ROLES"] = ()
    return make_user(DEFAULT_EMAIL, roles=("admin",))
{%- else %}
    return make_user(DEFAULT_EMAIL)
{%- endif %}


def logged_in(client) -> bool:
    return client.get(HOME_PAGE).status_code == 200


def login_rows(app) -> list[LoginSession]:
    with app.app_context():
        rows = list(db.session.scalars(select(LoginSession)))
        db.session.expunge_all()
        return rows


def secret_on(page) -> str:
    return SECRET_SHOWN.search(page.get_data(as_text=True)).group(1).replace(" ", "")


# -- the second step of a login ------------------------------------------------------------


def test_a_correct_password_logs_nobody_in_until_the_code_is_given(app, client, member):
    answer = submit_password(client)

    assert answer.status_code == 302
    assert answer.headers["Location"] == CODE_PAGE
    assert not logged_in(client)
    assert login_rows(app) == []
    assert client.get(CODE_PAGE).status_code == 200

    done = submit_code(client, code_for(DEFAULT_EMAIL))

    assert done.status_code == 302
    assert done.headers["Location"] == HOME_PAGE
    assert logged_in(client)
    [row] = login_rows(app)
    assert row.mfa is True


@pytest.mark.parametrize("code", ["000000", "not a code", "abcd-efgh-jkmn"])
def test_a_wrong_code_is_refused_and_logs_nobody_in(app, client, member, code):
    submit_password(client)

    answer = submit_code(client, code)

    assert answer.status_code == 401
    assert "That code is not correct." in answer.get_data(as_text=True)
    assert not logged_in(client)
    assert login_rows(app) == []


def test_a_code_used_once_is_refused_at_the_next_login(app, client, member):
    code = code_for(DEFAULT_EMAIL)
    submit_password(client)
    assert submit_code(client, code).status_code == 302
    other = app.test_client()
    submit_password(other)

    assert submit_code(other, code).status_code == 401
    assert not logged_in(other)


def test_a_recovery_code_logs_in_once(app, client, member):
    recovery = member.recovery_codes[0]
    submit_password(client)
    assert submit_code(client, recovery.upper()).status_code == 302
    other = app.test_client()
    submit_password(other)

    assert submit_code(other, recovery).status_code == 401


def test_the_next_page_and_remember_me_survive_the_second_step(client, member):
    submit_password(client, remember=True, next_url=f"{MFA_PAGE}?tab=1")

    page = f"{CODE_PAGE}?next={MFA_PAGE}%3Ftab%3D1"
    done = submit_code(client, code_for(DEFAULT_EMAIL), page=page)

    assert done.headers["Location"] == f"{MFA_PAGE}?tab=1"
    assert client.get_cookie("remember_token") is not None


def test_an_off_site_next_is_dropped_at_the_second_step(client, member):
    answer = submit_password(client, next_url="https://evil.example/")

    assert answer.headers["Location"] == CODE_PAGE
    assert submit_code(client, code_for(DEFAULT_EMAIL)).headers["Location"] == HOME_PAGE


def test_the_pending_login_opens_no_page_and_no_form(client, member):
    submit_password(client)

    for page in (HOME_PAGE, MFA_PAGE, SETUP_PAGE, {{ '"/admin/users"' if hybrid else '"/notes/"' }}):
        answer = client.get(page)
        assert answer.status_code == 302, page
        assert answer.headers["Location"].startswith(LOGIN_PAGE), page
    started = post_form(client, f"{MFA_PAGE}start", page=LOGIN_PAGE)
    assert started.headers["Location"].startswith(LOGIN_PAGE)


def test_the_code_page_without_a_pending_login_sends_the_browser_to_log_in(client, member):
    for answer in (client.get(CODE_PAGE), submit_code(client, code_for(DEFAULT_EMAIL))):
        assert answer.status_code == 302
        assert answer.headers["Location"] == LOGIN_PAGE


def test_an_expired_pending_login_sends_the_browser_back_to_the_password(app, client, member):
    submit_password(client)
    with app.app_context():
        db.session.execute(update(MfaChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()

    answer = submit_code(client, code_for(DEFAULT_EMAIL))

    assert answer.headers["Location"] == LOGIN_PAGE
    assert "log in again" in client.get(LOGIN_PAGE).get_data(as_text=True)
    assert not logged_in(client)


def test_a_code_without_the_forms_csrf_token_is_refused(client, member):
    submit_password(client)

    answer = client.post(CODE_PAGE, data={"code": code_for(DEFAULT_EMAIL)})

    assert answer.status_code == 400
    assert not logged_in(client)


def test_wrong_codes_are_limited_per_account_whatever_the_address(app, member):
    def browser(address: str):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        submit_password(client)
        return client

    for attempt in range(5):  # RATELIMIT_MFA in testing: 5 per minute
        assert submit_code(browser(f"203.0.113.{attempt}"), "000000").status_code == 401

    last = browser("198.51.100.7")
    answer = submit_code(last, code_for(DEFAULT_EMAIL))

    assert answer.status_code == 429
    assert "Retry-After" in answer.headers
    assert not logged_in(last)


# -- a role that requires a factor ---------------------------------------------------------


def test_an_account_whose_role_requires_a_factor_sets_one_up_before_anything_else(
    app, client, newcomer
):
    answer = submit_password(client)

    assert answer.headers["Location"] == SETUP_PAGE
    page = client.get(SETUP_PAGE)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.get_data(as_text=True)
    secret = secret_on(page)
    # Nothing else opens before the factor is set up.
    assert not logged_in(client)
    assert client.get(MFA_PAGE).headers["Location"].startswith(LOGIN_PAGE)

    wrong = submit_code(client, "123456", page=SETUP_PAGE)
    assert wrong.status_code == 401
    assert not logged_in(client)
    done = submit_code(client, next_code(secret), page=SETUP_PAGE)

    assert done.status_code == 200
    codes = CODES_SHOWN.findall(done.get_data(as_text=True))
    assert len(set(codes)) == 10
    assert done.headers["Cache-Control"] == "no-store"
    assert logged_in(client)
    [row] = login_rows(app)
    assert row.mfa is True
    # The codes are shown once: the setup page is done with.
    assert client.get(SETUP_PAGE).headers["Location"] == MFA_PAGE
    other = app.test_client()
    assert submit_password(other).headers["Location"] == CODE_PAGE
    assert submit_code(other, codes[0]).status_code == 302


def test_a_login_made_before_a_role_required_a_factor_is_no_login(app, client, newcomer):
    app.config["MFA_REQUIRED_ROLES"] = ()
    assert log_in(client).status_code == 302
    assert logged_in(client)

    app.config["MFA_REQUIRED_ROLES"] = ("admin",)

    assert not logged_in(client)
    assert client.get(HOME_PAGE).headers["Location"].startswith(LOGIN_PAGE)


# -- one's own factor ----------------------------------------------------------------------


def test_setting_a_factor_up_takes_a_fresh_login(client, free_member):
    log_in(client)
    make_stale(client)

    answer = post_form(client, f"{MFA_PAGE}start", page=MFA_PAGE)

    assert answer.status_code == 302
    assert "reauth" in answer.headers["Location"]
    assert client.get(SETUP_PAGE).headers["Location"].split("?")[0].endswith("reauth")


def test_setting_a_factor_up_shows_the_codes_once_and_ends_every_other_login(
    app, client, free_member
):
    elsewhere = app.test_client()
    log_in(elsewhere)
    log_in(client)
    started = post_form(client, f"{MFA_PAGE}start", page=MFA_PAGE)
    assert started.status_code == 303
    assert started.headers["Location"] == SETUP_PAGE
    secret = secret_on(client.get(SETUP_PAGE))

    assert submit_code(client, "123456", page=SETUP_PAGE).status_code == 400
    done = submit_code(client, next_code(secret), page=SETUP_PAGE)

    assert done.status_code == 200
    assert len(CODES_SHOWN.findall(done.get_data(as_text=True))) == 10
    assert logged_in(client)
    assert not logged_in(elsewhere)
    assert "On:" in client.get(MFA_PAGE).get_data(as_text=True)
    # From now on a login takes a code.
    assert submit_password(app.test_client()).headers["Location"] == CODE_PAGE


def test_a_stale_login_cannot_see_a_secret_being_set_up(client, free_member):
    log_in(client)
    post_form(client, f"{MFA_PAGE}start", page=MFA_PAGE)
    make_stale(client)

    answer = client.get(SETUP_PAGE)

    assert answer.status_code == 302
    assert SECRET_SHOWN.search(answer.get_data(as_text=True)) is None


def test_turning_the_factor_off_takes_a_current_code_and_ends_every_login(app, client, member):
    elsewhere = app.test_client()
    log_in(elsewhere)
    log_in(client)

    wrong = post_form(client, f"{MFA_PAGE}disable", {"code": "000000"}, page=MFA_PAGE)
    assert wrong.status_code == 400
    assert "That code is not correct." in wrong.get_data(as_text=True)
    code = code_for(DEFAULT_EMAIL)
    off = post_form(client, f"{MFA_PAGE}disable", {"code": code}, page=MFA_PAGE)

    assert off.headers["Location"] == LOGIN_PAGE
    assert "Two-factor authentication is off" in client.get(LOGIN_PAGE).get_data(as_text=True)
    assert not logged_in(client)
    assert not logged_in(elsewhere)
{%- if hybrid %}
    # An operator's role requires a factor: the next login sets a new one up.
    assert submit_password(app.test_client()).headers["Location"] == SETUP_PAGE
{%- else %}
    # The next login takes the password alone.
    assert submit_password(app.test_client()).headers["Location"] == HOME_PAGE
{%- endif %}


def test_turning_the_factor_off_takes_a_fresh_login(client, member):
    log_in(client)
    make_stale(client)

    answer = post_form(
        client, f"{MFA_PAGE}disable", {"code": code_for(DEFAULT_EMAIL)}, page=MFA_PAGE
    )

    assert "reauth" in answer.headers["Location"]
    assert logged_in(client)
    assert "On:" in client.get(MFA_PAGE).get_data(as_text=True)


def test_new_recovery_codes_take_a_current_code_and_replace_the_old(app, client, member):
    log_in(client)
    wrong = post_form(client, f"{MFA_PAGE}recovery-codes", {"code": "0"}, page=MFA_PAGE)
    assert wrong.status_code == 400

    renewed = post_form(
        client, f"{MFA_PAGE}recovery-codes", {"code": code_for(DEFAULT_EMAIL)}, page=MFA_PAGE
    )

    codes = CODES_SHOWN.findall(renewed.get_data(as_text=True))
    assert len(codes) == 10
    assert set(codes).isdisjoint(member.recovery_codes)
    other = app.test_client()
    submit_password(other)
    assert submit_code(other, member.recovery_codes[1]).status_code == 401
    assert submit_code(other, codes[1]).status_code == 302
{%- if hybrid %}


# -- an operator's reset of another account's factor ---------------------------------------


@pytest.fixture
def colleague(app, make_user):
    """Another operator, with a factor and a login of their own."""
    make_user("grace@example.com", roles=("admin",))
    give_factor(app, "grace@example.com")
    browser = app.test_client()
    assert log_in(browser, "grace@example.com").status_code == 302
    return browser


def test_an_operator_resets_a_lost_factor_which_ends_the_owners_logins(
    app, admin_client, colleague, fetch_user, caplog
):
    caplog.set_level(logging.INFO, logger=AUDIT_LOGGER)
    target = fetch_user("grace@example.com")
    listed = admin_client.get("/admin/users?q=grace").get_data(as_text=True)
    assert "Reset 2FA" in listed

    answer = post_form(admin_client, f"/admin/users/{target.id}/mfa-reset")

    assert answer.status_code == 303
    assert not logged_in(colleague)
    # The role requires a factor: the owner's next login sets a new one up.
    again = submit_password(app.test_client(), "grace@example.com")
    assert again.headers["Location"] == SETUP_PAGE
    events = [json.loads(r.getMessage()) for r in caplog.records if r.name == AUDIT_LOGGER]
    [reset] = [event for event in events if event["event"] == "mfa_reset"]
    assert reset["user_id"] == target.id and reset["by"] == "operator"
    [action] = [event for event in events if event.get("action") == "mfa_reset"]
    assert action["target_user_id"] == target.id


def test_resetting_a_factor_takes_a_fresh_login(admin_client, colleague, fetch_user):
    target = fetch_user("grace@example.com")
    make_stale(admin_client)

    answer = post_form(admin_client, f"/admin/users/{target.id}/mfa-reset")

    assert answer.headers["Location"].startswith("/admin/reauth")
    assert logged_in(colleague)


def test_codes_guessed_on_the_pages_and_through_the_api_draw_on_one_budget(app, member):
    for attempt in range(3):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"203.0.113.{attempt}"
        submit_password(browser)
        assert submit_code(browser, "000000").status_code == 401
    api = app.test_client()
    api.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    login = {"email": DEFAULT_EMAIL, "password": PASSWORD}
    for _ in range(3):
        mfa_token = api.post("/api/v1/auth/login", json=login).get_json()["mfa_token"]
        answer = api.post("/api/v1/auth/mfa/verify", json={"mfa_token": mfa_token, "code": "0"})

    # Five wrong codes for the account, whichever door: the sixth try is refused.
    assert answer.status_code == 429


def test_an_operator_cannot_reset_their_own_factor_or_one_that_is_not_there(
    admin_client, admin, user
):
    own = post_form(admin_client, f"/admin/users/{admin.id}/mfa-reset")
    none = post_form(admin_client, f"/admin/users/{user.id}/mfa-reset")

    assert own.status_code == 409
    assert none.status_code == 409
    assert logged_in(admin_client)
{%- endif %}


def test_the_two_factor_pages_are_never_cached(client, member):
    submit_password(client)
    assert client.get(CODE_PAGE).headers["Cache-Control"] == "no-store"
    assert submit_code(client, code_for(DEFAULT_EMAIL)).status_code == 302
    assert client.get(MFA_PAGE).headers["Cache-Control"] == "no-store"
