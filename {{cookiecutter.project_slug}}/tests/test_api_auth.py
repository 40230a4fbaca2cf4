"""JSON API: register, login, me, password change and the admin gate (both transports)."""

import pytest

from {{ cookiecutter.package_name }} import accounts
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.user import User
from tests.api_client import Api
from tests.conftest import NEW_PASSWORD, PASSWORD
from tests.two_factor import give_factor


def test_register_answers_201_with_id_and_email_and_stores_the_user(api, fetch_user):
    response = api.client.post(
        "/api/v1/auth/register", json={"email": " Ada@Example.com ", "password": PASSWORD}
    )

    assert response.status_code == 201
    stored = fetch_user("ada@example.com")
    assert response.get_json() == {"id": stored.id, "email": "ada@example.com"}
    assert response.headers["Cache-Control"] == "no-store"


def test_register_a_taken_email_answers_409_email_taken(api, user):
    response = api.client.post(
        "/api/v1/auth/register", json={"email": "ADA@example.com", "password": PASSWORD}
    )

    assert response.status_code == 409
    assert response.get_json()["error"] == "email_taken"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email": "ada@example.com", "password": "short"}, "weak_password"),
        ({"email": "not-an-email", "password": PASSWORD}, "invalid_email"),
        ({"email": "ada@example.com"}, "invalid_request"),
        ({"email": 7, "password": PASSWORD}, "invalid_request"),
        (["ada@example.com", PASSWORD], "invalid_request"),
    ],
)
def test_register_with_bad_input_answers_400_and_creates_nothing(api, fetch_user, body, code):
    response = api.client.post("/api/v1/auth/register", json=body)

    assert response.status_code == 400
    assert response.get_json()["error"] == code
    assert fetch_user("ada@example.com") is None


def test_a_form_encoded_body_answers_415_json_not_500(api):
    response = api.client.post(
        "/api/v1/auth/login", data={"email": "ada@example.com", "password": PASSWORD}
    )

    assert response.status_code == 415
    assert response.is_json
    assert response.get_json()["error"] == "unsupported_media_type"


def test_broken_json_answers_400_invalid_request(api):
    response = api.client.post(
        "/api/v1/auth/login", data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_an_unknown_api_path_answers_json_404(api):
    response = api.client.get("/api/v1/nowhere", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert response.is_json
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("email", "password", "deactivated"),
    [
        ("nobody@example.com", PASSWORD, False),
        ("ada@example.com", "wrong password entirely 42", False),
        ("ada@example.com", PASSWORD, True),
    ],
    ids=["unknown-email", "wrong-password", "deactivated"],
)
def test_every_failed_login_answers_the_same_401(api, app, user, email, password, deactivated):
    if deactivated:
        with app.app_context():
            accounts.deactivate(db.session.merge(user))

    response = api.log_in(email, password)

    assert response.status_code == 401
    assert response.get_json() == {
        "error": "invalid_credentials",
        "message": "The email or password is not correct.",
    }
    assert "Set-Cookie" not in response.headers


def test_login_then_me_answers_id_email_and_roles(api, user):
    assert api.log_in().status_code == 200

    response = api.get("/api/v1/auth/me")

    assert response.status_code == 200
    assert response.get_json() == {
        "id": user.id,
        "email": "ada@example.com",
        "email_verified": False,
        "roles": [],
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_me_without_a_token_answers_401_missing_token(api):
    response = api.get("/api/v1/auth/me")

    assert response.status_code == 401
    assert response.get_json()["error"] == "missing_token"


def test_me_for_a_deactivated_user_answers_401(api, app, user):

    api.log_in()
    with app.app_context():
        accounts.deactivate(db.session.merge(user))

    response = api.get("/api/v1/auth/me")

    assert response.status_code == 401
    assert response.get_json()["error"] == "token_revoked"


def test_me_for_a_deleted_user_answers_401(api, app, user):
    api.log_in()
    with app.app_context():
        db.session.delete(db.session.get(User, user.id))
        db.session.commit()

    assert api.get("/api/v1/auth/me").status_code == 401


def test_password_change_with_a_fresh_token_ends_every_older_token(api, app, user, fetch_user):
    other_device = Api(app.test_client())
    other_device.log_in()
    api.log_in()
    old_access = api.access_token

    response = api.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 200
    api.keep(response)
    assert fetch_user().token_version == user.token_version + 1
    # The new tokens work; the old ones, here and on the other device, do not.
    assert api.get("/api/v1/auth/me").status_code == 200
    assert api.get("/api/v1/auth/me", token=old_access).status_code == 401
    assert other_device.get("/api/v1/auth/me").status_code == 401
    assert other_device.refresh().status_code == 401
    assert api.log_in(password=NEW_PASSWORD).status_code == 200


def test_password_change_with_a_wrong_current_password_changes_nothing(api, user, fetch_user):
    api.log_in()

    response = api.post(
        "/api/v1/auth/password",
        json={"current_password": "not my password at all 7", "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert response.get_json()["error"] == "wrong_password"
    assert fetch_user().token_version == user.token_version
    assert api.get("/api/v1/auth/me").status_code == 200


def test_password_change_with_a_refreshed_non_fresh_token_answers_401_fresh_token_required(
    api, user
):
    api.log_in()
    assert api.refresh().status_code == 200

    response = api.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 401
    assert response.get_json()["error"] == "fresh_token_required"


def test_admin_users_answers_403_insufficient_role_for_a_plain_user(api, user):
    api.log_in()

    response = api.get("/api/v1/admin/users")

    assert response.status_code == 403
    assert response.get_json()["error"] == "insufficient_role"


def test_admin_users_lists_accounts_for_an_admin(api, app, make_user):
    make_user("root@example.com", roles=("admin",))
    give_factor(app, "root@example.com")  # the role requires one
    make_user("bob@example.com")
    api.log_in("root@example.com")

    response = api.get("/api/v1/admin/users")

    assert response.status_code == 200
    emails = [u["email"] for u in response.get_json()["users"]]
    assert emails == ["root@example.com", "bob@example.com"]


def test_admin_role_removed_in_the_database_is_refused_despite_the_role_claim(api, app, make_user):
    admin = make_user("root@example.com", roles=("admin",))
    give_factor(app, "root@example.com")
    api.log_in("root@example.com")
    with app.app_context():
        db.session.get(User, admin.id).roles = []
        db.session.commit()

    response = api.get("/api/v1/admin/users")

    assert response.status_code == 403
    assert response.get_json()["error"] == "insufficient_role"
