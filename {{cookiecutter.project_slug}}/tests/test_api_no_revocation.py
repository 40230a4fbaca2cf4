"""The `none` backend: no store, so tokens stay valid until they expire.

Only a token_version bump (password change, deactivation, log-out-everywhere) ends
tokens early; logout cannot.
"""

import pytest

from tests.api_client import Api

pytestmark = pytest.mark.logged_in


def test_refresh_returns_a_new_access_token_and_keeps_the_refresh_token(api):
    refresh = api.refresh_token

    response = api.refresh()

    assert response.status_code == 200
    assert api.refresh_token == refresh
    assert api.get("/api/v1/auth/me").status_code == 200
    assert api.refresh().status_code == 200


def test_after_logout_a_copied_access_token_still_works_until_it_expires(api, app):
    access = api.access_token

    assert api.log_out().status_code == 200

    assert Api(app.test_client()).get("/api/v1/auth/me", token=access).status_code == 200


def test_a_password_change_still_ends_every_older_token(api, app, user):
    from {{ cookiecutter.package_name }} import accounts
    from {{ cookiecutter.package_name }}.extensions import db

    access = api.access_token
    with app.app_context():
        accounts.log_out_everywhere(db.session.merge(user))

    assert Api(app.test_client()).get("/api/v1/auth/me", token=access).status_code == 401
    assert api.refresh().status_code == 401
