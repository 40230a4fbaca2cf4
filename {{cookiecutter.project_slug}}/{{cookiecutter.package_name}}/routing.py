"""What a URL may carry: the converter for database ids in routes."""

from werkzeug.routing import IntegerConverter


class RowIdConverter(IntegerConverter):
    """`<id:name>` in a route: a positive integer that fits a 64-bit primary key.

    Anything larger cannot name a row, and databases refuse to compare with it (SQLite
    raises OverflowError): such a URL is a plain 404 before any view runs.
    """

    def __init__(self, url_map) -> None:
        super().__init__(url_map, min=1, max=2**63 - 1)
