"""Two-factor authentication over JSON: the second step of a login, setting a factor up, and
managing it (api/two_factor.py), in this bake's token transport."""

import jwt
import pytest
from sqlalchemy import update

from {{ cookiecutter.package_name }} import accounts
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.mfa import TotpFactor
from {{ cookiecutter.package_name }}.security import tokens
from tests.api_client import Api
from tests.conftest import PASSWORD
from tests.two_factor import code_for, give_factor, next_code

LOGIN = "/api/v1/auth/login"
VERIFY = "/api/v1/auth/mfa/verify"
ENROL = "/api/v1/auth/mfa/enrol"
STATUS = "/api/v1/auth/mfa"
ME = "/api/v1/auth/me"
ADA = "ada@example.com"
ROOT = "root@example.com"


def password_step(api: Api, email: str = ADA):
    """The login form's half: the answer to a correct password."""
    return api.client.post(LOGIN, json={"email": email, "password": PASSWORD})


def pending_token(api: Api, email: str = ADA) -> str:
    answer = password_step(api, email)
    assert answer.status_code == 403, answer.get_json()
    return answer.get_json()["mfa_token"]


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def error(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]


@pytest.fixture
def operator(make_user):
    """An account whose role requires a second factor it does not have yet."""
    return make_user(ROOT, roles=("admin",))


# -- the second step of a login ------------------------------------------------------------


def test_a_correct_password_answers_403_with_a_pending_token_and_no_token(api, factor):
    answer = password_step(api)

    assert answer.status_code == 403
    body = answer.get_json()
    assert body["error"] == "mfa_required"
    assert body["expires_in"] == 300
    assert len(body["mfa_token"]) >= 40
    assert set(body) == {"error", "message", "mfa_token", "expires_in"}
    assert "Set-Cookie" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_pending_token_opens_no_route(api, factor):
    mfa_token = pending_token(api)

    for method, path in [
        ("GET", ME),
        ("GET", STATUS),
        ("GET", "/api/v1/notes"),
        ("POST", "/api/v1/auth/refresh"),
        ("POST", "/api/v1/auth/mfa/totp"),
    ]:
        api.use_access_token(mfa_token)
        api.set_refresh_token(mfa_token)
        answer = api.send(method, path)
        assert answer.status_code == 401, (method, path)
        # A cookie-mode refresh is refused for its missing CSRF echo first: a 401 too.
        refusals = {"invalid_token", "missing_token", "csrf_failed"}
        assert answer.get_json()["error"] in refusals, (method, path)


def test_a_current_code_completes_a_login_made_with_mfa(api, factor):
    mfa_token = pending_token(api)

    answer = api.verify(mfa_token, code_for(ADA))

    assert answer.status_code == 200
    assert "recovery_codes" not in answer.get_json()
    claims = claims_of(api.access_token)
    assert claims["mfa"] is True and claims["fresh"] is True
    assert api.get(ME).status_code == 200
    # Refreshing keeps what the login was made with.
    assert api.refresh().status_code == 200
    assert claims_of(api.access_token)["mfa"] is True


def test_a_wrong_code_is_401_and_gives_no_token(api, factor):
    mfa_token = pending_token(api)

    for code in ("000000", "abcd-efgh-jkmn", "1234567"):
        answer = api.client.post(VERIFY, json={"mfa_token": mfa_token, "code": code})
        assert error(answer) == (401, "invalid_mfa_code")
        assert "access_token" not in answer.get_json()
        assert "Set-Cookie" not in answer.headers


def test_an_unknown_or_spent_pending_token_is_401_invalid_mfa_token(api, factor):
    unknown = api.client.post(VERIFY, json={"mfa_token": "x" * 43, "code": code_for(ADA)})
    assert error(unknown) == (401, "invalid_mfa_token")
    mfa_token = pending_token(api)
    assert api.verify(mfa_token, code_for(ADA)).status_code == 200

    again = api.client.post(VERIFY, json={"mfa_token": mfa_token, "code": code_for(ADA)})

    assert error(again) == (401, "invalid_mfa_token")


def test_a_code_used_once_is_refused_at_the_next_login(api, app, factor):
    code = code_for(ADA)
    assert api.verify(pending_token(api), code).status_code == 200
    other = Api(app.test_client())

    replayed = other.client.post(VERIFY, json={"mfa_token": pending_token(other), "code": code})

    assert error(replayed) == (401, "invalid_mfa_code")


def test_a_recovery_code_logs_in_once(api, app, factor):
    recovery = factor.recovery_codes[3]
    assert api.verify(pending_token(api), recovery).status_code == 200
    other = Api(app.test_client())

    answer = other.client.post(VERIFY, json={"mfa_token": pending_token(other), "code": recovery})

    assert error(answer) == (401, "invalid_mfa_code")


def test_a_secret_the_encryption_key_cannot_open_answers_503_never_a_login(api, app, factor):
    with app.app_context():
        db.session.execute(update(TotpFactor).values(secret="v1:" + "A" * 80))
        db.session.commit()

    answer = api.client.post(VERIFY, json={"mfa_token": pending_token(api), "code": code_for(ADA)})

    assert error(answer) == (503, "mfa_unavailable")
    assert "access_token" not in answer.get_json()


def test_a_pending_login_takes_five_tries_then_not_even_the_right_code(api, app, factor):
    app.config["RATELIMIT_MFA"] = "1000 per minute"  # the pending login's own limit, alone
    mfa_token = pending_token(api)
    for _ in range(5):
        wrong = api.client.post(VERIFY, json={"mfa_token": mfa_token, "code": "000000"})
        assert error(wrong) == (401, "invalid_mfa_code")

    late = api.client.post(VERIFY, json={"mfa_token": mfa_token, "code": code_for(ADA)})

    assert error(late) == (401, "invalid_mfa_token")


def test_correct_passwords_that_lead_to_the_code_step_are_no_failed_logins(api, factor):
    # RATELIMIT_LOGIN in testing counts 5 failures a minute; a correct password is none.
    for _ in range(8):
        assert error(password_step(api)) == (403, "mfa_required")


def test_wrong_codes_are_limited_per_account_whatever_the_address(app, factor):
    def attempt(address: str, code: str):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        api = Api(client)
        return client.post(VERIFY, json={"mfa_token": pending_token(api), "code": code})

    for number in range(5):  # RATELIMIT_MFA in testing: 5 per minute
        assert attempt(f"203.0.113.{number}", "000000").status_code == 401

    answer = attempt("198.51.100.7", code_for(ADA))

    assert error(answer) == (429, "rate_limited")
    assert "Retry-After" in answer.headers


# -- a role that requires a factor ---------------------------------------------------------


def test_an_account_whose_role_requires_a_factor_sets_one_up_at_login(api, operator):
    answer = password_step(api, ROOT)
    assert error(answer) == (403, "mfa_enrolment_required")
    mfa_token = answer.get_json()["mfa_token"]
    early = api.client.post(VERIFY, json={"mfa_token": mfa_token, "code": "123456"})
    assert error(early) == (409, "mfa_enrolment_not_started")

    enrolment = api.client.post(ENROL, json={"mfa_token": mfa_token})

    assert enrolment.status_code == 200
    secret, uri = enrolment.get_json()["secret"], enrolment.get_json()["otpauth_uri"]
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    assert "root%40example.com" in uri
    done = api.verify(mfa_token, next_code(secret))
    assert done.status_code == 200
    codes = done.get_json()["recovery_codes"]
    assert len(set(codes)) == 10
    assert claims_of(api.access_token)["mfa"] is True
    assert api.get("/api/v1/admin/users").status_code == 200
    # The next login asks for a code of the factor just set up.
    assert error(password_step(api, ROOT)) == (403, "mfa_required")


def test_the_enrol_step_takes_only_a_pending_login_that_must_set_a_factor_up(api, factor):
    mfa_token = pending_token(api)  # a login asking for a code, not for a new factor

    for token in (mfa_token, "nonsense"):
        answer = api.client.post(ENROL, json={"mfa_token": token})
        assert error(answer) == (401, "invalid_mfa_token")


def test_a_login_made_without_a_factor_is_no_login_for_a_role_that_requires_one(
    app, api, operator
):
    with app.app_context():
        pair = tokens.start_login(accounts.find_user(ROOT), fresh=True)

    api.use_access_token(pair.access_token)

    assert error(api.get(ME)) == (401, "token_revoked")


# -- one's own factor ----------------------------------------------------------------------


@pytest.mark.logged_in
def test_setting_a_factor_up_takes_a_fresh_login(api):
    assert api.refresh().status_code == 200  # a refreshed access token is not fresh

    answer = api.post("/api/v1/auth/mfa/totp")

    assert error(answer) == (401, "fresh_token_required")


@pytest.mark.logged_in
def test_setting_a_factor_up_ends_every_other_login_and_returns_the_codes_once(api, app):
    elsewhere = Api(app.test_client())
    assert elsewhere.log_in().status_code == 200
    assert api.get(STATUS).get_json() == {"enabled": False, "recovery_codes_left": 0}
    secret = api.post("/api/v1/auth/mfa/totp").get_json()["secret"]

    wrong = api.post("/api/v1/auth/mfa/totp/confirm", json={"code": "000000"})
    assert error(wrong) == (400, "wrong_mfa_code")
    done = api.post("/api/v1/auth/mfa/totp/confirm", json={"code": next_code(secret)})

    assert done.status_code == 200
    assert len(done.get_json()["recovery_codes"]) == 10
    api.keep(done)
    assert claims_of(api.access_token)["mfa"] is True
    assert api.get(STATUS).get_json() == {"enabled": True, "recovery_codes_left": 10}
    assert error(elsewhere.get(ME)) == (401, "token_revoked")
    again = api.post("/api/v1/auth/mfa/totp/confirm", json={"code": next_code(secret)})
    assert error(again) == (409, "mfa_already_enabled")
    assert error(password_step(Api(app.test_client()))) == (403, "mfa_required")


def test_turning_the_factor_off_takes_a_current_code_and_ends_every_login(api, app, factor):
    assert api.log_in().status_code == 200
    elsewhere = Api(app.test_client())
    assert elsewhere.log_in().status_code == 200

    wrong = api.post("/api/v1/auth/mfa/totp/disable", json={"code": "000000"})
    assert error(wrong) == (400, "wrong_mfa_code")
    off = api.post("/api/v1/auth/mfa/totp/disable", json={"code": code_for(ADA)})

    assert off.status_code == 200
    assert off.get_json() == {"enabled": False, "logged_out": True}
    assert error(api.get(ME))[0] == 401
    assert error(elsewhere.get(ME)) == (401, "token_revoked")
    assert password_step(Api(app.test_client())).status_code == 200  # the password alone
{%- if cookiecutter.auth_mode == "jwt_cookie" %}
    cleared = [h for h in off.headers.getlist("Set-Cookie") if "Expires=Thu, 01 Jan 1970" in h]
    assert len(cleared) == 4
{%- endif %}


def test_turning_the_factor_off_takes_a_fresh_login(api, factor):
    assert api.log_in().status_code == 200
    assert api.refresh().status_code == 200

    answer = api.post("/api/v1/auth/mfa/totp/disable", json={"code": code_for(ADA)})

    assert error(answer) == (401, "fresh_token_required")
    assert api.get(STATUS).get_json()["enabled"] is True


def test_new_recovery_codes_take_a_current_code_and_replace_the_old(api, app, factor):
    assert api.log_in().status_code == 200
    wrong = api.post("/api/v1/auth/mfa/recovery-codes", json={"code": "000000"})
    assert error(wrong) == (400, "wrong_mfa_code")

    renewed = api.post("/api/v1/auth/mfa/recovery-codes", json={"code": code_for(ADA)})

    codes = renewed.get_json()["recovery_codes"]
    assert len(codes) == 10 and set(codes).isdisjoint(factor.recovery_codes)
    other = Api(app.test_client())
    stale = other.client.post(
        VERIFY, json={"mfa_token": pending_token(other), "code": factor.recovery_codes[0]}
    )
    assert error(stale) == (401, "invalid_mfa_code")
    assert other.verify(pending_token(other), codes[0]).status_code == 200


@pytest.mark.logged_in
def test_managing_a_factor_one_does_not_have_is_409(api):
    for path in ("/api/v1/auth/mfa/totp/disable", "/api/v1/auth/mfa/recovery-codes"):
        assert error(api.post(path, json={"code": "123456"})) == (409, "mfa_not_enabled")
    assert error(api.post("/api/v1/auth/mfa/totp/confirm", json={"code": "123456"})) == (
        409,
        "mfa_enrolment_not_started",
    )


def test_a_password_change_keeps_the_login_made_with_mfa(api, factor):
    assert api.log_in().status_code == 200

    changed = api.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "quiet lantern orbit 93 drifts"},
    )

    assert changed.status_code == 200
    api.keep(changed)
    assert claims_of(api.access_token)["mfa"] is True


# -- an operator's reset of another account's factor ---------------------------------------


@pytest.fixture
def admin_api(app, operator) -> Api:
    give_factor(app, ROOT)
    api = Api(app.test_client())
    assert api.log_in(ROOT).status_code == 200
    return api


def test_an_operator_resets_a_lost_factor_which_ends_the_owners_logins(
    app, admin_api, factor, fetch_user
):
    owner = Api(app.test_client())
    assert owner.log_in().status_code == 200
    target = fetch_user(ADA)

    answer = admin_api.post(f"/api/v1/admin/users/{target.id}/mfa-reset")

    assert answer.status_code == 200
    assert answer.get_json() == {"mfa_reset": True}
    assert error(owner.get(ME)) == (401, "token_revoked")
    assert password_step(owner).status_code == 200  # no factor, no role requiring one
    again = admin_api.post(f"/api/v1/admin/users/{target.id}/mfa-reset")
    assert error(again) == (409, "mfa_not_enabled")


def test_resetting_a_factor_is_for_operators_with_a_fresh_login(app, admin_api, api, factor):
    target = accounts_id(app, ADA)
    own = accounts_id(app, ROOT)
    assert api.log_in().status_code == 200
    assert error(api.post(f"/api/v1/admin/users/{own}/mfa-reset")) == (403, "insufficient_role")
    assert error(admin_api.post(f"/api/v1/admin/users/{own}/mfa-reset")) == (
        409,
        "cannot_change_own_account",
    )
    assert error(admin_api.post("/api/v1/admin/users/999999/mfa-reset")) == (404, "not_found")
    assert admin_api.refresh().status_code == 200

    stale = admin_api.post(f"/api/v1/admin/users/{target}/mfa-reset")

    assert error(stale) == (401, "fresh_token_required")


def accounts_id(app, email: str) -> int:
    with app.app_context():
        return accounts.find_user(email).id
