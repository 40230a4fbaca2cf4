"""/healthz and /readyz: what a load balancer or orchestrator sees of one instance."""

from {{ cookiecutter.package_name }} import create_app
from tests.conftest import REQUIRED_ENVIRONMENT, SECRET_KEY
{% if cookiecutter.database == "postgresql" %}
UNREACHABLE_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
{%- else %}
UNREACHABLE_DATABASE = "sqlite:////nonexistent-directory/app.sqlite3"
{%- endif %}


def test_liveness_answers_ok_without_sql_or_cookies(client, statements):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert "Vary" not in response.headers  # no session was even opened
    assert statements == []


def test_liveness_carries_the_security_headers_and_is_never_cached(client):
    response = client.get("/healthz")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code in (404, 405)  # only GET and HEAD answer


def test_readiness_checks_the_database_with_one_trivial_statement(client, statements):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert set(body["checks"].values()) == {"ok"}
    assert statements == ["SELECT 1"]


def test_readiness_is_503_naming_the_database_when_it_is_down(caplog):
    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": UNREACHABLE_DATABASE,
            **REQUIRED_ENVIRONMENT,
        }
    )
    client = app.test_client()

    ready = client.get("/readyz")

    assert ready.status_code == 503
    body = ready.get_json()
    assert body["error"] == "not_ready"
    assert body["checks"]["database"] == "down"
    assert "database" in body["message"]
    assert client.get("/healthz").status_code == 200  # alive, just not ready
    assert "readiness check 'database' failed" in caplog.text
