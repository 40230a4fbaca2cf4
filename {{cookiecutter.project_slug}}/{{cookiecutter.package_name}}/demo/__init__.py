"""The reference browser client for cookie mode, served at /demo in development only.

Copy demo.js into your SPA: it shows the whole protocol (login and its second step, /me,
refresh, logout) with `fetch`, sending the csrf cookie's value in X-CSRF-TOKEN on every
POST.
"""

from pathlib import Path

from flask import Blueprint, send_from_directory

HERE = Path(__file__).parent
bp = Blueprint("demo", __name__, url_prefix="/demo")


@bp.after_request
def _lock_down(response):
    # No inline script, no third-party origin: the page runs only demo.js.
    response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def page():
    return send_from_directory(HERE, "index.html")


@bp.get("/demo.js")
def script():
    return send_from_directory(HERE, "demo.js", mimetype="text/javascript")
