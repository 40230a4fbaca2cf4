"""Session mode: brute force against the login and other guessable forms gets 429."""

from tests.session_client import csrf_token, log_in, post_form

JSON = {"Accept": "application/json"}
LIMIT = 5  # TestingConfig.RATELIMIT_LOGIN


def client_at(app, address: str):
    """A browser at another client address (as ProxyFix or the server would report it)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_failed_logins_beyond_the_limit_get_429_with_retry_after(client, user):
    for _ in range(LIMIT):
        assert log_in(client, password="wrong password entirely").status_code == 401

    response = log_in(client, password="wrong password entirely")

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many attempts" in response.get_data(as_text=True)


def test_the_limit_also_stops_the_right_password(client, user):
    for _ in range(LIMIT):
        log_in(client, password="wrong password entirely")

    assert log_in(client).status_code == 429


def test_successful_logins_do_not_use_up_the_limit(app, user):
    for _ in range(LIMIT + 2):
        assert log_in(app.test_client()).status_code == 302


def test_many_addresses_against_one_account_are_limited_per_account(app, user):
    for number in range(LIMIT):
        client = client_at(app, f"203.0.113.{number + 1}")
        assert log_in(client, password="wrong password entirely").status_code == 401

    fresh = client_at(app, "198.51.100.77")
    assert log_in(fresh, password="wrong password entirely").status_code == 429


def test_account_limit_uses_the_normalised_email(app, user):
    for number in range(LIMIT):
        client = client_at(app, f"203.0.113.{number + 1}")
        log_in(client, " ADA@Example.com ", "wrong password entirely")

    fresh = client_at(app, "198.51.100.77")
    assert log_in(fresh, "ada@example.com", "wrong password entirely").status_code == 429


def test_spoofed_x_forwarded_for_does_not_reset_the_address_counter(client, make_user):
    # Each guess names another account, so only the per-address limit can stop them.
    for number in range(LIMIT):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{number + 1}"
        assert log_in(client, f"user{number}@example.com").status_code == 401

    client.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.200"
    assert log_in(client, "another@example.com").status_code == 429


def test_rate_limited_json_client_gets_json(client, user):
    for _ in range(LIMIT):
        log_in(client, password="wrong password entirely")
    data = {"email": "ada@example.com", "password": "nope", "csrf_token": csrf_token(client)}

    response = client.post("/auth/login", data=data, headers=JSON)

    assert response.status_code == 429
    assert response.json["error"] == "rate_limited"
    assert "Retry-After" in response.headers


def test_password_reset_requests_are_limited_per_account(app, user):
    for number in range(3):  # TestingConfig.RATELIMIT_PASSWORD_RESET
        client = client_at(app, f"203.0.113.{number + 1}")
        response = post_form(
            client, "/auth/forgot-password", {"email": "ada@example.com"}, page="/auth/login"
        )
        assert response.status_code == 202

    fresh = client_at(app, "198.51.100.77")
    response = post_form(
        fresh, "/auth/forgot-password", {"email": "ada@example.com"}, page="/auth/login"
    )
    assert response.status_code == 429


def test_reauth_guesses_are_limited(client, user):
    log_in(client, remember=True)
    for _ in range(LIMIT):
        response = post_form(client, "/auth/reauth", {"password": "wrong"}, page="/auth/reauth")
        assert response.status_code == 401

    response = post_form(client, "/auth/reauth", {"password": "wrong"}, page="/auth/reauth")
    assert response.status_code == 429


def test_registration_is_limited_per_address(app):
    app.config["RATELIMIT_REGISTER"] = "2 per minute"
    client = app.test_client()
    statuses = [
        post_form(
            client,
            "/auth/register",
            {"email": f"n{i}@example.com", "password": "x"},
            page="/auth/register",
        ).status_code
        for i in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_rate_limit_hits_are_audited_without_the_email(client, user, caplog):
    caplog.set_level("INFO", logger="{{ cookiecutter.package_name }}.audit")
    for _ in range(LIMIT + 1):
        log_in(client, password="wrong password entirely")

    hits = [r.getMessage() for r in caplog.records if "rate_limit_exceeded" in r.getMessage()]
    assert hits
    assert "ada@example.com" not in "\n".join(hits)
