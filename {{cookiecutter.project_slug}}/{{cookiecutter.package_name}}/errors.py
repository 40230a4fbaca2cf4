{%- set pages = cookiecutter.auth_mode in ["session", "hybrid"] -%}
"""One error shape per surface: JSON `{"error": code, "message": text}` for API clients{% if pages %},
a re-rendered page for browsers{% endif %}."""

{% if pages -%}
from flask import Flask, jsonify, render_template, request
{%- else -%}
from flask import Flask, jsonify
{%- endif %}
from werkzeug.exceptions import HTTPException


def register_error_handlers(app: Flask) -> None:
    # Also answers unhandled exceptions: Flask logs them, then hands this handler a 500.
    app.register_error_handler(HTTPException, _http_error)


def error_response(status: int, code: str, message: str):
{%- if pages %}
    if not wants_json():
        return render_template("errors/error.html", status=status, message=message), status
{%- endif %}
    return jsonify(error=code, message=message), status
{%- if pages %}


def wants_json() -> bool:
    """True when the client asked for JSON rather than a page."""
    if request.path.startswith("/api/"):
        return True  # the JSON API answers JSON whatever the client accepts
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"
{%- endif %}


def _http_error(error: HTTPException):
    code = (error.name or "error").lower().replace(" ", "_").replace("'", "")
    body, status = error_response(error.code or 500, code, error.description or error.name)
    # The headers Werkzeug's own page carries: a 405's Allow (RFC 9110), a 401's
    # WWW-Authenticate, a 429's or 503's Retry-After; the body's type is ours.
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return body, status, headers
