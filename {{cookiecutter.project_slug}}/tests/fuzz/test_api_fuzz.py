"""Fuzzing: Schemathesis sends generated requests to every operation of the OpenAPI document
(GET /openapi.json aside: Schemathesis does not fuzz the document it reads).

In-process (WSGI), with the tokens of a new login for each request (an earlier example
may have logged out), so the guarded views are reached and not only their 401; a case
that leaves out or breaks the token goes as generated, to test the refusal. The requests
are valid and invalid for the document; each answer must not be a 5xx, its status,
headers, content type and body must be documented, and an invalid request must be
refused. Any failure is a bug in the app or in api/openapi.py, never a flake: the
examples are derived from the test, not from a seed that changes between runs.

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

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.note import create_note
from {{ cookiecutter.package_name }}.security import tokens
from tests.conftest import SECRET_KEY

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
)
# Operations sent the refresh token. Logout takes either; with the refresh cookie there,
# cookie mode checks the refresh token's CSRF value.
WITH_REFRESH_TOKEN = ("/auth/refresh", "/auth/logout")


@pytest.fixture
def operator(make_user):
    """Whose tokens the fuzzer sends: an admin, so that GET /admin/users answers its 200."""
    return make_user("operator@example.com", roles=("admin",))


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
    """(headers, cookies) for one request: the tokens of a new login of `operator`."""
    cookies_transport = "cookies" in fuzzed_app.config["JWT_TOKEN_LOCATION"]

    def for_path(path: str) -> tuple[dict[str, str], dict[str, str]]:
        with fuzzed_app.app_context():
            pair = tokens.start_login(operator, fresh=True)
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
def test_every_answer_is_documented(case, fuzzed_app, credentials, note_id):
    if case.path_parameters and str(case.path_parameters.get("note_id")) == "1":
        # The lowest id (1 or "1"), which the coverage phase tries with every body it
        # makes: the operator's note, as on a new database.
        case.path_parameters["note_id"] = note_id
    headers, cookies = {}, {}
    # A case without (or with a broken) token is the fuzzer's test of the refusal: it
    # goes as generated, and must be answered with a documented 401.
    if not case.operation.schema.is_security_param_negated(case):
        headers, cookies = credentials(case.path)
    case.call_and_validate(app=fuzzed_app, headers=headers, cookies=cookies, checks=CHECKS)


def test_the_credentials_open_the_guarded_views(fuzzed_app, credentials, note_id):
    """Else the fuzzer would only ever meet 401s (or 404s), and prove nothing about the views."""
    client = fuzzed_app.test_client()
    for method, path, expected in (
        ("GET", "/auth/me", 200),
        ("POST", "/notes", 201),
        ("GET", f"/notes/{note_id}", 200),
    ):
        headers, cookies = credentials(path)
        for name, value in cookies.items():
            client.set_cookie(name, value)
        body = {"title": "t"} if method == "POST" else None
        response = client.open(f"/api/v1{path}", method=method, headers=headers, json=body)
        assert response.status_code == expected, (method, path, response.get_json())
