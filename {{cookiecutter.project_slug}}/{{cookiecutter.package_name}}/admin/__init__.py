"""The operators' panel at /admin: Flask-Login sessions, CSRF-protected forms, admins only.

Customers never log in here; they use the JSON API under /api/v1 (security/worlds.py).
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import views  # noqa: E402, F401  (registers the routes on bp)
