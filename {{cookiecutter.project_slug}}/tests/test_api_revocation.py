"""Revocation (database and redis backends): logout ends the whole login family at once."""

import pytest

from tests.api_client import Api

pytestmark = pytest.mark.logged_in


def test_logout_with_the_access_token_refuses_access_and_refresh_on_the_next_request(api, app):
    access, refresh = api.access_token, api.refresh_token

    response = api.log_out()

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    replay = Api(app.test_client())
    replay.set_refresh_token(refresh)
    me = replay.get("/api/v1/auth/me", token=access)
    assert (me.status_code, me.get_json()["error"]) == (401, "token_revoked")
    again = replay.refresh()
    assert (again.status_code, again.get_json()["error"]) == (401, "token_revoked")


def test_logout_ends_only_this_login_not_the_users_other_devices(api, app):
    other = Api(app.test_client())
    other.log_in()

    api.log_out()

    assert other.get("/api/v1/auth/me").status_code == 200
    assert other.refresh().status_code == 200


def test_tokens_issued_by_refresh_die_with_their_family_at_logout(api, app):
    api.refresh()
    rotated_access = api.access_token

    assert api.log_out().status_code == 200

    replay = Api(app.test_client())
    assert replay.get("/api/v1/auth/me", token=rotated_access).status_code == 401


def test_log_out_everywhere_ends_every_family_of_the_user(api, app, user):
    from {{ cookiecutter.package_name }} import accounts
    from {{ cookiecutter.package_name }}.extensions import db

    with app.app_context():
        accounts.log_out_everywhere(db.session.merge(user))

    assert api.get("/api/v1/auth/me").status_code == 401
    assert api.refresh().status_code == 401
