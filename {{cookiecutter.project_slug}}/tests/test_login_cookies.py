"""The production cookies of a browser login, as a browser sees them being set and deleted.

In production both cookies are `__Host-` prefixed, and a browser ignores any Set-Cookie
for such a name that lacks `Secure`, deletions included: a deletion without it would
leave the remember-me cookie in place after logout.
"""

import pytest

from {{ cookiecutter.package_name }} import accounts, create_app
from {{ cookiecutter.package_name }}.extensions import db
from tests.conftest import PASSWORD, REQUIRED_ENVIRONMENT, SECRET_KEY, empty_database
from tests.session_client import DEFAULT_EMAIL, HOME_PAGE, LOGOUT_PATH, log_in, post_form
{%- if cookiecutter.auth_mode == "hybrid" %}
from tests.two_factor import give_factor
{%- endif %}


@pytest.fixture
def production_client(database_url, monkeypatch):
    for name, value in REQUIRED_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    app = create_app(
        {
            "APP_ENV": "production",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PUBLIC_BASE_URL": "https://app.example.test",
            "MAIL_DEFAULT_SENDER": "no-reply@app.example.test",
        }
    )
    with app.app_context():
        db.create_all()
        accounts.register(DEFAULT_EMAIL, PASSWORD, roles=({{ '"admin",' if cookiecutter.auth_mode == "hybrid" else "" }}))
{%- if cookiecutter.auth_mode == "hybrid" %}
    give_factor(app, DEFAULT_EMAIL)  # operators need one (MFA_REQUIRED_ROLES)
{%- endif %}
    yield app.test_client()
    with app.app_context():
        db.session.remove()
        empty_database()
        db.engine.dispose()


def set_cookie_headers(response, name: str) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]


def test_logout_deletes_both_host_cookies_with_the_attributes_they_were_set_with(
    production_client,
):
    logged_in = log_in(production_client, remember=True)
    (remember,) = set_cookie_headers(logged_in, "__Host-remember_token")
    assert "Secure" in remember
    assert production_client.get(HOME_PAGE).status_code == 200

    logged_out = post_form(production_client, LOGOUT_PATH)

    for name in ("__Host-remember_token", "__Host-session"):
        (deleted,) = set_cookie_headers(logged_out, name)
        assert "Max-Age=0" in deleted
        assert "Secure" in deleted, f"a browser would ignore this deletion: {deleted}"
        assert "Path=/" in deleted
        assert "Domain" not in deleted
