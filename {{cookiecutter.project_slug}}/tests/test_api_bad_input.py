"""Bad input on every JSON route: a 4xx JSON answer with an `error` code, never a 500,
and not one row of the database changed by the refusal.

One app and one logged-in client serve the whole module (`module_app`): every request
here is refused, so none of them changes what the next one sees, and that is checked.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from {{ cookiecutter.package_name }} import accounts
from {{ cookiecutter.package_name }}.api.errors import FIELD_MAX_LENGTH
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models.note import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, create_note
from tests.api_client import Api
from tests.conftest import NEW_PASSWORD, PASSWORD

# Limits are tested elsewhere (test_api_rate_limits.py); here each refusal must come
# from the input itself, not from the requests refused before it. (Raised rather than
# RATELIMIT_ENABLED=False: Flask-Limiter's one limiter would keep that for later apps.)
APP_CONFIG = {
    f"RATELIMIT_{name}": "100000 per minute"
    for name in ("LOGIN", "REGISTER", "PASSWORD_RESET", "VERIFY_RESEND", "REAUTH", "REFRESH")
}

MEGABYTE_STRING = "x" * 1_000_000  # under MAX_CONTENT_LENGTH once in JSON
OVER_THE_LIMIT = b'{"email": "' + b"x" * (1024 * 1024) + b'"}'

# A valid body for each JSON route; every case below breaks exactly one thing in it.
ROUTES: dict[str, tuple[str, str, dict[str, str]]] = {
    "register": (
        "POST",
        "/api/v1/auth/register",
        {"email": "new@example.com", "password": PASSWORD},
    ),
    "login": ("POST", "/api/v1/auth/login", {"email": "ada@example.com", "password": PASSWORD}),
    "password": (
        "POST",
        "/api/v1/auth/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    ),
    "reset-request": ("POST", "/api/v1/auth/password-reset/request", {"email": "ada@example.com"}),
    "reset-confirm": (
        "POST",
        "/api/v1/auth/password-reset/confirm",
        {"token": "a-reset-token", "new_password": NEW_PASSWORD},
    ),
    "verify-email": ("POST", "/api/v1/auth/verify-email", {"token": "a-verification-token"}),
    "note-create": ("POST", "/api/v1/notes", {"title": "Groceries", "body": "milk"}),
    "note-replace": ("PUT", "/api/v1/notes/{note}", {"title": "Groceries", "body": "milk"}),
    "note-edit": ("PATCH", "/api/v1/notes/{note}", {"title": "Groceries", "body": "milk"}),
}
FIELDS = [(route, field) for route, (_, _, body) in ROUTES.items() for field in body]
# Fields a route may go without (PUT and PATCH keep or empty the note's body).
OPTIONAL = {
    ("note-create", "body"),
    ("note-replace", "body"),
    ("note-edit", "title"),
    ("note-edit", "body"),
}


@pytest.fixture(scope="module")
def note_id(module_app: Flask) -> int:
    """Ada's account and one note of hers, made once for the module."""
    with module_app.app_context():
        user = accounts.register("ada@example.com", PASSWORD)
        return create_note(user.id, "Shopping", "eggs").id


@pytest.fixture(scope="module")
def module_api(module_app: Flask, note_id: int) -> Api:
    api = Api(module_app.test_client())
    assert api.log_in().status_code == 200
    return api


def rows(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, so a refusal can be shown to have changed none."""
    with app.app_context():
        return {
            table.name: [tuple(row) for row in db.session.execute(select(table)).all()]
            for table in db.metadata.sorted_tables
        }


@pytest.fixture
def send(module_app: Flask, module_api: Api, note_id: int) -> Iterator:
    """send(route, body, content_type=...) -> response; the database must be as before."""
    before = rows(module_app)

    def send(route: str, data: bytes | str, content_type: str = "application/json"):
        method, path, _ = ROUTES[route]
        headers = module_api._access_headers(None)
        if module_api.cookies:
            headers.update(module_api.csrf("csrf_access_token"))
        return module_api.client.open(
            path.format(note=note_id),
            method=method,
            data=data,
            content_type=content_type,
            headers=headers,
        )

    yield send
    assert rows(module_app) == before, "a refused request changed the database"


def assert_refused(response, status: int, error: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body.get("error"), str) and body["error"], body
    if error is not None:
        assert body["error"] == error, body


def with_field(route: str, field: str, value: Any) -> str:
    body = dict(ROUTES[route][2])
    body[field] = value
    return json.dumps(body)


# --- the body as a whole ----------------------------------------------------------------

WHOLE_BODY = [
    pytest.param(b'{"email": "ada@example.com", ', "application/json", 400, id="truncated-json"),
    pytest.param(b"{'email': 'ada'}", "application/json", 400, id="single-quoted"),
    pytest.param(b"", "application/json", 400, id="empty"),
    pytest.param(b"null", "application/json", 400, id="null"),
    pytest.param(b"[]", "application/json", 400, id="list"),
    pytest.param(b'"a string"', "application/json", 400, id="string"),
    pytest.param(b"42", "application/json", 400, id="number"),
    pytest.param(b'{"email": "\xff\xfe"}', "application/json", 400, id="not-utf8"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "application/json", 400, id="nested-deep"),
    pytest.param(b'{"email": "ada@example.com"}', "text/plain", 415, id="text-plain"),
    pytest.param(b"email=ada%40example.com", "application/x-www-form-urlencoded", 415, id="form"),
    pytest.param(b"", None, 415, id="no-content-type"),
    pytest.param(OVER_THE_LIMIT, "application/json", 413, id="over-max-content-length"),
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("data", "content_type", "status"), WHOLE_BODY)
def test_a_body_that_is_not_a_json_object_is_refused(send, route, data, content_type, status):
    assert_refused(send(route, data, content_type), status)


# --- one field at a time ---------------------------------------------------------------

WRONG_TYPES = [
    pytest.param(None, id="null"),
    pytest.param(42, id="number"),
    pytest.param(1.5, id="float"),
    pytest.param(True, id="bool"),
    pytest.param([], id="empty-list"),
    pytest.param(["ada@example.com"], id="list"),
    pytest.param({"value": "ada@example.com"}, id="object"),
]


@pytest.mark.parametrize(("route", "field"), FIELDS)
@pytest.mark.parametrize("value", WRONG_TYPES)
def test_a_field_of_the_wrong_type_is_refused(send, route, field, value):
    assert_refused(send(route, with_field(route, field, value)), 400, "invalid_request")


@pytest.mark.parametrize(("route", "field"), [f for f in FIELDS if f not in OPTIONAL])
def test_a_missing_field_is_refused(send, route, field):
    body = {k: v for k, v in ROUTES[route][2].items() if k != field}
    assert_refused(send(route, json.dumps(body)), 400, "invalid_request")


def test_an_edit_naming_no_field_is_refused(send):
    assert_refused(send("note-edit", "{}"), 400, "invalid_request")


CONTROL_CHARACTERS = {
    "nul": "ada\x00@example.com",
    "escape": "ada\x1b[2J@example.com",
    "delete": "ada\x7f@example.com",
    "c1-next-line": "ada\x85@example.com",
    "line-feed": "ada\nforged log line",
    "lone-surrogate": "\ud800ada",
}
# A note's body is multi-line text: line feeds (and tabs, carriage returns) are content.
MULTILINE = {"body"}


@pytest.mark.parametrize(
    ("route", "field", "value"),
    [
        pytest.param(route, field, value, id=f"{route}-{field}-{name}")
        for route, field in FIELDS
        for name, value in CONTROL_CHARACTERS.items()
        if not (field in MULTILINE and name == "line-feed")
    ],
)
def test_control_characters_and_lone_surrogates_are_refused(send, route, field, value):
    assert_refused(send(route, with_field(route, field, value)), 400, "invalid_request")


@pytest.mark.parametrize(("route", "field"), FIELDS)
def test_a_megabyte_string_is_refused(send, route, field):
    assert_refused(send(route, with_field(route, field, MEGABYTE_STRING)), 400, "invalid_request")


# json_fields bounds every field it reads; a note has limits of its own.
NOTE_LIMITS = {"title": TITLE_MAX_LENGTH, "body": BODY_MAX_LENGTH}
LIMITS = [(route, field, NOTE_LIMITS.get(field, FIELD_MAX_LENGTH)) for route, field in FIELDS]


@pytest.mark.parametrize(("route", "field", "limit"), LIMITS)
def test_a_field_one_character_over_its_limit_is_refused(send, route, field, limit):
    body = with_field(route, field, "x" * (limit + 1))
    assert_refused(send(route, body), 400, "invalid_request")


# --- emails that read like another ------------------------------------------------------

LOOKALIKE_EMAILS = [
    pytest.param("\u0430da@example.com", id="cyrillic-a"),
    pytest.param("\uff41da@example.com", id="full-width-a"),
    pytest.param("ada@ex\u0430mple.com", id="cyrillic-a-in-domain"),
    pytest.param("ada@exämple.com", id="accented-domain"),
    pytest.param("ad\u200ba@example.com", id="zero-width-space"),
]


@pytest.mark.parametrize("email", LOOKALIKE_EMAILS)
def test_registering_a_look_alike_of_an_address_is_refused(send, email):
    body = json.dumps({"email": email, "password": PASSWORD})
    assert_refused(send("register", body), 400, "invalid_email")


@pytest.mark.parametrize("email", ["ADA@example.com", "Ada@Example.COM", "  ada@example.com "])
def test_registering_another_case_or_padding_of_a_taken_address_is_a_conflict(send, email):
    body = json.dumps({"email": email, "password": PASSWORD})
    assert_refused(send("register", body), 409, "email_taken")
