"""What a URL may carry: the converter for database ids in routes."""

from werkzeug.routing import IntegerConverter

# The primary keys are the portable INTEGER type, which PostgreSQL keeps in 32 bits: no
# row there has a larger id, and comparing with one is an error, not a miss. SQLite's
# INTEGER holds 64 bits, but reaches this only through ids written explicitly, which
# this app never does; so one limit holds on either database.
MAX_ROW_ID = 2**31 - 1


def _decimal_up_to(limit: int) -> str:
    """A regex matching exactly the numbers 1..limit, in ASCII digits, no leading zero."""
    digits = str(limit)
    alternatives = ["[1-9]" + _digits(0, len(digits) - 2)] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        lowest = 1 if i == 0 else 0
        if int(digit) > lowest:
            # As long as the limit: its first i digits, a smaller digit, then any digits.
            rest = len(digits) - i - 1
            alternatives.append(f"{digits[:i]}[{lowest}-{int(digit) - 1}]" + _digits(rest, rest))
    alternatives.append(digits)
    return f"(?:{'|'.join(alternatives)})"


def _digits(least: int, most: int) -> str:
    return "[0-9]{" + f"{least},{most}" + "}"


class RowIdConverter(IntegerConverter):
    """`<id:name>` in a route: a positive integer that can be a row's primary key.

    Anything else names no row, and databases refuse to compare with a larger one
    (PostgreSQL: integer out of range; SQLite, past 64 bits: OverflowError): such a URL is
    a plain 404 before any view runs. The pattern itself refuses it, rather than the
    conversion after a match: Werkzeug answers a path that matched but failed to convert
    with 405 for every method routed to it by another rule (DELETE /notes/0: "use GET"),
    which is false, since GET is a 404 too.
    """

    regex = _decimal_up_to(MAX_ROW_ID)

    def __init__(self, url_map) -> None:
        super().__init__(url_map, min=1, max=MAX_ROW_ID)
