"""How the API answers refusals: one JSON shape, stable codes."""

import re
from typing import Any

from flask import Blueprint, request

from ..accounts import AccountError
from ..errors import error_response
from ..security.tokens import TokenRefused

# Status per AccountError code; anything else is a plain 400.
# email_not_verified comes only after a correct password, so it reveals nothing to a
# guesser; 403 tells the client "right person, not allowed yet". A wrong code at the
# second step of a login is a failed login (401); a wrong code confirming a change of a
# logged-in account is like a wrong current password (400).
ACCOUNT_ERROR_STATUS = {
    "email_taken": 409,
    "wrong_password": 400,
    "email_not_verified": 403,
    "invalid_mfa_token": 401,
    "invalid_mfa_code": 401,
    "wrong_mfa_code": 400,
    "mfa_already_enabled": 409,
    "mfa_not_enabled": 409,
    "mfa_enrolment_not_started": 409,
    "mfa_enrolment_conflict": 409,
    # Another change ended the account's logins while this one was being made.
    "account_changed": 409,
    # MFA_ENCRYPTION_KEY does not open the factor's secret: the service's fault.
    "mfa_unavailable": 503,
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def register(bp: Blueprint) -> None:
    bp.register_error_handler(ApiError, lambda e: error_response(e.status, e.code, e.message))
    bp.register_error_handler(TokenRefused, lambda e: error_response(e.status, e.code, e.message))
    bp.register_error_handler(
        AccountError,
        lambda e: error_response(ACCOUNT_ERROR_STATUS.get(e.code, 400), e.code, e.message),
    )


def json_object() -> dict[str, Any]:
    """The request's JSON object body: 415 if it is not JSON at all, 400 if not an object."""
    if not request.is_json:
        message = "Send a JSON object (Content-Type: application/json)."
        raise ApiError(415, "unsupported_media_type", message)
    body: Any = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request", "Send a JSON object.")
    return body


# The bound on a json_fields value, as the browser forms bound what they read (forms.py):
# no address, password or emailed token comes near it, and nothing longer is hashed,
# looked up or verified.
FIELD_MAX_LENGTH = 1024


def json_fields(*names: str) -> dict[str, str]:
    """The named string fields of a JSON object body, or a 400 `invalid_request`."""
    body = json_object()
    values = {}
    for name in names:
        value = body.get(name)
        if not isinstance(value, str) or not value:
            raise ApiError(400, "invalid_request", f"'{name}' must be a non-empty string.")
        if len(value) > FIELD_MAX_LENGTH:
            message = f"'{name}' must be at most {FIELD_MAX_LENGTH} characters."
            raise ApiError(400, "invalid_request", message)
        values[name] = allowed_text(name, value)
    return values


# Refused in every string field: unpaired surrogates (legal in JSON's \u escapes, but with
# no UTF-8 form, so the first hash or query of one fails), NUL (PostgreSQL refuses it in
# any text) and the other control characters, which in an address, a password, a token
# or a title only serve to forge log lines and displays. Multi-line text keeps tab, line
# feed and carriage return.
# As regex character ranges, which api/openapi.py also writes into the document's patterns.
REFUSED = r"\x00-\x1f\x7f-\x9f\ud800-\udfff"
REFUSED_IN_MULTILINE = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
_REFUSED = re.compile(f"[{REFUSED}]")
_REFUSED_IN_MULTILINE = re.compile(f"[{REFUSED_IN_MULTILINE}]")


def allowed_text(name: str, value: str, *, multiline: bool = False) -> str:
    """`value`, unless it holds a character no field accepts: then a 400 `invalid_request`."""
    if (_REFUSED_IN_MULTILINE if multiline else _REFUSED).search(value):
        message = f"'{name}' must not contain control characters or unpaired surrogates."
        raise ApiError(400, "invalid_request", message)
    return value
