"""Session mode: registering, logging in, freshness and what each response reveals."""

import pytest

from tests.conftest import NEW_PASSWORD, PASSWORD
from tests.session_client import cookie, csrf_token, log_in, post_form
from tests.two_factor import give_factor

HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}


def register(client, email="grace@example.com", password=PASSWORD):
    token = csrf_token(client, "/auth/register")
    return client.post(
        "/auth/register", data={"email": email, "password": password, "csrf_token": token}
    )


def test_register_logs_in_and_stores_normalised_email(client, fetch_user):
    response = register(client, email="  Grace@Example.COM ")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/auth/me").json["email"] == "grace@example.com"
    assert fetch_user("grace@example.com") is not None


def test_register_duplicate_email_is_409_with_the_form(client, user):
    response = register(client, email="ADA@example.com")

    assert response.status_code == 409
    assert "already exists" in response.get_data(as_text=True)
    assert '<form method="post"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-email", PASSWORD, "email"),
        ("grace@example.com", "short", "at least 12"),
        ("grace@example.com", "Password1234!", "commonly used"),
        ("grace@example.com", "x" * 129, "at most 128"),
    ],
)
def test_register_rejects_bad_input_with_reason(client, fetch_user, email, password, message):
    response = register(client, email=email, password=password)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True).lower()
    assert fetch_user("grace@example.com") is None


def test_register_without_csrf_token_is_refused(client, fetch_user):
    response = client.post(
        "/auth/register", data={"email": "grace@example.com", "password": PASSWORD}
    )

    assert response.status_code == 400
    assert fetch_user("grace@example.com") is None


def test_login_redirects_to_dashboard(client, user):
    response = log_in(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "ada@example.com" in page.get_data(as_text=True)


def test_login_form_without_csrf_token_is_400(client, user):
    response = client.post("/auth/login", data={"email": "ada@example.com", "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/auth/me", headers=JSON).status_code == 401


def test_login_with_missing_fields_is_400_with_the_form(client):
    response = client.post("/auth/login", data={"csrf_token": csrf_token(client)})

    assert response.status_code == 400
    assert '<form method="post"' in response.get_data(as_text=True)


def test_failed_logins_look_identical(client, make_user, app):
    make_user()
    make_user("off@example.com")
    with app.app_context():
        from {{ cookiecutter.package_name }} import accounts

        accounts.deactivate(accounts.find_user("off@example.com"))

    unknown = log_in(client, "nobody@example.com")
    wrong = log_in(client, "ada@example.com", "wrong password entirely")
    deactivated = log_in(client, "off@example.com", PASSWORD)

    assert unknown.status_code == wrong.status_code == deactivated.status_code == 401

    def message(response):
        html = response.get_data(as_text=True)
        return html[html.index('role="alert"') :].split("<", 1)[0]

    assert message(unknown) == message(wrong) == message(deactivated)
    assert "Email or password is incorrect." in unknown.get_data(as_text=True)


def test_auth_responses_are_not_cached(client, user):
    assert client.get("/auth/login").headers["Cache-Control"] == "no-store"
    log_in(client)
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/auth/me").headers["Cache-Control"] == "no-store"


def test_me_returns_the_current_user(app, client, make_user):
    make_user("root@example.com", roles=("admin",))
    give_factor(app, "root@example.com")  # the role requires one
    log_in(client, "root@example.com")

    body = client.get("/auth/me").json

    assert body == {
        "id": body["id"],
        "email": "root@example.com",
        "email_verified": False,
        "roles": ["admin"],
    }


def test_anonymous_html_request_redirects_to_login_with_next(client):
    response = client.get("/?tab=security", headers=HTML)

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=%2F%3Ftab%3Dsecurity"


def test_anonymous_json_request_gets_401_json(client):
    response = client.get("/auth/me", headers=JSON)

    assert response.status_code == 401
    assert response.json["error"] == "login_required"


def test_session_fixation_pre_login_session_is_discarded(client, user):
    with client.session_transaction() as session:
        session["planted"] = "by attacker"
    before = cookie(client, "session")

    log_in(client)

    with client.session_transaction() as session:
        assert "planted" not in session
    assert cookie(client, "session") != before


def test_session_cookie_flags(client, user):
    response = log_in(client, remember=True)

    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert "HttpOnly" in remember_cookie
    assert "SameSite=Lax" in remember_cookie
    assert "Expires=" in remember_cookie


def test_remember_me_restores_a_non_fresh_session_that_keeps_working(client, user):
    log_in(client, remember=True)
    client.delete_cookie("session")  # the browser was closed

    assert client.get("/").status_code == 200
    assert client.get("/auth/me").status_code == 200
    # Restored from the cookie, so not fresh: sensitive pages ask for the password.
    response = client.get("/auth/change-password", headers=HTML)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/reauth?next=")


def test_reauth_makes_the_session_fresh(client, user):
    log_in(client, remember=True)
    client.delete_cookie("session")
    client.get("/")

    wrong = post_form(client, "/auth/reauth", {"password": "not it at all"}, page="/auth/reauth")
    assert wrong.status_code == 401
    response = post_form(
        client,
        "/auth/reauth?next=/auth/change-password",
        {"password": PASSWORD},
        page="/auth/reauth",
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/change-password"
    assert client.get("/auth/change-password").status_code == 200


def test_non_fresh_json_request_gets_401_json(client, user):
    log_in(client, remember=True)
    client.delete_cookie("session")
    client.get("/")

    response = client.get("/auth/change-password", headers=JSON)

    assert response.status_code == 401
    assert response.json["error"] == "fresh_login_required"


def test_change_password_ends_other_logins_and_keeps_this_one(app, user, fetch_user):
    here, elsewhere = app.test_client(), app.test_client()
    log_in(here)
    log_in(elsewhere, remember=True)

    response = post_form(
        here,
        "/auth/change-password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        page="/auth/change-password",
    )

    assert response.status_code == 302
    assert here.get("/auth/me").status_code == 200
    assert elsewhere.get("/auth/me", headers=JSON).status_code == 401
    elsewhere.delete_cookie("session")
    assert elsewhere.get("/auth/me", headers=JSON).status_code == 401  # remember cookie too
    assert log_in(app.test_client(), password=NEW_PASSWORD).status_code == 302
    assert log_in(app.test_client(), password=PASSWORD).status_code == 401
    assert fetch_user().token_version == user.token_version + 1


@pytest.mark.parametrize(
    ("current", "new", "status"),
    [("wrong current password", NEW_PASSWORD, 400), (PASSWORD, "too short", 400)],
)
def test_change_password_refusals_keep_the_password(client, user, current, new, status):
    log_in(client)

    response = post_form(
        client,
        "/auth/change-password",
        {"current_password": current, "new_password": new},
        page="/auth/change-password",
    )

    assert response.status_code == status
    assert client.get("/auth/me").status_code == 200
    client.delete_cookie("session")
    assert log_in(client).status_code == 302


def test_spoofed_x_forwarded_for_does_not_change_the_session_identity(client, user):
    log_in(client)

    # Without a trusted proxy the header is ignored: the same client stays logged in,
    # and an attacker cannot steer the "strong" protection with it either.
    response = client.get("/auth/me", headers={"X-Forwarded-For": "203.0.113.9"})

    assert response.status_code == 200


def test_session_used_from_another_address_is_ended(client, user):
    log_in(client)

    response = client.get("/auth/me", headers=JSON, environ_base={"REMOTE_ADDR": "198.51.100.7"})

    assert response.status_code == 401


def test_deactivated_user_is_anonymous_on_the_next_request(client, user, app):
    log_in(client, remember=True)
    with app.app_context():
        from {{ cookiecutter.package_name }} import accounts

        accounts.deactivate(accounts.find_user("ada@example.com"))

    assert client.get("/auth/me", headers=JSON).status_code == 401
    client.delete_cookie("session")
    assert client.get("/auth/me", headers=JSON).status_code == 401


def test_unknown_route_answers_in_the_clients_format(client):
    assert client.get("/nope", headers=JSON).json["error"] == "not_found"
    page = client.get("/nope", headers=HTML)
    assert page.status_code == 404
    assert "<h1>404</h1>" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "body",
    [
        {"email": "a" * 10_000, "password": PASSWORD},
        {"email": "ada@example.com", "password": "p" * 10_000},
        {"email": "\x00@example.com", "password": "\x00"},
        {"email": ["a", "b"], "password": ""},
        {"remember": "maybe"},
    ],
)
def test_odd_login_input_never_causes_a_server_error(client, user, body):
    response = client.post("/auth/login", data={**body, "csrf_token": csrf_token(client)})

    assert response.status_code in {400, 401}
