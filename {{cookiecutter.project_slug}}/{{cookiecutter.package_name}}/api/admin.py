"""Operators' endpoints, behind `roles_required`."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import select

from ..extensions import db
from ..models.user import ADMIN, User
from .errors import ApiError
from .guard import current_claims, current_identity, token_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def roles_required(*roles: str) -> Callable:
    """An access token whose user holds every role in `roles`, else 403 `insufficient_role`.

    The token's `roles` claim is only a hint (it may predate a demotion); the decision
    is taken on the user row the token check already loaded, at no extra query.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @token_required()
        def guarded(*args: Any, **kwargs: Any):
            claimed = current_claims().get("roles") or []
            identity = current_identity()
            if not all(role in claimed and identity.has_role(role) for role in roles):
                raise ApiError(403, "insufficient_role", "Your account lacks the role for this.")
            return view(*args, **kwargs)

        return guarded

    return decorate


@bp.get("/users")
@roles_required(ADMIN)
def list_users():
    users = db.session.scalars(select(User).order_by(User.id))
    return jsonify(
        users=[
            {"id": u.id, "email": u.email, "active": u.active, "roles": list(u.roles)}
            for u in users
        ]
    )
