"""Drive the server-rendered pages the way a browser does, CSRF token included."""

import re

from flask.testing import FlaskClient

from tests.conftest import PASSWORD
{%- if cookiecutter.auth_mode == "hybrid" %}

LOGIN_PAGE = "/admin/login"
HOME_PAGE = "/admin/"
CHANGE_PASSWORD_PAGE = "/admin/change-password"
LOGOUT_PATH = "/admin/logout"
# The operator the `admin` fixture creates; log_in uses it unless told otherwise.
ADMIN_EMAIL = "root@example.com"
DEFAULT_EMAIL = ADMIN_EMAIL
{%- else %}

LOGIN_PAGE = "/auth/login"
HOME_PAGE = "/"
CHANGE_PASSWORD_PAGE = "/auth/change-password"
LOGOUT_PATH = "/auth/logout"
DEFAULT_EMAIL = "ada@example.com"
{%- endif %}
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
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    query = {"next": next_url} if next_url is not None else None
    return client.post(LOGIN_PAGE, data=data, query_string=query)


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
