"""One error shape per surface: JSON `{"error", "message"}` for API clients, a page otherwise."""

from flask import Flask, jsonify, render_template
from werkzeug.exceptions import HTTPException

from .http import wants_json


def register_error_handlers(app: Flask) -> None:
    # Also answers unhandled exceptions: Flask logs them, then hands this handler a 500.
    app.register_error_handler(HTTPException, _http_error)


def error_response(status: int, code: str, message: str):
    if wants_json():
        return jsonify(error=code, message=message), status
    return render_template("errors/error.html", status=status, message=message), status


def _http_error(error: HTTPException):
    code = (error.name or "error").lower().replace(" ", "_").replace("'", "")
    return error_response(error.code or 500, code, error.description or error.name)
