"""Probes for the load balancer or orchestrator in front of the instances.

`/healthz` (liveness) says this process answers HTTP at all: it touches no database, no
session and no authentication, so an outage of a shared store never gets every healthy
worker restarted. `/readyz` (readiness) says this instance can serve users now: one
trivial round trip to each store it depends on, and 503 naming the ones that are down,
so traffic goes to other instances until they are back.
"""

from collections.abc import Callable

from flask import Blueprint, Flask, current_app, jsonify

from .extensions import db, limiter

bp = Blueprint("health", __name__)


def add_readiness_check(app: Flask, name: str, check: Callable[[], object]) -> None:
    """Have /readyz also ask `check()`: down when it raises or returns something false."""
    app.extensions.setdefault("readiness_checks", {})[name] = check


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
@limiter.exempt
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
