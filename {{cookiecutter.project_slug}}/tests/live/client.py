"""An HTTP client for the live servers: one visitor of the service, at any instance.

A visitor has its own client address and cookie jar. Every instance sits behind the
same (imagined) reverse proxy, which terminates TLS and sets X-Forwarded-For; the live
servers trust one proxy hop (TRUSTED_PROXY_COUNT=1), so each visitor's address is its
own and rate limits count per visitor, as they would in production. Because the proxy
terminated TLS, `Secure` cookies travel over loopback HTTP behind it, so the jar sends
every cookie it holds to every instance.
"""

import http.client
import itertools
import json as jsonlib
from email.message import Message
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

_addresses = (f"10.{n // 250}.{n % 250}.{(n * 7) % 250 + 1}" for n in itertools.count(1))


class Reply:
    def __init__(self, status: int, headers: Message, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return jsonlib.loads(self.body)

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")

    def __repr__(self) -> str:
        return f"<Reply {self.status} {self.text[:200]!r}>"


class Visitor:
    def __init__(self, address: str | None = None) -> None:
        self.address = address or next(_addresses)
        self.cookies: dict[str, str] = {}

    def copy(self) -> "Visitor":
        """Another visitor from the same address holding a copy of these cookies."""
        twin = Visitor(self.address)
        twin.cookies = dict(self.cookies)
        return twin

    def get(self, instance, path: str, **kwargs: Any) -> Reply:
        return self.request(instance, "GET", path, **kwargs)

    def post(self, instance, path: str, **kwargs: Any) -> Reply:
        return self.request(instance, "POST", path, **kwargs)

    def request(
        self,
        instance,
        method: str,
        path: str,
        *,
        json: Any = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = {"X-Forwarded-For": self.address, **(headers or {})}
        body = None
        if json is not None:
            body = jsonlib.dumps(json).encode()
            sent["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        where = urlsplit(instance.url)
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            connection.close()
        self._keep_cookies(reply)
        return reply

    def _keep_cookies(self, reply: Reply) -> None:
        for header in reply.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
                if expired or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
