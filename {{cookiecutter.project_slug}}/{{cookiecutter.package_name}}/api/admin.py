"""Operators' endpoints, behind `roles_required`: the accounts, and a lost factor's reset."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import select

from .. import audit, mfa
from ..extensions import db
from ..models.user import ADMIN, User
from .errors import ApiError
from .guard import current_claims, current_identity, token_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def roles_required(*roles: str, fresh: bool = False) -> Callable:
    """An access token whose user holds every role in `roles`, else 403 `insufficient_role`
    (with `fresh`, the token of a login made just now).

    The token's `roles` claim is only a hint (it may predate a demotion); the decision
    is taken on the user row the token check already loaded, at no extra query.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @token_required(fresh=fresh)
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


@bp.post("/users/<id:user_id>/mfa-reset")
@roles_required(ADMIN, fresh=True)
def reset_mfa(user_id: int):
    """Remove another account's second factor (a lost phone); ends all of its logins."""
    user = db.session.get(User, user_id)
    if user is None:
        raise ApiError(404, "not_found", "No such account.")
    if user.id == current_identity().id:
        # Your own goes through /auth/mfa/totp/disable, with a code.
        raise ApiError(409, "cannot_change_own_account", "You cannot reset your own factor.")
    if not mfa.reset(user, by=current_identity().id):
        raise ApiError(409, "mfa_not_enabled", "This account has no second factor.")
    audit.event(
        "admin_action", user_id=current_identity().id, action="mfa_reset", target_user_id=user.id
    )
    return jsonify(mfa_reset=True)
