"""The session cookie, verified once per process and still checked on every request."""

from datetime import timedelta

from flask import session

from {{ cookiecutter.package_name }}.security import signed_sessions
from tests.session_client import HOME_PAGE, LOGIN_PAGE, log_in


def session_cookie(client, app) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return cookie.value


def test_a_cookie_seen_before_is_refused_once_it_is_too_old(app, client, {{ "admin" if cookiecutter.auth_mode == "hybrid" else "user" }}, monkeypatch):
    log_in(client)
    assert client.get(HOME_PAGE).status_code == 200  # verified, and remembered

    lifetime = app.permanent_session_lifetime + timedelta(seconds=1)
    later = signed_sessions.now() + lifetime.total_seconds()
    monkeypatch.setattr(signed_sessions, "now", lambda: later)
    response = client.get(HOME_PAGE)

    assert response.status_code == 302
    assert response.headers["Location"].startswith(LOGIN_PAGE)


def test_a_cookie_signed_with_another_key_is_refused_though_its_twin_was_accepted(
    app, client, {{ "admin" if cookiecutter.auth_mode == "hybrid" else "user" }}
):
    log_in(client)
    cookie = session_cookie(client, app)
    assert client.get(HOME_PAGE).status_code == 200

    app.secret_key = "a-rotated-secret-key-that-never-signed-that-cookie-0123456789"
    stranger = app.test_client()
    stranger.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)

    assert stranger.get(HOME_PAGE).status_code == 302  # the old key is not a fallback


def test_requests_sharing_a_cookie_get_sessions_of_their_own(app):
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = serializer.dumps({"_flashes": [["message", "saved"]], "_user_id": "abc"})
    headers = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}

    with app.test_request_context(headers=headers):
        session["_flashes"].append(["message", "changed"])
        session["_user_id"] = "changed"
    with app.test_request_context(headers=headers):
        assert session["_flashes"] == [["message", "saved"]]
        assert session["_user_id"] == "abc"


def test_an_unchanged_session_is_not_sent_back_but_still_varies_on_cookie(app, client, {{ "admin" if cookiecutter.auth_mode == "hybrid" else "user" }}):
    log_in(client)
    client.get(HOME_PAGE)  # the first page after login settles the session
    response = client.get(HOME_PAGE)

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers  # nothing changed: nothing re-signed
    assert "Cookie" in response.headers.get("Vary", "")
