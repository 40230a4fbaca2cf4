"""The /admin panel: admins only, session rules, CSRF-protected actions, paging, audit."""

import json
import logging
from urllib.parse import quote

import pytest
from sqlalchemy import select

from {{ cookiecutter.package_name }} import accounts
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.login_session import LoginSession
from tests.conftest import NEW_PASSWORD, PASSWORD
from tests.session_client import ADMIN_EMAIL, cookie, csrf_token, log_in, make_stale, post_form

LOGIN_FAILED = "Email or password is incorrect."
AUDIT_LOGGER = "{{ cookiecutter.package_name }}.audit"


def login_records(app, user_id: int) -> list[LoginSession]:
    with app.app_context():
        records = list(
            db.session.scalars(select(LoginSession).where(LoginSession.user_id == user_id))
        )
        db.session.expunge_all()
        return records


@pytest.mark.parametrize(
    ("path", "next_value"),
    [("/admin/", "/admin/"), ("/admin/users?q=ada", "/admin/users?q=ada")],
)
def test_anonymous_pages_redirect_to_admin_login_with_next(client, path, next_value):
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/login?next={quote(next_value, safe='')}"


def test_an_admin_logs_in_and_gets_a_server_side_login(app, client, admin):
    response = log_in(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    [session] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in session and "SameSite=Lax" in session
    page = client.get("/admin/")
    assert page.status_code == 200
    assert ADMIN_EMAIL in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    [record] = login_records(app, admin.id)
    assert record.revoked_at is None


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("ada@example.com", PASSWORD),  # a customer's correct password
        ("ada@example.com", "wrong password entirely"),
        ("nobody@example.com", PASSWORD),
    ],
    ids=["customer", "wrong-password", "unknown"],
)
def test_non_admins_are_refused_with_the_same_vague_answer(app, client, user, email, password):
    response = log_in(client, email, password)

    assert response.status_code == 401
    assert LOGIN_FAILED in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert login_records(app, user.id) == []


def test_a_deactivated_admin_is_refused_like_a_wrong_password(client, admin, app):
    with app.app_context():
        accounts.deactivate(accounts.find_user(ADMIN_EMAIL))

    response = log_in(client)

    assert response.status_code == 401
    assert LOGIN_FAILED in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        ("/admin/users?page=2", "/admin/users?page=2"),
        ("//evil.example/admin", "/admin/"),
        ("https://evil.example/", "/admin/"),
        ("/%5Cevil.example", "/admin/"),
    ],
)
def test_login_follows_only_a_same_site_next(client, admin, next_url, location):
    response = log_in(client, next_url=next_url)

    assert response.headers["Location"] == location


def test_login_drops_whatever_the_session_held_before(client, admin):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    log_in(client)

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_fresh"] is True


def test_remember_me_cookie_is_httponly_and_samesite(client, admin):
    response = log_in(client, remember=True)

    [remember] = [c for c in response.headers.getlist("Set-Cookie") if "remember_token=" in c]
    assert "HttpOnly" in remember and "SameSite=Lax" in remember and "Expires=" in remember


def test_logout_revokes_the_login_so_a_copied_cookie_is_worthless(app, admin_client, admin):
    stolen = cookie(admin_client, "session")
    response = post_form(admin_client, "/admin/logout")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login"
    [record] = login_records(app, admin.id)
    assert record.revoked_at is not None
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/admin/").status_code == 302


def test_an_admin_who_loses_the_role_is_refused_on_the_next_request(app, admin_client, admin):
    with app.app_context():
        accounts.revoke_admin(accounts.find_user(ADMIN_EMAIL))

    response = admin_client.get("/admin/users")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login"
    [record] = login_records(app, admin.id)
    assert record.revoked_at is not None


def test_users_are_searched_by_email_and_paged(admin_client, make_user):
    for n in range(30):
        make_user(f"customer{n:02}@example.com")

    first = admin_client.get("/admin/users").get_data(as_text=True)
    second = admin_client.get("/admin/users?page=2").get_data(as_text=True)
    search = admin_client.get("/admin/users?q=CUSTOMER07").get_data(as_text=True)
    wildcard = admin_client.get("/admin/users?q=%25").get_data(as_text=True)

    assert "customer00@example.com" in first and "customer29@example.com" not in first
    assert "customer29@example.com" in second and "customer00@example.com" not in second
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert "customer07@example.com" in search and "customer08@example.com" not in search
    assert "No users match." in wildcard
    assert admin_client.get("/admin/users?page=abc").status_code == 200


@pytest.mark.parametrize("action", ["deactivate", "grant-admin"])
def test_actions_without_a_csrf_token_are_refused(admin_client, user, fetch_user, action):
    response = admin_client.post(f"/admin/users/{user.id}/{action}")

    assert response.status_code == 400
    stored = fetch_user()
    assert stored.active and stored.roles == []


@pytest.mark.parametrize("action", ["deactivate", "reactivate", "grant-admin", "revoke-admin"])
def test_role_changes_and_deactivation_need_a_fresh_login(admin_client, user, fetch_user, action):
    make_stale(admin_client)

    response = post_form(admin_client, f"/admin/users/{user.id}/{action}")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/reauth?next=/admin/users"
    assert fetch_user().active and fetch_user().roles == []
    confirmed = post_form(
        admin_client,
        "/admin/reauth?next=/admin/users",
        {"password": PASSWORD},
        page="/admin/reauth",
    )
    assert confirmed.headers["Location"] == "/admin/users"
    assert post_form(admin_client, f"/admin/users/{user.id}/{action}").status_code == 303


def test_reauth_with_a_wrong_password_stays_stale(admin_client):
    make_stale(admin_client)

    response = post_form(admin_client, "/admin/reauth", {"password": "nope"}, page="/admin/reauth")

    assert response.status_code == 401
    assert admin_client.get("/admin/change-password").status_code == 302


def test_an_admin_cannot_deactivate_or_demote_themselves(admin_client, admin, fetch_user):
    for action in ("deactivate", "revoke-admin"):
        response = post_form(admin_client, f"/admin/users/{admin.id}/{action}")
        assert response.status_code == 409
        assert "cannot" in response.get_data(as_text=True)
    stored = fetch_user(ADMIN_EMAIL)
    assert stored.active and stored.roles == ["admin"]
    assert admin_client.get("/admin/").status_code == 200


def test_actions_change_the_account_and_are_audited(admin_client, admin, user, fetch_user, caplog):
    caplog.set_level(logging.INFO, logger=AUDIT_LOGGER)
    base = f"/admin/users/{user.id}"

    assert post_form(admin_client, f"{base}/grant-admin").status_code == 303
    assert fetch_user().roles == ["admin"]
    assert post_form(admin_client, f"{base}/revoke-admin").status_code == 303
    assert fetch_user().roles == []
    assert post_form(admin_client, f"{base}/deactivate").status_code == 303
    assert not fetch_user().active
    assert post_form(admin_client, f"{base}/reactivate").status_code == 303
    assert fetch_user().active
    response = post_form(admin_client, f"{base}/logout-everywhere")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/users"

    events = [json.loads(r.getMessage()) for r in caplog.records if r.name == AUDIT_LOGGER]
    names = [e["event"] for e in events]
    for name in (
        "authz_role_granted",
        "authz_role_revoked",
        "user_deactivated",
        "user_reactivated",
        "authn_logout_everywhere",
    ):
        assert name in names
    actions = [e for e in events if e["event"] == "admin_action"]
    assert [a["action"] for a in actions] == [
        "grant_admin",
        "revoke_admin",
        "deactivate",
        "reactivate",
        "logout_everywhere",
    ]
    assert {(a["user_id"], a["target_user_id"]) for a in actions} == {(admin.id, user.id)}
    assert "flashes" not in response.headers.get("Set-Cookie", "")


def test_an_action_on_a_missing_user_is_404(admin_client):
    assert post_form(admin_client, "/admin/users/999999/deactivate").status_code == 404
    # Too large to be a row id: refused by the route, not passed to the database.
    assert post_form(admin_client, f"/admin/users/{2**70}/deactivate").status_code == 404


def test_change_password_needs_a_fresh_login_and_keeps_this_one(app, admin_client, admin):
    make_stale(admin_client)
    assert admin_client.get("/admin/change-password").headers["Location"] == (
        "/admin/reauth?next=%2Fadmin%2Fchange-password"
    )
    with admin_client.session_transaction() as session:
        session["_fresh"] = True

    response = post_form(
        admin_client,
        "/admin/change-password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        page="/admin/change-password",
    )

    assert response.status_code == 302
    assert admin_client.get("/admin/").status_code == 200
    old, new = login_records(app, admin.id)
    assert old.token_version < new.token_version


def test_admin_login_is_rate_limited(client, admin):
    token = csrf_token(client)
    statuses = [
        client.post(
            "/admin/login", data={"email": ADMIN_EMAIL, "password": "bad", "csrf_token": token}
        ).status_code
        for _ in range(6)
    ]

    assert statuses == [401] * 5 + [429]
