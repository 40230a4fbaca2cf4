"""Session mode: logging out ends the login on the server, not just in the browser."""

from flask.testing import FlaskClient

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
