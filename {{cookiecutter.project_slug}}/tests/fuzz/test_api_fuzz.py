"""Fuzzing: Schemathesis sends generated requests to every operation of the OpenAPI document
(GET /openapi.json aside: Schemathesis does not fuzz the document it reads).

In-process (WSGI), with the tokens of a new login for each request (an earlier example
may have logged out), so the guarded views are reached and not only their 401; a case
that leaves out or breaks the token goes as generated, to test the refusal. A valid case
with an `mfa_token` goes as generated, then again with the token of a new pending login,
so that the second step of a login is fuzzed behind that token too. The requests are
valid and invalid for the document; each answer must not be a 5xx, its status, headers,
content type and body must be documented, and an invalid request must be refused. Any
failure is a bug in the app or in api/openapi.py, never a flake: the examples are
derived from the test, not from a seed that changes between runs.

Run with `pytest -m fuzz`: the default run leaves it out, it takes some seconds.
"""

import pytest
import schemathesis
from flask_jwt_extended import get_csrf_token
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from {{ cookiecutter.package_name }} import create_app, mfa
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.mfa import ENROL, VERIFY
from {{ cookiecutter.package_name }}.models.note import create_note
from {{ cookiecutter.package_name }}.security import tokens
from tests.conftest import SECRET_KEY
from tests.two_factor import code_for, give_factor

pytestmark = pytest.mark.fuzz

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    # A request the document forbids must be refused (4xx), not served.
    negative_data_rejection,
]
# The limited views' budgets: left at the testing config's, every login after the fifth
# would answer 429, and the fuzzer would learn nothing more about the view behind it.
RATE_LIMITS = (
    "RATELIMIT_LOGIN",
    "RATELIMIT_REGISTER",
    "RATELIMIT_PASSWORD_RESET",
    "RATELIMIT_VERIFY_RESEND",
    "RATELIMIT_REFRESH",
    "RATELIMIT_MFA",
)
# Operations sent the refresh token. Logout takes either; with the refresh cookie there,
# cookie mode checks the refresh token's CSRF value.
WITH_REFRESH_TOKEN = ("/auth/refresh", "/auth/logout")
OPERATOR = "operator@example.com"


@pytest.fixture
def operator(app, make_user, fetch_user):
    """Whose tokens the fuzzer sends: an admin, so that GET /admin/users answers its 200.
    The role requires a second factor (MFA_REQUIRED_ROLES), so the operator has one."""
    make_user(OPERATOR, roles=("admin",))
    give_factor(app, OPERATOR)
    return fetch_user(OPERATOR)


@pytest.fixture
def customer_id(app, make_user) -> int:
    """A customer with a second factor, for the operator to reset."""
    customer = make_user("customer@example.com")
    give_factor(app, customer.email)
    return customer.id


@pytest.fixture
def fuzzed_app(app):
    for setting in RATE_LIMITS:
        app.config[setting] = "100000 per minute"
    return app


@pytest.fixture
def note_id(fuzzed_app, operator) -> int:
    """A note of the operator's. Its id is 1 only on a new database: PostgreSQL's test
    database serves the whole session, and its sequences outlive the rows deleted."""
    with fuzzed_app.app_context():
        note_id = create_note(operator.id, "Fuzzed", "a note to read, change and delete").id
        db.session.remove()
    return note_id


@pytest.fixture
def credentials(fuzzed_app, operator):
    """(headers, cookies) for one request: the tokens of a new login of `operator`, made
    with its second factor (without one, no login of an admin counts)."""
    cookies_transport = "cookies" in fuzzed_app.config["JWT_TOKEN_LOCATION"]

    def for_path(path: str) -> tuple[dict[str, str], dict[str, str]]:
        with fuzzed_app.app_context():
            pair = tokens.start_login(operator, fresh=True, with_mfa=True)
            token = pair.refresh_token if path in WITH_REFRESH_TOKEN else pair.access_token
            if not cookies_transport:
                return {"Authorization": f"Bearer {token}"}, {}
            csrf = get_csrf_token(token)
        config = fuzzed_app.config
        cookies = {
            config["JWT_ACCESS_COOKIE_NAME"]: pair.access_token,
            config["JWT_REFRESH_COOKIE_NAME"]: pair.refresh_token,
        }
        kind = "REFRESH" if token == pair.refresh_token else "ACCESS"
        return {config[f"JWT_{kind}_CSRF_HEADER_NAME"]: csrf}, cookies

    return for_path


@pytest.fixture
def pending_login(fuzzed_app, operator, make_user):
    """The token of a new pending login, for one request to `path`: the operator's, which
    a code completes, or at /auth/mfa/enrol an operator's who has no factor yet."""
    recruit = make_user("recruit@example.com", roles=("admin",))

    def for_path(path: str) -> str:
        user, step = (recruit, ENROL) if path == "/auth/mfa/enrol" else (operator, VERIFY)
        with fuzzed_app.app_context():
            return mfa.start_challenge(user, step).token

    return for_path


# The document as an app of the testing config serves it; each operation's examples then
# go to an app of its own (`fuzzed_app`), on its own empty database.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", create_app({"APP_ENV": "testing", "SECRET_KEY": SECRET_KEY})
)


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,  # the same examples on every run
    database=None,  # no examples saved from a run to replay in the next
    deadline=None,  # the first request of an app is slow; a failing run is bounded so:
    phases=[Phase.explicit, Phase.generate],  # no shrinking, which can take minutes
    # One app, user and database for all the examples of an operation, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_is_documented(
    case, fuzzed_app, credentials, note_id, customer_id, pending_login
):
    # The lowest id (1 or "1"), which the coverage phase tries with every body it makes:
    # the operator's note, and a customer with a factor to reset, as on a new database.
    for name, stand_in in (("note_id", note_id), ("user_id", customer_id)):
        if case.path_parameters and str(case.path_parameters.get(name)) == "1":
            case.path_parameters[name] = stand_in
    headers, cookies = {}, {}
    # A case without (or with a broken) token is the fuzzer's test of the refusal: it
    # goes as generated, and must be answered with a documented 401.
    if not case.operation.schema.is_security_param_negated(case):
        headers, cookies = credentials(case.path)
    case.call_and_validate(app=fuzzed_app, headers=headers, cookies=cookies, checks=CHECKS)
    if has_made_up_mfa_token(case):
        # It names no pending login, so the code, or the enrolment, behind it was never
        # reached: again with the token of a live one.
        case.body["mfa_token"] = pending_login(case.path)
        case.call_and_validate(app=fuzzed_app, headers=headers, cookies=cookies, checks=CHECKS)


def has_made_up_mfa_token(case) -> bool:
    """Whether `case` is a valid request with an `mfa_token`. Not an invalid one: a live
    token in place of a broken one could make it valid, to be served where the fuzzer
    expects a refusal."""
    invalid = case.meta is not None and case.meta.generation.mode.is_negative
    body = case.body
    return not invalid and isinstance(body, dict) and isinstance(body.get("mfa_token"), str)


def test_the_credentials_open_the_guarded_views(fuzzed_app, credentials, note_id, customer_id):
    """Else the fuzzer would only ever meet 401s (or 404s), and prove nothing about the views."""
    client = fuzzed_app.test_client()
    for method, path, status, answer in (
        ("GET", "/auth/me", 200, None),
        ("POST", "/notes", 201, None),
        ("GET", f"/notes/{note_id}", 200, None),
        # The operator's login counts (it was made with a code), and is fresh.
        ("GET", "/auth/mfa", 200, {"enabled": True, "recovery_codes_left": 10}),
        ("POST", f"/admin/users/{customer_id}/mfa-reset", 200, {"mfa_reset": True}),
    ):
        headers, cookies = credentials(path)
        for name, value in cookies.items():
            client.set_cookie(name, value)
        body = {"title": "t"} if path == "/notes" else None
        response = client.open(f"/api/v1{path}", method=method, headers=headers, json=body)
        assert response.status_code == status, (method, path, response.get_json())
        if answer is not None:
            assert response.get_json() == answer, path


def test_the_pending_logins_lead_to_the_second_step(fuzzed_app, pending_login):
    """Else each try again with a live mfa_token would meet its first try's 401."""
    client = fuzzed_app.test_client()
    token = pending_login("/auth/mfa/verify")
    verified = client.post(
        "/api/v1/auth/mfa/verify", json={"mfa_token": token, "code": code_for(OPERATOR)}
    )
    assert verified.status_code == 200, verified.get_json()
    token = pending_login("/auth/mfa/enrol")
    enrolment = client.post("/api/v1/auth/mfa/enrol", json={"mfa_token": token})
    assert enrolment.status_code == 200, enrolment.get_json()
    assert set(enrolment.get_json()) == {"secret", "otpauth_uri"}
