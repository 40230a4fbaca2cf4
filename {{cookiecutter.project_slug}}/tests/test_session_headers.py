"""Session mode: logged-in pages carry the security headers too."""

from tests.session_client import log_in
from tests.test_headers import assert_hardened, get_rules, url_for_rule


def test_every_get_route_carries_the_headers_when_logged_in(app, client, user):
    log_in(client)
    for rule in get_rules(app):
        if rule.endpoint == "auth.logout":
            continue
        for accept in ("text/html", "application/json"):
            response = client.get(url_for_rule(rule), headers={"Accept": accept})
            assert_hardened(response, f"{rule.rule} ({accept}) -> {response.status_code}")
    assert client.get("/auth/me").status_code == 200  # still logged in throughout
