"""The audit trail: one JSON line per security event on the `<package>.audit` logger.

Incident response needs to answer "who did what, from where, in which request" long
after the fact, so every record carries the user id, the client address (as resolved
by ProxyFix, never the raw X-Forwarded-For), a request id and a UTC timestamp. Audit
logs are read by many people and kept for years, so nothing here ever records a
password, token, hash or secret, and emails of failed logins are masked.
"""

import json
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from flask import Flask, has_request_context, request

logger = logging.getLogger(f"{__package__}.audit")

# A client-supplied X-Request-ID is kept only if it is short and plain: anything else
# could forge log lines or smuggle data into log pipelines.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Kept in the WSGI environ, where both the app and the layer echoing it can reach it.
_ENVIRON_KEY = f"{__package__}.request_id"


def init_app(app: Flask) -> None:
    logger.setLevel(logging.INFO)
    if not logger.handlers and not logging.getLogger().handlers:
        # Nobody configured logging: audit lines must still reach stderr, one JSON
        # object per line, and only once (not again through Flask's app logger).
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    app.wsgi_app = RequestIdHeader(app.wsgi_app)  # type: ignore[method-assign]


def request_id() -> str | None:
    """This request's id: the caller's X-Request-ID if safe, else a fresh random one."""
    if not has_request_context():
        return None
    return _request_id_of(request.environ)


def _request_id_of(environ: dict) -> str:
    found = environ.get(_ENVIRON_KEY)
    if found is None:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        found = given if _SAFE_REQUEST_ID.match(given) else secrets.token_hex(16)
        environ[_ENVIRON_KEY] = found
    return found


def mask_email(email: str | None) -> str | None:
    """`a***@example.com`: enough to spot a pattern, not enough to list accounts."""
    if not email:
        return None
    local, at, domain = email.strip().lower().rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain[:253]}"


def event(name: str, *, user_id: int | None = None, **details: Any) -> None:
    """Write one audit record. `details` must never hold a password, token or hash."""
    record = {
        "event": name,
        "user_id": user_id,
        "ip": request.remote_addr if has_request_context() else None,
        "request_id": request_id(),
        "timestamp": datetime.now(UTC).isoformat(),
        **details,
    }
    logger.info(json.dumps(record, default=str, sort_keys=True))


class RequestIdHeader:
    """WSGI middleware echoing the request id on every response, errors included.

    Lets a user quote the id of a failing request, and support find its log lines.
    """

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        def echo(status: str, headers: list[tuple[str, str]], exc_info=None):
            headers[:] = [header for header in headers if header[0].lower() != "x-request-id"]
            headers.append(("X-Request-ID", _request_id_of(environ)))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, echo)
