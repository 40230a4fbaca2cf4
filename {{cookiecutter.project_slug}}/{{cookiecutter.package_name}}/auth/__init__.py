"""Server-rendered authentication pages (Flask-Login sessions, CSRF-protected forms)."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import recovery, views  # noqa: E402, F401  (registers the routes on bp)
