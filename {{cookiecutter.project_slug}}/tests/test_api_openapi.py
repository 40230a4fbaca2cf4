"""The OpenAPI document (api/openapi.py): valid, served to anyone, and true to the app.

Its operations and the app's /api/v1 routes are the same set, so a route added without
its description (or a description left behind by a removed route) fails here; the fuzz
layer (tests/fuzz/) then holds every answer of the app to what the document says.
"""

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from werkzeug.exceptions import default_exceptions

import {{ cookiecutter.package_name }}
from {{ cookiecutter.package_name }}.api.openapi import PREFIX, document, transport
from {{ cookiecutter.package_name }}.errors import _http_error
from {{ cookiecutter.package_name }}.security.tokens import ROTATES

OPENAPI = "/api/v1/openapi.json"
METHODS = ("get", "put", "post", "delete", "patch")


def operations(doc: dict) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in doc["paths"].items()
        for method in item
        if method in METHODS
    }


def documented_codes(doc: dict) -> set[str]:
    """Every error code that some response of the document lists."""
    return {
        code
        for item in doc["paths"].values()
        for method, operation in item.items()
        if method in METHODS
        for status, answer in operation["responses"].items()
        if int(status) >= 400
        for code in answer["content"]["application/json"]["schema"]["allOf"][1]["properties"][
            "error"
        ]["enum"]
    }


def with_ids(path: str, value: object) -> str:
    """`path` with every `{parameter}` replaced by `value`."""
    return re.sub(r"\{[^}]+\}", str(value), path)


def routes(app) -> set[tuple[str, str]]:
    """(method, path) of every /api/v1 route, written as OpenAPI writes paths."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(f"{PREFIX}/"):
            continue
        # <id:note_id> -> {note_id}
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix(PREFIX))
        found |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


@pytest.fixture(scope="module")
def served(module_app) -> dict:
    response = module_app.test_client().get(OPENAPI)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def test_the_document_is_served_without_a_login_and_is_valid_openapi_3_1(served):
    assert served["openapi"].startswith("3.1.")
    validate(served)  # raises on any violation of the OpenAPI 3.1 schema


def test_every_api_route_is_documented_and_every_operation_is_routed(module_app, served):
    assert operations(served) == routes(module_app)


def test_every_guarded_operation_refuses_a_request_without_a_token(module_app, served):
    """What the document says needs a token does; what it says is open is."""
    client = module_app.test_client()
    for method, path in sorted(operations(served)):
        operation = served["paths"][path][method.lower()]
        response = client.open(PREFIX + with_ids(path, 1), method=method)
        if operation["security"]:
            assert response.status_code == 401, (method, path)
            assert response.get_json()["error"] == "missing_token", (method, path)
        else:
            assert response.status_code != 401, (method, path)


# Where the HTML pages (hybrid) refuse: their codes are for pages, not the JSON API.
PAGE_MODULES = ("admin/views.py", "security/login_sessions.py")
RAISES = re.compile(r"\b(?:ApiError|TokenRefused|_refuse|error_response)\(\s*\d+,\s*\"(\w+)\"")
ACCOUNT_ERROR = re.compile(r"\bAccountError\(\s*\"(\w+)\"")
ABORT = re.compile(r"\babort\((\d+)\)")


def test_every_code_the_api_raises_is_in_the_document(module_app):
    """Each refusal the JSON API can answer, read from the whole package's source.

    Codes that their modules export as constants (the stores' 503s, rate_limited) are
    imported by api/openapi.py itself.
    """
    package = Path({{ cookiecutter.package_name }}.__file__).parent
    raised, aborted = set(), set()
    for module in package.rglob("*.py"):
        if module.relative_to(package).as_posix() in PAGE_MODULES:
            continue
        source = module.read_text(encoding="utf-8")
        raised |= set(RAISES.findall(source)) | set(ACCOUNT_ERROR.findall(source))
        aborted |= {int(status) for status in ABORT.findall(source)}
    # abort(404), abort(413), ...: errors.py answers each with a code of its own.
    with module_app.test_request_context(f"{PREFIX}/"):
        for status in aborted:
            body, _status, _headers = _http_error(default_exceptions[status]())
            raised.add(body.get_json()["error"])
    if not ROTATES:
        raised.discard("refresh_in_progress")  # a refusal of rotation only
    if "csrf_failed" not in transport.OPENAPI_TOKEN_REFUSALS:
        raised.discard("csrf_failed")  # nothing to forge: the transport takes no cookie
    assert {"invalid_request", "email_taken", "missing_token", "not_found"} <= raised  # it works
    every_option = {**module_app.config, "REQUIRE_VERIFIED_EMAIL": True}
    assert raised <= documented_codes(document(every_option))


def request_bodies(doc: dict):
    """(method, path, schema) of every operation with a JSON body."""
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in METHODS and "requestBody" in operation:
                body = operation["requestBody"]["content"]["application/json"]
                yield method.upper(), path, body["schema"]


def filler(field: dict) -> str:
    """A value the document allows in `field`."""
    if field.get("format") == "email":
        return "someone@example.com"
    return "x" * max(field.get("minLength", 1), 1)


@pytest.mark.logged_in
def test_the_app_enforces_the_limits_the_document_states(app, api, served):
    """For each string field of each body: its maxLength passes the field checks, one more
    character is refused, and a control character or a missing required field is
    `invalid_request`. (A password's own limit is the policy's: weak_password, after the
    checks of the other fields.)"""
    for setting in (
        "RATELIMIT_LOGIN",
        "RATELIMIT_REGISTER",
        "RATELIMIT_PASSWORD_RESET",
        "RATELIMIT_MFA",
    ):
        app.config[setting] = "100000 per minute"
    note_id = api.post(f"{PREFIX}/notes", json={"title": "t"}).get_json()["id"]

    def refusal(method: str, path: str, body: dict) -> str | None:
        response = api.send(method, PREFIX + with_ids(path, note_id), json=body)
        assert response.status_code < 500, (method, path, body)
        return response.get_json()["error"] if response.status_code == 400 else None

    checked = 0
    for method, path, schema in request_bodies(served):
        valid = {name: filler(schema["properties"][name]) for name in schema["required"]}
        for name, field in schema["properties"].items():
            where = (method, path, name)
            if "maxLength" in field:
                longest = "x" * field["maxLength"]
                assert refusal(method, path, {**valid, name: longest}) != "invalid_request", where
                assert refusal(method, path, {**valid, name: longest + "x"}) is not None, where
            with_control = {**valid, name: filler(field) + "\x07"}
            assert refusal(method, path, with_control) == "invalid_request", where
            checked += 1
        for name in schema["required"]:
            missing = {key: value for key, value in valid.items() if key != name}
            assert refusal(method, path, missing) == "invalid_request", (method, path, name)
    assert checked >= 10  # the document has its fields


@pytest.mark.logged_in
def test_note_timestamps_are_date_times_with_their_offset(api):
    """The document says `format: date-time` (RFC 3339): SQLite hands times back naive."""
    created = api.post("/api/v1/notes", json={"title": "When"}).get_json()
    read = api.get(f"/api/v1/notes/{created['id']}").get_json()
    for note in (created, read):
        for name in ("created_at", "updated_at"):
            assert datetime.fromisoformat(note[name]).utcoffset() == timedelta(0), note
