"""Drive the server-rendered pages the way a browser does, CSRF token included."""

import re

from flask.testing import FlaskClient

from tests.conftest import PASSWORD
from tests.two_factor import FACTORS, code_for
{%- if cookiecutter.auth_mode == "hybrid" %}

LOGIN_PAGE = "/admin/login"
HOME_PAGE = "/admin/"
CHANGE_PASSWORD_PAGE = "/admin/change-password"
LOGOUT_PATH = "/admin/logout"
MFA_PAGE = "/admin/mfa/"
# The operator the `admin` fixture creates; log_in uses it unless told otherwise.
ADMIN_EMAIL = "root@example.com"
DEFAULT_EMAIL = ADMIN_EMAIL
{%- else %}

LOGIN_PAGE = "/auth/login"
HOME_PAGE = "/"
CHANGE_PASSWORD_PAGE = "/auth/change-password"
LOGOUT_PATH = "/auth/logout"
MFA_PAGE = "/auth/mfa/"
DEFAULT_EMAIL = "ada@example.com"
{%- endif %}
CODE_PAGE = f"{MFA_PAGE}verify"
SETUP_PAGE = f"{MFA_PAGE}setup"
CSRF_INPUT = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf_token(client: FlaskClient, page: str = LOGIN_PAGE) -> str:
    """The CSRF token from the form on `page`."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no csrf_token field on {page}"
    return match.group(1)


def log_in(
    client: FlaskClient,
    email: str = DEFAULT_EMAIL,
    password: str = PASSWORD,
    *,
    remember: bool = False,
    next_url: str | None = None,
):
    """Log in through the form; for an account with a factor (tests/two_factor.py), through
    the code page too. The last answer: the redirect where the login lands, or a refusal."""
    response = submit_password(client, email, password, remember=remember, next_url=next_url)
    if email.lower() in FACTORS and (response.location or "").startswith(CODE_PAGE):
        response = submit_code(client, code_for(email.lower()), page=response.location)
    return response


def submit_password(
    client: FlaskClient,
    email: str = DEFAULT_EMAIL,
    password: str = PASSWORD,
    *,
    remember: bool = False,
    next_url: str | None = None,
):
    """The login form alone: for an account with (or needing) a factor, no login yet."""
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    query = {"next": next_url} if next_url is not None else None
    return client.post(LOGIN_PAGE, data=data, query_string=query)


def submit_code(client: FlaskClient, code: str, *, page: str = CODE_PAGE):
    """POST the code page's form (or the setup page's, with page=SETUP_PAGE) to `page`.

    Its CSRF token is the session's, read off the login form: `page` itself may no longer
    show a form (its pending login may have ended, which is what a test may be proving).
    """
    return client.post(page, data={"code": code, "csrf_token": csrf_token(client)})


def post_form(client: FlaskClient, path: str, data: dict | None = None, *, page: str = HOME_PAGE):
    """POST a form with a valid CSRF token taken from `page`, which the client can see."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, page)})


def make_stale(client: FlaskClient) -> None:
    """Make this login non-fresh, as one restored from a remember-me cookie is."""
    with client.session_transaction() as session:
        session["_fresh"] = False


def cookie(client: FlaskClient, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found else None
