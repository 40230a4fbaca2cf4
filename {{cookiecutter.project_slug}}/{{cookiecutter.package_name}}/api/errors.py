"""How the API answers refusals: one JSON shape, stable codes."""

from typing import Any

from flask import Blueprint, request

from ..accounts import AccountError
from ..errors import error_response
from ..security.tokens import TokenRefused

# Status per AccountError code; anything else is a plain 400.
# email_not_verified comes only after a correct password, so it reveals nothing to a
# guesser; 403 tells the client "right person, not allowed yet".
ACCOUNT_ERROR_STATUS = {"email_taken": 409, "wrong_password": 400, "email_not_verified": 403}


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


def json_fields(*names: str) -> dict[str, str]:
    """The named string fields of a JSON object body, or a 400 `invalid_request`."""
    body = json_object()
    values = {}
    for name in names:
        value = body.get(name)
        if not isinstance(value, str) or not value:
            raise ApiError(400, "invalid_request", f"'{name}' must be a non-empty string.")
        values[name] = value
    return values
