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
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request

logger = logging.getLogger(f"{__package__}.audit")

# A client-supplied X-Request-ID is kept only if it is short and plain: anything else
# could forge log lines or smuggle data into log pipelines.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def init_app(app: Flask) -> None:
    logger.setLevel(logging.INFO)
    if not logger.handlers and not logging.getLogger().handlers:
        # Nobody configured logging: audit lines must still reach stderr, one JSON
        # object per line, and only once (not again through Flask's app logger).
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    app.after_request(_echo_request_id)


def request_id() -> str | None:
    """This request's id: the caller's X-Request-ID if safe, else a fresh random one."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _SAFE_REQUEST_ID.match(given) else secrets.token_hex(16)
    return g.request_id


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


def _echo_request_id(response):
    # Lets a user quote the id of a failing request, and support find its log lines.
    response.headers["X-Request-ID"] = request_id()
    return response
