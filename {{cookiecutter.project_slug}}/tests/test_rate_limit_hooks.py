"""Flask-Limiter's hooks run only where it checked a limit, yet every limit still counts."""

import uuid

from flask import jsonify

from {{ cookiecutter.package_name }}.extensions import limiter


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
