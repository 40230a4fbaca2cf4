"""Small helpers about the request and response formats."""

from flask import request


def wants_json() -> bool:
    """True when the client asked for JSON rather than a page."""
    if request.path.startswith("/api/"):
        return True  # the JSON API answers JSON whatever the client accepts
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"
