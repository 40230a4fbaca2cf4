"""Security headers on every response, and garbage bodies never answered with a 500."""

import pytest
from werkzeug.routing import Rule

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.security.headers import CONTENT_SECURITY_POLICY
from tests.conftest import REQUIRED_ENVIRONMENT, SECRET_KEY

EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def url_for_rule(rule: Rule) -> str:
    """A concrete URL for a rule, with 1 for every variable part."""
    return rule.build({name: 1 for name in rule.arguments}, append_unknown=False)[1]


def get_rules(app) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]


def assert_hardened(response, where: str) -> None:
    for name, value in EVERYWHERE.items():
        assert response.headers.get(name) == value, f"{where}: {name}"
    if response.mimetype == "text/html":
        assert response.headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, where
    assert "Strict-Transport-Security" not in response.headers, where  # not outside production
    assert response.headers.get("X-Request-ID"), where


def test_every_get_route_carries_the_headers_anonymously(app, client):
    rules = get_rules(app)
    assert rules
    for rule in rules:
        for accept in ("text/html", "application/json"):
            response = client.get(url_for_rule(rule), headers={"Accept": accept})
            assert_hardened(response, f"{rule.rule} ({accept}) -> {response.status_code}")


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_errors_carry_the_headers(client, accept):
    missing = client.get("/no/such/page", headers={"Accept": accept})
    wrong_method = client.delete("/static/style.css", headers={"Accept": accept})

    assert missing.status_code == 404
    assert wrong_method.status_code == 405
    assert_hardened(missing, "404")
    assert_hardened(wrong_method, "405")


def test_html_pages_get_a_content_security_policy_without_inline_script(app):
    # Any HTML a view returns, and a header a view sets itself is left alone.
    app.add_url_rule("/test-html", "test_html", lambda: "<p>hi</p>")
    app.add_url_rule(
        "/test-own-policy",
        "test_own_policy",
        lambda: ("<p>framed</p>", {"Content-Security-Policy": "frame-ancestors 'self'"}),
    )
    response = app.test_client().get("/test-html")
    own = app.test_client().get("/test-own-policy")
    json_response = app.test_client().get("/no/such/page", headers={"Accept": "application/json"})

    assert "Content-Security-Policy" not in json_response.headers  # nothing to run in JSON
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert own.headers.getlist("Content-Security-Policy") == ["frame-ancestors 'self'"]
    assert own.headers["X-Frame-Options"] == "DENY"


def test_hsts_only_in_production(monkeypatch):
    app = create_app(
        {
            "APP_ENV": "production",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "PUBLIC_BASE_URL": "https://app.example.test",
            "MAIL_DEFAULT_SENDER": "no-reply@app.example.test",
            **REQUIRED_ENVIRONMENT,
        }
    )
    response = app.test_client().get("/no/such/page")

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_request_id_is_echoed_when_safe_and_replaced_when_not(client):
    safe = client.get("/no/such/page", headers={"X-Request-ID": "abc-123.DEF_4"})
    unsafe = client.get("/no/such/page", headers={"X-Request-ID": "<script> forged; line"})
    too_long = client.get("/no/such/page", headers={"X-Request-ID": "a" * 65})

    assert safe.headers["X-Request-ID"] == "abc-123.DEF_4"
    assert "<" not in unsafe.headers["X-Request-ID"]
    assert too_long.headers["X-Request-ID"] != "a" * 65
    assert len(unsafe.headers["X-Request-ID"]) == 32


def post_rules(app) -> list[str]:
    return [
        url_for_rule(rule)
        for rule in app.url_map.iter_rules()
        if rule.methods & {"POST", "PUT", "PATCH"} and "static" not in rule.endpoint
    ]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'"just a string"', "application/json"),
        (b"email=a&password=b", "text/plain"),
        (b"\x00\x01\x02", "application/octet-stream"),
        (b"--x\r\nbroken multipart", "multipart/form-data; boundary=x"),
    ],
)
def test_garbage_bodies_never_cause_a_server_error(app, client, body, content_type):
    for path in post_rules(app):
        response = client.post(
            path, data=body, content_type=content_type, headers={"Accept": "application/json"}
        )
        assert response.status_code < 500, f"{path}: {response.status_code}"
        assert response.is_json, f"{path}: {response.mimetype}"
        assert_hardened(response, path)


def test_oversized_body_is_413_json(app, client):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    for path in post_rules(app):
        response = client.post(
            path,
            data=body,
            content_type="application/json",
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 413, path
        assert response.json["error"] == "request_entity_too_large"
        assert_hardened(response, path)


def test_oversized_form_is_413(app, client):
    field = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    for path in post_rules(app):
        response = client.post(path, data={"email": field}, headers={"Accept": "text/html"})
        assert response.status_code == 413, path
