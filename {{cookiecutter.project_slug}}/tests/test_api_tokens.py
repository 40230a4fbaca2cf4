"""What a token must be to be accepted: signature, algorithm, claims, type, expiry."""

import time

import jwt
import pytest
from flask import jsonify
from flask_jwt_extended import current_user, jwt_required

from {{ cookiecutter.package_name }} import accounts
from {{ cookiecutter.package_name }}.security import jwt_manager, tokens


@pytest.fixture
def claims(api, user) -> dict:
    """The claims of a real access token of a logged-in user."""
    api.log_in()
    return jwt.decode(api.access_token, options={"verify_signature": False})


def forge(app, claims: dict, *, key: str | None = None, algorithm="HS256", headers=None) -> str:
    return jwt.encode(
        claims, key or app.config["JWT_SECRET_KEY"], algorithm=algorithm, headers=headers
    )


def me_error(api, token: str) -> tuple[int, str]:
    response = api.get("/api/v1/auth/me", token=token)
    return response.status_code, response.get_json()["error"]


def test_a_token_re_signed_by_this_key_is_accepted(api, app, claims):
    # The baseline for the tests below: forge() itself makes valid tokens.
    assert api.get("/api/v1/auth/me", token=forge(app, claims)).status_code == 200


def test_tokens_carry_every_required_claim(claims, app):
    for claim in jwt_manager.REQUIRED_CLAIMS:
        assert claim in claims
    assert claims["mfa"] is False  # a login made with the password alone
    assert claims["type"] == "access"
    assert claims["fresh"] is True
    assert claims["iss"] == app.config["JWT_ENCODE_ISSUER"]
    assert claims["exp"] - claims["iat"] == 15 * 60


@pytest.mark.parametrize("claim", jwt_manager.REQUIRED_CLAIMS)
def test_a_signed_token_missing_a_required_claim_answers_401_invalid_token(
    api, app, claims, claim
):
    del claims[claim]

    assert me_error(api, forge(app, claims)) == (401, "invalid_token")


def test_a_token_from_before_two_factor_authentication_is_a_login_made_without_it(
    api, app, claims, make_user
):
    del claims["mfa"]
    assert api.get("/api/v1/auth/me", token=forge(app, claims)).status_code == 200
    make_user("root@example.com", roles=("admin",))
    with app.app_context():
        pair = tokens.start_login(accounts.find_user("root@example.com"))
    operators = jwt.decode(pair.access_token, options={"verify_signature": False})
    operators["mfa"] = True
    assert api.get("/api/v1/auth/me", token=forge(app, operators)).status_code == 200
    del operators["mfa"]
    # The admin role requires a second factor, so such a login of an admin is none.
    assert me_error(api, forge(app, operators)) == (401, "token_revoked")


@pytest.mark.parametrize("value", ["true", 1, None, ["otp"]])
def test_an_mfa_claim_that_is_not_a_boolean_answers_401_invalid_token(api, app, claims, value):
    claims["mfa"] = value

    assert me_error(api, forge(app, claims)) == (401, "invalid_token")


def test_a_bare_signed_sub_only_token_answers_401_invalid_token(api, app, user):
    assert me_error(api, forge(app, {"sub": str(user.id)})) == (401, "invalid_token")


@pytest.mark.parametrize(
    ("claim", "value"), [("iss", "someone-else"), ("aud", "another-api"), ("sub", "1; DROP")]
)
def test_a_token_for_another_issuer_audience_or_subject_form_is_refused(
    api, app, claims, claim, value
):
    claims[claim] = value

    assert me_error(api, forge(app, claims)) == (401, "invalid_token")


def test_a_token_signed_with_another_key_answers_401_invalid_token(api, app, claims):
    token = forge(app, claims, key="another-key-of-sufficient-length-0123456789abcdef")

    assert me_error(api, token) == (401, "invalid_token")


def test_a_tampered_payload_answers_401_invalid_token(api, app, claims):
    header, _payload, signature = forge(app, claims).split(".")
    claims["sub"] = "999"
    _h, payload, _s = forge(app, claims, key="x" * 40).split(".")

    assert me_error(api, f"{header}.{payload}.{signature}") == (401, "invalid_token")


def test_an_alg_none_token_answers_401_invalid_token(api, claims):
    token = jwt.encode(claims, None, algorithm="none")

    assert me_error(api, token) == (401, "invalid_token")


def test_an_hs512_token_signed_with_the_right_key_answers_401_invalid_token(api, app, claims):
    key = app.config["JWT_SECRET_KEY"] * 2  # HS512 wants 64 bytes to not warn
    app.config["JWT_SECRET_KEY"] = key

    assert me_error(api, forge(app, claims, key=key, algorithm="HS512")) == (
        401,
        "invalid_token",
    )


@pytest.mark.parametrize(
    "header",
    [
        {"kid": "../../dev/null"},
        {"jku": "https://attacker.example/jwks.json"},
        {"jwk": {"kty": "oct", "k": "c2VjcmV0"}},
        {"x5u": "https://attacker.example/cert.pem"},
    ],
    ids=["kid", "jku", "jwk", "x5u"],
)
def test_a_token_naming_key_material_in_its_header_answers_401_invalid_token(
    api, app, claims, header
):
    assert me_error(api, forge(app, claims, headers=header)) == (401, "invalid_token")


@pytest.mark.parametrize("token", ["not-a-token", "a.b", "a.b.c", ""])
def test_a_malformed_token_answers_401_json(api, token):
    status, error = me_error(api, token) if token else (401, "missing_token")

    assert status == 401
    assert error in {"invalid_token", "missing_token"}


def test_an_expired_token_answers_401_token_expired(api, app, claims):
    claims["exp"] = int(time.time()) - 1

    assert me_error(api, forge(app, claims)) == (401, "token_expired")


def test_a_token_not_yet_valid_answers_401(api, app, claims):
    claims["nbf"] = int(time.time()) + 60

    status, _error = me_error(api, forge(app, claims))

    assert status == 401


def test_a_refresh_token_used_as_access_answers_401_wrong_token_type(api, claims):
    status, error = me_error(api, api.refresh_token)

    assert (status, error) == (401, "wrong_token_type")


def test_an_access_token_used_to_refresh_answers_401_wrong_token_type(api, claims):
    response = api.refresh(refresh_token=api.access_token)

    assert response.status_code == 401
    assert response.get_json()["error"] == "wrong_token_type"


def test_a_token_from_an_older_token_version_answers_401(api, app, claims):
    claims["ver"] -= 1

    assert api.get("/api/v1/auth/me", token=forge(app, claims)).status_code == 401


def test_refresh_issues_a_non_fresh_access_token(api, claims):
    response = api.refresh()

    assert response.status_code == 200
    refreshed = jwt.decode(api.access_token, options={"verify_signature": False})
    assert refreshed["fresh"] is False
    assert refreshed["fam"] == claims["fam"]
    assert api.get("/api/v1/auth/me").status_code == 200


def test_the_refresh_token_expires_with_the_family_30_days_after_login(api, claims):
    refresh = jwt.decode(api.refresh_token, options={"verify_signature": False})

    assert refresh["type"] == "refresh"
    assert refresh["exp"] == claims["fexp"]
    assert abs(refresh["exp"] - (claims["iat"] + 30 * 24 * 3600)) <= 1


# A process remembers the claims of the tokens it verified (security/jwt_manager.py);
# what it remembers must never outlive what the token itself allows.


def test_a_token_seen_before_is_refused_once_it_expires(api, app, claims, monkeypatch):
    token = forge(app, claims)
    assert api.get("/api/v1/auth/me", token=token).status_code == 200  # now remembered

    monkeypatch.setattr(jwt_manager, "now", lambda: claims["exp"] + 1)

    assert me_error(api, token) == (401, "token_expired")


def test_a_token_seen_before_is_refused_once_the_settings_change(api, app, claims):
    token = forge(app, claims)
    assert api.get("/api/v1/auth/me", token=token).status_code == 200

    app.config["JWT_DECODE_AUDIENCE"] = "another-service"

    assert me_error(api, token) == (401, "invalid_token")


def test_remembered_claims_cannot_be_changed_by_the_request_that_reads_them(app, claims):
    token = forge(app, {**claims, "roles": ["admin"]})
    with app.test_request_context():
        _header, first = jwt_manager.verified_token(token)
        first["roles"].append("owner")
        first["sub"] = "0"
        _header, second = jwt_manager.verified_token(token)

    assert second["roles"] == ["admin"]
    assert second["sub"] == claims["sub"]


def test_flask_jwt_extendeds_own_gate_refuses_what_the_guard_refuses(api, app, user):
    # A view someone adds with the library's decorator instead of api/guard.py's.
    @jwt_required()
    def whoami():
        return jsonify(id=current_user.id)

    app.add_url_rule("/api/v1/test-whoami", "test_whoami", whoami)
    api.log_in()
    claims = jwt.decode(api.access_token, options={"verify_signature": False})
    token = forge(app, claims)
    expired = forge(app, {**claims, "exp": int(time.time()) - 60})
    incomplete = forge(app, {key: value for key, value in claims.items() if key != "fam"})

    assert api.get("/api/v1/test-whoami", token=token).get_json() == {"id": user.id}
    for path in ("/api/v1/test-whoami", "/api/v1/auth/me"):
        response = api.get(path, token=expired)
        assert (response.status_code, response.get_json()["error"]) == (401, "token_expired")
        response = api.get(path, token=incomplete)
        assert (response.status_code, response.get_json()["error"]) == (401, "invalid_token")
    with app.app_context():
        accounts.log_out_everywhere(accounts.find_user(user.email))
    for path in ("/api/v1/test-whoami", "/api/v1/auth/me"):
        response = api.get(path, token=token)
        assert (response.status_code, response.get_json()["error"]) == (401, "token_revoked")
