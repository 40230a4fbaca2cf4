"""Header transport: tokens in JSON bodies and the Authorization header."""


def test_login_answers_the_token_pair_with_no_store_and_sets_no_cookie(api, user):
    response = api.log_in()

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 15 * 60
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_a_token_without_the_bearer_scheme_answers_401(api, user):
    api.log_in()

    response = api.client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Token {api.access_token}"}
    )

    assert response.status_code == 401
    assert response.is_json


def test_logout_with_the_refresh_token_works_when_the_access_token_is_gone(api, user):
    api.log_in()

    response = api.log_out(with_refresh=True)

    assert response.status_code == 200
    assert response.get_json() == {"logged_out": True}


def test_logout_without_a_token_answers_401_missing_token(api):
    response = api.client.post("/api/v1/auth/logout")

    assert response.status_code == 401
    assert response.get_json()["error"] == "missing_token"
