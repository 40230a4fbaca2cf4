"""The token cookies in production: `__Host-` prefixed, as a browser sees them set and deleted.

A browser accepts a `__Host-` cookie only with `Secure`, `Path=/` and no `Domain`, so no
sibling subdomain can plant a token or a CSRF value for this host. The double-submit
CSRF check works with the prefixed names as it does without them.
"""

import pytest

from {{ cookiecutter.package_name }} import accounts, create_app
from {{ cookiecutter.package_name }}.extensions import db
from tests.conftest import PASSWORD, REQUIRED_ENVIRONMENT, SECRET_KEY, empty_database

ACCESS, REFRESH = "__Host-access_token", "__Host-refresh_token"
CSRF_ACCESS, CSRF_REFRESH = "__Host-csrf_access_token", "__Host-csrf_refresh_token"
PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": SECRET_KEY,
    "PUBLIC_BASE_URL": "https://app.example.test",
    "MAIL_DEFAULT_SENDER": "no-reply@app.example.test",
}


@pytest.fixture
def production_app(database_url, monkeypatch):
    for name, value in REQUIRED_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    app = create_app({**PRODUCTION, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        accounts.register("ada@example.com", PASSWORD)
    yield app
    with app.app_context():
        db.session.remove()
        empty_database()
        db.engine.dispose()


@pytest.fixture
def browser(production_app):
    client = production_app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # behind the TLS-terminating proxy
    return client


def log_in(browser):
    response = browser.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200, response.get_json()
    return response


def set_cookies(response) -> dict[str, str]:
    """Set-Cookie headers by cookie name."""
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def csrf_header(browser, name: str) -> dict[str, str]:
    return {"X-CSRF-TOKEN": browser.get_cookie(name).value}


def assert_host_cookie(header: str) -> None:
    attributes = [part.strip() for part in header.split(";")[1:]]
    assert "Secure" in attributes, header
    assert "Path=/" in attributes, header
    assert not any(part.lower().startswith("domain=") for part in attributes), header


def test_login_sets_four_host_cookies_only_the_csrf_twins_readable_by_script(browser):
    cookies = set_cookies(log_in(browser))

    assert set(cookies) == {ACCESS, REFRESH, CSRF_ACCESS, CSRF_REFRESH}
    for header in cookies.values():
        assert_host_cookie(header)
    assert "HttpOnly" in cookies[ACCESS] and "HttpOnly" in cookies[REFRESH]
    assert "HttpOnly" not in cookies[CSRF_ACCESS] and "HttpOnly" not in cookies[CSRF_REFRESH]


def test_the_double_submit_check_works_with_the_prefixed_names(browser):
    log_in(browser)

    assert browser.get("/api/v1/auth/me").status_code == 200
    forged = browser.post("/api/v1/auth/refresh")
    assert (forged.status_code, forged.get_json()["error"]) == (401, "csrf_failed")
    wrong_twin = browser.post("/api/v1/auth/refresh", headers=csrf_header(browser, CSRF_ACCESS))
    assert wrong_twin.status_code == 401

    refreshed = browser.post("/api/v1/auth/refresh", headers=csrf_header(browser, CSRF_REFRESH))

    assert refreshed.status_code == 200
    assert ACCESS in set_cookies(refreshed)
    assert_host_cookie(set_cookies(refreshed)[ACCESS])


def test_logout_deletes_all_four_with_the_attributes_a_browser_requires(browser):
    log_in(browser)

    response = browser.post("/api/v1/auth/logout", headers=csrf_header(browser, CSRF_REFRESH))

    assert response.status_code == 200
    cookies = set_cookies(response)
    assert set(cookies) == {ACCESS, REFRESH, CSRF_ACCESS, CSRF_REFRESH}
    for header in cookies.values():
        assert "Max-Age=0" in header or "Expires=Thu, 01 Jan 1970" in header
        assert_host_cookie(header)  # else the browser ignores the deletion
    assert browser.get("/api/v1/auth/me").status_code == 401


def test_a_token_under_the_unprefixed_name_is_not_read_in_production(browser):
    # What a sibling subdomain could plant (Domain=.example.test): never a __Host- name.
    log_in(browser)
    token = browser.get_cookie(ACCESS).value
    browser.delete_cookie(ACCESS)
    browser.set_cookie("access_token_cookie", token)

    response = browser.get("/api/v1/auth/me")

    assert (response.status_code, response.get_json()["error"]) == (401, "missing_token")


@pytest.mark.parametrize(
    ("setting", "value"),
    [("JWT_REFRESH_COOKIE_PATH", "/api/v1/auth"), ("JWT_COOKIE_DOMAIN", "example.test")],
)
def test_production_refuses_a_host_cookie_a_browser_would_drop(
    database_url, monkeypatch, setting, value
):
    for name, secret in REQUIRED_ENVIRONMENT.items():
        monkeypatch.setenv(name, secret)
    settings = {**PRODUCTION, "SQLALCHEMY_DATABASE_URI": database_url, setting: value}

    with pytest.raises(RuntimeError, match="__Host- cookie"):
        create_app(settings)
