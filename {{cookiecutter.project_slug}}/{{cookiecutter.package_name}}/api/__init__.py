"""The JSON API under /api/v1: accounts and tokens (auth), two-factor authentication
(two_factor), password reset and email verification (recovery), the owned-resource
example (notes), the operators' endpoints (admin) and the OpenAPI document describing
them all (openapi).

Every answer is JSON, errors included ({"error": code, "message": text}), and none may
be cached: they carry tokens or personal data.
"""

from flask import Blueprint, Response, request

from . import admin, auth, errors, notes, openapi, recovery, two_factor

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.register_blueprint(auth.bp)
bp.register_blueprint(two_factor.bp)
bp.register_blueprint(recovery.bp)
bp.register_blueprint(notes.bp)
bp.register_blueprint(admin.bp)
bp.register_blueprint(openapi.bp)
errors.register(bp)


@bp.after_app_request
def _never_cache(response: Response) -> Response:
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response
