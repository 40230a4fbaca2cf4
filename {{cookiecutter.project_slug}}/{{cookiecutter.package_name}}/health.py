"""Probes for the load balancer or orchestrator in front of the instances.

`/healthz` (liveness) says this process answers HTTP at all: it touches no database, no
session and no authentication, so an outage of a shared store never gets every healthy
worker restarted. It is answered in front of Flask, as the WSGI layer's first step: a
probe that runs every few seconds on every worker should not pay for opening a session,
the rate limiter's bookkeeping and the other hooks of a real request.

`/readyz` (readiness) says this instance can serve users now: one trivial round trip to
each store it depends on, and 503 naming the ones that are down, so traffic goes to
other instances until they are back.
"""

import json
from collections.abc import Callable, Iterable

from flask import Blueprint, Flask, current_app, jsonify

from .extensions import db, limiter
from .security.headers import HEADERS, HSTS

bp = Blueprint("health", __name__)
LIVENESS_PATH = "/healthz"


def init_app(app: Flask) -> None:
    app.wsgi_app = LivenessProbe(app.wsgi_app, hsts=app.config["HSTS_ENABLED"])  # type: ignore[method-assign]


class LivenessProbe:
    """WSGI middleware answering GET and HEAD /healthz with a fixed 200 JSON body."""

    def __init__(self, wsgi_app: Callable, *, hsts: bool) -> None:
        self.wsgi_app = wsgi_app
        self.body = json.dumps({"status": "ok"}).encode()
        # The same defences as every other response (security/headers.py), made once.
        self.headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(self.body))),
            ("Cache-Control", "no-store"),
            *HEADERS.items(),
            *([("Strict-Transport-Security", HSTS)] if hsts else []),
        ]

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") != LIVENESS_PATH or method not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        start_response("200 OK", list(self.headers))
        return [self.body] if method == "GET" else []


def add_readiness_check(app: Flask, name: str, check: Callable[[], object]) -> None:
    """Have /readyz also ask `check()`: down when it raises or returns something false."""
    app.extensions.setdefault("readiness_checks", {})[name] = check


@bp.get("/readyz")
@limiter.exempt  # should the app ever get default limits: a probe must never be refused
def readyz():
    checks = {"database": _database_answers, **current_app.extensions.get("readiness_checks", {})}
    states = {name: "ok" if _passes(name, check) else "down" for name, check in checks.items()}
    down = [name for name, state in states.items() if state == "down"]
    if down:
        response = jsonify(
            error="not_ready", message=f"Unavailable: {', '.join(down)}.", checks=states
        )
        response.status_code = 503
        return response
    return jsonify(status="ok", checks=states)


def _database_answers() -> bool:
    # The engine, not the ORM session: nothing to roll back, nothing left open.
    with db.engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    return True


def _passes(name: str, check: Callable[[], object]) -> bool:
    try:
        return bool(check())
    except Exception:  # any failure means "not ready"; the log says which and why
        current_app.logger.exception("readiness check %r failed", name)
        return False
