"""The JSON API under /api/v1: accounts and tokens (auth), password reset and email
verification (recovery), the owned-resource example (notes) and the operators' endpoints
(admin).

Every answer is JSON, errors included ({"error": code, "message": text}), and none may
be cached: they carry tokens or personal data.
"""

from flask import Blueprint, Flask, Response, request
from werkzeug.exceptions import HTTPException

from . import admin, auth, errors, notes, recovery

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.register_blueprint(auth.bp)
bp.register_blueprint(recovery.bp)
bp.register_blueprint(notes.bp)
bp.register_blueprint(admin.bp)
errors.register(bp)


def register_error_handlers(app: Flask) -> None:
    """Every error answers JSON: this app has no pages to show instead."""
    app.register_error_handler(HTTPException, _http_error)


def _http_error(error: HTTPException):
    code = (error.name or "error").lower().replace(" ", "_").replace("'", "")
    return errors.json_error(error.code or 500, code, error.description or error.name)


@bp.after_app_request
def _never_cache(response: Response) -> Response:
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response
