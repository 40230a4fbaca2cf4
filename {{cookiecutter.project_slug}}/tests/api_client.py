"""Drive the JSON API the way a client of this project's transport does.

`Api` hides whether tokens travel in headers (jwt_header) or cookies (jwt_cookie), so
behaviour tests read the same for both; transport-specific tests live in
test_api_header.py / test_api_cookie.py.
"""

import jwt
from flask.testing import FlaskClient

from tests.conftest import PASSWORD
from tests.two_factor import FACTORS, code_for

REFRESH_COOKIE_PATH = "/api/v1/auth"


class Api:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.cookies = "cookies" in client.application.config["JWT_TOKEN_LOCATION"]
        self.access_token: str | None = None
        self.refresh_token: str | None = None

    # -- tokens ---------------------------------------------------------------------------

    def log_in(self, email: str = "ada@example.com", password: str = PASSWORD):
        """Log in; for an account with a factor (tests/two_factor.py), with a code too."""
        response = self.client.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )
        if response.status_code == 403 and email.lower() in FACTORS:
            response = self.verify(response.get_json()["mfa_token"], code_for(email.lower()))
        self.keep(response)
        return response

    def verify(self, mfa_token: str, code: str):
        """The second step of a login: the pending login's token and a code."""
        response = self.client.post(
            "/api/v1/auth/mfa/verify", json={"mfa_token": mfa_token, "code": code}
        )
        self.keep(response)
        return response

    def refresh(self, refresh_token: str | None = None):
        """POST /auth/refresh with the current refresh token, or a given older one."""
        token = refresh_token or self.refresh_token
        if self.cookies:
            # Replaying a token means replaying its cookie and its csrf value, as a
            # thief holding both would.
            self.set_refresh_token(token)
            headers = {"X-CSRF-TOKEN": _csrf_claim(token)}
        else:
            headers = _bearer(token)
        response = self.client.post("/api/v1/auth/refresh", headers=headers)
        self.keep(response)
        return response

    def log_out(self, *, with_refresh: bool = False):
        if self.cookies:
            headers = {"X-CSRF-TOKEN": _csrf_claim(self.refresh_token)}
            return self.client.post("/api/v1/auth/logout", headers=headers)
        token = self.refresh_token if with_refresh else self.access_token
        return self.client.post("/api/v1/auth/logout", headers=_bearer(token))

    # -- requests with the access token ---------------------------------------------------

    def get(self, path: str, token: str | None = None):
        return self.client.get(path, headers=self._access_headers(token))

    def post(self, path: str, json: dict | None = None, token: str | None = None):
        headers = self._access_headers(token)
        if self.cookies:
            headers.update(self.csrf("csrf_access_token"))
        return self.client.post(path, json=json, headers=headers)

    def send(self, method: str, path: str, json: dict | None = None):
        """Any method with the access token (and, for cookies, the csrf header)."""
        headers = self._access_headers(None)
        if self.cookies:
            headers.update(self.csrf("csrf_access_token"))
        return self.client.open(path, method=method, json=json, headers=headers)

    def use_access_token(self, token: str) -> None:
        """Send `token` (e.g. a forged one) as the access token from now on."""
        self.access_token = token
        if self.cookies:
            self.client.set_cookie("access_token_cookie", token)

    def set_refresh_token(self, token: str) -> None:
        self.refresh_token = token
        if self.cookies:
            self.client.set_cookie("refresh_token_cookie", token, path=REFRESH_COOKIE_PATH)

    def csrf(self, cookie_name: str) -> dict[str, str]:
        found = self.client.get_cookie(cookie_name)
        return {"X-CSRF-TOKEN": found.value} if found else {}

    def _access_headers(self, token: str | None) -> dict[str, str]:
        if token is not None:
            self.use_access_token(token)
        return {} if self.cookies else _bearer(self.access_token)

    def keep(self, response) -> None:
        if response.status_code != 200:
            return
        if self.cookies:
            access = self.client.get_cookie("access_token_cookie")
            refresh = self.client.get_cookie("refresh_token_cookie", path=REFRESH_COOKIE_PATH)
            self.access_token = access.value if access else None
            self.refresh_token = refresh.value if refresh else None
        else:
            body = response.get_json()
            self.access_token = body["access_token"]
            self.refresh_token = body.get("refresh_token", self.refresh_token)


def _csrf_claim(token: str | None) -> str:
    if not token:
        return ""
    return jwt.decode(token, options={"verify_signature": False}).get("csrf", "")


def _bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}
