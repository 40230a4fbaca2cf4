"""Session mode: logging out ends the login on the server, not just in the browser."""

from flask.testing import FlaskClient
from sqlalchemy import func, select

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.login_session import LoginSession
from tests.session_client import cookie, log_in, post_form

JSON = {"Accept": "application/json"}


def is_logged_in(client: FlaskClient) -> bool:
    return client.get("/auth/me", headers=JSON).status_code == 200


def replay(app, name: str, value: str) -> FlaskClient:
    """A fresh browser holding only one captured cookie."""
    attacker = app.test_client()
    attacker.set_cookie(name, value)
    return attacker


def test_logout_requires_post(client, user):
    log_in(client)

    assert client.get("/auth/logout").status_code == 405
    assert is_logged_in(client)


def test_logout_without_csrf_token_is_refused(client, user):
    log_in(client)

    response = client.post("/auth/logout")

    assert response.status_code == 400
    assert is_logged_in(client)


def test_logout_redirects_to_login_and_clears_cookies(client, user):
    log_in(client, remember=True)

    response = post_form(client, "/auth/logout")

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert not is_logged_in(client)
    assert cookie(client, "remember_token") is None


def test_captured_session_cookie_is_dead_after_logout(app, client, user):
    log_in(client)
    captured = cookie(client, "session")

    post_form(client, "/auth/logout")

    assert not is_logged_in(replay(app, "session", captured))


def test_captured_remember_cookie_is_dead_after_logout(app, client, user):
    log_in(client, remember=True)
    captured = cookie(client, "remember_token")
    assert is_logged_in(replay(app, "remember_token", captured))

    post_form(client, "/auth/logout")

    assert not is_logged_in(replay(app, "remember_token", captured))


def test_logout_ends_only_this_login(app, user):
    here, elsewhere = app.test_client(), app.test_client()
    log_in(here)
    log_in(elsewhere)

    post_form(here, "/auth/logout")

    assert not is_logged_in(here)
    assert is_logged_in(elsewhere)


def test_logout_everywhere_ends_every_login_and_remember_cookie(app, user):
    here, elsewhere = app.test_client(), app.test_client()
    log_in(here)
    log_in(elsewhere, remember=True)
    remembered = cookie(elsewhere, "remember_token")

    response = post_form(here, "/auth/logout-everywhere")

    assert response.status_code == 302
    assert not is_logged_in(here)
    assert not is_logged_in(elsewhere)
    assert not is_logged_in(replay(app, "remember_token", remembered))
    fresh = app.test_client()
    log_in(fresh)
    assert is_logged_in(fresh)


def test_logout_when_anonymous_is_harmless(client):
    response = post_form(client, "/auth/logout", page="/auth/login")

    assert response.status_code == 302
    assert not is_logged_in(client)


def test_prune_deletes_only_login_records_that_can_never_work_again(app, make_user, runner):
    make_user()
    make_user("grace@example.com")
    ended, live, revoked = app.test_client(), app.test_client(), app.test_client()
    log_in(ended)
    log_in(revoked)
    post_form(revoked, "/auth/logout")
    post_form(ended, "/auth/logout-everywhere")
    log_in(live, "grace@example.com")

    result = runner.invoke(args=["logins", "prune"])

    assert result.exit_code == 0
    assert "Deleted 2 login records." in result.output
    assert is_logged_in(live)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 1
