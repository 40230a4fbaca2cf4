"""Notes pages: the owned-resource example for session mode (see models/note.py)."""

from flask import Blueprint

bp = Blueprint("notes", __name__, url_prefix="/notes")

from . import views  # noqa: E402, F401  (registers the routes on bp)
