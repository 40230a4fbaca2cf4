"""The API's contract: an OpenAPI 3.1 document of every /api/v1 operation.

Served at GET /api/v1/openapi.json without a login: it holds nothing secret, and a
client (or its code generator, or a fuzzer) needs it before it has a token. It is built
from what the views enforce (the note and password limits, this app's cookie names,
whether refresh tokens rotate), and each operation lists every status it can answer,
with the error codes of each: tests/test_api_openapi.py holds the document against the
app's routes, and tests/fuzz/ holds the app's answers against the document.
How tokens travel is the transport's part (openapi_* in api/*_transport.py).
"""

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, jsonify

from ..models.note import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from ..routing import MAX_ROW_ID
from ..security.rate_limits import RATE_LIMITED
from ..security.rate_limits import STORE_UNAVAILABLE as RATE_LIMIT_STORE_UNAVAILABLE
from ..security.tokens import ROTATES, TOKEN_REFUSALS, UNAVAILABLE
from . import {{ "cookie" if cookiecutter.auth_mode == "jwt_cookie" else "header" }}_transport as transport
from .errors import FIELD_MAX_LENGTH, REFUSED, REFUSED_IN_MULTILINE
from .two_factor import PENDING_LOGIN

bp = Blueprint("openapi", __name__)

PREFIX = "/api/v1"

# A view that reads the account row answers 401 if it was deleted since the token check
# (or every login of it ended: accounts.user_of).
ACCOUNT_GONE = ("unauthorized",)
# A change refused because another ended the account's logins meanwhile (accounts.py).
ACCOUNT_CHANGED = "account_changed"
# A factor's secret that MFA_ENCRYPTION_KEY cannot open (mfa.py): fails closed.
MFA_UNAVAILABLE = "mfa_unavailable"
# An id in a URL or an answer: routing.py's `<id:...>`, the INTEGER primary keys.
ROW_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document(current_app.config))


def document(config: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{config['SITE_NAME']} API",
            "version": "1",
            "description": 'Errors are JSON `{"error": code, "message": text}`; '
            "each response lists the codes it can carry. No answer may be cached.",
        },
        "servers": [{"url": PREFIX}],
        "paths": _paths(config),
        "components": {
            "securitySchemes": transport.openapi_security_schemes(config),
            "schemas": SCHEMAS,
        },
    }


def _paths(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    new_password = _password(config)
    credentials = _body({"email": _text(), "password": _text()}, "email", "password")
    signup = _body(
        {
            "email": {**_text(longest=254), "format": "email"},
            "password": new_password,
        },
        "email",
        "password",
    )
    note_id = [{"name": "note_id", "in": "path", "required": True, "schema": ROW_ID}]
    tokens = transport.openapi_tokens_response
    # 403: no token yet; the body's mfa_token opens the second step (api/two_factor.py).
    login_refusals = {
        401: ("invalid_credentials",),
        403: tuple(PENDING_LOGIN.values()),
        429: (RATE_LIMITED,),
    }
    if config["REQUIRE_VERIFIED_EMAIL"]:
        login_refusals[403] = ("email_not_verified", *login_refusals[403])
    code = _body({"code": _text()}, "code")
    mfa_token = _body({"mfa_token": _text()}, "mfa_token")
    recovery_codes = {"recovery_codes": RECOVERY_CODE_LIST}
    fresh_refusals = (*_token_refusals(), "fresh_token_required", *ACCOUNT_GONE)
    refresh_refusals: dict[int, tuple[str, ...]] = {429: (RATE_LIMITED,)}
    if ROTATES:
        # A rotated refresh token exchanged twice within the grace: a client's race.
        refresh_refusals[409] = ("refresh_in_progress",)
    return {
        "/auth/register": {
            "post": _operation(
                "Create an account (and send its address a verification link)",
                body=signup,
                ok={201: _json("The new account", {"$ref": "#/components/schemas/Registered"})},
                refusals={
                    400: ("invalid_email", "weak_password"),
                    409: ("email_taken",),
                    429: (RATE_LIMITED,),
                },
            )
        },
        "/auth/login": {
            "post": _operation(
                "Log in: start a login and receive its tokens",
                body=credentials,
                ok={200: tokens("A new login's tokens (fresh)")},
                refusals=login_refusals,
                bases={403: "PendingLogin"},
                starts_login=True,
            )
        },
        "/auth/mfa/verify": {
            "post": _operation(
                "Finish a login with a code: of the factor, or of the one being set up",
                body=_body({"mfa_token": _text(), "code": _text()}, "mfa_token", "code"),
                ok={
                    200: tokens(
                        "A new login's tokens (fresh); the recovery codes if it set the factor up",
                        extra=recovery_codes,
                    )
                },
                refusals={
                    401: ("invalid_mfa_token", "invalid_mfa_code"),
                    409: ("mfa_enrolment_not_started", "mfa_already_enabled"),
                    429: (RATE_LIMITED,),
                    503: (MFA_UNAVAILABLE,),
                },
                starts_login=True,
            )
        },
        "/auth/mfa/enrol": {
            "post": _operation(
                "The secret to set up, for a login whose role requires a second factor",
                body=mfa_token,
                ok={200: _json("The secret", {"$ref": "#/components/schemas/Enrolment"})},
                refusals={
                    401: ("invalid_mfa_token",),
                    409: ("mfa_already_enabled", "mfa_enrolment_conflict"),
                },
            )
        },
        "/auth/mfa": {
            "get": _operation(
                "Whether your account has a second factor",
                security=transport.openapi_security(changes=False),
                ok={200: _json("The factor's state", {"$ref": "#/components/schemas/MfaStatus"})},
                refusals={401: _token_refusals(changes=False)},
            )
        },
        "/auth/mfa/totp": {
            "post": _operation(
                "Start setting up an authenticator app (a fresh login)",
                security=transport.openapi_security(),
                ok={200: _json("The secret", {"$ref": "#/components/schemas/Enrolment"})},
                refusals={
                    401: fresh_refusals,
                    409: ("mfa_already_enabled", "mfa_enrolment_conflict"),
                },
            )
        },
        "/auth/mfa/totp/confirm": {
            "post": _operation(
                "Turn the factor on with a code of it; ends every login, and starts a new one",
                security=transport.openapi_security(),
                body=code,
                ok={
                    200: tokens(
                        "The new login's tokens, and the recovery codes", extra=recovery_codes
                    )
                },
                refusals={
                    400: ("wrong_mfa_code",),
                    401: fresh_refusals,
                    409: ("mfa_enrolment_not_started", "mfa_already_enabled"),
                    429: (RATE_LIMITED,),
                    503: (MFA_UNAVAILABLE,),
                },
            )
        },
        "/auth/mfa/totp/disable": {
            "post": _operation(
                "Turn the factor off with a current code; ends every login, this one too",
                security=transport.openapi_security(),
                body=code,
                ok={
                    200: _json("Off, and logged out", {"$ref": "#/components/schemas/MfaDisabled"})
                },
                refusals={
                    400: ("wrong_mfa_code",),
                    401: fresh_refusals,
                    409: ("mfa_not_enabled",),
                    429: (RATE_LIMITED,),
                    503: (MFA_UNAVAILABLE,),
                },
            )
        },
        "/auth/mfa/recovery-codes": {
            "post": _operation(
                "Replace the recovery codes, with a current code",
                security=transport.openapi_security(),
                body=code,
                ok={200: _json("The new codes", {"$ref": "#/components/schemas/RecoveryCodes"})},
                refusals={
                    400: ("wrong_mfa_code",),
                    401: fresh_refusals,
                    409: ("mfa_not_enabled",),
                    429: (RATE_LIMITED,),
                    503: (MFA_UNAVAILABLE,),
                },
            )
        },
        "/auth/refresh": {
            "post": _operation(
                "Exchange the refresh token for a new access token",
                security=transport.openapi_security(refresh=True),
                ok={200: tokens("A new access token (not fresh); a new refresh token if rotated")},
                refusals={401: _token_refusals(), **refresh_refusals},
            )
        },
        "/auth/logout": {
            "post": _operation(
                "End this login: every token of it, access and refresh",
                security=transport.openapi_security(any_type=True),
                ok={200: _json("Logged out", {"$ref": "#/components/schemas/LoggedOut"})},
                # Either token of the login; some refusals are the transport's to make.
                refusals={401: transport.OPENAPI_LOGOUT_REFUSALS},
            )
        },
        "/auth/me": {
            "get": _operation(
                "Who the access token belongs to",
                security=transport.openapi_security(changes=False),
                ok={200: _json("The account", {"$ref": "#/components/schemas/Me"})},
                refusals={401: _token_refusals(changes=False)},
            )
        },
        "/auth/password": {
            "post": _operation(
                "Change the password; ends every login, and starts a new one",
                security=transport.openapi_security(),
                body=_body(
                    {"current_password": _text(), "new_password": new_password},
                    "current_password",
                    "new_password",
                ),
                ok={200: tokens("The new login's tokens (fresh)")},
                refusals={
                    400: ("wrong_password", "weak_password"),
                    401: (*_token_refusals(), "fresh_token_required", *ACCOUNT_GONE),
                    409: (ACCOUNT_CHANGED,),
                },
            )
        },
        "/auth/password-reset/request": {
            "post": _operation(
                "Email a password-reset link; the same answer whether or not the account exists",
                body=_body({"email": _text()}, "email"),
                ok={202: _json("Accepted", {"$ref": "#/components/schemas/Message"})},
                refusals={429: (RATE_LIMITED,)},
            )
        },
        "/auth/password-reset/confirm": {
            "post": _operation(
                "Choose a new password with the emailed link's token",
                body=_body(
                    {"token": _text(), "new_password": new_password}, "token", "new_password"
                ),
                ok={200: _json("Password changed", {"$ref": "#/components/schemas/Message"})},
                refusals={
                    400: ("invalid_reset_token", "weak_password"),
                    409: (ACCOUNT_CHANGED,),
                },
            )
        },
        "/auth/verify-email": {
            "post": _operation(
                "Confirm the address with the emailed link's token",
                body=_body({"token": _text()}, "token"),
                ok={200: _json("Confirmed", {"$ref": "#/components/schemas/EmailVerified"})},
                refusals={400: ("invalid_verification_token",)},
            )
        },
        "/auth/verify-email/resend": {
            "post": _operation(
                "Send a new verification link, if the address is not yet confirmed",
                security=transport.openapi_security(),
                ok={202: _json("Accepted", {"$ref": "#/components/schemas/Message"})},
                refusals={401: (*_token_refusals(), *ACCOUNT_GONE), 429: (RATE_LIMITED,)},
            )
        },
        "/notes": {
            "get": _operation(
                "Your notes, the most recently changed first",
                security=transport.openapi_security(changes=False),
                ok={200: _json("Your notes", {"$ref": "#/components/schemas/NoteList"})},
                refusals={401: _token_refusals(changes=False)},
            ),
            "post": _operation(
                "Write a note",
                security=transport.openapi_security(),
                body=_note_body(required=("title",)),
                ok={
                    201: {
                        **_json("The new note", {"$ref": "#/components/schemas/Note"}),
                        "headers": {
                            "Location": {
                                "description": "The note's URL",
                                "required": True,
                                "schema": {"type": "string"},
                            }
                        },
                    }
                },
                refusals={401: _token_refusals()},
            ),
        },
        "/notes/{note_id}": {
            "parameters": note_id,
            "get": _operation(
                "One of your notes",
                security=transport.openapi_security(changes=False),
                ok={200: _json("The note", {"$ref": "#/components/schemas/Note"})},
                refusals={401: _token_refusals(changes=False), 404: ("not_found",)},
            ),
            "put": _operation(
                "Replace one of your notes (a body left out becomes empty)",
                security=transport.openapi_security(),
                body=_note_body(required=("title",)),
                ok={200: _json("The note", {"$ref": "#/components/schemas/Note"})},
                refusals={401: _token_refusals(), 404: ("not_found",)},
            ),
            "patch": _operation(
                "Change the title and/or the body of one of your notes",
                security=transport.openapi_security(),
                body=_note_body(required=()),
                ok={200: _json("The note", {"$ref": "#/components/schemas/Note"})},
                refusals={401: _token_refusals(), 404: ("not_found",)},
            ),
            "delete": _operation(
                "Delete one of your notes",
                security=transport.openapi_security(),
                ok={204: {"description": "Deleted"}},
                refusals={401: _token_refusals(), 404: ("not_found",)},
            ),
        },
        "/admin/users": {
            "get": _operation(
                "Every account (the admin role only)",
                security=transport.openapi_security(changes=False),
                ok={200: _json("The accounts", {"$ref": "#/components/schemas/UserList"})},
                refusals={401: _token_refusals(changes=False), 403: ("insufficient_role",)},
            )
        },
        "/admin/users/{user_id}/mfa-reset": {
            "parameters": [{"name": "user_id", "in": "path", "required": True, "schema": ROW_ID}],
            "post": _operation(
                "Remove another account's second factor; ends its logins (admin, fresh login)",
                security=transport.openapi_security(),
                ok={200: _json("Removed", {"$ref": "#/components/schemas/MfaReset"})},
                refusals={
                    401: (*_token_refusals(), "fresh_token_required"),
                    403: ("insufficient_role",),
                    404: ("not_found",),
                    409: ("cannot_change_own_account", "mfa_not_enabled"),
                },
            ),
        },
        "/openapi.json": {
            "get": _operation(
                "This document",
                ok={200: _json("The OpenAPI document", {"type": "object"})},
                refusals={},
            )
        },
    }


def _operation(
    summary: str,
    *,
    ok: dict[int, dict[str, Any]],
    refusals: dict[int, tuple[str, ...]],
    body: dict[str, Any] | None = None,
    security: list[dict[str, list]] | None = None,
    bases: Mapping[int, str] | None = None,
    starts_login: bool = False,
) -> dict[str, Any]:
    """An operation; every one may also answer 413 (security/request_bodies.py).

    One that checks a token or starts a login asks the revocation store, and one with a
    rate limit its limit store: each answers what it answers when its store cannot be
    asked. A refusal's body is an Error, or the schema `bases` names for its status.
    """
    refusals = {**refusals, 413: ("request_entity_too_large",)}
    if security or starts_login:
        for status, codes in UNAVAILABLE.items():
            refusals[status] = (*refusals.get(status, ()), *codes)
    if 429 in refusals:
        # A limit whose store (Redis) cannot be reached fails closed (security/rate_limits.py).
        refusals[503] = (*refusals.get(503, ()), RATE_LIMIT_STORE_UNAVAILABLE)
    if body is not None:
        # api/errors.py: json_object, json_fields, and the field checks of each view.
        refusals[400] = ("invalid_request", *refusals.get(400, ()))
        refusals[415] = ("unsupported_media_type",)
    operation: dict[str, Any] = {"summary": summary, "security": security or []}
    if body is not None:
        operation["requestBody"] = body
    responses: dict[str, Any] = {str(status): answer for status, answer in ok.items()}
    for status, codes in sorted(refusals.items()):
        # The shared Error schema, narrowed to the codes this status carries here.
        narrowed = {"properties": {"error": {"enum": list(codes)}}}
        base = (bases or {}).get(status, "Error")
        schema = {"allOf": [{"$ref": f"#/components/schemas/{base}"}, narrowed]}
        responses[str(status)] = _json(f"Refused: {', '.join(codes)}", schema)
    operation["responses"] = responses
    return operation


def _token_refusals(*, changes: bool = True) -> tuple[str, ...]:
    # wrong_token_type: a refresh token where an access token belongs, or the reverse.
    codes = (*TOKEN_REFUSALS, "wrong_token_type")
    return codes + (transport.OPENAPI_TOKEN_REFUSALS if changes else ())


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(properties: dict[str, Any], *required: str) -> dict[str, Any]:
    # Fields a view does not read are ignored, not refused.
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": True,
    }
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _text(*, shortest: int = 1, longest: int = FIELD_MAX_LENGTH) -> dict[str, Any]:
    """A string field of api/errors.py `json_fields`: non-empty, bounded, single-line."""
    return {
        "type": "string",
        "minLength": shortest,
        "maxLength": min(longest, FIELD_MAX_LENGTH),
        "pattern": f"^[^{REFUSED}]*$",
        "description": "No control characters (line breaks included) or unpaired surrogates.",
    }


def _password(config: Mapping[str, Any]) -> dict[str, Any]:
    schema = _text(shortest=config["PASSWORD_MIN_LENGTH"], longest=config["PASSWORD_MAX_LENGTH"])
    schema["description"] += " Refused as weak_password if too easy to guess."
    return schema


def _note_body(*, required: tuple[str, ...]) -> dict[str, Any]:
    title = {
        "type": "string",
        "minLength": 1,
        "maxLength": TITLE_MAX_LENGTH,
        "pattern": f"^[^{REFUSED}]*$",
        "description": "Not only spaces; no control characters.",
    }
    body = {
        "type": "string",
        "maxLength": BODY_MAX_LENGTH,
        "pattern": f"^[^{REFUSED_IN_MULTILINE}]*$",
        "description": "No control characters but tab, line feed and carriage return.",
    }
    request = _body({"title": title, "body": body}, *required)
    if not required:  # PATCH: at least one of them
        schema = request["content"]["application/json"]["schema"]
        schema["anyOf"] = [{"required": ["title"]}, {"required": ["body"]}]
    return request


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_ROLES = {"type": "array", "items": {"type": "string"}}
RECOVERY_CODE_LIST = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Each logs in once in place of a code; shown only now.",
}
_TIME = {"type": "string", "format": "date-time"}

SCHEMAS = {
    # Each response narrows `error` to the codes it can carry.
    "Error": _object({"error": {"type": "string"}, "message": {"type": "string"}}),
    "Registered": _object({"id": ROW_ID, "email": {"type": "string"}}),
    "Me": _object(
        {
            "id": ROW_ID,
            "email": {"type": "string"},
            "email_verified": {"type": "boolean"},
            "roles": _ROLES,
        }
    ),
    "Message": _object({"message": {"type": "string"}}),
    # A correct password's answer when a second step must follow (its `error` says which).
    "PendingLogin": {
        "type": "object",
        "properties": {
            "error": {"type": "string"},
            "message": {"type": "string"},
            "mfa_token": {
                "type": "string",
                "description": "With mfa_required and mfa_enrolment_required: POST it to "
                "/auth/mfa/verify (and, to set a factor up first, /auth/mfa/enrol).",
            },
            "expires_in": {"type": "integer", "minimum": 0},
        },
        "required": ["error", "message"],
        "additionalProperties": False,
        # Every answer that opens a second step carries its token and lifetime.
        "if": {"properties": {"error": {"enum": list(PENDING_LOGIN.values())}}},
        "then": {"required": ["mfa_token", "expires_in"]},
    },
    "Enrolment": _object(
        {
            "secret": {"type": "string", "description": "Base32, for typing into the app."},
            "otpauth_uri": {"type": "string", "description": "For the QR code the app scans."},
        }
    ),
    "MfaStatus": _object(
        {"enabled": {"type": "boolean"}, "recovery_codes_left": {"type": "integer", "minimum": 0}}
    ),
    "MfaDisabled": _object({"enabled": {"const": False}, "logged_out": {"const": True}}),
    "MfaReset": _object({"mfa_reset": {"const": True}}),
    "RecoveryCodes": _object({"recovery_codes": RECOVERY_CODE_LIST}),
    "LoggedOut": _object({"logged_out": {"const": True}}),
    "EmailVerified": _object({"email_verified": {"const": True}}),
    "Note": _object(
        {
            "id": ROW_ID,
            "title": {"type": "string", "maxLength": TITLE_MAX_LENGTH},
            "body": {"type": "string", "maxLength": BODY_MAX_LENGTH},
            "created_at": _TIME,
            "updated_at": _TIME,
        }
    ),
    "NoteList": _object(
        {"notes": {"type": "array", "items": {"$ref": "#/components/schemas/Note"}}}
    ),
    "UserList": _object(
        {
            "users": {
                "type": "array",
                "items": _object(
                    {
                        "id": ROW_ID,
                        "email": {"type": "string"},
                        "active": {"type": "boolean"},
                        "roles": _ROLES,
                    }
                ),
            }
        }
    ),
}
