"""Notes over JSON: the example of an owned resource, showing how authorisation is done.

Every note is looked up together with its owner, the token's user (models/note.py), so
another user's note answers 404 `not_found` exactly like a missing one: a 403 would
confirm that the id exists.
"""

from typing import Any

from flask import Blueprint, abort, jsonify, request, url_for

from ..models.note import (
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Note,
    create_note,
    delete_note,
    notes_of,
    owned_note,
    update_note,
)
from .errors import ApiError, allowed_text, json_object
from .guard import current_identity, token_required

bp = Blueprint("notes", __name__, url_prefix="/notes")


@bp.get("")
@token_required()
def list_notes():
    return jsonify(notes=[note.to_dict() for note in notes_of(current_identity().id)])


@bp.post("")
@token_required()
def create():
    title, body = _fields(json_object(), partial=False, current=None)
    note = create_note(current_identity().id, title, body)
    return jsonify(note.to_dict()), 201, {"Location": url_for(".read", note_id=note.id)}


@bp.get("/<id:note_id>")
@token_required()
def read(note_id: int):
    return jsonify(_own(note_id).to_dict())


@bp.route("/<id:note_id>", methods=["PUT", "PATCH"])
@token_required()
def update(note_id: int):
    note = _own(note_id)
    title, body = _fields(json_object(), partial=request.method == "PATCH", current=note)
    return jsonify(update_note(note, title, body).to_dict())


@bp.delete("/<id:note_id>")
@token_required()
def delete(note_id: int):
    delete_note(_own(note_id))
    return "", 204


def _own(note_id: int) -> Note:
    note = owned_note(note_id, current_identity().id)
    if note is None:
        # The same 404 as a URL that names no note at all: nothing tells the client
        # whether the id exists.
        abort(404)
    return note


def _fields(data: dict[str, Any], *, partial: bool, current: Note | None) -> tuple[str, str]:
    """(title, body) from a JSON object; PATCH keeps what it does not name."""
    title = _text(data, "title", TITLE_MAX_LENGTH, required=not partial)
    body = _text(data, "body", BODY_MAX_LENGTH, required=False)
    if partial and title is None and body is None:
        raise ApiError(400, "invalid_request", "Send 'title' and/or 'body'.")
    if current is not None and partial:
        return title or current.title, current.body if body is None else body
    return title or "", body or ""


def _text(data: dict[str, Any], name: str, limit: int, *, required: bool) -> str | None:
    if name not in data and not required:
        return None  # absent; a null is not a string, and is refused below
    value = data.get(name)
    if not isinstance(value, str):
        raise ApiError(400, "invalid_request", f"'{name}' must be a string.")
    allowed_text(name, value, multiline=name == "body")
    if name == "title" and not value.strip():
        raise ApiError(400, "invalid_request", "'title' must not be empty.")
    if len(value) > limit:
        raise ApiError(400, "invalid_request", f"'{name}' must be at most {limit} characters.")
    return value
