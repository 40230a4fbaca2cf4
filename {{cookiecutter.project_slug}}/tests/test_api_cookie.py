"""Cookie transport: HttpOnly token cookies, double-submit CSRF, logout, the demo page."""

import time
from pathlib import Path

import jwt
import pytest

from {{ cookiecutter.package_name }} import create_app, demo
from tests.api_client import REFRESH_COOKIE_PATH
from tests.conftest import MFA_ENCRYPTION_KEY, SECRET_KEY
from tests.test_config import PRODUCTION_SERVICES


def set_cookies(response) -> dict[str, str]:
    """Set-Cookie headers by cookie name."""
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_login_sets_four_cookies_and_the_body_carries_no_token(api, user):
    response = api.log_in()

    assert response.status_code == 200
    assert "token" not in response.get_data(as_text=True).replace("refresh_rotated", "")
    cookies = set_cookies(response)
    assert set(cookies) == {
        "access_token_cookie",
        "refresh_token_cookie",
        "csrf_access_token",
        "csrf_refresh_token",
    }
    assert "HttpOnly" in cookies["access_token_cookie"]
    assert "HttpOnly" in cookies["refresh_token_cookie"]
    assert "HttpOnly" not in cookies["csrf_access_token"]  # the page's JS reads it
    assert f"Path={REFRESH_COOKIE_PATH}" in cookies["refresh_token_cookie"]
    assert "Path=/;" in cookies["csrf_refresh_token"] + ";"
    for header in cookies.values():
        assert "SameSite=Lax" in header
    assert "Max-Age=900" in cookies["access_token_cookie"]
    assert "Max-Age=900" in cookies["csrf_access_token"]
    refresh_max_age = int(cookies["refresh_token_cookie"].split("Max-Age=")[1].split(";")[0])
    assert 30 * 24 * 3600 - 2 <= refresh_max_age <= 30 * 24 * 3600


def test_cookies_are_secure_in_production():
    app = create_app(
        {
            **PRODUCTION_SERVICES,
            "APP_ENV": "production",
            "SECRET_KEY": SECRET_KEY,
            "JWT_SECRET_KEY": "production-jwt-key-for-this-test-only-abcdefghijklmnop",
            "MFA_ENCRYPTION_KEY": MFA_ENCRYPTION_KEY,
        }
    )
    assert app.config["JWT_COOKIE_SECURE"] is True


def test_get_needs_no_csrf_header(api, user):
    api.log_in()

    assert api.client.get("/api/v1/auth/me").status_code == 200


@pytest.mark.parametrize("header", [{}, {"X-CSRF-TOKEN": "forged"}], ids=["missing", "wrong"])
def test_a_post_without_the_matching_csrf_header_answers_401_csrf_failed(api, user, header):
    api.log_in()

    for path in ("/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/auth/password"):
        response = api.client.post(path, json={}, headers=header)
        assert response.status_code == 401, path
        assert response.get_json()["error"] == "csrf_failed"
        assert "Set-Cookie" not in response.headers


def test_the_access_csrf_value_does_not_unlock_refresh(api, user):
    api.log_in()

    response = api.client.post("/api/v1/auth/refresh", headers=api.csrf("csrf_access_token"))

    assert response.status_code == 401


def test_refresh_resets_the_access_cookie(api, user):
    api.log_in()

    response = api.refresh()

    assert response.status_code == 200
    assert "access_token_cookie" in set_cookies(response)


def test_logout_clears_all_four_cookies(api, user):
    api.log_in()

    response = api.log_out()

    assert response.status_code == 200
    cookies = set_cookies(response)
    assert set(cookies) == {
        "access_token_cookie",
        "refresh_token_cookie",
        "csrf_access_token",
        "csrf_refresh_token",
    }
    for header in cookies.values():
        assert "Max-Age=0" in header or "Expires=Thu, 01 Jan 1970" in header
    assert api.client.get("/api/v1/auth/me").status_code == 401


def test_logout_with_an_expired_access_token_still_clears_all_four_cookies(api, app, user):
    api.log_in()
    claims = jwt.decode(api.access_token, options={"verify_signature": False})
    claims["exp"] = int(time.time()) - 1
    api.use_access_token(jwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256"))
    refresh = api.refresh_token

    response = api.log_out()

    assert response.status_code == 200
    assert len(set_cookies(response)) == 4
{%- if cookiecutter.jwt_blocklist != "none" %}
    assert "access_token_cookie" not in set_cookies(api.refresh(refresh_token=refresh))
{%- else %}
    # The none backend cannot revoke: the refresh token stays valid until it expires.
    assert api.refresh(refresh_token=refresh).status_code == 200
{%- endif %}


def test_the_demo_page_is_404_outside_development(client):
    assert client.get("/demo/").status_code == 404
    assert client.get("/demo/demo.js").status_code == 404


def test_the_demo_page_is_served_in_development_without_inline_script(tmp_path):
    app = create_app(
        {
            "APP_ENV": "development",
            "SECRET_KEY": SECRET_KEY,
            "JWT_SECRET_KEY": "development-jwt-key-for-this-test-only-abcdefghijklmnop",
            "MFA_ENCRYPTION_KEY": MFA_ENCRYPTION_KEY,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
        }
    )
    client = app.test_client()

    page = client.get("/demo/")
    script = client.get("/demo/demo.js")

    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    html = page.get_data(as_text=True)
    assert '<script src="/demo/demo.js"' in html
    assert "<script>" not in html
    assert script.status_code == 200
    js = script.get_data(as_text=True)
    assert 'credentials: "same-origin"' in js
    assert "csrf_refresh_token" in js
    assert "X-CSRF-TOKEN" in js
    page.close()
    script.close()


def test_the_demo_client_keeps_no_token_in_web_storage():
    # Web storage is readable by any script an XSS bug injects; HttpOnly cookies are not.
    folder = Path(demo.__file__).parent
    for name in ("demo.js", "index.html"):
        text = (folder / name).read_text()
        assert "localStorage" not in text
        assert "sessionStorage" not in text
        assert "access_token_cookie" not in text  # never read (it could not be: HttpOnly)


def test_a_token_seen_before_still_needs_its_csrf_value_to_change_anything(api, client, user):
    api.log_in()
    assert api.get("/api/v1/auth/me").status_code == 200  # verified, and remembered
    missing = client.post("/api/v1/notes", json={"title": "forged"})
    wrong = client.post("/api/v1/notes", json={"title": "forged"}, headers={"X-CSRF-TOKEN": "x"})

    for response in (missing, wrong):
        assert (response.status_code, response.get_json()["error"]) == (401, "csrf_failed")
    assert api.get("/api/v1/notes").get_json()["notes"] == []
