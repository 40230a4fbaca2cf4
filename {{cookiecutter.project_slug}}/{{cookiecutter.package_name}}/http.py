"""Small helpers about requests: the format a client wants, the ids a URL may carry."""

from flask import request
from werkzeug.routing import IntegerConverter


def wants_json() -> bool:
    """True when the client asked for JSON rather than a page."""
    if request.path.startswith("/api/"):
        return True  # the JSON API answers JSON whatever the client accepts
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


class RowIdConverter(IntegerConverter):
    """`<id:name>` in a route: a positive integer that fits a 64-bit primary key.

    Anything larger cannot name a row, and databases refuse to compare with it (SQLite
    raises OverflowError): such a URL is a plain 404 before any view runs.
    """

    def __init__(self, url_map) -> None:
        super().__init__(url_map, min=1, max=2**63 - 1)
