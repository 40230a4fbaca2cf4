"""What a request body can make the app do: how big it may be and how deep its JSON."""

from typing import Any

from flask import Flask, abort, current_app, request
from flask.json.provider import DefaultJSONProvider


def init_app(app: Flask) -> None:
    app.before_request(refuse_oversized_bodies)
    app.json = BoundedJSONProvider(app)


def refuse_oversized_bodies() -> None:
    # Werkzeug enforces MAX_CONTENT_LENGTH only when a body is read; refusing up front
    # gives every endpoint the same 413, whether or not it reads the body.
    if not request.environ.get("CONTENT_LENGTH"):
        return  # no declared body (every GET): nothing to parse or compare
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a body nested too deeply to decode is invalid JSON.

    A few thousand brackets fit easily within MAX_CONTENT_LENGTH, and Python's decoder
    gives up on them with RecursionError, which is not the ValueError that makes
    `request.get_json` answer 400 (or None when silent): it would escape as a 500.
    """

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply to decode") from None
