"""No Flask session: every request of this API is authenticated by its token alone.

Nothing here reads or writes `flask.session`, so it is never opened: no cookie is
parsed or signed for it on any request, and a write to it by mistake raises instead of
quietly handing clients a signed cookie this design never meant to exist.
"""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


def init_app(app: Flask) -> None:
    app.session_interface = NoSessionInterface()


class NoSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request) -> None:
        return None  # Flask then uses its NullSession, which refuses every write
