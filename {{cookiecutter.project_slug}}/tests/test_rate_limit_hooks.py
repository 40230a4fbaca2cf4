"""Flask-Limiter's hooks run only where it checked a limit, yet every limit still counts;
a limit store that is down answers 503, never a 500 or no limit at all."""

import time
import uuid

from flask import jsonify

from {{ cookiecutter.package_name }}.extensions import limiter
from tests.conftest import configured_app


def test_a_limit_set_with_flask_limiter_directly_still_counts_failures(app):
    # Not through security.rate_limits.limited: its after_request hook must still deduct.
    key = f"test-{uuid.uuid4()}"

    @limiter.limit("2 per minute", key_func=lambda: key, deduct_when=_is_failure)
    def always_refused():
        return jsonify(error="refused"), 401

    app.add_url_rule("/test-limited", "test_limited", always_refused)
    client = app.test_client()
    answers = [client.get("/test-limited") for _ in range(3)]

    assert [answer.status_code for answer in answers] == [401, 401, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0


def _is_failure(response) -> bool:
    return response.status_code >= 400


# Port 1 on loopback: nothing listens, so every connection is refused at once.
UNREACHABLE_STORE = "redis://127.0.0.1:1/0"


def test_an_unreachable_limit_store_answers_503_fast(database_url, caplog):
    with configured_app(database_url, RATELIMIT_STORAGE_URI=UNREACHABLE_STORE) as app:
        app.add_url_rule("/test-limited", "test_limited", limiter.limit("5 per minute")(_ok))
        started = time.monotonic()
        response = app.test_client().get("/test-limited", headers={"Accept": "application/json"})

    assert response.status_code == 503
    assert response.get_json()["error"] == "rate_limit_store_unavailable"
    assert time.monotonic() - started < 5
    assert "rate-limit store unavailable" in caplog.text


def _ok():
    return jsonify(ok=True)
