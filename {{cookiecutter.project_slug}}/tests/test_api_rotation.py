"""Refresh-token rotation with reuse detection (database and redis backends)."""
{%- if cookiecutter.database == "postgresql" %}

import threading
{%- endif %}

import jwt
import pytest
{%- if cookiecutter.database == "postgresql" %}

from tests.api_client import Api
{%- endif %}

pytestmark = pytest.mark.logged_in


def no_grace(app) -> None:
    app.config["JWT_REFRESH_REUSE_GRACE_SECONDS"] = 0


def test_refresh_rotates_the_refresh_token_and_both_new_tokens_work(api):
    first = api.refresh_token

    response = api.refresh()

    assert response.status_code == 200
    assert api.refresh_token != first
    assert api.get("/api/v1/auth/me").status_code == 200
    assert api.refresh().status_code == 200


def test_reusing_a_rotated_refresh_token_answers_401_and_revokes_the_whole_family(api, app):
    no_grace(app)
    first = api.refresh_token
    assert api.refresh().status_code == 200
    second, access = api.refresh_token, api.access_token

    reuse = api.refresh(refresh_token=first)

    assert (reuse.status_code, reuse.get_json()["error"]) == (401, "token_revoked")
    # The thief's or the victim's: every token of the login is dead now.
    assert api.refresh(refresh_token=second).status_code == 401
    assert api.get("/api/v1/auth/me", token=access).status_code == 401


def test_a_rotated_token_presented_again_within_the_grace_window_answers_409_and_keeps_the_login(
    api,
):
    first = api.refresh_token
    assert api.refresh().status_code == 200
    second = api.refresh_token

    again = api.refresh(refresh_token=first)

    assert (again.status_code, again.get_json()["error"]) == (409, "refresh_in_progress")
    api.set_refresh_token(second)
    assert api.refresh().status_code == 200
    assert api.get("/api/v1/auth/me").status_code == 200


def test_an_older_generation_is_reuse_even_within_the_grace_window(api):
    first = api.refresh_token
    api.refresh()
    api.refresh()

    assert api.refresh(refresh_token=first).status_code == 401
    assert api.get("/api/v1/auth/me").status_code == 401


def test_refresh_after_logout_answers_401_token_revoked(api):
    refresh = api.refresh_token
    api.log_out()

    response = api.refresh(refresh_token=refresh)

    assert (response.status_code, response.get_json()["error"]) == (401, "token_revoked")


def test_rotation_never_extends_the_login_beyond_its_refresh_lifetime(api):
    before = jwt.decode(api.refresh_token, options={"verify_signature": False})
    api.refresh()
    after = jwt.decode(api.refresh_token, options={"verify_signature": False})

    assert after["exp"] == before["exp"] == before["fexp"]
{%- if cookiecutter.database == "postgresql" %}


def test_two_concurrent_refreshes_with_the_same_token_have_exactly_one_winner(app, api):
    token = api.refresh_token
    start = threading.Barrier(2)
    statuses: list[int] = []

    def refresh() -> None:
        client = Api(app.test_client())
        start.wait()
        statuses.append(client.refresh(refresh_token=token).status_code)

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The loser is inside the grace window: told to use the winner's tokens, login kept.
    assert sorted(statuses) == [200, 409]
{%- endif %}
