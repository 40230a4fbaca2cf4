"""Session mode: `next` never sends a browser to another site after login."""

import pytest

from {{ cookiecutter.package_name }}.security.redirects import safe_next_path
from tests.session_client import log_in

HOSTILE = [
    "https://evil.example/",
    "http:evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "/%252F%252Fevil.example",
    "/%09/evil.example",
    "https://evil.example\\.localhost/",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_next_is_refused(target):
    assert safe_next_path(target) is None


@pytest.mark.parametrize("target", ["/", "/auth/me", "/notes?page=2&sort=new", "/a/b%20c"])
def test_local_next_is_kept(target):
    assert safe_next_path(target) == target


@pytest.mark.parametrize("target", HOSTILE[:8])
def test_login_with_hostile_next_lands_on_the_dashboard(client, user, target):
    response = log_in(client, next_url=target)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_local_next(client, user):
    response = log_in(client, next_url="/auth/me")

    assert response.headers["Location"] == "/auth/me"
