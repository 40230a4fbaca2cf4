"""A client of the JSON API over real HTTP, whichever way this project carries tokens.

In the body and the Authorization header (jwt_header, hybrid), or in HttpOnly cookies
with the double-submit CSRF header (jwt_cookie): `TokenClient` finds out from the login
answer, so the live tests read the same for both.
"""

import uuid
from typing import Any

from tests.conftest import PASSWORD
from tests.live.authenticator import SecondFactor
from tests.live.client import Reply, Visitor

API = "/api/v1"


class TokenClient:
    def __init__(self, visitor: Visitor | None = None) -> None:
        self.visitor = visitor or Visitor()
        self.access_token: str | None = None
        self.refresh_token: str | None = None

    @property
    def in_cookies(self) -> bool:
        return "__Host-access_token" in self.visitor.cookies  # production's name

    def register(self, instance, email: str, password: str = PASSWORD) -> Reply:
        return self.visitor.post(
            instance, f"{API}/auth/register", json={"email": email, "password": password}
        )

    def log_in(
        self,
        instance,
        email: str,
        password: str = PASSWORD,
        *,
        factor: SecondFactor | None = None,
    ) -> Reply:
        """Log in; with the account's `factor`, through the second step too."""
        reply = self.visitor.post(
            instance, f"{API}/auth/login", json={"email": email, "password": password}
        )
        if factor is not None and reply.status == 403 and reply.json()["error"] == "mfa_required":
            reply = self.verify(instance, reply.json()["mfa_token"], factor.code())
        self._keep(reply)
        return reply

    def verify(self, instance, mfa_token: str, code: str) -> Reply:
        """The second step of a login: its pending login's token and a code."""
        reply = self.visitor.post(
            instance, f"{API}/auth/mfa/verify", json={"mfa_token": mfa_token, "code": code}
        )
        self._keep(reply)
        return reply

    def first_login(self, instance, email: str) -> SecondFactor:
        """The first login of an account whose role requires a second factor (an operator):
        the password opens an enrolment, and the factor's first code makes the login."""
        pending = self.log_in(instance, email)
        assert pending.status == 403, pending
        assert pending.json()["error"] == "mfa_enrolment_required", pending
        mfa_token = pending.json()["mfa_token"]
        enrolment = self.visitor.post(
            instance, f"{API}/auth/mfa/enrol", json={"mfa_token": mfa_token}
        )
        assert enrolment.status == 200, enrolment
        factor = SecondFactor(enrolment.json()["secret"])
        done = self.verify(instance, mfa_token, factor.code())
        assert done.status == 200, done
        factor.recovery_codes = done.json()["recovery_codes"]
        return factor

    def turn_on_factor(self, instance) -> SecondFactor:
        """Set up an authenticator app for this (fresh) login's account; the answer is a
        new login, every other one of the account having ended."""
        begun = self.post(instance, "/auth/mfa/totp")
        assert begun.status == 200, begun
        factor = SecondFactor(begun.json()["secret"])
        confirmed = self.post(instance, "/auth/mfa/totp/confirm", json={"code": factor.code()})
        assert confirmed.status == 200, confirmed
        self._keep(confirmed)
        factor.recovery_codes = confirmed.json()["recovery_codes"]
        return factor

    def post(self, instance, path: str, json: Any = None) -> Reply:
        """POST to the API at `path` (after /api/v1) with the access token."""
        return self.visitor.post(instance, f"{API}{path}", json=json, headers=self._access())

    def me(self, instance) -> Reply:
        return self.visitor.get(instance, f"{API}/auth/me", headers=self._access())

    def refresh(self, instance) -> Reply:
        reply = self.visitor.post(instance, f"{API}/auth/refresh", headers=self._refresh())
        self._keep(reply)
        return reply

    def log_out(self, instance) -> Reply:
        return self.visitor.post(instance, f"{API}/auth/logout", headers=self._refresh())

    def change_password(self, instance, current: str, new: str) -> Reply:
        reply = self.visitor.post(
            instance,
            f"{API}/auth/password",
            json={"current_password": current, "new_password": new},
            headers=self._access(),
        )
        self._keep(reply)
        return reply

    def copy(self) -> "TokenClient":
        """Another client holding the same tokens: a copy a thief or a second tab has."""
        twin = TokenClient(self.visitor.copy())
        twin.access_token, twin.refresh_token = self.access_token, self.refresh_token
        return twin

    def _access(self) -> dict[str, str]:
        if self.in_cookies:
            return {"X-CSRF-TOKEN": self.visitor.cookies.get("__Host-csrf_access_token", "")}
        return {"Authorization": f"Bearer {self.access_token}"}

    def _refresh(self) -> dict[str, str]:
        if self.in_cookies:
            return {"X-CSRF-TOKEN": self.visitor.cookies.get("__Host-csrf_refresh_token", "")}
        return {"Authorization": f"Bearer {self.refresh_token}"}

    def _keep(self, reply: Reply) -> None:
        if reply.status != 200 or self.in_cookies:
            return  # cookies: the visitor's jar already holds the new ones
        body: dict[str, Any] = reply.json()
        self.access_token = body["access_token"]
        self.refresh_token = body.get("refresh_token", self.refresh_token)


def new_account(register_at, log_in_at) -> tuple[TokenClient, dict[str, Any]]:
    """A new account registered at one instance and logged in at another: its client,
    and the registration's answer (`id`, `email`)."""
    client = TokenClient()
    registered = client.register(register_at, f"user-{uuid.uuid4().hex[:10]}@example.com")
    assert registered.status == 201, registered
    account = registered.json()
    assert client.log_in(log_in_at, account["email"]).status == 200
    return client, account
