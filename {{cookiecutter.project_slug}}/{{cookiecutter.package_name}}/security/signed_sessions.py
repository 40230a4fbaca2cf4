"""Flask's signed-cookie session, verified once per cookie instead of on every request.

Stock Flask builds a new itsdangerous serializer on every request, before it even
looks for a session cookie, then checks the cookie's signature and decodes it, every
time the browser sends the same cookie again. Here the serializer is made once per key
set, and each process remembers the cookies it verified (the last VERIFIED_COOKIES,
keyed by the whole cookie, signature included, and by the serializer, so by the keys).
A cookie seen again skips only the signature check and the decoding: its age is checked
against PERMANENT_SESSION_LIFETIME on every request, as itsdangerous does, and the
view gets a session of its own to change. An unchanged session goes straight back
(only its Vary: Cookie header), without the seven cookie settings Flask reads first.
The cookie format, the signature and SECRET_KEY_FALLBACKS rotation are Flask's own.
"""

import time
from functools import lru_cache
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

VERIFIED_COOKIES = 4096

# Values a session can share with the cache; a session holding anything else (the list
# flash() appends to, say) is verified and decoded afresh for every request, so that no
# request changes another's.
_IMMUTABLE = (str, int, float, bool, type(None))


def init_app(app: Flask) -> None:
    app.session_interface = VerifiedOnceSessionInterface()


class VerifiedOnceSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        # (keys, serializer) in one attribute, so that threads swap both at once.
        self._made: tuple[tuple, URLSafeTimedSerializer | None] = ((), None)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        # Keyed on the keys themselves: a changed SECRET_KEY is never signed with the old.
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made_for, serializer = self._made
        if made_for != keys:
            serializer = super().get_signing_serializer(app)
            self._made = (keys, serializer)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        try:
            signed_at, shareable = _verified(cookie, serializer)
        except BadSignature:
            return self.session_class()
        # itsdangerous's own age test (max_age), on every request.
        age = int(now()) - signed_at
        if age < 0 or age > int(app.permanent_session_lifetime.total_seconds()):
            return self.session_class()
        if shareable is None:
            return self.session_class(serializer.loads(cookie))
        return self.session_class(shareable)

    def save_session(self, app: Flask, session: SecureCookieSession, response: Response) -> None:
        if session.modified or (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            super().save_session(app, session, response)
        elif session.accessed:
            # Unchanged, as on nearly every request: Flask would only add this header.
            response.vary.add("Cookie")


def now() -> float:
    """The clock a cookie's age is read from (itsdangerous's: seconds since the epoch)."""
    return time.time()


@lru_cache(maxsize=VERIFIED_COOKIES)
def _verified(
    cookie: str, serializer: URLSafeTimedSerializer
) -> tuple[int, tuple[tuple[str, Any], ...] | None]:
    """When the cookie was signed, and its values if they are safe to share (else None)."""
    data, signed_at = serializer.loads(cookie, return_timestamp=True)
    shareable = all(isinstance(value, _IMMUTABLE) for value in data.values())
    return int(signed_at.timestamp()), tuple(data.items()) if shareable else None
