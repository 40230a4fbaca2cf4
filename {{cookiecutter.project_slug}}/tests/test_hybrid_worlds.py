"""Hybrid mode: the session world (/admin) and the token world (/api/v1) never cross,
and what an operator does in /admin takes effect in the API on the next request."""

import jwt
import pytest

from {{ cookiecutter.package_name }} import create_app
{%- if cookiecutter.jwt_blocklist == "database" %}
from {{ cookiecutter.package_name }}.security import login_sessions
{%- endif %}
from tests.api_client import Api
from tests.conftest import PASSWORD, SECRET_KEY
from tests.session_client import ADMIN_EMAIL, log_in, post_form
from tests.two_factor import give_factor


@pytest.fixture
def customer(app, user) -> Api:
    """`user`, logged into the API from its own client (an app, not a browser)."""
    api = Api(app.test_client())
    assert api.log_in().status_code == 200
    return api


def test_a_session_cookie_alone_never_authenticates_the_api(admin_client):
    for method, path in [
        ("GET", "/api/v1/auth/me"),
        ("GET", "/api/v1/admin/users"),
        ("POST", "/api/v1/auth/password"),
    ]:
        response = admin_client.open(path, method=method, json={})
        assert response.status_code == 401, path
        assert response.get_json()["error"] == "missing_token"
        assert "Location" not in response.headers


def test_a_jwt_never_authenticates_an_admin_page(app, admin):
    api = Api(app.test_client())
    assert api.log_in(ADMIN_EMAIL).status_code == 200  # an admin's own, valid token

    page = api.get("/admin/")
    action = api.client.post(
        f"/admin/users/{admin.id}/deactivate",
        headers={"Authorization": f"Bearer {api.access_token}"},
    )

    assert page.status_code == 302
    assert page.headers["Location"] == "/admin/login?next=%2Fadmin%2F"
    assert action.status_code == 400  # no session, so no CSRF token either: refused first


def test_the_api_answers_json_never_a_redirect(client):
    me = client.get("/api/v1/auth/me", headers={"Accept": "text/html"})
    missing = client.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})

    assert me.status_code == 401 and me.get_json()["error"] == "missing_token"
    assert "Location" not in me.headers
    assert missing.status_code == 404 and missing.is_json


def test_every_api_endpoint_is_exempt_from_form_csrf(app, client):
    # Including blueprints nested under /api/v1 and any added later.
    posts = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and "POST" in rule.methods and not rule.arguments
    ]
    assert "/api/v1/auth/login" in posts
    for path in posts:
        response = client.post(path, json={})
        assert response.is_json, path
        assert response.get_json().get("error") != "csrf_failed", path


def test_admin_forms_are_not_exempt_from_csrf(app, admin):
    client = app.test_client()

    response = client.post("/admin/login", data={"email": ADMIN_EMAIL, "password": "x"})

    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)


def test_deactivating_a_customer_in_admin_locks_them_out_of_the_api(
    admin_client, customer, user, fetch_user
):
    assert customer.get("/api/v1/auth/me").status_code == 200

    response = post_form(admin_client, f"/admin/users/{user.id}/deactivate")

    assert response.status_code == 303
    assert not fetch_user().active
    me = customer.get("/api/v1/auth/me")
    assert me.status_code == 401
    assert me.get_json()["error"] == "token_revoked"
    assert customer.refresh().status_code == 401
    assert customer.log_in().status_code == 401


def test_logout_everywhere_in_admin_ends_the_customers_tokens(admin_client, customer, user):
    response = post_form(admin_client, f"/admin/users/{user.id}/logout-everywhere")

    assert response.status_code == 303
    assert customer.get("/api/v1/auth/me").status_code == 401


def test_granting_admin_shows_in_the_next_token_and_the_panel(app, admin_client, customer, user):
    give_factor(app, user.email)  # the admin role requires one: this customer has it
    assert customer.log_in().status_code == 200
    assert customer.get("/api/v1/admin/users").status_code == 403

    post_form(admin_client, f"/admin/users/{user.id}/grant-admin")

    # The token issued before the grant still claims no role; the next one does.
    assert customer.get("/api/v1/admin/users").status_code == 403
    assert customer.refresh().status_code == 200
    claims = jwt.decode(customer.access_token, options={"verify_signature": False})
    assert claims["roles"] == ["admin"]
    assert customer.get("/api/v1/admin/users").status_code == 200
    # And the panel lets the new admin in at once.
    assert log_in(app.test_client(), user.email).status_code == 302

    post_form(admin_client, f"/admin/users/{user.id}/revoke-admin")

    # Revoking needs no new token: the gate reads the role from the database.
    assert customer.get("/api/v1/admin/users").status_code == 403


def test_granting_admin_to_a_customer_without_a_factor_ends_their_logins(
    app, admin_client, customer, user
):
    post_form(admin_client, f"/admin/users/{user.id}/grant-admin")

    # The role requires a second factor, and this login was made without one.
    refused = customer.get("/api/v1/auth/me")
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "token_revoked"
    assert customer.refresh().status_code == 401
    # The next login with the password leads to setting a factor up, and no token yet.
    again = customer.client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert again.status_code == 403
    assert again.get_json()["error"] == "mfa_enrolment_required"
    assert "access_token" not in again.get_json()


def test_equal_secret_and_jwt_keys_are_refused_at_startup(database_url):
    with pytest.raises(RuntimeError, match="must differ"):
        create_app(
            {
                "APP_ENV": "testing",
                "SECRET_KEY": SECRET_KEY,
                "JWT_SECRET_KEY": SECRET_KEY,
                "SQLALCHEMY_DATABASE_URI": database_url,
            }
        )
{%- if cookiecutter.jwt_blocklist == "database" %}


def test_a_token_family_never_opens_an_admin_session(app, admin):
    # Families and admin logins share login_sessions; a family id (readable in any
    # JWT) must not load as a browser login even for an admin.
    api = Api(app.test_client())
    api.log_in(ADMIN_EMAIL)
    family = jwt.decode(api.access_token, options={"verify_signature": False})["fam"]

    with app.app_context():
        assert login_sessions.load_user(family) is None
{%- endif %}
